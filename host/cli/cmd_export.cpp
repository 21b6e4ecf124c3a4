// corridor export: the tables of an HDF5 input as CSV files.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "common.h"

namespace fs = std::filesystem;

namespace corridor {
namespace {

// Refuses a folder that already holds a table export would replace, unless --force.
void check_export_folder(const ExportOptions& o) {
  std::error_code ec;
  if (fs::exists(o.dir, ec) && !fs::is_directory(o.dir, ec))
    throw UsageError(o.dir + ": exists and is not a folder; corridor export writes a folder of CSV tables");
  if (o.force) return;
  std::vector<std::string> names{"meta"};
  for (const TableDef& t : input_schema()) names.push_back(t.name);
  for (const std::string& n : names)
    if (fs::exists(fs::path(o.dir) / (n + ".csv"), ec))
      throw UsageError(o.dir + ": holds " + n + ".csv already; use --force to replace the tables there");
}

} // namespace

int cmd_export(const ExportOptions& o) {
  check_export_folder(o);
  const Input in = load_h5_input(o.input, "export");
  write_csv_dir(in, o.dir);
  std::printf("exported %s -> %s\n", o.input.c_str(), o.dir.c_str());
  return 0;
}

} // namespace corridor
