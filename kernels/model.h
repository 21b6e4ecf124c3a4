// One Monte Carlo path of the connectivity model (MODEL.md sections 3 and 4),
// written once as host+device code: the steps of a year (PathStep), which the
// GPU runs path by path (simulate_path) and the CPU year by year for a tile
// of paths. Equations are cited by section.
#pragma once
#include "fmath.h"
#include "philox.h"

CORRIDOR_KERNELS_BEGIN

enum SeriesKind : int { kLoad = 0, kDerived = 1 };
// Per series and year: demand; flow served at the port (own demand served at
// home plus what arrives diverted from elsewhere); unserved demand; what is
// diverted out to other ports or modes (before friction); what arrives here.
enum Var : int { kDemand = 0, kFlow = 1, kUnserved = 2, kDivertedOut = 3, kDivertedIn = 4 };
constexpr int kSeriesVars = 5;
constexpr int kGroupVars = 2; // utilisation, demand-over-capacity indicator

// Flat, pointer-only view of a model, valid on the device that owns the
// arrays. No Thrust or STL types: both backends and the host share it.
struct ModelView {
  int S = 0;  // series (load and derived), in input order
  int Y = 0;  // years, base year included
  int P = 0;  // partners
  int Q = 0;  // ports
  int G = 0;  // capacity groups
  int E = 0;  // expansions
  int A = 0;  // aggregates (totals and targets)
  int NS = 0; // scenarios

  // series
  const int* kind = nullptr;
  const int* partner = nullptr;
  const int* port = nullptr;
  const int* mode = nullptr;
  const int* group = nullptr;  // -1: no capacity group
  const int* source = nullptr; // derived: its load series; load: -1
  const double* base = nullptr;
  const double* mu = nullptr; // load: trend mean; derived: mean drift of log intensity
  const double* tau = nullptr;
  const double* sigma = nullptr; // load: idiosyncratic sd; derived: intensity volatility
  const double* phi = nullptr;
  const double* b_region = nullptr;
  const double* b_partner = nullptr;
  const double* b_port = nullptr;
  const double* exposure = nullptr;

  // diversion alternatives (CSR by series): same partner, mode and metric at
  // other ports (alt_*), and the cross-mode ones, road to rail (xalt_*)
  const int* alt_begin = nullptr;
  const int* alt_series = nullptr;
  const double* alt_weight = nullptr;
  const int* xalt_begin = nullptr;
  const int* xalt_series = nullptr;
  const double* xalt_weight = nullptr;

  // capacity groups and expansions
  const int* group_port = nullptr;
  const double* group_capacity = nullptr;
  const double* group_overload = nullptr;
  const int* exp_group = nullptr;
  const double* exp_add = nullptr;
  const int* exp_dist_begin = nullptr; // CSR over (scenario * E + e)
  const int* exp_dist_step = nullptr;  // opening year minus base year
  const double* exp_dist_cum = nullptr; // cumulative probability

  // ports
  const double* closure_prob = nullptr;
  const double* closure_lo = nullptr;
  const double* closure_hi = nullptr;

  // scenarios
  const double* sc_region_prob = nullptr;
  const double* sc_region_mean = nullptr;
  const double* sc_region_sd = nullptr;
  const double* sc_partner_prob = nullptr;
  const double* sc_partner_mean = nullptr;
  const double* sc_partner_sd = nullptr;
  const double* sc_rho = nullptr;
  const double* sc_closure_scale = nullptr;
  const double* sc_friction = nullptr;
  const double* sc_cross_mode = nullptr;
  const double* adjust = nullptr; // [scenario][series][year]

  // aggregate membership (CSR by aggregate, series in order)
  const int* agg_begin = nullptr;
  const int* agg_series = nullptr;

  CORRIDOR_INLINE int cells() const { return kSeriesVars * S * Y + kGroupVars * G * Y + A * Y; }
  // Cell ids of one scenario: series-major, then groups, then aggregates.
  CORRIDOR_INLINE int series_cell(int s, int v, int y) const { return (s * kSeriesVars + v) * Y + y; }
  CORRIDOR_INLINE int group_cell(int g, int v, int y) const { return kSeriesVars * S * Y + (g * kGroupVars + v) * Y + y; }
  CORRIDOR_INLINE int agg_cell(int a, int y) const { return kSeriesVars * S * Y + kGroupVars * G * Y + a * Y + y; }

};

