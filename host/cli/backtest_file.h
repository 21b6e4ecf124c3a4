// The HDF5 file of corridor backtest -o: scores per horizon and every case.
#pragma once
#include <cstdint>
#include <string>

#include <hdf5.h>

#include "../calibrate.h"

namespace corridor {

struct BacktestProvenance {
  std::string input; // the input's path, named in the title and hashed
  uint64_t seed = 0;
  uint32_t paths = 0;
};

// Writes the scores, the cases and the provenance into an open, empty file.
void write_backtest_file(hid_t f, const BacktestResult& r, const BacktestProvenance& p);

} // namespace corridor
