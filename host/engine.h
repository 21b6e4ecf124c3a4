// Interface between the host and the backends. Plain types only (no Thrust):
// the CPU and CUDA backends live in separate translation units.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../kernels/model.h"

namespace corridor {

// Every array of a ModelView, owned on the host.
struct HostModel {
  int S = 0, Y = 0, P = 0, Q = 0, G = 0, E = 0, A = 0, NS = 0;
  std::vector<int> kind, partner, port, mode, group, source;
  std::vector<double> base, mu, tau, sigma, phi, b_region, b_partner, b_port, exposure;
  std::vector<int> alt_begin, alt_series, xalt_begin, xalt_series;
  std::vector<double> alt_weight, xalt_weight;
  std::vector<int> group_port, exp_group, exp_dist_begin, exp_dist_step;
  std::vector<double> group_capacity, group_overload, exp_add, exp_dist_cum;
  std::vector<double> closure_prob, closure_lo, closure_hi;
  std::vector<double> sc_region_prob, sc_region_mean, sc_region_sd, sc_partner_prob, sc_partner_mean, sc_partner_sd,
      sc_rho, sc_closure_scale, sc_friction, sc_cross_mode, adjust;
  std::vector<int> agg_begin, agg_series; // members of each aggregate (CSR), in series order
  std::vector<double> agg_threshold; // per aggregate: P(total >= threshold) is reported (+inf: none)

  ModelView view() const; // pointers into this object's vectors
};

// Which cells of a scenario are computed from stored path values, and which
// are known without storing: the flow of an uncapacitated series is its
// demand, its unserved demand is zero, a total of one series is that series'
// flow, totals of the same series with the same threshold are one column,
// and the base year is the same on every path unless an expansion may open
// in it on some paths only (then one path gives it).
struct CellPlan {
  enum Kind : int { kStored = 0, kAlias = 1, kZero = 2, kConstant = 3 };
  std::vector<int> kind;       // per cell
  std::vector<int> alias_of;   // per cell (kAlias)
  std::vector<int> stored;     // stored cell ids, ascending
  std::vector<double> thr0, thr1; // per cell exceedance thresholds
};
CellPlan make_cell_plan(const HostModel& m, double utilization_threshold);
// Whether the base year is the same on every path (see CellPlan).
bool base_year_fixed(const HostModel& m);

struct SensitivitySpec;
struct RunConfig {
  uint64_t seed = 1;
  uint32_t paths = 10000;
  std::vector<double> probs{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
  uint64_t max_memory = 0; // bytes; 0 = backend default
  int threads = 0;         // CPU backend; 0 = all cores
  std::function<void(double)> progress; // fraction done, called from the host thread
  // the sensitivity that follows the run, if any: its memory is planned with the run's
  const SensitivitySpec* sensitivity = nullptr;
};

struct RunResult {
  int width = 0;            // stats per cell (stats_width)
  std::vector<double> stats; // [scenario][cell][width], all cells
  int passes = 0;           // simulation passes per scenario
  uint64_t cells_per_pass = 0;
  uint64_t planned_bytes = 0;
  double simulate_seconds = 0; // wall time in simulation launches (all passes)
  double stats_seconds = 0;    // wall time in statistics launches
};

// Sensitivity (MODEL.md section 6): Spearman rank correlation, over the first
// `paths` paths of each scenario, of path-level drivers with chosen responses.
// A driver is a scratch element of simulate_path read after the last year
// (see Layout): a trend growth draw, an opening year, an event count.
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

class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;        // "cpu" or "cuda"
  virtual std::string description() const = 0; // e.g. device name, threads
  virtual void run(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, RunResult& out) = 0;
  // One path of one scenario with every year's values, as in a run: the
  // scenario's cells (ModelView::cells()), then per year and capacity group
  // kGroupTrace values (see replay_group_trace), then each expansion's opening
  // year as an offset from the base year (a large number: after the horizon).
  virtual void replay(const HostModel& m, uint64_t seed, int scenario, uint32_t path, std::vector<double>& cells) = 0;
  // Served flow of paths p0..p0+count-1 of one scenario, as in a run:
  // out[((path - p0) * S + series) * Y + year].
  virtual void raw_flows(const HostModel& m, uint64_t seed, int scenario, uint64_t p0, uint32_t count,
                         std::vector<double>& out) = 0;
  // rho[(scenario * D + d) * K + k]; NaN where a driver or response is constant.
  virtual void sensitivity(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg,
                           std::vector<double>& rho) = 0;
};

// Per (year, group) in a replay: nominal capacity (with the expansions open),
// share of the year lost to a closure, capacity left, demand (load), flow.
constexpr int kGroupTrace = 5;
CORRIDOR_INLINE long long replay_group_trace(const ModelView& v, int y, int g) {
  return v.cells() + (static_cast<long long>(y) * v.G + g) * kGroupTrace;
}
CORRIDOR_INLINE long long replay_open_year(const ModelView& v, int e) {
  return v.cells() + static_cast<long long>(v.Y) * v.G * kGroupTrace + e;
}
CORRIDOR_INLINE long long replay_size(const ModelView& v) { return replay_open_year(v, v.E); }

// The CPU backend simulates with the widest of cpu_instruction_sets() ("x86-64",
// then "x86-64-v3" (AVX2) and "x86-64-v4" (AVX-512) where this CPU runs them),
// or with the one named by the environment variable CORRIDOR_CPU_ISA; all give
// the same bits. Throws std::runtime_error for one this CPU does not run.
std::unique_ptr<Backend> make_cpu_backend(int threads);
std::vector<std::string> cpu_instruction_sets();
// Throws std::runtime_error with a clear message when CUDA is not built in or
// no usable GPU is present.
std::unique_ptr<Backend> make_cuda_backend();
bool cuda_built();
bool cuda_usable(std::string* why);

// Memory plan shared by the backends: how a run spends its memory budget.
// Paths per batch (each with its scratch; tiled, the CPU's, in whole tiles
// of kLanesMax paths), cells per statistics group, stored cells per pass
// over the paths.
struct MemoryPlan {
  uint64_t batch = 0, stats_group = 0, cells_per_pass = 0, passes = 0, bytes = 0;
};
// Host bytes a run keeps until its output is written (the statistics of
// every cell, the model and its cell plan); with `host_run`, also what the
// run itself keeps on the host beside them.
uint64_t kept_bytes(const HostModel& m, const RunConfig& cfg, bool host_run);
// Bytes of a sensitivity analysis besides its scratch: its columns, sums and
// correlations (with `gpu_sort`, Thrust's sort buffers).
uint64_t sensitivity_bytes(const HostModel& m, const SensitivitySpec& spec, bool gpu_sort);
// The largest buffers of writing the output (one variable's statistics).
uint64_t output_bytes(const HostModel& m, const RunConfig& cfg);
MemoryPlan plan_memory(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, uint64_t budget,
                       uint64_t batch, uint64_t stats_group, bool tiled = false);

} // namespace corridor
