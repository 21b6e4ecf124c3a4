// Sweeps and Sobol indices (docs/MODEL.md section 12): the estimators'
// known answers (an additive function, Ishigami), the designs, the ranges
// file's checks, and model sweeps on small inputs (common random numbers,
// the one-scenario run equal to the full run, the same bytes twice).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include "host/cli/command.h"
#include "host/h5.h"
#include "host/output.h"
#include "host/sweep.h"
#include "tests/util.h"

using namespace corridor;
using namespace corridor::test;
namespace fs = std::filesystem;

namespace {

const double kPi = 3.14159265358979323846;

RangeSpec unit_range(const std::string& name, double lo, double hi) {
  RangeSpec r;
  r.table = "x", r.row = name, r.column = "v", r.distribution = "uniform", r.low = lo, r.high = hi;
  return r;
}

SweepResult sobol_of(const std::vector<RangeSpec>& ranges, int N, const std::function<double(const double*)>& f) {
  SweepOptions o;
  o.design = "sobol", o.N = N, o.seed = 7, o.bootstrap = 500;
  return sweep_design(ranges, o, {"f"}, [&](uint64_t, const double* x, double* y, double* sem) {
    y[0] = f(x);
    sem[0] = 0;
  });
}

// each estimate inside its own interval, near the truth, and the truth inside the interval
void expect_indices(const SweepResult& r, const std::vector<double>& s1, const std::vector<double>& st, double tol) {
  const auto& x = r.indices;
  for (int j = 0; j < r.d; ++j) {
    SCOPED_TRACE("parameter " + std::to_string(j));
    EXPECT_LE(x.first_lower[j], x.first[j]);
    EXPECT_GE(x.first_upper[j], x.first[j]);
    EXPECT_LE(x.total_lower[j], x.total[j]);
    EXPECT_GE(x.total_upper[j], x.total[j]);
    EXPECT_NEAR(x.first[j], s1[j], tol);
    EXPECT_NEAR(x.total[j], st[j], tol);
    EXPECT_LE(x.first_lower[j], s1[j] + 1e-12);
    EXPECT_GE(x.first_upper[j], s1[j] - 1e-12);
    EXPECT_LE(x.total_lower[j], st[j] + 1e-12);
    EXPECT_GE(x.total_upper[j], st[j] - 1e-12);
  }
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("corridor_sweep_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// S1 (freight, rail at P1) through node G (capacity 120; demand about 163 in
// the horizon year), and S2 (passengers, road at P1, no node)
Input tiny_input() {
  Input in = single_series(100, 0.05, 0.01, 0.05);
  add_row(in, "metrics", {{"id", "passengers"}, {"unit", "crossings"}});
  add_row(in, "series",
          {{"id", "S2"},
           {"port", "P1"},
           {"partner", "KAZ"},
           {"mode", "road"},
           {"metric", "passengers"},
           {"kind", "load"},
           {"base_value", "50"},
           {"mu", "0.03"},
           {"tau", "0.01"},
           {"sigma", "0.05"}});
  add_row(in, "groups", {{"id", "G"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "120"}});
  add_row(in, "scenarios", {{"id", "other"}, {"name", "Other"}});
  add_row(in, "adjustments", {{"scenario", "other"}, {"year_from", "2025"}, {"year_to", "2030"}, {"growth", "0.02"}});
  return in;
}

const char* const kTinyRanges = "table,row,column,distribution,low,high,mode,relative,source\n"
                                "groups,G,capacity,uniform,120,220,,0,drives P(over)\n"
                                "series,S2,mu,normal,0,0.06,,0,another metric: no effect on G\n";

} // namespace

TEST(SobolEstimators, AdditiveFunctionHasAnalyticIndices) {
  // f = x1 + 2 x2 + 3 x3 + 0 x4, uniform on [0, 1]: S_j = ST_j = c_j^2 / 14
  std::vector<RangeSpec> rs{unit_range("a", 0, 1), unit_range("b", 0, 1), unit_range("c", 0, 1), unit_range("d", 0, 1)};
  const SweepResult r = sobol_of(rs, 4096, [](const double* x) { return x[0] + 2 * x[1] + 3 * x[2]; });
  EXPECT_EQ(r.points, 4096u * 6);
  const std::vector<double> s{1.0 / 14, 4.0 / 14, 9.0 / 14, 0};
  expect_indices(r, s, s, 0.03);
  EXPECT_NEAR(r.indices.variance[0], 14.0 / 12, 0.05);
  EXPECT_EQ(r.indices.total[3], 0.0); // exactly: AB^4 changes nothing
}

TEST(SobolEstimators, Ishigami) {
  // a = 7, b = 0.1 on [-pi, pi]^3 (Ishigami and Homma 1990; values from Saltelli et al. 2010)
  std::vector<RangeSpec> rs{unit_range("x1", -kPi, kPi), unit_range("x2", -kPi, kPi), unit_range("x3", -kPi, kPi)};
  const SweepResult r = sobol_of(rs, 8192, [](const double* x) {
    return std::sin(x[0]) + 7 * std::sin(x[1]) * std::sin(x[1]) + 0.1 * std::pow(x[2], 4) * std::sin(x[0]);
  });
  expect_indices(r, {0.314, 0.442, 0.0}, {0.558, 0.442, 0.244}, 0.03);
}

TEST(SobolEstimators, ConstantResponseHasNoIndices) {
  const SweepResult r = sobol_of({unit_range("a", 0, 1)}, 16, [](const double*) { return 3.0; });
  EXPECT_TRUE(std::isnan(r.indices.first[0]));
  EXPECT_TRUE(std::isnan(r.indices.total_upper[0]));
}

TEST(SweepDesigns, LatinHypercubeHasOnePointPerStratum) {
  const auto u = lhs_design(50, 3, 11);
  for (int j = 0; j < 3; ++j) {
    std::vector<int> seen(50, 0);
    for (int i = 0; i < 50; ++i) ++seen[static_cast<size_t>(u[i * 3 + j] * 50)];
    for (int s : seen) EXPECT_EQ(s, 1);
  }
  EXPECT_EQ(lhs_design(50, 3, 11), u);
  EXPECT_NE(lhs_design(50, 3, 12), u);
}

TEST(SweepDesigns, GridAndSaltelliLayout) {
  const auto g = grid_design(3, 2);
  ASSERT_EQ(g.size(), 18u);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(g[1 * 2 + 1], 0.5);
  EXPECT_EQ(g[8 * 2 + 0], 1.0);
  const int d = 3;
  const auto s = saltelli_design(4, d);
  ASSERT_EQ(s.size(), 4u * (d + 2) * d);
  for (int i = 0; i < 4; ++i) {
    const double* b = s.data() + i * (d + 2) * d;
    for (int p = 0; p < d; ++p)
      for (int j = 0; j < d; ++j) EXPECT_EQ(b[(2 + p) * d + j], j == p ? b[d + j] : b[j]);
    for (int j = 0; j < 2 * d; ++j) EXPECT_GT(b[j], 0.0); // the origin is skipped
  }
  EXPECT_THROW(design_points("sobol", 8, kMaxSobolParameters + 1), std::invalid_argument);
  EXPECT_THROW(design_points("grid", 1000, 5), std::invalid_argument);
}

TEST(SweepRanges, DistributionsAndRelativeValues) {
  const Input in = tiny_input();
  const auto rs = parse_ranges("table,row,column,distribution,low,high,mode,relative\n"
                               "groups,G,capacity,triangular,100,200,120,0\n"
                               "series,S1,base_value,uniform,0.5,1.5,,1\n"
                               "series,S2,mu,normal,0,0.06,,0\n"
                               "series,S2,base_value,loguniform,10,1000,,0\n",
                               "r.csv", in);
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].name(), "groups/G/capacity");
  EXPECT_DOUBLE_EQ(range_value(rs[0], 0.2, false), 120); // the mode's cumulative probability
  EXPECT_DOUBLE_EQ(range_value(rs[1], 0.5, false), 100); // 1.0 x the base 100
  EXPECT_NEAR(range_value(rs[2], 0.975, false), 0.06, 1e-12);
  EXPECT_NEAR(range_value(rs[3], 0.5, false), 100, 1e-9);
  EXPECT_DOUBLE_EQ(range_value(rs[2], 0.0, true), 0.0); // grid: the range's ends
}

