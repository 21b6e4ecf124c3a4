// A run split across processes (MPI ranks): which paths each simulates, and
// the exact reductions the statistics need between their phases. Plain C++:
// the MPI implementation lives in host/dist.cpp, so that kernels/ includes no
// MPI header; a process alone has no Reduce and runs as before.
//
// Rank r of R simulates a contiguous share of the run's paths, whole blocks
// of kShareBlock = kSumBlock paths (stats.h; launch.inl checks they agree),
// so that every block sum is one rank's: the blocks go out in equal numbers,
// the first ranks one more where they do not divide, so rank 0 holds the most
// paths (the last block, shorter, lies in the last share that has any). Every
// statistic is then a pure function of the values in path order combined
// exactly (launch.inl, group_statistics): block sums folded in block order
// (rank after rank), integer counts summed, extremes and candidate keys
// combined, so the bytes are those of one process for any R.
#pragma once
#include <cstdint>
#include <exception>
#include <functional>

// Plain host types, like run_types.h: the CPU and CUDA compilations share them.
namespace corridor {

// The collectives of a split run (every rank calls each one, in the same order).
class Reduce {
public:
  enum class Type { u32, u64 };
  enum class Op { sum, max, min, bor };
  virtual ~Reduce() = default;
  virtual int rank() const = 0;
  virtual int ranks() const = 0;
  // v[0..count) combined element by element over the ranks, in place
  virtual void allreduce(void* v, long long count, Type t, Op op) = 0;
  // a fold in rank order: rank r receives in state what ranks 0 .. r - 1 made
  // of it (rank 0 starts from its own), applies fold and hands it on; every
  // rank ends with the last rank's state
  virtual void chain(void* state, long long bytes, const std::function<void(void*)>& fold) = 0;
  // every rank's `bytes` bytes at mine, concatenated in rank order into all;
  // bytes_of[r]: rank r's
  virtual void allgather(const void* mine, long long bytes, void* all, const long long* bytes_of) = 0;
  // called by every rank when its run is set up (failed: how it failed, or
  // null), before any exchange: where any rank failed, every rank ends here
  // (host/dist.cpp: the lowest failing rank reports, once)
  virtual void agree(const std::exception_ptr& failed) {
    if (failed) std::rethrow_exception(failed);
  }
  // called by every rank after each pass over its paths (a test hook: host/dist.cpp)
  virtual void pass_done() {}
};

// The share of rank r of R of n paths: paths [begin, begin + count), blocks
// [blk0, blk0 + nblk) of kShareBlock paths.
constexpr long long kShareBlock = 1024;
struct PathShare {
  long long begin = 0, count = 0, blk0 = 0, nblk = 0;
};
inline PathShare path_share(long long n, int R, int r) {
  const long long B = (n + kShareBlock - 1) / kShareBlock, base = B / R, extra = B % R;
  PathShare s;
  s.blk0 = r * base + (r < extra ? r : extra);
  s.nblk = base + (r < extra ? 1 : 0);
  s.begin = s.blk0 * kShareBlock < n ? s.blk0 * kShareBlock : n;
  const long long end = (s.blk0 + s.nblk) * kShareBlock < n ? (s.blk0 + s.nblk) * kShareBlock : n;
  s.count = end - s.begin;
  return s;
}

} // namespace corridor
