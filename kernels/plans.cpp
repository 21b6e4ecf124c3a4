#include "plans.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "stats.h"

namespace corridor {

namespace {
// Calls f(step) for each opening step of expansion e in scenario sc that
// some paths take (a positive probability: the model's draw never lands on
// a step whose cumulative probability equals the one before); returns the
// cumulative probability of them all (below 1: the other paths never open).
template <class F> double each_opening_step(const HostModel& m, int sc, int e, F&& f) {
  double prev = 0.0;
  for (int d = m.exp_dist_begin[sc * m.E + e]; d < m.exp_dist_begin[sc * m.E + e + 1]; ++d) {
    if (m.exp_dist_cum[d] > prev) f(m.exp_dist_step[d]);
    prev = m.exp_dist_cum[d];
  }
  return prev;
}
} // namespace

bool base_year_fixed(const HostModel& m) {
  for (int g = 0; g < m.G; ++g)
    if (m.group_cap_low[g] < m.group_cap_high[g]) return false; // a base capacity drawn per path
  for (int sc = 0; sc < m.NS; ++sc)
    for (int e = 0; e < m.E; ++e) {
      // an opening year of the base year on some paths, another (or none) on others
      bool base = false, other = false;
      const double all = each_opening_step(m, sc, e, [&](int step) { (step == 0 ? base : other) = true; });
      if (all < 1.0) other = true; // never, on the remaining paths
      if (base && other) return false;
    }
  return true;
}

bool base_year_unbound(const HostModel& m) {
  bool opens = false; // an expansion that may add capacity in the base year: not looked into
  for (int sc = 0; sc < m.NS; ++sc)
    for (int e = 0; e < m.E; ++e) each_opening_step(m, sc, e, [&](int step) { opens = opens || step <= 0; });
  if (opens) return false;
  for (int g = 0; g < m.G; ++g) {
    // the base year's load, added up as year_capacity adds it (series, then route order)
    double load = 0.0;
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      for (int k = m.route_begin[s]; k < m.route_begin[s + 1]; ++k)
        if (m.route_node[k] == g) load += m.base[s];
    }
    // the least base capacity a path can draw (base_capacity), no closure
    const double least = m.group_cap_low[g] < m.group_cap_high[g] ? m.group_cap_low[g] : m.group_capacity[g];
    if (!(load <= (least * (1.0 - 0.0)) * m.group_overload[g])) return false;
  }
  return true;
}

