// corridor calibrate: estimates from the input's history, written as a new input.
#include <cstdio>

#include "../calibrate.h"
#include "../model_build.h"
#include "../output.h"
#include "commands.h"
#include "common.h"

namespace corridor {
namespace {

void print_estimate(const SeriesEstimate& e) {
  char yrs[32], mu[40], sg[40], br[40];
  std::snprintf(yrs, sizeof yrs, "%d-%d", e.first, e.last);
  std::snprintf(mu, sizeof mu, "%.4f +- %.4f", e.mu, e.mu_se);
  std::snprintf(sg, sizeof sg, "%.4f +- %.4f", e.sigma, e.sigma_se);
  if (e.has_loading)
    std::snprintf(br, sizeof br, "%.4f +- %.4f", e.b_region, e.b_region_se);
  else
    std::snprintf(br, sizeof br, "-");
  std::printf("  %-28s %4d %9s %18s %18s %18s%s\n", e.series.c_str(), e.n, yrs, mu, sg, br,
              e.partial ? " (partial years annualised)" : "");
}

void print_calibration(const std::string& input, const Calibration& c) {
  std::printf("corridor calibrate: %s\n", input.c_str());
  std::printf("  random walk with drift on log values; partial years annualised; +- one standard error\n\n");
  std::printf("  %-28s %4s %9s %18s %18s %18s\n", "series", "obs", "years", "mu (1/year)", "sigma (1/year)",
              "b_region");
  int est = 0;
  for (const SeriesEstimate& e : c.series)
    if (e.estimated) ++est, print_estimate(e);
  if (c.has_shocks)
    std::printf("\n  regional factor from %d series over %d years; regional drops (mean standardised increment < -2):"
                " %.3f +- %.3f per year\n",
                c.factor_series, c.factor_years, c.shock_freq, c.shock_freq_se);
  else
    std::printf("\n  regional factor and shock frequency: not estimated (need 3 series with 5 annual increments)\n");
  std::printf("\n  load series not estimated (they keep their input parameters):\n");
  int derived = 0;
  for (const SeriesEstimate& e : c.series) {
    if (e.estimated) continue;
    if (e.reason.rfind("derived", 0) == 0) {
      ++derived;
      continue;
    }
    std::printf("  %-28s %s\n", e.series.c_str(), e.reason.c_str());
  }
  const int skipped = static_cast<int>(c.series.size()) - est;
  std::printf("  %d series estimated; %d kept their input parameters (%d of them derived series, which follow their "
              "load series); an estimate needs 3 observations over 3 years or more\n",
              est, skipped, derived);
}

void print_widths(const Input& in, const std::vector<WidthEstimate>& w) {
  const Input m = apply_widths(in, w);
  const Table& s = m.tables.at("series");
  std::printf("\n  widths (pools by mode and metric; split series count once; a pool needs 3 degrees of freedom;\n"
              "  partial years under half a year left out):\n"
              "  sigma = own volatility shrunk toward the pool (weight df / (df + 4)); trend: random-effects mean of\n"
              "  the pool's trends, its standard error (+-, taken as tau) and the spread between series\n"
              "  (DerSimonian-Laird); model: tau, and sigma less the factor loadings with phi 0 (a random walk)\n\n");
  std::printf("  %-28s %-9s %6s %3s %6s %6s %6s %6s  %7s %6s %6s %6s  %6s %6s\n", "series", "mode", "own", "df", "pool",
              "weight", "sigma", "pooled", "trend", "+-", "spread", "tau", "model", "sigma");
  for (size_t r = 0; r < w.size(); ++r) {
    const WidthEstimate& x = w[r];
    if (!x.pooled) continue;
    char own[16] = "-";
    if (x.own) std::snprintf(own, sizeof own, "%.3f", x.sigma_own);
    std::printf("  %-28s %-16s %6s %3d %6.3f %6.2f %6.3f %6d  %7.3f %6.3f %6.3f %6.3f  %6.3f %6.3f\n", x.series.c_str(),
                x.mode.c_str(), own, x.df, x.sigma_pool, x.weight, x.sigma, x.pool_series, x.trend_mean,
                x.trend_mean_se, x.trend_sd, x.tau, s.num.at("tau")[r], s.num.at("sigma")[r]);
  }
  std::printf("  (model: the tau and sigma that apply_widths gives; load series of modes without history keep "
              "theirs)\n");
}

} // namespace

int cmd_calibrate(const CalibrateOptions& o) {
  OutputTarget target = prepare_output(o.output, o.force, {o.input});
  const Input in = load_input(o.input, "calibrate");
  validate_input(in);
  const Calibration c = calibrate(in);
  print_calibration(o.input, c);
  print_widths(in, estimate_widths(in));
  const Input out = apply_calibration(in, c);
  validate_input(out);
  target.commit([&](const std::string& tmp) { write_h5_input(out, tmp); });
  std::printf("  wrote %s\n", o.output.c_str());
  return 0;
}

} // namespace corridor
