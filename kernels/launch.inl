// The launching and reduction code of a run, written once against Thrust and
// compiled twice: with Thrust's OpenMP system (host/backend_cpu.cpp) and with
// CUDA (host/backend_cuda.cu). Only the execution policy and the vector type
// differ, so the CPU tests exercise the code the GPU runs.
#pragma once
#include <algorithm>
#if !defined(__CUDA_ARCH__) && defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <thrust/copy.h>
#include <thrust/fill.h>
#include <thrust/for_each.h>
#include <thrust/functional.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/reverse_iterator.h>
#include <thrust/scan.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/transform_reduce.h>
#include <thrust/transform_scan.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>

#if defined(_OPENMP) && !defined(__CUDACC__)
#include <omp.h>
#endif

#include "dist.h"
#include "host_model.h"
#include "plans.h"
#include "run_types.h"
#include "stats.h"

CORRIDOR_KERNELS_BEGIN
namespace launch {

// The CPU backend runs its hot functors (tiles, sensitivity paths, statistics
// tasks) through kernels compiled for the widest instruction set the CPU has
// (host/backend_cpu.cpp), bit for bit the same results
// (tests/test_backend_cpu.cpp): Via<F> calls one with the functor. The CUDA
// compilation never launches it and calls the functor itself.
template <class F> using KernelFn = void (*)(const F&, long long);
template <class F> struct Via {
  F f;
  KernelFn<F> fn;
  CORRIDOR_HD void operator()(long long i) const {
#if defined(__CUDACC__)
    f(i);
#else
    fn(f, i);
#endif
  }
};

// Cells a sink stores, by year (Layout::cell_elem): entries ybeg[y] to
// ybeg[y + 1] - 1 are the cells of year y, entry j reads scratch element
// elem[j] into column dst[j]. Built on the host from a list of cells; column
// k is the k-th cell of the list.
struct YearCells {
  std::vector<int> ybeg, dst;
  std::vector<long long> elem;
  YearCells(const ModelView& v, const int* cells, int count) : ybeg(static_cast<size_t>(v.Y) + 1, 0) {
    const Layout L(v);
    std::vector<int> year(static_cast<size_t>(count));
    std::vector<long long> e(static_cast<size_t>(count));
    for (int k = 0; k < count; ++k) {
      e[k] = L.cell_elem(v, cells[k], year[k]);
      ++ybeg[year[k] + 1];
    }
    for (int y = 0; y < v.Y; ++y) ybeg[y + 1] += ybeg[y];
    std::vector<int> fill(ybeg.begin(), ybeg.end() - 1);
    dst.resize(static_cast<size_t>(count));
    elem.resize(static_cast<size_t>(count));
    for (int k = 0; k < count; ++k) {
      const int j = fill[year[k]]++;
      dst[j] = k;
      elem[j] = e[k];
    }
  }
};
// The same on the device that runs the sink.
template <template <class> class Vec> struct YearCellsOn {
  Vec<int> ybeg, dst;
  Vec<long long> elem;
  explicit YearCellsOn(const YearCells& h)
      : ybeg(h.ybeg.begin(), h.ybeg.end()), dst(h.dst.begin(), h.dst.end()), elem(h.elem.begin(), h.elem.end()) {}
};

constexpr int kLayoutShift = 13; // 2^13 = 8,192 paths per layout block of a run's pass (at least kSumBlock)

// Where a sink's nc columns of n paths live: in layout blocks of 2^lbs
// paths (the last one shorter), each block holding its share of every
// column side by side: value `path` of column k at
//   values + b0 * nc + k * (paths in that block) + (path - b0),
// b0 the first path of its block. A run's pass uses blocks of
// 2^kLayoutShift paths, so that a tile's stores of a year fall in one
// region; plain columns (the sensitivity's) are one block (lbs =
// kPlainColumns). The statistics read the same layout (stats.h,
// StatsGroup::at). The columns of a rank's share of the paths (dist.h) start
// at its first path, `base`: the simulation stores path p at p - base.
// A run's pass stores its values for the statistics in single precision
// (`stored`, stats.h: Value); the sensitivity's and raw flows' columns are
// double precision (`values`). One of the two is set.
struct Columns {
  double* values;
  Value* stored;
  long long n;
  int lbs;
  long long nc;
  long long base = 0;
  CORRIDOR_HD long long offset(long long k, long long path) const {
    const long long b0 = (path >> lbs) << lbs, len = n - b0 < (1ll << lbs) ? n - b0 : (1ll << lbs);
    return b0 * nc + k * len + (path - b0);
  }
  CORRIDOR_HD void put(long long k, long long path, double v) const {
    const long long o = offset(k, path);
    if (stored)
      stored[o] = static_cast<Value>(v); // rounded to nearest
    else
      values[o] = v;
  }
};

// What a simulation stores at the end of each year: cells ybeg[y] ..
// ybeg[y + 1] - 1 (YearCells) into the columns, and, where cbeg is set,
// counts the paths on which the cells cbeg[y] .. cbeg[y + 1] - 1 (0/1
// indicators, CellPlan::kCount) are 1, into counts[cdst[j]]: on the GPU
// one count per cell (atomic adds, one per warp), on the CPU one row of
// counts per thread (counts + thread x count_stride, plain adds), which the
// run adds up (integers: any order gives the same sums).
struct SinkCells {
  const int* ybeg;
  const int* dst;
  const long long* elem;
  Columns cols;
  const int* cbeg = nullptr;
  const int* cdst = nullptr;
  const long long* celem = nullptr;
  unsigned long long* counts = nullptr;
  long long count_stride = 0;
};

// Counts a path whose indicator is 1 (one path per thread, the GPU: the
// active threads of a warp add their ones at once).
CORRIDOR_HD inline void count_one(unsigned long long* p, bool one) {
#if defined(__CUDA_ARCH__)
  const unsigned mask = __activemask();
  const unsigned ones = __ballot_sync(mask, one);
  if (ones != 0u && (threadIdx.x & 31u) == static_cast<unsigned>(__ffs(mask) - 1))
    atomicAdd(p, static_cast<unsigned long long>(__popc(ones)));
#else
  if (one) __atomic_fetch_add(p, 1ull, __ATOMIC_RELAXED);
#endif
}

// Stores the cells of a pass of one path at the end of each year.
struct ChunkSink {
  SinkCells c;
  long long path;
  template <class Acc> CORRIDOR_HD void year(int y, const Acc& X) const {
    for (int j = c.ybeg[y]; j < c.ybeg[y + 1]; ++j) c.cols.put(c.dst[j], path - c.cols.base, X(c.elem[j]));
    if (c.cbeg)
      for (int j = c.cbeg[y]; j < c.cbeg[y + 1]; ++j) count_one(c.counts + c.cdst[j], X(c.celem[j]) != 0.0);
  }
};

struct SimulateBatch {
  ModelView m;
  uint64_t seed;
  int sc;
  long long p0;
  Scratch scr;
  SinkCells cells;
  CORRIDOR_HD void operator()(long long lane) const {
    ChunkSink sink{cells, p0 + lane};
    simulate_path(m, seed, sc, static_cast<uint32_t>(p0 + lane), scr, lane, sink);
  }
};

// CPU: a tile of kTile consecutive paths runs year by year side by side
// (PathStep<kTile>). Its kTile scratch lanes are interleaved (element e of
// lane j at e * kTile + j, in the batch scratch's space for those lanes), so
// that one row of kTile adjacent values holds an element of every path of
// the tile: the steps' loops vectorise across paths, the draws and
// exponentials are array passes over whole rows, and at the end of each year
// each stored cell's row goes into its column as kTile adjacent values. A tile at
// the end of a batch runs all kTile lanes (the scratch holds whole tiles)
// and stores only its w paths. (The GPU's lane-major stores are already
// adjacent across a warp.)
constexpr int kTile = kLanesMax;
// A tile's row of w values into its column. The columns are far larger than
// the caches and read again only by the statistics, so a whole row goes out
// with non-temporal stores where the column allows (16-byte aligned): no read
// of the lines it overwrites (5% of the simulation, side by side). The tile
// ends with a store fence.
inline void store_row(double* col, const double* line, int w) {
#if defined(__SSE2__) && !defined(__CUDA_ARCH__)
  if (w == kTile && (reinterpret_cast<uintptr_t>(col) & 15) == 0) {
    for (int j = 0; j < kTile; j += 2) _mm_stream_pd(col + j, _mm_loadu_pd(line + j));
    return;
  }
#endif
  for (int j = 0; j < w; ++j) col[j] = line[j];
}
// The same into a single-precision column, each value rounded to nearest (as
// a conversion rounds it).
inline void store_row(Value* col, const double* line, int w) {
  static_assert(sizeof(Value) == 4, "four floats per 16-byte store");
#if defined(__SSE2__) && !defined(__CUDA_ARCH__)
  if (w == kTile && (reinterpret_cast<uintptr_t>(col) & 15) == 0) {
    for (int j = 0; j < kTile; j += 4)
      _mm_stream_ps(col + j,
                    _mm_movelh_ps(_mm_cvtpd_ps(_mm_loadu_pd(line + j)), _mm_cvtpd_ps(_mm_loadu_pd(line + j + 2))));
    return;
  }
#endif
  for (int j = 0; j < w; ++j) col[j] = static_cast<Value>(line[j]);
}
template <class T> inline void store_rows(T* col, long long o1, long long o2, const double* line, int w1, int w) {
  store_row(col + o1, line, w1);
  if (w1 < w) store_row(col + o2, line + w1, w - w1);
}
struct SimulateTile {
  ModelView m;
  uint64_t seed;
  int sc;
  long long p0;
  Scratch scr;
  SinkCells cells;
  long long nb;
  void operator()(long long t) const {
#if !defined(__CUDA_ARCH__)
    const long long l0 = t * kTile;
    const int w = static_cast<int>(nb - l0 < kTile ? nb - l0 : kTile);
    const uint32_t path0 = static_cast<uint32_t>(p0 + l0);
    const Scratch ts{scr.p + l0 * scr.lane_stride, 1, kTile}; // the batch scratch is path-major
    // the lanes' rows that path_begin clears, cleared at once; the initial
    // log trends (the model's alone) computed by the first lane only
    const Layout lay(m);
    std::fill(ts.p + lay.cost * kTile, ts.p + lay.size * kTile, 0.0);
    std::fill(ts.p + lay.agg * kTile, ts.p + (lay.agg + m.A) * kTile, 0.0);
    PathStep<1>(m, seed, sc, path0, ts, 0).path_begin(nullptr, true);
    const double* log_trend0 = &ts(0, lay.log_trend);
    for (int j = 1; j < kTile; ++j) PathStep<1>(m, seed, sc, path0 + j, ts, j).path_begin(log_trend0, true);
    const PathStep<kTile> tile(m, seed, sc, path0, ts, 0);
    // the tile's paths in their layout block (Columns): w1 there, the rest in the next
    const long long p = p0 + l0 - cells.cols.base, lb = 1ll << cells.cols.lbs;
    const int w1 = static_cast<int>(lb - p % lb < w ? lb - p % lb : w);
    const SinkCells& c = cells;
    for (int y = 0; y < m.Y; ++y) {
      if (y > 0) tile.year_draws(y);
      tile.year_growth(y);
      tile.year_exps();
      tile.year_flows(y);
      tile.year_totals();
      for (int j = c.ybeg[y]; j < c.ybeg[y + 1]; ++j) {
        const double* line = ts.p + c.elem[j] * kTile;
        const long long o1 = c.cols.offset(c.dst[j], p), o2 = c.cols.offset(c.dst[j], p + w1);
        if (c.cols.stored)
          store_rows(c.cols.stored, o1, o2, line, w1, w);
        else
          store_rows(c.cols.values, o1, o2, line, w1, w);
      }
      if (c.cbeg) {
#if defined(_OPENMP) && !defined(__CUDACC__)
        unsigned long long* counts = c.counts + omp_get_thread_num() * c.count_stride; // this thread's row
#else
        unsigned long long* counts = c.counts;
#endif
        for (int j = c.cbeg[y]; j < c.cbeg[y + 1]; ++j) {
          const double* line = ts.p + c.celem[j] * kTile;
          unsigned long long ones = 0;
          for (int l = 0; l < w; ++l) ones += line[l] != 0.0;
          counts[c.cdst[j]] += ones;
        }
      }
    }
#if defined(__SSE2__)
    _mm_sfence();
#endif
#endif
  }
};

// One phase of the statistics of a group of cells (stats.h), as a functor.
enum StatsPhaseId {
  kMomentsItem,
  kMomentsCell,
  kSsItem,
  kSpreadCell,
  kPlan,
  kHist,
  kResolve,
  kCollect,
  kSort,
  kQuantiles
};
template <int Phase> struct StatsPhase {
  StatsGroup G;
  CORRIDOR_HD void operator()(long long i) const {
    if constexpr (Phase == kMomentsItem) stats_moments_item(G, i);
    if constexpr (Phase == kMomentsCell) stats_moments_cell(G, i);
    if constexpr (Phase == kSsItem) stats_ss_item(G, i);
    if constexpr (Phase == kSpreadCell) stats_spread_cell(G, i);
    if constexpr (Phase == kPlan) stats_level_plan(G, i);
    if constexpr (Phase == kHist) stats_level_hist(G, i);
    if constexpr (Phase == kResolve) stats_level_resolve(G, i);
    if constexpr (Phase == kCollect) stats_level_collect(G, i);
    if constexpr (Phase == kSort) stats_level_sort(G, i);
    if constexpr (Phase == kQuantiles) stats_quantiles_cell(G, i);
  }
};
// Every phase of one cell in one task (the CPU: one launch per group, not per
// phase); with phase >= 0 (a split run on the CPU, one item per cell) that
// phase of item k alone.
struct StatsCellSerial {
  StatsGroup G;
  int phase;
  CORRIDOR_HD void operator()(long long k) const {
    switch (phase) {
    case kMomentsItem:
      return StatsPhase<kMomentsItem>{G}(k);
    case kMomentsCell:
      return StatsPhase<kMomentsCell>{G}(k);
    case kSsItem:
      return StatsPhase<kSsItem>{G}(k);
    case kSpreadCell:
      return StatsPhase<kSpreadCell>{G}(k);
    case kPlan:
      return StatsPhase<kPlan>{G}(k);
    case kHist:
      return StatsPhase<kHist>{G}(k);
    case kResolve:
      return StatsPhase<kResolve>{G}(k);
    case kCollect:
      return StatsPhase<kCollect>{G}(k);
    case kSort:
      return StatsPhase<kSort>{G}(k);
    case kQuantiles:
      return StatsPhase<kQuantiles>{G}(k);
    default:
      stats_serial(G.cell(k));
    }
  }
};
struct QuantActive {
  const CellQuant* q;
  CORRIDOR_HD long long operator()(long long k) const { return q[k].active; }
};

// The exchanges between the phases of a group's statistics split across
// ranks (dist.h), on the host's copy of the group's buffers (the CPU backend:
// its buffers are host memory). Each makes the state every cell phase reads
// the same on every rank, and that of one process holding all paths:
// - block moments: folded in block order, rank after rank (Reduce::chain),
//   so every rank merges the same sums in the same order;
// - a level's histogram: counts summed (integers), bin extremes min / max;
// - collected candidates: each rank collects its own into the bin's slots,
//   then every rank's are gathered, rank after rank, into the bins' slots
//   (candidates are sorted before use, so their order changes nothing), and
//   each bin's cursor set past all of them.
// (Its buffers live on from group to group: fresh pages cost more than the
// exchanges.)
static_assert(kShareBlock == kSumBlock, "a rank's share is whole blocks of the statistics' sums");
struct SplitBuffers {
  std::vector<uint32_t> u32, cnt, cnts, cursor;
  std::vector<uint64_t> u64, mine, every;
  std::vector<BlockMoments> acc;
  std::vector<uint32_t>& of(uint32_t*) { return u32; }
  std::vector<uint64_t>& of(uint64_t*) { return u64; }
};
struct SplitStats {
  const StatsGroup& G;
  Reduce& red;
  SplitBuffers& sb;
  std::vector<BlockMoments>& acc;
  SplitStats(const StatsGroup& g, Reduce& r, SplitBuffers& b) : G(g), red(r), sb(b), acc(b.acc) {}

