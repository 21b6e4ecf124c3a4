// Statistics of cells (one scenario, quantity and year over all paths),
// host+device. Every result is a pure function of the cell's values in path
// order, so it does not depend on threads, batches, passes or the backend:
// - sums run over fixed blocks of kSumBlock paths, each block's as
//   kSumLanes interleaved partial sums added pairwise (block_sum), block
//   sums added in block order (the same order whichever worker produced a
//   block);
// - quantiles are exact order statistics (numpy's 'linear', Hyndman-Fan 7),
//   found by radix bracketing on order-preserving keys (64-bit ones of
//   doubles, 32-bit ones of a run's single-precision values): a histogram
//   pass, then exact sorting of only the few values in the bins that hold the
//   wanted ranks (refining a bin that is still too large).
//
// The work is cut into phases over a group of cells, each phase either one
// task per cell (merging, choosing bins, sorting candidates) or several items
// per cell that share the pass over its values (block sums, histograms,
// collecting candidates). The CPU backend gives each cell one item, so one
// thread streams a whole column; the GPU gives each cell one item per block
// of paths, so every thread of the chip has work even for a few cells. Items
// of one cell only add to integer counts, take minima and maxima, and claim
// candidate slots (atomically on the GPU), so their order changes nothing.
#pragma once
#include <algorithm>

#include "fmath.h"

CORRIDOR_KERNELS_BEGIN

constexpr int kSumBlock = 1024;
constexpr int kSumLanes = 8; // interleaved partial sums of a block (block_sum)
constexpr int kBins = 4096;  // histogram bins per pass
constexpr int kCand = 16384; // candidate keys sorted exactly per cell and level
constexpr int kMaxQuantiles = 32;
constexpr int kMaxRanks = 2 * kMaxQuantiles; // the two order statistics around each quantile

// Output layout of one cell: mean, sd, sem, quantiles..., P(x >= thr0), P(x >= thr1).
CORRIDOR_INLINE int stats_width(int nq) { return 5 + nq; }

CORRIDOR_INLINE uint64_t order_key(double x) {
  const uint64_t u = fm::bits(x);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}
CORRIDOR_INLINE double key_value(uint64_t k) { return fm::from_bits((k >> 63) ? (k & 0x7fffffffffffffffull) : ~k); }

// The keys of the values a group of cells holds: 64-bit ones of doubles,
// 32-bit ones of floats (a run's stored values). A float's key orders it as
// its double's key does, so the order statistics are the same; the passes
// over the values work on half as wide keys. Keys live in 64-bit fields
// between the passes (CellQuant, BlockMoments, candidates). at_least(t) is
// the value c with x >= c exactly when x >= t, for every value x.
template <class V> struct KeyOf;
template <> struct KeyOf<double> {
  using K = uint64_t;
  static CORRIDOR_INLINE K key(double x) { return order_key(x); }
  static CORRIDOR_INLINE double value(uint64_t k) { return key_value(k); }
  static CORRIDOR_INLINE double at_least(double t) { return t; }
};
template <> struct KeyOf<float> {
  using K = uint32_t;
  static CORRIDOR_INLINE K key(float x) {
    const uint32_t u = fm::bits(x);
    return (u >> 31) ? ~u : (u | 0x80000000u);
  }
  static CORRIDOR_INLINE double value(uint64_t k) {
    const uint32_t u = static_cast<uint32_t>(k);
    return static_cast<double>(fm::from_bits32((u >> 31) ? (u & 0x7fffffffu) : ~u));
  }
  // the least float not below t (t itself when NaN: no x is >= NaN)
  static CORRIDOR_INLINE float at_least(double t) {
    float c = static_cast<float>(t);
    if (static_cast<double>(c) < t) { // rounded down: the next float up
      const uint32_t u = fm::bits(c);
      c = fm::from_bits32((u >> 31) ? u - 1 : u + 1); // (t > 0 never rounds to -0)
    }
    return c;
  }
};
// a narrow key widened; a min-type sentinel (all ones) stays all ones
template <class K> CORRIDOR_INLINE uint64_t wide_min_key(K k) {
  return k == static_cast<K>(~K(0)) ? ~uint64_t(0) : static_cast<uint64_t>(k);
}
CORRIDOR_INLINE int bit_length(uint64_t x) {
  int n = 0;
  while (x) {
    ++n;
    x >>= 1;
  }
  return n;
}

CORRIDOR_INLINE void heap_sort(uint64_t* a, int n) {
  auto sift = [a](int i, int len) {
    for (;;) {
      int c = 2 * i + 1;
      if (c >= len) return;
      if (c + 1 < len && a[c + 1] > a[c]) ++c;
      if (a[i] >= a[c]) return;
      const uint64_t t = a[i];
      a[i] = a[c];
      a[c] = t;
      i = c;
    }
  };
  for (int i = n / 2 - 1; i >= 0; --i) sift(i, n);
  for (int end = n - 1; end > 0; --end) {
    const uint64_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(0, end);
  }
}

// Sorts n keys ascending: heap sort on the device, the standard library's
// (faster) sort on the host; keys are plain integers, so the same order.
CORRIDOR_INLINE void sort_keys(uint64_t* a, int n) {
#if defined(__CUDA_ARCH__)
  heap_sort(a, n);
#else
  std::sort(a, a + n);
#endif
}

