// corridor export: the tables of an HDF5 input as CSV files.
#include <cstdio>

#include "../output.h"
#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_export(const ExportOptions& o) {
  OutputTarget out = prepare_output_folder(o.dir, o.force, {o.input});
  const Input in = load_h5_input(o.input, "export");
  out.commit([&](const std::string& tmp) { write_csv_dir(in, tmp); });
  std::printf("exported %s -> %s\n", o.input.c_str(), o.dir.c_str());
  return 0;
}

} // namespace corridor
