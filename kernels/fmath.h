// Elementary functions written with IEEE add, multiply, divide and sqrt only,
// so that the CPU and the GPU backends round identically (no libm, no
// contracted multiply-adds: see CMakeLists.txt). exp and log follow fdlibm's
// e_exp.c and e_log.c; the inverse normal CDF is Wichura's AS241 (PPND16),
// accurate to about 1e-16. tests/test_fmath.cpp checks them against libm.
#pragma once
#include <cstring>

#include "portable.h"

CORRIDOR_KERNELS_BEGIN
namespace fm {

CORRIDOR_INLINE uint64_t bits(double x) {
#if defined(__CUDA_ARCH__)
  return static_cast<uint64_t>(__double_as_longlong(x));
#else
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}
CORRIDOR_INLINE double from_bits(uint64_t u) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

CORRIDOR_INLINE uint32_t bits(float x) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(x);
#else
  uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}
CORRIDOR_INLINE float from_bits32(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

// 2^k for -1022 <= k <= 1023.
CORRIDOR_INLINE double pow2i(int k) { return from_bits(static_cast<uint64_t>(k + 1023) << 52); }

namespace exp_c {
constexpr double o_threshold = 7.09782712893383973096e+02;
constexpr double u_threshold = -7.45133219101941108420e+02;
constexpr double ln2HI = 6.93147180369123816490e-01, ln2LO = 1.90821492927058770002e-10;
constexpr double invln2 = 1.44269504088896338700e+00;
constexpr double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05,
                 P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
} // namespace exp_c

CORRIDOR_INLINE double exp(double x) {
  using namespace exp_c;
  if (x != x) return x;
  if (x > o_threshold) return from_bits(0x7ff0000000000000ull);
  if (x < u_threshold) return 0.0;
  const double ax = x < 0 ? -x : x;
  if (ax < 0x1.0p-28) return 1.0 + x;
  int k = 0;
  double hi = x, lo = 0.0;
  if (ax > 0.5 * ln2HI) {
    const double kd = x * invln2 + (x < 0 ? -0.5 : 0.5);
    k = static_cast<int>(kd); // truncation toward zero after the half shift = round
    hi = x - k * ln2HI;       // exact: ln2HI has 32 trailing zero bits
    lo = k * ln2LO;
    x = hi - lo;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  // y * 2^k in two exact steps, so the result may be subnormal or 2^1024 > k.
  const int k1 = k / 2;
  return y * pow2i(k1) * pow2i(k - k1);
}

// exp() without branches, equal to it bit for bit where exp_regular(x):
// there the k = 0 case of exp() is the general formula with k = 0 (c - 2 and
// 2 - c differ only in sign, exactly). For the vectorised exp_n().
CORRIDOR_INLINE bool exp_regular(double x) { // no short circuit: a vectorisable select
  return (x >= exp_c::u_threshold) & (x <= exp_c::o_threshold) & ((x < 0 ? -x : x) >= 0x1.0p-28);
}
CORRIDOR_INLINE double exp_branchless(double x) {
  using namespace exp_c;
  const double kd = x * invln2 + (x < 0 ? -0.5 : 0.5);
  const int k = static_cast<int>(kd);
  const double hi = x - k * ln2HI, lo = k * ln2LO;
  x = hi - lo;
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  const int k1 = k / 2;
  return y * pow2i(k1) * pow2i(k - k1);
}

namespace log_c {
constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
constexpr double two54 = 1.80143985094819840000e+16;
constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01,
                 Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
} // namespace log_c

CORRIDOR_INLINE double log(double x) {
  using namespace log_c;
  uint64_t u = bits(x);
  int32_t hx = static_cast<int32_t>(u >> 32);
  const uint32_t lx = static_cast<uint32_t>(u);
  int k = 0;
  if (hx < 0x00100000) { // zero, subnormal or negative
    if (((hx & 0x7fffffff) | lx) == 0) return -from_bits(0x7ff0000000000000ull);
    if (hx < 0) return from_bits(0x7ff8000000000000ull);
    k -= 54;
    x *= two54;
    u = bits(x);
    hx = static_cast<int32_t>(u >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const int32_t i0 = (hx + 0x95f64) & 0x100000;
  // normalise x or x/2 into [sqrt(2)/2, sqrt(2))
  x = from_bits((static_cast<uint64_t>(static_cast<uint32_t>(hx | (i0 ^ 0x3ff00000))) << 32) |
                (bits(x) & 0xffffffffull));
  k += (i0 >> 20);
  const double f = x - 1.0;
  const double dk = static_cast<double>(k);
  if ((0x000fffff & (2 + hx)) < 3) { // -2^-20 <= f < 2^-20
    if (f == 0.0) return k == 0 ? 0.0 : dk * ln2_hi + dk * ln2_lo;
    const double R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  const double s = f / (2.0 + f);
  const double z = s * s;
  int32_t i = hx - 0x6147a;
  const double w = z * z;
  const int32_t j = 0x6b851 - hx;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const double R = t2 + t1;
  if (i > 0) {
    const double hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

// log() without branches, equal to it bit for bit where log_regular(x):
// positive, normal and finite x whose reduced argument f is not within 2^-20
// of zero. There the k = 0 cases of log() are its general formulas with k = 0
// exactly, and both of its last two formulas are computed and one selected.
// For the vectorised tail of inv_normal_n().
CORRIDOR_INLINE bool log_regular(double x) { // no short circuit: a vectorisable select
  const int32_t hx = static_cast<int32_t>(bits(x) >> 32);
  return (hx >= 0x00100000) & (hx < 0x7ff00000) & ((0x000fffff & (2 + hx)) >= 3);
}
CORRIDOR_INLINE double log_branchless(double x) {
  using namespace log_c;
  const uint64_t u = bits(x);
  int32_t hx = static_cast<int32_t>(u >> 32);
  int k = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const int32_t i0 = (hx + 0x95f64) & 0x100000;
  x = from_bits((static_cast<uint64_t>(static_cast<uint32_t>(hx | (i0 ^ 0x3ff00000))) << 32) | (u & 0xffffffffull));
  k += (i0 >> 20);
  const double f = x - 1.0;
  const double dk = static_cast<double>(k);
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const int32_t i = (hx - 0x6147a) | (0x6b851 - hx);
  const double R = t2 + t1;
  const double hfsq = 0.5 * f * f;
  const double a = dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  const double b = dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
  return i > 0 ? a : b;
}

CORRIDOR_INLINE double sqrt(double x) {
#if defined(__CUDA_ARCH__)
  return __dsqrt_rn(x); // correctly rounded, like the host's
#else
  return __builtin_sqrt(x);
#endif
}

// Standard normal quantile Phi^{-1}(p) for 0 < p < 1 (AS241): a rational
// function of q = p - 0.5 in the centre (|q| <= 0.425), of sqrt(-log(tail
// probability)) beyond.
CORRIDOR_INLINE double inv_normal_central(double q) {
  const double r = 0.180625 - q * q;
  return q *
         (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
              4.5921953931549871457e+4) *
                 r +
             1.3731693765509461125e+4) *
                r +
            1.9715909503065514427e+3) *
               r +
           1.3314166789178437745e+2) *
              r +
          3.3871328727963666080e+0) /
         (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
              2.1213794301586595867e+4) *
                 r +
             5.3941960214247511077e+3) *
                r +
            6.8718700749205790830e+2) *
               r +
           4.2313330701600911252e+1) *
              r +
          1.0);
}
CORRIDOR_INLINE bool inv_normal_is_central(double q) { return (q < 0 ? -q : q) <= 0.425; }
// the tails: z(r) for r = sqrt(-log(tail probability)), r <= 5 and r > 5
CORRIDOR_INLINE double inv_normal_near(double r) {
  r -= 1.6;
  return (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
              1.27045825245236838258e+0) *
                 r +
             3.64784832476320460504e+0) *
                r +
            5.76949722146069140550e+0) *
               r +
           4.63033784615654529590e+0) *
              r +
          1.42343711074968357734e+0) /
         (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
              1.48103976427480074590e-1) *
                 r +
             6.89767334985100004550e-1) *
                r +
            1.67638483018380384940e+0) *
               r +
           2.05319162663775882187e+0) *
              r +
          1.0);
}
CORRIDOR_INLINE double inv_normal_far(double r) {
  r -= 5.0;
  return (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
              2.65321895265761230930e-2) *
                 r +
             2.96560571828504891230e-1) *
                r +
            1.78482653991729133580e+0) *
               r +
           5.46378491116411436990e+0) *
              r +
          6.65790464350110377720e+0) /
         (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
              7.86869131145613259100e-4) *
                 r +
             1.48753612908506148525e-2) *
                r +
            1.36929880922735805310e-1) *
               r +
           5.99832206555887937690e-1) *
              r +
          1.0);
}
CORRIDOR_INLINE double inv_normal_tail(double p, double q) {
  const double r = fm::sqrt(-fm::log(q < 0 ? p : 1.0 - p));
  const double z = r <= 5.0 ? inv_normal_near(r) : inv_normal_far(r);
  return q < 0 ? -z : z;
}