  // packs n_k elements at base + k * stride of each cell k where take(k), reduces, unpacks
  template <class T, class Take, class Len>
  void reduce_cells(T* base, long long stride, Reduce::Type t, Reduce::Op op, Take take, Len len) {
    std::vector<T>& buf = sb.of(base);
    buf.clear();
    for (long long k = 0; k < G.ncells; ++k)
      if (take(k)) buf.insert(buf.end(), base + k * stride, base + k * stride + len(k));
    if (buf.empty()) return;
    red.allreduce(buf.data(), static_cast<long long>(buf.size()), t, op);
    size_t o = 0;
    for (long long k = 0; k < G.ncells; ++k)
      if (take(k)) {
        std::copy(buf.begin() + o, buf.begin() + o + len(k), base + k * stride);
        o += static_cast<size_t>(len(k));
      }
  }
  // the block moments of the group's cells folded in block order, rank after
  // rank, as stats_moments_cell (sums, counts, extremes) or stats_sd_cell
  // (squared deviations) folds them; merged() hands the cell phases each
  // cell's fold as its one entry (0.0 + the fold is the fold: a fold from
  // +0.0 is never -0.0)
  void fold_moments(bool ss) {
    const long long K = G.ncells;
    acc.resize(static_cast<size_t>(K));
    for (long long k = 0; k < K; ++k)
      if (!ss)
        moments_clear(acc[k]);
      else
        acc[k].ss = 0.0;
    const StatsGroup& g = G;
    red.chain(acc.data(), K * static_cast<long long>(sizeof(BlockMoments)), [&g, K, ss](void* state) {
      BlockMoments* a = static_cast<BlockMoments*>(state);
      for (long long k = 0; k < K; ++k) {
        const BlockMoments* bm = g.bm + k * g.nblk;
        for (long long b = 0; b < g.nblk; ++b) {
          if (ss) {
            a[k].ss += bm[b].ss;
            continue;
          }
          a[k].sum += bm[b].sum;
          a[k].c0 += bm[b].c0;
          a[k].c1 += bm[b].c1;
          moments_merge_extremes(a[k], bm[b]);
        }
      }
    });
  }
  StatsGroup merged() {
    StatsGroup m = G;
    m.bm = acc.data();
    m.nblk_all = 1;
    return m;
  }
  bool active(long long k) const { return G.q[k].active != 0; }
  bool collecting(long long k) const { return G.q[k].active && G.q[k].collect; }
  long long bins(long long k) const { return G.q[k].nb; }
  // after the histogram: the counts summed, the extremes combined
  void histograms() {
    auto act = [this](long long k) { return active(k); };
    auto nb = [this](long long k) { return bins(k); };
    reduce_cells(G.hist, kBins, Reduce::Type::u32, Reduce::Op::sum, act, nb);
    auto later = [this](long long k) { return active(k) && G.q[k].level > 0; };
    reduce_cells(G.bmin, kBins, Reduce::Type::u64, Reduce::Op::min, later, nb);
    reduce_cells(G.bmax, kBins, Reduce::Type::u64, Reduce::Op::max, later, nb);
  }
  // the collected bins (each cell's marked bins, in cell and bin order) with f(k, bin)
  template <class F> void each_collected(F f) const {
    for (long long k = 0; k < G.ncells; ++k) {
      if (!collecting(k)) continue;
      const int32_t* mark = G.mark + k * kBins;
      for (long long j = 0; j < bins(k); ++j)
        if (mark[j] >= 0) f(k, j);
    }
  }
  // after collecting: every rank's candidates in every rank's slots, the cursors past them
  void candidates() {
    const int R = red.ranks();
    std::vector<uint32_t>& cnt = sb.cnt; // this rank's candidates of each collected bin
    std::vector<uint64_t>& mine = sb.mine;
    cnt.clear();
    mine.clear();
    each_collected([&](long long k, long long j) {
      const uint32_t at = static_cast<uint32_t>(G.mark[k * kBins + j]), c = G.hist[k * kBins + j] - at;
      cnt.push_back(c);
      mine.insert(mine.end(), G.cand + k * kCand + at, G.cand + k * kCand + at + c);
    });
    const long long nbin = static_cast<long long>(cnt.size()); // the same on every rank
    if (nbin == 0) return;
    std::vector<uint32_t>& cnts = sb.cnts;
    cnts.resize(static_cast<size_t>(nbin * R));
    std::vector<long long> bytes(static_cast<size_t>(R), nbin * 4);
    red.allgather(cnt.data(), nbin * 4, cnts.data(), bytes.data());
    long long all = 0;
    for (int r = 0; r < R; ++r) {
      long long c = 0;
      for (long long i = 0; i < nbin; ++i) c += cnts[static_cast<size_t>(r * nbin + i)];
      bytes[r] = c * 8;
      all += c;
    }
    std::vector<uint64_t>& every = sb.every;
    every.resize(static_cast<size_t>(all));
    red.allgather(mine.data(), static_cast<long long>(mine.size()) * 8, every.data(), bytes.data());
    size_t o = 0;
    long long i = 0;
    std::vector<uint32_t>& cursor = sb.cursor;
    cursor.resize(static_cast<size_t>(nbin));
    each_collected([&](long long k, long long j) { cursor[i++] = static_cast<uint32_t>(G.mark[k * kBins + j]); });
    for (int r = 0; r < R; ++r) {
      i = 0;
      each_collected([&](long long k, long long) {
        const uint32_t c = cnts[static_cast<size_t>(r * nbin + i)];
        std::copy(every.begin() + o, every.begin() + o + c, G.cand + k * kCand + cursor[i]);
        o += c;
        cursor[i++] += c;
      });
    }
    i = 0;
    each_collected([&](long long k, long long j) { G.hist[k * kBins + j] = cursor[i++]; });
  }
};

// The statistics of a group on a rank of a split run (the CPU: one item per
// cell, no kept bin numbers): the phases of stats_serial() as loops over the
// cells, each through the CPU's statistics kernel (StatsCellSerial with its
// phase), with the exchanges of SplitStats between them.
inline void split_statistics(const StatsGroup& G, KernelFn<StatsCellSerial> stats_fn, Reduce& red) {
#if !defined(__CUDACC__)
  if (G.T != 1 || G.block_items() > 1 || G.binid)
    throw std::logic_error("corridor: a split run's statistics take one item per cell");
  static thread_local SplitBuffers buffers;
  SplitStats split(G, red, buffers);
  const long long K = G.ncells;
  auto phase = [&](int ph, const StatsGroup& g) {
    const Via<StatsCellSerial> f{StatsCellSerial{g, ph}, stats_fn};
#if defined(_OPENMP)
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (long long k = 0; k < K; ++k) f(k);
  };
  const bool paths = G.block_items() > 0; // a rank may hold none
  if (paths) phase(kMomentsItem, G);
  split.fold_moments(false);
  phase(kMomentsCell, split.merged());
  if (paths) phase(kSsItem, G);
  split.fold_moments(true);
  phase(kSpreadCell, split.merged());
  for (;;) {
    phase(kPlan, G);
    long long active = 0;
    for (long long k = 0; k < K; ++k) active += G.q[k].active;
    if (active == 0) break;
    phase(kHist, G);
    split.histograms();
    phase(kResolve, G);
    phase(kCollect, G);
    split.candidates();
    phase(kSort, G);
  }
  phase(kQuantiles, G);
#else
  (void)G, (void)stats_fn, (void)red;
  throw std::logic_error("corridor: a run split across ranks reduces on the CPU backend");
#endif
}

// The statistics of a group: with one item per cell (the CPU), each cell's
// phases in one task; on a rank of a split run (red), split_statistics;
// otherwise (the GPU) the phases of stats_serial() as parallel loops over all
// cells, every item of a phase free to run at once.
template <class Policy>
void group_statistics(Policy pol, const StatsGroup& G, KernelFn<StatsCellSerial> stats_fn, Reduce* red = nullptr) {
  const thrust::counting_iterator<long long> i0(0);
  if (red) return split_statistics(G, stats_fn, *red);
  if (G.T == 1 && G.block_items() == 1) {
#if defined(_OPENMP) && !defined(__CUDACC__)
    // cells differ in cost (a level more, or fewer candidates): handed out
    // one at a time rather than in equal shares
    (void)pol;
    const Via<StatsCellSerial> f{StatsCellSerial{G, -1}, stats_fn};
#pragma omp parallel for schedule(dynamic, 1)
    for (long long k = 0; k < G.ncells; ++k) f(k);
#else
    thrust::for_each(pol, i0, i0 + G.ncells, Via<StatsCellSerial>{StatsCellSerial{G, -1}, stats_fn});
#endif
    return;
  }
#if !defined(__CUDACC__)
  throw std::logic_error("corridor: the CPU backend gives each cell one statistics item (stats.h)");
#endif
  const long long K = G.ncells, KB = K * G.block_items(), KT = K * G.T;
  thrust::for_each(pol, i0, i0 + KB, StatsPhase<kMomentsItem>{G});
  thrust::for_each(pol, i0, i0 + K, StatsPhase<kMomentsCell>{G});
  thrust::for_each(pol, i0, i0 + KB, StatsPhase<kSsItem>{G});
  thrust::for_each(pol, i0, i0 + K, StatsPhase<kSpreadCell>{G});
  for (;;) {
    thrust::for_each(pol, i0, i0 + K, StatsPhase<kPlan>{G});
    if (thrust::transform_reduce(pol, i0, i0 + K, QuantActive{G.q}, 0ll, thrust::plus<long long>()) == 0) break;
    thrust::for_each(pol, i0, i0 + KT, StatsPhase<kHist>{G});
    thrust::for_each(pol, i0, i0 + K, StatsPhase<kResolve>{G});
    thrust::for_each(pol, i0, i0 + KT, StatsPhase<kCollect>{G});
    thrust::for_each(pol, i0, i0 + K, StatsPhase<kSort>{G});
  }
  thrust::for_each(pol, i0, i0 + K, StatsPhase<kQuantiles>{G});
}

struct ReplaySink {
  ModelView m;
  double* cells;
  template <class Acc> CORRIDOR_HD void year(int y, const Acc& X) const {
    for_each_cell_of_year(m, Layout(m), y, [&](int cell, long long e) { cells[cell] = X(e); });
  }
};
// Records what a run does not store: capacity, closures and load per group
// and year, and the opening years drawn for the expansions.
struct ReplayTrace {
  ModelView m;
  double* cells;
  template <class Acc> CORRIDOR_HD void year(int y, const Acc& X) const {
    const Layout L(m);
    static_assert(kGroupTrace == 5, "ReplayTrace writes 5 values per group and year");
    for (int g = 0; g < m.G; ++g) {
      double* t = cells + replay_group_trace(m, y, g);
      t[0] = X(L.cap + g);
      t[1] = X(L.lost + g);
      t[2] = X(L.keff + g);
      t[3] = X(L.load + g);
      t[4] = X(L.used + g);
    }
    if (y == 0)
      for (int e = 0; e < m.E; ++e) cells[replay_open_year(m, e)] = X(L.open + e);
  }
};
struct ReplayOne {
  ModelView m;
  uint64_t seed;
  int sc;
  uint32_t path;
  Scratch scr;
  double* cells;
  CORRIDOR_HD void operator()(long long) const {
    ReplaySink sink{m, cells};
    simulate_path(m, seed, sc, path, scr, 0, sink, ReplayTrace{m, cells});
  }
};

// ---- sensitivity: driver and response columns, ranks, rank correlations ----
struct TieStart {
  const double* key;
  CORRIDOR_HD long long operator()(long long i) const { return i == 0 || key[i] != key[i - 1] ? i : 0; }
};
struct TieEnd {
  const double* key;
  long long n;
  CORRIDOR_HD long long operator()(long long i) const {
    return i == n - 1 || key[i] != key[i + 1] ? i : static_cast<long long>(0x7fffffffffffffffll);
  }
};
// A comparator of our own: Thrust then merge-sorts (its radix sort for plain
// less<double> binds a null policy reference internally, which
// UndefinedBehaviorSanitizer rejects).
struct LessDouble {
  CORRIDOR_HD bool operator()(double a, double b) const { return a < b; }
};
struct MinLL {
  CORRIDOR_HD long long operator()(long long a, long long b) const { return a < b ? a : b; }
};
struct MaxLL {
  CORRIDOR_HD long long operator()(long long a, long long b) const { return a > b ? a : b; }
};
// twice the 0-based mid-rank, centred: an integer in [-(n-1), n-1], stored in the column
struct ScatterRank {
  const long long* idx;
  const long long* first;
  const long long* last;
  double* col;
  long long n;
  CORRIDOR_HD void operator()(long long i) const { col[idx[i]] = static_cast<double>(first[i] + last[i] - (n - 1)); }
};

// A model's arrays in a backend's memory (Vec: its vector type), one vector
// per array of model_arrays.h, and the view of them the kernels read. Throws
// std::logic_error for a model whose arrays do not have their lengths.
template <template <class> class Vec> struct DeviceModel {
#define CORRIDOR_DEVICE_ARRAY(type, name, length) Vec<type> name;
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_DEVICE_ARRAY)
#undef CORRIDOR_DEVICE_ARRAY
  ModelView v;
  explicit DeviceModel(const HostModel& h) {
    const std::string why = h.size_problem();
    if (!why.empty()) throw std::logic_error("corridor: model arrays: " + why);
#define CORRIDOR_VIEW_DIM(name) v.name = h.name;
    CORRIDOR_MODEL_DIMS(CORRIDOR_VIEW_DIM)
#undef CORRIDOR_VIEW_DIM
// NOLINTBEGIN(bugprone-macro-parentheses): `name` is a member's name
#define CORRIDOR_UPLOAD_ARRAY(type, name, length)                                                                      \
  name.assign(h.name.begin(), h.name.end());                                                                           \
  v.name = thrust::raw_pointer_cast(name.data());
    // NOLINTEND(bugprone-macro-parentheses)
    CORRIDOR_MODEL_ARRAYS(CORRIDOR_UPLOAD_ARRAY)
#undef CORRIDOR_UPLOAD_ARRAY
  }
  DeviceModel(const DeviceModel&) = delete; // v points into this object
  DeviceModel& operator=(const DeviceModel&) = delete;
};

