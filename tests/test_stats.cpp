// Exact statistics of a cell against sorting and numpy's type-7 formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/stats.h"
#include "util.h"

using namespace corridor;

namespace {
struct Buffers {
  std::vector<uint32_t> h = std::vector<uint32_t>(kBins);
  std::vector<int32_t> m = std::vector<int32_t>(kBins);
  std::vector<uint64_t> c = std::vector<uint64_t>(kCand);
  StatsScratch s() { return {h.data(), m.data(), c.data()}; }
};
const double kProbs[] = {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0};
} // namespace

TEST(Stats, QuantilesAreExactOrderStatistics) {
  Buffers b;
  std::mt19937_64 g(3);
  for (int trial = 0; trial < 140; ++trial) {
    const long long n = 1 + static_cast<long long>(g() % (trial < 42 ? 40 : 200000));
    std::vector<double> x(n);
    const int kind = trial % 7;
    for (auto& v : x) {
      const double z = std::normal_distribution<double>()(g);
      v = kind == 0 ? std::exp(z)                           // lognormal
          : kind == 1 ? std::floor(3 * z)                   // heavy ties
          : kind == 2 ? (g() % 10 == 0 ? z : 0.0)           // mostly zeros
          : kind == 3 ? z * 1e-300                           // subnormal range
          : kind == 5 ? (z > 0.8 ? 1.0 : 0.0)                // 0/1 indicator
          : kind == 6 ? (z < -0.5 ? 0.0 : std::min(std::exp(z), 1.3)) // ties at both ends
                      : (g() % 2 ? -0.0 : 0.0) + 1e6 * z;   // signs
    }
    std::vector<double> out(stats_width(11));
    cell_statistics(x.data(), n, 11, kProbs, 0.5, 1.0, b.s(), out.data());
    for (int q = 0; q < 11; ++q)
      ASSERT_EQ(out[3 + q], test::np_quantile(x, kProbs[q])) << "n " << n << " kind " << kind << " p " << kProbs[q];
    const double c0 = std::count_if(x.begin(), x.end(), [](double v) { return v >= 0.5; });
    EXPECT_EQ(out[3 + 11], c0 / n);
  }
}

TEST(Stats, HeavyBinsAreRefined) {
  // a million values in a narrow range: the first histogram bins overflow
  Buffers b;
  std::mt19937_64 g(4);
  std::vector<double> x(1000000);
  for (auto& v : x) v = 1.0 + 1e-9 * std::uniform_real_distribution<double>()(g);
  x[5] = 1e9;
  std::vector<double> out(stats_width(11));
  cell_statistics(x.data(), static_cast<long long>(x.size()), 11, kProbs, 2, 2, b.s(), out.data());
  for (int q = 0; q < 11; ++q) ASSERT_EQ(out[3 + q], test::np_quantile(x, kProbs[q])) << kProbs[q];
}

TEST(Stats, MeanSdSem) {
  Buffers b;
  std::vector<double> x = {1, 2, 3, 4, 10};
  std::vector<double> out(stats_width(1));
  const double p = 0.5;
  cell_statistics(x.data(), 5, 1, &p, 100, -1, b.s(), out.data());
  EXPECT_DOUBLE_EQ(out[0], 4.0);
  EXPECT_DOUBLE_EQ(out[1], std::sqrt(50.0 / 4));
  EXPECT_DOUBLE_EQ(out[2], std::sqrt(50.0 / 4) / std::sqrt(5.0));
  EXPECT_EQ(out[3], 3.0);
  EXPECT_EQ(out[4], 0.0); // P(x >= 100)
  EXPECT_EQ(out[5], 1.0); // P(x >= -1)
  // a single value: sd 0, every quantile the value
  cell_statistics(x.data(), 1, 1, &p, 0, 0, b.s(), out.data());
  EXPECT_EQ(out[1], 0.0);
  EXPECT_EQ(out[3], 1.0);
}
