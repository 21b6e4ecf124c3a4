// Portability layer for code that both backends compile (kernels/README.md).
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define CORRIDOR_HD __host__ __device__
#define CORRIDOR_INLINE __host__ __device__ __forceinline__
#else
#define CORRIDOR_HD
#define CORRIDOR_INLINE inline
#endif

// Kernel code lives in a per-compiler inline namespace, so the host and CUDA
// compilations of the same templates never meet at link time (ODR).
#if defined(__CUDACC__)
#define CORRIDOR_KERNELS_BEGIN                                                                                         \
  namespace corridor {                                                                                                 \
  inline namespace kernels_cuda {
#else
#define CORRIDOR_KERNELS_BEGIN                                                                                         \
  namespace corridor {                                                                                                 \
  inline namespace kernels_host {
#endif
#define CORRIDOR_KERNELS_END                                                                                           \
  }                                                                                                                    \
  }

// A loop over the lanes of PathStep<W> (model.h): W paths side by side, each
// iteration independent of the others, so the host compiler may vectorise
// it without proving that the lanes' rows do not overlap (they do not).
#if defined(_OPENMP) && !defined(__CUDACC__)
#define CORRIDOR_LANES _Pragma("omp simd")
#else
#define CORRIDOR_LANES
#endif