// lane_major: scratch element e of lane l at e * batch + l (GPU, coalesced);
// otherwise at l * size + e (CPU: one path's state in one cache region; a
// tile of kTile lanes interleaves its share, see SimulateTile).
template <class DoubleVec> Scratch make_scratch(DoubleVec& buf, bool lane_major, long long size, long long lanes) {
#if !defined(__CUDACC__)
  if (lane_major) throw std::logic_error("corridor: the CPU backend's scratch must be path-major");
#endif
  buf.resize(static_cast<size_t>(lanes) * size);
  double* p = thrust::raw_pointer_cast(buf.data());
  return lane_major ? Scratch{p, 1, lanes} : Scratch{p, size, 1};
}
// Launches a simulation of the batch of paths p0 .. p0 + nb - 1 of scenario
// sc that stores (and counts) `cells` (SimulateBatch: one path per thread,
// the GPU; SimulateTile: tiles of paths, the CPU).
template <class Policy>
void simulate_batch(Policy pol, bool lane_major, const ModelView& v, uint64_t seed, int sc, long long p0, long long nb,
                    const Scratch& scr, const SinkCells& cells, KernelFn<SimulateTile> tile_fn) {
  const thrust::counting_iterator<long long> i0(0);
  if (lane_major) {
    thrust::for_each(pol, i0, i0 + nb, SimulateBatch{v, seed, sc, p0, scr, cells});
  } else {
#if !defined(__CUDACC__)
    const SimulateTile t{v, seed, sc, p0, scr, cells, nb};
    thrust::for_each(pol, i0, i0 + (nb + kTile - 1) / kTile, Via<SimulateTile>{t, tile_fn});
#else
    (void)tile_fn;
#endif
  }
}

