#include "host/engine.h"
namespace {
std::unique_ptr<corridor::Backend> make_backend(int threads) { return corridor::make_cpu_backend(threads); }
} // namespace
#define BACKEND_TEST CpuBackend
#include "backend_test.inc"