namespace {

// The kinds that hold in every scenario, before the per-scenario ones.
struct ModelPlan {
  std::vector<int> kind, alias_of;
  std::vector<double> thr0, thr1;
};

// Series cells known without storing: a load series is constrained when it
// uses capacity (has a route) or can receive diverted flow; only a series
// with capacity can have excess (unserved or diverted out), only an
// alternative of such a series, with a positive weight, can receive diverted
// flow (an alternative's weight is its share of the alternatives' base
// values: a new corridor, base 0, is offered nothing), and an unconstrained
// series' flow is its demand. A derived series follows its
// load series. The network's: only a series in a capture captures; a
// generalized cost without value of time, or along nodes without
// congestion, is the same on every path; so is the share of a market's only
// route (unless it is a new corridor); derived series have none.
void plan_series_cells(const HostModel& m, const ModelView& v, ModelPlan& p) {
  std::vector<char> capped(m.S, 0), receives(m.S, 0), captures(m.S, 0);
  for (int s = 0; s < m.S; ++s)
    if (m.kind[s] == kLoad && m.route_begin[s + 1] > m.route_begin[s]) capped[s] = 1;
  for (int s = 0; s < m.S; ++s) {
    if (!capped[s]) continue; // no excess to divert (model.h: divert_series)
    for (int k = m.alt_begin[s]; k < m.alt_begin[s + 1]; ++k)
      if (m.alt_weight[k] > 0) receives[m.alt_series[k]] = 1;
    for (int k = m.xalt_begin[s]; k < m.xalt_begin[s + 1]; ++k)
      if (m.xalt_weight[k] > 0) receives[m.xalt_series[k]] = 1;
  }
  for (int k = 0; k < m.K; ++k) captures[m.cap_from[k]] = captures[m.cor_series[m.cap_cor[k]]] = 1;
  for (int s = 0; s < m.S; ++s) {
    const int l = m.kind[s] == kLoad ? s : m.source[s];
    bool cost_fixed = true, share_fixed = false;
    if (m.kind[s] == kLoad) {
      const int mk = m.market[s];
      for (int k = m.route_begin[s]; k < m.route_begin[s + 1]; ++k)
        if (m.group_alpha[m.route_node[k]] != 0 && m.group_free_time[m.route_node[k]] != 0) cost_fixed = false;
      if (m.mk_vot[mk] == 0) cost_fixed = true;
      share_fixed = m.mk_begin[mk + 1] - m.mk_begin[mk] == 1 && m.corridor[s] < 0;
    }
    for (int y = 0; y < m.Y; ++y) {
      if (!capped[l]) {
        p.kind[v.series_cell(s, kUnserved, y)] = CellPlan::kZero;
        p.kind[v.series_cell(s, kDivertedOut, y)] = CellPlan::kZero;
      }
      if (!receives[l]) p.kind[v.series_cell(s, kDivertedIn, y)] = CellPlan::kZero;
      if (!capped[l] && !receives[l]) {
        p.kind[v.series_cell(s, kFlow, y)] = CellPlan::kAlias;
        p.alias_of[v.series_cell(s, kFlow, y)] = v.series_cell(s, kDemand, y);
      }
      if (m.kind[s] != kLoad) {
        p.kind[v.series_cell(s, kCost, y)] = p.kind[v.series_cell(s, kShare, y)] = CellPlan::kZero;
      } else {
        if (cost_fixed) p.kind[v.series_cell(s, kCost, y)] = CellPlan::kConstant;
        if (share_fixed) p.kind[v.series_cell(s, kShare, y)] = CellPlan::kConstant;
      }
      if (!captures[s]) p.kind[v.series_cell(s, kCaptured, y)] = CellPlan::kZero;
    }
  }
}

// Node cells known without storing: no free time, no node time; no
// congestion, the free time; capacity without expansions or responses and
// without a range (a base drawn per path), the base capacity.
void plan_group_cells(const HostModel& m, const ModelView& v, ModelPlan& p) {
  std::vector<char> grows(m.G, 0);
  for (int e = 0; e < m.E; ++e) grows[m.exp_group[e]] = 1;
  for (int g = 0; g < m.G; ++g) {
    if (m.resp_threshold[g] > 0 || m.group_cap_low[g] < m.group_cap_high[g]) grows[g] = 1;
    for (int y = 0; y < m.Y; ++y) {
      if (m.group_free_time[g] == 0)
        p.kind[v.group_cell(g, kWait, y)] = CellPlan::kZero;
      else if (m.group_alpha[g] == 0)
        p.kind[v.group_cell(g, kWait, y)] = CellPlan::kConstant;
      if (!grows[g]) p.kind[v.group_cell(g, kCapacity, y)] = CellPlan::kConstant;
    }
  }
}

// Exceedance thresholds of group and aggregate cells; an aggregate without
// members is zero.
void plan_thresholds(const HostModel& m, const ModelView& v, double utilization_threshold, ModelPlan& p) {
  for (int g = 0; g < m.G; ++g)
    for (int y = 0; y < m.Y; ++y) {
      p.thr0[v.group_cell(g, 0, y)] = utilization_threshold;
      p.thr0[v.group_cell(g, 1, y)] = 1.0; // indicator: P(demand > capacity)
    }
  for (int a = 0; a < m.A; ++a)
    for (int y = 0; y < m.Y; ++y) {
      p.thr0[v.agg_cell(a, y)] = m.agg_threshold[a];
      if (m.agg_begin[a + 1] == m.agg_begin[a]) p.kind[v.agg_cell(a, y)] = CellPlan::kZero;
    }
}

// An aggregate of one series is that series' flow, and aggregates of the
// same series are one column (the running sum starts at +0.0, and
// 0.0 + x == x): each is an alias of a stored cell when its exceedance
// thresholds agree with that cell's.
void plan_aggregate_aliases(const HostModel& m, const ModelView& v, ModelPlan& p) {
  auto resolve = [&](int c) { return p.kind[c] == CellPlan::kAlias ? p.alias_of[c] : c; };
  std::map<std::pair<std::vector<int>, double>, int> first; // members and threshold -> aggregate
  for (int a = 0; a < m.A; ++a) {
    const int nmem = m.agg_begin[a + 1] - m.agg_begin[a];
    if (nmem == 0) continue;
    const std::vector<int> mem(m.agg_series.begin() + m.agg_begin[a], m.agg_series.begin() + m.agg_begin[a + 1]);
    const auto key = std::make_pair(mem, m.agg_threshold[a]);
    const auto it = first.find(key);
    for (int y = 0; y < m.Y; ++y) {
      const int c = v.agg_cell(a, y);
      int src = -1;
      if (nmem == 1)
        src = resolve(v.series_cell(mem[0], kFlow, y));
      else if (it != first.end())
        src = v.agg_cell(it->second, y);
      if (src >= 0 && p.kind[src] == CellPlan::kStored && p.thr0[src] == p.thr0[c] && p.thr1[src] == p.thr1[c]) {
        p.kind[c] = CellPlan::kAlias;
        p.alias_of[c] = src;
      }
    }
    if (nmem > 1 && it == first.end()) first.emplace(key, a);
  }
}

// A node's capacity in force changes only in a year in which one of its
// expansions may open or ramp up (model.h, open_expansions: other years add
// nothing to it), in any scenario, or in which a capacity response may open
// (plan_scenario_cells). In any other year y > 0 it is, on every path and
// bit for bit, the capacity of the last year that may change it: an alias of
// that cell, or a constant with it.
void plan_capacity_aliases(const HostModel& m, const ModelView& v, ModelPlan& p) {
  for (int g = 0; g < m.G; ++g) {
    std::vector<char> moves(static_cast<size_t>(v.Y), 0);
    moves[0] = 1;
    for (int e = 0; e < m.E; ++e) {
      if (m.exp_group[e] != g) continue;
      const int ramp = m.exp_ramp_begin[e + 1] - m.exp_ramp_begin[e]; // years from opening to maturity
      for (int sc = 0; sc < m.NS; ++sc)
        each_opening_step(m, sc, e, [&](int step) {
          for (int y = std::max(step, 0); y < v.Y && y - step < ramp; ++y) moves[static_cast<size_t>(y)] = 1;
        });
    }
    int root = v.group_cell(g, kCapacity, 0);
    for (int y = 1; y < v.Y; ++y) {
      const int c = v.group_cell(g, kCapacity, y);
      if (moves[static_cast<size_t>(y)]) {
        root = c;
        continue;
      }
      if (p.kind[c] != CellPlan::kStored) continue;
      if (p.kind[root] == CellPlan::kStored) {
        p.kind[c] = CellPlan::kAlias;
        p.alias_of[c] = root;
      } else if (p.kind[root] == CellPlan::kConstant) {
        p.kind[c] = CellPlan::kConstant;
      }
    }
  }
}

// The first year offset in which expansion e may open in scenario sc (the
// smallest step with probability); Y when it never opens there.
int first_opening(const HostModel& m, int sc, int e) {
  int first = m.Y;
  each_opening_step(m, sc, e, [&](int step) { first = std::min(first, step); });
  return first;
}

// Scenario sc's cells known from the scenario's structure (CellPlan): kind
// holds the model-wide kinds and gets the scenario's. Only stored cells
// change: each rule names values that the model computes as +0.0 on every
// path (model.h: diverted_out starts at zero and only alternatives add to
// it; capture takes 0.0 before the opening year and a new corridor's own
// demand is zero) or as 0.0 and 1.0 only (the indicators).
void plan_scenario_cells(const HostModel& m, const ModelView& v, int sc, const int* alias_of, int* kind) {
  auto zero = [&](int c) {
    if (kind[c] == CellPlan::kStored) kind[c] = CellPlan::kZero;
  };
  // no alternatives in the scenario: nothing diverts out (a derived series
  // follows its load series)
  for (int s = 0; s < m.S; ++s) {
    const int l = m.kind[s] == kLoad ? s : m.source[s];
    const bool alts =
        m.alt_begin[l + 1] > m.alt_begin[l] || (m.xalt_begin[l + 1] > m.xalt_begin[l] && m.sc_cross_mode[sc] > 0.0);
    if (!alts)
      for (int y = 0; y < v.Y; ++y) zero(v.series_cell(s, kDivertedOut, y));
  }
  // before a new corridor may first open: its demand, flow, unserved and
  // diverted demand, captures and route share, what each of its captures
  // took, and what its sources lost to it
  std::vector<int> first_take(static_cast<size_t>(m.S), m.Y); // per source: the first year anything is taken
  for (int k = 0; k < m.K; ++k) {
    const int c = m.cap_cor[k], f = first_opening(m, sc, m.cor_exp[c]);
    first_take[m.cap_from[k]] = std::min(first_take[m.cap_from[k]], f);
    for (int y = 0; y < f && y < v.Y; ++y) zero(v.capture_cell(k, y));
  }
  for (int c = 0; c < m.C; ++c) {
    const int cs = m.cor_series[c], f = first_opening(m, sc, m.cor_exp[c]);
    for (int y = 0; y < f && y < v.Y; ++y)
      for (int var : {kDemand, kFlow, kUnserved, kDivertedOut, kCaptured, kShare}) zero(v.series_cell(cs, var, y));
    // and of the series derived from it (the corridor's values times an intensity)
    for (int s = 0; s < m.S; ++s)
      if (m.kind[s] == kDerived && m.source[s] == cs)
        for (int y = 0; y < f && y < v.Y; ++y)
          for (int var : {kDemand, kFlow, kUnserved, kDivertedOut}) zero(v.series_cell(s, var, y));
  }
  for (int s = 0; s < m.S; ++s)
    if (m.corridor[s] < 0)
      for (int y = 0; y < first_take[s] && y < v.Y; ++y) zero(v.series_cell(s, kCaptured, y));
  // a total whose every member's flow is known to be zero in a year (the
  // running sum starts at +0.0 and adds +0.0)
  auto known_zero = [&](int c) {
    return kind[c] == CellPlan::kZero || (kind[c] == CellPlan::kAlias && kind[alias_of[c]] == CellPlan::kZero);
  };
  for (int a = 0; a < m.A; ++a) {
    if (m.agg_begin[a] == m.agg_begin[a + 1]) continue; // zero already (plan_thresholds)
    for (int y = 0; y < v.Y; ++y) {
      bool all = true;
      for (int k = m.agg_begin[a]; k < m.agg_begin[a + 1] && all; ++k)
        all = known_zero(v.series_cell(m.agg_series[k], kFlow, y));
      if (all) zero(v.agg_cell(a, y));
    }
  }
  // a scenario with capacity responses: a node that responds may gain
  // capacity in any year, so its capacity is stored in every year, not
  // taken from an earlier year (plan_capacity_aliases: a node with a
  // response has no capacity known otherwise, plan_group_cells)
  if (m.sc_responsive[sc] > 0)
    for (int g = 0; g < m.G; ++g)
      if (m.resp_threshold[g] > 0)
        for (int y = 1; y < v.Y; ++y) {
          const int c = v.group_cell(g, kCapacity, y);
          if (kind[c] == CellPlan::kAlias || kind[c] == CellPlan::kConstant) kind[c] = CellPlan::kStored;
        }
  // the 0/1 indicators: counted
  for (int g = 0; g < m.G; ++g)
    for (int y = 0; y < v.Y; ++y)
      for (int var : {kOver, kBinding})
        if (kind[v.group_cell(g, var, y)] == CellPlan::kStored) kind[v.group_cell(g, var, y)] = CellPlan::kCount;
}

} // namespace