// numpy's _lerp, so results match numpy.quantile bit for bit.
CORRIDOR_INLINE double lerp_np(double a, double b, double t) {
  const double d = b - a;
  return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

// Position h = (n - 1) p of probability p among n sorted values and the
// ranks lo <= h <= hi of the two order statistics numpy interpolates between.
struct Type7 {
  double h;
  long long lo, hi;
};
CORRIDOR_INLINE Type7 type7_ranks(long long n, double p) {
  Type7 r;
  r.h = (static_cast<double>(n) - 1.0) * p;
  r.lo = static_cast<long long>(r.h); // h >= 0
  if (r.lo > n - 1) r.lo = n - 1;
  r.hi = r.lo + 1 < n ? r.lo + 1 : n - 1;
  return r;
}

// Updates of counters that the items of one cell share. On the GPU several
// items of a cell run at once and update them atomically; the CPU backend
// gives every cell a single item (see launch.inl), so plain updates suffice.
CORRIDOR_INLINE uint32_t shared_inc(uint32_t* p) {
#if defined(__CUDA_ARCH__)
  return atomicAdd(p, 1u);
#else
  return (*p)++;
#endif
}
CORRIDOR_INLINE void shared_min(uint64_t* p, uint64_t v) {
#if defined(__CUDA_ARCH__)
  if (v < *static_cast<volatile uint64_t*>(p)) // minima only fall: a stale read only costs an atomic
    atomicMin(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
#else
  if (v < *p) *p = v;
#endif
}
CORRIDOR_INLINE void shared_max(uint64_t* p, uint64_t v) {
#if defined(__CUDA_ARCH__)
  if (v > *static_cast<volatile uint64_t*>(p))
    atomicMax(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
#else
  if (v > *p) *p = v;
#endif
}

// The sum of f(x[i]) over the paths i0 <= i < i1 of one block: partial sum l
// takes the paths i0 + l, i0 + l + kSumLanes, ..., in order, and the partial
// sums are added pairwise. A fixed order, like the path order, but kSumLanes
// chains instead of one, which the host compiler vectorises.
template <class V, class F> CORRIDOR_INLINE double block_sum(const V* x, long long i0, long long i1, F f) {
  double part[kSumLanes];
  for (int l = 0; l < kSumLanes; ++l) part[l] = 0.0;
  long long i = i0;
  for (; i + kSumLanes <= i1; i += kSumLanes)
    for (int l = 0; l < kSumLanes; ++l) part[l] += f(x[i + l]);
  for (int l = 0; i + l < i1; ++l) part[l] += f(x[i + l]);
  static_assert(kSumLanes == 8, "the pairwise order below");
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

// The sum of squared deviations from `mean` of one block's paths.
template <class V> CORRIDOR_INLINE double block_ss(const V* x, long long i0, long long i1, double mean) {
  return block_sum(x, i0, i1, [mean](double v) {
    const double d = v - mean;
    return d * d;
  });
}

// Sums, exceedance counts and extremes of one block of paths. The extremes
// are the smallest and largest key with their counts and the next distinct
// ones: ties at the extremes (zeros of unserved demand, 0/1 indicators,
// utilisation at its cap) are counted here and kept out of the histograms.
struct BlockMoments {
  double sum, ss;
  long long c0, c1, nmin, nmax;
  uint64_t kmin, kmin2, kmax, kmax2;
};
CORRIDOR_INLINE void moments_clear(BlockMoments& b) {
  b.sum = b.ss = 0.0;
  b.c0 = b.c1 = b.nmin = b.nmax = 0;
  b.kmin = b.kmin2 = ~uint64_t(0);
  b.kmax = b.kmax2 = 0;
}
// Folds the extremes of b into a (associative and commutative).
CORRIDOR_INLINE void moments_merge_extremes(BlockMoments& a, const BlockMoments& b) {
  if (b.nmin > 0) {
    if (b.kmin < a.kmin) {
      a.kmin2 = a.kmin < b.kmin2 ? a.kmin : b.kmin2;
      a.kmin = b.kmin;
      a.nmin = b.nmin;
    } else if (b.kmin == a.kmin) {
      a.nmin += b.nmin;
      a.kmin2 = b.kmin2 < a.kmin2 ? b.kmin2 : a.kmin2;
    } else if (b.kmin < a.kmin2) {
      a.kmin2 = b.kmin;
    }
  }
  if (b.nmax > 0) {
    if (b.kmax > a.kmax) {
      a.kmax2 = a.kmax > b.kmax2 ? a.kmax : b.kmax2;
      a.kmax = b.kmax;
      a.nmax = b.nmax;
    } else if (b.kmax == a.kmax) {
      a.nmax += b.nmax;
      a.kmax2 = b.kmax2 > a.kmax2 ? b.kmax2 : a.kmax2;
    } else if (b.kmax > a.kmax2) {
      a.kmax2 = b.kmax;
    }
  }
}

// Per-cell state of the quantile search. Each wanted rank has an interval of
// keys [ra, rb] that holds it, with rbelow values below ra; a level takes
// the ranks that share the first open interval, histograms it, and either
// finds their keys, collects the few candidates of their bins for exact
// sorting, or narrows their interval to one heavy bin for the next level.
struct CellQuant {
  double mean;
  BlockMoments m; // merged over all blocks
  int nr;         // wanted ranks, ascending
  int active;     // a level is under way
  int collect;    // this level collects candidates
  int used;       // candidate slots claimed in this level
  int shift;      // bin width 2^shift keys
  int level;      // levels done; from the second on, bins also record their extremes
  long long nb;   // bins in this level
  uint64_t lo, hi;
  long long below;
  long long rank[kMaxRanks];
  uint64_t key[kMaxRanks];
  uint64_t ra[kMaxRanks], rb[kMaxRanks];
  long long rbelow[kMaxRanks];
  long long bin[kMaxRanks]; // bin in this level; -1: not in this level
  long long binbelow[kMaxRanks];
  long long heavy[kMaxRanks]; // heavy bin of this level whose extremes the collection finds (kept bins); -1: none
  int done[kMaxRanks];
};

// A group of cells and the buffers of its statistics. Their n values lie
// in layout blocks of 2^lbs paths (at least kSumBlock; the last block
// shorter), each holding its share of all nc columns side by side: path i
// of column c at x + b0 * nc + c * (paths in that block) + (i - b0), b0 =
// i rounded down to its block (launch.inl, Columns; plain columns: lbs =
// kPlainColumns, one block). Cell k of the group is column c0 + k. Its
// results go to out + k * width.
//
// Split across processes (MPI ranks, kernels/dist.h), x holds only this
// process's n paths of the run's n_all: the item phases read them and write
// the moments of its nblk blocks; the cell phases merge nblk_all entries of
// bm per cell (a split run hands them one: every rank's blocks folded in
// block order, launch.inl) and rank among all n_all paths. Alone, n_all and
// nblk_all are 0: n and nblk.
constexpr int kPlainColumns = 62; // a layout block shift beyond any path count
template <class V> struct StatsGroupT {
  const V* x;
  long long n;
  int lbs = kPlainColumns;
  long long nc = 1, c0 = 0;
  int ncells;
  int nq;
  const double* probs;
  const double* thr0; // per cell
  const double* thr1;
  double* out;
  int width;
  long long nblk;                    // blocks of kSumBlock paths per cell (this process's)
  long long n_all = 0, nblk_all = 0; // the whole run's paths; the block moments the cell phases merge
  long long bper;                    // blocks per item of the block passes
  long long T;                       // items per cell of the histogram and collection passes
  BlockMoments* bm;                  // [cell][nblk]
  CellQuant* q;                      // [cell]
  uint32_t* hist;                    // [cell][kBins]
  int32_t* mark;                     // [cell][kBins]
  uint64_t* bmin;                    // [cell][kBins]
  uint64_t* bmax;                    // [cell][kBins]
  uint64_t* cand;                    // [cell][kCand]
  // [cell][n] or null: the first level's bin of every value, written by the
  // pass that counts it with one item per cell (stats_ss_hist_cell) so that
  // the collection compares 16-bit bin numbers instead of recomputing keys
  uint16_t* binid = nullptr;
  CORRIDOR_INLINE long long total() const { return n_all > 0 ? n_all : n; }
  CORRIDOR_INLINE long long blocks_all() const { return nblk_all > 0 ? nblk_all : nblk; }
  CORRIDOR_INLINE long long block_items() const { return bper > 0 ? (nblk + bper - 1) / bper : 0; }
  // item t of a block pass takes blocks t * bper to blocks_end(t) - 1; block b
  // holds paths b * kSumBlock to path_end(b) - 1
  CORRIDOR_INLINE long long blocks_end(long long t) const { return (t + 1) * bper < nblk ? (t + 1) * bper : nblk; }
  CORRIDOR_INLINE long long path_end(long long b) const { return (b + 1) * kSumBlock < n ? (b + 1) * kSumBlock : n; }
  // value i of cell k; the kSumBlock paths of block b of cell k (adjacent)
  CORRIDOR_INLINE const V* at(long long k, long long i) const {
    const long long b0 = (i >> lbs) << lbs, len = n - b0 < (1ll << lbs) ? n - b0 : (1ll << lbs);
    return x + b0 * nc + (c0 + k) * len + (i - b0);
  }
  CORRIDOR_INLINE const V* block(long long k, long long b) const { return at(k, b * kSumBlock); }
  CORRIDOR_INLINE double value(long long k, long long i) const { return *at(k, i); }
  // the group of cell k alone
  CORRIDOR_INLINE StatsGroupT cell(long long k) const {
    StatsGroupT g = *this;
    g.c0 = c0 + k;
    g.ncells = 1;
    g.thr0 = thr0 + k;
    g.thr1 = thr1 + k;
    g.out = out + k * width;
    g.bm = bm + k * nblk;
    g.q = q + k;
    g.hist = hist + k * kBins;
    g.mark = mark + k * kBins;
    g.bmin = bmin + k * kBins;
    g.bmax = bmax + k * kBins;
    g.cand = cand + k * kCand;
    g.binid = binid ? binid + k * n : nullptr;
    return g;
  }
};
// A run stores each path's value of a cell in single precision (Value) for
// its statistics: half the memory written, first touched and read of double
// precision, for a rounding (relative 2^-24, 6e-8) far below the Monte Carlo
// error of any statistic. The statistics are then exact for the stored
// values: sums in double precision in a fixed order, quantiles their exact
// order statistics (MODEL.md section 6). The same code takes double values
// (StatsGroupT<double>: scenario differences, the tests).
using Value = float;
using StatsGroup = StatsGroupT<Value>;
// x as a run stores it for its statistics, as a double.
CORRIDOR_INLINE double as_stored(double x) { return static_cast<double>(static_cast<Value>(x)); }
CORRIDOR_INLINE long long stats_blocks(long long n) { return (n + kSumBlock - 1) / kSumBlock; }
CORRIDOR_INLINE long long stats_bytes_per_cell(long long n) {
  return static_cast<long long>(kBins) * (4 + 4 + 8 + 8) + static_cast<long long>(kCand) * 8 +
         static_cast<long long>(sizeof(CellQuant)) + stats_blocks(n) * static_cast<long long>(sizeof(BlockMoments)) +
         n * static_cast<long long>(sizeof(uint16_t));
}

// ---- phase 1 (items): block sums, exceedance counts, extremes ----
template <class V> CORRIDOR_INLINE void stats_moments_item(const StatsGroupT<V>& G, long long item) {
  const long long bi = G.block_items(); // 0: no paths here (a rank's empty share), so no items
  if (bi == 0) return;
  const long long k = item / bi, t = item % bi;
  // the thresholds as values (the exceedances compare values); counts of
  // one block fit in 32 bits, keys of floats are 32 bits wide: more lanes
  // per vector
  const V t0 = KeyOf<V>::at_least(G.thr0[k]), t1 = KeyOf<V>::at_least(G.thr1[k]);
  using K = typename KeyOf<V>::K;
  const long long b1 = G.blocks_end(t);
  for (long long b = t * G.bper; b < b1; ++b) {
    const V* x = G.block(k, b);
    const long long i0 = 0, i1 = G.path_end(b) - b * kSumBlock;
    // without branches: ties at the extremes (zeros of unserved demand, 0/1
    // indicators) come in no predictable order
    const double sum = block_sum(x, i0, i1, [](double v) { return v; });
    int c0 = 0, c1 = 0;
    K kmin = ~K(0), kmax = 0;
    for (long long i = i0; i < i1; ++i) {
      c0 += x[i] >= t0;
      c1 += x[i] >= t1;
      const K key = KeyOf<V>::key(x[i]);
      kmin = key < kmin ? key : kmin;
      kmax = key > kmax ? key : kmax;
    }
    // the extremes' counts and the next distinct keys
    int nmin = 0, nmax = 0;
    K kmin2 = ~K(0), kmax2 = 0;
    for (long long i = i0; i < i1; ++i) {
      const K key = KeyOf<V>::key(x[i]);
      const K emin = key == kmin, emax = key == kmax;
      nmin += static_cast<int>(emin);
      nmax += static_cast<int>(emax);
      // every key is >= kmin and <= kmax: the extremes masked out (as masks, which vectorise)
      const K above = key | (0 - emin), below = key & (emax - 1);
      kmin2 = above < kmin2 ? above : kmin2;
      kmax2 = below > kmax2 ? below : kmax2;
    }
    BlockMoments m;
    m.sum = sum;
    m.ss = 0.0;
    m.c0 = c0, m.c1 = c1, m.nmin = nmin, m.nmax = nmax;
    m.kmin = wide_min_key(kmin), m.kmin2 = wide_min_key(kmin2), m.kmax = kmax, m.kmax2 = kmax2;
    G.bm[k * G.nblk + b] = m;
  }
}

// ---- phase 2 (cells): merge in block order; mean, exceedances ----
template <class V> CORRIDOR_INLINE void stats_moments_cell(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  moments_clear(q.m);
  const BlockMoments* bm = G.bm + k * G.blocks_all();
  for (long long b = 0; b < G.blocks_all(); ++b) {
    q.m.sum += bm[b].sum;
    q.m.c0 += bm[b].c0;
    q.m.c1 += bm[b].c1;
    moments_merge_extremes(q.m, bm[b]);
  }
  const double dn = static_cast<double>(G.total());
  q.mean = q.m.sum / dn;
  double* out = G.out + k * G.width;
  out[0] = q.mean;
  out[3 + G.nq] = static_cast<double>(q.m.c0) / dn;
  out[4 + G.nq] = static_cast<double>(q.m.c1) / dn;
}

// ---- phase 3 (items): block sums of squared deviations ----
template <class V> CORRIDOR_INLINE void stats_ss_item(const StatsGroupT<V>& G, long long item) {
  const long long bi = G.block_items(); // 0: no paths here (a rank's empty share), so no items
  if (bi == 0) return;
  const long long k = item / bi, t = item % bi;
  const double mean = G.q[k].mean;
  const long long b1 = G.blocks_end(t);
  for (long long b = t * G.bper; b < b1; ++b) {
    G.bm[k * G.nblk + b].ss = block_ss(G.block(k, b), 0, G.path_end(b) - b * kSumBlock, mean);
  }
}

// ---- phase 4 (cells): sd and sem (stats_sd_cell); the wanted ranks, those
// at the extremes found (stats_ranks_cell) ----
template <class V> CORRIDOR_INLINE void stats_sd_cell(const StatsGroupT<V>& G, long long k) {
  const long long n = G.total();
  const double dn = static_cast<double>(n);
  double ss = 0.0;
  for (long long b = 0; b < G.blocks_all(); ++b) ss += G.bm[k * G.blocks_all() + b].ss;
  const double sd = n > 1 ? fm::sqrt(ss / (dn - 1.0)) : 0.0;
  double* out = G.out + k * G.width;
  out[1] = sd;
  out[2] = sd / fm::sqrt(dn);
}
template <class V> CORRIDOR_INLINE void stats_ranks_cell(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  const long long n = G.total();
  q.nr = 0;
  q.active = 0;
  q.level = 0;
  for (int p = 0; p < G.nq; ++p) {
    const Type7 r = type7_ranks(n, G.probs[p]);
    if (q.nr == 0 || q.rank[q.nr - 1] != r.lo) q.rank[q.nr++] = r.lo;
    if (q.rank[q.nr - 1] != r.hi) q.rank[q.nr++] = r.hi;
  }
  for (int i = 0; i < q.nr; ++i) {
    q.done[i] = 1;
    if (q.rank[i] < q.m.nmin) {
      q.key[i] = q.m.kmin;
    } else if (q.rank[i] >= n - q.m.nmax) {
      q.key[i] = q.m.kmax;
    } else { // interior: in [kmin2, kmax2], with nmin values below
      q.done[i] = 0;
      q.ra[i] = q.m.kmin2;
      q.rb[i] = q.m.kmax2;
      q.rbelow[i] = q.m.nmin;
    }
  }
}
template <class V> CORRIDOR_INLINE void stats_spread_cell(const StatsGroupT<V>& G, long long k) {
  stats_sd_cell(G, k);
  stats_ranks_cell(G, k);
}

// Bits of a level's bin index for n values: log2 of kBins (12), fewer below
// 2048 values (at least 16 bins).
CORRIDOR_INLINE int stats_bin_bits(long long n) {
  const int b = bit_length(static_cast<uint64_t>(n));
  return b < 12 ? (b > 4 ? b : 4) : 12;
}

// ---- level phase a (cells): the next open interval, its bins cleared ----
template <class V> CORRIDOR_INLINE void stats_level_plan(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  q.active = 0;
  int first = -1;
  for (int i = 0; i < q.nr && first < 0; ++i)
    if (!q.done[i]) first = i;
  if (first < 0) return;
  q.lo = q.ra[first];
  q.hi = q.rb[first];
  q.below = q.rbelow[first];
  const int bl = bit_length(q.hi - q.lo);
  // at most kBins bins, and about as many as values: a cell of few paths
  // (many series, few paths) clears and scans few bins (whatever the bins,
  // the order statistics found are the same)
  const int nbits = stats_bin_bits(G.total());
  q.shift = bl > nbits ? bl - nbits : 0;
  q.nb = static_cast<long long>((q.hi - q.lo) >> q.shift) + 1;
  for (int i = 0; i < q.nr; ++i)
    q.bin[i] = !q.done[i] && q.ra[i] == q.lo && q.rb[i] == q.hi && q.rbelow[i] == q.below ? 0 : -1;
  uint32_t* hist = G.hist + k * kBins;
  int32_t* mark = G.mark + k * kBins;
  uint64_t* bmin = G.bmin + k * kBins;
  uint64_t* bmax = G.bmax + k * kBins;
  for (long long j = 0; j < q.nb; ++j) {
    hist[j] = 0;
    mark[j] = -1;
  }
  if (q.level > 0)
    for (long long j = 0; j < q.nb; ++j) {
      bmin[j] = ~uint64_t(0);
      bmax[j] = 0;
    }
  q.active = 1;
  q.collect = 0;
  q.used = 0;
}

// ---- level phase b (items): histogram of the interval, with each bin's extremes ----
template <class V> CORRIDOR_INLINE void stats_level_hist(const StatsGroupT<V>& G, long long item) {
  const long long k = item / G.T, t = item % G.T;
  const CellQuant& q = G.q[k];
  if (!q.active) return;
  const uint64_t lo = q.lo, hi = q.hi;
  const int shift = q.shift;
  uint32_t* hist = G.hist + k * kBins;
  uint64_t* bmin = G.bmin + k * kBins;
  uint64_t* bmax = G.bmax + k * kBins;
  // every T-th value from t: one item of several per cell (the GPU); with
  // one item per cell (the CPU) block by block, each block's values adjacent
  auto each = [&](auto&& f) {
    if (G.T == 1) {
      for (long long b = 0; b < G.nblk; ++b) {
        const V* x = G.block(k, b);
        const long long len = G.path_end(b) - b * kSumBlock;
        for (long long i = 0; i < len; ++i) f(x[i]);
      }
    } else {
      for (long long i = t; i < G.n; i += G.T) f(*G.at(k, i));
    }
  };
  if (q.level == 0) { // the first level over the whole interior: counts only
    each([&](V v) {
      const uint64_t key = KeyOf<V>::key(v);
      if (key >= lo && key <= hi) shared_inc(hist + ((key - lo) >> shift));
    });
    return;
  }
  each([&](V v) {
    const uint64_t key = KeyOf<V>::key(v);
    if (key < lo || key > hi) return;
    const long long j = static_cast<long long>((key - lo) >> shift);
    shared_inc(hist + j);
    shared_min(bmin + j, key);
    shared_max(bmax + j, key);
  });
}

// ---- phases 3 and b at once, with one item per cell (the CPU): the block
// sums of squared deviations and the first level's histogram, in one pass
// over the cell's values; the same sums and counts as the two passes ----

// One item per cell: counts the values of the level's interval [lo, hi] in
// its bins (with the block sums of squared deviations when ss), keeping
// every value's bin number in G.binid when it is there. Bin numbers are
// computed without branches (vectorised), then counted in a local histogram
// whose 8 extra slots take the values outside the interval (such as the
// zeros of unserved demand, in no predictable order), path i in slot i mod 8
// so that they make no chain of increments.
constexpr int kOutSlots = 8;
// Copies of the local histogram that take the values in turn (value j copy
// j mod kHistCopies), added at the end: a run of values in one bin (most of
// a skewed cell's values share a few bins) is then kHistCopies independent
// chains of increments, not one chain whose every step waits for the last
// store. One copy on the device, whose schedule counts in stats_level_hist.
#if defined(__CUDA_ARCH__)
constexpr int kHistCopies = 1;
#else
constexpr int kHistCopies = 4;
#endif
static_assert(kBins + kOutSlots <= 65535, "bin numbers and the outside slots fit in 16 bits");
template <class V> CORRIDOR_INLINE void stats_count_cell(const StatsGroupT<V>& G, long long k, bool ss) {
  const CellQuant& q = G.q[k];
  const double mean = q.mean;
  using K = typename KeyOf<V>::K; // the level's keys fit in K
  const K lo = static_cast<K>(q.lo), span = static_cast<K>(q.hi - q.lo);
  const int shift = q.shift;
  uint32_t hl[kHistCopies][kBins + kOutSlots];
  const uint32_t nb = static_cast<uint32_t>(q.nb); // the bins of this level, then the outside slots
  for (int c = 0; c < kHistCopies; ++c)
    for (uint32_t j = 0; j < nb + kOutSlots; ++j) hl[c][j] = 0;
  uint16_t local[kSumBlock];
  for (long long b = 0; b < G.nblk; ++b) {
    const V* x = G.block(k, b);
    const long long len = G.path_end(b) - b * kSumBlock;
    if (ss) G.bm[k * G.nblk + b].ss = block_ss(x, 0, len, mean);
    uint16_t* bins = G.binid ? G.binid + k * G.n + b * kSumBlock : local;
    for (long long i = 0; i < len; ++i) {
      const K off = KeyOf<V>::key(x[i]) - lo; // wraps below lo
      bins[i] = static_cast<uint16_t>(off <= span ? static_cast<uint32_t>(off >> shift)
                                                  : nb + static_cast<uint32_t>(i & (kOutSlots - 1)));
    }
    long long j = 0;
    for (; j + kHistCopies <= len; j += kHistCopies)
      for (int c = 0; c < kHistCopies; ++c) ++hl[c][bins[j + c]];
    for (; j < len; ++j) ++hl[0][bins[j]];
  }
  uint32_t* h = G.hist + k * kBins;
  for (long long j = 0; j < q.nb; ++j) {
    uint32_t t = 0;
    for (int c = 0; c < kHistCopies; ++c) t += hl[c][j];
    h[j] += t;
  }
}
template <class V> CORRIDOR_INLINE void stats_ss_hist_cell(const StatsGroupT<V>& G, long long k) {
  const CellQuant& q = G.q[k];
  if (!(q.active && q.level == 0)) { // nothing to count: the squared deviations alone
    stats_ss_item(G, k);
    return;
  }
  stats_count_cell(G, k, true);
}

// Each rank of this level: its bin (the level's counts summed up to it) and
// the values below that bin.
CORRIDOR_INLINE void stats_rank_bins(CellQuant& q, const uint32_t* hist) {
  long long j = 0, cum = q.below;
  for (int i = 0; i < q.nr; ++i) {
    if (q.bin[i] < 0) continue;
    while (cum + hist[j] <= q.rank[i]) cum += hist[j++];
    q.bin[i] = j;
    q.binbelow[i] = cum;
  }
}

// ---- level phase c (cells): each rank's bin; keys of single-valued bins;
// candidate slots for small bins; heavy bins become the next intervals ----
template <class V> CORRIDOR_INLINE void stats_level_resolve(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  if (!q.active) return;
  uint32_t* hist = G.hist + k * kBins;
  int32_t* mark = G.mark + k * kBins;
  const uint64_t* bmin = G.bmin + k * kBins;
  const uint64_t* bmax = G.bmax + k * kBins;
  stats_rank_bins(q, hist);
  for (int i = 0; i < q.nr; ++i) {
    const long long b = q.bin[i];
    if (b < 0) continue;
    // the bin's key range: recorded from the second level on, else its span
    const uint64_t b0 = q.level > 0 ? bmin[b] : q.lo + (static_cast<uint64_t>(b) << q.shift);
    const uint64_t span = (uint64_t(1) << q.shift) - 1;
    const uint64_t b1 = q.level > 0 ? bmax[b] : (q.hi - b0 > span ? b0 + span : q.hi);
    if (b0 == b1) { // one key in the bin
      q.key[i] = b0;
      q.done[i] = 1;
      q.bin[i] = -1;
      continue;
    }
    if (mark[b] == -1) {
      if (hist[b] <= static_cast<uint32_t>(kCand - q.used)) {
        mark[b] = q.used;
        q.used += static_cast<int>(hist[b]);
        q.collect = 1;
      } else {
        mark[b] = -2;
      }
    }
    if (mark[b] == -2) { // heavy: refine this bin at a later level
      q.ra[i] = b0;
      q.rb[i] = b1;
      q.rbelow[i] = q.binbelow[i];
      q.bin[i] = -1;
    }
  }
  // hist becomes the write cursor of every bin being collected
  for (int i = 0; i < q.nr; ++i)
    if (q.bin[i] >= 0) hist[q.bin[i]] = static_cast<uint32_t>(mark[q.bin[i]]);
  ++q.level;
}

// ---- level phase d (items): candidates of the marked bins ----

// the bins being collected: those of this level's ranks, into mb (at most
// kMaxRanks); how many
CORRIDOR_INLINE int stats_collected_bins(const CellQuant& q, uint32_t* mb) {
  int nmb = 0;
  for (int r = 0; r < q.nr; ++r)
    if (q.bin[r] >= 0 && (nmb == 0 || mb[nmb - 1] != static_cast<uint32_t>(q.bin[r])))
      mb[nmb++] = static_cast<uint32_t>(q.bin[r]); // ranks ascend, so a bin's ranks are adjacent
  return nmb;
}

// a whole cell, few collected bins (the CPU): a chunk's bins compared with
// each collected bin without branches (vectorised), then its few candidates
// taken
template <class V>
CORRIDOR_INLINE void stats_collect_few_bins(const V* x, long long n, uint64_t lo, uint64_t span, int shift,
                                            const uint32_t* mb, int nmb, uint32_t* hist, uint64_t* cand) {
  constexpr int kChunk = 64;
  for (long long i0 = 0; i0 < n; i0 += kChunk) {
    const int m = n - i0 < kChunk ? static_cast<int>(n - i0) : kChunk;
    uint32_t b[kChunk], f[kChunk];
    for (int l = 0; l < kChunk; ++l) {
      const uint64_t off = KeyOf<V>::key(x[i0 + (l < m ? l : 0)]) - lo; // wraps below lo
      b[l] = off <= span ? static_cast<uint32_t>(off >> shift) : ~0u;
      f[l] = 0;
    }
    for (int j = 0; j < nmb; ++j) {
      const uint32_t t = mb[j];
      for (int l = 0; l < kChunk; ++l) f[l] |= b[l] == t;
    }
    uint32_t any = 0;
    for (int l = 0; l < m; ++l) any |= f[l];
    if (any)
      for (int l = 0; l < m; ++l)
        if (f[l]) cand[hist[b[l]]++] = KeyOf<V>::key(x[i0 + l]);
  }
}

// a whole cell, many collected bins (the CPU): one rarely taken branch per
// value
template <class V>
CORRIDOR_INLINE void stats_collect_many_bins(const V* x, long long n, uint64_t lo, uint64_t span, int shift,
                                             uint64_t last, const int32_t* mark, uint32_t* hist, uint64_t* cand) {
  for (long long i = 0; i < n; ++i) {
    const uint64_t key = KeyOf<V>::key(x[i]), off = key - lo; // wraps below lo
    const uint64_t b = (off >> shift) < last ? (off >> shift) : last;
    if ((mark[b] >= 0) & (off <= span)) cand[hist[b]++] = key;
  }
}

// one item of several per cell (the GPU): every T-th value from t, its slot
// claimed atomically
template <class V>
CORRIDOR_INLINE void stats_collect_strided(const StatsGroupT<V>& G, long long k, long long t, long long T, uint64_t lo,
                                           uint64_t hi, int shift, const int32_t* mark, uint32_t* hist,
                                           uint64_t* cand) {
  for (long long i = t; i < G.n; i += T) {
    const uint64_t key = KeyOf<V>::key(*G.at(k, i));
    if (key < lo || key > hi) continue;
    const long long j = static_cast<long long>((key - lo) >> shift);
    if (mark[j] >= 0) cand[shared_inc(hist + j)] = key;
  }
}

template <class V> CORRIDOR_INLINE void stats_level_collect(const StatsGroupT<V>& G, long long item) {
  const long long k = item / G.T, t = item % G.T;
  const CellQuant& q = G.q[k];
  if (!q.active || !q.collect) return;
  const uint64_t lo = q.lo, hi = q.hi;
  const int shift = q.shift;
  uint32_t* hist = G.hist + k * kBins;
  const int32_t* mark = G.mark + k * kBins;
  uint64_t* cand = G.cand + k * kCand;
#if !defined(__CUDA_ARCH__)
  if (G.T == 1) { // one item per cell (the CPU)
    const uint64_t span = hi - lo;
    uint32_t mb[kMaxRanks];
    const int nmb = stats_collected_bins(q, mb);
    for (long long b = 0; b < G.nblk; ++b) { // block by block; the candidates' order is free (they are sorted)
      const V* x = G.block(k, b);
      const long long len = G.path_end(b) - b * kSumBlock;
      if (nmb <= 16)
        stats_collect_few_bins(x, len, lo, span, shift, mb, nmb, hist, cand);
      else
        stats_collect_many_bins(x, len, lo, span, shift, static_cast<uint64_t>(q.nb - 1), mark, hist, cand);
    }
    return;
  }
#endif
  stats_collect_strided(G, k, t, G.T, lo, hi, shift, mark, hist, cand);
}

// ---- level phase e (cells): sort each collected bin; its ranks' keys ----
template <class V> CORRIDOR_INLINE void stats_level_sort(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  if (!q.active || !q.collect) return;
  const uint32_t* hist = G.hist + k * kBins;
  const int32_t* mark = G.mark + k * kBins;
  uint64_t* cand = G.cand + k * kCand;
  long long sorted = -1;
  for (int i = 0; i < q.nr; ++i) { // ranks ascend, so a bin's ranks are adjacent
    const long long b = q.bin[i];
    if (b < 0) continue;
    if (b != sorted) {
      sort_keys(cand + mark[b], static_cast<int>(hist[b] - static_cast<uint32_t>(mark[b])));
      sorted = b;
    }
    q.key[i] = cand[mark[b] + (q.rank[i] - q.binbelow[i])];
    q.done[i] = 1;
  }
}

// ---- the levels of one item per cell with kept bin numbers (the CPU) ----
// A level counts its interval (stats_count_cell, keeping each value's bin),
// then one pass over the kept bin numbers both collects the candidates of the
// small bins and finds the extremes of the heavy ones with their counts: a
// rank among a heavy bin's lowest or highest ties (a value many paths share,
// such as a capacity in force) is resolved there, and any other narrows the
// next level to the bin's extremes. The order
// statistics found are those of the other schedules; only the levels differ.

// level phase c: each rank's bin; one-key bins (bins one key wide); candidate
// slots for small bins; heavy bins marked for their extremes
template <class V> CORRIDOR_INLINE void stats_resolve_kept(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  if (!q.active) return;
  uint32_t* hist = G.hist + k * kBins;
  int32_t* mark = G.mark + k * kBins;
  for (int i = 0; i < q.nr; ++i) q.heavy[i] = -1;
  stats_rank_bins(q, hist);
  for (int i = 0; i < q.nr; ++i) {
    const long long b = q.bin[i];
    if (b < 0) continue;
    if (q.shift == 0) { // bins one key wide
      q.key[i] = q.lo + static_cast<uint64_t>(b);
      q.done[i] = 1;
      q.bin[i] = -1;
      continue;
    }
    if (mark[b] == -1) {
      if (hist[b] <= static_cast<uint32_t>(kCand - q.used)) {
        mark[b] = q.used;
        q.used += static_cast<int>(hist[b]);
      } else {
        mark[b] = -2;
      }
    }
    q.collect = 1;
    if (mark[b] == -2) {
      q.heavy[i] = b;
      q.bin[i] = -1;
    }
  }
  for (int i = 0; i < q.nr; ++i)
    if (q.bin[i] >= 0) hist[q.bin[i]] = static_cast<uint32_t>(mark[q.bin[i]]);
  ++q.level;
}

// level phase d: the pass over the kept bin numbers. It collects the
// candidates of the small bins, and of each heavy bin it records the distinct
// keys with their counts while they are few (kHeavyKeys), and always the
// smallest and largest key with theirs. A rank in a heavy bin of few keys (a
// value many paths share, and its neighbours a unit of rounding away), or
// among a heavy bin's lowest or highest ties, is found here; any other
// narrows the next level to the bin's extremes.
constexpr int kHeavyKeys = 8;
struct HeavyBin {
  uint16_t bin;
  int nk, last; // distinct keys recorded (kHeavyKeys + 1: more), the last one matched
  uint64_t key[kHeavyKeys];
  long long cnt[kHeavyKeys];
  uint64_t kmin, kmax;
  long long nmin, nmax;
};
CORRIDOR_INLINE void heavy_take(HeavyBin& h, uint64_t key) {
  if (key < h.kmin) {
    h.kmin = key;
    h.nmin = 0;
  }
  h.nmin += key == h.kmin;
  if (key > h.kmax) {
    h.kmax = key;
    h.nmax = 0;
  }
  h.nmax += key == h.kmax;
  if (h.nk > kHeavyKeys) return;
  if (h.nk > 0 && h.key[h.last] == key) {
    ++h.cnt[h.last];
    return;
  }
  for (int j = 0; j < h.nk; ++j)
    if (h.key[j] == key) {
      ++h.cnt[j];
      h.last = j;
      return;
    }
  if (h.nk == kHeavyKeys) {
    h.nk = kHeavyKeys + 1;
    return;
  }
  h.key[h.nk] = key;
  h.cnt[h.nk] = 1;
  h.last = h.nk++;
}
// the key of rank r (0: the bin's smallest) of a heavy bin of cnt values, or 0
// with found false
CORRIDOR_INLINE uint64_t heavy_rank_key(HeavyBin& h, long long r, long long cnt, bool& found) {
  found = true;
  if (r < h.nmin) return h.kmin;
  if (r >= cnt - h.nmax) return h.kmax;
  if (h.nk <= kHeavyKeys) { // every key of the bin: sorted, then counted up to r
    for (int a = 1; a < h.nk; ++a)
      for (int b = a; b > 0 && h.key[b - 1] > h.key[b]; --b) {
        const uint64_t tk = h.key[b];
        h.key[b] = h.key[b - 1];
        h.key[b - 1] = tk;
        const long long tc = h.cnt[b];
        h.cnt[b] = h.cnt[b - 1];
        h.cnt[b - 1] = tc;
      }
    long long below = 0;
    for (int a = 0; a < h.nk; ++a) {
      below += h.cnt[a];
      if (r < below) return h.key[a];
    }
  }
  found = false;
  return 0;
}
template <class V> CORRIDOR_INLINE void stats_collect_kept(const StatsGroupT<V>& G, long long k) {
  CellQuant& q = G.q[k];
  if (!q.active || !q.collect) return;
  uint32_t* hist = G.hist + k * kBins;
  const int32_t* mark = G.mark + k * kBins;
  uint64_t* cand = G.cand + k * kCand;
  uint16_t tb[2 * kMaxRanks]; // the bins to take: collected and heavy, each once
  int nt = 0;
  HeavyBin hv[kMaxRanks];
  int nh = 0;
  for (int i = 0; i < q.nr; ++i)
    for (const long long b : {q.bin[i], q.heavy[i]}) {
      if (b < 0) continue;
      bool seen = false;
      for (int j = 0; j < nt; ++j) seen = seen || tb[j] == b;
      if (seen) continue;
      tb[nt++] = static_cast<uint16_t>(b);
      if (mark[b] < 0) {
        HeavyBin& h = hv[nh++];
        h.bin = static_cast<uint16_t>(b);
        h.nk = h.last = 0;
        h.kmin = ~uint64_t(0);
        h.kmax = 0;
        h.nmin = h.nmax = 0;
      }
    }
  auto take = [&](uint16_t b, V v) {
    const uint64_t key = KeyOf<V>::key(v);
    if (mark[b] >= 0) {
      cand[hist[b]++] = key;
      return;
    }
    int h = 0;
    while (hv[h].bin != b) ++h;
    heavy_take(hv[h], key);
  };
  constexpr int kChunk = 64;
  uint8_t want[kBins + kOutSlots]; // many bins: a table instead of comparisons
  if (nt > 16) {
    for (int j = 0; j < kBins + kOutSlots; ++j) want[j] = 0;
    for (int j = 0; j < nt; ++j) want[tb[j]] = 1;
  }
  for (long long blk = 0; blk < G.nblk; ++blk) { // the candidates' order is free (they are sorted)
    const V* x = G.block(k, blk);
    const uint16_t* id = G.binid + k * G.n + blk * kSumBlock;
    const long long len = G.path_end(blk) - blk * kSumBlock;
    long long i0 = 0;
    if (nt <= 16)
      for (; i0 + kChunk <= len; i0 += kChunk) { // whole chunks, compared without branches (vectorised)
        const uint16_t* b = id + i0;
        uint16_t f[kChunk];
        for (int l = 0; l < kChunk; ++l) f[l] = 0;
        for (int j = 0; j < nt; ++j) {
          const uint16_t t = tb[j];
          for (int l = 0; l < kChunk; ++l) f[l] |= static_cast<uint16_t>(b[l] == t);
        }
        uint16_t any = 0;
        for (int l = 0; l < kChunk; ++l) any |= f[l];
        if (any)
          for (int l = 0; l < kChunk; ++l)
            if (f[l]) take(b[l], x[i0 + l]);
      }
    for (; i0 < len; ++i0) { // the rest value by value
      bool w = false;
      if (nt > 16)
        w = want[id[i0]] != 0;
      else
        for (int j = 0; j < nt; ++j) w = w || id[i0] == tb[j];
      if (w) take(id[i0], x[i0]);
    }
  }
  // the heavy bins' ranks (hist still holds a heavy bin's count)
  for (int i = 0; i < q.nr; ++i) {
    const long long b = q.heavy[i];
    if (b < 0) continue;
    int h = 0;
    while (hv[h].bin != b) ++h;
    bool found = false;
    const uint64_t key = heavy_rank_key(hv[h], q.rank[i] - q.binbelow[i], static_cast<long long>(hist[b]), found);
    if (found) {
      q.key[i] = key;
      q.done[i] = 1;
    } else {
      q.ra[i] = hv[h].kmin;
      q.rb[i] = hv[h].kmax;
      q.rbelow[i] = q.binbelow[i];
    }
    q.heavy[i] = -1;
  }
}

// ---- last phase (cells): the quantiles from the two order statistics around each ----
template <class V> CORRIDOR_INLINE void stats_quantiles_cell(const StatsGroupT<V>& G, long long k) {
  const CellQuant& q = G.q[k];
  double* out = G.out + k * G.width;
  for (int p = 0; p < G.nq; ++p) {
    const Type7 r = type7_ranks(G.total(), G.probs[p]);
    double vlo = 0, vhi = 0;
    for (int i = 0; i < q.nr; ++i) {
      if (q.rank[i] == r.lo) vlo = KeyOf<V>::value(q.key[i]);
      if (q.rank[i] == r.hi) vhi = KeyOf<V>::value(q.key[i]);
    }
    out[3 + p] = lerp_np(vlo, vhi, r.h - static_cast<double>(r.lo));
  }
}

// The statistics of a 0/1 indicator from the number c of its n values that
// are 1: the mean, quantiles and exceedances that the statistics of its
// stored column give, bit for bit (its sum is the integer c, its order
// statistics are n - c zeros then c ones); sd and sem in closed form.
CORRIDOR_INLINE void indicator_stats(unsigned long long c, long long n, const double* probs, int nq, double thr0,
                                     double thr1, double* out) {
  const double dn = static_cast<double>(n), dc = static_cast<double>(c);
  const double mean = dc / dn;
  out[0] = mean;
  const double ss = dc * (1.0 - mean) * (1.0 - mean) + (dn - dc) * mean * mean;
  out[1] = n > 1 ? fm::sqrt(ss / (dn - 1.0)) : 0.0;
  out[2] = out[1] / fm::sqrt(dn);
  const long long zeros = n - static_cast<long long>(c);
  for (int p = 0; p < nq; ++p) {
    const Type7 r = type7_ranks(n, probs[p]);
    const double vlo = r.lo < zeros ? 0.0 : 1.0, vhi = r.hi < zeros ? 0.0 : 1.0;
    out[3 + p] = lerp_np(vlo, vhi, r.h - static_cast<double>(r.lo));
  }
  const long long ones = static_cast<long long>(c);
  out[3 + nq] = static_cast<double>((1.0 >= thr0 ? ones : 0) + (0.0 >= thr0 ? zeros : 0)) / dn;
  out[4 + nq] = static_cast<double>((1.0 >= thr1 ? ones : 0) + (0.0 >= thr1 ? zeros : 0)) / dn;
}

// Every phase in order, one item after another: the reference the launching's
// parallel schedule must reproduce (tests run it with any T and bper).
// Returns the number of levels the quantile search took.
// With one item per cell (T = 1 and all blocks in one item: the CPU's
// schedule), the squared deviations and the first level's histogram share
// one pass (stats_ss_hist_cell), which gives the same bytes; with kept bin
// numbers (G.binid) its levels are those of stats_resolve_kept.
template <class V> CORRIDOR_INLINE int stats_serial(const StatsGroupT<V>& G) {
  const long long K = G.ncells;
  const bool fused = G.T == 1 && G.block_items() == 1;
  const bool kept = fused && G.binid != nullptr; // the levels of stats_resolve_kept and the rest
  for (long long i = 0; i < K * G.block_items(); ++i) stats_moments_item(G, i);
  for (long long k = 0; k < K; ++k) stats_moments_cell(G, k);
  if (!fused) {
    for (long long i = 0; i < K * G.block_items(); ++i) stats_ss_item(G, i);
    for (long long k = 0; k < K; ++k) stats_spread_cell(G, k);
  } else {
    for (long long k = 0; k < K; ++k) stats_ranks_cell(G, k);
  }
  int levels = 0;
  for (;;) {
    int active = 0;
    for (long long k = 0; k < K; ++k) {
      stats_level_plan(G, k);
      active += G.q[k].active;
    }
    if (fused && levels == 0) {
      for (long long k = 0; k < K; ++k) stats_ss_hist_cell(G, k);
      for (long long k = 0; k < K; ++k) stats_sd_cell(G, k);
    }
    if (!active) break;
    ++levels;
    if (kept) {
      if (levels > 1)
        for (long long k = 0; k < K; ++k)
          if (G.q[k].active) stats_count_cell(G, k, false);
      for (long long k = 0; k < K; ++k) stats_resolve_kept(G, k);
      for (long long k = 0; k < K; ++k) stats_collect_kept(G, k);
      for (long long k = 0; k < K; ++k) stats_level_sort(G, k);
      continue;
    }
    if (!fused || levels > 1)
      for (long long i = 0; i < K * G.T; ++i) stats_level_hist(G, i);
    for (long long k = 0; k < K; ++k) stats_level_resolve(G, k);
    for (long long i = 0; i < K * G.T; ++i) stats_level_collect(G, i);
    for (long long k = 0; k < K; ++k) stats_level_sort(G, k);
  }
  for (long long k = 0; k < K; ++k) stats_quantiles_cell(G, k);
  return levels;
}

CORRIDOR_KERNELS_END
