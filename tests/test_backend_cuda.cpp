// The backend tests on the GPU, plus a bitwise comparison with the CPU.
#include "host/backend.h"
namespace {
std::unique_ptr<corridor::Backend> make_backend(int) { return corridor::make_cuda_backend(); }
constexpr bool kBackendHasThreads = false;
} // namespace
#define BACKEND_TEST CudaBackend
#include "backend_test.inc"

TEST(CudaBackend, SameBytesAsCpu) {
  const HostModel m = build(rich_input());
  auto cpu = make_cpu_backend(2);
  auto gpu = make_cuda_backend();
  const RunResult a = run(m, 20000, 8, 2, 0, cpu.get());
  const RunResult b = run(m, 20000, 8, 2, 0, gpu.get());
  size_t diff = 0;
  double worst = 0;
  for (size_t i = 0; i < a.stats.size(); ++i)
    if (a.stats[i] != b.stats[i]) {
      ++diff;
      worst = std::max(worst, std::fabs(a.stats[i] - b.stats[i]) / std::max(1e-300, std::fabs(a.stats[i])));
    }
  std::printf("cpu vs cuda: %zu of %zu statistics differ, largest relative difference %.3g\n", diff, a.stats.size(),
              worst);
  EXPECT_EQ(diff, 0u);
}
