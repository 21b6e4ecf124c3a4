// corridor sweep: a design over ranges of input fields, every point run for
// one scenario with common random numbers; Sobol indices (docs/MODEL.md
// section 12).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "../dist.h"
#include "../output.h"
#include "../sweep.h"
#include "commands.h"
#include "common.h"

namespace fs = std::filesystem;

namespace corridor {

// Under MPI (host/dist.h) every rank reads the input and the ranges and
// validates every point; the ranks agree on any failure so far, then split
// each point's run (Backend::split), and rank 0 alone writes the file.
int cmd_sweep(const SweepCmdOptions& o) {
  Reduce* red = World::reduce();
  const bool lead = World::rank() == 0;
  OutputTarget out;
  Input in;
  std::vector<RangeSpec> ranges;
  std::unique_ptr<Backend> be;
  SweepOptions so;
  so.design = o.design, so.N = o.n, so.paths = o.paths, so.seed = o.seed, so.scenario = o.scenario;
  so.threads = o.threads > 0 || !red ? o.threads : World::threads();
  so.responses = o.responses;
  std::exception_ptr failed;
  try {
    if (lead) out = prepare_output(o.output, o.force, {o.input, o.ranges});
    in = load_input(o.input, "sweep");
    ranges = read_ranges(o.ranges, in);
    try {
      design_points(so.design, so.N, static_cast<int>(ranges.size()));
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--design ") + o.design + " -N " + std::to_string(o.n) + ": " + e.what());
    }
    be = choose_backend(o.backend, so.threads, o.quiet || !lead);
    if (red && !be->splits())
      throw UsageError("--backend " + be->name() + ": a sweep across MPI ranks uses the CPU backend (--backend cpu)");
  } catch (...) {
    if (!red) throw;
    failed = std::current_exception();
  }
  if (red) agree_on_setup(failed);
  Progress prog(lead && !o.quiet && isatty(2));
  so.progress = [&](double f) { prog(f); };
  be->split(red);
  const auto t0 = std::chrono::steady_clock::now();
  SweepResult r;
  try {
    r = run_sweep(in, ranges, so, *be);
  } catch (const InputError&) { // an invalid design point: found alike by every rank before any run
    if (!red) throw;
    agree_on_setup(std::current_exception());
  } catch (...) {
    if (!red) throw;
    fail_split_run(std::current_exception()); // ends every rank
  }
  if (!lead) return 0;
  be->split(nullptr);
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