// Where simulate_path() keeps each per-path quantity in its scratch lane.
struct Layout {
  long long lnT, g, m, z, dem, srv, exc, in, out, flow, uns;        // per series
  long long e, zin, upe, ucl, xe, ex, tmp; // a year's draws, exponents and exps (PathStep); temporaries
  long long load, keff, lost, lim, used, req, acc, cap, util, over; // per group
  long long agg, open, fac, pdrop;                                  // aggregates, expansions, factors
  long long cnt, pyear, size; // event counts (region, partners, ports) and the last closure year per port
  CORRIDOR_INLINE explicit Layout(const ModelView& v) {
    const long long S = v.S, G = v.G;
    lnT = 0; g = S; m = 2 * S; z = 3 * S; dem = 4 * S; srv = 5 * S; exc = 6 * S; in = 7 * S; out = 8 * S;
    flow = 9 * S; uns = 10 * S; e = 11 * S; zin = e + S + 1; upe = zin + S + 1; ucl = upe + 2 * v.P;
    xe = ucl + 2 * v.Q; ex = xe + 2 * S; tmp = ex + 2 * S;
    load = tmp + tmp_size(v); keff = load + G; lost = keff + G; lim = lost + G; used = lim + G; req = used + G;
    acc = req + G; cap = acc + G; util = cap + G; over = util + G;
    agg = over + G; open = agg + v.A; fac = open + v.E; pdrop = fac + 1 + v.P + v.Q;
    cnt = pdrop + v.P; pyear = cnt + 1 + v.P + v.Q; size = pyear + v.Q;
  }
  // elements of tmp: the uniforms of every series or factor (two per Philox
  // block, so one more when odd), also the most a year's array pass draws
  CORRIDOR_INLINE static long long tmp_size(const ModelView& v) {
    long long n = v.S > 1 + v.P + v.Q ? v.S : 1 + v.P + v.Q;
    if (2 * v.P > n) n = 2 * v.P;
    if (2 * v.Q > n) n = 2 * v.Q;
    return n + 1;
  }
  // The element that holds cell `cell` (ModelView::series_cell, group_cell,
  // agg_cell) at the end of the cell's year; `year` receives that year.
  CORRIDOR_INLINE long long cell_elem(const ModelView& v, int cell, int& year) const {
    year = cell % v.Y;
    const int r = cell / v.Y; // series var, group var or aggregate row
    if (r < kSeriesVars * v.S) {
      const long long base[kSeriesVars] = {dem, flow, uns, out, in};
      return base[r % kSeriesVars] + r / kSeriesVars;
    }
    const int rg = r - kSeriesVars * v.S;
    if (rg < kGroupVars * v.G) return (rg % kGroupVars == 0 ? util : over) + rg / kGroupVars;
    return agg + (rg - kGroupVars * v.G);
  }
};

// Calls f(cell, element) for every cell of year y (Layout::cell_elem).
template <class F> CORRIDOR_HD void for_each_cell_of_year(const ModelView& v, const Layout& L, int y, F&& f) {
  const int rows = kSeriesVars * v.S + kGroupVars * v.G + v.A;
  for (int r = 0; r < rows; ++r) {
    const int cell = r * v.Y + y;
    int yy;
    f(cell, L.cell_elem(v, cell, yy));
  }
}

