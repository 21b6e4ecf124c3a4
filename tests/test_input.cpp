// Input contract: CSV parsing, the CSV <-> HDF5 round trip, and a corpus of
// bad inputs, each refused with a message naming where and what.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "util.h"

using namespace corridor;
using namespace corridor::test;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("corridor_test_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
Input good() {
  Input in = single_series(100, 0.05, 0.01, 0.05);
  add_row(in, "groups", {{"id", "G"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "120"}});
  add_row(in, "expansions", {{"id", "E"}, {"group", "G"}, {"capacity_add", "50"}});
  add_row(in, "expansion_years", {{"expansion", "E"}, {"year", "2027"}, {"probability", "1"}});
  add_row(in, "history", {{"series", "S1"}, {"year", "2023"}, {"value", "90"}});
  add_row(in, "targets", {{"id", "T"}, {"name", "t"}, {"metric", "freight"}, {"value", "150"}});
  add_row(in, "adjustments", {{"scenario", "*"}, {"year_from", "2025"}, {"year_to", "2026"}, {"growth", "0.01"}});
  return in;
}
std::string errors_of(const Input& in) {
  try {
    validate_input(in);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST(Csv, QuotesCommentsBlankLinesUtf8) {
  const std::string text = "\xEF\xBB\xBFid,name\n# a comment\n\nA,\"Horgos, "
                           "\"\"Khorgos\"\"\"\nB,\"two\nlines\"\nC,\xE9\x9C\x8D\xE5\xB0\x94\xE6\x9E\x9C\xE6\x96\xAF\n";
  std::vector<long> lines;
  const auto rows = parse_csv(text, "x.csv", &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "id");
  EXPECT_EQ(rows[1][1], "Horgos, \"Khorgos\"");
  EXPECT_EQ(rows[2][1], "two\nlines");
  EXPECT_EQ(rows[3][1], "\xE9\x9C\x8D\xE5\xB0\x94\xE6\x9E\x9C\xE6\x96\xAF");
  EXPECT_EQ(lines[1], 4);
  EXPECT_EQ(lines[3], 7);
  EXPECT_THROW(parse_csv("a,\"b\n", "x.csv"), InputError);
}

namespace {
// numeric columns equal bit for bit (NaN marks an empty optional value)
bool same_bits(const std::map<std::string, std::vector<double>>& a,
               const std::map<std::string, std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& kv : a) {
    const auto it = b.find(kv.first);
    if (it == b.end() || it->second.size() != kv.second.size()) return false;
    if (!kv.second.empty() && std::memcmp(kv.second.data(), it->second.data(), kv.second.size() * sizeof(double)) != 0)
      return false;
  }
  return true;
}

// in -> CSV (csv/) -> a -> HDF5 (in.h5) -> b -> CSV (csv2/) -> c, under d:
// every table the same bytes at each step; the three inputs read back
struct RoundTrip {
  Input a, b, c;
};
RoundTrip round_trip(const Input& in, const fs::path& d) {
  RoundTrip r;
  write_csv_dir(in, (d / "csv").string());
  r.a = read_csv_dir((d / "csv").string());
  write_h5_input(r.a, (d / "in.h5").string());
  r.b = read_h5_input((d / "in.h5").string());
  write_csv_dir(r.b, (d / "csv2").string());
  r.c = read_csv_dir((d / "csv2").string());
  for (const auto& def : input_schema()) {
    EXPECT_EQ(r.a.tables.at(def.name).str, r.b.tables.at(def.name).str) << def.name;
    EXPECT_TRUE(same_bits(r.a.tables.at(def.name).num, r.b.tables.at(def.name).num)) << def.name;
    EXPECT_EQ(r.c.tables.at(def.name).str, in.tables.at(def.name).str) << def.name;
    EXPECT_TRUE(same_bits(r.c.tables.at(def.name).num, in.tables.at(def.name).num)) << def.name;
  }
  EXPECT_EQ(r.a.meta, r.b.meta);
  return r;
}
} // namespace

TEST(Input, CsvHdf5RoundTripIsExact) {
  const fs::path d = temp_dir("rt");
  Input in = good();
  in.tables["ports"].str["name"][0] = "Port, \"one\" \xE9\x9C\x8D";
  in.tables["series"].num["mu"][0] = 0.1 + 0.2; // not a short decimal
  const auto [a, b, c] = round_trip(in, d);
  EXPECT_NO_THROW(validate_input(b));
  fs::remove_all(d);
}

// The bad-input corpus: a mutation of a good input and the message it must give.
struct BadCase {
  const char* name;
  std::function<void(Input&)> mutate;
  const char* expect;
};

TEST(Input, BadInputCorpus) {
  const double nan = std::nan("");
  const std::vector<BadCase> cases = {
      {"nan base", [&](Input& in) { in.tables["series"].num["base_value"][0] = nan; },
       "test:series: row 1: column 'base_value': NaN"},
      {"inf mu", [](Input& in) { in.tables["series"].num["mu"][0] = INFINITY; }, "column 'mu': infinite value"},
      {"huge base", [](Input& in) { in.tables["series"].num["base_value"][0] = 2e30; },
       "test:series: row 1: column 'base_value': 2e+30 is beyond 1e30 in magnitude"},
      {"negative base", [](Input& in) { in.tables["series"].num["base_value"][0] = -5; },
       "column 'base_value': -5 must be > 0"},
      {"negative sigma", [](Input& in) { in.tables["series"].num["sigma"][0] = -0.1; },
       "column 'sigma': negative value -0.1"},
      {"phi out of range", [](Input& in) { in.tables["series"].num["phi"][0] = 1.5; }, "column 'phi': 1.5 is outside"},
      {"unknown port", [](Input& in) { in.tables["series"].str["port"][0] = "XXX"; },
       "column 'port': unknown port 'XXX'"},
      {"unknown partner", [](Input& in) { in.tables["series"].str["partner"][0] = "ZZZ"; }, "unknown partner 'ZZZ'"},
      {"unknown mode", [](Input& in) { in.tables["series"].str["mode"][0] = "boat"; }, "unknown mode 'boat'"},
      {"unknown metric", [](Input& in) { in.tables["series"].str["metric"][0] = "cats"; }, "unknown metric 'cats'"},
      {"bad kind", [](Input& in) { in.tables["series"].str["kind"][0] = "both"; }, "'both' is not load or derived"},
      {"duplicate series",
       [](Input& in) {
         add_row(in, "series",
                 {{"id", "S1"},
                  {"port", "P1"},
                  {"partner", "KAZ"},
                  {"mode", "rail"},
                  {"metric", "freight"},
                  {"kind", "load"},
                  {"base_value", "1"},
                  {"mu", "0"}});
       },
       "test:series: row 2: column 'id': duplicate id 'S1'"},
      {"duplicate port",
       [](Input& in) {
         add_row(in, "ports", {{"id", "P1"}, {"name", "x"}, {"kind", "land"}, {"lat", "1"}, {"lon", "1"}});
       },
       "duplicate id 'P1'"},
      {"probability > 1", [](Input& in) { in.tables["ports"].num["closure_prob"][0] = 1.2; },
       "column 'closure_prob': 1.2 is not a probability"},
      {"negative probability", [](Input& in) { in.tables["scenarios"].num["region_shock_prob"][0] = -0.1; },
       "column 'region_shock_prob': -0.1 is not a probability"},
      {"loss min > max", [](Input& in) { in.tables["ports"].num["closure_loss_min"][0] = 0.5; },
       "closure_loss_min': is larger than closure_loss_max"},
      {"latitude", [](Input& in) { in.tables["ports"].num["lat"][0] = 95; }, "column 'lat': 95 is not a latitude"},
      {"port kind", [](Input& in) { in.tables["ports"].str["kind"][0] = "sea"; }, "'sea' is not land, air or pipeline"},
      {"distribution sum", [](Input& in) { in.tables["expansion_years"].num["probability"][0] = 0.7; },
       "probabilities sum to 0.7, not 1"},
      {"expansion year before base", [](Input& in) { in.tables["expansion_years"].num["year"][0] = 2020; },
       "column 'year': 2020 is outside the horizon"},
      {"unknown group", [](Input& in) { in.tables["expansions"].str["group"][0] = "NOPE"; }, "unknown group 'NOPE'"},
      {"zero capacity", [](Input& in) { in.tables["groups"].num["capacity"][0] = 0; },
       "column 'capacity': 0 must be > 0"},
      {"overload < 1", [](Input& in) { in.tables["groups"].num["overload"][0] = 0.5; },
       "column 'overload': 0.5 is outside [1, 10]"},
      {"horizon before base", [](Input& in) { in.meta["horizon_year"] = "2020"; },
       "horizon_year 2020 is not after base_year 2024"},
      {"newer schema", [](Input& in) { in.meta["schema_version"] = "7"; },
       "schema_version 7 is newer than this build reads"},
      {"missing title", [](Input& in) { in.meta.erase("title"); }, "missing 'title'"},
      {"unknown meta key", [](Input& in) { in.meta["colour"] = "red"; }, "unknown key 'colour'"},
      {"adjustment years", [](Input& in) { in.tables["adjustments"].num["year_to"][0] = 2050; },
       "column 'year_to': 2050 is before year_from or after the horizon"},
      {"history after base", [](Input& in) { in.tables["history"].num["year"][0] = 2030; },
       "column 'year': 2030 is after the base year 2024"},
      {"history unknown series", [](Input& in) { in.tables["history"].str["series"][0] = "S9"; },
       "unknown series 'S9'"},
      {"coverage", [](Input& in) { in.tables["history"].num["coverage"][0] = 1.5; },
       "column 'coverage': 1.5 is not a fraction of a year"},
      {"target port", [](Input& in) { in.tables["targets"].str["ports"][0] = "P1|Q"; },
       "column 'ports': unknown port 'Q'"},
      {"derived without load", [](Input& in) { in.tables["series"].str["kind"][0] = "derived"; },
       "test:series: row 1: column 'source_series': unknown series ''"},
      {"no scenarios",
       [](Input& in) {
         Table& t = in.tables["scenarios"];
         t.rows = 0;
         for (auto& kv : t.str) kv.second.clear();
         for (auto& kv : t.num) kv.second.clear();
       },
       "test:scenarios: no scenarios"},
      {"shock decay 1", [](Input& in) { in.tables["scenarios"].num["shock_decay"][0] = 1; },
       "column 'shock_decay': 1 is outside [0, 1)"},
  };
  ASSERT_GE(cases.size(), 25u);
  EXPECT_EQ(errors_of(good()), "");
  for (const auto& c : cases) {
    Input in = good();
    c.mutate(in);
    const std::string e = errors_of(in);
    EXPECT_NE(e.find(c.expect), std::string::npos) << c.name << ": got\n" << e;
  }
}

TEST(Input, FileErrors) {
  const fs::path d = temp_dir("files");
  { std::ofstream(d / "text.h5") << "not hdf5 at all"; }
  EXPECT_THROW(
      try { read_h5_input((d / "text.h5").string()); } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("not an HDF5 file"), std::string::npos);
        throw;
      },
      InputError);
  // a truncated HDF5 file
  write_h5_input(good(), (d / "good.h5").string());
  const auto size = fs::file_size(d / "good.h5");
  fs::copy_file(d / "good.h5", d / "cut.h5");
  fs::resize_file(d / "cut.h5", size / 2);
  EXPECT_THROW(read_h5_input((d / "cut.h5").string()), InputError);
  EXPECT_THROW(read_h5_input((d / "missing.h5").string()), InputError);
  // CSV: unknown table, missing column, not a number, wrong field count
  write_csv_dir(good(), (d / "csv").string());
  { std::ofstream(d / "csv" / "colours.csv") << "id\nred\n"; }
  {
    std::ofstream f(d / "csv" / "partners.csv");
    f << "id,name\nKAZ,Kazakhstan\n";
  }
  {
    std::ofstream f(d / "csv" / "metrics.csv");
    f << "id,unit\nfreight,tonnes,extra\n";
  }
  {
    std::ofstream f(d / "csv" / "history.csv");
    f << "series,year,value\nS1,twenty,3\n";
  }
  try {
    read_csv_dir((d / "csv").string());
    FAIL();
  } catch (const InputError& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("colours.csv: unknown table 'colours'"), std::string::npos) << w;
    EXPECT_NE(w.find("partners.csv: header: missing required column 'kind'"), std::string::npos) << w;
    EXPECT_NE(w.find("metrics.csv: row 1 (line 2): 3 fields, header has 2"), std::string::npos) << w;
    EXPECT_NE(w.find("history.csv: row 1 (line 2): column 'year': 'twenty' is not an integer"), std::string::npos) << w;
  }
  fs::remove_all(d);
}

