#include "converge.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "../kernels/stats.h"
#include "model_build.h"

namespace corridor {

namespace {
constexpr double kZ = 1.959963984540054; // the 97.5% normal quantile
// p_over_capacity: the Wilson half-width relative to the rarer outcome's
// probability, min(p, 1 - p), but never below this floor: a probability near
// 0 or 1 is then held to an absolute half-width of target * kProbFloor
constexpr double kProbFloor = 0.05;
} // namespace

const std::vector<std::string>& convergence_statistics() {
  static const std::vector<std::string> s{"total_quantile", "p_over_capacity", "total_mean"};
  return s;
}

void order_stat_interval_probs(double p, uint32_t n, double& lo, double& hi) {
  const double dn = n, s = kZ * std::sqrt(dn * p * (1.0 - p));
  // 1-based ranks n p -/+ s, rounded outwards; 0-based positions among n values
  const double rlo = std::floor(dn * p - s) - 1.0, rhi = std::ceil(dn * p + s) - 1.0;
  const double last = dn - 1.0;
  lo = n > 1 ? std::clamp(rlo, 0.0, last) / last : 0.0;
  hi = n > 1 ? std::clamp(rhi, 0.0, last) / last : 1.0;
}

double wilson_halfwidth(double p, double n) {
  const double z2 = kZ * kZ;
  return kZ / (1.0 + z2 / n) * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
}

namespace {

// one statistic's cells at one step: estimate, interval, relative half-width
struct Cells {
  std::vector<double> est, lo, hi, rel;
  std::vector<std::string> name;
  void add(double e, double l, double h, double r, std::string n) {
    est.push_back(e), lo.push_back(l), hi.push_back(h), rel.push_back(r), name.push_back(std::move(n));
  }
  size_t worst() const {
    size_t w = 0;
    for (size_t i = 1; i < rel.size(); ++i)
      if (rel[i] > rel[w]) w = i;
    return w;
  }
};

struct Pilot {
  std::vector<double> probs;   // sorted, unique: what the run computes
  std::vector<int> at, lo, hi; // per user quantile: its column and its interval's
};

Pilot pilot_probs(const std::vector<double>& user, uint32_t n, bool intervals) {
  Pilot p;
  std::vector<double> all(user);
  std::vector<double> plo(user.size()), phi(user.size());
  if (intervals)
    for (size_t i = 0; i < user.size(); ++i) {
      order_stat_interval_probs(user[i], n, plo[i], phi[i]);
      all.push_back(plo[i]), all.push_back(phi[i]);
    }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  p.probs = all;
  auto idx = [&](double v) { return static_cast<int>(std::lower_bound(all.begin(), all.end(), v) - all.begin()); };
  for (size_t i = 0; i < user.size(); ++i) {
    p.at.push_back(idx(user[i]));
    p.lo.push_back(intervals ? idx(plo[i]) : p.at.back());
    p.hi.push_back(intervals ? idx(phi[i]) : p.at.back());
  }
  return p;
}

std::vector<Cells> measure(const HostModel& m, const ModelInfo& info, const RunResult& res, const Pilot& pl,
                           const std::vector<double>& user, const std::vector<std::string>& on) {
  const ModelView v = m.view();
  const int C = v.cells(), W = res.width, nq = static_cast<int>(pl.probs.size());
  const int K = static_cast<int>(info.agg_total.size());
  auto st = [&](int sc, int cell, int k) { return res.stats[(static_cast<size_t>(sc) * C + cell) * W + k]; };
  auto rel = [](double e, double halfw) { return e != 0 ? halfw / std::fabs(e) : 0.0; }; // value 0: skipped
  std::vector<Cells> out(on.size());
  for (size_t s = 0; s < on.size(); ++s)
    for (int sc = 0; sc < m.NS; ++sc)
      for (int y = 1; y < m.Y; ++y) {
        const std::string where = "scenario=" + info.scenarios[sc];
        const std::string yr = ", year=" + std::to_string(info.years[y]);
        if (on[s] == "total_quantile" || on[s] == "total_mean")
          for (int k = 0; k < K; ++k) {
            const int cell = v.agg_cell(info.agg_total[k], y);
            const std::string nm = on[s] + "[" + where + ", metric=" + info.metrics[k] + yr;
            if (on[s] == "total_mean") {
              const double e = st(sc, cell, 0), h = kZ * st(sc, cell, 2);
              out[s].add(e, e - h, e + h, rel(e, h), nm + "]");
            } else {
              for (size_t q = 0; q < user.size(); ++q) {
                const double e = st(sc, cell, 3 + pl.at[q]), l = st(sc, cell, 3 + pl.lo[q]),
                             h = st(sc, cell, 3 + pl.hi[q]);
                char pq[32];
                std::snprintf(pq, sizeof pq, "%g", user[q]);
                out[s].add(e, l, h, rel(e, (h - l) / 2), nm + ", quantile=" + pq + "]");
              }
            }
          }
        else // p_over_capacity
          for (int g = 0; g < m.G; ++g) {
            const double p = st(sc, v.group_cell(g, 1, y), 3 + nq); // intervals: run_to_precision
            out[s].add(p, 0, 0, 0, on[s] + "[" + where + ", group=" + info.groups[g] + yr + "]");
          }
      }
  return out;
}

// A pilot's statistics with the user's quantiles only (stats_width: mean,
// sd, sem, the quantiles, two exceedance probabilities), for `cells` cells.
RunResult user_quantiles(const RunResult& res, const Pilot& pl, long long cells) {
  RunResult r = res;
  const int nq = static_cast<int>(pl.at.size()), W = stats_width(nq), PW = res.width;
  r.width = W;
  r.stats.assign(static_cast<size_t>(cells) * W, 0.0);
  for (long long c = 0; c < cells; ++c) {
    const double* src = res.stats.data() + c * PW;
    double* dst = r.stats.data() + c * W;
    dst[0] = src[0], dst[1] = src[1], dst[2] = src[2];
    for (int q = 0; q < nq; ++q) dst[3 + q] = src[3 + pl.at[q]];
    dst[3 + nq] = src[PW - 2], dst[4 + nq] = src[PW - 1];
  }
  return r;
}

} // namespace

ConvergenceRecord run_to_precision(Backend& be, const HostModel& m, const ModelInfo& info, const CellPlan& plan,
                                   RunConfig& cfg, double target, const std::vector<std::string>& on,
                                   uint32_t start_paths, uint32_t max_paths, bool verbose, RunResult& final_stats) {
  ConvergenceRecord rec;
  rec.target = target;
  rec.statistics = on;
  const std::vector<double> user = cfg.probs;
  const bool quant = std::find(on.begin(), on.end(), "total_quantile") != on.end();
  std::vector<std::vector<Cells>> steps;
  uint32_t n = std::max<uint32_t>(1, std::min(start_paths, max_paths));
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    const Pilot pl = pilot_probs(user, n, quant);
    if (static_cast<int>(pl.probs.size()) > kMaxQuantiles)
      throw std::runtime_error("--precision on total_quantile: " + std::to_string(user.size()) +
                               " quantiles and their intervals need " + std::to_string(pl.probs.size()) +
                               " probabilities, more than " + std::to_string(kMaxQuantiles) + " (fewer --quantiles)");
    RunConfig pc = cfg;
    pc.paths = n;
    pc.probs = pl.probs;
    pc.sensitivity = nullptr;
    pc.progress = nullptr;
    RunResult res;
    const auto ts = std::chrono::steady_clock::now();
    be.run(m, plan, pc, res);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
    std::vector<Cells> cells = measure(m, info, res, pl, user, on);
    // p_over_capacity: Wilson intervals with this n
    for (size_t s = 0; s < on.size(); ++s)
      if (on[s] == "p_over_capacity")
        for (size_t i = 0; i < cells[s].est.size(); ++i) {
          const double p = cells[s].est[i], h = wilson_halfwidth(p, n);
          const double mid = (p + kZ * kZ / (2.0 * n)) / (1.0 + kZ * kZ / n);
          cells[s].lo[i] = std::max(0.0, mid - h);
          cells[s].hi[i] = std::min(1.0, mid + h);
          cells[s].rel[i] = h / std::max(std::min(p, 1.0 - p), kProbFloor);
        }
    rec.paths.push_back(n);
    double worst = 0;
    std::string which;
    for (size_t s = 0; s < on.size(); ++s) {
      const double w = cells[s].rel.empty() ? 0.0 : cells[s].rel[cells[s].worst()];
      rec.halfwidth.push_back(w);
      if (w >= worst) worst = w, which = on[s];
    }
    steps.push_back(std::move(cells));
    if (worst <= target || n >= max_paths) {
      if (verbose)
        std::fprintf(stderr,
                     "precision: %u paths, largest relative half-width %.3g (%s)%s; their statistics are the "
                     "output\n",
                     n, worst, which.c_str(), worst <= target ? " reached the target" : ", --max-paths reached");
      final_stats = user_quantiles(res, pl, static_cast<long long>(m.NS) * m.view().cells());
      break;
    }
    // half-widths shrink as 1/sqrt(n): the paths the worst cell needs, with a
    // margin, at least twice and at most eight times this step's
    const double need = static_cast<double>(n) * (worst / target) * (worst / target) * 1.1;
    const double next = std::clamp(need, 2.0 * n, 8.0 * n);
    const uint32_t nn = static_cast<uint32_t>(std::min<double>(next, max_paths));
    if (verbose) {
      // the next pilot, whose statistics are the output if it reaches the target
      const double rate = secs / n;
      std::fprintf(stderr,
                   "precision: %u paths, largest relative half-width %.3g (%s) > %g; next %u paths "
                   "(about %u needed), about %.0f s left (%.0f s so far)\n",
                   n, worst, which.c_str(), target, nn, static_cast<uint32_t>(std::min<double>(need, 4e9)), rate * nn,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    n = nn;
  }
  // the output is the last pilot's, so its precision is the last pilot's
  cfg.paths = n;
  const size_t last = steps.size() - 1;
  for (size_t s = 0; s < on.size(); ++s) {
    rec.reached.push_back(rec.halfwidth[last * on.size() + s]);
    const size_t w = steps[last][s].rel.empty() ? 0 : steps[last][s].worst();
    rec.cell.push_back(steps[last][s].name.empty() ? "" : steps[last][s].name[w]);
  }
  for (size_t i = 0; i <= last; ++i)
    for (size_t s = 0; s < on.size(); ++s) {
      const Cells& c = steps[i][s];
      const size_t w = c.rel.empty() ? 0 : steps[last][s].worst();
      rec.estimate.push_back(c.est.empty() ? 0 : c.est[w]);
      rec.lower.push_back(c.lo.empty() ? 0 : c.lo[w]);
      rec.upper.push_back(c.hi.empty() ? 0 : c.hi[w]);
    }
  return rec;
}

} // namespace corridor