// Per-path scratch: element e of lane l is p[l * lane_stride + e * elem_stride],
// so a backend lays lanes out as it reads best (GPU: lane-major; CPU: a
// tile's lanes interleaved, see SimulateTile in engine.inl; path-major elsewhere).
struct Scratch {
  double* p;
  long long lane_stride, elem_stride;
  CORRIDOR_INLINE double& operator()(long long lane, long long e) const { return p[lane * lane_stride + e * elem_stride]; }
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
//                 derived series' intensities;
//   year_exps     their exponentials;
//   year_flows    capacity, service, diversion, derived series, utilisation;
//   year_totals   the aggregates;
//   year_end      out.year(y, X) and trace.year(y, X), where X(e) reads
//                 scratch element e (Layout::cell_elem names the cells).
// simulate_path() runs them path by path (the GPU: one path per thread). The
// CPU backend runs a tile of paths year by year and does the draws, the
// exponentials and the totals of all its paths in single array passes
// (year_draws_lanes, year_exps_lanes, year_totals_lanes), bit for bit the
// same numbers in the same regions.
constexpr int kLanesMax = 8; // paths the CPU runs together (the lanes of year_totals_lanes)
CORRIDOR_INLINE bool has_derived(const ModelView& m) {
  for (int s = 0; s < m.S; ++s)
    if (m.kind[s] == kDerived) return true;
  return false;
}
// The draws of a year y > 0, each as f(purpose, n, normal, region): n
// uniforms of Philox blocks 0, 1, ... of `purpose` (their inverse normals
// when `normal`) into the scratch region starting at element `region`.
// Factor normals (fac), partner-event uniforms (upe, block p: occurrence,
// severity), idiosyncratic normals (e; derived series' unused), closure
// uniforms (ucl, block q: occurrence, fraction lost) and, with derived
// series, intensity normals (zin; load series' unused). Uniforms alone come
// in pairs (n even), a whole number of blocks.
template <class F> CORRIDOR_HD void for_each_year_draw(const ModelView& m, const Layout& L, F&& f) {
  f(kFactor, 1 + m.P + m.Q, true, L.fac);
  f(kPartnerEvent, 2 * m.P, false, L.upe);
  f(kIdiosyncratic, m.S, true, L.e);
  if (m.G > 0) f(kClosure, 2 * m.Q, false, L.ucl);
  if (has_derived(m)) f(kIntensity, m.S, true, L.zin);
}
struct PathStep {
  const ModelView& m;
  Rng rng;
  int sc;
  uint32_t path;
  const Scratch& scr;
  long long lane;
  Layout L;
  CORRIDOR_INLINE PathStep(const ModelView& m_, uint64_t seed, int sc_, uint32_t path_, const Scratch& scr_,
                           long long lane_)
      : m(m_), rng(seed), sc(sc_), path(path_), scr(scr_), lane(lane_), L(m_) {}
  CORRIDOR_INLINE double& X(long long e) const { return scr(lane, e); }

  CORRIDOR_HD void path_begin() const {
    const int S = m.S, P = m.P, Q = m.Q;
    const long long st = scr.stride();
    // trend uncertainty m_s(w) (section 3) and expansion opening years (section 4)
    uniforms_n(rng, path, 0, kTrend, S, &X(L.tmp), st);
    fm::inv_normal_n(&X(L.tmp), &X(L.e), S, st);
    for (int s = 0; s < S; ++s) X(L.m + s) = m.mu[s] + m.tau[s] * X(L.e + s);
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
      if (m.kind[s] == kLoad) {
        X(L.lnT + s) = fm::log(m.base[s]);
        X(L.g + s) = X(L.m + s); // momentum starts neutral
      } else {
        X(L.lnT + s) = fm::log(m.base[s] / m.base[m.source[s]]); // log intensity
      }
      X(L.z + s) = 0.0;
    }
    for (int g = 0; g < m.G; ++g) X(L.cap + g) = m.group_capacity[g];
    for (int k = 0; k < 1 + P + Q; ++k) X(L.cnt + k) = 0.0; // sensitivity drivers
    for (int q = 0; q < Q; ++q) X(L.pyear + q) = -1.0;
  }

  // Year y > 0: for_each_year_draw's draws, normals through tmp.
  CORRIDOR_HD void year_draws(int y) const {
    const uint32_t ys = static_cast<uint32_t>(y);
    const long long st = scr.stride();
    for_each_year_draw(m, L, [&](uint32_t purpose, int n, bool normal, long long region) {
      if (!normal) {
        uniforms_n(rng, path, ys, purpose, n, &X(region), st);
        return;
      }
      uniforms_n(rng, path, ys, purpose, n, &X(L.tmp), st);
      fm::inv_normal_n(&X(L.tmp), &X(region), n, st);
    });
  }

