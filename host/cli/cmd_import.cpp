// corridor import: a folder of CSV tables -> a validated HDF5 input.
#include <cstdio>

#include "../model_build.h"
#include "../output.h"
#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_import(const ImportOptions& o) {
  OutputTarget out = prepare_output(o.output, o.force, {o.dir});
  const FileKind k = file_kind(o.dir);
  if (k != FileKind::folder)
    throw InputError({o.dir + ": " + describe(k) + "; corridor import reads a folder of CSV tables"});
  const Input in = read_csv_dir(o.dir);
  validate_input(in);
  out.commit([&](const std::string& tmp) { write_h5_input(in, tmp); });
  std::printf("imported %s -> %s\n", o.dir.c_str(), o.output.c_str());
  return 0;
}

} // namespace corridor
