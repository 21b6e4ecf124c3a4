// How a run is laid out before it starts: which cells are stored (CellPlan)
// and how the memory budget is spent (MemoryPlan). Host code, shared by the
// backends (plans.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "host_model.h"
#include "run_types.h"

namespace corridor {

// Which cells of each scenario are computed from stored path values, and
// which are known without storing: the flow of an uncapacitated series is
// its demand, its unserved demand is zero, a series that no series with
// capacity offers a positive share of its excess (a new corridor, weight 0)
// receives no diverted demand, a total of one series is that series' flow,
// totals of the same series with the same threshold are one column, a node's
// capacity in a year where none of its expansions may open or ramp up is
// that of the last year that may change it (unless the node responds in the
// scenario), and the base year is the same on every path unless an expansion
// may open in it on some paths only (then one path gives it), or but for what
// depends on a capacity drawn per path where no node can bind in it
// (base_year_unbound: its series and totals are then known). Some cells are
// known per scenario: nothing diverts out of a series without alternatives
// (cross-mode ones count where the scenario's cross_mode share is positive),
// and a new corridor takes nothing, and has no demand or flow, before the
// first year its expansion may open in the scenario (never: no year). The
// 0/1 indicators (demand over capacity, binding node) are counted, not
// stored: their mean, exceedances and quantiles follow from the count.
struct CellPlan {
  enum Kind : int { kStored = 0, kAlias = 1, kZero = 2, kConstant = 3, kCount = 4 };
  int cells = 0;                         // cells of one scenario (ModelView::cells())
  std::vector<int> kind;                 // [scenario][cell]
  std::vector<int> alias_of;             // per cell (kAlias, the same in every scenario)
  std::vector<std::vector<int>> stored;  // per scenario: stored cell ids, ascending
  std::vector<std::vector<int>> counted; // per scenario: counted cell ids, ascending
  std::vector<double> thr0, thr1;        // per cell exceedance thresholds
  int at(int sc, int c) const { return kind[static_cast<size_t>(sc) * cells + c]; }
  // the most cells any scenario stores (what the memory plan provides for)
  size_t max_stored() const {
    size_t n = 0;
    for (const auto& s : stored) n = s.size() > n ? s.size() : n;
    return n;
  }
};
CellPlan make_cell_plan(const HostModel& m, double utilization_threshold);
// Whether the base year is the same on every path (see CellPlan).
bool base_year_fixed(const HostModel& m);
// Whether no node can bind in the base year: no expansion may open in it,
// and each node's base-year load (the series' base values along their
// routes) is within the least capacity a path can draw for it times its
// overload factor. Then the base year's series and totals are the same on
// every path, though utilisation, node times and costs vary with the
// drawn capacity. (A version-2 input's validation asks the same of its
// capacity ranges, model_build.cpp; this checks the model's arrays, with
// the loads added in the simulation's order.)
bool base_year_unbound(const HostModel& m);

// Memory plan shared by the backends: how a run spends its memory budget.
// Paths per batch (each with its scratch; tiled, the CPU's, in whole tiles
// of kLanesMax paths), cells per statistics group, stored cells per pass
// over the paths.
struct MemoryPlan {
  uint64_t batch = 0, stats_group = 0, cells_per_pass = 0, passes = 0, bytes = 0;
};
// Host bytes a run keeps until its output is written (the statistics of
// every cell, the model and its cell plan: counted when `plan` is given);
// with `host_run`, also what the run itself keeps on the host beside them.
uint64_t kept_bytes(const HostModel& m, const RunConfig& cfg, bool host_run, const CellPlan* plan = nullptr);
// Bytes of a sensitivity analysis besides its scratch: its columns, sums and
// correlations (with `gpu_sort`, Thrust's sort buffers).
uint64_t sensitivity_bytes(const HostModel& m, const SensitivitySpec& spec, bool gpu_sort);
// Bytes beside the sensitivity's scratch while it runs after a run: what the
// run keeps (its cell plan counted when `plan` or cfg.plan is given), with
// `host` (the CPU) the sensitivity's own copy of the model, and its columns,
// sums and correlations. The run's plan checks it up front, the sensitivity
// sizes its scratch with it.
uint64_t sensitivity_fixed_bytes(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg, bool host,
                                 const CellPlan* plan = nullptr);
// The largest buffers of writing the output (one variable's statistics).
uint64_t output_bytes(const HostModel& m, const RunConfig& cfg);
MemoryPlan plan_memory(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, uint64_t budget, uint64_t batch,
                       uint64_t stats_group, bool tiled = false);

} // namespace corridor
