// Built when CUDA is not available: the binary links, and asking for the CUDA
// backend fails with a clear message.
#include <stdexcept>

#include "backend.h"

namespace corridor {
bool cuda_built() { return false; }
bool cuda_usable(std::string* why) {
  if (why) *why = "this corridor was built without CUDA";
  return false;
}
std::unique_ptr<Backend> make_cuda_backend() {
  throw std::runtime_error("--backend cuda: this corridor was built without CUDA (reconfigure with nvcc on PATH)");
}
} // namespace corridor
