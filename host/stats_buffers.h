// The working buffers of a group of cells' statistics on the host, and the
// group that points into them (kernels/stats.h). A run's backends own their
// buffers on their devices (kernels/launch.inl); this serves the statistics
// the host computes itself (scenario differences), the tests and the
// microbenchmark, with laid_out() for their values.
#pragma once
#include <algorithm>
#include <vector>

#include "../kernels/stats.h"

namespace corridor {

template <class V> struct StatsBuffers {
  std::vector<BlockMoments> bm;
  std::vector<CellQuant> q;
  std::vector<uint32_t> hist;
  std::vector<int32_t> mark;
  std::vector<uint64_t> bmin, bmax, cand;
  std::vector<uint16_t> binid;

  // The group of K cells of n values at x, in layout blocks of 2^lbs paths
  // (kPlainColumns: plain columns), with nq quantiles at probs, the
  // exceedance thresholds thr0[k] and thr1[k], and its results at out (K
  // rows of stats_width(nq)). T items per cell for the histogram passes and
  // bper blocks per item for the block passes (T = 1 and bper = 0, all
  // blocks: the CPU's schedule); the first level's bin numbers kept when
  // keep_bins (as a run's CPU buffers keep them).
  StatsGroupT<V> group(const V* x, long long n, int lbs, long long K, const double* probs, int nq, const double* thr0,
                       const double* thr1, double* out, long long T = 1, long long bper = 0, bool keep_bins = true) {
    StatsGroupT<V> G;
    G.x = x;
    G.n = n;
    G.lbs = lbs;
    G.nc = K;
    G.c0 = 0;
    G.ncells = static_cast<int>(K);
    G.nq = nq;
    G.probs = probs;
    G.thr0 = thr0;
    G.thr1 = thr1;
    G.out = out;
    G.width = stats_width(nq);
    G.nblk = stats_blocks(n);
    G.bper = bper > 0 ? bper : G.nblk;
    G.T = T;
    bm.resize(static_cast<size_t>(K * G.nblk));
    q.resize(static_cast<size_t>(K));
    hist.resize(static_cast<size_t>(K * kBins));
    mark.resize(static_cast<size_t>(K * kBins));
    bmin.resize(static_cast<size_t>(K * kBins));
    bmax.resize(static_cast<size_t>(K * kBins));
    cand.resize(static_cast<size_t>(K * kCand));
    G.bm = bm.data();
    G.q = q.data();
    G.hist = hist.data();
    G.mark = mark.data();
    G.bmin = bmin.data();
    G.bmax = bmax.data();
    G.cand = cand.data();
    if (keep_bins) {
      binid.resize(static_cast<size_t>(K * n));
      G.binid = binid.data();
    }
    return G;
  }
};

// K cells of n values each (cells[k][i]) as a group reads them
// (StatsGroupT::at): in layout blocks of 2^lbs paths, each block holding its
// share of every cell side by side, as a run's pass stores them
// (launch.inl, Columns); kPlainColumns: one cell after another.
template <class V> std::vector<V> laid_out(const std::vector<std::vector<double>>& cells, int lbs) {
  const long long n = static_cast<long long>(cells.at(0).size()), K = static_cast<long long>(cells.size());
  const long long lb = lbs < kPlainColumns ? (1ll << lbs) : n;
  std::vector<V> x(static_cast<size_t>(n * K));
  for (long long k = 0; k < K; ++k)
    for (long long i = 0; i < n; ++i) {
      const long long b0 = i / lb * lb, len = std::min(lb, n - b0);
      x[static_cast<size_t>(b0 * K + k * len + (i - b0))] = static_cast<V>(cells[k][i]);
    }
  return x;
}

} // namespace corridor
