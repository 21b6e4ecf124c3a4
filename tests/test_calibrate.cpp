// Calibration on synthetic history with known parameters, and backtest
// coverage on history drawn from the model itself.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "host/calibrate.h"
#include "util.h"

using namespace corridor;
using namespace corridor::test;

namespace {

// n series over base-T..base; log increments mu + b F_t + s e_t (F shared by all series)
Input synthetic(int n, int T, double mu, double b, double s, uint64_t seed, bool partial_years) {
  const int base = 2020;
  Input in = empty_input(base, base + 10);
  std::mt19937_64 g(seed);
  std::normal_distribution<double> z;
  std::vector<double> F(T + 1);
  for (double& f : F) f = z(g);
  for (int i = 0; i < n; ++i) {
    const std::string id = "S" + std::to_string(i);
    double lv = std::log(1000.0);
    std::vector<double> v{std::exp(lv)};
    for (int t = 1; t <= T; ++t) {
      lv += mu + b * F[t] + s * z(g);
      v.push_back(std::exp(lv));
    }
    add_row(in, "series",
            {{"id", id},
             {"port", "P1"},
             {"partner", "KAZ"},
             {"mode", "rail"},
             {"metric", "freight"},
             {"kind", "load"},
             {"base_value", format_number(v[T])},
             {"mu", "0.01"},
             {"tau", "0"},
             {"sigma", format_number(std::sqrt(b * b + s * s))}});
    for (int t = 0; t < T; ++t) {
      const bool part = partial_years && t == T / 2;
      // a partial year reports only the months covered (here 5/12 of the year)
      add_row(in, "history",
              {{"series", id},
               {"year", std::to_string(base - T + t)},
               {"value", format_number(part ? v[t] * 5.0 / 12.0 : v[t])},
               {"coverage", part ? "0.4166666666666667" : "1"}});
    }
  }
  return in;
}

} // namespace

TEST(Calibrate, HistoryAnnualisesPartialYearsAndAddsTheBase) {
  const Input in = synthetic(1, 6, 0.05, 0, 0.1, 1, true);
  const auto h = series_history(in);
  ASSERT_EQ(h[0].size(), 7u);
  EXPECT_EQ(h[0].back().year, 2020);
  EXPECT_EQ(h[0].back().value, in.tables.at("series").num.at("base_value")[0]);
  int partial = 0;
  for (const auto& o : h[0]) partial += o.partial;
  EXPECT_EQ(partial, 1);
  EXPECT_NEAR(h[0][3].value / h[0][2].value, std::exp(0.05), 0.5); // annualised, not 5/12 of a year
}

TEST(Calibrate, EstimatesAreWithinTheirStandardErrors) {
  // independent series: about 95% of estimates within 2 standard errors
  const double mu = 0.04, sigma = 0.08;
  const Input in = synthetic(60, 25, mu, 0.0, sigma, 7, true);
  const Calibration c = calibrate(in);
  int mu_ok = 0, sigma_ok = 0, n = 0;
  for (const auto& e : c.series) {
    ASSERT_TRUE(e.estimated);
    EXPECT_EQ(e.partial, 1);
    mu_ok += std::fabs(e.mu - mu) < 2 * e.mu_se;
    sigma_ok += std::fabs(e.sigma - sigma) < 2 * e.sigma_se;
    ++n;
  }
  EXPECT_GE(mu_ok, 0.85 * n) << mu_ok << " of " << n;
  EXPECT_GE(sigma_ok, 0.85 * n) << sigma_ok << " of " << n;
  // without annualising the partial year, a 5/12 value would look like a crash
  Input raw = in;
  for (auto& cv : raw.tables.at("history").num.at("coverage")) cv = 1.0;
  const Calibration bad = calibrate(raw);
  EXPECT_GT(bad.series[0].sigma, 2 * sigma);
}

TEST(Calibrate, RegionalLoadingAndApplication) {
  const double mu = 0.03, b = 0.06, s = 0.04;
  const Input in = synthetic(8, 40, mu, b, s, 11, false);
  const Calibration c = calibrate(in);
  EXPECT_EQ(c.factor_series, 8);
  EXPECT_EQ(c.factor_years, 40);
  int ok = 0;
  for (const auto& e : c.series) {
    ASSERT_TRUE(e.has_loading);
    EXPECT_GT(e.b_region_se, 0);
    ok += std::fabs(e.b_region - b) < 3 * e.b_region_se + 0.01;
  }
  EXPECT_GE(ok, 7);
  EXPECT_TRUE(c.has_shocks);
  EXPECT_LT(c.shock_freq, 0.2);
  const Input out = apply_calibration(in, c);
  validate_input(out);
  const Table& t = out.tables.at("series");
  EXPECT_EQ(t.num.at("mu")[0], c.series[0].mu);
  EXPECT_EQ(t.num.at("tau")[0], c.series[0].mu_se);
  EXPECT_EQ(t.num.at("b_region")[0], c.series[0].b_region);
  EXPECT_NEAR(t.num.at("sigma")[0] * t.num.at("sigma")[0] + c.series[0].b_region * c.series[0].b_region,
              c.series[0].sigma * c.series[0].sigma, 1e-12);
  EXPECT_NE(t.str.at("source")[0].find("calibrated"), std::string::npos);
}

TEST(Backtest, CoverageIsNominalOnDataFromTheModel) {
  // history drawn from the demand model with the input's own parameters: the
  // projected intervals must hold the later values at their nominal rates
  const int n = 300;
  Input in = synthetic(n, 10, 0.03, 0.0, 0.1, 5, false);
  for (size_t r = 0; r < static_cast<size_t>(n); ++r) {
    in.tables["series"].num["mu"][r] = 0.03;
    in.tables["series"].num["sigma"][r] = 0.1;
  }
  auto be = make_cpu_backend(2);
  const BacktestResult b = backtest(in, {2010}, 4000, 3, *be);
  ASSERT_EQ(b.horizons.size(), 10u);
  for (size_t i = 0; i < b.horizons.size(); ++i) {
    EXPECT_EQ(b.n[i], n);
    EXPECT_NEAR(b.cover50[i], 0.5, 4 * std::sqrt(0.25 / n)) << "horizon " << b.horizons[i];
    EXPECT_NEAR(b.cover80[i], 0.8, 4 * std::sqrt(0.16 / n)) << "horizon " << b.horizons[i];
    EXPECT_NEAR(b.cover90[i], 0.9, 4 * std::sqrt(0.09 / n)) << "horizon " << b.horizons[i];
  }
  // a model that is too sure of itself is caught
  for (size_t r = 0; r < static_cast<size_t>(n); ++r) in.tables["series"].num["sigma"][r] = 0.03;
  const BacktestResult tight = backtest(in, {2010}, 4000, 3, *be);
  EXPECT_LT(tight.cover90.back(), 0.6);
}
