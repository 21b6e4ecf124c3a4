// One Monte Carlo path of the connectivity model (MODEL.md sections 3 and 4),
// written once as host+device code. Both backends call simulate_path(); only
// the launching and the memory differ. Equations are cited by section.
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
  long long e, tmp; // draws per series (+1); batch temporaries (tmp_size)
  long long load, keff, lost, lim, used, req, acc, cap, util, over; // per group
  long long agg, open, fac, pdrop;                                  // aggregates, expansions, factors
  long long cnt, pyear, size; // event counts (region, partners, ports) and the last closure year per port
  CORRIDOR_INLINE explicit Layout(const ModelView& v) {
    const long long S = v.S, G = v.G;
    lnT = 0; g = S; m = 2 * S; z = 3 * S; dem = 4 * S; srv = 5 * S; exc = 6 * S; in = 7 * S; out = 8 * S;
    flow = 9 * S; uns = 10 * S; e = 11 * S; tmp = e + S + 1;
    load = tmp + tmp_size(v); keff = load + G; lost = keff + G; lim = lost + G; used = lim + G; req = used + G;
    acc = req + G; cap = acc + G; util = cap + G; over = util + G;
    agg = over + G; open = agg + v.A; fac = open + v.E; pdrop = fac + 1 + v.P + v.Q;
    cnt = pdrop + v.P; pyear = cnt + 1 + v.P + v.Q; size = pyear + v.Q;
  }
  // elements of tmp: uniforms of every series, factor, partner event and
  // port closure (two per Philox block, so rounded up to even)
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
// so a backend lays lanes out as it reads best (CPU: path-major; GPU: lane-major).
struct Scratch {
  double* p;
  long long lane_stride, elem_stride;
  CORRIDOR_INLINE double& operator()(long long lane, long long e) const {
#if defined(__CUDA_ARCH__)
    return p[lane * lane_stride + e * elem_stride];
#else
    return p[lane * lane_stride + e]; // CPU scratch is path-major: elem_stride is 1 (engine.inl)
#endif
  }
  // distance between consecutive elements of a lane
  CORRIDOR_INLINE long long stride() const {
#if defined(__CUDA_ARCH__)
    return elem_stride;
#else
    return 1;
#endif
  }
};

// Trace hook called at the end of every year with an accessor X(e) into the
// path's scratch (see Layout); replay uses it, runs pass NullTrace.
struct NullTrace {
  template <class Acc> CORRIDOR_INLINE void year(int, const Acc&) const {}
};

