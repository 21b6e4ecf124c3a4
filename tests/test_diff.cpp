// Scenario differences (host/scenario_diff.h) and the helpers of a run to a
// precision (host/converge.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "host/converge.h"
#include "host/scenario_diff.h"
#include "kernels/stats.h"
#include "util.h"

using namespace corridor;
using namespace corridor::test;

namespace {

const std::vector<double> kProbs{0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0};

RunResult run(Backend& be, const HostModel& m, uint32_t paths, uint64_t seed) {
  RunConfig cfg;
  cfg.paths = paths;
  cfg.seed = seed;
  cfg.probs = kProbs;
  RunResult r;
  be.run(m, make_cell_plan(m, 0.9), cfg, r);
  return r;
}

double stat(const HostModel& m, const RunResult& r, int sc, int cell, int k) {
  return r.stats[(static_cast<size_t>(sc) * m.view().cells() + cell) * r.width + k];
}

} // namespace

TEST(Diff, CellStatisticsAreTheRunsExactStatistics) {
  std::mt19937_64 g(11);
  for (int trial = 0; trial < 30; ++trial) {
    const long long n = 1 + static_cast<long long>(g() % (trial < 10 ? 50 : 30000));
    std::vector<double> x(n);
    for (auto& v : x) {
      const double z = std::normal_distribution<double>()(g);
      v = trial % 3 == 0 ? (g() % 4 == 0 ? 0.0 : z) : trial % 3 == 1 ? std::floor(2 * z) : 1e5 * z;
    }
    std::vector<double> out(diff_width(static_cast<int>(kProbs.size())));
    diff_cell_stats(x.data(), n, kProbs, out.data());
    const int nq = static_cast<int>(kProbs.size());
    for (int q = 0; q < nq; ++q) ASSERT_EQ(out[3 + q], np_quantile(x, kProbs[q])) << n << " " << kProbs[q];
    const double pos = std::count_if(x.begin(), x.end(), [](double v) { return v > 0; });
    const double neg = std::count_if(x.begin(), x.end(), [](double v) { return v < 0; });
    EXPECT_EQ(out[3 + nq], pos / n);
    EXPECT_EQ(out[4 + nq], neg / n);
    double s = 0;
    for (double v : x) s += v;
    EXPECT_NEAR(out[0], s / n, 1e-9 * (1 + std::fabs(s / n)) + 1e-6);
    double ss = 0;
    for (double v : x) ss += (v - out[0]) * (v - out[0]);
    const double sd = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    EXPECT_NEAR(out[1], sd, 1e-9 * (1 + sd));
    EXPECT_NEAR(out[2], sd / std::sqrt(static_cast<double>(n)), 1e-9 * (1 + sd));
  }
}

