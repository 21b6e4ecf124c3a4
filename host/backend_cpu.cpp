// CPU backend: the engine compiled with Thrust's OpenMP system.
#include <omp.h>
#include <thrust/system/omp/execution_policy.h>
#include <thrust/system/omp/vector.h>
#include <unistd.h>

#include "../kernels/engine.inl"

namespace corridor {
namespace {

template <class T> using OmpVector = thrust::omp::vector<T>;

uint64_t physical_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(size) : (8ull << 30);
}

class CpuBackend final : public Backend {
public:
  explicit CpuBackend(int threads) : threads_(threads > 0 ? threads : omp_get_num_procs()) {}
  std::string name() const override { return "cpu"; }
  std::string description() const override { return "cpu (OpenMP, " + std::to_string(threads_) + " threads)"; }
  void run(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, RunResult& out) override {
    omp_set_num_threads(threads_);
    const uint64_t budget = cfg.max_memory ? cfg.max_memory : physical_memory() / 2;
    // a batch of paths per thread-sized slice keeps scratch in cache; stats cells in small groups
    engine::run<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, false, budget, 8192, 32, m, plan, cfg, out);
  }
  void replay(const HostModel& m, uint64_t seed, int sc, uint32_t path, std::vector<double>& cells) override {
    engine::replay<decltype(thrust::omp::par), OmpVector>(thrust::omp::par, m, seed, sc, path, cells);
  }

private:
  int threads_;
};

} // namespace

std::unique_ptr<Backend> make_cpu_backend(int threads) { return std::make_unique<CpuBackend>(threads); }

} // namespace corridor