// A run (Backend::run): for each scenario, passes over the paths that each
// store a share of the scenario's stored cells (MemoryPlan, sized for the
// scenario that stores most) and reduce them to statistics; the first pass
// also counts the indicators; then the cells known without storing
// (CellPlan).
//
// With red (a run split across ranks, dist.h), this process simulates its
// share of the paths only, and the statistics combine the shares exactly
// between their phases (group_statistics); every rank plans its memory for
// the largest share (rank 0's), so all make the same passes and groups, and
// all end with the same results.
template <class Policy, template <class> class Vec> class RunLaunch {
public:
  RunLaunch(Policy pol, bool lane_major, uint64_t budget, uint64_t batch_hint, uint64_t group_hint, const HostModel& h,
            const CellPlan& plan, const RunConfig& cfg, RunResult& res, KernelFn<SimulateTile> tile_fn,
            KernelFn<StatsCellSerial> stats_fn, Reduce* red = nullptr)
      : pol_(pol), lane_major_(lane_major), h_(h), plan_(plan), cfg_(cfg), res_(res), tile_fn_(tile_fn),
        stats_fn_(stats_fn), red_(red && red->ranks() > 1 ? red : nullptr), sh_(share_of(cfg, red_)),
        nq_(static_cast<int>(cfg.probs.size())), width_(stats_width(nq_)), n_(sh_.count),
        mp_(checked_plan(lane_major, budget, batch_hint, group_hint, h, plan, planned_config(cfg, red_), tile_fn,
                         stats_fn)),
        up_(h), L_(up_.v), cpp_(static_cast<int>(mp_.cells_per_pass)) {
    allocate();
    res_.width = width_;
    res_.passes = static_cast<int>(mp_.passes);
    res_.cells_per_pass = mp_.cells_per_pass;
    res_.planned_bytes = mp_.bytes;
    res_.stats.assign(static_cast<size_t>(up_.v.NS) * up_.v.cells() * width_, 0.0);
    double passes = 0;
    for (int sc = 0; sc < up_.v.NS; ++sc) passes += static_cast<double>(scenario_passes(sc));
    total_work_ = passes * static_cast<double>(n_ + 1);
  }

  void scenario(int sc) {
    const std::vector<int>& stored = plan_.stored[static_cast<size_t>(sc)];
    const int nstored = static_cast<int>(stored.size());
    std::vector<double> t0(static_cast<size_t>(nstored)), t1(t0.size());
    for (int k = 0; k < nstored; ++k) {
      t0[k] = plan_.thr0[stored[k]];
      t1[k] = plan_.thr1[stored[k]];
    }
    thrust::copy(t0.begin(), t0.end(), thr0_.begin());
    thrust::copy(t1.begin(), t1.end(), thr1_.begin());
    thrust::fill(counts_.begin(), counts_.end(), 0ull);
    const int np = scenario_passes(sc);
    for (int pass = 0; pass < np; ++pass) {
      const int c0 = pass * cpp_;
      const int nc = std::min(cpp_, nstored - c0);
      simulate_pass(sc, pass, nc);
      pass_statistics(c0, nc);
      if (red_) red_->pass_done();
    }
    double* dst = res_.stats.data() + static_cast<size_t>(sc) * up_.v.cells() * width_;
    stored_results(sc, dst);
    counted_results(sc, dst);
    known_results(sc, dst);
  }

private:
  // this process's paths: all of them, or its rank's share
  static PathShare share_of(const RunConfig& cfg, Reduce* red) {
    if (red) return path_share(cfg.paths, red->ranks(), red->rank());
    PathShare s;
    s.count = cfg.paths;
    s.nblk = stats_blocks(cfg.paths);
    return s;
  }
  // the configuration the memory is planned for: the largest share (rank 0's)
  static RunConfig planned_config(const RunConfig& cfg, Reduce* red) {
    RunConfig c = cfg;
    if (red) c.paths = static_cast<uint32_t>(path_share(cfg.paths, red->ranks(), 0).count);
    return c;
  }
  long long total_paths() const { return static_cast<long long>(cfg_.paths); }

  static MemoryPlan checked_plan(bool lane_major, uint64_t budget, uint64_t batch_hint, uint64_t group_hint,
                                 const HostModel& h, const CellPlan& plan, const RunConfig& cfg,
                                 KernelFn<SimulateTile> tile_fn, KernelFn<StatsCellSerial> stats_fn) {
    if (!lane_major && !(tile_fn && stats_fn))
      throw std::logic_error("corridor: the CPU backend runs tiles and statistics through its kernels");
    return plan_memory(h, plan, cfg, budget, batch_hint, group_hint, !lane_major);
  }

  // passes over the paths in scenario sc (one at least where it counts indicators)
  int scenario_passes(int sc) const {
    const int nstored = static_cast<int>(plan_.stored[static_cast<size_t>(sc)].size());
    const bool counts = !plan_.counted[static_cast<size_t>(sc)].empty();
    return std::max(counts ? 1 : 0, (nstored + cpp_ - 1) / cpp_);
  }

  // The buffers of the run: thresholds of the stored cells, the scratch of a
  // batch, the values of a pass, the indicator counts, the statistics
  // buffers of one group of cells, and each scenario's stored cells of each
  // pass by year and counted cells by year.
  void allocate() {
    probs_.assign(cfg_.probs.begin(), cfg_.probs.end());
    const size_t most = std::max<size_t>(plan_.max_stored(), 1);
    thr0_.resize(most);
    thr1_.resize(most);
    // CPU: whole tiles, whose lanes interleave in their share (SimulateTile)
    const long long batch = static_cast<long long>(mp_.batch);
    scr_ = make_scratch(scratch_, lane_major_, L_.size, lane_major_ ? batch : tile_lanes(batch));
    // the GPU splits each cell's passes into one item per block of paths,
    // the CPU gives a cell one item
    nblk_ = stats_blocks(n_);
    values_.resize(static_cast<size_t>(mp_.cells_per_pass) * n_);
    size_t counted = 1;
    for (const auto& c : plan_.counted) counted = std::max(counted, c.size());
    // a row per CPU thread (a whole number of cache lines), one on the GPU
    count_stride_ = (static_cast<long long>(counted) + 7) / 8 * 8;
#if defined(_OPENMP) && !defined(__CUDACC__)
    count_rows_ = lane_major_ ? 1 : std::max(1, omp_get_max_threads());
#endif
    counts_.resize(static_cast<size_t>(count_rows_ * count_stride_));
    host_counts_.resize(counts_.size());
    const long long sg = static_cast<long long>(mp_.stats_group);
    bm_.resize(static_cast<size_t>(sg * nblk_));
    quant_.resize(static_cast<size_t>(sg));
    hist_.resize(static_cast<size_t>(sg) * kBins);
    mark_.resize(static_cast<size_t>(sg) * kBins);
    bmin_.resize(static_cast<size_t>(sg) * kBins);
    bmax_.resize(static_cast<size_t>(sg) * kBins);
    cand_.resize(static_cast<size_t>(sg) * kCand);
    // the levels' bin numbers: kept by the CPU's one-item-per-cell schedule only
    binid_.resize(lane_major_ || red_ ? 0 : static_cast<size_t>(sg * n_));
    stats_.resize(most * width_);
    host_stats_.resize(most * width_);
    pass_cells_.resize(static_cast<size_t>(up_.v.NS));
    count_cells_.reserve(static_cast<size_t>(up_.v.NS));
    for (int sc = 0; sc < up_.v.NS; ++sc) {
      const std::vector<int>& stored = plan_.stored[static_cast<size_t>(sc)];
      const int nstored = static_cast<int>(stored.size());
      for (int c0 = 0; c0 < nstored || c0 == 0; c0 += cpp_)
        pass_cells_[static_cast<size_t>(sc)].emplace_back(
            YearCells(up_.v, stored.data() + c0, std::max(0, std::min(cpp_, nstored - c0))));
      const std::vector<int>& counted_sc = plan_.counted[static_cast<size_t>(sc)];
      count_cells_.emplace_back(YearCells(up_.v, counted_sc.data(), static_cast<int>(counted_sc.size())));
    }
  }

  // Every path of scenario sc, batch by batch, storing the nc cells of one
  // pass; the first pass also counts the indicators.
  void simulate_pass(int sc, int pass, int nc) {
    const YearCellsOn<Vec>& yc = pass_cells_[static_cast<size_t>(sc)][static_cast<size_t>(pass)];
    SinkCells cells{thrust::raw_pointer_cast(yc.ybeg.data()), thrust::raw_pointer_cast(yc.dst.data()),
                    thrust::raw_pointer_cast(yc.elem.data()),
                    Columns{nullptr, thrust::raw_pointer_cast(values_.data()), n_, kLayoutShift, nc, sh_.begin}};
    if (pass == 0) {
      const YearCellsOn<Vec>& cc = count_cells_[static_cast<size_t>(sc)];
      cells.cbeg = thrust::raw_pointer_cast(cc.ybeg.data());
      cells.cdst = thrust::raw_pointer_cast(cc.dst.data());
      cells.celem = thrust::raw_pointer_cast(cc.elem.data());
      cells.counts = thrust::raw_pointer_cast(counts_.data());
      cells.count_stride = count_stride_;
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (long long p0 = 0; p0 < n_; p0 += static_cast<long long>(mp_.batch)) {
      const long long nb = std::min<long long>(static_cast<long long>(mp_.batch), n_ - p0);
      simulate_batch(pol_, lane_major_, up_.v, cfg_.seed, sc, sh_.begin + p0, nb, scr_, cells, tile_fn_);
      progress(static_cast<double>(nb));
    }
    res_.simulate_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  // The statistics of the nc cells of the pass that starts at stored cell
  // c0, group by group.
  void pass_statistics(int c0, int nc) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int g0 = 0; g0 < nc; g0 += static_cast<int>(mp_.stats_group)) {
      const int ng = std::min<int>(static_cast<int>(mp_.stats_group), nc - g0);
      group_statistics(pol_, stats_group(c0, g0, ng, nc), stats_fn_, red_);
    }
    res_.stats_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress(1.0);
  }

  // The statistics task of cells g0 .. g0 + ng - 1 of the pass of nc cells
  // at c0 (their columns in blocks, see Columns).
  StatsGroup stats_group(int c0, int g0, int ng, int nc) {
    StatsGroup G;
    G.x = thrust::raw_pointer_cast(values_.data());
    G.n = n_;
    G.lbs = kLayoutShift;
    G.nc = nc;
    G.c0 = g0;
    G.ncells = ng;
    G.nq = nq_;
    G.probs = thrust::raw_pointer_cast(probs_.data());
    G.thr0 = thrust::raw_pointer_cast(thr0_.data()) + c0 + g0;
    G.thr1 = thrust::raw_pointer_cast(thr1_.data()) + c0 + g0;
    G.out = thrust::raw_pointer_cast(stats_.data()) + static_cast<long long>(c0 + g0) * width_;
    G.width = width_;
    G.nblk = nblk_;
    if (red_) G.n_all = total_paths();
    G.bper = lane_major_ ? 1 : std::max<long long>(nblk_, 1);
    G.T = lane_major_ ? nblk_ : 1;
    G.bm = thrust::raw_pointer_cast(bm_.data());
    G.q = thrust::raw_pointer_cast(quant_.data());
    G.hist = thrust::raw_pointer_cast(hist_.data());
    G.mark = thrust::raw_pointer_cast(mark_.data());
    G.bmin = thrust::raw_pointer_cast(bmin_.data());
    G.bmax = thrust::raw_pointer_cast(bmax_.data());
    G.cand = thrust::raw_pointer_cast(cand_.data());
    G.binid = lane_major_ || red_ ? nullptr : thrust::raw_pointer_cast(binid_.data());
    return G;
  }

  // The stored cells' statistics into the scenario's results.
  void stored_results(int sc, double* dst) {
    const std::vector<int>& stored = plan_.stored[static_cast<size_t>(sc)];
    thrust::copy(stats_.begin(), stats_.end(), host_stats_.begin());
    for (size_t k = 0; k < stored.size(); ++k)
      std::copy(host_stats_.begin() + static_cast<long long>(k) * width_,
                host_stats_.begin() + static_cast<long long>(k + 1) * width_,
                dst + static_cast<long long>(stored[k]) * width_);
  }

  // The counted indicators' statistics (indicator_stats).
  void counted_results(int sc, double* dst) {
    const std::vector<int>& counted = plan_.counted[static_cast<size_t>(sc)];
    thrust::copy(counts_.begin(), counts_.end(), host_counts_.begin());
    std::vector<unsigned long long> ones(counted.size(), 0);
    for (size_t k = 0; k < counted.size(); ++k)
      for (long long r = 0; r < count_rows_; ++r) ones[k] += host_counts_[static_cast<size_t>(r * count_stride_) + k];
    if (red_ && !ones.empty()) // every rank's paths counted (integers)
      red_->allreduce(ones.data(), static_cast<long long>(ones.size()), Reduce::Type::u64, Reduce::Op::sum);
    for (size_t k = 0; k < counted.size(); ++k) {
      const int c = counted[k];
      indicator_stats(ones[k], total_paths(), cfg_.probs.data(), nq_, plan_.thr0[c], plan_.thr1[c],
                      dst + static_cast<long long>(c) * width_);
    }
  }

  // Cells known without storing: zeros, the cells that are the same on every
  // path (from one path simulated here), and aliases of stored cells.
  void known_results(int sc, double* dst) {
    const int C = up_.v.cells();
    const int* kind = plan_.kind.data() + static_cast<size_t>(sc) * C;
    const bool constant = std::count(kind, kind + C, CellPlan::kConstant) > 0;
    std::vector<double> one(constant ? static_cast<size_t>(C) : 0);
    if (constant) {
      const ModelView hv = h_.view();
      std::vector<double> s1(static_cast<size_t>(L_.size));
      ReplaySink sink{hv, one.data()};
      simulate_path(hv, cfg_.seed, sc, 0, Scratch{s1.data(), L_.size, 1}, 0, sink);
    }
    for (int c = 0; c < C; ++c) {
      double* o = dst + static_cast<long long>(c) * width_;
      if (kind[c] == CellPlan::kZero || kind[c] == CellPlan::kConstant) {
        const double x = kind[c] == CellPlan::kZero ? 0.0 : as_stored(one[c]); // as a stored cell's values
        std::fill(o, o + width_, x);
        o[1] = o[2] = 0.0; // sd, sem
        o[3 + nq_] = x >= plan_.thr0[c] ? 1.0 : 0.0;
        o[4 + nq_] = x >= plan_.thr1[c] ? 1.0 : 0.0;
      }
    }
    for (int c = 0; c < C; ++c)
      if (kind[c] == CellPlan::kAlias) {
        const double* srcp = dst + static_cast<long long>(plan_.alias_of[c]) * width_;
        std::copy(srcp, srcp + width_, dst + static_cast<long long>(c) * width_);
      }
  }

  void progress(double work) {
    done_ += work;
    if (cfg_.progress) cfg_.progress(done_ / total_work_);
  }

  Policy pol_;
  bool lane_major_;
  const HostModel& h_;
  const CellPlan& plan_;
  const RunConfig& cfg_;
  RunResult& res_;
  KernelFn<SimulateTile> tile_fn_;
  KernelFn<StatsCellSerial> stats_fn_;
  Reduce* red_; // null: this process holds every path
  PathShare sh_;
  int nq_, width_;
  long long n_;
  MemoryPlan mp_;
  DeviceModel<Vec> up_;
  Layout L_;
  int cpp_; // stored cells per pass
  Vec<double> probs_, thr0_, thr1_, scratch_, stats_;
  Vec<Value> values_; // a pass's stored cells, single precision (stats.h)
  Vec<uint16_t> binid_;
  Vec<unsigned long long> counts_;
  long long count_stride_ = 0, count_rows_ = 1;
  Scratch scr_{nullptr, 0, 0};
  long long nblk_ = 0;
  Vec<BlockMoments> bm_;
  Vec<CellQuant> quant_;
  Vec<uint32_t> hist_;
  Vec<int32_t> mark_;
  Vec<uint64_t> bmin_, bmax_, cand_;
  std::vector<double> host_stats_;
  std::vector<unsigned long long> host_counts_;
  std::vector<std::vector<YearCellsOn<Vec>>> pass_cells_; // [scenario][pass]
  std::vector<YearCellsOn<Vec>> count_cells_;             // [scenario]
  double total_work_ = 0, done_ = 0;
};

