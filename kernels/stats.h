// Statistics of one cell (one scenario, quantity and year over all paths),
// host+device. Every result is a pure function of the cell's values in path
// order, so it does not depend on threads, batches, passes or the backend:
// - sums run over fixed blocks of kSumBlock paths, block sums added in block
//   order (the same order whichever worker produced a block);
// - quantiles are exact order statistics (numpy's 'linear', Hyndman-Fan 7),
//   found by radix bracketing on order-preserving 64-bit keys: a histogram
//   pass, then exact sorting of only the few values in the bins that hold the
//   wanted ranks (refining a bin that is still too large).
#pragma once
#include "fmath.h"

CORRIDOR_KERNELS_BEGIN

constexpr int kSumBlock = 1024;
constexpr int kBins = 4096;      // histogram bins per pass
constexpr int kCand = 16384;     // candidate keys sorted exactly (>= 2 * kBins: see select_rank)
constexpr int kMaxQuantiles = 32;

// Output layout of one cell: mean, sd, sem, quantiles..., P(x >= thr0), P(x >= thr1).
CORRIDOR_INLINE int stats_width(int nq) { return 5 + nq; }

struct StatsScratch {
  uint32_t* hist; // kBins
  int32_t* mark;  // kBins
  uint64_t* cand; // kCand
};

CORRIDOR_INLINE uint64_t order_key(double x) {
  const uint64_t u = fm::bits(x);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}
