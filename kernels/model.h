// One Monte Carlo path of the connectivity model (MODEL.md sections 3 and 4),
// written once as host+device code: the steps of a year (PathStep), which the
// GPU runs path by path (simulate_path) and the CPU year by year for a tile
// of paths. Equations are cited by section.
#pragma once
#include "fmath.h"
#include "model_arrays.h"
#include "philox.h"

CORRIDOR_KERNELS_BEGIN

enum SeriesKind : int { kLoad = 0, kDerived = 1 };
// Per series and year: demand; flow served at the port (own demand served at
// home plus what arrives diverted from elsewhere); unserved demand; what is
// diverted out to other ports or modes (before friction); what arrives here.
// Then the network's: the route's generalized cost; demand captured (+ into a
// new corridor, - out of a source); the route's share of its market's demand.
enum Var : int {
  kDemand = 0,
  kFlow = 1,
  kUnserved = 2,
  kDivertedOut = 3,
  kDivertedIn = 4,
  kCost = 5,
  kCaptured = 6,
  kShare = 7
};
constexpr int kSeriesVars = 8;
// Per capacity node (group) and year: utilisation, demand-over-capacity
// indicator, node time (hours, BPR), binding indicator (the tightest node of
// some series' chain), nominal capacity in force.
enum GroupVar : int { kUtil = 0, kOver = 1, kWait = 2, kBinding = 3, kCapacity = 4 };
constexpr int kGroupVars = 5;

// Flat, pointer-only view of a model, valid on the device that owns the
// arrays (their list and meaning: model_arrays.h). No Thrust or STL types:
// both backends and the host share it.
struct ModelView {
#define CORRIDOR_VIEW_DIM(name) int name = 0;
  CORRIDOR_MODEL_DIMS(CORRIDOR_VIEW_DIM)
#undef CORRIDOR_VIEW_DIM
#define CORRIDOR_VIEW_ARRAY(type, name, length) const type* name = nullptr;
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_VIEW_ARRAY)
#undef CORRIDOR_VIEW_ARRAY

  CORRIDOR_INLINE int cells() const { return kSeriesVars * S * Y + kGroupVars * G * Y + A * Y + K * Y; }
  // Cell ids of one scenario: series-major, then groups, then aggregates.
  CORRIDOR_INLINE int series_cell(int s, int v, int y) const { return (s * kSeriesVars + v) * Y + y; }
  CORRIDOR_INLINE int group_cell(int g, int v, int y) const {
    return kSeriesVars * S * Y + (g * kGroupVars + v) * Y + y;
  }
  CORRIDOR_INLINE int agg_cell(int a, int y) const { return kSeriesVars * S * Y + kGroupVars * G * Y + a * Y + y; }
  // what capture k (a new corridor from one source) took in year y
  CORRIDOR_INLINE int capture_cell(int k, int y) const {
    return kSeriesVars * S * Y + kGroupVars * G * Y + (A + k) * Y + y;
  }
};

// Where simulate_path() keeps each per-path quantity in its scratch lane.
struct Layout {
  // per series (S elements each)
  long long log_trend;                         // load: log of the demand trend (shocks aside); derived: log intensity
  long long growth;                            // load: this year's growth, carried as momentum
  long long trend_draw;                        // the path's trend growth m_s(w) (a sensitivity driver)
  long long shock;                             // load: the decaying shock term z_s(t), <= 0
  long long dem, srv, exc, in, out, flow, uns; // demand, served at home, excess, in, out, flow, unserved
  // a year's draws and exponentials (PathStep)
  long long normal;      // one standard normal per series (idiosyncratic or intensity drift)
  long long intensity_u; // derived series' intensity uniforms (S + 1: whole Philox blocks)
  long long partner_u;   // per partner: event occurrence, severity uniforms
  long long closure_u;   // per port: closure occurrence, share-lost uniforms
  long long log_level;   // load: log demand; derived: log intensity (exp_n's input)
  long long level;       // exp(log_level): demand or intensity
  long long tmp;         // uniforms before their inverse normals (tmp_size)
  // per group (G elements each): load, capacity left after closures, share
  // lost, soft limit, used, diversion requested, share accepted, nominal
  // capacity, utilisation, demand-over-capacity indicator
  long long load, keff, lost, lim, used, req, acc, cap, util, over;
  long long agg, open, fac, pdrop; // aggregates, expansions' opening years, factor normals, partner drops
  long long cnt, pyear;            // event counts (region, partners, ports) and the last closure year per port
  // the network: per series generalized cost, net capture, market share; per
  // node time and binding indicator
  long long cost, capt, share, wait, bind;
  // per node: this year's service ratio, the years in a row above the
  // response threshold, the year an ordered response opens (-1: none), the
  // capacity responses added; per market: the base year's mean generalized cost
  long long ratio, streak, pend, added, mc0;
  long long take;     // per capture: what it took this year
  long long base_cap; // per node when GD = G: its drawn base capacity (a sensitivity driver)
  long long exp_size; // per expansion when ED = E: its drawn size (a sensitivity driver)
  // per series in a share group: the part of its growth, and of its log
  // demand, that is its deviation from the group's members; its demand
  // without that deviation (share_split)
  long long dgrowth, dev, free_level;
  long long size;
  CORRIDOR_INLINE explicit Layout(const ModelView& v) {
    const long long S = v.S, G = v.G;
    log_trend = 0;
    growth = S;
    trend_draw = 2 * S;
    shock = 3 * S;
    dem = 4 * S;
    srv = 5 * S;
    exc = 6 * S;
    in = 7 * S;
    out = 8 * S;
    flow = 9 * S;
    uns = 10 * S;
    normal = 11 * S;
    intensity_u = normal + S + 1;
    partner_u = intensity_u + S + 1;
    closure_u = partner_u + 2 * v.P;
    log_level = closure_u + 2 * v.Q;
    level = log_level + S;
    tmp = level + S;
    load = tmp + tmp_size(v);
    keff = load + G;
    lost = keff + G;
    lim = lost + G;
    used = lim + G;
    req = used + G;
    acc = req + G;
    cap = acc + G;
    util = cap + G;
    over = util + G;
    agg = over + G;
    open = agg + v.A;
    fac = open + v.E;
    pdrop = fac + 1 + v.P + v.Q;
    cnt = pdrop + v.P;
    pyear = cnt + 1 + v.P + v.Q;
    cost = pyear + v.Q;
    capt = cost + S;
    share = capt + S;
    wait = share + S;
    bind = wait + G;
    ratio = bind + G;
    streak = ratio + G;
    pend = streak + G;
    added = pend + G;
    mc0 = added + G;
    take = mc0 + v.M;
    base_cap = take + v.K;
    exp_size = base_cap + v.GD;
    dgrowth = exp_size + v.ED;
    dev = dgrowth + S;
    free_level = dev + S;
    size = free_level + S; // dimensions only: the host lays out a device's scratch too
  }
  // elements of tmp: the uniforms of every series or factor (two per Philox
  // block, so one more when odd)
  CORRIDOR_INLINE static long long tmp_size(const ModelView& v) {
    const long long n = v.S > 1 + v.P + v.Q ? v.S : 1 + v.P + v.Q;
    return n + 1;
  }
  // The element that holds cell `cell` (ModelView::series_cell, group_cell,
  // agg_cell) at the end of the cell's year; `year` receives that year.
  CORRIDOR_INLINE long long cell_elem(const ModelView& v, int cell, int& year) const {
    year = cell % v.Y;
    const int r = cell / v.Y; // series var, group var or aggregate row
    if (r < kSeriesVars * v.S) {
      const long long base[kSeriesVars] = {dem, flow, uns, out, in, cost, capt, share};
      return base[r % kSeriesVars] + r / kSeriesVars;
    }
    const int rg = r - kSeriesVars * v.S;
    if (rg < kGroupVars * v.G) {
      const long long base[kGroupVars] = {util, over, wait, bind, cap};
      return base[rg % kGroupVars] + rg / kGroupVars;
    }
    const int ra = rg - kGroupVars * v.G;
    return ra < v.A ? agg + ra : take + (ra - v.A);
  }
};

