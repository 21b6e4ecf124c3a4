// corridor export: the tables of an HDF5 input as CSV files.
#include <cstdio>

#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_export(const ExportOptions& o) {
  const Input in = load_h5_input(o.input, "export");
  write_csv_dir(in, o.dir);
  std::printf("exported %s -> %s\n", o.input.c_str(), o.dir.c_str());
  return 0;
}

} // namespace corridor
