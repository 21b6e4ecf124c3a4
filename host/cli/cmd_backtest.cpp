// corridor backtest: project from past years and score the intervals against the history.
#include <cstdio>

#include "../model_build.h"
#include "../output.h"
#include "backtest_file.h"
#include "commands.h"
#include "common.h"

namespace corridor {
namespace {

void print_backtest(const BacktestOptions& o, const BacktestResult& r) {
  std::printf("corridor backtest: %s, origins", o.input.c_str());
  for (int y : o.origins) std::printf(" %d", y);
  std::printf(", %u paths\n", o.paths);
  if (r.cases.empty()) {
    std::printf("  no series is observed at an origin and later: nothing to compare\n");
    return;
  }
  std::printf("  %-8s %6s %10s %10s %10s %8s\n", "horizon", "cases", "cover 50%", "cover 80%", "cover 90%", "MdAPE");
  for (size_t i = 0; i < r.horizons.size(); ++i)
    std::printf("  %-8d %6d %10.2f %10.2f %10.2f %7.1f%%\n", r.horizons[i], r.n[i], r.cover50[i], r.cover80[i],
                r.cover90[i], 100 * r.mdape[i]);
}

} // namespace

int cmd_backtest(const BacktestOptions& o) {
  OutputTarget out;
  if (!o.output.empty()) out = prepare_output(o.output, o.force, {o.input});
  const Input in = load_input(o.input, "backtest");
  validate_input(in);
  auto be = choose_backend(o.backend, o.threads, true);
  const BacktestResult r = backtest(in, o.origins, o.paths, o.seed, *be);
  print_backtest(o, r);
  if (!o.output.empty()) {
    const BacktestProvenance p{o.input, o.seed, o.paths};
    commit_h5_in_memory(out, [&](hid_t f) { write_backtest_file(f, r, p); });
    std::printf("  wrote %s\n", o.output.c_str());
  }
  return 0;
}

} // namespace corridor
