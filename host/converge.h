// A run to a precision (`corridor run --precision P --on STATS`, docs/MODEL.md
// section 6): pilot runs of growing path counts until the 95% interval of
// every chosen statistic, in every cell that counts, is narrower than the
// target relative to its value; the last pilot's statistics are then those
// of an ordinary run with that many paths (the prefix property: its bytes are
// those of `run -n N`).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../kernels/host_model.h"
#include "../kernels/plans.h"
#include "../kernels/run_types.h"
#include "backend.h"

namespace corridor {

struct ModelInfo;

// The statistics a precision may be asked of.
const std::vector<std::string>& convergence_statistics(); // total_quantile, p_over_capacity, total_mean

// What the output records (convergence_* variables and attributes).
struct ConvergenceRecord {
  double target = 0;
  std::vector<std::string> statistics;
  std::vector<double> reached;   // per statistic: the largest relative half-width at the final path count
  std::vector<uint32_t> paths;   // per step (the pilots; the output is the last one's)
  std::vector<double> halfwidth; // [step][statistic]: the largest relative half-width over the cells that count
  // per statistic, the cell with the largest relative half-width at the
  // final step (its name), and per step and statistic its estimate and 95% interval
  std::vector<std::string> cell;
  std::vector<double> estimate, lower, upper; // [step][statistic]
};

// Runs pilots of the input with cfg (its probs: the user's quantiles) from
// min(start_paths, max_paths) paths, growing geometrically, until every statistic
// of `on` reaches `target` or max_paths is run; sets cfg.paths to the final
// count (cfg is otherwise unchanged) and returns the record. The pilots run
// without sensitivity. verbose: a status line per pilot on stderr, with the
// estimated time left. Throws std::runtime_error when the quantiles and
// their interval probabilities exceed kMaxQuantiles. `final_stats` receives the last
// pilot's statistics with cfg's quantiles only: the bytes of a run of the
// final path count (each quantile is its own exact order statistic, and the
// other statistics do not depend on the quantiles asked), so the final run
// need not simulate the paths again.
ConvergenceRecord run_to_precision(Backend& be, const HostModel& m, const ModelInfo& info, const CellPlan& plan,
                                   RunConfig& cfg, double target, const std::vector<std::string>& on,
                                   uint32_t start_paths, uint32_t max_paths, bool verbose, RunResult& final_stats);

// The probabilities of the order statistics at (1-based) ranks n p -/+ 1.96
// sqrt(n p (1 - p)), rounded outwards, as type-7 probabilities: {lo, hi}.
void order_stat_interval_probs(double p, uint32_t n, double& lo, double& hi);

// The Wilson score interval's half-width for k/n at 95%.
double wilson_halfwidth(double p, double n);

} // namespace corridor