TEST(SweepRanges, ProblemsAreOneLineEach) {
  const Input in = tiny_input();
  try {
    parse_ranges("table,row,column,distribution,low,high\n"
                 "grups,G,capacity,uniform,1,2\n"
                 "groups,NOPE,capacity,uniform,1,2\n"
                 "groups,G,capacityy,uniform,1,2\n"
                 "groups,G,capacity,uniform,3,2\n"
                 "groups,G,port,uniform,1,2\n"
                 "groups,G,capacity,weird,1,2\n"
                 "groups,G,overload,triangular,1,2\n"
                 "series,S1,mu,loguniform,0,2\n"
                 "series,S1,tau,uniform,x,2\n",
                 "r.csv", in);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    ASSERT_EQ(e.lines.size(), 9u);
    const char* want[] = {"r.csv: row 1 (line 2): unknown table 'grups'",
                          "r.csv: row 2 (line 3): unknown row 'NOPE' of table groups",
                          "r.csv: row 3 (line 4): unknown column 'capacityy' of table groups",
                          "r.csv: row 4 (line 5): low 3 > high 2",
                          "r.csv: row 5 (line 6): column groups.port is not numeric",
                          "r.csv: row 6 (line 7): unknown distribution 'weird'",
                          "r.csv: row 7 (line 8): triangular needs a mode",
                          "r.csv: row 8 (line 9): loguniform needs low > 0",
                          "r.csv: row 9 (line 10): low: "};
    for (size_t i = 0; i < e.lines.size(); ++i) EXPECT_EQ(e.lines[i].rfind(want[i], 0), 0u) << e.lines[i];
  }
  EXPECT_THROW(parse_ranges("table,row,column,distribution,low\n", "r.csv", in), InputError);
  EXPECT_THROW(parse_ranges("table,row,column,distribution,low,high\n", "r.csv", in), InputError);
  EXPECT_THROW(
      parse_ranges("table,row,column,distribution,low,high,colour\ngroups,G,capacity,uniform,1,2,red\n", "r.csv", in),
      InputError);
  EXPECT_THROW(parse_ranges("table,row,column,distribution,low,high\ngroups,G,capacity,uniform,1,2\n"
                            "groups,G,capacity,uniform,1,3\n",
                            "r.csv", in),
               InputError);
}

