// The input contract (MODEL.md section 8): a versioned schema of tables,
// read from CSV folders or HDF5 files and written to either. The schema is
// defined once here and drives import, export, validation and the docs.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace corridor {

// The newest schema version this build reads; it reads every version from 1.
// Version 2 adds the network: routes, new corridors, captures, markets, node
// congestion and capacity response (inputs/README.md).
constexpr int kSchemaVersion = 2;

// Bad input: each line of what() names the file, table or dataset, the row and
// the problem. Commands exit with status 2 on it.
struct InputError : std::runtime_error {
  std::vector<std::string> lines;
  explicit InputError(std::vector<std::string> l);
};

struct ColumnDef {
  std::string name;
  char type; // 's' string, 'r' real, 'i' integer
  bool required;
  std::string def; // default when optional and absent
  std::string unit;
  std::string doc;
};
struct TableDef {
  std::string name;
  bool required;
  std::string doc;
  std::vector<ColumnDef> cols;
};
const std::vector<TableDef>& input_schema();
const TableDef* find_table(const std::string& name);

struct MetaDef {
  std::string key;
  char type;
  bool required;
  std::string doc;
};
const std::vector<MetaDef>& meta_schema();

struct Table {
  std::string where; // "DIR/series.csv" or "FILE.h5:/series": for messages
  size_t rows = 0;
  std::map<std::string, std::vector<std::string>> str;
  std::map<std::string, std::vector<double>> num;
  // line number in the source file of each row (CSV), for messages
  std::vector<long> line;
  // false for an optional table the input does not have (no file, no group):
  // read as a table without rows
  bool given = true;
  std::string row_ref(size_t r) const; // "row 3 (line 5)"
};

struct Input {
  std::string origin;
  std::map<std::string, std::string> meta;
  std::map<std::string, Table> tables;
};

Input read_csv_dir(const std::string& dir);
// The same from (file name, contents) pairs, e.g. {"ports.csv", "..."}: what
// read_csv_dir does after reading the folder (the CSV fuzz target uses it).
Input read_csv_texts(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files);
void write_csv_dir(const Input& in, const std::string& dir);
// Reads an HDF5 input. The file is read into memory, checked first in a
// forked child with a time limit (h5::probe_readable: a file that crashes or
// hangs libhdf5 is refused with one line), then parsed from that image.
Input read_h5_input(const std::string& path);
// The parse alone, from a file image, without the child process (fuzzing;
// `name` appears in messages).
Input read_h5_input_image(const std::string& name, const std::string& image);
// The child-process check of read_h5_input: "" or the line refusing the file.
// With `parse` false, the child runs only libhdf5's walk of every object.
std::string probe_h5_input_image(const std::string& name, const std::string& image, double timeout_s, bool parse);
void write_h5_input(const Input& in, const std::string& path);

// Split one CSV record stream into rows of fields (RFC 4180 quotes, '#'
// comment lines, blank lines skipped). Exposed for tests.
std::vector<std::vector<std::string>> parse_csv(const std::string& text, const std::string& where,
                                                std::vector<long>* lines = nullptr);
std::string csv_escape(const std::string& s);
// "" for UTF-8 text without NUL bytes, else the problem ("invalid UTF-8 at
// byte 3", "NUL byte at byte 1").
std::string text_problem(const std::string& s);
// Strict number of a column of type 'r' or 'i': decimal only (no hex, inf),
// NaN only when `nan_ok`, integers within int, no overflow to infinity. ""
// when valid (v set), else the problem, quoting the value.
std::string parse_value(const std::string& s, char type, bool nan_ok, double& v);
std::string format_number(double v);

} // namespace corridor