TEST(Diff, PathByPathDifferencesOfTheRunsPaths) {
  ModelInfo info;
  const HostModel m = build(rich_input(), &info);
  ASSERT_GE(m.NS, 2);
  auto be = make_cpu_backend(2);
  const uint32_t n = 3000;
  const uint64_t seed = 5;
  const ScenarioDiff d = scenario_diffs(*be, m, info, seed, n, kProbs, 0, 0);
  const int W = d.width(), nq = static_cast<int>(kProbs.size()), K = d.K;
  EXPECT_EQ(d.passes, 1u);
  // the reference's rows are 0
  for (int i = 0; i < m.S * m.Y * W; ++i) ASSERT_EQ(d.flow[i], 0.0);
  for (int i = 0; i < K * m.Y * W; ++i) ASSERT_EQ(d.total[i], 0.0);
  // every cell of scenario 1 against the raw flows' differences
  std::vector<double> a, b;
  be->raw_flows(m, seed, 0, 0, n, a);
  be->raw_flows(m, seed, 1, 0, n, b);
  std::vector<double> x(n), want(W);
  bool moved = false;
  for (int s = 0; s < m.S; ++s)
    for (int y = 0; y < m.Y; ++y) {
      for (uint32_t i = 0; i < n; ++i) x[i] = path_difference(b[(i * m.S + s) * m.Y + y], a[(i * m.S + s) * m.Y + y]);
      diff_cell_stats(x.data(), n, kProbs, want.data());
      const double* got = &d.flow[((static_cast<size_t>(m.S) + s) * m.Y + y) * W];
      for (int k = 0; k < W; ++k) ASSERT_EQ(got[k], want[k]) << s << " " << y << " " << k;
      moved |= got[3 + nq] > 0 || got[4 + nq] > 0;
    }
  EXPECT_TRUE(moved) << "the second scenario changes some flow";
  // the metric totals of the differences are the differences of the run's totals
  const RunResult r = run(*be, m, n, seed);
  for (int sc = 0; sc < m.NS; ++sc)
    for (int k = 0; k < K; ++k)
      for (int y = 0; y < m.Y; ++y) {
        const int cell = m.view().agg_cell(info.agg_total[k], y);
        const double want_mean = stat(m, r, sc, cell, 0) - stat(m, r, 0, cell, 0);
        const double got = d.total[((static_cast<size_t>(sc) * K + k) * m.Y + y) * W];
        // (the run's means are those of its stored values, each rounded to
        // single precision; the differences are taken in double precision)
        const double tol =
            std::ldexp(1.0, -23) * (std::fabs(stat(m, r, sc, cell, 0)) + std::fabs(stat(m, r, 0, cell, 0)));
        EXPECT_NEAR(got, want_mean, tol + 1e-12) << sc << " " << k << " " << y;
      }
  // a budget that forces several passes gives the same numbers
  const ScenarioDiff e = scenario_diffs(*be, m, info, seed, n, kProbs, 0, 900u << 10);
  EXPECT_GT(e.passes, 1u);
  EXPECT_EQ(e.flow, d.flow);
  EXPECT_EQ(e.total, d.total);
  // another reference: its rows are 0, and scenario 0's are the negated differences' statistics
  const ScenarioDiff f = scenario_diffs(*be, m, info, seed, n, kProbs, 1, 0);
  for (size_t i = 0; i < static_cast<size_t>(K) * m.Y; ++i) {
    EXPECT_EQ(f.total[(static_cast<size_t>(K) * m.Y + i) * W], 0.0);
    EXPECT_EQ(f.total[i * W + 3 + nq], d.total[(static_cast<size_t>(K) * m.Y + i) * W + 4 + nq]); // P(>0) = P'(<0)
  }
}

TEST(Diff, RoundingIsNoDifference) {
  EXPECT_EQ(path_difference(1e10 + 1e-3, 1e10), 0.0);
  EXPECT_EQ(path_difference(1e10 + 1, 1e10), 1.0);
  EXPECT_EQ(path_difference(0.0, 0.0), 0.0);
  EXPECT_EQ(path_difference(-2.0, 0.0), -2.0);
}

TEST(Diff, ReferenceByName) {
  ModelInfo info;
  build(rich_input(), &info);
  EXPECT_EQ(reference_scenario(info, ""), 0);
  EXPECT_EQ(reference_scenario(info, info.scenarios[1]), 1);
  EXPECT_THROW(reference_scenario(info, "no_such"), InputError);
}

TEST(Converge, OrderStatisticIntervalAndWilson) {
  double lo, hi;
  order_stat_interval_probs(0.5, 10001, lo, hi);
  // ranks 5000.5 -/+ 98.005, rounded outwards: 1-based 4902 and 5099, 0-based 4901 and 5098
  EXPECT_DOUBLE_EQ(lo * 10000, 4901);
  EXPECT_DOUBLE_EQ(hi * 10000, 5098);
  order_stat_interval_probs(0.0, 100, lo, hi);
  EXPECT_EQ(lo, 0.0);
  order_stat_interval_probs(1.0, 100, lo, hi);
  EXPECT_EQ(hi, 1.0);
  // Wilson at p = 0.5, n = 100: 1.96 / (1 + 0.0384) * sqrt(0.0025 + 0.000096)
  EXPECT_NEAR(wilson_halfwidth(0.5, 100), 0.0962, 1e-4);
  EXPECT_GT(wilson_halfwidth(0.0, 10000), 0.0);
}