// A capacity drives P(demand > capacity); another metric's trend has no
// effect at all: with common random numbers the node's paths do not move.
TEST(ModelSweep, CapacityDrivesOverloadAndAnUnrelatedTrendDoesNot) {
  const Input in = tiny_input();
  const auto ranges = parse_ranges(kTinyRanges, "r.csv", in);
  SweepOptions o;
  o.design = "sobol", o.N = 32, o.paths = 2000, o.seed = 5, o.threads = 2, o.bootstrap = 200;
  o.responses = {"p_over_capacity/G", "total_mean/freight", "total_mean/passengers"};
  auto be = make_cpu_backend(2);
  const SweepResult r = run_sweep(in, ranges, o, *be);
  ASSERT_EQ(r.K, 3);
  EXPECT_EQ(r.scenario, "base");
  EXPECT_EQ(r.responses[0], "p_over_capacity/G");
  const auto& x = r.indices;
  // P(over): the capacity explains (nearly) all, S2's trend exactly nothing
  EXPECT_GT(x.first[0], 0.7);
  EXPECT_GT(x.total[0], 0.7);
  EXPECT_EQ(x.total[1], 0.0);
  EXPECT_NEAR(x.first[1], 0.0, 1e-12);
  // passengers: the other way round
  EXPECT_EQ(x.total[2 * 2 + 0], 0.0);
  EXPECT_GT(x.first[2 * 2 + 1], 0.7);
  double lo = 1, hi = 0;
  for (uint64_t p = 0; p < r.points; ++p) lo = std::min(lo, r.y[p * 3]), hi = std::max(hi, r.y[p * 3]);
  EXPECT_LT(lo, 0.15);
  EXPECT_GT(hi, 0.85);
  EXPECT_GT(r.var_mc[0], 0.0); // the binomial standard errors
  EXPECT_GE(r.var_param[0], 0.0);
}

// A point whose fields are the base values gives the full run's statistics
// of the chosen scenario: the same paths, with only the responses' cells kept.
TEST(ModelSweep, OneScenarioRunEqualsTheFullRun) {
  const Input in = tiny_input();
  const auto ranges = parse_ranges("table,row,column,distribution,low,high,mode,relative\n"
                                   "groups,G,capacity,uniform,1,1,,1\n",
                                   "r.csv", in);
  SweepOptions o;
  o.design = "lhs", o.N = 2, o.paths = 3000, o.seed = 9, o.threads = 2, o.scenario = "other";
  auto be = make_cpu_backend(2);
  const SweepResult r = run_sweep(in, ranges, o, *be);
  ModelInfo info;
  const HostModel m = build_model(in, info);
  ASSERT_EQ(m.NS, 2);
  RunConfig cfg;
  cfg.paths = 3000, cfg.seed = 9, cfg.threads = 2;
  RunResult full;
  be->run(m, make_cell_plan(m, 0.9), cfg, full);
  const ModelView v = m.view();
  const int y = m.Y - 1, W = full.width, C = v.cells(), nq = static_cast<int>(cfg.probs.size());
  const auto st = [&](int cell, int k) { return full.stats[(static_cast<size_t>(1) * C + cell) * W + k]; };
  std::map<std::string, double> want{
      {"total_mean/freight", st(v.agg_cell(info.agg_total[0], y), 0)},
      {"total_median/freight", st(v.agg_cell(info.agg_total[0], y), 3 + 3)},
      {"p_over_capacity/G", st(v.group_cell(0, kOver, y), 3 + nq)},
      {"unserved_share/freight", st(v.series_cell(0, kUnserved, y), 0) / st(v.series_cell(0, kDemand, y), 0)}};
  ASSERT_EQ(cfg.probs[3], 0.5);
  for (const auto& [name, value] : want) {
    const auto it = std::find(r.responses.begin(), r.responses.end(), name);
    ASSERT_NE(it, r.responses.end()) << name;
    const size_t k = static_cast<size_t>(it - r.responses.begin());
    for (uint64_t p = 0; p < r.points; ++p) EXPECT_EQ(r.y[p * r.K + k], value) << name;
  }
  EXPECT_GT(want["p_over_capacity/G"], 0.1); // the response is not trivially 0
}

