#include "sobol_indices.h"

#include <gsl/gsl_qrng.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace corridor {

uint64_t SplitMix64::next() {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

uint64_t SplitMix64::below(uint64_t n) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n; // reject the incomplete last block
  uint64_t x = next();
  while (x >= limit) x = next();
  return x % n;
}

std::vector<double> saltelli_design(int N, int d) {
  if (N < 2 || d < 1 || d > kMaxSobolParameters)
    throw std::invalid_argument("a Sobol design needs N >= 2 and 1 to " + std::to_string(kMaxSobolParameters) +
                                " parameters");
  std::unique_ptr<gsl_qrng, void (*)(gsl_qrng*)> q(gsl_qrng_alloc(gsl_qrng_sobol, 2 * d), gsl_qrng_free);
  if (!q) throw std::runtime_error("cannot allocate GSL's Sobol sequence");
  const size_t D = static_cast<size_t>(d), rows = D + 2;
  std::vector<double> u(static_cast<size_t>(N) * rows * D), x(2 * D);
  // GSL starts at the origin (zeros map to the range ends): skip it
  gsl_qrng_get(q.get(), x.data());
  bool have = !std::all_of(x.begin(), x.end(), [](double v) { return v == 0; });
  for (int i = 0; i < N; ++i) {
    if (!have) gsl_qrng_get(q.get(), x.data());
    have = false;
    double* blk = u.data() + static_cast<size_t>(i) * rows * D;
    for (size_t j = 0; j < D; ++j) blk[j] = x[j], blk[D + j] = x[D + j];
    for (size_t p = 0; p < D; ++p)
      for (size_t j = 0; j < D; ++j) blk[(2 + p) * D + j] = j == p ? x[D + j] : x[j];
  }
  return u;
}

std::vector<double> lhs_design(int N, int d, uint64_t seed) {
  if (N < 1 || d < 1) throw std::invalid_argument("a Latin hypercube needs N >= 1 and a parameter");
  SplitMix64 r(seed);
  std::vector<double> u(static_cast<size_t>(N) * d);
  std::vector<uint64_t> perm(static_cast<size_t>(N));
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < N; ++i) perm[i] = static_cast<uint64_t>(i);
    for (int i = N - 1; i > 0; --i) std::swap(perm[i], perm[r.below(static_cast<uint64_t>(i) + 1)]);
    for (int i = 0; i < N; ++i) u[static_cast<size_t>(i) * d + j] = (static_cast<double>(perm[i]) + r.uniform()) / N;
  }
  return u;
}

std::vector<double> grid_design(int levels, int d) {
  const uint64_t n = design_points("grid", levels, d);
  std::vector<double> u(n * d);
  for (uint64_t p = 0; p < n; ++p) {
    uint64_t rest = p;
    for (int j = d - 1; j >= 0; --j) {
      const int l = static_cast<int>(rest % levels);
      rest /= levels;
      u[p * d + j] = levels == 1 ? 0.5 : static_cast<double>(l) / (levels - 1);
    }
  }
  return u;
}

