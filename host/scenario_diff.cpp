#include "scenario_diff.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "../kernels/stats.h"
#include "input.h"
#include "stats_buffers.h"

namespace corridor {

int reference_scenario(const ModelInfo& info, const std::string& name) {
  if (name.empty()) return 0;
  for (size_t i = 0; i < info.scenarios.size(); ++i)
    if (info.scenarios[i] == name) return static_cast<int>(i);
  std::string known;
  for (const auto& s : info.scenarios) known += (known.empty() ? "" : ", ") + s;
  throw InputError({"--reference: no scenario " + name + " (the input has " + known + ")"});
}

namespace {

// The statistics of one cell over a plain column (the CPU run's schedule:
// one item per cell, the first level's bin numbers kept).
struct CellStats {
  StatsBuffers<double> buf;

  void run(const double* x, long long n, const std::vector<double>& probs, double* out) {
    const int nq = static_cast<int>(probs.size());
    // P(d > 0) as P(d >= the smallest positive double); P(d < 0) counted below
    const double thr0 = std::numeric_limits<double>::denorm_min(), thr1 = 0.0;
    stats_serial(buf.group(x, n, kPlainColumns, 1, probs.data(), nq, &thr0, &thr1, out));
    long long neg = 0;
    for (long long i = 0; i < n; ++i) neg += x[i] < 0.0;
    out[4 + nq] = static_cast<double>(neg) / static_cast<double>(n);
  }
};

uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : (uint64_t(4) << 30);
}

// Xinjiang totals of one chunk: tot[(i * K + k) * Y + y], summed in the
// order of the run's aggregates (kernels/model.h, year_totals)
void chunk_totals(const HostModel& m, const ModelInfo& info, const std::vector<double>& f, uint32_t count,
                  std::vector<double>& tot) {
  const int S = m.S, Y = m.Y, K = static_cast<int>(info.agg_total.size());
  tot.assign(static_cast<size_t>(count) * K * Y, 0.0);
#pragma omp parallel for schedule(static)
  for (long long i = 0; i < static_cast<long long>(count); ++i)
    for (int k = 0; k < K; ++k) {
      const int a = info.agg_total[k];
      for (int y = 0; y < Y; ++y) {
        double t = 0.0;
        for (int j = m.agg_begin[a]; j < m.agg_begin[a + 1]; ++j)
          t += f[(static_cast<size_t>(i) * S + m.agg_series[j]) * Y + y];
        tot[(static_cast<size_t>(i) * K + k) * Y + y] = t;
      }
    }
}

} // namespace

double path_difference(double a, double ref) {
  const double d = a - ref;
  return std::fabs(d) <= kDiffRounding * std::max(std::fabs(a), std::fabs(ref)) ? 0.0 : d;
}

void diff_cell_stats(const double* x, long long n, const std::vector<double>& probs, double* out) {
  CellStats cs;
  cs.run(x, n, probs, out);
}

