// corridor inspect: what an HDF5 file (output or input) holds and its provenance.
#include <iostream>

#include "../summary.h"
#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_inspect(const InspectOptions& o) {
  require_hdf5(o.file, "inspect");
  print_inspect(o.file, std::cout);
  return 0;
}

} // namespace corridor