template <class Policy, template <class> class Vec>
void run(Policy pol, bool lane_major, uint64_t budget, uint64_t batch_hint, uint64_t group_hint, const HostModel& h,
         const CellPlan& plan, const RunConfig& cfg, RunResult& res, KernelFn<SimulateTile> tile_fn = nullptr,
         KernelFn<StatsCellSerial> stats_fn = nullptr, Reduce* red = nullptr) {
  if (!red || red->ranks() == 1) {
    RunLaunch<Policy, Vec> launch(pol, lane_major, budget, batch_hint, group_hint, h, plan, cfg, res, tile_fn,
                                  stats_fn);
    for (int sc = 0; sc < h.NS; ++sc) launch.scenario(sc);
    return;
  }
  // a split run: the ranks agree on their setup (a budget too small fails on every rank) before any exchange
  std::unique_ptr<RunLaunch<Policy, Vec>> launch;
  std::exception_ptr failed;
  try {
    launch.reset(new RunLaunch<Policy, Vec>(pol, lane_major, budget, batch_hint, group_hint, h, plan, cfg, res, tile_fn,
                                            stats_fn, red));
  } catch (...) {
    failed = std::current_exception();
  }
  red->agree(failed);
  for (int sc = 0; sc < h.NS; ++sc) launch->scenario(sc);
}