// ---- strict values, text, damaged and hostile files --------------------------

#include <chrono>
#include <csignal>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "host/h5.h"

namespace {
// Rewrites one cell of DIR/TABLE.csv (row 0 is the first data row).
void set_cell(const fs::path& dir, const std::string& table, size_t row, const std::string& col,
              const std::string& value) {
  const fs::path p = dir / (table + ".csv");
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto rows = parse_csv(ss.str(), p.string());
  const auto h = std::find(rows[0].begin(), rows[0].end(), col);
  ASSERT_NE(h, rows[0].end()) << table << "." << col;
  ASSERT_LT(row + 1, rows.size());
  rows[row + 1][h - rows[0].begin()] = value;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) out << (c ? "," : "") << csv_escape(r[c]);
    out << "\n";
  }
}
// The lines of the InputError `f` throws ({} when it does not).
std::vector<std::string> refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.lines;
  }
  return {};
}
std::string joined(const std::vector<std::string>& l) {
  std::string s;
  for (const auto& x : l) s += x + "\n";
  return s;
}
} // namespace

TEST(Input, StrictNumberSyntax) {
  double v = 0;
  EXPECT_EQ(parse_value("+1.5e3", 'r', false, v), "");
  EXPECT_EQ(v, 1500);
  EXPECT_EQ(parse_value(" .5 ", 'r', false, v), "");
  EXPECT_EQ(v, 0.5);
  EXPECT_EQ(parse_value("5.", 'r', false, v), "");
  EXPECT_EQ(parse_value("-0", 'r', false, v), "");
  EXPECT_EQ(parse_value("0x10", 'r', false, v), "'0x10' is not a number");
  EXPECT_EQ(parse_value("0x1p3", 'r', false, v), "'0x1p3' is not a number");
  EXPECT_EQ(parse_value("1e", 'r', false, v), "'1e' is not a number");
  EXPECT_EQ(parse_value("1,5", 'r', false, v), "'1,5' is not a number");
  EXPECT_EQ(parse_value("inf", 'r', false, v), "'inf' is not a number");
  EXPECT_EQ(parse_value("-infinity", 'r', true, v), "'-infinity' is not a number");
  EXPECT_EQ(parse_value("nan", 'r', false, v), "'nan' is not a number");
  EXPECT_EQ(parse_value("nan", 'r', true, v), "");
  EXPECT_TRUE(std::isnan(v));
  EXPECT_EQ(parse_value("1e999", 'r', false, v), "'1e999' is out of range for a number");
  EXPECT_EQ(parse_value("-1e999", 'r', false, v), "'-1e999' is out of range for a number");
  EXPECT_EQ(parse_value("1e-400", 'r', false, v), "'1e-400' is too small for a number (underflows to 0)");
  EXPECT_EQ(parse_value("", 'r', false, v), "missing value");
  EXPECT_EQ(parse_value("2147483647", 'i', false, v), "");
  EXPECT_EQ(v, 2147483647.0);
  EXPECT_EQ(parse_value("-2147483648", 'i', false, v), "");
  EXPECT_EQ(parse_value("2147483648", 'i', false, v),
            "'2147483648' is out of range for an integer (-2147483648 to 2147483647)");
  EXPECT_EQ(parse_value("99999999999999999999999", 'i', false, v),
            "'99999999999999999999999' is out of range for an integer (-2147483648 to 2147483647)");
  EXPECT_EQ(parse_value("2024.0", 'i', false, v), "'2024.0' is not an integer");
  EXPECT_EQ(parse_value("2e3", 'i', false, v), "'2e3' is not an integer");
  EXPECT_EQ(parse_value("0x7E8", 'i', false, v), "'0x7E8' is not an integer");
}

TEST(Input, TextIsUtf8WithoutNul) {
  EXPECT_EQ(text_problem("Horgos \xE9\x9C\x8D \xF0\x9F\x9A\x82"), "");
  EXPECT_EQ(text_problem(std::string("ab\0c", 4)), "NUL byte at byte 3");
  EXPECT_EQ(text_problem("a\xFF"), "invalid UTF-8 at byte 2");
  EXPECT_EQ(text_problem("\xC3"), "invalid UTF-8 at byte 1");             // truncated sequence
  EXPECT_EQ(text_problem("\xC0\xAF"), "invalid UTF-8 at byte 1");         // overlong
  EXPECT_EQ(text_problem("x\xED\xA0\x80"), "invalid UTF-8 at byte 2");    // surrogate
  EXPECT_EQ(text_problem("\xF4\x90\x80\x80"), "invalid UTF-8 at byte 1"); // above U+10FFFF
}

// Each bad CSV cell gives exactly one line naming file, row, line and column:
// no wrapped value reaches the model checks to cascade into more lines.
TEST(Input, CsvValuesRefusedWithOneLine) {
  struct Case {
    std::string table, col, value, expect;
    size_t row = 0;
  };
  const std::vector<Case> cases = {
      {"series", "base_value", "0x10", "series.csv: row 1 (line 2): column 'base_value': '0x10' is not a number"},
      {"series", "mu", "inf", "series.csv: row 1 (line 2): column 'mu': 'inf' is not a number"},
      {"series", "sigma", "NaN", "series.csv: row 1 (line 2): column 'sigma': 'NaN' is not a number"},
      {"series", "base_value", "1e999",
       "series.csv: row 1 (line 2): column 'base_value': '1e999' is out of range for a number"},
      {"history", "year", "3000000000",
       "history.csv: row 1 (line 2): column 'year': '3000000000' is out of range for an integer (-2147483648 to "
       "2147483647)"},
      {"expansion_years", "year", "-3000000000",
       "expansion_years.csv: row 1 (line 2): column 'year': '-3000000000' is out of range for an integer (-2147483648 "
       "to 2147483647)"},
      {"history", "year", "2023.0", "history.csv: row 1 (line 2): column 'year': '2023.0' is not an integer"},
      {"ports", "name", std::string("Hor\0gos", 7), "ports.csv: row 1 (line 2): column 'name': NUL byte at byte 4"},
      {"ports", "lat",
       std::string("43\0"
                   "99",
                   5),
       "ports.csv: row 1 (line 2): column 'lat': NUL byte at byte 3"},
      {"ports", "name", "Hor\xC3gos", "ports.csv: row 1 (line 2): column 'name': invalid UTF-8 at byte 4"},
      {"partners", "name", "\xED\xA0\x80", "partners.csv: row 1 (line 2): column 'name': invalid UTF-8 at byte 1"},
      {"meta", "value", "3000000000",
       "meta.csv: line 5: 'horizon_year': '3000000000' is out of range for an integer (-2147483648 to 2147483647)", 3},
      {"meta", "value", "0x7E8", "meta.csv: line 4: 'base_year': '0x7E8' is not an integer", 2},
      {"meta", "value", "T\xFF", "meta.csv: line 3: 'title': invalid UTF-8 at byte 2", 1},
  };
  const fs::path d = temp_dir("strict_csv");
  write_csv_dir(good(), (d / "ok").string());
  {
    std::ifstream m(d / "ok" / "meta.csv");
    std::string l, all;
    while (std::getline(m, l)) all += l + "|";
    ASSERT_EQ(all.substr(0, all.find("|description")),
              "key,value|schema_version,1|title,test|base_year,2024|horizon_year,2034|");
  }
  EXPECT_NO_THROW(validate_input(read_csv_dir((d / "ok").string())));
  for (const auto& c : cases) {
    const fs::path w = d / "case";
    fs::remove_all(w);
    fs::copy(d / "ok", w);
    if (c.table == "meta") {
      // meta.csv has key,value rows; row c.row is the key's row
      set_cell(w, "meta", c.row, "value", c.value);
    } else {
      set_cell(w, c.table, c.row, c.col, c.value);
    }
    const auto lines = refusal([&] { validate_input(read_csv_dir(w.string())); });
    ASSERT_EQ(lines.size(), 1u) << c.expect << "\ngot:\n" << joined(lines);
    EXPECT_EQ(lines[0], (w / c.expect).string());
  }
  // the default of lat/lon is nan ("not drawn"): written back as "nan" by export, read again
  {
    const fs::path w = d / "nan";
    fs::copy(d / "ok", w);
    set_cell(w, "partners", 0, "lat", "nan");
    const Input in = read_csv_dir(w.string());
    EXPECT_TRUE(std::isnan(in.tables.at("partners").num.at("lat")[0]));
  }
  fs::remove_all(d);
}

