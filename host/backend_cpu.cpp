// CPU backend: the model's launching (kernels/launch.inl) compiled with Thrust's OpenMP system.
#include <omp.h>
#include <sys/mman.h>
#include <thrust/system/omp/execution_policy.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "../kernels/launch.inl"
#include "backend.h"

namespace corridor {

// ---- the simulation tiles, compiled for several x86-64 instruction sets ----
// The model's array passes (Philox blocks, inverse normal, exp: fmath.h and
// philox.h) vectorise across series; how wide depends on the instruction set.
// Each variant inlines the whole model (flatten) under its target; the
// compiler keeps IEEE semantics and never contracts a multiply-add
// (-ffp-contract=off), so every variant gives the same bits.
namespace launch {
// NOLINTBEGIN(bugprone-macro-parentheses): ATTR is an attribute list
#define CORRIDOR_CPU_KERNELS(SUFFIX, ATTR)                                                                             \
  ATTR void tile_##SUFFIX(const SimulateTile& f, long long t) { f(t); }                                                \
  ATTR void stats_##SUFFIX(const StatsCellSerial& f, long long k) { f(k); }
// NOLINTEND(bugprone-macro-parentheses)
CORRIDOR_CPU_KERNELS(x86_64, __attribute__((flatten)))
// (Under AddressSanitizer, the baseline alone: the variants are the same
// source, and three instrumented copies of the whole model triple the build.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define CORRIDOR_CPU_VARIANTS 1
CORRIDOR_CPU_KERNELS(x86_64_v3, __attribute__((target("arch=x86-64-v3"), flatten)))
CORRIDOR_CPU_KERNELS(x86_64_v4, __attribute__((target("arch=x86-64-v4"), flatten)))
#endif
} // namespace launch

std::vector<std::string> cpu_instruction_sets() {
  std::vector<std::string> isa{"x86-64"};
#if defined(CORRIDOR_CPU_VARIANTS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v3")) isa.push_back("x86-64-v3");
  if (__builtin_cpu_supports("x86-64-v4")) isa.push_back("x86-64-v4");
#endif
  return isa;
}

namespace {

// The instruction set of the simulation: CORRIDOR_CPU_ISA when set (one of
// cpu_instruction_sets()), else the widest this CPU runs.
struct CpuKernels {
  std::string isa;
  launch::KernelFn<launch::SimulateTile> tile;
  launch::KernelFn<launch::StatsCellSerial> stats;
};
CpuKernels choose_kernels() {
  const std::vector<std::string> have = cpu_instruction_sets();
  std::string want = have.back();
  if (const char* env = std::getenv("CORRIDOR_CPU_ISA"); env && *env) {
    want = env;
    if (std::find(have.begin(), have.end(), want) == have.end()) {
      std::string list;
      for (const auto& h : have) list += (list.empty() ? "" : ", ") + h;
      throw std::runtime_error("CORRIDOR_CPU_ISA=" + want + ": this CPU backend runs " + list);
    }
  }
#if defined(CORRIDOR_CPU_VARIANTS)
  if (want == "x86-64-v4") return {want, launch::tile_x86_64_v4, launch::stats_x86_64_v4};
  if (want == "x86-64-v3") return {want, launch::tile_x86_64_v3, launch::stats_x86_64_v3};
#endif
  return {want, launch::tile_x86_64, launch::stats_x86_64};
}

// Buffers of the CPU backend: std::vector memory that is not value-initialised
// (the launching writes every element it reads), aligned to pages, so that a
// tile's row of a column is whole cache lines for its non-temporal stores.
// A buffer of 2 MiB or more (the values buffer of a run is 1.5 GiB for the
// default at 100,000 paths) is on transparent huge pages (MADV_HUGEPAGE) and
// populated before the run writes it: every thread asks the kernel for the
// pages of its own slice at once (MADV_POPULATE_WRITE), instead of taking a
// page fault at each first write. On this project's virtual machines a page
// fault costs far more than on bare metal: writing a fresh 1.5 GiB on 2
// threads took 2.9-3.1 s on demand-faulted 4 KiB pages, 1.6 s on populated
// 4 KiB pages (most of it still at the first write to each page), 1.4-1.8 s
// populated on huge pages after the memory had been idle 8 s, and 0.1 s right
// after another process had freed its huge pages (docs/PERFORMANCE.md,
// "Fresh memory populated on huge pages"). Where the kernel predates
// MADV_POPULATE_WRITE (Linux 5.14) the request fails and the pages come at
// their first write. The algorithms still run on Thrust's OpenMP system: the
// launching passes thrust::omp::par explicitly.
void populate_in_parallel(char* p, std::size_t bytes, std::size_t huge) {
#if defined(MADV_POPULATE_WRITE)
  const int nt = std::max(1, omp_get_max_threads());
  const std::size_t per = (bytes / huge + static_cast<std::size_t>(nt) - 1) / static_cast<std::size_t>(nt) * huge;
#pragma omp parallel num_threads(nt)
  {
    const std::size_t b = std::min(bytes, static_cast<std::size_t>(omp_get_thread_num()) * per);
    const std::size_t e = std::min(bytes, b + per);
    if (e > b) madvise(p + b, e - b, MADV_POPULATE_WRITE); // a failure leaves the pages to their first write
  }
#else
  (void)p, (void)bytes, (void)huge;
#endif
}
template <class T> struct BufferAllocator {
  using value_type = T;
  BufferAllocator() = default;
  template <class U> BufferAllocator(const BufferAllocator<U>&) {}
  T* allocate(std::size_t n) {
    constexpr std::size_t page = 4096, huge = std::size_t(2) << 20;
    const std::size_t bytes = n * sizeof(T);
    if (bytes < page) {
      if (void* p = std::malloc(bytes ? bytes : 1)) return static_cast<T*>(p);
      throw std::bad_alloc();
    }
    const std::size_t align = bytes < huge ? page : huge, rounded = (bytes + align - 1) / align * align;
    void* p = std::aligned_alloc(align, rounded);
    if (!p) throw std::bad_alloc();
    if (align == huge) {
      madvise(p, rounded, MADV_HUGEPAGE);
      populate_in_parallel(static_cast<char*>(p), rounded, huge);
    }
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U> void construct(U*) {} // default-initialise: no zero fill
  template <class U, class... A> void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
  template <class U> bool operator==(const BufferAllocator<U>&) const { return true; }
  template <class U> bool operator!=(const BufferAllocator<U>&) const { return false; }
};
template <class T> using OmpVector = std::vector<T, BufferAllocator<T>>;

uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : (8ull << 30);
}

class CpuBackend final : public Backend {
public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : omp_get_num_procs()), k_(choose_kernels()) {}
  std::string name() const override { return "cpu"; }
  std::string description() const override {
    return "cpu (OpenMP, " + std::to_string(threads_) + " threads, " + k_.isa + ")";
  }
  void run(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, RunResult& out) override {
    omp_set_num_threads(threads_);
    const uint64_t budget = cfg.max_memory ? cfg.max_memory : physical_memory() / 2;
    // a batch of paths per thread-sized slice keeps scratch in cache; stats cells in small groups (split
    // across ranks: larger ones, since each group's phases wait for every rank a few times)
    launch::run<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, false, budget, 2048, red_ ? 256 : 32, m, plan,
                                                       cfg, out, k_.tile, k_.stats, red_);
  }
  bool splits() const override { return true; }
  void sensitivity(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg,
                   std::vector<double>& rho) override {
    omp_set_num_threads(threads_);
    launch::sensitivity<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, false, 8192, m, spec, cfg, rho,
                                                               k_.tile);
  }
  void raw_flows(const HostModel& m, uint64_t seed, int sc, uint64_t p0, uint32_t count,
                 std::vector<double>& out) override {
    omp_set_num_threads(threads_);
    launch::raw_flows<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, false, m, seed, sc, p0, count, out,
                                                             k_.tile);
  }
  void replay(const HostModel& m, uint64_t seed, int sc, uint32_t path, std::vector<double>& cells) override {
    launch::replay<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, m, seed, sc, path, cells);
  }

private:
  int threads_;
  CpuKernels k_;
};

} // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

} // namespace corridor
