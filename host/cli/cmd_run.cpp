// corridor run: project every scenario of an input and write the statistics.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

#include "../../kernels/stats.h"
#include "../converge.h"
#include "../dist.h"
#include "../input.h"
#include "../model_build.h"
#include "../output.h"
#include "../scenario_diff.h"
#include "commands.h"
#include "common.h"

namespace fs = std::filesystem;

namespace corridor {

static_assert(kCliMaxSensitivityPaths == kMaxSensitivityPaths, "the command line states the engine's limit");
static_assert(kCliMaxQuantiles == kMaxQuantiles, "the command line states the engine's limit");

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// the year of the sensitivity responses, checked against the input's projected years
int sensitivity_year(const RunOptions& o, const ModelInfo& info) {
  const int y = o.sensitivity_year == 0 ? info.horizon_year : o.sensitivity_year;
  if (y <= info.base_year || y > info.horizon_year)
    throw UsageError("--sensitivity-year: " + std::to_string(y) + " is not a projected year of " + o.input + " (" +
                     std::to_string(info.base_year + 1) + "-" + std::to_string(info.horizon_year) + ")");
  return y;
}

struct Timings {
  double sim = 0, sens = 0, total = 0;
};

void report(const RunOptions& o, const ModelInfo& info, const HostModel& m, const CellPlan& plan, const Backend& be,
            const RunResult& res, const SensitivitySpec& sens, const Timings& t) {
  const double cell_years = static_cast<double>(o.paths) * m.S * (m.Y - 1) * m.NS;
  std::printf("corridor run: %s\n", info.title.c_str());
  std::printf("  scenarios %d, series %d, years %d-%d, paths %u, seed %llu\n", m.NS, m.S, info.base_year,
              info.horizon_year, o.paths, static_cast<unsigned long long>(o.seed));
  std::printf("  backend %s, %d pass%s over the paths (%llu of %zu stored cells per pass)\n", be.description().c_str(),
              res.passes, res.passes == 1 ? "" : "es", static_cast<unsigned long long>(res.cells_per_pass),
              plan.max_stored());
  std::printf("  simulation and statistics %.2f s, %.3g cell-years/s; with output %.2f s\n", t.sim, cell_years / t.sim,
              t.total);
  std::printf("  of which simulation %.2f s, statistics %.2f s, setup %.2f s; sensitivity (%u paths) %.2f s\n",
              res.simulate_seconds, res.stats_seconds, t.sim - res.simulate_seconds - res.stats_seconds, sens.paths,
              t.sens);
  if (World::size() > 1)
    std::printf("  MPI: %d ranks (rank 0: %lld paths); rank 0 sent %.4g MB in %lld collectives and %lld folds along "
                "the ranks, %.2f s in them\n",
                World::size(), path_share(o.paths, World::size(), 0).count,
                static_cast<double>(World::bytes_sent()) / 1e6, World::collectives(), World::chains(),
                World::seconds());
  std::printf("  wrote %s\n", o.output.c_str());
}

Provenance provenance(const RunOptions& o, const Backend& be) {
  Provenance prov;
  prov.backend = be.name();
  prov.input = fs::path(o.input).filename().string();
  prov.input_sha256 = sha256_file(o.input);
  prov.created = now_iso8601();
  prov.seed = o.seed;
  prov.paths = o.paths;
  prov.utilization_threshold = o.utilization_threshold;
  return prov;
}

} // namespace

