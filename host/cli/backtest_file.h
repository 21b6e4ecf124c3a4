// The HDF5 file of corridor backtest -o: scores per horizon and every case.
#pragma once
#include <cstdint>
#include <string>

#include "../calibrate.h"

namespace corridor {

struct BacktestProvenance {
  std::string input; // the input's path, named in the title and hashed
  uint64_t seed = 0;
  uint32_t paths = 0;
};

// Writes a new file at `path` (a temporary name: write_atomically renames it).
void write_backtest_file(const std::string& path, const BacktestResult& r, const BacktestProvenance& p);

} // namespace corridor