// Calls f(cell, element) for every cell of year y (Layout::cell_elem).
template <class F> CORRIDOR_HD void for_each_cell_of_year(const ModelView& v, const Layout& L, int y, F&& f) {
  const int rows = kSeriesVars * v.S + kGroupVars * v.G + v.A + v.K;
  for (int r = 0; r < rows; ++r) {
    const int cell = r * v.Y + y;
    int yy;
    f(cell, L.cell_elem(v, cell, yy));
  }
}

// Per-path scratch: element e of lane l is p[l * lane_stride + e * elem_stride],
// so a backend lays lanes out as it reads best (GPU: lane-major; CPU: a
// tile's lanes interleaved, see SimulateTile in launch.inl; path-major elsewhere).
struct Scratch {
  double* p;
  long long lane_stride, elem_stride;
  CORRIDOR_INLINE double& operator()(long long lane, long long e) const {
    return p[lane * lane_stride + e * elem_stride];
  }
  // distance between consecutive elements of a lane
  CORRIDOR_INLINE long long stride() const { return elem_stride; }
};

// Trace hook called at the end of every year with an accessor X(e) into the
// path's scratch (see Layout); replay uses it, runs pass NullTrace.
struct NullTrace {
  template <class Acc> CORRIDOR_INLINE void year(int, const Acc&) const {}
};