// Every number the same on 1 and 2 threads, run twice, and in the file as
// computed. (The files' bytes differ only in the object modification times
// HDF5 stamps on every dataset; host/h5.cpp does not turn them off.)
TEST(ModelSweep, SameNumbersTwice) {
  const Input in = tiny_input();
  const auto ranges = parse_ranges(kTinyRanges, "r.csv", in);
  const fs::path dir = temp_dir("numbers");
  const auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
  };
  for (const char* design : {"sobol", "lhs", "grid"}) {
    SCOPED_TRACE(design);
    SweepResult r[2];
    for (int t = 0; t < 2; ++t) {
      SweepOptions o;
      o.design = design, o.N = 3, o.paths = 500, o.seed = 3, o.threads = t + 1, o.bootstrap = 50;
      auto be = make_cpu_backend(t + 1);
      r[t] = run_sweep(in, ranges, o, *be);
      const fs::path out = dir / (std::string(design) + std::to_string(t) + ".h5");
      OutputTarget target = prepare_output(out.string(), false, {});
      commit_h5_in_memory(target, [&](hid_t f) { write_sweep_file(f, r[t], ranges, o, SweepProvenance{}); });
      h5::Id f(H5Fopen(out.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
      ASSERT_TRUE(f.valid());
      EXPECT_TRUE(same(h5::read_doubles(f, "response_value"), r[t].y));
      EXPECT_TRUE(same(h5::read_doubles(f, "design"), r[t].values));
      EXPECT_EQ(h5::read_strings(f, "parameter"), r[t].parameters);
      if (r[t].sobol) {
        EXPECT_TRUE(same(h5::read_doubles(f, "sobol_total_upper"), r[t].indices.total_upper));
      }
      EXPECT_FALSE(sweep_table(r[t]).empty());
    }
    EXPECT_TRUE(same(r[0].y, r[1].y));
    EXPECT_TRUE(same(r[0].sem, r[1].sem));
    EXPECT_TRUE(same(r[0].values, r[1].values));
    EXPECT_TRUE(same(r[0].var_total, r[1].var_total));
    EXPECT_TRUE(same(r[0].indices.first, r[1].indices.first));
    EXPECT_TRUE(same(r[0].indices.first_lower, r[1].indices.first_lower));
    EXPECT_TRUE(same(r[0].indices.total_upper, r[1].indices.total_upper));
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);
}

TEST(ModelSweep, AnInvalidPointNamesItsValues) {
  const Input in = tiny_input();
  // overload below 1 is refused by the input's validation
  const auto ranges =
      parse_ranges("table,row,column,distribution,low,high\ngroups,G,overload,uniform,0.2,0.5\n", "r.csv", in);
  SweepOptions o;
  o.design = "lhs", o.N = 2, o.paths = 100;
  auto be = make_cpu_backend(1);
  try {
    run_sweep(in, ranges, o, *be);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines[0].rfind("design point 0 (groups/G/overload = ", 0), 0u) << e.lines[0];
    EXPECT_GT(e.lines.size(), 1u);
  }
  o.responses = {"nothing/*"};
  EXPECT_THROW(run_sweep(in, parse_ranges(kTinyRanges, "r.csv", in), o, *be), InputError);
}

TEST(SweepCommandLine, Options) {
  const auto pc = parse_command_line({"sweep", "in.h5", "--ranges", "r.csv", "-o", "o.h5", "--design", "lhs", "-N",
                                      "40", "-n", "500", "--responses", "total_mean/*,p_over_capacity/G", "-t", "1"},
                                     4);
  EXPECT_EQ(pc.command, Command::sweep);
  EXPECT_EQ(pc.sweep.design, "lhs");
  EXPECT_EQ(pc.sweep.n, 40);
  EXPECT_EQ(pc.sweep.paths, 500u);
  EXPECT_EQ(pc.sweep.responses, (std::vector<std::string>{"total_mean/*", "p_over_capacity/G"}));
  EXPECT_THROW(parse_command_line({"sweep", "in.h5", "--ranges", "r.csv", "-o", "o.h5", "-N", "1"}, 4), UsageError);
  EXPECT_THROW(parse_command_line({"sweep", "in.h5", "--ranges", "r.csv", "-o", "o.h5", "--design", "mc"}, 4),
               UsageError);
  EXPECT_THROW(parse_command_line({"sweep", "in.h5", "-o", "o.h5"}, 4), UsageError);
}
