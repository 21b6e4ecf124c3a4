// CUDA backend: the model's launching (kernels/launch.inl) compiled with Thrust's CUDA system.
#include <cuda_runtime.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/system/cuda/vector.h>

#include "../kernels/launch.inl"
#include "backend.h"

namespace corridor {
namespace {

template <class T> using CudaVector = thrust::cuda::vector<T>;

class CudaBackend final : public Backend {
public:
  CudaBackend() {
    cudaDeviceProp prop{};
    cudaGetDeviceProperties(&prop, 0);
    desc_ = std::string("cuda (") + prop.name + ")";
  }
  std::string name() const override { return "cuda"; }
  std::string description() const override { return desc_; }
  void run(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, RunResult& out) override {
    size_t free_b = 0, total_b = 0;
    cudaMemGetInfo(&free_b, &total_b);
    const uint64_t budget = cfg.max_memory ? cfg.max_memory : static_cast<uint64_t>(free_b * 0.8);
    launch::run<decltype(thrust::cuda::par), CudaVector>(thrust::cuda::par, true, budget, 1u << 20, 8192, m, plan, cfg,
                                                         out);
  }
  void sensitivity(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg,
                   std::vector<double>& rho) override {
    launch::sensitivity<decltype(thrust::cuda::par), CudaVector>(thrust::cuda::par, true, 1u << 18, m, spec, cfg, rho);
  }
  void raw_flows(const HostModel& m, uint64_t seed, int sc, uint64_t p0, uint32_t count,
                 std::vector<double>& out) override {
    launch::raw_flows<decltype(thrust::cuda::par), CudaVector>(thrust::cuda::par, true, m, seed, sc, p0, count, out);
  }
  void replay(const HostModel& m, uint64_t seed, int sc, uint32_t path, std::vector<double>& cells) override {
    launch::replay<decltype(thrust::cuda::par), CudaVector>(thrust::cuda::par, m, seed, sc, path, cells);
  }

private:
  std::string desc_;
};

} // namespace

bool cuda_built() { return true; }

bool cuda_usable(std::string* why) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    if (why) *why = e != cudaSuccess ? cudaGetErrorString(e) : "no CUDA device found";
    return false;
  }
  return true;
}

std::unique_ptr<Backend> make_cuda_backend() {
  std::string why;
  if (!cuda_usable(&why)) throw std::runtime_error("--backend cuda: no usable GPU (" + why + ")");
  return std::make_unique<CudaBackend>();
}

} // namespace corridor