CellPlan make_cell_plan(const HostModel& m, double utilization_threshold) {
  const ModelView v = m.view();
  const int C = v.cells();
  ModelPlan b;
  b.kind.assign(C, CellPlan::kStored);
  b.alias_of.assign(C, -1);
  const double inf = std::numeric_limits<double>::infinity();
  b.thr0.assign(C, inf);
  b.thr1.assign(C, inf);
  plan_series_cells(m, v, b);
  plan_group_cells(m, v, b);
  plan_thresholds(m, v, utilization_threshold, b);
  plan_aggregate_aliases(m, v, b);
  // The base year is observed (MODEL.md section 3): no draw reaches it but an
  // expansion's opening year and a node's base capacity drawn in its range.
  // Without such a range, and unless some expansion may open in it on some
  // paths and not on others, its stored cells are the same on every path.
  if (base_year_fixed(m))
    for (int c = 0; c < C; ++c)
      if (b.kind[c] == CellPlan::kStored && c % v.Y == 0) b.kind[c] = CellPlan::kConstant;
  // The base year without a node that can bind: every series is served its
  // demand (the base value) on every path, nothing is unserved or diverted,
  // and the totals are sums of those flows; what varies is what depends on
  // the drawn capacity (utilisation, node time, costs, shares).
  if (base_year_unbound(m)) {
    auto set = [&](int c, int kind) {
      if (b.kind[c] == CellPlan::kStored) b.kind[c] = kind;
    };
    for (int s = 0; s < m.S; ++s) {
      for (int var : {kDemand, kFlow}) set(v.series_cell(s, var, 0), CellPlan::kConstant);
      for (int var : {kUnserved, kDivertedOut, kDivertedIn}) set(v.series_cell(s, var, 0), CellPlan::kZero);
    }
    for (int a = 0; a < m.A; ++a) set(v.agg_cell(a, 0), CellPlan::kConstant);
  }
  plan_capacity_aliases(m, v, b);
  CellPlan p;
  p.cells = C;
  p.alias_of = std::move(b.alias_of);
  p.thr0 = std::move(b.thr0);
  p.thr1 = std::move(b.thr1);
  p.kind.resize(static_cast<size_t>(m.NS) * C);
  p.stored.resize(static_cast<size_t>(m.NS));
  p.counted.resize(static_cast<size_t>(m.NS));
  for (int sc = 0; sc < m.NS; ++sc) {
    int* kind = p.kind.data() + static_cast<size_t>(sc) * C;
    std::copy(b.kind.begin(), b.kind.end(), kind);
    plan_scenario_cells(m, v, sc, p.alias_of.data(), kind);
    for (int c = 0; c < C; ++c) {
      if (kind[c] == CellPlan::kStored) p.stored[sc].push_back(c);
      if (kind[c] == CellPlan::kCount) p.counted[sc].push_back(c);
    }
  }
  return p;
}