CORRIDOR_INLINE double inv_normal(double p) {
  const double q = p - 0.5;
  return inv_normal_is_central(q) ? inv_normal_central(q) : inv_normal_tail(p, q);
}

// Arrays (st apart): out[i] = exp(in[i]) and out[i] = inv_normal(in[i]) for
// i < n, bit for bit (tests/test_fmath.cpp). On the host the common case runs
// as one branch-free loop that the compiler vectorises, and a second loop
// redoes the rare other cases with the scalar function; the GPU, one path
// per thread, calls the scalar function.
CORRIDOR_INLINE void exp_n(const double* in, double* out, int n, long long st) {
#if defined(__CUDA_ARCH__)
  for (int i = 0; i < n; ++i) out[i * st] = exp(in[i * st]);
#else
  int odd = 0;
  for (int i = 0; i < n; ++i) {
    out[i * st] = exp_branchless(in[i * st]);
    odd |= !exp_regular(in[i * st]);
  }
  if (odd)
    for (int i = 0; i < n; ++i)
      if (!exp_regular(in[i * st])) out[i * st] = exp(in[i * st]);
#endif
}
// out[i * st] = log(in[i * st]) for i < n, bit for bit, like exp_n (in and
// out must not overlap).
CORRIDOR_INLINE void log_n(const double* in, double* out, int n, long long st) {
#if defined(__CUDA_ARCH__)
  for (int i = 0; i < n; ++i) out[i * st] = log(in[i * st]);
#else
  int odd = 0;
  for (int i = 0; i < n; ++i) {
    out[i * st] = log_branchless(in[i * st]);
    odd |= !log_regular(in[i * st]);
  }
  if (odd)
    for (int i = 0; i < n; ++i)
      if (!log_regular(in[i * st])) out[i * st] = log(in[i * st]);
#endif
}
CORRIDOR_INLINE void inv_normal_n(const double* in, double* out, int n, long long st) {
#if defined(__CUDA_ARCH__)
  for (int i = 0; i < n; ++i) out[i * st] = inv_normal(in[i * st]);
#else
  int tails = 0;
  for (int i = 0; i < n; ++i) {
    const double q = in[i * st] - 0.5;
    out[i * st] = inv_normal_central(q);
    tails |= !inv_normal_is_central(q);
  }
  if (!tails) return;
  // the tails (15% of draws), gathered in chunks: log, sqrt and the near-tail
  // rational function vectorised; log's irregular arguments and the far tail
  // (r > 5, p < 1.4e-11) redone with the scalar function
  constexpr int kChunk = 64;
  int idx[kChunk] = {}, redo[kChunk];
  double tp[kChunk], r[kChunk]; // the tails' probabilities, then their normals
  for (int i0 = 0; i0 < n;) {
    int m = 0;
    for (; i0 < n && m < kChunk; ++i0) {
      idx[m] = i0;
      m += !inv_normal_is_central(in[i0 * st] - 0.5);
    }
    int odd = 0;
    for (int j = 0; j < m; ++j) tp[j] = in[idx[j] * st];
    for (int j = 0; j < m; ++j) {
      const double p = tp[j], q = p - 0.5;
      const double t = q < 0 ? p : 1.0 - p;
      const double rr = fm::sqrt(-log_branchless(t));
      redo[j] = !log_regular(t) | !(rr <= 5.0);
      odd |= redo[j];
      const double z = inv_normal_near(rr);
      r[j] = q < 0 ? -z : z;
    }
    if (odd)
      for (int j = 0; j < m; ++j)
        if (redo[j]) r[j] = inv_normal_tail(tp[j], tp[j] - 0.5);
    for (int j = 0; j < m; ++j) out[idx[j] * st] = r[j];
  }
#endif
}

} // namespace fm
CORRIDOR_KERNELS_END
