// The plain types of a run, shared by the launching (launch.inl), the host's
// backends and the command line: what to run (RunConfig, SensitivitySpec) and
// what comes back (RunResult, the replay layout). No Thrust types.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model.h"

namespace corridor {

struct SensitivitySpec;
struct CellPlan;
struct RunConfig {
  uint64_t seed = 1;
  uint32_t paths = 10000;
  std::vector<double> probs{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
  uint64_t max_memory = 0;              // bytes; 0 = backend default
  int threads = 0;                      // CPU backend; 0 = all cores
  std::function<void(double)> progress; // fraction done, called from the host thread
  // the sensitivity that follows the run, if any: its memory is planned with the run's
  const SensitivitySpec* sensitivity = nullptr;
  // the run's cell plan, kept until the output is written: its memory is
  // counted in the phases after the run (the sensitivity) as in the run
  const CellPlan* plan = nullptr;
};

struct RunResult {
  int width = 0;             // stats per cell (stats_width)
  std::vector<double> stats; // [scenario][cell][width], all cells
  int passes = 0;            // simulation passes per scenario
  uint64_t cells_per_pass = 0;
  uint64_t planned_bytes = 0;
  double simulate_seconds = 0; // wall time in simulation launches (all passes)
  double stats_seconds = 0;    // wall time in statistics launches
};

// Sensitivity (MODEL.md section 6): Spearman rank correlation, over the first
// `paths` paths of each scenario, of path-level drivers with chosen responses.
// A driver is a scratch element of simulate_path read after the last year
// (model.h, Layout): a trend growth draw, an opening year, an event count.
struct SensitivitySpec {
  uint32_t paths = 0; // 0: no sensitivity
  std::vector<long long> driver_elem;
  std::vector<std::string> driver_name, driver_kind;
  std::vector<int> response_cell; // cells of a scenario (ModelView cell ids)
  std::vector<std::string> response_name;
  int D() const { return static_cast<int>(driver_elem.size()); }
  int K() const { return static_cast<int>(response_cell.size()); }
};
constexpr uint32_t kMaxSensitivityPaths = 1000000; // keeps the integer rank sums exact

// A replayed path's values: the scenario's cells (ModelView::cells()), then
// per year and capacity group kGroupTrace values - nominal capacity (with the
// expansions open), share of the year lost to a closure, capacity left,
// demand (load), flow - then each expansion's opening year as an offset from
// the base year (a large number: after the horizon).
constexpr int kGroupTrace = 5;
CORRIDOR_INLINE long long replay_group_trace(const ModelView& v, int y, int g) {
  return v.cells() + (static_cast<long long>(y) * v.G + g) * kGroupTrace;
}
CORRIDOR_INLINE long long replay_open_year(const ModelView& v, int e) {
  return v.cells() + static_cast<long long>(v.Y) * v.G * kGroupTrace + e;
}
CORRIDOR_INLINE long long replay_size(const ModelView& v) { return replay_open_year(v, v.E); }

} // namespace corridor