static std::string human_bytes(double b) {
  const char* u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (b >= 1024 && i < 4) b /= 1024, ++i;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s", b, u[i]);
  return buf;
}

static uint64_t model_bytes(const HostModel& m) {
  uint64_t b = 0;
#define CORRIDOR_ARRAY_BYTES(type, name, length) b += m.name.size() * sizeof(type);
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_ARRAY_BYTES)
#undef CORRIDOR_ARRAY_BYTES
  return b + m.agg_threshold.size() * sizeof(double);
}

// The cell plan (a kind per scenario and cell, an alias and two thresholds
// per cell, each scenario's lists of stored and counted cells) and, with
// `host_run`, the run's copies of those lists by year (YearCellsOn: a column
// and an element, 12 bytes a cell).
static uint64_t plan_bytes(const CellPlan& p, bool host_run) {
  uint64_t listed = 0;
  for (const auto& s : p.stored) listed += s.size();
  for (const auto& c : p.counted) listed += c.size();
  return (p.kind.size() + p.alias_of.size()) * sizeof(int) + (p.thr0.size() + p.thr1.size()) * sizeof(double) +
         listed * (sizeof(int) + (host_run ? 12 : 0));
}

uint64_t kept_bytes(const HostModel& m, const RunConfig& cfg, bool host_run, const CellPlan* plan) {
  const uint64_t C = static_cast<uint64_t>(m.view().cells());
  const uint64_t width = static_cast<uint64_t>(stats_width(static_cast<int>(cfg.probs.size())));
  // the statistics of every cell and scenario; the model (and its copy for
  // the kernels), its cell plan (counted when given, else an allowance of 28
  // bytes a cell; the run's plan, cfg.plan, when set); the input's tables and labels (an allowance per row); the
  // program, its libraries and threads (24 MiB: a run of the default input
  // at 10 paths takes 23 MiB)
  uint64_t b = static_cast<uint64_t>(m.NS) * C * width * 8 + model_bytes(m) * (host_run ? 2 : 1) +
               (plan       ? plan_bytes(*plan, host_run)
                : cfg.plan ? plan_bytes(*cfg.plan, host_run)
                           : C * 28) +
               512ull * (m.S + m.P + m.Q + m.G + m.E + m.A + 64) + (24ull << 20);
  return b; // (plan_memory counts the run's per-cell buffers)
}

