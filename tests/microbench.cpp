// Per-call cost of the building blocks of a path on one CPU thread: a
// Philox4x32-10 block, the inverse normal CDF, exp and log (fmath.h), then
// the array forms the model uses (uniforms_n, inv_normal_n, exp_n) per
// element, for each instruction set the CPU backend can take; and the exact
// statistics per value of a cell, as a run's CPU schedule computes them; and
// how fast this machine hands out fresh memory on 2 MiB and on 4 KiB pages,
// demand-faulted and populated (a run's values buffer is fresh memory).
// Not a test: scripts/bench prints its lines, to show where a run's time goes.
#include <sys/mman.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <random>
#include <vector>

#include "host/stats_buffers.h"
#include "isa_forms.h"
#include "kernels/fmath.h"
#include "kernels/philox.h"

using namespace corridor;

namespace {
template <class F> double ns_per_call(long long n, F f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 1e9 / static_cast<double>(n);
}

// K cells of n single-precision values as a run's pass holds them for the
// statistics: layout blocks of 2^13 paths (launch.inl, kLayoutShift), the
// first level's bin numbers kept, the default's seven quantiles.
struct CellGroup {
  static constexpr int kShift = 13;
  std::vector<Value> x;
  std::vector<double> thr0, thr1, out;
  StatsBuffers<Value> buf;
  StatsGroup G;
  CellGroup(const std::vector<std::vector<double>>& cols, const double* probs, int nq) {
    const long long n = static_cast<long long>(cols[0].size()), K = static_cast<long long>(cols.size());
    x = laid_out<Value>(cols, kShift);
    thr0.assign(K, 1.0);
    thr1.assign(K, 2.0);
    out.resize(K * stats_width(nq));
    G = buf.group(x.data(), n, kShift, K, probs, nq, thr0.data(), thr1.data(), out.data());
  }
  CellGroup(const CellGroup&) = delete; // G points into the buffers
  CellGroup& operator=(const CellGroup&) = delete;
};
// Fresh memory, one thread: four fresh anonymous mappings of `bytes` each, all mapped before any is written, so
// none gets memory another has just freed; then, in turn, the first write to every 4 KiB of each: on transparent
// huge pages (MADV_HUGEPAGE), on 4 KiB pages (MADV_NOHUGEPAGE), and the same two populated first
// (MADV_POPULATE_WRITE, as the CPU backend's large buffers are, host/backend_cpu.cpp), the populating counted in
// the time. GB/s of each; 0 where the mapping fails or populating is refused.
struct FreshMemory {
  double gbps[4] = {0, 0, 0, 0}; // huge, small, huge populated, small populated
};
FreshMemory fresh_memory(std::size_t bytes) {
  FreshMemory r;
  void* m[4];
  for (void*& p : m) p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int k = 0; k < 4; ++k) {
    if (m[k] == MAP_FAILED) continue;
    madvise(m[k], bytes, k % 2 == 0 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
    const auto t0 = std::chrono::steady_clock::now();
#if defined(MADV_POPULATE_WRITE)
    if (k >= 2 && madvise(m[k], bytes, MADV_POPULATE_WRITE) != 0) continue;
#else
    if (k >= 2) continue;
#endif
    volatile char* c = static_cast<char*>(m[k]);
    for (std::size_t i = 0; i < bytes; i += 4096) c[i] = 1;
    r.gbps[k] =
        static_cast<double>(bytes) / 1e9 / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  for (void* p : m)
    if (p != MAP_FAILED) munmap(p, bytes);
  return r;
}
} // namespace

int main() {
  const long long n = 20000000;
  const Rng rng(20240101);
  volatile double sink = 0;
  uint32_t bits = 0;
  const double philox = ns_per_call(n, [&] {
    for (long long i = 0; i < n; ++i) {
      const U32x4 b = rng.block(static_cast<uint32_t>(i), 3, 2, 1);
      bits += b.v[0] ^ b.v[3];
    }
  });
  const double inv = ns_per_call(n, [&] {
    double s = 0;
    for (long long i = 0; i < n; ++i) s += fm::inv_normal((static_cast<double>(i) + 0.5) / static_cast<double>(n));
    sink = s;
  });
  const double ex = ns_per_call(n, [&] {
    double s = 0;
    for (long long i = 0; i < n; ++i) s += fm::exp(-3.0 + 6.0 * static_cast<double>(i) / static_cast<double>(n));
    sink = s;
  });
  const double lg = ns_per_call(n, [&] {
    double s = 0;
    for (long long i = 0; i < n; ++i) s += fm::log(0.5 + static_cast<double>(i));
    sink = s;
  });
  std::printf("per call on one thread: philox block %.1f ns, inverse normal %.1f ns, exp %.1f ns, log %.1f ns "
              "(a load series-year needs half a block, one inverse normal and one exp) [%u]\n",
              philox, inv, ex, lg, bits & 1u);
  // array forms over 100 series, as the model calls them once per path-year
  const int S = 100;
  const long long reps = n / S;
  std::vector<double> u(S + 1), z(S + 1), e(S + 1);
  for (const auto& f : test::array_forms()) {
    const double uni = ns_per_call(reps * ((S + 1) / 2), [&] {
      for (long long r = 0; r < reps; ++r) f.uniforms_n(rng, static_cast<uint32_t>(r), 3, 2, S, u.data());
    });
    const double invn = ns_per_call(reps * S, [&] {
      double s = 0;
      for (long long r = 0; r < reps; ++r) {
        u[r % S] = (static_cast<double>(r % 9973) + 0.5) / 9973.0; // tails included, as drawn
        f.inv_normal_n(u.data(), z.data(), S);
        s += z[r % S];
      }
      sink = s;
    });
    const double expn = ns_per_call(reps * S, [&] {
      double s = 0;
      for (long long r = 0; r < reps; ++r) {
        z[r % S] = 0.001 * static_cast<double>(r % 1000);
        f.exp_n(z.data(), e.data(), S);
        s += e[r % S];
      }
      sink = s;
    });
    std::printf("array forms (%s), per element on one thread: philox block %.2f ns, inverse normal %.2f ns, "
                "exp %.2f ns\n",
                f.isa.c_str(), uni, invn, expn);
  }
  // the statistics of 16 cells of 100,000 values in three shapes a run
  // meets: spread out, a third of the paths at a capacity, mostly zeros
  const double probs[] = {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95};
  std::mt19937_64 gen(7);
  std::deque<CellGroup> groups; // built in place: each group points into its own buffers
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<std::vector<double>> cols(16, std::vector<double>(100000));
    for (auto& c : cols)
      for (auto& v : c) {
        const double zn = std::normal_distribution<double>()(gen);
        v = shape == 0   ? 12.0 * std::exp(0.3 * zn)
            : shape == 1 ? std::min(std::exp(0.3 * zn), 1.15)
                         : (zn > 1 ? zn : 0.0);
      }
    groups.emplace_back(cols, probs, 7);
  }
  for (const auto& f : test::array_forms()) {
    double per[3];
    for (int shape = 0; shape < 3; ++shape) {
      const StatsGroup& G = groups[static_cast<size_t>(shape)].G;
      const int reps = 5;
      per[shape] = ns_per_call(reps * G.ncells * G.n, [&] {
        for (int r = 0; r < reps; ++r)
          for (int k = 0; k < G.ncells; ++k) f.stats(G.cell(k));
      });
      sink = sink + groups[static_cast<size_t>(shape)].out[3 + 3];
    }
    std::printf("statistics (%s), per value on one thread, a cell at a time as a run's CPU schedule: spread %.2f ns, "
                "a third at a cap %.2f ns, mostly zeros %.2f ns\n",
                f.isa.c_str(), per[0], per[1], per[2]);
  }
  const FreshMemory fm1 = fresh_memory(std::size_t(1) << 30);
  std::printf("fresh memory, first write to each 4 KiB of 1 GiB on one thread: %.2f GB/s on 2 MiB pages, %.2f GB/s "
              "on 4 KiB pages; populated first (as the CPU backend's large buffers): %.2f GB/s on 2 MiB pages, "
              "%.2f GB/s on 4 KiB pages\n",
              fm1.gbps[0], fm1.gbps[1], fm1.gbps[2], fm1.gbps[3]);
  return sink == 12345.0 ? 1 : 0;
}
