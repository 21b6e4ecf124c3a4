// corridor backtest: project from past years and score the intervals against the history.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "../model_build.h"
#include "../output.h"
#include "backtest_file.h"
#include "commands.h"
#include "common.h"

namespace corridor {
namespace {

void print_score(const char* label, const BacktestScore& s) {
  std::printf("  %-7s %5d", label, s.n);
  for (size_t l = 0; l < s.cover.size(); ++l)
    std::printf("  %4.2f [%4.2f,%4.2f]", s.cover[l], s.cover_lo[l], s.cover_hi[l]);
  std::printf("  %5.2f %5.2f %5.2f", s.sharpness[0], s.sharpness[1], s.sharpness[2]);
  std::printf("  %7.3f %7.3f %7.3f", s.iscore[0], s.iscore[1], s.iscore[2]);
  std::printf("  %6.3f %6.1f%%\n", s.wis, 100 * s.mdape);
}

void print_backtest(const BacktestOptions& o, const BacktestResult& r) {
  std::printf("corridor backtest: %s, origins", o.input.c_str());
  for (int y : o.origins) std::printf(" %d", y);
  std::printf(", %u paths%s\n", o.paths,
              o.widths_before_origin ? ", sigma and tau from the history up to each origin" : "");
  if (r.cases.empty()) {
    std::printf("  no series is observed at an origin and later: nothing to compare\n");
    return;
  }
  int partial = 0;
  std::vector<std::string> series;
  for (const auto& c : r.cases) {
    partial += c.partial;
    if (std::find(series.begin(), series.end(), c.series) == series.end()) series.push_back(c.series);
  }
  std::printf("  %zu cases of %zu series (%d with an annualised partial year)\n\n", r.cases.size(), series.size(),
              partial);
  std::printf("  %-7s %5s  %-16s  %-16s  %-16s  %-17s  %-23s  %6s %7s\n", "horizon", "cases", "cover 50%", "cover 80%",
              "cover 90%", "width/median", "interval score (log)", "CRPS", "MdAPE");
  std::printf("  %-7s %5s  %-16s  %-16s  %-16s  %5s %5s %5s  %7s %7s %7s  %6s %7s\n", "(years)", "", "[95% Wilson]",
              "[95% Wilson]", "[95% Wilson]", "50%", "80%", "90%", "50%", "80%", "90%", "(log)", "");
  for (const BacktestScore& s : r.by_horizon) print_score(std::to_string(s.horizon).c_str(), s);
  for (const BacktestScore& s : r.by_band) print_score(s.horizon == 1 ? "1-3" : s.horizon == 4 ? "4-7" : "8+", s);
  print_score("all", r.all);
  std::printf("\n  cover: share of actuals inside the central interval; width/median: mean interval width over the\n"
              "  median (sharpness); interval score (Gneiting-Raftery) and CRPS (the weighted interval score of the\n"
              "  7 quantiles, Bracher et al. 2021) of ln values, lower is better; MdAPE: median absolute %% error\n"
              "  of the median\n");
}

// every case: where the actual falls (inside the 50%, 80% or 90% interval, or below or above the 90%)
void print_cases(const BacktestResult& r) {
  std::printf("\n  %-26s %6s %5s %3s %4s %12s %12s %12s %12s %7s  %s\n", "series", "origin", "year", "h", "part",
              "actual", "median", "5%", "95%", "act/med", "falls");
  for (const BacktestCase& c : r.cases) {
    const auto& q = c.q; // 0.05 0.10 0.25 0.50 0.75 0.90 0.95
    const double a = c.actual;
    const char* where = a >= q[2] && a <= q[4]   ? "in 50%"
                        : a >= q[1] && a <= q[5] ? "in 80%"
                        : a >= q[0] && a <= q[6] ? "in 90%"
                        : a < q[0]               ? "BELOW 90%"
                                                 : "ABOVE 90%";
    std::printf("  %-26s %6d %5d %3d %4s %12.4g %12.4g %12.4g %12.4g %7.2f  %s\n", c.series.c_str(), c.origin, c.year,
                c.year - c.origin, c.partial ? "yes" : "", a, q[3], q[0], q[6], a / q[3], where);
  }
}

} // namespace

int cmd_backtest(const BacktestOptions& o) {
  OutputTarget out;
  if (!o.output.empty()) out = prepare_output(o.output, o.force, {o.input});
  const Input in = load_input(o.input, "backtest");
  validate_input(in);
  auto be = choose_backend(o.backend, o.threads, true);
  const BacktestResult r = backtest(in, o.origins, o.paths, o.seed, *be, o.widths_before_origin);
  print_backtest(o, r);
  if (o.cases) print_cases(r);
  if (!o.output.empty()) {
    const BacktestProvenance p{o.input, o.seed, o.paths};
    commit_h5_in_memory(out, [&](hid_t f) { write_backtest_file(f, r, p); });
    std::printf("  wrote %s\n", o.output.c_str());
  }
  return 0;
}

} // namespace corridor