uint64_t sensitivity_bytes(const HostModel& m, const SensitivitySpec& spec, bool gpu_sort) {
  const uint64_t n = spec.paths, D = static_cast<uint64_t>(spec.D()), K = static_cast<uint64_t>(spec.K());
  if (n == 0 || D == 0 || K == 0) return 0;
  // columns, the sums (device and host), the correlations of every scenario;
  // the sorts (Thrust's buffers on the GPU, a few tasks' on the CPU); on the
  // CPU, the columns, the sums and the scratch each rounded up to whole
  // pages (host/backend_cpu.cpp, BufferAllocator), 2 MiB allowed for each
  return (D + K) * n * 8 + (D + K + D * K) * 16 + static_cast<uint64_t>(m.NS) * D * K * 8 +
         (gpu_sort ? n * 64 : n * 16 * 8 + 3 * (2ull << 20));
}

uint64_t sensitivity_fixed_bytes(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg, bool host,
                                 const CellPlan* plan) {
  return kept_bytes(m, cfg, false, plan) + (host ? model_bytes(m) : 0) + sensitivity_bytes(m, spec, !host);
}

uint64_t output_bytes(const HostModel& m, const RunConfig& cfg) {
  const uint64_t nq = cfg.probs.size(), NS = static_cast<uint64_t>(m.NS), Y = static_cast<uint64_t>(m.Y);
  // the largest variable written at once: a series variable's mean, sd, sem
  // and quantiles; the groups'; a kind of totals (at most every aggregate)
  const uint64_t series = (3 + nq) * NS * static_cast<uint64_t>(m.S) * Y * 8;
  const uint64_t groups = (3 + nq) * NS * static_cast<uint64_t>(m.G) * Y * 8;
  const uint64_t totals = (1 + nq) * NS * static_cast<uint64_t>(m.A) * Y * 8;
  return std::max({series, groups, totals}); // (the HDF5 library: in kept_bytes' 24 MiB)
}