// Simulates path `path` of scenario `sc` (MODEL.md sections 3-4); at the end
// of every year it calls out.year(y, X), where X(e) reads the scratch element
// e of the path and Layout::cell_elem() names the element of each cell of
// that year, then trace.year(y, X). `lane` selects the scratch.
template <class Out, class Trace = NullTrace>
CORRIDOR_HD void simulate_path(const ModelView& m, uint64_t seed, int sc, uint32_t path, const Scratch& scr,
                               long long lane, Out& out, const Trace& trace = Trace()) {
  const Rng rng(seed);
  const int S = m.S, G = m.G, P = m.P, Q = m.Q;
  const Layout L(m);
  const long long oLnT = L.lnT, oG = L.g, oM = L.m, oZ = L.z, oDem = L.dem, oSrv = L.srv, oExc = L.exc, oIn = L.in,
                  oOut = L.out, oFlow = L.flow, oUns = L.uns, oLoad = L.load, oKeff = L.keff, oLost = L.lost,
                  oLim = L.lim, oUsed = L.used, oReq = L.req, oAcc = L.acc, oCap = L.cap, oAgg = L.agg,
                  oOpen = L.open, oFac = L.fac, oPDrop = L.pdrop, oCnt = L.cnt, oPYear = L.pyear,
                  oE = L.e, oTmp = L.tmp, oUtil = L.util, oOver = L.over;
  auto X = [&](long long e) -> double& { return scr(lane, e); };
  // Normal draws come from array passes the host vectorises (uniforms_n,
  // inv_normal_n, exp_n: bit for bit their scalar forms), through tmp.
  const long long st = scr.stride();

  // Per-path draws: trend uncertainty m_s(w) (section 3) and expansion opening years (section 4).
  uniforms_n(rng, path, 0, kTrend, S, &X(oTmp), st);
  fm::inv_normal_n(&X(oTmp), &X(oE), S, st);
  for (int s = 0; s < S; ++s) X(oM + s) = m.mu[s] + m.tau[s] * X(oE + s);
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
    X(oOpen + e) = step;
  }
  bool derived = false;
  for (int s = 0; s < S; ++s) {
    derived = derived || m.kind[s] == kDerived;
    if (m.kind[s] == kLoad) {
      X(oLnT + s) = fm::log(m.base[s]);
      X(oG + s) = X(oM + s); // momentum starts neutral
    } else {
      X(oLnT + s) = fm::log(m.base[s] / m.base[m.source[s]]); // log intensity
    }
    X(oZ + s) = 0.0;
  }
  for (int g = 0; g < G; ++g) X(oCap + g) = m.group_capacity[g];
  for (int k = 0; k < 1 + P + Q; ++k) X(oCnt + k) = 0.0; // sensitivity drivers
  for (int q = 0; q < Q; ++q) X(oPYear + q) = -1.0;

  const double rho = m.sc_rho[sc];
  for (int y = 0; y < m.Y; ++y) {
    const uint32_t ys = static_cast<uint32_t>(y);
    // ---- demand of load series (section 3); the base year is observed ----
    if (y == 0) {
      for (int s = 0; s < S; ++s)
        if (m.kind[s] == kLoad) X(oDem + s) = m.base[s];
    } else {
      // common factors F^R, F^C (partners), F^P (ports)
      const int NF = 1 + P + Q;
      uniforms_n(rng, path, ys, kFactor, NF, &X(oTmp), st);
      fm::inv_normal_n(&X(oTmp), &X(oFac), NF, st);
      // shock events: regional, then one per partner; log drops >= 0
      double jr = 0.0;
      {
        const U32x4 b = rng.block(path, ys, kRegionEvent, 0);
        if (u01_open(b.v[0], b.v[1]) < m.sc_region_prob[sc]) {
          const double sev = m.sc_region_mean[sc] + m.sc_region_sd[sc] * fm::inv_normal(u01_open(b.v[2], b.v[3]));
          jr = sev > 0 ? sev : 0.0;
          X(oCnt) += 1.0;
        }
      }
      uniforms_n(rng, path, ys, kPartnerEvent, 2 * P, &X(oTmp), st); // block p: occurrence, severity
      for (int p = 0; p < P; ++p) {
        double jp = 0.0;
        if (X(oTmp + 2 * p) < m.sc_partner_prob[sc]) {
          const double sev = m.sc_partner_mean[sc] + m.sc_partner_sd[sc] * fm::inv_normal(X(oTmp + 2 * p + 1));
          jp = sev > 0 ? sev : 0.0;
          X(oCnt + 1 + p) += 1.0;
        }
        X(oPDrop + p) = jp;
      }
      // idiosyncratic draws e_s(t) of every series, two per Philox block
      // (derived series' draws unused), then the growth step into exponents,
      // then demand = exp(exponent)
      uniforms_n(rng, path, ys, kIdiosyncratic, S, &X(oTmp), st);
      fm::inv_normal_n(&X(oTmp), &X(oE), S, st);
      const double* adj = m.adjust + (static_cast<long long>(sc) * S) * m.Y;
      for (int i = 0; i < S; ++i) {
        double x = 0.0;
        if (m.kind[i] == kLoad) {
          const double mi = X(oM + i);
          const double g = mi + adj[static_cast<long long>(i) * m.Y + y] + m.phi[i] * (X(oG + i) - mi) +
                           m.b_region[i] * X(oFac) + m.b_partner[i] * X(oFac + 1 + m.partner[i]) +
                           m.b_port[i] * X(oFac + 1 + P + m.port[i]) + m.sigma[i] * X(oE + i);
          X(oG + i) = g;
          X(oLnT + i) += g;
          X(oZ + i) = rho * X(oZ + i) - m.exposure[i] * (jr + X(oPDrop + m.partner[i]));
          x = X(oLnT + i) + X(oZ + i);
        }
        X(oTmp + i) = x;
      }
      fm::exp_n(&X(oTmp), &X(oE), S, st);
      for (int i = 0; i < S; ++i)
        if (m.kind[i] == kLoad) X(oDem + i) = X(oE + i);
    }

    // ---- capacity this year: expansions and closures (section 4) ----
    for (int g = 0; g < G; ++g) {
      X(oLoad + g) = 0.0;
      X(oUsed + g) = 0.0;
      X(oReq + g) = 0.0;
    }
    for (int e = 0; e < m.E; ++e)
      if (X(oOpen + e) == y) X(oCap + m.exp_group[e]) += m.exp_add[e];
    if (y > 0 && G > 0) uniforms_n(rng, path, ys, kClosure, 2 * Q, &X(oTmp), st); // block q: occurrence, fraction
    for (int g = 0; g < G; ++g) {
      double lost = 0.0;
      if (y > 0) {
        const int q = m.group_port[g];
        double pc = m.closure_prob[q] * m.sc_closure_scale[sc];
        if (X(oTmp + 2 * q) < pc) {
          lost = m.closure_lo[q] + (m.closure_hi[q] - m.closure_lo[q]) * X(oTmp + 2 * q + 1);
          if (X(oPYear + q) != y) { // one closure per port and year, whatever its groups
            X(oPYear + q) = y;
            X(oCnt + 1 + P + q) += 1.0;
          }
        }
      }
      X(oKeff + g) = X(oCap + g) * (1.0 - lost);
      X(oLost + g) = lost;
      X(oLim + g) = X(oKeff + g) * m.group_overload[g];
    }
    for (int s = 0; s < S; ++s)
      if (m.kind[s] == kLoad && m.group[s] >= 0) X(oLoad + m.group[s]) += X(oDem + s);

    // ---- pro-rata service where load exceeds the soft limit ----
    bool any_excess = false;
    for (int s = 0; s < S; ++s) {
      if (m.kind[s] != kLoad) continue;
      const int g = m.group[s];
      double served = X(oDem + s);
      if (g >= 0) {
        const double load = X(oLoad + g), lim = X(oLim + g);
        if (load > lim) served = load > 0 ? X(oDem + s) * (lim / load) : 0.0;
        X(oUsed + g) += served;
      }
      X(oSrv + s) = served;
      X(oExc + s) = X(oDem + s) - served;
      any_excess = any_excess || X(oExc + s) > 0;
      X(oIn + s) = 0.0;
      X(oOut + s) = 0.0;
    }

    // ---- diversion: same partner/mode/metric elsewhere, then road to rail ----
    const double friction = m.sc_friction[sc];
    for (int round = 0; round < 2 && any_excess; ++round) { // nothing to divert: skip
      const int* begin = round == 0 ? m.alt_begin : m.xalt_begin;
      const int* alts = round == 0 ? m.alt_series : m.xalt_series;
      const double* wts = round == 0 ? m.alt_weight : m.xalt_weight;
      const double share = round == 0 ? 1.0 : m.sc_cross_mode[sc];
      if (share <= 0.0) continue;
      for (int g = 0; g < G; ++g) X(oReq + g) = 0.0;
      for (int s = 0; s < S; ++s) {
        const double ex = X(oExc + s);
        if (m.kind[s] != kLoad || !(ex > 0)) continue;
        for (int k = begin[s]; k < begin[s + 1]; ++k) {
          const int ga = m.group[alts[k]];
          if (ga >= 0) X(oReq + ga) += ex * share * wts[k] * (1.0 - friction);
        }
      }
      for (int g = 0; g < G; ++g) {
        const double spare = X(oLim + g) - X(oUsed + g);
        const double req = X(oReq + g);
        X(oAcc + g) = req > 0 && req > spare ? (spare > 0 ? spare / req : 0.0) : 1.0;
      }
      for (int s = 0; s < S; ++s) {
        const double ex = X(oExc + s);
        if (m.kind[s] != kLoad || !(ex > 0)) continue;
        double out_s = 0.0;
        for (int k = begin[s]; k < begin[s + 1]; ++k) {
          const int a = alts[k];
          const int ga = m.group[a];
          const double take = ex * share * wts[k] * (ga >= 0 ? X(oAcc + ga) : 1.0);
          const double arrive = take * (1.0 - friction);
          out_s += take;
          X(oIn + a) += arrive;
          if (ga >= 0) X(oUsed + ga) += arrive;
        }
        // weights sum to 1 only up to rounding: never divert more than the
        // excess, and leave no rounding residue when all of it goes
        if (out_s > ex || ex - out_s <= 1e-12 * ex) out_s = ex;
        X(oOut + s) += out_s;
        X(oExc + s) = ex - out_s;
      }
    }

    // ---- load series results; derived series follow the served load ----
    for (int s = 0; s < S; ++s) {
      if (m.kind[s] != kLoad) continue;
      X(oFlow + s) = X(oSrv + s) + X(oIn + s);
      X(oUns + s) = X(oExc + s);
    }
    if (derived) { // intensity draws of every series (loads' unused), log intensities, their exp
      if (y > 0) {
        uniforms_n(rng, path, ys, kIntensity, S, &X(oTmp), st);
        fm::inv_normal_n(&X(oTmp), &X(oE), S, st);
      }
      for (int i = 0; i < S; ++i) {
        double x = 0.0;
        if (m.kind[i] == kDerived) {
          if (y > 0) X(oLnT + i) += m.mu[i] + m.sigma[i] * X(oE + i);
          x = X(oLnT + i);
        }
        X(oTmp + i) = x;
      }
      fm::exp_n(&X(oTmp), &X(oE), S, st);
      for (int i = 0; i < S; ++i) {
        if (m.kind[i] != kDerived) continue;
        const double inten = X(oE + i);
        const int l = m.source[i];
        X(oDem + i) = X(oDem + l) * inten;
        X(oFlow + i) = X(oFlow + l) * inten;
        X(oUns + i) = X(oUns + l) * inten;
        X(oSrv + i) = X(oSrv + l) * inten;
        X(oIn + i) = X(oIn + l) * inten;
        X(oOut + i) = X(oOut + l) * inten;
      }
    }

    // ---- this year's cells (Layout::cell_elem), handed to the sink ----
    for (int a = 0; a < m.A; ++a) { // a running sum in a register, in series order
      double total = 0.0;
      for (int k = m.agg_begin[a]; k < m.agg_begin[a + 1]; ++k) total += X(oFlow + m.agg_series[k]);
      X(oAgg + a) = total;
    }
    for (int g = 0; g < G; ++g) {
      const double keff = X(oKeff + g);
      X(oUtil + g) = keff > 0 ? X(oUsed + g) / keff : 0.0;
      X(oOver + g) = X(oLoad + g) > keff ? 1.0 : 0.0;
    }
    out.year(y, X);
    trace.year(y, X);
  }
}

CORRIDOR_KERNELS_END
