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
// History of each series (sorted by year), keyed by series row. Only the
// history table's rows are observations: a base value counts as one only when
// the history repeats it at the base year (inputs/README.md), so a base value
// that is an assumption is never scored as if it had been observed.
std::vector<std::vector<Observation>> series_history(const Input& in);

struct SeriesEstimate {
  std::string series;
  int n = 0, partial = 0, first = 0, last = 0;
  bool estimated = false; // at least 3 observations spanning 3 years or more
  std::string reason;     // why not, when not estimated
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

// Widths of the load series (inputs/README.md, History and backtest): each
// series' volatility from its own history, shrunk toward the pool of its mode and metric,
// and its trend uncertainty as the spread of trends between the series of its
// mode (a port's trend differs from its corridor's) plus the standard error of
// the pooled trend. Split series (identical histories: one port total split
// by a fixed share) count once in the pools.
struct WidthEstimate {
  std::string series, mode;
  bool own = false;    // its own sigma is estimated (calibrate)
  bool pooled = false; // a pool exists for its mode: sigma and tau below are set
  int df = 0;          // degrees of freedom of its own sigma (increments less 1)
  double sigma_own = 0, sigma_pool = 0;
  double weight = 0;                                      // weight of its own sigma^2: df / (df + prior_df)
  double sigma = 0;                                       // shrunk volatility of the level, per sqrt(year)
  double trend_mean = 0, trend_mean_se = 0, trend_sd = 0; // pooled trend of the mode and its spread
  double tau = 0;                                         // sqrt(trend_sd^2 + trend_mean_se^2)
  int pool_series = 0;                                    // distinct histories in the mode's pool
};
// sqrt((df s^2 + prior_df p^2) / (df + prior_df)): a variance with df degrees of
// freedom shrunk toward the pooled variance p^2 held with prior_df.
double shrink_sigma(double s, int df, double p, double prior_df);
// Between-series standard deviation of trends mu_i with standard errors se_i
// (DerSimonian-Laird, 0 when the trends agree within their errors); the
// precision-weighted mean and its standard error go to mean and mean_se.
double between_sd(const std::vector<double>& mu, const std::vector<double>& se, double& mean, double& mean_se);
// Per series row (derived series and series of modes without a pool: pooled false). The
// volatilities and trends leave out the partial years that cover less than half a year
// (kMinWidthCoverage): annualised, they carry their season (Irkeshtam's January-May 2014, "winter
// months: annualising understates the year", the oil pipeline's first 131 days of 2015).
constexpr double kMinWidthCoverage = 0.5;
std::vector<WidthEstimate> estimate_widths(const Input& in, double prior_df = 4);
// The model's sigma, tau and phi of every pooled load series from the widths:
// the estimator is a random walk with drift, so phi = 0 and sigma =
// sqrt(w.sigma^2 - b_region^2 - b_partner^2 - b_port^2) (at least half of
// w.sigma); tau = w.tau. Other series keep theirs.
Input apply_widths(const Input& in, const std::vector<WidthEstimate>& w);
// The input with only the history up to and including the year.
Input history_until(const Input& in, int year);

// Scores of interval forecasts (docs/MODEL.md section 8).
struct BinomialInterval {
  double lo = 0, hi = 1;
};
// Wilson score interval of a proportion k/n at the normal quantile z (1.96: 95%).
BinomialInterval wilson_interval(int k, int n, double z = 1.959963984540054);
// Interval score of Gneiting and Raftery (2007) of the central (1 - alpha)
// interval [lo, hi] for the outcome x: (hi - lo) + 2/alpha times the distance
// by which x falls outside. Lower is better; in the units of x.
double interval_score(double lo, double hi, double alpha, double x);
// Weighted interval score (Bracher et al. 2021) of the quantiles q at the
// levels probs (the median and central intervals, symmetric around 0.5):
// (|x - median| / 2 + sum over intervals of alpha/2 IS_alpha) / (K + 1/2), K
// intervals. It approximates the CRPS from quantiles (with the median alone it
// is |x - median|, the CRPS of a point forecast). Throws unless the levels are
// symmetric around a median.
double weighted_interval_score(const std::vector<double>& probs, const std::vector<double>& q, double x);

struct BacktestCase {
  std::string series;
  int origin = 0, year = 0;
  double actual = 0;
  bool partial = false;       // the actual or the origin is an annualised partial year
  std::vector<double> q;      // at BacktestResult::probs
  std::vector<double> iscore; // interval score of ln actual, per BacktestResult::levels
  double wis = 0;             // weighted interval score of ln actual (CRPS from the quantiles)
};
// Scores over a set of cases (one horizon, or all of them).
struct BacktestScore {
  int horizon = 0; // 0: every horizon
  int n = 0;
  std::vector<double> cover, cover_lo, cover_hi; // per level: share of actuals inside, Wilson 95% interval
  std::vector<double> sharpness;                 // per level: mean of interval width / median
  std::vector<double> iscore;                    // per level: mean interval score of ln values
  double wis = 0;                                // mean weighted interval score of ln values
  double mdape = 0;                              // median absolute % error of the median, as a fraction
};
struct BacktestResult {
  std::vector<double> probs{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
  std::vector<double> levels{0.5, 0.8, 0.9}; // central intervals scored
  std::vector<BacktestCase> cases;
  std::vector<int> horizons;                            // distinct horizons, ascending
  std::vector<int> n;                                   // cases per horizon
  std::vector<double> cover50, cover80, cover90, mdape; // per horizon
  std::vector<BacktestScore> by_horizon;                // per horizon, as horizons
  std::vector<BacktestScore> by_band;                   // horizons 1-3, 4-7 and 8 or more (horizon: the first)
  BacktestScore all;                                    // every case
};

// For each origin year and each load series observed there and later, the
// demand model (the input's parameters and its first scenario's shocks, no
// capacity) is run from the observed value at the origin; each later
// observation is compared with the projected quantiles and scored.
// With widths_before_origin, each origin's projection takes sigma and tau from
// estimate_widths on the history up to the origin alone (a leave-future-out
// check of widths set from the whole history).
BacktestResult backtest(const Input& in, const std::vector<int>& origins, uint32_t paths, uint64_t seed, Backend& be,
                        bool widths_before_origin = false);

} // namespace corridor