  // Shocks and growth (section 3): xe[i] is load series i's log demand,
  // xe[S + i] derived series i's log intensity; 1.0 where unused.
  CORRIDOR_HD void year_growth(int y) const {
    const int S = m.S, P = m.P;
    if (y > 0) {
      const uint32_t ys = static_cast<uint32_t>(y);
      // shock events: regional, then one per partner; log drops >= 0
      double jr = 0.0;
      {
        const U32x4 b = rng.block(path, ys, kRegionEvent, 0);
        if (u01_open(b.v[0], b.v[1]) < m.sc_region_prob[sc]) {
          const double sev = m.sc_region_mean[sc] + m.sc_region_sd[sc] * fm::inv_normal(u01_open(b.v[2], b.v[3]));
          jr = sev > 0 ? sev : 0.0;
          X(L.cnt) += 1.0;
        }
      }
      for (int p = 0; p < P; ++p) {
        double jp = 0.0;
        if (X(L.upe + 2 * p) < m.sc_partner_prob[sc]) {
          const double sev = m.sc_partner_mean[sc] + m.sc_partner_sd[sc] * fm::inv_normal(X(L.upe + 2 * p + 1));
          jp = sev > 0 ? sev : 0.0;
          X(L.cnt + 1 + p) += 1.0;
        }
        X(L.pdrop + p) = jp;
      }
      // common factors F^R, F^C (partners), F^P (ports) and e_s(t) in the growth step
      const double rho = m.sc_rho[sc];
      const double* adj = m.adjust + (static_cast<long long>(sc) * S) * m.Y;
      for (int i = 0; i < S; ++i) {
        double x = 1.0;
        if (m.kind[i] == kLoad) {
          const double mi = X(L.m + i);
          const double g = mi + adj[static_cast<long long>(i) * m.Y + y] + m.phi[i] * (X(L.g + i) - mi) +
                           m.b_region[i] * X(L.fac) + m.b_partner[i] * X(L.fac + 1 + m.partner[i]) +
                           m.b_port[i] * X(L.fac + 1 + P + m.port[i]) + m.sigma[i] * X(L.e + i);
          X(L.g + i) = g;
          X(L.lnT + i) += g;
          X(L.z + i) = rho * X(L.z + i) - m.exposure[i] * (jr + X(L.pdrop + m.partner[i]));
          x = X(L.lnT + i) + X(L.z + i);
        }
        X(L.xe + i) = x;
      }
    } else {
      for (int i = 0; i < S; ++i) X(L.xe + i) = 1.0; // the base year is observed
    }
    for (int i = 0; i < S; ++i) {
      double x = 1.0;
      if (m.kind[i] == kDerived) {
        if (y > 0) X(L.lnT + i) += m.mu[i] + m.sigma[i] * X(L.zin + i);
        x = X(L.lnT + i);
      }
      X(L.xe + S + i) = x;
    }
  }

  CORRIDOR_HD void year_exps() const { fm::exp_n(&X(L.xe), &X(L.ex), 2 * m.S, scr.stride()); }