// Sensitivity on the CPU: the ranks of one column, computed by one task
// (ScatterRank's values: twice the 0-based mid-rank of each value's tie group, centred).
struct RankColumn {
  double* cols;
  long long n;
  void operator()(long long c) const {
#if !defined(__CUDA_ARCH__)
    double* col = cols + c * n;
    std::vector<long long> idx(static_cast<size_t>(n));
    for (long long i = 0; i < n; ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(),
              [col](long long a, long long b) { return col[a] < col[b] || (!(col[b] < col[a]) && a < b); });
    std::vector<double> rank(static_cast<size_t>(n));
    for (long long i = 0; i < n;) {
      long long j = i;
      while (j + 1 < n && col[idx[j + 1]] == col[idx[i]]) ++j;
      for (long long t = i; t <= j; ++t) rank[idx[t]] = static_cast<double>(i + j - (n - 1));
      i = j + 1;
    }
    std::copy(rank.begin(), rank.end(), col);
#endif
  }
};
// Sums of products of rank columns, exact in integers, so that no order of
// summation changes them: with `norms`, column c with itself into out[c];
// otherwise tile t of the D x K products of columns a (D of them) and b (K),
// kDotTile x kDotTile pairs per tile, into out[d * K + k]. Below 2^53 the
// products and their sums are exact in doubles, which vectorise; a larger n
// sums in 64-bit integers.
constexpr int kDotTile = 4;
struct RankDots {
  const double* a;
  const double* b;
  long long n;
  long long D, K, td, tk;
  long long* out;
  bool norms;
  CORRIDOR_HD void operator()(long long t) const {
    if (norms) {
      const double* x = a + t * n;
      long long s = 0;
      for (long long i = 0; i < n; ++i) s += static_cast<long long>(x[i]) * static_cast<long long>(x[i]);
      out[t] = s;
      return;
    }
    const long long d0 = t / tk * kDotTile, k0 = t % tk * kDotTile;
    const int nd = static_cast<int>(D - d0 < kDotTile ? D - d0 : kDotTile);
    const int nk = static_cast<int>(K - k0 < kDotTile ? K - k0 : kDotTile);
    // |rank| <= n - 1: every partial sum of n products stays below n^3
    const bool exact_double = static_cast<double>(n) * n * n < 9.0e15;
    if (exact_double && nd == kDotTile && nk == kDotTile) {
      constexpr int L = 8;
      double acc[kDotTile][kDotTile][L];
      for (int i = 0; i < kDotTile; ++i)
        for (int j = 0; j < kDotTile; ++j)
          for (int l = 0; l < L; ++l) acc[i][j][l] = 0.0;
      const double* x[kDotTile];
      const double* y[kDotTile];
      for (int i = 0; i < kDotTile; ++i) x[i] = a + (d0 + i) * n, y[i] = b + (k0 + i) * n;
      long long p = 0;
      for (; p + L <= n; p += L)
        for (int i = 0; i < kDotTile; ++i)
          for (int j = 0; j < kDotTile; ++j)
            for (int l = 0; l < L; ++l) acc[i][j][l] += x[i][p + l] * y[j][p + l];
      for (int i = 0; i < kDotTile; ++i)
        for (int j = 0; j < kDotTile; ++j) {
          double s = 0.0;
          for (int l = 0; l < L; ++l) s += acc[i][j][l];
          for (long long q = p; q < n; ++q) s += x[i][q] * y[j][q];
          out[(d0 + i) * K + k0 + j] = static_cast<long long>(s);
        }
      return;
    }
    for (int i = 0; i < nd; ++i)
      for (int j = 0; j < nk; ++j) {
        const double* x = a + (d0 + i) * n;
        const double* y = b + (k0 + j) * n;
        long long s = 0;
        for (long long q = 0; q < n; ++q) s += static_cast<long long>(x[q]) * static_cast<long long>(y[q]);
        out[(d0 + i) * K + k0 + j] = s;
      }
  }
};

