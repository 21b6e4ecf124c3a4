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
  const fs::path d = fs::temp_directory_path() / ("corridor_test_" + std::to_string(getpid()) + "_" + name);
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
  const std::string text = "\xEF\xBB\xBFid,name\n# a comment\n\nA,\"Horgos, \"\"Khorgos\"\"\"\nB,\"two\nlines\"\nC,\xE9\x9C\x8D\xE5\xB0\x94\xE6\x9E\x9C\xE6\x96\xAF\n";
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
bool same_bits(const std::map<std::string, std::vector<double>>& a, const std::map<std::string, std::vector<double>>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& kv : a) {
    const auto it = b.find(kv.first);
    if (it == b.end() || it->second.size() != kv.second.size()) return false;
    if (!kv.second.empty() && std::memcmp(kv.second.data(), it->second.data(), kv.second.size() * sizeof(double)) != 0)
      return false;
  }
  return true;
}
} // namespace

TEST(Input, CsvHdf5RoundTripIsExact) {
  const fs::path d = temp_dir("rt");
  Input in = good();
  in.tables["ports"].str["name"][0] = "Port, \"one\" \xE9\x9C\x8D";
  in.tables["series"].num["mu"][0] = 0.1 + 0.2; // not a short decimal
  write_csv_dir(in, (d / "csv").string());
  const Input a = read_csv_dir((d / "csv").string());
  write_h5_input(a, (d / "in.h5").string());
  const Input b = read_h5_input((d / "in.h5").string());
  write_csv_dir(b, (d / "csv2").string());
  const Input c = read_csv_dir((d / "csv2").string());
  for (const auto& def : input_schema()) {
    EXPECT_EQ(a.tables.at(def.name).str, b.tables.at(def.name).str) << def.name;
    EXPECT_TRUE(same_bits(a.tables.at(def.name).num, b.tables.at(def.name).num)) << def.name;
    EXPECT_EQ(c.tables.at(def.name).str, in.tables.at(def.name).str) << def.name;
    EXPECT_TRUE(same_bits(c.tables.at(def.name).num, in.tables.at(def.name).num)) << def.name;
  }
  EXPECT_EQ(a.meta, b.meta);
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
      {"nan base", [&](Input& in) { in.tables["series"].num["base_value"][0] = nan; }, "test:series: row 1: column 'base_value': NaN"},
      {"inf mu", [](Input& in) { in.tables["series"].num["mu"][0] = INFINITY; }, "column 'mu': infinite value"},
      {"negative base", [](Input& in) { in.tables["series"].num["base_value"][0] = -5; }, "column 'base_value': -5 must be > 0"},
      {"negative sigma", [](Input& in) { in.tables["series"].num["sigma"][0] = -0.1; }, "column 'sigma': negative value -0.1"},
      {"phi out of range", [](Input& in) { in.tables["series"].num["phi"][0] = 1.5; }, "column 'phi': 1.5 is outside"},
      {"unknown port", [](Input& in) { in.tables["series"].str["port"][0] = "XXX"; }, "column 'port': unknown port 'XXX'"},
      {"unknown partner", [](Input& in) { in.tables["series"].str["partner"][0] = "ZZZ"; }, "unknown partner 'ZZZ'"},
      {"unknown mode", [](Input& in) { in.tables["series"].str["mode"][0] = "boat"; }, "unknown mode 'boat'"},
      {"unknown metric", [](Input& in) { in.tables["series"].str["metric"][0] = "cats"; }, "unknown metric 'cats'"},
      {"bad kind", [](Input& in) { in.tables["series"].str["kind"][0] = "both"; }, "'both' is not load or derived"},
      {"duplicate series", [](Input& in) { add_row(in, "series", {{"id", "S1"}, {"port", "P1"}, {"partner", "KAZ"}, {"mode", "rail"}, {"metric", "freight"}, {"kind", "load"}, {"base_value", "1"}, {"mu", "0"}}); }, "test:series: row 2: column 'id': duplicate id 'S1'"},
      {"duplicate port", [](Input& in) { add_row(in, "ports", {{"id", "P1"}, {"name", "x"}, {"kind", "land"}, {"lat", "1"}, {"lon", "1"}}); }, "duplicate id 'P1'"},
      {"probability > 1", [](Input& in) { in.tables["ports"].num["closure_prob"][0] = 1.2; }, "column 'closure_prob': 1.2 is not a probability"},
      {"negative probability", [](Input& in) { in.tables["scenarios"].num["region_shock_prob"][0] = -0.1; }, "column 'region_shock_prob': -0.1 is not a probability"},
      {"loss min > max", [](Input& in) { in.tables["ports"].num["closure_loss_min"][0] = 0.5; }, "closure_loss_min': is larger than closure_loss_max"},
      {"latitude", [](Input& in) { in.tables["ports"].num["lat"][0] = 95; }, "column 'lat': 95 is not a latitude"},
      {"port kind", [](Input& in) { in.tables["ports"].str["kind"][0] = "sea"; }, "'sea' is not land, air or pipeline"},
      {"distribution sum", [](Input& in) { in.tables["expansion_years"].num["probability"][0] = 0.7; }, "probabilities sum to 0.7, not 1"},
      {"expansion year before base", [](Input& in) { in.tables["expansion_years"].num["year"][0] = 2020; }, "column 'year': 2020 is outside the horizon"},
      {"unknown group", [](Input& in) { in.tables["expansions"].str["group"][0] = "NOPE"; }, "unknown group 'NOPE'"},
      {"zero capacity", [](Input& in) { in.tables["groups"].num["capacity"][0] = 0; }, "column 'capacity': 0 must be > 0"},
      {"overload < 1", [](Input& in) { in.tables["groups"].num["overload"][0] = 0.5; }, "column 'overload': 0.5 is outside [1, 10]"},
      {"horizon before base", [](Input& in) { in.meta["horizon_year"] = "2020"; }, "horizon_year 2020 is not after base_year 2024"},
      {"newer schema", [](Input& in) { in.meta["schema_version"] = "7"; }, "schema_version 7 is newer than this build reads"},
      {"missing title", [](Input& in) { in.meta.erase("title"); }, "missing 'title'"},
      {"unknown meta key", [](Input& in) { in.meta["colour"] = "red"; }, "unknown key 'colour'"},
      {"adjustment years", [](Input& in) { in.tables["adjustments"].num["year_to"][0] = 2050; }, "column 'year_to': 2050 is before year_from or after the horizon"},
      {"history after base", [](Input& in) { in.tables["history"].num["year"][0] = 2030; }, "column 'year': 2030 is after the base year 2024"},
      {"history unknown series", [](Input& in) { in.tables["history"].str["series"][0] = "S9"; }, "unknown series 'S9'"},
      {"coverage", [](Input& in) { in.tables["history"].num["coverage"][0] = 1.5; }, "column 'coverage': 1.5 is not a fraction of a year"},
      {"target port", [](Input& in) { in.tables["targets"].str["ports"][0] = "P1|Q"; }, "column 'ports': unknown port 'Q'"},
      {"derived without load", [](Input& in) { in.tables["series"].str["kind"][0] = "derived"; }, "test:series: row 1: column 'source_series': unknown series ''"},
      {"no scenarios", [](Input& in) { Table& t = in.tables["scenarios"]; t.rows = 0; for (auto& kv : t.str) kv.second.clear(); for (auto& kv : t.num) kv.second.clear(); }, "test:scenarios: no scenarios"},
      {"shock decay 1", [](Input& in) { in.tables["scenarios"].num["shock_decay"][0] = 1; }, "column 'shock_decay': 1 is outside [0, 1)"},
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