ScenarioDiff scenario_diffs(Backend& be, const HostModel& m, const ModelInfo& info, uint64_t seed, uint32_t paths,
                            const std::vector<double>& probs, int reference, uint64_t max_memory,
                            const std::function<void(double)>& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  ScenarioDiff d;
  d.reference = reference;
  d.NS = m.NS;
  d.S = m.S;
  d.K = static_cast<int>(info.agg_total.size());
  d.Y = m.Y;
  d.probs = probs;
  const int W = d.width(), S = d.S, K = d.K, Y = d.Y;
  d.flow.assign(static_cast<size_t>(d.NS) * S * Y * W, 0.0); // the reference's rows stay 0
  d.total.assign(static_cast<size_t>(d.NS) * K * Y * W, 0.0);
  if (paths == 0 || d.NS < 2) return d;
  const long long n = paths;
  std::vector<int> others; // the scenarios compared with the reference
  for (int sc = 0; sc < d.NS; ++sc)
    if (sc != reference) others.push_back(sc);
  const uint64_t C = static_cast<uint64_t>(S + K) * Y; // cells per scenario: flows, then totals
  const uint64_t ncells = C * others.size();
  // the budget: chunks of raw flows (reference and scenario, with their
  // totals; raw_flows' own scratch and copy), one statistics buffer per
  // thread, then the columns
  const uint64_t budget = max_memory ? max_memory : physical_memory_bytes() / 2;
  const Layout L(m.view());
  const uint64_t per_path =
      static_cast<uint64_t>(S + K) * Y * 8 * 2 + static_cast<uint64_t>(L.size) * 8 + static_cast<uint64_t>(S) * Y * 8;
  uint64_t chunk = std::min<uint64_t>(static_cast<uint64_t>(n), 16384);
  chunk = std::max<uint64_t>(1, std::min<uint64_t>(chunk, budget / 8 / per_path));
  const uint64_t threads = static_cast<uint64_t>(std::max(1, omp_get_max_threads()));
  const uint64_t fixed = chunk * per_path + threads * static_cast<uint64_t>(stats_bytes_per_cell(n)) +
                         (d.flow.size() + d.total.size()) * 8;
  const uint64_t per_cell = static_cast<uint64_t>(n) * 8;
  const uint64_t fit = budget > fixed ? (budget - fixed) / per_cell : 0;
  if (fit == 0)
    throw std::runtime_error("--max-memory " + std::to_string(budget) + " bytes is too small for the scenario " +
                             "differences of " + std::to_string(n) + " paths: at least " +
                             std::to_string(fixed + per_cell) + " are needed");
  d.cells_per_pass = std::min(ncells, fit);
  d.passes = (ncells + d.cells_per_pass - 1) / d.cells_per_pass;
  std::vector<double> col(static_cast<size_t>(d.cells_per_pass) * n);
  std::vector<double> fref, fsc, tref, tsc;
  const uint64_t nchunks = (static_cast<uint64_t>(n) + chunk - 1) / chunk;
  for (uint64_t pass = 0; pass < d.passes; ++pass) {
    const uint64_t g0 = pass * d.cells_per_pass, g1 = std::min(ncells, g0 + d.cells_per_pass);
    for (uint64_t c = 0; c < nchunks; ++c) {
      const uint64_t p0 = c * chunk;
      const uint32_t cnt = static_cast<uint32_t>(std::min<uint64_t>(chunk, static_cast<uint64_t>(n) - p0));
      be.raw_flows(m, seed, reference, p0, cnt, fref);
      chunk_totals(m, info, fref, cnt, tref);
      for (uint64_t j = g0 / C; j <= (g1 - 1) / C; ++j) {
        be.raw_flows(m, seed, others[j], p0, cnt, fsc);
        chunk_totals(m, info, fsc, cnt, tsc);
        const uint64_t a = std::max(g0, j * C), b = std::min(g1, (j + 1) * C);
        // tiles of kTile paths: a cell's values of a tile are written side
        // by side, while the tile's raw flows stay in cache
        constexpr long long kTile = 64;
        const long long tiles = (static_cast<long long>(cnt) + kTile - 1) / kTile;
#pragma omp parallel for schedule(static)
        for (long long t = 0; t < tiles; ++t) {
          const long long i0 = t * kTile, i1 = std::min<long long>(i0 + kTile, cnt);
          for (uint64_t g = a; g < b; ++g) {
            const uint64_t cc = g - j * C;
            double* dst = &col[(g - g0) * n + p0];
            if (cc < static_cast<uint64_t>(S) * Y) {
              for (long long i = i0; i < i1; ++i) {
                const size_t e = static_cast<size_t>(i) * S * Y + cc;
                dst[i] = path_difference(fsc[e], fref[e]);
              }
            } else {
              for (long long i = i0; i < i1; ++i) {
                const size_t e = static_cast<size_t>(i) * K * Y + (cc - static_cast<uint64_t>(S) * Y);
                dst[i] = path_difference(tsc[e], tref[e]);
              }
            }
          }
        }
      }
      if (progress) progress((static_cast<double>(pass * nchunks + c + 1)) / static_cast<double>(d.passes * nchunks));
    }
    // the statistics of the pass's cells, one cell per task
#pragma omp parallel
    {
      CellStats cs;
#pragma omp for schedule(dynamic, 1)
      for (long long g = static_cast<long long>(g0); g < static_cast<long long>(g1); ++g) {
        const uint64_t j = static_cast<uint64_t>(g) / C, cc = static_cast<uint64_t>(g) % C;
        const int sc = others[j];
        double* out = cc < static_cast<uint64_t>(S) * Y
                          ? &d.flow[((static_cast<size_t>(sc) * S * Y) + cc) * W]
                          : &d.total[((static_cast<size_t>(sc) * K * Y) + (cc - static_cast<uint64_t>(S) * Y)) * W];
        cs.run(&col[(static_cast<uint64_t>(g) - g0) * n], n, probs, out);
      }
    }
  }
  d.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return d;
}

} // namespace corridor