CORRIDOR_INLINE double key_value(uint64_t k) {
  return fm::from_bits((k >> 63) ? (k & 0x7fffffffffffffffull) : ~k);
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

// numpy's _lerp, so results match numpy.quantile bit for bit.
CORRIDOR_INLINE double lerp_np(double a, double b, double t) {
  const double d = b - a;
  return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

// Key of the element of rank r (0-based) among keys in [a, b], given that
// `below` elements have keys < a. Each histogram pass also finds the smallest
// and largest key of every bin (kept in cand, free until the final collect),
// so the range shrinks to the keys present: a run of ties ends the search at
// once, and a clustered bin is split at full resolution on the next pass.
CORRIDOR_INLINE uint64_t select_rank(const double* x, long long n, long long r, uint64_t a, uint64_t b,
                                     long long below, const StatsScratch& s) {
  for (;;) {
    if (a == b) return a;
    const int bl = bit_length(b - a);
    const int shift = bl > 12 ? bl - 12 : 0;
    const long long nb = static_cast<long long>((b - a) >> shift) + 1;
    for (long long j = 0; j < nb; ++j) {
      s.hist[j] = 0;
      s.cand[2 * j] = ~uint64_t(0);
      s.cand[2 * j + 1] = 0;
    }
    for (long long i = 0; i < n; ++i) {
      const uint64_t k = order_key(x[i]);
      if (k >= a && k <= b) {
        const long long j = static_cast<long long>((k - a) >> shift);
        ++s.hist[j];
        s.cand[2 * j] = k < s.cand[2 * j] ? k : s.cand[2 * j];
        s.cand[2 * j + 1] = k > s.cand[2 * j + 1] ? k : s.cand[2 * j + 1];
      }
    }
    long long j = 0, cum = below;
    while (cum + s.hist[j] <= r) cum += s.hist[j++];
    below = cum;
    a = s.cand[2 * j];
    b = s.cand[2 * j + 1];
    if (a == b) return a;
    if (s.hist[j] <= static_cast<uint32_t>(kCand)) {
      int m = 0;
      for (long long i = 0; i < n; ++i) {
        const uint64_t k = order_key(x[i]);
        if (k >= a && k <= b) s.cand[m++] = k;
      }
      heap_sort(s.cand, m);
      return s.cand[r - below];
    }
  }
}

// x: n values of one cell in path order. probs: nq probabilities.
CORRIDOR_INLINE void cell_statistics(const double* x, long long n, int nq, const double* probs, double thr0,
                                     double thr1, const StatsScratch& s, double* out) {
  // mean and exceedances
  double total = 0.0;
  long long c0 = 0, c1 = 0;
  // smallest and largest key with their counts, and the next distinct ones:
  // ties at the extremes (zeros of unserved demand, 0/1 indicators,
  // utilisation at its cap) are counted here and kept out of the histogram
  uint64_t kmin = ~uint64_t(0), kmax = 0, kmin2 = ~uint64_t(0), kmax2 = 0;
  long long nmin = 0, nmax = 0;
  for (long long b0 = 0; b0 < n; b0 += kSumBlock) {
    const long long b1 = b0 + kSumBlock < n ? b0 + kSumBlock : n;
    double part = 0.0;
    for (long long i = b0; i < b1; ++i) {
      const double v = x[i];
      part += v;
      c0 += v >= thr0;
      c1 += v >= thr1;
      const uint64_t k = order_key(v);
      if (k < kmin) {
        kmin2 = kmin;
        kmin = k;
        nmin = 1;
      } else if (k == kmin) {
        ++nmin;
      } else if (k < kmin2) {
        kmin2 = k;
      }
      if (k > kmax) {
        kmax2 = kmax;
        kmax = k;
        nmax = 1;
      } else if (k == kmax) {
        ++nmax;
      } else if (k > kmax2) {
        kmax2 = k;
      }
    }
    total += part;
  }
  const double dn = static_cast<double>(n);
  const double mean = total / dn;
  double ss = 0.0;
  for (long long b0 = 0; b0 < n; b0 += kSumBlock) {
    const long long b1 = b0 + kSumBlock < n ? b0 + kSumBlock : n;
    double part = 0.0;
    for (long long i = b0; i < b1; ++i) {
      const double d = x[i] - mean;
      part += d * d;
    }
    ss += part;
  }
  const double sd = n > 1 ? fm::sqrt(ss / (dn - 1.0)) : 0.0;
  out[0] = mean;
  out[1] = sd;
  out[2] = sd / fm::sqrt(dn);
  out[3 + nq] = static_cast<double>(c0) / dn;
  out[4 + nq] = static_cast<double>(c1) / dn;
  if (nq == 0) return;

  // wanted ranks, ascending (probabilities are validated ascending)
  long long rank[2 * kMaxQuantiles];
  uint64_t key[2 * kMaxQuantiles];
  int nr = 0;
  for (int q = 0; q < nq; ++q) {
    const double h = (dn - 1.0) * probs[q];
    long long lo = static_cast<long long>(h); // h >= 0
    if (lo > n - 1) lo = n - 1;
    const long long hi = lo + 1 < n ? lo + 1 : n - 1;
    if (nr == 0 || rank[nr - 1] != lo) rank[nr++] = lo;
    if (rank[nr - 1] != hi) rank[nr++] = hi;
  }
  // ranks among the minimum or maximum ties are known; the rest lie in the
  // interior [kmin2, kmax2], with nmin elements below it
  bool interior = false;
  for (int i = 0; i < nr; ++i) {
    if (rank[i] < nmin) {
      key[i] = kmin;
    } else if (rank[i] >= n - nmax) {
      key[i] = kmax;
    } else {
      key[i] = 0;
      interior = true;
    }
  }
  if (interior) {
    // one shared histogram over [kmin2, kmax2]
    const uint64_t lo = kmin2, hi = kmax2;
    const int bl = bit_length(hi - lo);
    const int shift = bl > 12 ? bl - 12 : 0;
    const long long nb = static_cast<long long>((hi - lo) >> shift) + 1;
    for (long long j = 0; j < nb; ++j) {
      s.hist[j] = 0;
      s.mark[j] = -1;
    }
    for (long long i = 0; i < n; ++i) {
      const uint64_t k = order_key(x[i]);
      if (k >= lo && k <= hi) ++s.hist[(k - lo) >> shift];
    }
    long long bin_of[2 * kMaxQuantiles], below_of[2 * kMaxQuantiles];
    {
      long long j = 0, cum = nmin;
      for (int i = 0; i < nr; ++i) {
        bin_of[i] = -1;
        if (rank[i] < nmin || rank[i] >= n - nmax) continue;
        while (cum + s.hist[j] <= rank[i]) cum += s.hist[j++];
        bin_of[i] = j;
        below_of[i] = cum;
      }
    }
    // bins small enough to collect together in one pass
    int used = 0;
    for (int i = 0; i < nr; ++i) {
      const long long j = bin_of[i];
      if (j < 0 || s.mark[j] >= 0 || s.mark[j] == -2) continue;
      const int c = static_cast<int>(s.hist[j] < uint32_t(kCand) ? s.hist[j] : kCand);
      if (s.hist[j] <= uint32_t(kCand) && used + c <= kCand) {
        s.mark[j] = used;
        used += c;
      } else {
        s.mark[j] = -2; // refine separately
      }
    }
    // collect: hist[j] becomes the write cursor of marked bin j
    for (long long j = 0; j < nb; ++j)
      if (s.mark[j] >= 0) s.hist[j] = static_cast<uint32_t>(s.mark[j]);
    if (used > 0)
      for (long long i = 0; i < n; ++i) {
        const uint64_t k = order_key(x[i]);
        if (k < lo || k > hi) continue;
        const long long j = static_cast<long long>((k - lo) >> shift);
        if (s.mark[j] >= 0) s.cand[s.hist[j]++] = k;
      }
    for (long long j = 0; j < nb; ++j)
      if (s.mark[j] >= 0) heap_sort(s.cand + s.mark[j], static_cast<int>(s.hist[j] - s.mark[j]));
    for (int i = 0; i < nr; ++i) {
      const long long j = bin_of[i];
      if (j >= 0 && s.mark[j] >= 0) key[i] = s.cand[s.mark[j] + (rank[i] - below_of[i])];
    }
    // heavy bins: refine each remaining rank on its own (reuses hist and cand)
    for (int i = 0; i < nr; ++i) {
      const long long j = bin_of[i];
      if (j < 0 || s.mark[j] != -2) continue;
      const uint64_t a = lo + (static_cast<uint64_t>(j) << shift);
      const uint64_t span = shift == 0 ? 0 : ((uint64_t(1) << shift) - 1);
      const uint64_t b = (hi - a > span) ? a + span : hi;
      key[i] = select_rank(x, n, rank[i], a, b, below_of[i], s);
    }
  }
  for (int q = 0; q < nq; ++q) {
    const double h = (dn - 1.0) * probs[q];
    long long lo = static_cast<long long>(h);
    if (lo > n - 1) lo = n - 1;
    const long long hi = lo + 1 < n ? lo + 1 : n - 1;
    double vlo = 0, vhi = 0;
    for (int i = 0; i < nr; ++i) {
      if (rank[i] == lo) vlo = key_value(key[i]);
      if (rank[i] == hi) vhi = key_value(key[i]);
    }
    out[3 + q] = lerp_np(vlo, vhi, h - static_cast<double>(lo));
  }
}

CORRIDOR_KERNELS_END