// Under MPI (dist.h) every rank reads the input and builds the model, the
// ranks agree on any failure so far (reported once, with the status of a
// process alone), then split the run's paths (Backend::split); rank 0 alone
// then computes the sensitivity, the scenario differences and the saved
// paths (each a function of the paths' numbers only, so the same bytes) and
// writes the output. Runs to a precision stay in one process.
int cmd_run(const RunOptions& opts) {
  RunOptions o = opts; // --precision: o.paths chosen by the pilot runs
  Reduce* red = World::reduce();
  const bool lead = World::rank() == 0;
  RunConfig cfg;
  cfg.paths = o.paths;
  cfg.seed = o.seed;
  cfg.threads = o.threads > 0 || !red ? o.threads : World::threads();
  cfg.max_memory = o.max_memory;
  cfg.probs = o.quantiles;
  OutputTarget out;
  Input in;
  ModelInfo info;
  HostModel m;
  SensitivitySpec sens;
  CellPlan plan;
  std::unique_ptr<Backend> be;
  std::exception_ptr failed;
  int sens_year = 0, diff_ref = 0;
  try {
    if (lead) out = prepare_output(o.output, o.force, {o.input});
    in = load_input(o.input, "run");
    m = build_model(in, info);
    sens_year = sensitivity_year(o, info);
    diff_ref = o.diff ? reference_scenario(info, o.reference) : 0; // checked before any work
    plan = make_cell_plan(m, o.utilization_threshold);
    be = choose_backend(o.backend, cfg.threads, o.quiet || !lead);
    if (red && !be->splits())
      throw UsageError("--backend " + be->name() + ": a run across MPI ranks uses the CPU backend (--backend cpu)");
    if (red && o.precision > 0)
      throw UsageError("--precision: a run to a precision is not split across MPI ranks; run it in one process");
  } catch (...) {
    if (!red) throw;
    failed = std::current_exception();
  }
  if (red) agree_on_setup(failed); // the lowest rank that failed reports; every rank ends with the worst status
  OutputExtras extras;
  ConvergenceRecord conv;
  RunResult res;
  double pilot_seconds = 0; // --precision: the last pilot is the run
  if (o.precision > 0) {
    extras.convergence = &(conv = run_to_precision(*be, m, info, plan, cfg, o.precision, o.precision_on, o.start_paths,
                                                   o.max_paths, !o.quiet, res));
    pilot_seconds = res.simulate_seconds + res.stats_seconds;
  }
  o.paths = cfg.paths;
  sens = make_sensitivity_spec(m, info, sens_year, std::min(o.sensitivity_paths, o.paths));
  cfg.sensitivity = &sens; // planned with the run's memory
  cfg.plan = &plan;        // counted in the sensitivity's memory
  Progress prog(lead && !o.quiet && isatty(2));
  cfg.progress = [&](double f) { prog(f); };
  be->split(red);
  Timings t;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    if (o.precision <= 0) be->run(m, plan, cfg, res);
  } catch (const QuietExit&) { // the ranks agreed on a failure of their setup, reported once
    throw;
  } catch (...) {
    if (!red) throw;
    fail_split_run(std::current_exception()); // ends every rank
  }
  t.sim = o.precision > 0 ? pilot_seconds : seconds_since(t0);
  if (!lead) return 0;
  be->split(nullptr);    // rank 0 alone from here
  return_freed_memory(); // the run's buffers, before the sensitivity and the output
  Provenance prov = provenance(o, *be);
  const auto ts = std::chrono::steady_clock::now();
  std::vector<double> rho;
  if (sens.paths > 0) be->sensitivity(m, sens, cfg, rho);
  return_freed_memory();
  t.sens = seconds_since(ts);
  ScenarioDiff diff;
  Progress dprog(!o.quiet && isatty(2) && o.diff && m.NS > 1); // the differences' own bar and time left
  if (o.diff && m.NS > 1)
    extras.diff = &(diff = scenario_diffs(*be, m, info, o.seed, o.paths, o.quantiles, diff_ref, o.max_memory,
                                          [&](double f) { dprog(f); }));
  return_freed_memory();
  write_output(out, info, m, cfg, res, prov, &sens, rho, o.save_paths ? be.get() : nullptr, &extras);
  t.total = seconds_since(t0) + pilot_seconds;
  if (!o.quiet) report(o, info, m, plan, *be, res, sens, t);
  return 0;
}

} // namespace corridor