  CORRIDOR_HD void year_flows(int y) const {
    const int S = m.S, G = m.G, P = m.P;
    // ---- demand of load series (section 3); the base year is observed ----
    for (int s = 0; s < S; ++s)
      if (m.kind[s] == kLoad) X(L.dem + s) = y == 0 ? m.base[s] : X(L.ex + s);

    // ---- capacity this year: expansions and closures (section 4) ----
    for (int g = 0; g < G; ++g) {
      X(L.load + g) = 0.0;
      X(L.used + g) = 0.0;
      X(L.req + g) = 0.0;
    }
    for (int e = 0; e < m.E; ++e)
      if (X(L.open + e) == y) X(L.cap + m.exp_group[e]) += m.exp_add[e];
    for (int g = 0; g < G; ++g) {
      double lost = 0.0;
      if (y > 0) {
        const int q = m.group_port[g];
        double pc = m.closure_prob[q] * m.sc_closure_scale[sc];
        if (X(L.ucl + 2 * q) < pc) {
          lost = m.closure_lo[q] + (m.closure_hi[q] - m.closure_lo[q]) * X(L.ucl + 2 * q + 1);
          if (X(L.pyear + q) != y) { // one closure per port and year, whatever its groups
            X(L.pyear + q) = y;
            X(L.cnt + 1 + P + q) += 1.0;
          }
        }
      }
      X(L.keff + g) = X(L.cap + g) * (1.0 - lost);
      X(L.lost + g) = lost;
      X(L.lim + g) = X(L.keff + g) * m.group_overload[g];
    }
    for (int s = 0; s < S; ++s)
      if (m.kind[s] == kLoad && m.group[s] >= 0) X(L.load + m.group[s]) += X(L.dem + s);

    // ---- pro-rata service where load exceeds the soft limit ----
    bool any_excess = false;
    for (int s = 0; s < S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const int g = m.group[s];
      double served = X(L.dem + s);
      if (g >= 0) {
        const double load = X(L.load + g), lim = X(L.lim + g);
        if (load > lim) served = load > 0 ? X(L.dem + s) * (lim / load) : 0.0;
        X(L.used + g) += served;
      }
      X(L.srv + s) = served;
      X(L.exc + s) = X(L.dem + s) - served;
      any_excess = any_excess || X(L.exc + s) > 0;
      X(L.in + s) = 0.0;
      X(L.out + s) = 0.0;
    }

    // ---- diversion: same partner/mode/metric elsewhere, then road to rail ----
    const double friction = m.sc_friction[sc];
    for (int round = 0; round < 2 && any_excess; ++round) { // nothing to divert: skip
      const int* begin = round == 0 ? m.alt_begin : m.xalt_begin;
      const int* alts = round == 0 ? m.alt_series : m.xalt_series;
      const double* wts = round == 0 ? m.alt_weight : m.xalt_weight;
      const double share = round == 0 ? 1.0 : m.sc_cross_mode[sc];
      if (share <= 0.0) continue;
      for (int g = 0; g < G; ++g) X(L.req + g) = 0.0;
      for (int s = 0; s < S; ++s) {
        const double ex = X(L.exc + s);
        if (m.kind[s] != kLoad || !(ex > 0)) continue;
        for (int k = begin[s]; k < begin[s + 1]; ++k) {
          const int ga = m.group[alts[k]];
          if (ga >= 0) X(L.req + ga) += ex * share * wts[k] * (1.0 - friction);
        }
      }
      for (int g = 0; g < G; ++g) {
        const double spare = X(L.lim + g) - X(L.used + g);
        const double req = X(L.req + g);
        X(L.acc + g) = req > 0 && req > spare ? (spare > 0 ? spare / req : 0.0) : 1.0;
      }
      for (int s = 0; s < S; ++s) {
        const double ex = X(L.exc + s);
        if (m.kind[s] != kLoad || !(ex > 0)) continue;
        double out_s = 0.0;
        for (int k = begin[s]; k < begin[s + 1]; ++k) {
          const int a = alts[k];
          const int ga = m.group[a];
          const double take = ex * share * wts[k] * (ga >= 0 ? X(L.acc + ga) : 1.0);
          const double arrive = take * (1.0 - friction);
          out_s += take;
          X(L.in + a) += arrive;
          if (ga >= 0) X(L.used + ga) += arrive;
        }
        // weights sum to 1 only up to rounding: never divert more than the
        // excess, and leave no rounding residue when all of it goes
        if (out_s > ex || ex - out_s <= 1e-12 * ex) out_s = ex;
        X(L.out + s) += out_s;
        X(L.exc + s) = ex - out_s;
      }
    }

    // ---- load series results; derived series follow the served load ----
    for (int s = 0; s < S; ++s) {
      if (m.kind[s] != kLoad) continue;
      X(L.flow + s) = X(L.srv + s) + X(L.in + s);
      X(L.uns + s) = X(L.exc + s);
    }
    for (int i = 0; i < S; ++i) {
      if (m.kind[i] != kDerived) continue;
      const double inten = X(L.ex + S + i);
      const int l = m.source[i];
      X(L.dem + i) = X(L.dem + l) * inten;
      X(L.flow + i) = X(L.flow + l) * inten;
      X(L.uns + i) = X(L.uns + l) * inten;
      X(L.srv + i) = X(L.srv + l) * inten;
      X(L.in + i) = X(L.in + l) * inten;
      X(L.out + i) = X(L.out + l) * inten;
    }

    for (int g = 0; g < G; ++g) {
      const double keff = X(L.keff + g);
      X(L.util + g) = keff > 0 ? X(L.used + g) / keff : 0.0;
      X(L.over + g) = X(L.load + g) > keff ? 1.0 : 0.0;
    }
  }

