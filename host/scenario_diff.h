// Scenario differences (docs/MODEL.md section 6): with common random numbers
// path i of every scenario draws the same numbers, so the per-path difference
// scenario - reference isolates what the scenario changes. The paths are
// simulated again with Backend::raw_flows, in chunks, for the served flow of
// every series and the Xinjiang total of every metric (summed per path in
// the order of the run's aggregates, kernels/model.h year_totals), and each
// cell's differences get the run's exact statistics (kernels/stats.h,
// stats_serial: fixed-order block sums, exact type-7 quantiles).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend.h"
#include "model_build.h"

namespace corridor {

// Statistics per cell: mean, sd, sem, quantiles (probs), P(d > 0), P(d < 0).
inline int diff_width(int nq) { return 5 + nq; }

struct ScenarioDiff {
  int reference = 0; // scenario index
  int NS = 0, S = 0, K = 0, Y = 0;
  std::vector<double> probs;
  std::vector<double> flow;  // [((sc * S + s) * Y + y) * width + stat]
  std::vector<double> total; // [((sc * K + k) * Y + y) * width + stat]
  uint64_t passes = 0;       // passes over the paths (every scenario simulated once per pass)
  uint64_t cells_per_pass = 0;
  double seconds = 0;
  int width() const { return diff_width(static_cast<int>(probs.size())); }
};

// The index of scenario `name` in info.scenarios ("" : the first); throws
// InputError (exit 2) naming the known scenarios when there is none.
int reference_scenario(const ModelInfo& info, const std::string& name);

// Memory: at most `max_memory` bytes (0: half the machine's memory) for the
// difference columns (8 bytes per path and cell), the chunks of raw flows and
// the statistics buffers; the cells are split into passes when they do not
// fit, each pass simulating every scenario's paths again.
ScenarioDiff scenario_diffs(Backend& be, const HostModel& m, const ModelInfo& info, uint64_t seed, uint32_t paths,
                            const std::vector<double>& probs, int reference, uint64_t max_memory,
                            const std::function<void(double)>& progress = {});

// One path's difference a - ref; 0 when it is within kDiffRounding of the
// values (rounding: a scenario that leaves a flow alone may still reach it by
// another order of additions, e.g. through diversion), so that P(d > 0) and
// P(d < 0) count real changes only.
constexpr double kDiffRounding = 1e-12;
double path_difference(double a, double ref);

// The statistics of the values x[0..n) as the run computes a cell's, in the
// layout of diff_width (the tests hold it to numpy).
void diff_cell_stats(const double* x, long long n, const std::vector<double>& probs, double* out);

} // namespace corridor