// the bytes of a run that do not scale with paths (tiled, the CPU: with what
// the run keeps for the output, since the budget is then host memory)
static uint64_t unscaled_bytes(const HostModel& m, const ModelView& v, const RunConfig& cfg, const CellPlan& plan,
                               uint64_t nstored, bool tiled) {
  const int width = stats_width(static_cast<int>(cfg.probs.size()));
  const uint64_t kept = tiled ? kept_bytes(m, cfg, true, &plan) : 0;
  return nstored * (width * 8 * 2 + 24) + static_cast<uint64_t>(v.cells()) * 8 * 6 +
         (m.adjust.size() + 64 * (m.S + m.G + m.A + m.E + 16)) * 8 + kept;
}

// the phases after the simulation (tiled, the CPU), beside what the run
// keeps: the sensitivity (its columns and correlations, one tile of scratch)
// and the output (the correlations and the largest variable); throws when
// the budget cannot hold them, so the run is refused up front
static void check_later_phases(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, uint64_t budget,
                               uint64_t per_lane) {
  const SensitivitySpec* sp = cfg.sensitivity;
  const uint64_t sens = sp ? sensitivity_bytes(m, *sp, false) : 0;
  const uint64_t rho = sp && sens > 0 ? static_cast<uint64_t>(m.NS) * sp->D() * sp->K() * 8 : 0;
  const uint64_t kept_after = kept_bytes(m, cfg, false, &plan);
  // with the least scratch, a tile
  const uint64_t sens_all = sens > 0 ? sensitivity_fixed_bytes(m, *sp, cfg, true, &plan) + kLanesMax * per_lane : 0;
  if (sens > 0 && sens_all > budget)
    throw std::runtime_error("--max-memory " + human_bytes(static_cast<double>(budget)) +
                             " is too small for the sensitivity of " + std::to_string(sp->D()) + " drivers and " +
                             std::to_string(sp->K()) + " responses over " + std::to_string(sp->paths) +
                             " paths: at least " + human_bytes(static_cast<double>(sens_all)) +
                             " is needed (--sensitivity-paths 0: no sensitivity)");
  if (kept_after + rho + output_bytes(m, cfg) > budget)
    throw std::runtime_error("--max-memory " + human_bytes(static_cast<double>(budget)) +
                             " is too small for the output of " + std::to_string(m.S) + " series: at least " +
                             human_bytes(static_cast<double>(kept_after + rho + output_bytes(m, cfg))) + " is needed");
}

