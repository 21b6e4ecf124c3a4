// corridor sweep: a design over ranges of input fields, every point run for
// one scenario with common random numbers; Sobol indices (docs/MODEL.md
// section 12).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "../output.h"
#include "../sweep.h"
#include "commands.h"
#include "common.h"

namespace fs = std::filesystem;

namespace corridor {

int cmd_sweep(const SweepCmdOptions& o) {
  OutputTarget out = prepare_output(o.output, o.force, {o.input, o.ranges});
  const Input in = load_input(o.input, "sweep");
  const std::vector<RangeSpec> ranges = read_ranges(o.ranges, in);
  SweepOptions so;
  so.design = o.design, so.N = o.n, so.paths = o.paths, so.seed = o.seed, so.scenario = o.scenario;
  so.threads = o.threads, so.responses = o.responses;
  try {
    design_points(so.design, so.N, static_cast<int>(ranges.size()));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--design ") + o.design + " -N " + std::to_string(o.n) + ": " + e.what());
  }
  auto be = choose_backend(o.backend, o.threads, o.quiet);
  Progress prog(!o.quiet && isatty(2));
  so.progress = [&](double f) { prog(f); };
  const auto t0 = std::chrono::steady_clock::now();
  const SweepResult r = run_sweep(in, ranges, so, *be);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SweepProvenance p;
  p.input = fs::path(o.input).filename().string();
  p.input_sha256 = sha256_file(o.input);
  p.ranges = fs::path(o.ranges).filename().string();
  p.ranges_sha256 = sha256_file(o.ranges);
  p.backend = be->name();
  commit_h5_in_memory(out, [&](hid_t f) { write_sweep_file(f, r, ranges, so, p); });
  if (!o.quiet) {
    std::fputs(sweep_table(r).c_str(), stdout);
    std::printf("\n  %llu points x %u paths in %.2f s (%.3g path-points/s), backend %s\n  wrote %s\n",
                static_cast<unsigned long long>(r.points), o.paths, secs,
                static_cast<double>(r.points) * o.paths / secs, be->description().c_str(), o.output.c_str());
  }
  return 0;
}

} // namespace corridor