// The columns of a sensitivity run as one list of cells by year, which a
// run's simulation stores (SimulateBatch, SimulateTile): the K responses in
// columns D.., and the D drivers, read at the end of the last year, in
// columns 0..D-1.
inline YearCells sensitivity_cells(const ModelView& v, const SensitivitySpec& spec) {
  YearCells yc(v, spec.response_cell.data(), spec.K());
  for (int& d : yc.dst) d += spec.D();
  for (int d = 0; d < spec.D(); ++d) { // appended to the last year's range
    yc.dst.push_back(d);
    yc.elem.push_back(spec.driver_elem[d]);
  }
  yc.ybeg[v.Y] += spec.D();
  return yc;
}

// Replaces the n values of col by their centred mid-ranks (ScatterRank),
// with key, idx, first and last as n-element work buffers.
template <class Policy, template <class> class Vec>
void rank_column(Policy pol, double* col, long long n, Vec<double>& key, Vec<long long>& idx, Vec<long long>& first,
                 Vec<long long>& last) {
  const thrust::counting_iterator<long long> i0(0);
  thrust::copy(pol, col, col + n, key.begin());
  thrust::sequence(pol, idx.begin(), idx.end());
  thrust::stable_sort_by_key(pol, key.begin(), key.end(), idx.begin(), LessDouble());
  const double* kp = thrust::raw_pointer_cast(key.data());
  thrust::transform_inclusive_scan(pol, i0, i0 + n, first.begin(), TieStart{kp}, MaxLL());
  thrust::transform(pol, i0, i0 + n, last.begin(), TieEnd{kp, n});
  thrust::inclusive_scan(pol, thrust::make_reverse_iterator(last.end()), thrust::make_reverse_iterator(last.begin()),
                         thrust::make_reverse_iterator(last.end()), MinLL());
  thrust::for_each(pol, i0, i0 + n,
                   ScatterRank{thrust::raw_pointer_cast(idx.data()), thrust::raw_pointer_cast(first.data()),
                               thrust::raw_pointer_cast(last.data()), col, n});
}

// Replaces each of the C columns of n values by their centred mid-ranks: on
// the GPU with Thrust's sorts and scans per column, on the CPU one column per
// task (RankColumn) rather than C parallel sorts.
template <class Policy, template <class> class Vec>
void rank_columns(Policy pol, double* colp, long long n, int C, Vec<double>& key, Vec<long long>& idx,
                  Vec<long long>& first, Vec<long long>& last) {
#if defined(__CUDACC__)
  for (int c = 0; c < C; ++c)
    rank_column<Policy, Vec>(pol, colp + static_cast<long long>(c) * n, n, key, idx, first, last);
#else
  (void)key, (void)idx, (void)first, (void)last;
  const thrust::counting_iterator<long long> i0(0);
  thrust::for_each(pol, i0, i0 + C, RankColumn{colp, n});
#endif
}

