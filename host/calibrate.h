// Calibration of growth parameters from an input's history, and rolling-origin
// backtests of the demand model against that history (inputs/README.md).
#pragma once
#include <string>
#include <vector>

#include "backend.h"
#include "input.h"

namespace corridor {

// One observation used by calibration and backtests: partial-year figures
// (coverage < 1) are annualised (value / coverage) and flagged.
struct Observation {
  int year;
  double value; // annual
  bool partial;
};
// History of each series (sorted by year, the base value at the base year
// included as an observation), keyed by series row.
std::vector<std::vector<Observation>> series_history(const Input& in);

struct SeriesEstimate {
  std::string series;
  int n = 0, partial = 0, first = 0, last = 0;
  bool estimated = false; // at least 3 observations spanning 3 years or more
  double mu = 0, mu_se = 0, sigma = 0, sigma_se = 0;
  double b_region = 0, b_region_se = 0;
  bool has_loading = false;
};
struct Calibration {
  std::vector<SeriesEstimate> series;
  int factor_years = 0, factor_series = 0;  // data behind the regional factor, if any
  double shock_freq = 0, shock_freq_se = 0; // annual frequency of regional drops
  bool has_shocks = false;
};

// Random walk with drift on log values, observed at irregular years:
// ln v(t_i) - ln v(t_{i-1}) ~ N(mu d_i, sigma^2 d_i). mu and sigma by maximum
// likelihood (sigma with the n-1 correction), standard errors from the
// Fisher information; the regional loading is the first principal component
// of the standardised annual increments shared by 3 or more series (jackknife
// standard errors over years); a regional drop is a year whose mean
// standardised increment is below -2.
Calibration calibrate(const Input& in);
// The input with mu (and tau = its standard error), sigma and b_region of
// every estimated series replaced, and the source column saying so.
Input apply_calibration(const Input& in, const Calibration& c);

struct BacktestCase {
  std::string series;
  int origin = 0, year = 0;
  double actual = 0;
  std::vector<double> q; // at BacktestResult::probs
};
struct BacktestResult {
  std::vector<double> probs{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
  std::vector<BacktestCase> cases;
  std::vector<int> horizons;                            // distinct horizons, ascending
  std::vector<int> n;                                   // cases per horizon
  std::vector<double> cover50, cover80, cover90, mdape; // per horizon
};

// For each origin year and each load series observed there and later, the
// demand model (the input's parameters and its first scenario's shocks, no
// capacity) is run from the observed value at the origin; each later
// observation is compared with the projected quantiles.
BacktestResult backtest(const Input& in, const std::vector<int>& origins, uint32_t paths, uint64_t seed, Backend& be);

} // namespace corridor