namespace {
// Opens FILE read-write for a test to tamper with it.
struct Rw {
  h5::Id f;
  explicit Rw(const fs::path& p) : f(H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) { EXPECT_TRUE(f.valid()); }
};
void replace_dataset(hid_t f, const std::string& path) { EXPECT_GE(H5Ldelete(f, path.c_str(), H5P_DEFAULT), 0); }
// Replaces dataset PATH by one value *v (of memory type mem) stored as file_type.
void replace_with_one(hid_t f, const std::string& path, hid_t file_type, hid_t mem, const void* v) {
  replace_dataset(f, path);
  hsize_t n = 1;
  h5::Id s(H5Screate_simple(1, &n, nullptr));
  h5::Id ds(H5Dcreate2(f, path.c_str(), file_type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  EXPECT_GE(H5Dwrite(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0) << path;
}
} // namespace

TEST(Input, Hdf5FilesUseChecksummedFormat) {
  const fs::path d = temp_dir("format");
  const fs::path p = d / "in.h5";
  write_h5_input(good(), p.string());
  h5::Id f(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_TRUE(f.valid());
  H5F_info2_t info;
  ASSERT_GE(H5Fget_info2(f, &info), 0);
  EXPECT_GE(info.super.version, 3u); // superblock v3 (format 1.10): checksummed metadata
  h5::Id ds(H5Dopen2(f, "/ports/name", H5P_DEFAULT));
  h5::Id t(H5Dget_type(ds));
  EXPECT_EQ(H5Tis_variable_str(t), 0); // fixed-length strings: no global heap
  for (const char* name : {"/ports/name", "/ports/lat", "/history/year"}) {
    h5::Id dd(H5Dopen2(f, name, H5P_DEFAULT));
    h5::Id pl(H5Dget_create_plist(dd));
    EXPECT_GT(H5Pall_filters_avail(pl), 0);
    EXPECT_EQ(H5Pget_nfilters(pl), 1) << name;
    unsigned flags = 0, cd[4];
    size_t ncd = 4;
    EXPECT_EQ(H5Pget_filter2(pl, 0, &flags, &ncd, cd, 0, nullptr, nullptr), H5Z_FILTER_FLETCHER32) << name;
    H5D_chunk_index_t idx;
    EXPECT_GE(H5Dget_chunk_index_type(dd, &idx), 0);
    EXPECT_NE(idx, H5D_CHUNK_IDX_BTREE) << name; // the v1 B-tree index has no checksum
  }
  fs::remove_all(d);
}

TEST(Input, Hdf5StandardNumberTypesAreRead) {
  // big-endian 32-bit floats and 16-bit integers, as other tools may write them
  const fs::path d = temp_dir("types_h5");
  const std::string w = (d / "in.h5").string();
  write_h5_input(good(), w);
  {
    h5::Quiet q;
    Rw rw(d / "in.h5");
    const double mu = 0.0625;
    replace_with_one(rw.f, "/series/mu", H5T_IEEE_F32BE, H5T_NATIVE_DOUBLE, &mu);
    const int y = 2020;
    replace_with_one(rw.f, "/history/year", H5T_STD_I16LE, H5T_NATIVE_INT, &y);
  }
  const Input in = read_h5_input(w);
  EXPECT_NO_THROW(validate_input(in));
  EXPECT_EQ(in.tables.at("series").num.at("mu")[0], 0.0625);
  EXPECT_EQ(in.tables.at("history").num.at("year")[0], 2020.0);
  fs::remove_all(d);
}

TEST(Input, Hdf5ValuesRefusedWithOneLine) {
  const fs::path d = temp_dir("strict_h5");
  const fs::path p = d / "in.h5";
  const std::string w = p.string();
  struct Case {
    const char* name;
    std::function<void(hid_t)> tamper;
    std::string expect;
  };
  const std::vector<Case> cases = {
      {"year beyond int",
       [](hid_t f) {
         replace_dataset(f, "/history/year");
         const long long y = 3000000000LL;
         h5::write_ints(f, "/history/year", {1}, &y, false);
       },
       ":/history/year: row 1: 3000000000 is out of range for an integer (-2147483648 to 2147483647)"},
      {"unsigned year beyond int64",
       [](hid_t f) {
         const unsigned long long y = ~0ULL;
         replace_with_one(f, "/history/year", H5T_STD_U64LE, H5T_NATIVE_ULLONG, &y);
       },
       ":/history/year: row 1: 9223372036854775807 is out of range for an integer (-2147483648 to 2147483647)"},
      {"a float of 40 bits",
       [](hid_t f) {
         const double x = 0.05;
         h5::Id t(H5Tcopy(H5T_IEEE_F64LE)); // 11 exponent bits, 28 of mantissa, 8 bytes
         H5Tset_fields(t, 39, 28, 11, 0, 28);
         H5Tset_precision(t, 40);
         replace_with_one(f, "/series/mu", t, H5T_NATIVE_DOUBLE, &x);
       },
       ": /series/mu: unsupported number type (8-byte floating-point type of 40 bits): integers of 8 to 64 bits or "
       "IEEE floats of 32 or 64 bits are read"},
      {"an integer of 20 bits",
       [](hid_t f) {
         const int y = 2020;
         h5::Id t(H5Tcopy(H5T_STD_I32LE));
         H5Tset_precision(t, 20);
         replace_with_one(f, "/history/year", t, H5T_NATIVE_INT, &y);
       },
       ": /history/year: unsupported number type (4-byte integer type of 20 bits): integers of 8 to 64 bits or IEEE "
       "floats of 32 or 64 bits are read"},
      {"NaN where a range is stated",
       [](hid_t f) {
         replace_dataset(f, "/ports/lat");
         const double x = std::nan("");
         h5::write_doubles(f, "/ports/lat", {1}, &x, false);
       },
       ":/ports/lat: row 1: NaN is not a value here"},
      {"infinity",
       [](hid_t f) {
         replace_dataset(f, "/series/mu");
         const double x = -INFINITY;
         h5::write_doubles(f, "/series/mu", {1}, &x, false);
       },
       ":/series/mu: row 1: infinite value"},
      {"invalid UTF-8 (variable length)",
       [](hid_t f) {
         replace_dataset(f, "/ports/name");
         h5::write_strings(f, "/ports/name", {"Hor\xC3gos"});
       },
       ":/ports/name: row 1: invalid UTF-8 at byte 4"},
      {"NUL inside a fixed-length string",
       [](hid_t f) {
         replace_dataset(f, "/ports/name");
         h5::write_fixed_strings(f, "/ports/name", {std::string("Hor\0gos", 7)});
       },
       ":/ports/name: row 1: NUL byte at byte 4"},
      {"meta year beyond int", [](hid_t f) { h5::write_attr_int(f, "horizon_year", 3000000000LL); },
       ": meta: 'horizon_year': '3000000000' is out of range for an integer (-2147483648 to 2147483647)"},
      {"meta year not an integer", [](hid_t f) { h5::write_attr_double(f, "base_year", 2024.5); },
       ": meta: 'base_year': '2024.5' is not an integer"},
      {"meta title not UTF-8", [](hid_t f) { h5::write_attr_string(f, "title", "T\xFF"); },
       ": meta: 'title': invalid UTF-8 at byte 2"},
  };
  write_h5_input(good(), w);
  EXPECT_NO_THROW(validate_input(read_h5_input(w)));
  for (const auto& c : cases) {
    write_h5_input(good(), w);
    {
      h5::Quiet q;
      Rw rw(p);
      c.tamper(rw.f);
    }
    const auto lines = refusal([&] { validate_input(read_h5_input(w)); });
    ASSERT_EQ(lines.size(), 1u) << c.name << "\ngot:\n" << joined(lines);
    EXPECT_EQ(lines[0], w + c.expect) << c.name;
  }
  fs::remove_all(d);
}

TEST(Input, ProbeRefusesACrashOrAHang) {
  const fs::path d = temp_dir("probe");
  const std::string p = (d / "x.h5").string();
  write_h5_input(good(), p);
  EXPECT_EQ(h5::probe_readable(p, 30), "");
  EXPECT_EQ(h5::probe_readable(p, 30, [](const std::string&) { std::raise(SIGSEGV); }),
            p + ": the HDF5 library crashed reading it (signal 11); refused as a damaged or hostile HDF5 file");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(h5::probe_readable(p, 0.5,
                               [](const std::string&) {
                                 for (;;) pause();
                               }),
            p + ": reading it took longer than 0.5 s; refused as a damaged or hostile HDF5 file");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10);
  EXPECT_EQ(h5::probe_readable(p, 30, [](const std::string&) { throw std::runtime_error("bad\nthing"); }),
            p + ": bad thing");
  { std::ofstream(d / "text.h5") << "not hdf5"; }
  EXPECT_EQ(h5::probe_readable((d / "text.h5").string(), 30),
            (d / "text.h5").string() + ": cannot open as HDF5 (not HDF5, truncated or damaged)");
  fs::remove_all(d);
}

namespace {
// Byte offset of the object header of `obj` and of the first chunk of a
// chunked dataset, in the file at `p`.
haddr_t header_addr(const fs::path& p, const char* obj) {
  h5::Id f(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  H5O_info_t oi;
  EXPECT_GE(H5Oget_info_by_name2(f, obj, &oi, H5O_INFO_BASIC, H5P_DEFAULT), 0);
  return oi.addr;
}
haddr_t chunk_addr(const fs::path& p, const char* ds) {
  h5::Id f(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  h5::Id d(H5Dopen2(f, ds, H5P_DEFAULT));
  hsize_t off[1];
  unsigned mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hsize_t size = 0;
  h5::Id sp(H5Dget_space(d));
  EXPECT_GE(H5Dget_chunk_info(d, sp, 0, off, &mask, &addr, &size), 0);
  return addr;
}
void flip(const fs::path& p, size_t at, size_t n, unsigned char x = 0x5A) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  for (size_t i = 0; i < n; ++i) {
    f.seekg(static_cast<std::streamoff>(at + i));
    const int c = f.get();
    f.seekp(static_cast<std::streamoff>(at + i));
    f.put(static_cast<char>(c ^ x));
  }
}
size_t find_bytes(const fs::path& p, const std::string& what) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str().find(what);
}
// Runs the corridor binary; its exit status, and stderr in `err`.
int run_corridor(const std::vector<std::string>& args, std::string& err, double& seconds) {
  const std::string errf = (fs::temp_directory_path() / ("corridor_test_err_" + std::to_string(getpid()))).string();
  std::string cmd = std::string("'") + CORRIDOR_BIN + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >/dev/null 2>'" + errf + "'";
  const auto t0 = std::chrono::steady_clock::now();
  const int st = std::system(cmd.c_str());
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ifstream in(errf);
  std::ostringstream ss;
  ss << in.rdbuf();
  err = ss.str();
  fs::remove(errf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
} // namespace

// Damage in chosen places of a small valid input: each is refused with one
// line naming the file, exit status 2, within a time bound; nothing crashes.
TEST(Input, DamagedHdf5FilesAreRefused) {
  const fs::path d = temp_dir("damaged");
  const fs::path good_h5 = d / "good.h5";
  write_h5_input(good(), good_h5.string());
  // the same input as an earlier Corridor wrote it: variable-length strings
  // in a global heap, which carries no checksum
  const fs::path vlen_h5 = d / "vlen.h5";
  fs::copy_file(good_h5, vlen_h5);
  {
    h5::Quiet q;
    Rw rw(vlen_h5);
    replace_dataset(rw.f, "/ports/name");
    h5::write_strings(rw.f, "/ports/name", {"Horgos"});
  }
  EXPECT_NO_THROW(read_h5_input(vlen_h5.string()));
  const size_t heap = find_bytes(vlen_h5, "GCOL");
  ASSERT_NE(heap, std::string::npos);
  struct Case {
    const char* name;
    fs::path base;
    size_t at, n;
  };
  const std::vector<Case> cases = {
      {"superblock", good_h5, 12, 4},
      {"superblock signature", good_h5, 1, 1},
      {"root group header", good_h5, header_addr(good_h5, "/") + 6, 8},
      {"dataset header", good_h5, header_addr(good_h5, "/ports/name") + 12, 8},
      {"dataset header (checksum)", good_h5, header_addr(good_h5, "/series/mu") + 40, 2},
      {"string chunk", good_h5, chunk_addr(good_h5, "/ports/name"), 3},
      {"number chunk", good_h5, chunk_addr(good_h5, "/series/base_value") + 2, 2},
      // global heap collection: its size, then an object's length field
      {"global heap size", vlen_h5, heap + 8, 8},
      {"global heap object length", vlen_h5, heap + 16 + 8, 8},
  };
  for (const auto& c : cases) {
    const fs::path p = d / "bad.h5";
    fs::remove(p);
    fs::copy_file(c.base, p);
    flip(p, c.at, c.n, c.name == std::string("global heap object length") ? 0x7F : 0x5A);
    const auto lines = refusal([&] { validate_input(read_h5_input(p.string())); });
    ASSERT_EQ(lines.size(), 1u) << c.name << "\n" << joined(lines);
    std::printf("  %s: %s\n", c.name, lines[0].c_str());
    EXPECT_EQ(lines[0].rfind(p.string() + ":", 0), 0u) << c.name << ": " << lines[0];
    std::string err;
    double secs = 0;
    const int rc = run_corridor({"validate", p.string()}, err, secs);
    EXPECT_EQ(rc, 2) << c.name << "\n" << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << c.name << "\n" << err;
    EXPECT_EQ(err.rfind("error: " + p.string() + ":", 0), 0u) << c.name << "\n" << err;
    EXPECT_LT(secs, 60) << c.name;
  }
  fs::remove_all(d);
}

// The HDF5 fuzz corpus, including each file that crashed libhdf5 when a
// campaign ran it in-process (crash-*): read as the program reads it, each is
// valid or refused with one line; the crashes are refused as such.
TEST(Input, FuzzCorpusFilesAreValidOrRefused) {
  size_t n = 0, crashes = 0;
  for (const auto& e : fs::directory_iterator(fs::path(CORRIDOR_FUZZ_CORPUS) / "h5")) {
    const std::string p = e.path().string();
    const bool crash = e.path().filename().string().rfind("crash-", 0) == 0;
    ++n;
    const auto lines = refusal([&] { validate_input(read_h5_input(p)); });
    if (!crash && lines.empty()) continue;
    ASSERT_EQ(lines.size(), 1u) << p << "\n" << joined(lines);
    if (crash) {
      ++crashes;
      // libhdf5 frees a bad pointer on it: a crash (signal 11), or under
      // AddressSanitizer a report and an abort, or with a lucky heap an error
      // return; refused in one line whichever happens, never a crash here
      EXPECT_EQ(lines[0].rfind(p + ": ", 0), 0u) << lines[0];
    }
  }
  EXPECT_GE(n, 3u);
  EXPECT_GE(crashes, 1u);
}

// ---- schema version 2: the network tables ------------------------------------

namespace {
// FNV-1a over the dimensions and the arrays the model had when version 2 came
// (a fixed list, so that arrays added later do not move it): the version-1
// assembly must stay byte for byte what it was.
uint64_t fnv(uint64_t h, const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}
template <class T> uint64_t fnv_array(uint64_t h, const char* name, const std::vector<T>& v) {
  h = fnv(h, name, std::strlen(name) + 1);
  const size_t n = v.size();
  h = fnv(h, &n, sizeof n);
  return n ? fnv(h, v.data(), n * sizeof(T)) : h;
}
uint64_t v1_arrays_hash(const HostModel& m) {
  uint64_t h = 1469598103934665603ull;
  for (int d : {m.S, m.Y, m.P, m.Q, m.G, m.E, m.C, m.K, m.M, m.A, m.NS}) h = fnv(h, &d, sizeof d);
  h = fnv_array(h, "kind", m.kind);
  h = fnv_array(h, "partner", m.partner);
  h = fnv_array(h, "port", m.port);
  h = fnv_array(h, "mode", m.mode);
  h = fnv_array(h, "source", m.source);
  h = fnv_array(h, "base", m.base);
  h = fnv_array(h, "mu", m.mu);
  h = fnv_array(h, "tau", m.tau);
  h = fnv_array(h, "sigma", m.sigma);
  h = fnv_array(h, "phi", m.phi);
  h = fnv_array(h, "b_region", m.b_region);
  h = fnv_array(h, "b_partner", m.b_partner);
  h = fnv_array(h, "b_port", m.b_port);
  h = fnv_array(h, "exposure", m.exposure);
  h = fnv_array(h, "cost", m.cost);
  h = fnv_array(h, "time", m.time);
  h = fnv_array(h, "market", m.market);
  h = fnv_array(h, "corridor", m.corridor);
  h = fnv_array(h, "route_begin", m.route_begin);
  h = fnv_array(h, "route_node", m.route_node);
  h = fnv_array(h, "alt_begin", m.alt_begin);
  h = fnv_array(h, "alt_series", m.alt_series);
  h = fnv_array(h, "alt_weight", m.alt_weight);
  h = fnv_array(h, "xalt_begin", m.xalt_begin);
  h = fnv_array(h, "xalt_series", m.xalt_series);
  h = fnv_array(h, "xalt_weight", m.xalt_weight);
  h = fnv_array(h, "group_port", m.group_port);
  h = fnv_array(h, "group_capacity", m.group_capacity);
  h = fnv_array(h, "group_overload", m.group_overload);
  h = fnv_array(h, "group_free_time", m.group_free_time);
  h = fnv_array(h, "group_alpha", m.group_alpha);
  h = fnv_array(h, "group_beta", m.group_beta);
  h = fnv_array(h, "resp_threshold", m.resp_threshold);
  h = fnv_array(h, "resp_years", m.resp_years);
  h = fnv_array(h, "resp_size", m.resp_size);
  h = fnv_array(h, "resp_cap", m.resp_cap);
  h = fnv_array(h, "resp_lag_begin", m.resp_lag_begin);
  h = fnv_array(h, "resp_lag_step", m.resp_lag_step);
  h = fnv_array(h, "resp_lag_cum", m.resp_lag_cum);
  h = fnv_array(h, "exp_group", m.exp_group);
  h = fnv_array(h, "exp_add", m.exp_add);
  h = fnv_array(h, "exp_ramp_begin", m.exp_ramp_begin);
  h = fnv_array(h, "exp_ramp", m.exp_ramp);
  h = fnv_array(h, "exp_dist_begin", m.exp_dist_begin);
  h = fnv_array(h, "exp_dist_step", m.exp_dist_step);
  h = fnv_array(h, "exp_dist_cum", m.exp_dist_cum);
  h = fnv_array(h, "cor_series", m.cor_series);
  h = fnv_array(h, "cor_exp", m.cor_exp);
  h = fnv_array(h, "cap_cor", m.cap_cor);
  h = fnv_array(h, "cap_from", m.cap_from);
  h = fnv_array(h, "cap_share", m.cap_share);
  h = fnv_array(h, "mk_scale", m.mk_scale);
  h = fnv_array(h, "mk_elasticity", m.mk_elasticity);
  h = fnv_array(h, "mk_vot", m.mk_vot);
  h = fnv_array(h, "mk_begin", m.mk_begin);
  h = fnv_array(h, "mk_series", m.mk_series);
  h = fnv_array(h, "closure_prob", m.closure_prob);
  h = fnv_array(h, "closure_lo", m.closure_lo);
  h = fnv_array(h, "closure_hi", m.closure_hi);
  h = fnv_array(h, "sc_region_prob", m.sc_region_prob);
  h = fnv_array(h, "sc_region_mean", m.sc_region_mean);
  h = fnv_array(h, "sc_region_sd", m.sc_region_sd);
  h = fnv_array(h, "sc_partner_prob", m.sc_partner_prob);
  h = fnv_array(h, "sc_partner_mean", m.sc_partner_mean);
  h = fnv_array(h, "sc_partner_sd", m.sc_partner_sd);
  h = fnv_array(h, "sc_rho", m.sc_rho);
  h = fnv_array(h, "sc_closure_scale", m.sc_closure_scale);
  h = fnv_array(h, "sc_friction", m.sc_friction);
  h = fnv_array(h, "sc_cross_mode", m.sc_cross_mode);
  h = fnv_array(h, "sc_route_choice", m.sc_route_choice);
  h = fnv_array(h, "sc_responsive", m.sc_responsive);
  h = fnv_array(h, "adjust", m.adjust);
  h = fnv_array(h, "agg_begin", m.agg_begin);
  h = fnv_array(h, "agg_series", m.agg_series);
  h = fnv_array(h, "agg_threshold", m.agg_threshold);
  return h;
}
} // namespace

// Version-1 inputs assemble to the arrays they assembled to before version 2
// (hashes taken from the assembly of commit 9cefc0e).
TEST(InputV2, Version1ArraysUnchanged) {
  EXPECT_EQ(v1_arrays_hash(build(good())), 0xc278381e6642e689ull);
  EXPECT_EQ(v1_arrays_hash(build(rich_input())), 0x359361b7ef9e5e74ull);
}

// The network input assembles into the arrays the kernels read: routes in
// chain order, nodes' congestion and response, ramps, corridors, captures in
// topological order, the market's parameters and the scenario switches.
TEST(InputV2, NetworkAssembles) {
  const Input in = network_input();
  ASSERT_EQ(errors_of(in), "");
  const HostModel m = build(in);
  ASSERT_EQ(m.size_problem(), "");
  // series A, B, R, N, N2, D; nodes G1, G2, G3, G4, GR
  EXPECT_EQ(m.route_begin, (std::vector<int>{0, 2, 3, 4, 5, 5, 5}));
  EXPECT_EQ(m.route_node, (std::vector<int>{0, 1, 2, 4, 3}));
  EXPECT_EQ(m.cost, (std::vector<double>{30, 25, 60, 20, 0, 0}));
  EXPECT_EQ(m.time, (std::vector<double>{20, 30, 10, 15, 0, 0}));
  EXPECT_EQ(m.base, (std::vector<double>{100, 80, 50, 0, 0, 3}));
  EXPECT_EQ(m.corridor, (std::vector<int>{-1, -1, -1, 0, 1, -1}));
  EXPECT_EQ(m.C, 2);
  EXPECT_EQ(m.cor_series, (std::vector<int>{3, 4}));
  EXPECT_EQ(m.cor_exp, (std::vector<int>{1, 0}));
  // captures listed N2<-N, N<-B, N<-A: the two into N come first
  EXPECT_EQ(m.K, 3);
  EXPECT_EQ(m.cap_cor, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(m.cap_from, (std::vector<int>{1, 0, 3}));
  EXPECT_EQ(m.cap_share, (std::vector<double>{0.4, 0.2, 0.5}));
  EXPECT_EQ(m.exp_ramp_begin, (std::vector<int>{0, 2, 5}));
  EXPECT_EQ(m.exp_ramp, (std::vector<double>{0.5, 1, 0.3, 0.7, 1}));
  EXPECT_EQ(m.group_capacity, (std::vector<double>{120, 150, 100, 0, 60}));
  EXPECT_EQ(m.group_free_time, (std::vector<double>{0, 2, 0, 0, 0}));
  EXPECT_EQ(m.group_alpha, (std::vector<double>{0, 0.15, 0, 0, 0}));
  EXPECT_EQ(m.group_beta, (std::vector<double>{0, 4, 0, 0, 0}));
  EXPECT_EQ(m.resp_threshold, (std::vector<double>{0, 0, 0.9, 0, 0}));
  EXPECT_EQ(m.resp_years, (std::vector<int>{0, 0, 2, 0, 0}));
  EXPECT_EQ(m.resp_size, (std::vector<double>{0, 0, 30, 0, 0}));
  EXPECT_EQ(m.resp_cap, (std::vector<double>{0, 0, 90, 0, 0}));
  // lags 3|1|2 with 0.5|0.2|0.3: by length, cumulative, the last 1 exactly
  EXPECT_EQ(m.resp_lag_begin, (std::vector<int>{0, 0, 0, 3, 3, 3}));
  EXPECT_EQ(m.resp_lag_step, (std::vector<int>{1, 2, 3}));
  ASSERT_EQ(m.resp_lag_cum.size(), 3u);
  EXPECT_EQ(m.resp_lag_cum[0], 0.2);
  EXPECT_EQ(m.resp_lag_cum[1], 0.2 + 0.3);
  EXPECT_EQ(m.resp_lag_cum[2], 1.0);
  // one market, (KAZ, freight): the load series; D (derived) has none
  EXPECT_EQ(m.M, 1);
  EXPECT_EQ(m.market, (std::vector<int>{0, 0, 0, 0, 0, -1}));
  EXPECT_EQ(m.mk_begin, (std::vector<int>{0, 5}));
  EXPECT_EQ(m.mk_series, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(m.mk_scale, (std::vector<double>{100}));
  EXPECT_EQ(m.mk_elasticity, (std::vector<double>{-0.5}));
  EXPECT_EQ(m.mk_vot, (std::vector<double>{2}));
  EXPECT_EQ(m.sc_route_choice, (std::vector<double>{1, 0}));
  EXPECT_EQ(m.sc_responsive, (std::vector<double>{1, 0}));
  // alternatives of the capped series (a route): A -> B, N (N's base 0: weight
  // 0); B -> A, N2; N -> A, N2 (all weight on A); R (road) -> rail A, B, N, N2
  // cross-mode; N2 has no route, so it diverts nothing
  EXPECT_EQ(m.alt_begin, (std::vector<int>{0, 2, 4, 4, 6, 6, 6}));
  EXPECT_EQ(m.alt_series, (std::vector<int>{1, 3, 0, 4, 0, 4}));
  EXPECT_EQ(m.alt_weight, (std::vector<double>{1, 0, 1, 0, 1, 0}));
  EXPECT_EQ(m.xalt_begin, (std::vector<int>{0, 0, 0, 4, 4, 4, 4}));
  EXPECT_EQ(m.xalt_series, (std::vector<int>{0, 1, 3, 4}));
  EXPECT_EQ(m.xalt_weight, (std::vector<double>{100.0 / 180, 80.0 / 180, 0, 0}));
  // validation notes the series without a capacity limit, with the reason
  EXPECT_EQ(validate_input(in), (std::vector<std::string>{"test:series: row 5: series 'N2' has no capacity limit: "
                                                          "assumption: a new line without capacity figures"}));
}

// Alternatives whose base values are all 0 (new corridors only) get weight 0, not NaN.
TEST(InputV2, AlternativesOfNewCorridorsOnlyWeighZero) {
  Input in = network_input();
  // A, B and D move to partner KGZ: N's only alternative (KAZ rail at P1) is N2, base 0
  add_row(in, "partners", {{"id", "KGZ"}, {"name", "Kyrgyzstan"}, {"kind", "partner"}});
  for (size_t s : {0, 1, 5}) in.tables["series"].str["partner"][s] = "KGZ";
  ASSERT_EQ(errors_of(in), "");
  const HostModel m = build(in);
  const int n = 3;
  ASSERT_EQ(m.alt_begin[n + 1] - m.alt_begin[n], 1);
  EXPECT_EQ(m.alt_series[m.alt_begin[n]], 4);
  EXPECT_EQ(m.alt_weight[m.alt_begin[n]], 0.0);
}

// A version-1 input and the same input as version 2 (routes.csv holding the
// chains version 1 implies) assemble to the same arrays, bit for bit.
TEST(InputV2, Version2OfAVersion1InputAssemblesTheSame) {
  for (const Input& v1 : {good(), rich_input()}) {
    const Input v2 = as_version2(v1);
    ASSERT_EQ(errors_of(v2), "");
    EXPECT_EQ(v1_arrays_hash(build(v2)), v1_arrays_hash(build(v1)));
  }
}

TEST(InputV2, CsvHdf5RoundTripIsExact) {
  const fs::path d = temp_dir("rt2");
  Input in = network_input();
  in.tables["series"].str["unlimited"][4] = "no figures, \"assumed\" unlimited";
  in.tables["groups"].num["bpr_alpha"][1] = 0.1 + 0.2;
  const auto [a, b, c] = round_trip(in, d);
  EXPECT_EQ(c.meta.at("schema_version"), "2");
  EXPECT_EQ(errors_of(b), "");
  EXPECT_EQ(v1_arrays_hash(build(c)), v1_arrays_hash(build(in)));
  // the CSV files: one per table, version-2 columns in the header
  std::ifstream f(d / "csv2" / "routes.csv");
  std::string header, row;
  std::getline(f, header);
  std::getline(f, row);
  EXPECT_EQ(header, "series,node,source");
  EXPECT_EQ(row, "A,G1,");
  fs::remove_all(d);
}

// Capacity ranges (groups.csv capacity_low, capacity_high): each side
// optional, empty meaning the capacity itself; they assemble into the
// kernels' arrays (low == high: no draw), survive CSV and HDF5 exactly, and
// an input without them writes the files it wrote before (no such columns).
TEST(InputV2, CapacityRangesAssembleAndRoundTrip) {
  const fs::path d = temp_dir("caprange");
  {
    const Input plain = network_input();
    write_csv_dir(plain, (d / "plain").string());
    std::ifstream f(d / "plain" / "groups.csv");
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "id,port,mode,metric,capacity,overload,free_time,bpr_alpha,bpr_beta,response_threshold,"
                      "response_years,response_size,response_cap,response_lag,response_lag_prob,source,note");
    write_h5_input(plain, (d / "plain.h5").string());
    h5::Id f5(H5Fopen((d / "plain.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    EXPECT_FALSE(h5::link_exists(f5, "/groups/capacity_low"));
    EXPECT_FALSE(h5::link_exists(f5, "/groups/capacity_high"));
    const HostModel m = build(plain);
    EXPECT_EQ(m.group_cap_low, m.group_capacity);
    EXPECT_EQ(m.group_cap_high, m.group_capacity);
    EXPECT_EQ(m.GD, 0); // no draw kept
  }
  Input in = network_input();
  Table& g = in.tables["groups"];
  g.num["capacity_low"][0] = 100, g.num["capacity_high"][0] = 150.5; // G1, capacity 120
  g.num["capacity_low"][1] = g.num["capacity_high"][1] = 150;        // G2: the capacity itself, given
  g.num["capacity_high"][2] = 130;                                   // G3: only a high end
  ASSERT_EQ(errors_of(in), "");
  const HostModel m = build(in);
  ASSERT_EQ(m.size_problem(), "");
  EXPECT_EQ(m.group_capacity, (std::vector<double>{120, 150, 100, 0, 60}));
  EXPECT_EQ(m.group_cap_low, (std::vector<double>{100, 150, 100, 0, 60}));
  EXPECT_EQ(m.group_cap_high, (std::vector<double>{150.5, 150, 130, 0, 60}));
  EXPECT_EQ(m.GD, m.G); // the draws are kept per path (sensitivity drivers)
  const auto [a, b, c] = round_trip(in, d / "rt");
  EXPECT_EQ(errors_of(b), "");
  const HostModel mc = build(c);
  EXPECT_EQ(mc.group_cap_low, m.group_cap_low);
  EXPECT_EQ(mc.group_cap_high, m.group_cap_high);
  // in CSV, an empty cell (or nan) is the capacity itself
  std::ifstream f(d / "rt" / "csv2" / "groups.csv");
  std::string header, row;
  std::getline(f, header);
  std::getline(f, row);
  EXPECT_EQ(header, "id,port,mode,metric,capacity,capacity_low,capacity_high,overload,free_time,bpr_alpha,bpr_beta,"
                    "response_threshold,response_years,response_size,response_cap,response_lag,response_lag_prob,"
                    "source,note");
  EXPECT_EQ(row.rfind("G1,P1,rail,freight,120,100,150.5,1,", 0), 0u) << row;
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::directory_iterator(d / "rt" / "csv2")) {
    std::ifstream t(e.path());
    std::ostringstream ss;
    ss << t.rdbuf();
    std::string text = ss.str();
    if (e.path().filename() == "groups.csv") {
      const size_t at = text.find("G3,P2,rail,freight,100,nan,130,");
      EXPECT_NE(at, std::string::npos) << text;
      if (at != std::string::npos) text.replace(at, 31, "G3,P2,rail,freight,100,,130,");
    }
    files.emplace_back(e.path().filename().string(), text);
  }
  const Input e = read_csv_texts("edited", files);
  EXPECT_TRUE(std::isnan(e.tables.at("groups").num.at("capacity_low")[2]));
  EXPECT_EQ(build(e).group_cap_low, m.group_cap_low);
  fs::remove_all(d);
}

// Size ranges of expansions (expansions.csv capacity_add_low,
// capacity_add_high): both ends or neither; they assemble into the kernels'
// arrays (low == high: no draw), survive CSV and HDF5 exactly, an input
// without them writes the files it wrote before (no such columns), and
// version 1 refuses them.
TEST(InputV2, ExpansionSizeRangesAssembleAndRoundTrip) {
  const fs::path d = temp_dir("sizerange");
  {
    const Input plain = network_input();
    write_csv_dir(plain, (d / "plain").string());
    std::ifstream f(d / "plain" / "expansions.csv");
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "id,group,capacity_add,ramp,source,note");
    write_h5_input(plain, (d / "plain.h5").string());
    h5::Id f5(H5Fopen((d / "plain.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    EXPECT_FALSE(h5::link_exists(f5, "/expansions/capacity_add_low"));
    EXPECT_FALSE(h5::link_exists(f5, "/expansions/capacity_add_high"));
    const HostModel m = build(plain);
    EXPECT_EQ(m.exp_add_low, m.exp_add);
    EXPECT_EQ(m.exp_add_high, m.exp_add);
    EXPECT_EQ(m.ED, 0); // no draw kept
  }
  Input in = network_input();
  Table& e = in.tables["expansions"];
  e.num["capacity_add_low"][0] = 30, e.num["capacity_add_high"][0] = 80.5; // E1, capacity_add 50
  e.num["capacity_add_low"][1] = e.num["capacity_add_high"][1] = 80;       // EN: the size itself, given
  ASSERT_EQ(errors_of(in), "");
  const HostModel m = build(in);
  ASSERT_EQ(m.size_problem(), "");
  EXPECT_EQ(m.exp_add, (std::vector<double>{50, 80}));
  EXPECT_EQ(m.exp_add_low, (std::vector<double>{30, 80}));
  EXPECT_EQ(m.exp_add_high, (std::vector<double>{80.5, 80}));
  EXPECT_EQ(m.ED, m.E); // the draws are kept per path (sensitivity drivers)
  const auto [a, b, c] = round_trip(in, d / "rt");
  EXPECT_EQ(errors_of(b), "");
  const HostModel mc = build(c);
  EXPECT_EQ(mc.exp_add_low, m.exp_add_low);
  EXPECT_EQ(mc.exp_add_high, m.exp_add_high);
  std::ifstream f(d / "rt" / "csv2" / "expansions.csv");
  std::string header, row;
  std::getline(f, header);
  std::getline(f, row);
  EXPECT_EQ(header, "id,group,capacity_add,ramp,source,note,capacity_add_low,capacity_add_high");
  EXPECT_EQ(row, "E1,G1,50,0.5|1,,,30,80.5");
  fs::remove_all(d);
  // version 1: a size range is of version 2
  Input v1 = good();
  v1.tables["expansions"].num["capacity_add_low"][0] = 40;
  v1.tables["expansions"].num["capacity_add_high"][0] = 70;
  EXPECT_EQ(errors_of(v1), "test:expansions: row 1: column 'capacity_add_low': '40' is of schema version 2 (meta "
                           "schema_version is 1)\ntest:expansions: row 1: column 'capacity_add_high': '70' is of "
                           "schema version 2 (meta schema_version is 1)");
}

namespace {
// The lines of errors_of, one per entry.
std::vector<std::string> error_lines(const Input& in) {
  try {
    validate_input(in);
  } catch (const InputError& e) {
    return e.lines;
  }
  return {};
}
void erase_row(Input& in, const std::string& table, size_t r) {
  Table& t = in.tables[table];
  for (auto& kv : t.str) kv.second.erase(kv.second.begin() + static_cast<long>(r));
  for (auto& kv : t.num) kv.second.erase(kv.second.begin() + static_cast<long>(r));
  --t.rows;
}
} // namespace

// Each version-2 problem, refused with its exact line (and only that line).
TEST(InputV2, BadNetworkCorpus) {
  const std::vector<BadCase> cases = {
      {"route: unknown node", [](Input& in) { in.tables["routes"].str["node"][0] = "GX"; },
       "test:routes: row 1: column 'node': unknown node 'GX'"},
      {"route: unknown series", [](Input& in) { in.tables["routes"].str["series"][0] = "Z"; },
       "test:routes: row 1: column 'series': unknown series 'Z'"},
      {"route: derived series",
       [](Input& in) {
         add_row(in, "routes", {{"series", "D"}, {"node", "G1"}});
       },
       "test:routes: row 6: column 'series': 'D' is a derived series: routes are of load series"},
      {"route: node of another metric",
       [](Input& in) {
         add_row(in, "groups",
                 {{"id", "GT"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "trains"}, {"capacity", "5"}});
         add_row(in, "routes", {{"series", "A"}, {"node", "GT"}});
       },
       "test:routes: row 6: column 'node': node 'GT' is of metric 'trains', series 'A' of 'freight'"},
      {"route: a node twice",
       [](Input& in) {
         add_row(in, "routes", {{"series", "A"}, {"node", "G1"}});
       },
       "test:routes: row 6: column 'node': series 'A' passes node 'G1' a second time"},
      {"ramp above 1", [](Input& in) { in.tables["expansions"].str["ramp"][0] = "0.5|1.2"; },
       "test:expansions: row 1: column 'ramp': '0.5|1.2': 1.2 is outside [0, 1]"},
      {"ramp below 0", [](Input& in) { in.tables["expansions"].str["ramp"][1] = "-0.1|1"; },
       "test:expansions: row 2: column 'ramp': '-0.1|1': -0.1 is outside [0, 1]"},
      {"ramp decreasing", [](Input& in) { in.tables["expansions"].str["ramp"][1] = "0.6|0.4|1"; },
       "test:expansions: row 2: column 'ramp': '0.6|0.4|1' decreases (0.4 after 0.6)"},
      {"ramp not ending at 1", [](Input& in) { in.tables["expansions"].str["ramp"][0] = "0.5|0.9"; },
       "test:expansions: row 1: column 'ramp': '0.5|0.9' ends at 0.9, not 1"},
      {"ramp not a number", [](Input& in) { in.tables["expansions"].str["ramp"][0] = "0.5|x|1"; },
       "test:expansions: row 1: column 'ramp': '0.5|x|1': element 2: 'x' is not a number"},
      {"ramp empty element", [](Input& in) { in.tables["expansions"].str["ramp"][0] = "0.5||1"; },
       "test:expansions: row 1: column 'ramp': '0.5||1': element 2: missing value"},
      {"ramp trailing bar", [](Input& in) { in.tables["expansions"].str["ramp"][0] = "1|"; },
       "test:expansions: row 1: column 'ramp': '1|': an empty element at the end"},
      {"logit scale < 0", [](Input& in) { in.tables["markets"].num["logit_scale"][0] = -1; },
       "test:markets: row 1: column 'logit_scale': negative value -1"},
      {"elasticity > 0", [](Input& in) { in.tables["markets"].num["elasticity"][0] = 0.3; },
       "test:markets: row 1: column 'elasticity': 0.3 must be <= 0"},
      {"value of time < 0", [](Input& in) { in.tables["markets"].num["value_of_time"][0] = -2; },
       "test:markets: row 1: column 'value_of_time': negative value -2"},
      {"market twice",
       [](Input& in) {
         add_row(in, "markets", {{"partner", "KAZ"}, {"metric", "freight"}});
       },
       "test:markets: row 2: column 'metric': a second row for partner 'KAZ' and metric 'freight'"},
      {"market of an unknown partner", [](Input& in) { in.tables["markets"].str["partner"][0] = "XXX"; },
       "test:markets: row 1: column 'partner': unknown partner 'XXX'"},
      {"capture from another metric",
       [](Input& in) {
         add_row(in, "series",
                 {{"id", "T"},
                  {"port", "P1"},
                  {"partner", "KAZ"},
                  {"mode", "rail"},
                  {"metric", "trains"},
                  {"kind", "load"},
                  {"base_value", "5"},
                  {"mu", "0"}});
         add_row(in, "captures", {{"corridor", "N"}, {"from", "T"}, {"share", "0.1"}});
       },
       "test:captures: row 4: column 'from': 'T' is of metric 'trains', corridor 'N' of 'freight'"},
      {"capture from a derived series", [](Input& in) { in.tables["captures"].str["from"][1] = "D"; },
       "test:captures: row 2: column 'from': 'D' is not a load series"},
      {"capture by a series not in corridors.csv", [](Input& in) { in.tables["captures"].str["corridor"][1] = "A"; },
       "test:captures: row 2: column 'corridor': 'A' is not a new corridor (not in corridors.csv)"},
      {"capture by an unknown series", [](Input& in) { in.tables["captures"].str["corridor"][1] = "Q"; },
       "test:captures: row 2: column 'corridor': 'Q' is not a new corridor (not in corridors.csv)"},
      {"capture pair twice",
       [](Input& in) {
         add_row(in, "captures", {{"corridor", "N"}, {"from", "B"}, {"share", "0.1"}});
       },
       "test:captures: row 4: column 'from': a second capture of 'N' from 'B'"},
      {"capture share 0", [](Input& in) { in.tables["captures"].num["share"][1] = 0; },
       "test:captures: row 2: column 'share': 0 is outside (0, 1]"},
      {"capture share above 1", [](Input& in) { in.tables["captures"].num["share"][1] = 1.5; },
       "test:captures: row 2: column 'share': 1.5 is outside (0, 1]"},
      {"capture cycle",
       [](Input& in) {
         add_row(in, "captures", {{"corridor", "N"}, {"from", "N2"}, {"share", "0.1"}});
       },
       "test:captures: captures form a cycle: 'N' takes from 'N2', 'N2' takes from 'N'"},
      {"capture of itself", [](Input& in) { in.tables["captures"].str["from"][0] = "N2"; },
       "test:captures: captures form a cycle: 'N2' takes from 'N2'"},
      {"corridor of an unknown expansion", [](Input& in) { in.tables["corridors"].str["expansion"][0] = "EX"; },
       "test:corridors: row 1: column 'expansion': unknown expansion 'EX'"},
      {"corridor twice",
       [](Input& in) {
         add_row(in, "corridors", {{"series", "N"}, {"expansion", "E1"}});
       },
       "test:corridors: row 3: column 'series': 'N' is listed a second time"},
      {"base value 0 outside corridors.csv", [](Input& in) { in.tables["series"].num["base_value"][0] = 0; },
       "test:series: row 1: column 'base_value': 0 must be > 0 (0 is for a new corridor, listed in corridors.csv)"},
      {"base value of a new corridor", [](Input& in) { in.tables["series"].num["base_value"][3] = 5; },
       "test:series: row 4: column 'base_value': 5 for a new corridor (corridors.csv): a new corridor starts from 0"},
      {"derived series of a new corridor without its intensity",
       [](Input& in) {
         in.tables["series"].str["source_series"][5] = "N2";
         in.tables["series"].num["base_value"][5] = 0;
       },
       "test:series: row 6: column 'intensity': empty, but source_series 'N2' is a new corridor (starts at 0): state "
       "the base-year intensity (> 0, units of trains per unit of freight)"},
      {"cost < 0", [](Input& in) { in.tables["series"].num["cost"][0] = -1; },
       "test:series: row 1: column 'cost': negative value -1"},
      {"time < 0", [](Input& in) { in.tables["series"].num["time"][1] = -3; },
       "test:series: row 2: column 'time': negative value -3"},
      {"response partly given", [](Input& in) { in.tables["groups"].num["response_size"][2] = 0; },
       "test:groups: row 3: column 'response_size': response parameters partly given: response_size missing (give "
       "all of them or none)"},
      {"response partly given (lags)",
       [](Input& in) {
         in.tables["groups"].str["response_lag"][2] = "";
         in.tables["groups"].str["response_lag_prob"][2] = "";
       },
       "test:groups: row 3: column 'response_lag': response parameters partly given: response_lag, "
       "response_lag_prob missing (give all of them or none)"},
      {"response on a node without one", [](Input& in) { in.tables["groups"].num["response_threshold"][0] = 0.8; },
       "test:groups: row 1: column 'response_years': response parameters partly given: response_years, "
       "response_size, response_cap, response_lag, response_lag_prob missing (give all of them or none)"},
      {"lag probabilities not summing to 1",
       [](Input& in) { in.tables["groups"].str["response_lag_prob"][2] = "0.5|0.25|0.125"; },
       "test:groups: row 3: column 'response_lag_prob': probabilities sum to 0.875, not 1"},
      {"lag 0", [](Input& in) { in.tables["groups"].str["response_lag"][2] = "3|0|2"; },
       "test:groups: row 3: column 'response_lag': lag 0 is not a whole number of years >= 1"},
      {"lag not an integer", [](Input& in) { in.tables["groups"].str["response_lag"][2] = "3|1.5|2"; },
       "test:groups: row 3: column 'response_lag': '3|1.5|2': element 2: '1.5' is not an integer"},
      {"lag twice", [](Input& in) { in.tables["groups"].str["response_lag"][2] = "3|1|3"; },
       "test:groups: row 3: column 'response_lag': lag 3 is listed twice"},
      {"lags and probabilities of different counts",
       [](Input& in) { in.tables["groups"].str["response_lag"][2] = "3|1"; },
       "test:groups: row 3: column 'response_lag_prob': 3 probabilities for 2 lags"},
      {"response years 0 with the rest", [](Input& in) { in.tables["groups"].num["response_years"][2] = -1; },
       "test:groups: row 3: column 'response_years': -1 must be >= 1"},
      {"response cap below size", [](Input& in) { in.tables["groups"].num["response_cap"][2] = 20; },
       "test:groups: row 3: column 'response_cap': 20 is less than response_size 30"},
      {"response threshold < 0", [](Input& in) { in.tables["groups"].num["response_threshold"][2] = -0.5; },
       "test:groups: row 3: column 'response_threshold': -0.5 must be > 0"},
      {"bpr beta < 1", [](Input& in) { in.tables["groups"].num["bpr_beta"][1] = 0.5; },
       "test:groups: row 2: column 'bpr_beta': 0.5 must be >= 1 when bpr_alpha > 0"},
      {"free time < 0", [](Input& in) { in.tables["groups"].num["free_time"][1] = -2; },
       "test:groups: row 2: column 'free_time': negative value -2"},
      {"capacity 0 without an expansion", [](Input& in) { in.tables["groups"].num["capacity"][4] = 0; },
       "test:groups: row 5: column 'capacity': 0, and no expansion builds the node (expansions.csv)"},
      {"capacity_low above capacity", [](Input& in) { in.tables["groups"].num["capacity_low"][0] = 130; },
       "test:groups: row 1: column 'capacity_low': 130 is more than capacity 120"},
      {"capacity_low below the base year", [](Input& in) { in.tables["groups"].num["capacity_low"][0] = 1; },
       "test:groups: row 1: column 'capacity_low': 1 x overload 1 = 1 is below the base-year load 100 of the series "
       "routed through the node (their base values): the observed base year would lose flow on some paths"},
      {"capacity_low 0", [](Input& in) { in.tables["groups"].num["capacity_low"][0] = 0; },
       "test:groups: row 1: column 'capacity_low': 0 must be > 0"},
      {"capacity_low < 0", [](Input& in) { in.tables["groups"].num["capacity_low"][4] = -5; },
       "test:groups: row 5: column 'capacity_low': -5 must be > 0"},
      {"capacity_high below capacity", [](Input& in) { in.tables["groups"].num["capacity_high"][1] = 149.5; },
       "test:groups: row 2: column 'capacity_high': 149.5 is less than capacity 150"},
      {"capacity_high infinite", [](Input& in) { in.tables["groups"].num["capacity_high"][1] = INFINITY; },
       "test:groups: row 2: column 'capacity_high': infinite value"},
      {"capacity_low infinite", [](Input& in) { in.tables["groups"].num["capacity_low"][1] = -INFINITY; },
       "test:groups: row 2: column 'capacity_low': infinite value"},
      {"a range on a node an expansion builds (capacity 0)",
       [](Input& in) {
         in.tables["groups"].num["capacity_low"][3] = 5;
         in.tables["groups"].num["capacity_high"][3] = 10;
       },
       "test:groups: row 4: column 'capacity_low': 5 is more than capacity 0"},
      {"size range without its high end", [](Input& in) { in.tables["expansions"].num["capacity_add_low"][0] = 30; },
       "test:expansions: row 1: column 'capacity_add_high': empty, but capacity_add_low is given: a size range needs "
       "both ends (or neither)"},
      {"size range without its low end", [](Input& in) { in.tables["expansions"].num["capacity_add_high"][1] = 90; },
       "test:expansions: row 2: column 'capacity_add_low': empty, but capacity_add_high is given: a size range needs "
       "both ends (or neither)"},
      {"size range low 0",
       [](Input& in) {
         in.tables["expansions"].num["capacity_add_low"][0] = 0;
         in.tables["expansions"].num["capacity_add_high"][0] = 60;
       },
       "test:expansions: row 1: column 'capacity_add_low': 0 must be > 0"},
      {"size range low above capacity_add",
       [](Input& in) {
         in.tables["expansions"].num["capacity_add_low"][0] = 55;
         in.tables["expansions"].num["capacity_add_high"][0] = 60;
       },
       "test:expansions: row 1: column 'capacity_add_low': 55 is more than capacity_add 50"},
      {"size range high below capacity_add",
       [](Input& in) {
         in.tables["expansions"].num["capacity_add_low"][1] = 60;
         in.tables["expansions"].num["capacity_add_high"][1] = 79.5;
       },
       "test:expansions: row 2: column 'capacity_add_high': 79.5 is less than capacity_add 80"},
      {"size range high infinite",
       [](Input& in) {
         in.tables["expansions"].num["capacity_add_low"][0] = 40;
         in.tables["expansions"].num["capacity_add_high"][0] = INFINITY;
       },
       "test:expansions: row 1: column 'capacity_add_high': infinite value"},
      {"route_choice 2", [](Input& in) { in.tables["scenarios"].num["route_choice"][0] = 2; },
       "test:scenarios: row 1: column 'route_choice': 2 is not 0 or 1"},
      {"responsive -1", [](Input& in) { in.tables["scenarios"].num["responsive"][1] = -1; },
       "test:scenarios: row 2: column 'responsive': -1 is not 0 or 1"},
      {"new corridor without route or reason", [](Input& in) { in.tables["series"].str["unlimited"][4] = ""; },
       "test:series: row 5: column 'unlimited': empty, and the series has no route (routes.csv): a new corridor "
       "receives captured traffic, so it needs a route or a reason why it has no capacity limit"},
      {"alternative without route or reason", [](Input& in) { erase_row(in, "routes", 2); },
       "test:series: row 2: column 'unlimited': empty, and the series has no route (routes.csv): it can receive "
       "traffic diverted from 'A', so it needs a route or a reason why it has no capacity limit"},
      {"cross-mode alternative without route or reason",
       [](Input& in) {
         for (size_t r = 0; r < in.tables["series"].rows; ++r) in.tables["series"].str["partner"][r] = "KGZ";
         in.tables["series"].str["partner"][2] = "KAZ";
         add_row(in, "partners", {{"id", "KGZ"}, {"name", "Kyrgyzstan"}, {"kind", "partner"}});
         add_row(in, "series",
                 {{"id", "RL"},
                  {"port", "P2"},
                  {"partner", "KAZ"},
                  {"mode", "rail"},
                  {"metric", "freight"},
                  {"kind", "load"},
                  {"base_value", "5"},
                  {"mu", "0"}});
       },
       "test:series: row 7: column 'unlimited': empty, and the series has no route (routes.csv): it can receive "
       "traffic diverted from 'R', so it needs a route or a reason why it has no capacity limit"},
      {"a reason and a route", [](Input& in) { in.tables["series"].str["unlimited"][0] = "none"; },
       "test:series: row 1: column 'unlimited': 'none' given, but the series has a route (routes.csv)"},
      {"schema version 3", [](Input& in) { in.meta["schema_version"] = "3"; },
       "test: meta: schema_version 3 is newer than this build reads (1 to 2); upgrade corridor"},
      {"schema version 0", [](Input& in) { in.meta["schema_version"] = "0"; },
       "test: meta: schema_version 0 is not a valid version (1 to 2)"},
      {"version 1 with a network",
       [](Input& in) {
         in.meta["schema_version"] = "1";
         for (const char* t : {"corridors", "captures", "markets"}) {
           Table& tb = in.tables[t];
           while (tb.rows) erase_row(in, t, 0);
         }
         while (in.tables["routes"].rows > 1) erase_row(in, "routes", 1);
         Table& s = in.tables["series"];
         for (size_t r = 0; r < s.rows; ++r) s.num["cost"][r] = s.num["time"][r] = 0, s.str["unlimited"][r] = "";
         s.num["base_value"][3] = s.num["base_value"][4] = 1;
         Table& g = in.tables["groups"];
         erase_row(in, "groups", 1);
         for (size_t r = 0; r < g.rows; ++r) {
           for (const char* c : {"response_threshold", "response_years", "response_size", "response_cap"})
             g.num[c][r] = 0;
           g.str["response_lag"][r] = g.str["response_lag_prob"][r] = "";
           g.num["capacity"][r] = 10;
         }
         erase_row(in, "groups", 2); // G4: P2 rail twice
         in.tables["expansions"].str["ramp"] = {"1", "1"};
         in.tables["expansions"].str["group"] = {"G1", "G3"};
         in.tables["scenarios"].num["route_choice"][0] = in.tables["scenarios"].num["responsive"][0] = 0;
       },
       "test:routes: 1 row, but the table is of schema version 2 (meta schema_version is 1)"},
  };
  ASSERT_EQ(error_lines(network_input()), std::vector<std::string>{});
  for (const auto& c : cases) {
    Input in = network_input();
    c.mutate(in);
    const auto lines = error_lines(in);
    ASSERT_EQ(lines.size(), 1u) << c.name << ": got\n" << joined(lines);
    EXPECT_EQ(lines[0], c.expect) << c.name;
  }
}

// Version 1 keeps its rules: one group per port, mode and metric, no version-2
// columns, and no route or reason asked of a series that can receive traffic.
TEST(InputV2, Version1KeepsItsRules) {
  Input v1 = rich_input();
  // P1_air is capped (group G_air); P2_air can receive its diverted traffic
  // and has no group: fine in version 1, refused in version 2
  for (const char* port : {"P1", "P2"})
    add_row(v1, "series",
            {{"id", std::string(port) + "_air"},
             {"port", port},
             {"partner", "KAZ"},
             {"mode", "air"},
             {"metric", "freight"},
             {"kind", "load"},
             {"base_value", "2"},
             {"mu", "0"}});
  add_row(v1, "groups", {{"id", "G_air"}, {"port", "P1"}, {"mode", "air"}, {"metric", "freight"}, {"capacity", "3"}});
  EXPECT_EQ(error_lines(v1), std::vector<std::string>{});
  EXPECT_EQ(error_lines(as_version2(v1)),
            (std::vector<std::string>{
                "test:series: row 10: column 'unlimited': empty, and the series has no route (routes.csv): it can "
                "receive traffic diverted from 'P1_air', so it needs a route or a reason why it has no capacity "
                "limit"}));
  Input v2 = as_version2(v1);
  v2.tables["series"].str["unlimited"][9] = "air cargo: no capacity figures";
  EXPECT_EQ(error_lines(v2), std::vector<std::string>{});
  EXPECT_EQ(validate_input(v2), (std::vector<std::string>{"test:series: row 10: series 'P2_air' has no capacity "
                                                          "limit: air cargo: no capacity figures"}));
  EXPECT_EQ(validate_input(v1), std::vector<std::string>{}); // version 1: no notes
  // a second group of one port, mode and metric
  Input two = good();
  add_row(two, "groups", {{"id", "G2"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "5"}});
  EXPECT_EQ(error_lines(two), (std::vector<std::string>{"test:groups: row 2: column 'id': a second group for the same "
                                                        "port, mode and metric"}));
  EXPECT_EQ(error_lines(as_version2(two)), std::vector<std::string>{});
  // version-2 columns and tables
  Input cols = good();
  cols.tables["groups"].num["free_time"][0] = 2;
  cols.tables["groups"].num["capacity_high"][0] = 240;
  cols.tables["expansions"].str["ramp"][0] = "0.5|1";
  cols.tables["series"].str["unlimited"][0] = "x";
  cols.tables["scenarios"].num["responsive"][0] = 1;
  add_row(cols, "markets", {{"partner", "KAZ"}, {"metric", "freight"}});
  add_row(cols, "markets", {{"partner", "KAZ"}, {"metric", "freight"}});
  EXPECT_EQ(error_lines(cols),
            (std::vector<std::string>{
                "test:markets: row 2: column 'metric': a second row for partner 'KAZ' and metric 'freight'",
                "test:markets: 2 rows, but the table is of schema version 2 (meta schema_version is 1)",
                "test:series: row 1: column 'unlimited': 'x' is of schema version 2 (meta schema_version is 1)",
                // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one line, split by its length
                "test:groups: row 1: column 'capacity_high': '240' is of schema version 2 (meta schema_version is "
                "1)",
                "test:groups: row 1: column 'free_time': '2' is of schema version 2 (meta schema_version is 1)",
                "test:expansions: row 1: column 'ramp': '0.5|1' is of schema version 2 (meta schema_version is 1)",
                "test:scenarios: row 1: column 'responsive': '1' is of schema version 2 (meta schema_version is 1)"}));
}

namespace {
// Runs the corridor binary: its exit status, stdout in `out`, stderr in `err`.
int run_corridor_io(const std::vector<std::string>& args, std::string& out, std::string& err) {
  const std::string base = (fs::temp_directory_path() / ("corridor_test_io_" + std::to_string(getpid()))).string();
  std::string cmd = std::string("'") + CORRIDOR_BIN + "'";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >'" + base + ".out' 2>'" + base + ".err'";
  const int st = std::system(cmd.c_str());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    std::ostringstream ss;
    ss << in.rdbuf();
    fs::remove(p);
    return ss.str();
  };
  out = slurp(base + ".out");
  err = slurp(base + ".err");
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
} // namespace

// corridor validate on a version-2 folder: the notes and "valid" (exit 0);
// problems one line each naming file, row, CSV line and column (exit 2),
// every one listed; import and export keep the network.
TEST(InputV2, ValidateImportExportFolders) {
  const fs::path d = temp_dir("cli2");
  const fs::path ok = d / "ok";
  write_csv_dir(network_input(), ok.string());
  std::string out, err;
  EXPECT_EQ(run_corridor_io({"validate", ok.string()}, out, err), 0) << err;
  EXPECT_EQ(out, "note: " + (ok / "series.csv").string() +
                     ": row 5 (line 6): series 'N2' has no capacity limit: assumption: a new line without capacity "
                     "figures\n" +
                     ok.string() + ": valid\n");
  EXPECT_EQ(err, "");
  // import, export: the same tables; the model runs it
  EXPECT_EQ(run_corridor_io({"import", ok.string(), "-o", (d / "in.h5").string()}, out, err), 0) << err;
  EXPECT_EQ(
      run_corridor_io({"run", (d / "in.h5").string(), "-o", (d / "out.h5").string(), "-n", "200", "-q"}, out, err), 0)
      << err;
  EXPECT_EQ(run_corridor_io({"export", (d / "in.h5").string(), (d / "back").string()}, out, err), 0) << err;
  for (const char* t : {"routes", "corridors", "captures", "markets", "groups", "series", "expansions", "scenarios"}) {
    std::ifstream a(ok / (std::string(t) + ".csv")), b(d / "back" / (std::string(t) + ".csv"));
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    EXPECT_EQ(sa.str(), sb.str()) << t;
  }
  // two problems, both listed
  const fs::path bad = d / "bad";
  fs::copy(ok, bad);
  set_cell(bad, "expansions", 0, "ramp", "0.5|x");
  set_cell(bad, "captures", 1, "share", "0");
  EXPECT_EQ(run_corridor_io({"validate", bad.string()}, out, err), 2);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "error: " + (bad / "expansions.csv").string() +
                     ": row 1 (line 2): column 'ramp': '0.5|x': element 2: 'x' is not a number\n"
                     "error: " +
                     (bad / "captures.csv").string() + ": row 2 (line 3): column 'share': 0 is outside (0, 1]\n");
  // version 2 without routes.csv
  const fs::path nor = d / "noroutes";
  fs::copy(ok, nor);
  fs::remove(nor / "routes.csv");
  EXPECT_EQ(run_corridor_io({"validate", nor.string()}, out, err), 2);
  EXPECT_EQ(err,
            "error: " + (nor / "routes.csv").string() + ": missing table 'routes' (schema_version 2 requires it)\n");
  // a cycle, through the folder (the table's name in the message)
  const fs::path cyc = d / "cycle";
  fs::copy(ok, cyc);
  set_cell(cyc, "captures", 1, "from", "N2");
  EXPECT_EQ(run_corridor_io({"validate", cyc.string()}, out, err), 2);
  EXPECT_EQ(err, "error: " + (cyc / "captures.csv").string() +
                     ": captures form a cycle: 'N' takes from 'N2', 'N2' takes from 'N'\n");
  // an unknown schema version
  const fs::path v9 = d / "v9";
  fs::copy(ok, v9);
  set_cell(v9, "meta", 0, "value", "9");
  EXPECT_EQ(run_corridor_io({"validate", v9.string()}, out, err), 2);
  EXPECT_EQ(err, "error: " + v9.string() +
                     ": meta: schema_version 9 is newer than this build reads (1 to 2); upgrade "
                     "corridor\n");
  fs::remove_all(d);
}

// The same checks on an HDF5 input name the file and the table's group.
TEST(InputV2, Hdf5ProblemsNameTheDataset) {
  const fs::path d = temp_dir("h5v2");
  const fs::path p = d / "in.h5";
  write_h5_input(network_input(), p.string());
  EXPECT_EQ(validate_input(read_h5_input(p.string())).size(), 1u); // the note on N2
  {
    h5::Quiet q;
    Rw rw(p);
    replace_dataset(rw.f, "/captures/share");
    const std::vector<double> share = {0.5, 0, 0.2};
    h5::write_doubles(rw.f, "/captures/share", {3}, share.data(), false);
    replace_dataset(rw.f, "/expansions/ramp");
    h5::write_fixed_strings(rw.f, "/expansions/ramp", {"0.5|1", "0.7|0.3|1"});
  }
  EXPECT_EQ(refusal([&] { validate_input(read_h5_input(p.string())); }),
            (std::vector<std::string>{p.string() +
                                          ":/expansions: row 2: column 'ramp': '0.7|0.3|1' decreases (0.3 after 0.7)",
                                      p.string() + ":/captures: row 2: column 'share': 0 is outside (0, 1]"}));
  // version 2 without the routes group
  write_h5_input(network_input(), p.string());
  {
    h5::Quiet q;
    Rw rw(p);
    EXPECT_GE(H5Ldelete(rw.f, "/routes", H5P_DEFAULT), 0);
  }
  EXPECT_EQ(refusal([&] { validate_input(read_h5_input(p.string())); }),
            (std::vector<std::string>{p.string() + ":/routes: missing table 'routes' (schema_version 2 requires it)"}));
  fs::remove_all(d);
}
