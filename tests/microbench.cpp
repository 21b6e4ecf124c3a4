// Per-call cost of the building blocks of a path on one CPU thread: a
// Philox4x32-10 block, the inverse normal CDF, exp and log (fmath.h), then
// the array forms the model uses (uniforms_n, inv_normal_n, exp_n) per
// element, for each instruction set the CPU backend can take. Not a test:
// scripts/bench prints its lines, to show where the simulation's time goes.
#include <chrono>
#include <cstdio>

#include <vector>

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
  return sink == 12345.0 ? 1 : 0;
}