// One path of scenario `sc` (MODEL.md sections 3-4) in steps, each reading
// and writing the path's scratch lane (Layout):
//   path_begin    per-path draws and the state of the base year;
//   year_draws    the random numbers of year y > 0 into their regions;
//   year_growth   shocks and the growth step: the exponents of demand and of
//                 derived series' intensities (regional_shock, partner_shocks,
//                 load_growth, derived_intensity);
//   year_exps     their exponentials;
//   year_flows    demand, capacity, service, diversion, derived series,
//                 utilisation (load_demand, year_capacity, serve_pro_rata,
//                 divert, load_results, derived_series, utilisation);
//   year_totals   the aggregates;
//   year_end      out.year(y, X) and trace.year(y, X), where X(e) reads
//                 scratch element e (Layout::cell_elem names the cells).
// PathStep<W> runs W paths side by side: paths path .. path + W - 1 in lanes
// lane .. lane + W - 1, each step's arithmetic written once as a loop over
// the W lanes (CORRIDOR_LANES) with selects where the paths may differ and
// branches only where the model's data decides (a series' kind, a group).
// simulate_path() runs one path (W = 1: the GPU, one path per thread). The
// CPU runs a tile of kLanesMax paths with W = kLanesMax over interleaved
// scratch (lane_stride 1, elem_stride W), so that element e of all W paths
// is one row R(e) that the loops vectorise across; its draws and
// exponentials are array passes over whole rows. Every lane computes the
// same numbers in the same order as a path run alone, bit for bit
// (Model.LaneFormsEqualPathSteps).
// Paths a CPU tile runs side by side: a row is four AVX-512 vectors, and
// each stored cell leaves a tile as 256 adjacent bytes of its column (the
// choice among 8, 16, 32 and 64 is measured in docs/PERFORMANCE.md).
constexpr int kLanesMax = 32;
// Scratch lanes of the whole CPU tiles that hold n paths.
CORRIDOR_INLINE long long tile_lanes(long long n) { return (n + kLanesMax - 1) / kLanesMax * kLanesMax; }
// The draws of a year y > 0 (MODEL.md section 3), through three callbacks:
// uni(purpose, n, region, b0) writes the uniforms of Philox blocks b0, b0 +
// 1, ... of `purpose` up to element n (two per block: elements 2 b0 to
// 2 ceil(n / 2) - 1) from scratch element `region` on, nrm(from, to, n) the
// inverse normals of n of them, and copy(from, to) one element. Factor
// normals go to fac, partner-event uniforms to partner_u (block p:
// occurrence, severity), closure uniforms to closure_u (block q: occurrence,
// fraction lost), and one normal per series to normal: the idiosyncratic draw
// of a load series, the intensity drift of a derived one (their uniforms
// gathered in tmp first, the intensities' through intensity_u), so no normal
// is computed that the year does not use. Series s's uniform of either kind
// is word pair s % 2 of block s / 2; a block whose two series are both of the
// other kind is not drawn (the draws of the rest stay the same).
template <class U, class N, class C>
CORRIDOR_HD void year_draw_plan(const ModelView& m, const Layout& L, U&& uni, N&& nrm, C&& copy) {
  uni(kFactor, 1 + m.P + m.Q, L.tmp, 0);
  nrm(L.tmp, L.fac, 1 + m.P + m.Q);
  uni(kPartnerEvent, 2 * m.P, L.partner_u, 0);
  if (m.G > 0) uni(kClosure, 2 * m.Q, L.closure_u, 0);
  // the blocks with a series of `kind`
  auto series_blocks = [&](uint32_t purpose, int kind, long long region) {
    for (int b = 0; 2 * b < m.S; ++b)
      if (m.kind[2 * b] == kind || (2 * b + 1 < m.S && m.kind[2 * b + 1] == kind))
        uni(purpose, 2 * b + 2 < m.S ? 2 * b + 2 : m.S, region, b);
  };
  series_blocks(kIdiosyncratic, kLoad, L.tmp);
  series_blocks(kIntensity, kDerived, L.intensity_u); // none without derived series
  for (int i = 0; i < m.S; ++i)
    if (m.kind[i] == kDerived) copy(L.intensity_u + i, L.tmp + i);
  nrm(L.tmp, L.normal, m.S);
}
// The quantile function of the triangular distribution (low a, mode c, high
// b; a <= c <= b, a < b) at u in (0, 1): IEEE arithmetic and sqrt only, so
// CPU and GPU draw alike; within [a, b] whatever the rounding.
CORRIDOR_INLINE double triangular_quantile(double u, double a, double c, double b) {
  const double w = b - a, fc = (c - a) / w;
  const double x = u < fc ? a + fm::sqrt(u * w * (c - a)) : b - fm::sqrt((1.0 - u) * w * (b - c));
  return x < a ? a : (x > b ? b : x);
}
template <int W = 1> struct PathStep {
  static_assert(W >= 1 && W <= kLanesMax, "lanes of a step");
  const ModelView& m;
  Rng rng;
  int sc;
  uint32_t path; // of lane 0; lane j runs path + j
  const Scratch& scr;
  long long lane;
  Layout L;
  CORRIDOR_INLINE PathStep(const ModelView& m_, uint64_t seed, int sc_, uint32_t path_, const Scratch& scr_,
                           long long lane_)
      : m(m_), rng(seed), sc(sc_), path(path_), scr(scr_), lane(lane_), L(m_) {}
  // element e of lane 0 (W = 1: the path's X(e)); with W > 1 the W lanes'
  // elements e are adjacent, R(e)[j] (scr.lane_stride == 1)
  CORRIDOR_INLINE double* R(long long e) const { return &scr(lane, e); }
  CORRIDOR_INLINE double& X(long long e) const { return scr(lane, e); }
  CORRIDOR_INLINE uint32_t path_of(int j) const { return path + static_cast<uint32_t>(j); }

  // log_trend0: the initial log trends of another path (element stride
  // scr.stride()) to copy instead of computing them: they depend on the
  // model alone, and a CPU tile computes them once for its paths;
  // state_zeroed: the elements from L.cost on and the totals are already 0
  // (a CPU tile clears its rows at once)
  CORRIDOR_HD void path_begin(const double* log_trend0 = nullptr, bool state_zeroed = false) const {
    static_assert(W == 1, "one path at a time");
    const int S = m.S, P = m.P, Q = m.Q;
    const long long st = scr.stride();
    // trend uncertainty m_s(w) (section 3) and expansion opening years (section 4)
    uniforms_n(rng, path, 0, kTrend, S, &X(L.tmp), st);
    fm::inv_normal_n(&X(L.tmp), &X(L.normal), S, st);
    for (int s = 0; s < S; ++s) X(L.trend_draw + s) = m.mu[s] + m.tau[s] * share_deviation(s, &X(L.normal), st);
    for (int e = 0; e < m.E; ++e) {
      const U32x4 b = rng.block(path, 0, kExpansion, static_cast<uint32_t>(e));
      const double u = u01_open(b.v[0], b.v[1]);
      const int d0 = m.exp_dist_begin[sc * m.E + e], d1 = m.exp_dist_begin[sc * m.E + e + 1];
      int step = 1 << 30; // never, unless the distribution says otherwise
      for (int d = d0; d < d1; ++d)
        if (u <= m.exp_dist_cum[d]) {
          step = m.exp_dist_step[d];
          break;
        }
      X(L.open + e) = step;
    }
    for (int s = 0; s < S; ++s) {
      if (log_trend0) {
        X(L.log_trend + s) = log_trend0[s * st];
        if (m.kind[s] == kLoad) X(L.growth + s) = X(L.trend_draw + s);
      } else if (m.kind[s] == kLoad) {
        X(L.log_trend + s) = m.base[s] > 0 ? fm::log(m.base[s]) : 0.0; // a new corridor has no demand of its own
        X(L.growth + s) = X(L.trend_draw + s);                         // momentum starts neutral
      } else {
        // log intensity: base value over the load series'; a load series
        // that starts at 0 (a new corridor) has none, and base holds the
        // intensity the input states (model_build.cpp, assemble_series)
        const double b0 = m.base[m.source[s]];
        X(L.log_trend + s) = fm::log(b0 > 0 ? m.base[s] / b0 : m.base[s]);
      }
      X(L.shock + s) = 0.0;
    }
    for (int g = 0; g < m.G; ++g) X(L.cap + g) = base_capacity(g);
    for (int k = 0; k < 1 + P + Q; ++k) X(L.cnt + k) = 0.0; // sensitivity drivers
    for (int q = 0; q < Q; ++q) X(L.pyear + q) = -1.0;
    if (!state_zeroed) {
      for (long long e = L.cost; e < L.size; ++e) X(e) = 0.0; // the network's per-path state
      for (int a = 0; a < m.A; ++a) X(L.agg + a) = 0.0;       // totals without members stay 0 (year_totals)
    }
    for (int g = 0; g < m.G; ++g) X(L.pend + g) = -1.0;
    for (int s = 0; s < S; ++s) X(L.dgrowth + s) = X(L.trend_draw + s) - m.mu[s]; // its share of the momentum
    for (int g = 0; g < m.GD; ++g) X(L.base_cap + g) = X(L.cap + g);
    for (int e = 0; e < m.ED; ++e) X(L.exp_size + e) = expansion_size(e);
  }

  // ---- node g's base capacity (section 4.1): where its sources disagree
  // (low < high), drawn once per path from the triangular distribution (low,
  // mode = the capacity, high) on its own Philox stream (path, node), so the
  // path has the same base in every scenario and year and no other draw
  // changes; else the capacity itself. Expansions and responses add to it ----
  CORRIDOR_INLINE double base_capacity(int g) const {
    const double a = m.group_cap_low[g], c = m.group_capacity[g], b = m.group_cap_high[g];
    if (!(a < b)) return c;
    const U32x4 blk = rng.block(path, 0, kBaseCapacity, static_cast<uint32_t>(g));
    return triangular_quantile(u01_open(blk.v[0], blk.v[1]), a, c, b);
  }

  // ---- expansion e's size, the capacity it adds at maturity (section 4.1):
  // where its sources disagree (low < high), drawn once per path from the
  // triangular distribution (low, mode = capacity_add, high) on its own
  // Philox stream (path, expansion), so the path has the same size in every
  // scenario and year and no other draw changes; else capacity_add itself ----
  CORRIDOR_INLINE double expansion_size(int e) const {
    const double a = m.exp_add_low[e], c = m.exp_add[e], b = m.exp_add_high[e];
    if (!(a < b)) return c;
    const U32x4 blk = rng.block(path, 0, kExpansionSize, static_cast<uint32_t>(e));
    return triangular_quantile(u01_open(blk.v[0], blk.v[1]), a, c, b);
  }

  // Year y > 0: year_draw_plan's draws. W > 1 (the CPU): each is one pass
  // over the blocks of all lanes, into rows.
  CORRIDOR_HD void year_draws(int y) const {
    const uint32_t ys = static_cast<uint32_t>(y);
    if constexpr (W == 1) {
      const long long st = scr.stride();
      year_draw_plan(
          m, L,
          [&](uint32_t purpose, int n, long long region, int b0) {
            uniforms_n(rng, path, ys, purpose, n, &X(region), st, b0);
          },
          [&](long long from, long long to, int n) { fm::inv_normal_n(&X(from), &X(to), n, st); },
          [&](long long from, long long to) { X(to) = X(from); });
    } else {
#if !defined(__CUDA_ARCH__)
      year_draw_plan(
          m, L,
          [&](uint32_t purpose, int n, long long region, int b0) {
            uniforms_rows<W>(rng, path, ys, purpose, n, R(region), b0);
          },
          [&](long long from, long long to, int n) { fm::inv_normal_n(R(from), R(to), n * W, 1); },
          [&](long long from, long long to) {
            for (int j = 0; j < W; ++j) R(to)[j] = R(from)[j];
          });
#endif
    }
  }

  // Shocks and growth (section 3): log_level[i] is load series i's log demand or
  // derived series i's log intensity (1.0 for load series in the base year,
  // which is observed).
  CORRIDOR_HD void year_growth(int y) const {
    if (y > 0) {
      // shock events (rare: branches per lane): regional, then one per
      // partner; log drops >= 0
      double jr[W];
      regional_shock(y, jr);
      partner_shocks();
      load_growth(y, jr);
    }
    derived_intensity(y);
  }

  // Series s's standard normal among the normals z (element t at z[t * st]):
  // its own, or in a share group its deviation from the members' mean,
  // rescaled to unit variance (model_arrays.h, share_*).
  CORRIDOR_INLINE double share_deviation(int s, const double* z, long long st) const {
    const int b = m.share_begin[s], e = m.share_begin[s + 1];
    if (b == e) return z[s * st];
    double mean = 0.0;
    for (int k = b; k < e; ++k) mean += m.share_weight[k] * z[m.share_series[k] * st];
    return (z[s * st] - mean) * m.share_scale[s];
  }

  // The regional shock event of year y > 0 per lane: jr[j] its log drop (0
  // when none), and the region's event count.
  CORRIDOR_INLINE void regional_shock(int y, double* jr) const {
    const uint32_t ys = static_cast<uint32_t>(y);
    double ur[2 * W]; // the regional block's two uniforms: occurrence, severity
    if constexpr (W == 1) {
      const U32x4 b = rng.block(path, ys, kRegionEvent, 0);
      ur[0] = u01_open(b.v[0], b.v[1]);
      ur[1] = u01_open(b.v[2], b.v[3]);
    } else {
#if !defined(__CUDA_ARCH__)
      uniforms_rows<W>(rng, path, ys, kRegionEvent, 2, ur);
#endif
    }
    double* cr = R(L.cnt);
    for (int j = 0; j < W; ++j) {
      jr[j] = 0.0;
      if (ur[j] < m.sc_region_prob[sc]) {
        const double sev = m.sc_region_mean[sc] + m.sc_region_sd[sc] * fm::inv_normal(ur[W + j]);
        jr[j] = sev > 0 ? sev : 0.0;
        cr[j] += 1.0;
      }
    }
  }

  // Each partner's shock event of the year: its log drop into pdrop, and its
  // event count.
  CORRIDOR_INLINE void partner_shocks() const {
    for (int p = 0; p < m.P; ++p) {
      const double* u = R(L.partner_u + 2 * p);
      const double* us = R(L.partner_u + 2 * p + 1);
      double* cp = R(L.cnt + 1 + p);
      double* drop = R(L.pdrop + p);
      for (int j = 0; j < W; ++j) {
        double jp = 0.0;
        if (u[j] < m.sc_partner_prob[sc]) {
          const double sev = m.sc_partner_mean[sc] + m.sc_partner_sd[sc] * fm::inv_normal(us[j]);
          jp = sev > 0 ? sev : 0.0;
          cp[j] += 1.0;
        }
        drop[j] = jp;
      }
    }
  }

  // The growth step of load series in year y > 0: common factors F^R, F^C
  // (partners), F^P (ports) and e_s(t), momentum, and the decaying shocks.
  CORRIDOR_INLINE void load_growth(int y, const double* jr) const {
    const int S = m.S, P = m.P;
    const double rho = m.sc_rho[sc];
    const double* adj = m.adjust + (static_cast<long long>(sc) * S) * m.Y;
    const double* fr = R(L.fac);
    for (int i = 0; i < S; ++i) {
      if (m.kind[i] != kLoad) continue;
      const double a = adj[static_cast<long long>(i) * m.Y + y], phi = m.phi[i], br = m.b_region[i],
                   bp = m.b_partner[i], bq = m.b_port[i], sg = m.sigma[i], ex = m.exposure[i];
      const double* fp = R(L.fac + 1 + m.partner[i]);
      const double* fq = R(L.fac + 1 + P + m.port[i]);
      const double* drop = R(L.pdrop + m.partner[i]);
      const double* mm = R(L.trend_draw + i);
      const double* e = R(L.normal + i);
      double ed[W]; // in a share group: the deviations from the group's mean (share_deviation)
      const int sb = m.share_begin[i], se = m.share_begin[i + 1];
      if (sb < se) {
        for (int j = 0; j < W; ++j) ed[j] = 0.0;
        for (int k = sb; k < se; ++k) {
          const double w = m.share_weight[k];
          const double* et = R(L.normal + m.share_series[k]);
          for (int j = 0; j < W; ++j) ed[j] += w * et[j];
        }
        const double sc = m.share_scale[i];
        for (int j = 0; j < W; ++j) ed[j] = (e[j] - ed[j]) * sc;
        e = ed;
      }
      double* gr = R(L.growth + i);
      double* log_trend = R(L.log_trend + i);
      double* z = R(L.shock + i);
      double* log_level = R(L.log_level + i);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        const double mi = mm[j];
        const double g = mi + phi * (gr[j] - mi) + br * fr[j] + bp * fp[j] + bq * fq[j] + sg * e[j];
        gr[j] = g;
        log_trend[j] += g + a; // the adjustment adds to this year's growth, not to the momentum
        z[j] = rho * z[j] - ex * (jr[j] + drop[j]);
        log_level[j] = log_trend[j] + z[j];
      }
      if (sb < se) { // the deviation's part of the growth above, and its sum
        double* dg = R(L.dgrowth + i);
        double* dev = R(L.dev + i);
        const double mu = m.mu[i];
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          const double dm = mm[j] - mu;
          const double d = dm + phi * (dg[j] - dm) + sg * e[j];
          dg[j] = d;
          dev[j] += d;
        }
      }
    }
  }

  // Derived series' log intensities (their drift in years y > 0), and the
  // observed base year of load series.
  CORRIDOR_INLINE void derived_intensity(int y) const {
    for (int i = 0; i < m.S; ++i) {
      double* log_level = R(L.log_level + i);
      double* log_trend = R(L.log_trend + i);
      if (m.kind[i] == kLoad) {
        if (y == 0)
          for (int j = 0; j < W; ++j) log_level[j] = 1.0; // the base year is observed
        continue;
      }
      const double mu = m.mu[i], sg = m.sigma[i];
      const double* zd = R(L.normal + i); // the intensity's normal
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        if (y > 0) log_trend[j] += mu + sg * zd[j];
        log_level[j] = log_trend[j];
      }
    }
  }

  CORRIDOR_HD void year_exps() const {
    fm::exp_n(R(L.log_level), R(L.level), m.S * W, W == 1 ? scr.stride() : 1); // W > 1: whole rows
    if (m.share_begin[m.S] > 0) share_split();
  }

  // Share groups (section 3): the members' demands split the group's total
  // without their deviations, in proportion to their demands with them.
  // A member's demand is then at most that total, however far its
  // deviation goes, and the deviations move demand between members rather
  // than add to it; small deviations pass almost unchanged.
  CORRIDOR_INLINE void share_split() const {
    for (int i = 0; i < m.S; ++i) {
      const int sb = m.share_begin[i], se = m.share_begin[i + 1];
      if (sb == se || m.share_series[sb] != i) continue; // the group's first member splits it
      double total[W], with[W];
      for (int j = 0; j < W; ++j) total[j] = with[j] = 0.0;
      for (int k = sb; k < se; ++k) {
        const int s = m.share_series[k];
        const double* lx = R(L.log_level + s);
        const double* dev = R(L.dev + s);
        const double* lv = R(L.level + s);
        double* fl = R(L.free_level + s);
        for (int j = 0; j < W; ++j) {
          fl[j] = fm::exp(lx[j] - dev[j]);
          total[j] += fl[j];
          with[j] += lv[j];
        }
      }
      for (int k = sb; k < se; ++k) {
        double* lv = R(L.level + m.share_series[k]);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) lv[j] *= total[j] / with[j];
      }
    }
  }

  // Year y's flows (section 4), in stages: demand, capacity, pro-rata
  // service, diversion, results and derived series, utilisation.
  CORRIDOR_HD void year_flows(int y) const {
    load_demand(y);
    if (y > 0) {
      capture(y);
      route_choice();
    }
    year_capacity(y);
    const bool any_excess = serve_pro_rata();
    if (any_excess) divert(); // nothing to divert: skip
    load_results();
    derived_series();
    utilisation();
    network_costs(y);
    if (m.sc_responsive[sc] > 0) respond(y);
  }

  // ---- capture (section 4.2): each open new corridor takes its share of
  // its sources' demand, in the captures' (topological) order. Share at
  // equal cost kappa, by a binary logit on last year's generalized costs
  // when route choice is on; times the ramp-up of the corridor's expansion ----
  CORRIDOR_INLINE void capture(int y) const {
    if (m.K == 0) return;
    for (int k = 0; k < m.K; ++k) {
      double* a = R(L.capt + m.cap_from[k]);
      double* b = R(L.capt + m.cor_series[m.cap_cor[k]]);
      double* t = R(L.take + k);
      for (int j = 0; j < W; ++j) a[j] = b[j] = t[j] = 0.0;
    }
    const double yd = y;
    const bool choice = m.sc_route_choice[sc] > 0;
    for (int k = 0; k < m.K; ++k) {
      const int c = m.cap_cor[k], cs = m.cor_series[c], e = m.cor_exp[c], s = m.cap_from[k];
      const int r0 = m.exp_ramp_begin[e], rn = m.exp_ramp_begin[e + 1] - r0;
      const double kappa = m.cap_share[k];
      const double theta = choice ? m.mk_scale[m.market[cs]] : 0.0;
      const bool logit = theta > 0 && kappa < 1;
      const double* open = R(L.open + e);
      double* ds = R(L.dem + s);
      double* dc = R(L.dem + cs);
      double* ks = R(L.capt + s);
      double* kc = R(L.capt + cs);
      double* tk = R(L.take + k);
      double p[W];
      bool any_open = false;
      for (int j = 0; j < W; ++j) any_open |= yd >= open[j];
      if (!any_open) continue; // nothing to take on any lane
      if (logit) {             // p = kappa / (kappa + (1 - kappa) e^{(C_c - C_s) / theta}), costs of last year
        const double* cost_c = R(L.cost + cs);
        const double* cost_s = R(L.cost + s);
        double x[W];
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          const double d = (cost_c[j] - cost_s[j]) / theta;
          x[j] = d > 700 ? 700 : (d < -700 ? -700 : d);
        }
        fm::exp_n(x, p, W, 1);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) p[j] = kappa / (kappa + (1.0 - kappa) * p[j]);
      } else {
        for (int j = 0; j < W; ++j) p[j] = kappa;
      }
      for (int j = 0; j < W; ++j) {
        const double age = yd - open[j];
        const int a = age < 0 ? 0 : (age >= rn ? rn - 1 : static_cast<int>(age));
        const double take = age < 0 ? 0.0 : m.exp_ramp[r0 + a] * p[j] * ds[j]; // nothing before it opens
        ds[j] -= take;
        dc[j] += take;
        ks[j] -= take;
        kc[j] += take;
        tk[j] = take;
      }
    }
  }

  // ---- route choice (section 4.3): each market's demand splits across its
  // routes by a pivot-point logit on last year's congestion cost, and the
  // market's demand responds to its mean generalized cost against the base
  // year's with an elasticity. Off unless the scenario turns it on. The
  // routes' share rows hold their logit weights meanwhile (network_costs
  // writes the shares at the end of the year) ----
  CORRIDOR_INLINE void route_choice() const {
    if (!(m.sc_route_choice[sc] > 0)) return;
    for (int mk = 0; mk < m.M; ++mk) {
      const int b = m.mk_begin[mk], e = m.mk_begin[mk + 1];
      const double theta = m.mk_scale[mk], eps = m.mk_elasticity[mk], vot = m.mk_vot[mk];
      const bool logit = theta > 0 && vot > 0 && e - b >= 2, elastic = eps != 0;
      if (!logit && !elastic) continue;
      double total[W], den[W];
      if (logit) {
        for (int j = 0; j < W; ++j) total[j] = den[j] = 0.0;
        for (int k = b; k < e; ++k) {
          const int r = m.mk_series[k];
          double x[W]; // -VOT x congestion / theta: the time the chain's nodes took last year above their free time
          for (int j = 0; j < W; ++j) x[j] = 0.0;
          for (int n = m.route_begin[r]; n < m.route_begin[r + 1]; ++n) {
            const int g = m.route_node[n];
            const double t0 = m.group_free_time[g];
            const double* w = R(L.wait + g);
            CORRIDOR_LANES
            for (int j = 0; j < W; ++j) x[j] += w[j] - t0;
          }
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) x[j] = -vot * x[j] / theta;
          double* wt = R(L.share + r);
          fm::exp_n(x, wt, W, 1);
          const double* d = R(L.dem + r);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) {
            total[j] += d[j];
            den[j] += d[j] * wt[j];
          }
        }
        for (int k = b; k < e; ++k) {
          const int r = m.mk_series[k];
          const double* wt = R(L.share + r);
          double* d = R(L.dem + r);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) d[j] = den[j] > 0 ? total[j] * (d[j] * wt[j]) / den[j] : d[j];
        }
      }
      if (elastic) {
        const double* c0 = R(L.mc0 + mk);
        double weighted[W], ratio[W], f[W];
        market_sums(mk, total, weighted);
        bool any = false;
        for (int j = 0; j < W; ++j) {
          const bool on = (c0[j] > 0) & (total[j] > 0) & (weighted[j] > 0);
          ratio[j] = on ? weighted[j] / total[j] / c0[j] : 1.0;
          any |= on;
        }
        if (!any) continue;
        fm::log_n(ratio, f, W, 1);
        for (int j = 0; j < W; ++j) ratio[j] = eps * f[j];
        fm::exp_n(ratio, f, W, 1);
        for (int k = b; k < e; ++k) {
          double* d = R(L.dem + m.mk_series[k]);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) d[j] *= f[j];
        }
      }
    }
  }

  // Market mk's demand (total) and its demand-weighted generalized cost
  // (weighted), per lane, summed in the market's series order.
  CORRIDOR_INLINE void market_sums(int mk, double* total, double* weighted) const {
    for (int j = 0; j < W; ++j) total[j] = weighted[j] = 0.0;
    for (int k = m.mk_begin[mk]; k < m.mk_begin[mk + 1]; ++k) {
      const double* d = R(L.dem + m.mk_series[k]);
      const double* c = R(L.cost + m.mk_series[k]);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        total[j] += d[j];
        weighted[j] += d[j] * c[j];
      }
    }
  }

  // ---- after the year's flows: node times (BPR), each load series'
  // generalized cost and share of its market, and the base year's mean cost
  // per market ----
  CORRIDOR_INLINE void network_costs(int y) const {
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const double vot = m.mk_vot[m.market[s]], c = m.cost[s], t = m.time[s];
      double* cost = R(L.cost + s);
      for (int j = 0; j < W; ++j) cost[j] = t;
      for (int k = m.route_begin[s]; k < m.route_begin[s + 1]; ++k) {
        const double* w = R(L.wait + m.route_node[k]);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) cost[j] += w[j];
      }
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) cost[j] = c + vot * cost[j];
    }
    for (int mk = 0; mk < m.M; ++mk) {
      const int b = m.mk_begin[mk], e = m.mk_begin[mk + 1];
      double total[W], weighted[W];
      market_sums(mk, total, weighted);
      for (int k = b; k < e; ++k) {
        const double* d = R(L.dem + m.mk_series[k]);
        double* sh = R(L.share + m.mk_series[k]);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) sh[j] = total[j] > 0 ? d[j] / total[j] : 0.0;
      }
      if (y == 0) {
        double* c0 = R(L.mc0 + mk);
        for (int j = 0; j < W; ++j) c0[j] = total[j] > 0 ? weighted[j] / total[j] : 0.0;
      }
    }
  }

  // ---- capacity response (section 4.4): a node above its threshold for
  // resp_years years in a row orders an expansion, which opens after a lag
  // drawn for (path, year, node), one at a time, up to its cap ----
  CORRIDOR_INLINE void respond(int y) const {
    for (int g = 0; g < m.G; ++g) {
      const double thr = m.resp_threshold[g];
      if (!(thr > 0)) continue;
      const double size = m.resp_size[g], cap = m.resp_cap[g];
      const double* util = R(L.util + g);
      double* streak = R(L.streak + g);
      double* pend = R(L.pend + g);
      const double* added = R(L.added + g);
      for (int j = 0; j < W; ++j) {
        streak[j] = util[j] > thr ? streak[j] + 1.0 : 0.0;
        if (streak[j] >= m.resp_years[g] && pend[j] < 0 && added[j] + size <= cap * (1 + 1e-12)) {
          const U32x4 blk = rng.block(path_of(j), static_cast<uint32_t>(y), kResponse, static_cast<uint32_t>(g));
          const double u = u01_open(blk.v[0], blk.v[1]);
          int lag = m.resp_lag_step[m.resp_lag_begin[g + 1] - 1];
          for (int d = m.resp_lag_begin[g]; d < m.resp_lag_begin[g + 1]; ++d)
            if (u <= m.resp_lag_cum[d]) {
              lag = m.resp_lag_step[d];
              break;
            }
          pend[j] = y + lag;
          streak[j] = 0.0;
        }
      }
    }
  }

  // ---- demand of load series (section 3); the base year is observed ----
  CORRIDOR_INLINE void load_demand(int y) const {
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      double* dem = R(L.dem + s);
      const double* ex = R(L.level + s);
      const bool own = m.base[s] > 0; // a new corridor's demand is all captured
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) dem[j] = y == 0 ? m.base[s] : (own ? ex[j] : 0.0);
    }
  }

  // ---- capacity this year: expansions and closures (section 4), and each
  // group's load ----
  CORRIDOR_INLINE void year_capacity(int y) const {
    for (int g = 0; g < m.G; ++g) {
      double* load = R(L.load + g);
      double* used = R(L.used + g);
      double* req = R(L.req + g);
      for (int j = 0; j < W; ++j) load[j] = used[j] = req[j] = 0.0;
    }
    open_expansions(y);
    if (m.sc_responsive[sc] > 0) open_responses(y);
    for (int g = 0; g < m.G; ++g) group_closure(y, g);
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const double* dem = R(L.dem + s);
      for (int k = m.route_begin[s]; k < m.route_begin[s + 1]; ++k) {
        double* load = R(L.load + m.route_node[k]);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) load[j] += dem[j];
      }
    }
  }

  // Expansions add to their node's nominal capacity from their opening year,
  // by the steps of their ramp-up (one step of the whole size when the ramp
  // is "1"); the size is capacity_add, or the path's draw in its range (ED = E).
  CORRIDOR_INLINE void open_expansions(int y) const {
    const double yd = y;
    for (int e = 0; e < m.E; ++e) {
      const double add = m.exp_add[e];
      const int r0 = m.exp_ramp_begin[e], rn = m.exp_ramp_begin[e + 1] - r0;
      const double* open = R(L.open + e);
      const double* drawn = m.ED > 0 ? R(L.exp_size + e) : nullptr; // per lane
      double* cap = R(L.cap + m.exp_group[e]);
      if (rn == 1) {
        const double whole = m.exp_ramp[r0];
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          const double size = drawn ? drawn[j] : add;
          cap[j] = open[j] == yd ? cap[j] + size * whole : cap[j];
        }
        continue;
      }
      for (int j = 0; j < W; ++j) {
        const double age = yd - open[j];
        if (age < 0 || age >= rn) continue; // not open, or mature
        const int a = static_cast<int>(age);
        const double step = m.exp_ramp[r0 + a] - (a > 0 ? m.exp_ramp[r0 + a - 1] : 0.0);
        cap[j] += (drawn ? drawn[j] : add) * step;
      }
    }
  }

  // Capacity responses ordered earlier open in year y.
  CORRIDOR_INLINE void open_responses(int y) const {
    const double yd = y;
    for (int g = 0; g < m.G; ++g) {
      if (!(m.resp_threshold[g] > 0)) continue;
      const double size = m.resp_size[g];
      double* cap = R(L.cap + g);
      double* pend = R(L.pend + g);
      double* added = R(L.added + g);
      for (int j = 0; j < W; ++j)
        if (pend[j] == yd) {
          cap[j] += size;
          added[j] += size;
          pend[j] = -1.0;
        }
    }
  }

  // Group g's capacity left after its port's closure in year y (none in the
  // base year), its soft limit, and the port's closure count.
  CORRIDOR_INLINE void group_closure(int y, int g) const {
    const double yd = y;
    const double over = m.group_overload[g];
    const double* cap = R(L.cap + g);
    double* keff = R(L.keff + g);
    double* lost = R(L.lost + g);
    double* lim = R(L.lim + g);
    if (y == 0) {
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        keff[j] = cap[j] * (1.0 - 0.0);
        lost[j] = 0.0;
        lim[j] = keff[j] * over;
      }
      return;
    }
    const int q = m.group_port[g];
    const double pc = m.closure_prob[q] * m.sc_closure_scale[sc];
    const double lo = m.closure_lo[q], span = m.closure_hi[q] - m.closure_lo[q];
    const double* u = R(L.closure_u + 2 * q);
    const double* uf = R(L.closure_u + 2 * q + 1);
    double* pyear = R(L.pyear + q);
    double* cnt = R(L.cnt + 1 + m.P + q);
    CORRIDOR_LANES
    for (int j = 0; j < W; ++j) {
      const bool closed = u[j] < pc;
      const double l = closed ? lo + span * uf[j] : 0.0;
      const bool first = closed & (pyear[j] != yd); // one closure per port and year, whatever its groups
      pyear[j] = first ? yd : pyear[j];
      cnt[j] = first ? cnt[j] + 1.0 : cnt[j];
      keff[j] = cap[j] * (1.0 - l);
      lost[j] = l;
      lim[j] = keff[j] * over;
    }
  }

  // ---- pro-rata service (section 4.1): each node serves the share
  // ratio = min(1, limit / load) of what reaches it, and a series is served
  // its demand times the smallest ratio along its chain, whose node binds it.
  // Whether any lane of any load series has an excess ----
  CORRIDOR_INLINE bool serve_pro_rata() const {
    for (int g = 0; g < m.G; ++g) {
      const double* load = R(L.load + g);
      const double* lim = R(L.lim + g);
      double* ratio = R(L.ratio + g);
      double* bind = R(L.bind + g);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        const double cut = load[j] > 0 ? lim[j] / load[j] : 0.0;
        ratio[j] = load[j] > lim[j] ? cut : 1.0;
        bind[j] = 0.0;
      }
    }
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const int rb = m.route_begin[s], re = m.route_begin[s + 1];
      const double* dem = R(L.dem + s);
      double* srv = R(L.srv + s);
      double* exc = R(L.exc + s);
      double* in = R(L.in + s);
      double* out = R(L.out + s);
      if (re > rb) { // one node or a chain: its tightest node (the first of equal ratios)
        double r[W], served[W];
        int at[W];
        for (int j = 0; j < W; ++j) r[j] = 1.0, at[j] = -1;
        for (int k = rb; k < re; ++k) {
          const int g = m.route_node[k];
          const double* rk = R(L.ratio + g);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) {
            const bool tighter = rk[j] < r[j];
            r[j] = tighter ? rk[j] : r[j];
            at[j] = tighter ? g : at[j];
          }
        }
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          served[j] = r[j] < 1.0 ? dem[j] * r[j] : dem[j];
          srv[j] = served[j];
          exc[j] = dem[j] - served[j];
          in[j] = 0.0;
          out[j] = 0.0;
        }
        for (int k = rb; k < re; ++k) { // each node's additions in series order, as lane by lane
          const int g = m.route_node[k];
          double* used = R(L.used + g);
          double* bind = R(L.bind + g);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) {
            used[j] += served[j];
            bind[j] = ((at[j] == g) & (dem[j] > 0)) ? 1.0 : bind[j];
          }
        }
      } else {
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          srv[j] = dem[j];
          exc[j] = dem[j] - dem[j];
          in[j] = 0.0;
          out[j] = 0.0;
        }
      }
    }
    bool any_excess = false;
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const double* exc = R(L.exc + s);
      for (int j = 0; j < W; ++j) any_excess |= exc[j] > 0;
    }
    return any_excess;
  }

  // ---- diversion: same partner/mode/metric elsewhere, then road to rail;
  // a lane diverts from series s where its excess is positive. Each round
  // offers a share of the excess to the alternatives (CSR begin/alts/wts) ----
  CORRIDOR_INLINE void divert() const {
    for (int round = 0; round < 2; ++round) {
      const int* begin = round == 0 ? m.alt_begin : m.xalt_begin;
      const int* alts = round == 0 ? m.alt_series : m.xalt_series;
      const double* wts = round == 0 ? m.alt_weight : m.xalt_weight;
      const double share = round == 0 ? 1.0 : m.sc_cross_mode[sc];
      if (share <= 0.0) continue;
      diversion_requests(begin, alts, wts, share);
      diversion_acceptance();
      for (int s = 0; s < m.S; ++s)
        if (m.kind[s] == kLoad) divert_series(s, begin, alts, wts, share);
    }
  }

  // What arrives at each alternative's group if all is accepted (req).
  CORRIDOR_INLINE void diversion_requests(const int* begin, const int* alts, const double* wts, double share) const {
    const double friction = m.sc_friction[sc];
    for (int g = 0; g < m.G; ++g) {
      double* req = R(L.req + g);
      for (int j = 0; j < W; ++j) req[j] = 0.0;
    }
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const double* exc = R(L.exc + s);
      for (int k = begin[s]; k < begin[s + 1]; ++k) {
        const int a = alts[k];
        const double wk = wts[k];
        for (int n = m.route_begin[a]; n < m.route_begin[a + 1]; ++n) { // every node of its chain
          double* req = R(L.req + m.route_node[n]);
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) {
            const double ex = exc[j];
            req[j] = ex > 0 ? req[j] + ex * share * wk * (1.0 - friction) : req[j];
          }
        }
      }
    }
  }

  // The share of its requests each group accepts (acc): all that fits in its
  // spare capacity.
  CORRIDOR_INLINE void diversion_acceptance() const {
    for (int g = 0; g < m.G; ++g) {
      const double* lim = R(L.lim + g);
      const double* used = R(L.used + g);
      const double* req = R(L.req + g);
      double* acc = R(L.acc + g);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        const double spare = lim[j] - used[j];
        const double r = req[j];
        const double part = spare > 0 ? spare / r : 0.0;
        acc[j] = ((r > 0) & (r > spare)) ? part : 1.0;
      }
    }
  }

  // Series s's excess goes to its alternatives as far as they accept it (the
  // least accepting node of an alternative's chain), less the friction on
  // arrival, which uses every node of that chain.
  CORRIDOR_INLINE void divert_series(int s, const int* begin, const int* alts, const double* wts, double share) const {
    const double friction = m.sc_friction[sc];
    double* exc = R(L.exc + s);
    double* out = R(L.out + s);
    double out_s[W];
    for (int j = 0; j < W; ++j) out_s[j] = 0.0;
    for (int k = begin[s]; k < begin[s + 1]; ++k) {
      const int a = alts[k];
      const int rb = m.route_begin[a], re = m.route_begin[a + 1];
      const double wk = wts[k];
      double* in = R(L.in + a);
      if (re - rb <= 1) {
        // one node, or none: an unlimited alternative takes all it is offered
        const int ga = re > rb ? m.route_node[rb] : -1;
        const double* acc = ga >= 0 ? R(L.acc + ga) : nullptr;
        double* used = ga >= 0 ? R(L.used + ga) : nullptr;
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) {
          const double ex = exc[j];
          const double take = ex * share * wk * (acc ? acc[j] : 1.0);
          const double arrive = take * (1.0 - friction);
          const bool on = ex > 0;
          out_s[j] = on ? out_s[j] + take : out_s[j];
          in[j] = on ? in[j] + arrive : in[j];
          if (used) used[j] = on ? used[j] + arrive : used[j];
        }
        continue;
      }
      for (int j = 0; j < W; ++j) {
        const double ex = exc[j];
        if (!(ex > 0)) continue;
        double acc = 1.0;
        for (int n = rb; n < re; ++n) {
          const double an = R(L.acc + m.route_node[n])[j];
          acc = an < acc ? an : acc;
        }
        const double take = ex * share * wk * acc;
        const double arrive = take * (1.0 - friction);
        out_s[j] += take;
        in[j] += arrive;
        for (int n = rb; n < re; ++n) R(L.used + m.route_node[n])[j] += arrive;
      }
    }
    // weights sum to 1 only up to rounding: never divert more than the
    // excess, and leave no rounding residue when all of it goes
    CORRIDOR_LANES
    for (int j = 0; j < W; ++j) {
      const double ex = exc[j];
      const double o = ((out_s[j] > ex) | (ex - out_s[j] <= 1e-12 * ex)) ? ex : out_s[j];
      const bool on = ex > 0;
      out[j] = on ? out[j] + o : out[j];
      exc[j] = on ? ex - o : ex;
    }
  }

  // ---- load series results: flow and unserved demand ----
  CORRIDOR_INLINE void load_results() const {
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const double* srv = R(L.srv + s);
      const double* in = R(L.in + s);
      const double* exc = R(L.exc + s);
      double* flow = R(L.flow + s);
      double* uns = R(L.uns + s);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        flow[j] = srv[j] + in[j];
        uns[j] = exc[j];
      }
    }
  }

  // ---- derived series follow their load series times the intensity ----
  CORRIDOR_INLINE void derived_series() const {
    for (int i = 0; i < m.S; ++i) {
      if (m.kind[i] != kDerived) continue;
      const double* inten = R(L.level + i);
      const int l = m.source[i];
      const long long vars[6] = {L.dem, L.flow, L.uns, L.srv, L.in, L.out};
      for (long long v : vars) {
        const double* src = R(v + l);
        double* dst = R(v + i);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) dst[j] = src[j] * inten[j];
      }
    }
  }

  // ---- each group's utilisation and demand-over-capacity indicator ----
  CORRIDOR_INLINE void utilisation() const {
    for (int g = 0; g < m.G; ++g) {
      const double* keff = R(L.keff + g);
      const double* used = R(L.used + g);
      const double* load = R(L.load + g);
      double* util = R(L.util + g);
      double* over = R(L.over + g);
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) {
        const double k = keff[j];
        const double u = used[j] / k;
        util[j] = k > 0 ? u : 0.0;
        over[j] = load[j] > k ? 1.0 : 0.0;
      }
      // node time (BPR): free_time (1 + alpha x^beta), x the utilisation
      const double t0 = m.group_free_time[g], alpha = m.group_alpha[g], beta = m.group_beta[g];
      double* wait = R(L.wait + g);
      if (!(t0 > 0)) continue;
      if (alpha == 0) {
        for (int j = 0; j < W; ++j) wait[j] = t0;
        continue;
      }
      double lx[W], xb[W];
      const int ib = static_cast<int>(beta);
      if (ib == beta && ib >= 1 && ib <= 8) { // a whole power (4, the usual one): products
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) xb[j] = util[j];
        for (int i = 1; i < ib; ++i) {
          CORRIDOR_LANES
          for (int j = 0; j < W; ++j) xb[j] *= util[j];
        }
      } else {
        for (int j = 0; j < W; ++j) xb[j] = util[j] > 0 ? util[j] : 1.0;
        fm::log_n(xb, lx, W, 1);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) lx[j] *= beta;
        fm::exp_n(lx, xb, W, 1);
      }
      CORRIDOR_LANES
      for (int j = 0; j < W; ++j) wait[j] = t0 * (1.0 + alpha * (util[j] > 0 ? xb[j] : 0.0));
    }
  }

  // ---- totals: running sums of flows in series order ----
  CORRIDOR_HD void year_totals() const {
    for (int a = 0; a < m.A; ++a) {
      if (m.agg_begin[a] == m.agg_begin[a + 1]) continue; // no members: 0 from path_begin on
      double total[W];
      for (int j = 0; j < W; ++j) total[j] = 0.0;
      for (int k = m.agg_begin[a]; k < m.agg_begin[a + 1]; ++k) {
        const double* flow = R(L.flow + m.agg_series[k]);
        CORRIDOR_LANES
        for (int j = 0; j < W; ++j) total[j] += flow[j];
      }
      double* agg = R(L.agg + a);
      for (int j = 0; j < W; ++j) agg[j] = total[j];
    }
  }

  // ---- this year's cells (Layout::cell_elem), handed to the sink ----
  template <class Out, class Trace> CORRIDOR_HD void year_end(int y, Out& out, const Trace& trace) const {
    static_assert(W == 1, "one path at a time");
    auto Xf = [this](long long e) -> double& { return X(e); };
    out.year(y, Xf);
    trace.year(y, Xf);
  }
};

// Simulates path `path` of scenario `sc`, one step after another (PathStep).
template <class Out, class Trace = NullTrace>
CORRIDOR_HD void simulate_path(const ModelView& m, uint64_t seed, int sc, uint32_t path, const Scratch& scr,
                               long long lane, Out& out, const Trace& trace = Trace()) {
  const PathStep<1> p(m, seed, sc, path, scr, lane);
  p.path_begin();
  for (int y = 0; y < m.Y; ++y) {
    if (y > 0) p.year_draws(y);
    p.year_growth(y);
    p.year_exps();
    p.year_flows(y);
    p.year_totals();
    p.year_end(y, out, trace);
  }
}

CORRIDOR_KERNELS_END