MemoryPlan plan_memory(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, uint64_t budget, uint64_t batch,
                       uint64_t stats_group, bool tiled) {
  const ModelView v = m.view();
  const Layout L(v);
  const uint64_t n = cfg.paths;
  const uint64_t nstored = plan.max_stored();
  // what does not scale with paths, then per scratch lane, per cell in a
  // statistics group and per stored cell of a pass; a short budget first
  // shrinks the statistics group, then the batch, before it fails
  const uint64_t base = unscaled_bytes(m, v, cfg, plan, nstored, tiled);
  const uint64_t per_lane = static_cast<uint64_t>(L.size) * 8;
  const uint64_t per_stats = static_cast<uint64_t>(stats_bytes_per_cell(static_cast<long long>(n)));
  const uint64_t per_cell = n * sizeof(Value); // a stored cell's values (stats.h)
  MemoryPlan mp;
  mp.batch = std::max<uint64_t>(1, std::min<uint64_t>(batch, n));
  mp.stats_group = std::max<uint64_t>(1, std::min<uint64_t>(stats_group, std::max<uint64_t>(1, nstored)));
  // every pass re-simulates all paths, so the stored cells come first: the
  // scratch of a batch and the buffers of a statistics group each take at
  // most an eighth of the budget
  // most of the budget of what is left beside what does not scale with paths
  const uint64_t avail = budget > base ? budget - base : 0;
  mp.batch = std::max<uint64_t>(1, std::min<uint64_t>(mp.batch, avail / 8 / per_lane));
  mp.stats_group = std::max<uint64_t>(1, std::min<uint64_t>(mp.stats_group, avail / 8 / per_stats));
  // tiled (the CPU): the scratch holds whole tiles of kLanesMax lanes
  auto lanes = [&] { return tiled ? static_cast<uint64_t>(tile_lanes(static_cast<long long>(mp.batch))) : mp.batch; };
  auto fixed = [&] { return base + lanes() * per_lane + mp.stats_group * per_stats; };
  auto cells_fit = [&] { return budget > fixed() ? (budget - fixed()) / per_cell : 0; };
  while (cells_fit() == 0 && (mp.stats_group > 1 || mp.batch > 1)) {
    if (mp.stats_group > 1)
      mp.stats_group = (mp.stats_group + 1) / 2;
    else
      mp.batch = (mp.batch + 1) / 2;
  }
  if (cells_fit() == 0)
    throw std::runtime_error("--max-memory " + human_bytes(static_cast<double>(budget)) + " is too small for " +
                             std::to_string(n) + " paths: at least " +
                             human_bytes(static_cast<double>(fixed() + per_cell)) + " is needed");
  if (tiled) check_later_phases(m, plan, cfg, budget, per_lane);
  mp.cells_per_pass = std::min<uint64_t>(std::max<uint64_t>(nstored, 1), cells_fit());
  mp.stats_group = std::min(mp.stats_group, mp.cells_per_pass); // a group never spans passes
  mp.passes = nstored == 0 ? 1 : (nstored + mp.cells_per_pass - 1) / mp.cells_per_pass;
  mp.bytes = fixed() + mp.cells_per_pass * per_cell;
  return mp;
}

} // namespace corridor