uint64_t design_points(const std::string& design, int N, int d) {
  constexpr uint64_t kMax = 100000000; // a hundred million points is beyond any sweep's budget
  if (N < 1 || d < 1) throw std::invalid_argument("a design needs N >= 1 and a parameter");
  if (design == "sobol") {
    if (d > kMaxSobolParameters)
      throw std::invalid_argument("a Sobol design takes at most " + std::to_string(kMaxSobolParameters) +
                                  " parameters (GSL's Sobol sequence has 40 dimensions), not " + std::to_string(d));
    if (N < 2) throw std::invalid_argument("a Sobol design needs N >= 2 base points");
    return static_cast<uint64_t>(N) * (d + 2);
  }
  if (design == "lhs") return static_cast<uint64_t>(N);
  if (design == "grid") {
    uint64_t n = 1;
    for (int j = 0; j < d; ++j) {
      n *= static_cast<uint64_t>(N);
      if (n > kMax)
        throw std::invalid_argument("a grid of " + std::to_string(N) + " levels over " + std::to_string(d) +
                                    " parameters has more than " + std::to_string(kMax) + " points");
    }
    return n;
  }
  throw std::invalid_argument("unknown design '" + design + "' (sobol, lhs or grid)");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The estimates of response k over the base rows `rows` (indices into 0..N-1).
void estimate(const std::vector<double>& y, int d, int K, int k, const std::vector<int>& rows, double* first,
              double* total, double* variance) {
  const size_t blk = static_cast<size_t>(d) + 2;
  const auto at = [&](int i, size_t r) { return y[(static_cast<size_t>(i) * blk + r) * K + k]; };
  const double n = static_cast<double>(rows.size());
  // shifted by one value first, so that a constant response has exactly no variance
  const double y0 = at(rows[0], 0);
  double mean = 0;
  for (int i : rows) mean += (at(i, 0) - y0) + (at(i, 1) - y0);
  mean = y0 + mean / (2 * n);
  double v = 0;
  for (int i : rows) {
    const double a = at(i, 0) - mean, b = at(i, 1) - mean;
    v += a * a + b * b;
  }
  v /= 2 * n - 1;
  if (variance) *variance = v;
  const bool none = !(v > 0) || !std::isfinite(v);
  for (int j = 0; j < d; ++j) {
    double s = 0, t = 0;
    for (int i : rows) {
      const double fa = at(i, 0), fb = at(i, 1), fab = at(i, 2 + static_cast<size_t>(j));
      s += (fb - mean) * (fab - fa); // centred: the mean's rounding and noise stay out
      t += (fa - fab) * (fa - fab);
    }
    first[j] = none ? kNaN : s / n / v;
    total[j] = none ? kNaN : t / (2 * n) / v;
  }
}

// numpy's default (type 7) quantile of sorted values
double quantile7(const std::vector<double>& s, double p) {
  const double h = (static_cast<double>(s.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(h), hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (h - static_cast<double>(lo)) * (s[hi] - s[lo]);
}

} // namespace

SobolIndices sobol_indices(const std::vector<double>& y, int N, int d, int K, int bootstrap, uint64_t seed) {
  if (N < 2 || d < 1 || K < 0 || y.size() != static_cast<size_t>(N) * (d + 2) * K)
    throw std::invalid_argument("sobol_indices: responses do not match a Saltelli design of N rows");
  SobolIndices r;
  r.K = K, r.d = d;
  const size_t kd = static_cast<size_t>(K) * d;
  r.first.assign(kd, kNaN), r.total.assign(kd, kNaN), r.variance.assign(K, kNaN);
  r.first_lower = r.first_upper = r.total_lower = r.total_upper = r.first;
  std::vector<int> all(N);
  for (int i = 0; i < N; ++i) all[i] = i;
  for (int k = 0; k < K; ++k)
    estimate(y, d, K, k, all, &r.first[static_cast<size_t>(k) * d], &r.total[static_cast<size_t>(k) * d],
             &r.variance[k]);
  if (bootstrap < 2) return r;
  // bootstrap[b][k][j]; the same resampled rows for every response
  std::vector<double> bs(static_cast<size_t>(bootstrap) * kd), bt(bs.size());
  SplitMix64 rng(seed);
  std::vector<int> rows(N);
  for (int b = 0; b < bootstrap; ++b) {
    for (int i = 0; i < N; ++i) rows[i] = static_cast<int>(rng.below(static_cast<uint64_t>(N)));
    for (int k = 0; k < K; ++k) {
      const size_t o = static_cast<size_t>(b) * kd + static_cast<size_t>(k) * d;
      estimate(y, d, K, k, rows, &bs[o], &bt[o], nullptr);
    }
  }
  std::vector<double> s(bootstrap), t(bootstrap);
  for (size_t c = 0; c < kd; ++c) {
    if (std::isnan(r.first[c])) continue;
    size_t n = 0;
    for (int b = 0; b < bootstrap; ++b) {
      const size_t o = static_cast<size_t>(b) * kd + c;
      if (std::isnan(bs[o])) continue; // a resample without variance
      s[n] = bs[o], t[n] = bt[o], ++n;
    }
    if (n < 2) continue;
    std::vector<double> ss(s.begin(), s.begin() + static_cast<long>(n)),
        tt(t.begin(), t.begin() + static_cast<long>(n));
    std::sort(ss.begin(), ss.end());
    std::sort(tt.begin(), tt.end());
    r.first_lower[c] = quantile7(ss, 0.025), r.first_upper[c] = quantile7(ss, 0.975);
    r.total_lower[c] = quantile7(tt, 0.025), r.total_upper[c] = quantile7(tt, 0.975);
  }
  return r;
}

} // namespace corridor