// Spearman's rho of each driver column d < D with each response column
// D + k, from their ranks: rho[d * K + k] (NaN where either is constant).
// The sums of rank products are exact integers, so their order is free: the
// D + K norms one task each, the D x K products in tiles of kDotTile x
// kDotTile column pairs, each tile one task.
template <class Policy, template <class> class Vec>
void rank_correlations(Policy pol, const double* colp, long long n, int D, int K, double* rho) {
  const thrust::counting_iterator<long long> i0(0);
  Vec<long long> sums(static_cast<size_t>(D + K) + static_cast<size_t>(D) * K);
  long long* sp = thrust::raw_pointer_cast(sums.data());
  thrust::for_each(pol, i0, i0 + (D + K), RankDots{colp, colp, n, 1, 1, 0, 0, sp, true});
  const long long td = (D + kDotTile - 1) / kDotTile, tk = (K + kDotTile - 1) / kDotTile;
  thrust::for_each(pol, i0, i0 + td * tk,
                   RankDots{colp, colp + static_cast<long long>(D) * n, n, D, K, td, tk, sp + D + K, false});
  std::vector<long long> hs(sums.size());
  thrust::copy(sums.begin(), sums.end(), hs.begin());
  for (int d = 0; d < D; ++d) {
    const long long saa = hs[d];
    for (int k = 0; k < K; ++k) {
      const long long sbb = hs[D + k];
      const long long sab = hs[D + K + static_cast<size_t>(d) * K + k];
      rho[static_cast<size_t>(d) * K + k] =
          saa > 0 && sbb > 0 ? static_cast<double>(sab) / fm::sqrt(static_cast<double>(saa) * static_cast<double>(sbb))
                             : fm::from_bits(0x7ff8000000000000ull);
    }
  }
}

template <class Policy, template <class> class Vec>
void sensitivity(Policy pol, bool lane_major, uint64_t batch_hint, const HostModel& h, const SensitivitySpec& spec,
                 const RunConfig& cfg, std::vector<double>& rho, KernelFn<SimulateTile> tile_fn = nullptr) {
  if (!lane_major && !tile_fn) throw std::logic_error("corridor: the CPU backend runs sensitivity paths in tiles");
  const long long n = spec.paths;
  const int D = spec.D(), K = spec.K();
  DeviceModel<Vec> up(h);
  const ModelView& v = up.v;
  const Layout L(v);
  rho.assign(static_cast<size_t>(v.NS) * D * K, 0.0);
  if (n < 2 || D == 0 || K == 0) return;
  const YearCellsOn<Vec> cells(sensitivity_cells(v, spec));
  long long batch = std::max<long long>(1, std::min<long long>(static_cast<long long>(batch_hint), n));
  if (cfg.max_memory > 0) { // what the run keeps and the columns come first; the scratch takes the rest
    const uint64_t fixed = sensitivity_fixed_bytes(h, spec, cfg, !lane_major);
    const uint64_t lane = static_cast<uint64_t>(L.size) * 8;
    const uint64_t room = cfg.max_memory > fixed ? (cfg.max_memory - fixed) / lane : 0;
    const long long least = lane_major ? 1 : kTile;
    batch = std::min<long long>(batch, std::max<long long>(least, static_cast<long long>(room) / least * least));
  }
  Vec<double> scratch;
  const Scratch scr = make_scratch(scratch, lane_major, L.size, lane_major ? batch : tile_lanes(batch));
  Vec<double> cols(static_cast<size_t>(D + K) * n);
  const size_t nk = lane_major ? static_cast<size_t>(n) : 0; // the GPU ranks with Thrust's sorts and scans
  Vec<double> key(nk);
  Vec<long long> idx(nk), first(nk), last(nk);
  double* colp = thrust::raw_pointer_cast(cols.data());
  const SinkCells sink{thrust::raw_pointer_cast(cells.ybeg.data()), thrust::raw_pointer_cast(cells.dst.data()),
                       thrust::raw_pointer_cast(cells.elem.data()), Columns{colp, nullptr, n, kPlainColumns, D + K}};
  for (int sc = 0; sc < v.NS; ++sc) {
    for (long long p0 = 0; p0 < n; p0 += batch)
      simulate_batch(pol, lane_major, v, cfg.seed, sc, p0, std::min<long long>(batch, n - p0), scr, sink, tile_fn);
    rank_columns<Policy, Vec>(pol, colp, n, D + K, key, idx, first, last);
    rank_correlations<Policy, Vec>(pol, colp, n, D, K, rho.data() + static_cast<size_t>(sc) * D * K);
  }
}

// Served flow of every series and year for paths p0..p0+count-1 of one
// scenario (raw paths output): out[(path - p0) * S * Y + s * Y + y].
struct FlowSink {
  ModelView m;
  double* out;
  long long lane;
  template <class Acc> CORRIDOR_HD void year(int y, const Acc& X) const {
    const Layout L(m);
    for (int s = 0; s < m.S; ++s) out[(lane * m.S + s) * m.Y + y] = X(L.flow + s);
  }
};
struct FlowBatch {
  ModelView m;
  uint64_t seed;
  int sc;
  long long p0;
  Scratch scr;
  double* out;
  CORRIDOR_HD void operator()(long long lane) const {
    FlowSink sink{m, out, lane};
    simulate_path(m, seed, sc, static_cast<uint32_t>(p0 + lane), scr, lane, sink);
  }
};

// Path i's values of nc plain columns of n paths into row i of `out`.
struct PathRow {
  const double* cols;
  double* out;
  long long n, nc;
  CORRIDOR_HD void operator()(long long i) const {
    for (long long k = 0; k < nc; ++k) out[i * nc + k] = cols[k * n + i];
  }
};

template <class Policy, template <class> class Vec>
void raw_flows(Policy pol, bool lane_major, const HostModel& h, uint64_t seed, int sc, uint64_t p0, uint32_t count,
               std::vector<double>& out, KernelFn<SimulateTile> tile_fn = nullptr) {
  DeviceModel<Vec> up(h);
  const Layout L(up.v);
  const long long n = count, SY = static_cast<long long>(up.v.S) * up.v.Y;
  if (lane_major || !tile_fn) { // one path per thread (the GPU)
    Vec<double> scratch;
    const Scratch scr = make_scratch(scratch, lane_major, L.size, n);
    Vec<double> vals(static_cast<size_t>(n * SY));
    FlowBatch f{up.v, seed, sc, static_cast<long long>(p0), scr, thrust::raw_pointer_cast(vals.data())};
    thrust::for_each(pol, thrust::counting_iterator<long long>(0), thrust::counting_iterator<long long>(n), f);
    out.resize(vals.size());
    thrust::copy(vals.begin(), vals.end(), out.begin());
    return;
  }
  // the CPU: tiles of paths side by side (SimulateTile, the same numbers as
  // one path at a time), the flow of series s in year y into column s Y + y,
  // then each path's row of the columns into `out`
  std::vector<int> flow_cells(static_cast<size_t>(SY));
  for (int s = 0; s < up.v.S; ++s)
    for (int y = 0; y < up.v.Y; ++y) flow_cells[static_cast<size_t>(s) * up.v.Y + y] = up.v.series_cell(s, kFlow, y);
  const YearCellsOn<Vec> cells(YearCells(up.v, flow_cells.data(), static_cast<int>(SY)));
  Vec<double> scratch;
  const Scratch scr = make_scratch(scratch, false, L.size, tile_lanes(n));
  Vec<double> cols(static_cast<size_t>(n * SY));
  const SinkCells sink{
      thrust::raw_pointer_cast(cells.ybeg.data()), thrust::raw_pointer_cast(cells.dst.data()),
      thrust::raw_pointer_cast(cells.elem.data()),
      Columns{thrust::raw_pointer_cast(cols.data()), nullptr, n, kPlainColumns, SY, static_cast<long long>(p0)}};
  simulate_batch(pol, false, up.v, seed, sc, static_cast<long long>(p0), n, scr, sink, tile_fn);
  out.resize(cols.size());
  thrust::for_each(pol, thrust::counting_iterator<long long>(0), thrust::counting_iterator<long long>(n),
                   PathRow{thrust::raw_pointer_cast(cols.data()), out.data(), n, SY});
}

template <class Policy, template <class> class Vec>
void replay(Policy pol, const HostModel& h, uint64_t seed, int sc, uint32_t path, std::vector<double>& cells) {
  DeviceModel<Vec> up(h);
  const Layout L(up.v);
  Vec<double> scratch;
  const Scratch scr = make_scratch(scratch, false, L.size, 1); // one lane: both layouts coincide
  Vec<double> out(static_cast<size_t>(replay_size(up.v)));
  ReplayOne f{up.v, seed, sc, path, scr, thrust::raw_pointer_cast(out.data())};
  thrust::for_each(pol, thrust::counting_iterator<long long>(0), thrust::counting_iterator<long long>(1), f);
  cells.resize(out.size());
  thrust::copy(out.begin(), out.end(), cells.begin());
}

} // namespace launch
CORRIDOR_KERNELS_END