  // ---- totals: running sums of flows in series order ----
  CORRIDOR_HD void year_totals() const {
    for (int a = 0; a < m.A; ++a) {
      double total = 0.0;
      for (int k = m.agg_begin[a]; k < m.agg_begin[a + 1]; ++k) total += X(L.flow + m.agg_series[k]);
      X(L.agg + a) = total;
    }
  }

  // ---- this year's cells (Layout::cell_elem), handed to the sink ----
  template <class Out, class Trace> CORRIDOR_HD void year_end(int y, Out& out, const Trace& trace) const {
    auto Xf = [this](long long e) -> double& { return X(e); };
    out.year(y, Xf);
    trace.year(y, Xf);
  }
};

// Simulates path `path` of scenario `sc`, one step after another (PathStep).
template <class Out, class Trace = NullTrace>
CORRIDOR_HD void simulate_path(const ModelView& m, uint64_t seed, int sc, uint32_t path, const Scratch& scr,
                               long long lane, Out& out, const Trace& trace = Trace()) {
  const PathStep p(m, seed, sc, path, scr, lane);
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

#if !defined(__CUDA_ARCH__)
// The CPU's array forms of year_draws, year_exps and year_totals for the
// w <= kLanesMax lanes lane0 .. lane0 + w - 1 (paths path0 ..): each array
// pass runs once over all lanes, in `buf` (lanes_buffer_size doubles), and
// its results are copied into the lanes' regions.
// Model.LaneFormsEqualPathSteps holds them to the path-by-path steps.
CORRIDOR_INLINE long long lanes_buffer_size(const ModelView& v, int w) {
  return 2LL * w * (Layout::tmp_size(v) + 1) + 4LL * w * v.S;
}
CORRIDOR_INLINE void year_draws_lanes(const ModelView& m, uint64_t seed, uint32_t path0, int w, const Scratch& scr,
                                      long long lane0, int y, double* buf) {
  const Rng rng(seed);
  const Layout L(m);
  const uint32_t ys = static_cast<uint32_t>(y);
  const long long half = static_cast<long long>(w) * (Layout::tmp_size(m) + 1);
  double* u = buf;
  double* z = buf + half;
  for_each_year_draw(m, L, [&](uint32_t purpose, int n, bool normal, long long region) {
    const int n2 = 2 * ((n + 1) / 2);
    uniforms_lanes(rng, path0, w, ys, purpose, n, u);
    const double* r = u;
    if (normal) {
      fm::inv_normal_n(u, z, w * n2, 1);
      r = z;
    }
    for (int j = 0; j < w; ++j)
      for (int i = 0; i < n; ++i) scr(lane0 + j, region + i) = r[static_cast<long long>(j) * n2 + i];
  });
}
CORRIDOR_INLINE void year_totals_lanes(const ModelView& m, int w, const Scratch& scr, long long lane0, double* buf) {
  const Layout L(m);
  double* f = buf; // flows, [series][lane]
  for (int s = 0; s < m.S; ++s)
    for (int j = 0; j < w; ++j) f[s * w + j] = scr(lane0 + j, L.flow + s);
  for (int a = 0; a < m.A; ++a) {
    double total[kLanesMax] = {};
    for (int k = m.agg_begin[a]; k < m.agg_begin[a + 1]; ++k) {
      const double* fs = f + m.agg_series[k] * w;
      for (int j = 0; j < kLanesMax; ++j) total[j] += j < w ? fs[j] : 0.0;
    }
    for (int j = 0; j < w; ++j) scr(lane0 + j, L.agg + a) = total[j];
  }
}
CORRIDOR_INLINE void year_exps_lanes(const ModelView& m, int w, const Scratch& scr, long long lane0, double* buf) {
  const Layout L(m);
  const long long n = 2LL * m.S;
  double* x = buf;
  double* e = buf + w * n;
  for (int j = 0; j < w; ++j)
    for (long long i = 0; i < n; ++i) x[j * n + i] = scr(lane0 + j, L.xe + i);
  fm::exp_n(x, e, static_cast<int>(w * n), 1);
  for (int j = 0; j < w; ++j)
    for (long long i = 0; i < n; ++i) scr(lane0 + j, L.ex + i) = e[j * n + i];
}
#endif

CORRIDOR_KERNELS_END
