// Philox4x32-10 counter-based generator (Salmon et al., SC'11), checked against
// the Random123 known-answer vectors in tests/test_rng.cpp. Output is a pure
// function of (counter, key): no state, so nothing depends on threads or launch
// geometry (MODEL.md section 7).
#pragma once
#include "fmath.h"
#include "portable.h"

CORRIDOR_KERNELS_BEGIN

struct U32x4 {
  uint32_t v[4];
};

CORRIDOR_INLINE void mulhilo32(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  const uint64_t p = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

CORRIDOR_INLINE U32x4 philox4x32_10(U32x4 ctr, uint32_t k0, uint32_t k1) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
#if defined(__CUDACC__)
#pragma unroll
#endif
  for (int r = 0; r < 10; ++r) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo32(M0, ctr.v[0], hi0, lo0);
    mulhilo32(M1, ctr.v[2], hi1, lo1);
    ctr = U32x4{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += W0;
    k1 += W1;
  }
  return ctr;
}

// Two 32-bit words -> double uniform on the open interval (0, 1): the top 52
// bits m plus one half, (m + 1/2) 2^-52, so neither 0 nor 1 can come out
// (inv_normal needs that). Computed as 1 + m 2^-52 from the bits, minus 1,
// plus 2^-53, every step exact: no 64-bit integer conversion, which the host
// cannot vectorise without AVX-512.
CORRIDOR_INLINE double u01_open(uint32_t hi, uint32_t lo) {
  const uint64_t x = (static_cast<uint64_t>(hi) << 32) | lo;
  return (fm::from_bits(0x3FF0000000000000ull | (x >> 12)) - 1.0) + 0x1.0p-53;
}

// What a draw is for: part of the counter, so streams never overlap.
enum Purpose : uint32_t {
  kTrend = 1,          // m_s(w), once per path
  kIdiosyncratic = 2,  // e_s(t)
  kFactor = 3,         // F^R, F^C, F^P
  kRegionEvent = 4,    // regional shock occurrence and severity
  kPartnerEvent = 5,   // partner shock occurrence and severity
  kClosure = 6,        // port closure occurrence and fraction lost
  kExpansion = 7,      // opening year of a capacity expansion, once per path
  kIntensity = 8,      // drift of derived-series intensities
  kResponse = 9,       // lag of a capacity response ordered at a node in a year
  kBaseCapacity = 10,  // a node's base capacity within its range, once per path
  kExpansionSize = 11, // an expansion's size (capacity added) within its range, once per path
};

// The counter names (index, year step, purpose, path); the key is the seed.
struct Rng {
  uint32_t k0, k1;
  CORRIDOR_INLINE Rng(uint64_t seed) : k0(static_cast<uint32_t>(seed)), k1(static_cast<uint32_t>(seed >> 32)) {}
  CORRIDOR_INLINE U32x4 block(uint32_t path, uint32_t year, uint32_t purpose, uint32_t index) const {
    return philox4x32_10(U32x4{{index, year, purpose, path}}, k0, k1);
  }
};

#if !defined(__CUDA_ARCH__)
// philox4x32_10 with each 32-bit word in a 64-bit lane: the form the host
// compiler vectorises across blocks (one vector multiply per product).
CORRIDOR_INLINE void philox_rounds64(uint64_t& c0, uint64_t& c1, uint64_t& c2, uint64_t& c3, uint64_t k0, uint64_t k1) {
  constexpr uint64_t lo32 = 0xffffffffu;
  for (int r = 0; r < 10; ++r) {
    const uint64_t p0 = 0xD2511F53ull * (c0 & lo32), p1 = 0xCD9E8D57ull * (c2 & lo32);
    c0 = (p1 >> 32) ^ c1 ^ k0;
    c1 = p1 & lo32;
    c2 = (p0 >> 32) ^ c3 ^ k1;
    c3 = p0 & lo32;
    k0 = (k0 + 0x9E3779B9u) & lo32;
    k1 = (k1 + 0xBB67AE85u) & lo32;
  }
}
#endif

// Uniforms of Philox blocks b0, b0 + 1, ... of (path, year, purpose): block
// b gives u[2b] and u[2b + 1], u01_open() of its word pairs, so elements 2 b0
// to 2 ceil(n / 2) - 1 are written, st apart. The host form keeps each word in a 64-bit
// lane, which the compiler vectorises across blocks (one vector multiply per
// product); tests/test_rng.cpp holds it to Rng::block bit for bit.
CORRIDOR_INLINE void uniforms_n(const Rng& rng, uint32_t path, uint32_t year, uint32_t purpose, int n, double* u,
                                long long st, int b0 = 0) {
  const int nb = (n + 1) / 2;
#if defined(__CUDA_ARCH__)
  for (int b = b0; b < nb; ++b) {
    const U32x4 r = rng.block(path, year, purpose, static_cast<uint32_t>(b));
    u[2 * b * st] = u01_open(r.v[0], r.v[1]);
    u[(2 * b + 1) * st] = u01_open(r.v[2], r.v[3]);
  }
#else
  for (int b = b0; b < nb; ++b) {
    uint64_t c0 = static_cast<uint32_t>(b), c1 = year, c2 = purpose, c3 = path;
    philox_rounds64(c0, c1, c2, c3, rng.k0, rng.k1);
    u[2 * b * st] = u01_open(static_cast<uint32_t>(c0), static_cast<uint32_t>(c1));
    u[(2 * b + 1) * st] = u01_open(static_cast<uint32_t>(c2), static_cast<uint32_t>(c3));
  }
#endif
}

#if !defined(__CUDA_ARCH__)
// uniforms_n() of the W paths path0 .. path0 + W - 1 side by side, in rows:
// path path0 + j's uniform i at u[i * W + j], rows 2 b0 to 2 ceil(n / 2) - 1. One pass
// over the blocks, each block of all W paths at once (W 64-bit lanes: one
// vector multiply per product).
template <int W>
CORRIDOR_INLINE void uniforms_rows(const Rng& rng, uint32_t path0, uint32_t year, uint32_t purpose, int n, double* u,
                                   int b0 = 0) {
  const int nb = (n + 1) / 2;
  for (int b = b0; b < nb; ++b)
    for (int j = 0; j < W; ++j) {
      uint64_t c0 = static_cast<uint32_t>(b), c1 = year, c2 = purpose,
               c3 = static_cast<uint32_t>(path0 + static_cast<uint32_t>(j));
      philox_rounds64(c0, c1, c2, c3, rng.k0, rng.k1);
      u[2 * b * W + j] = u01_open(static_cast<uint32_t>(c0), static_cast<uint32_t>(c1));
      u[(2 * b + 1) * W + j] = u01_open(static_cast<uint32_t>(c2), static_cast<uint32_t>(c3));
    }
}
#endif

CORRIDOR_KERNELS_END
