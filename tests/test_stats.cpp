// Exact statistics of a cell against sorting and numpy's type-7 formula.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "host/stats_buffers.h"
#include "kernels/stats.h"
#include "util.h"

using namespace corridor;

namespace {
// The buffers of one statistics group over cells of equal length, run
// through stats_serial() with T items per cell for the histogram passes and
// bper blocks per item for the block passes (T = 1, bper = all: the CPU
// schedule; T = blocks, bper = 1: the GPU's). V: the type of the stored
// values (a run's: Value, single precision).
template <class V = double> struct GroupOf {
  std::vector<V> x;
  std::vector<double> thr0, thr1, out;
  StatsBuffers<V> buf;
  int levels = 0;
  // keep_bins: the first level's bin numbers kept for the collection (the CPU run's buffers)
  GroupOf(const std::vector<std::vector<double>>& cells, int nq, const double* probs, double t0, double t1,
          long long T = 1, long long bper = 0, int blocked = 0, bool keep_bins = true) {
    const long long n = static_cast<long long>(cells[0].size()), K = static_cast<long long>(cells.size());
    // plain columns one after another, or a run's pass (blocked: the layout
    // block's shift, 0: plain)
    const int lbs = blocked > 0 ? blocked : kPlainColumns;
    x = laid_out<V>(cells, lbs);
    thr0.assign(K, t0);
    thr1.assign(K, t1);
    out.assign(K * stats_width(nq), -7.0);
    const StatsGroupT<V> G =
        buf.group(x.data(), n, lbs, K, probs, nq, thr0.data(), thr1.data(), out.data(), T, bper, keep_bins);
    std::fill(buf.binid.begin(), buf.binid.end(), uint16_t(0xabcd)); // written before they are read
    levels = stats_serial(G);
  }
  const double* cell(int k) const { return out.data() + k * (out.size() / buf.q.size()); }
};
using Group = GroupOf<>;
std::vector<double> stats_of(const std::vector<double>& x, int nq, const double* probs, double t0, double t1,
                             long long T = 1, long long bper = 0) {
  Group g({x}, nq, probs, t0, t1, T, bper);
  return g.out;
}
const double kProbs[] = {0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0};
} // namespace

TEST(Stats, QuantilesAreExactOrderStatistics) {
  std::mt19937_64 g(3);
  for (int trial = 0; trial < 140; ++trial) {
    const long long n = 1 + static_cast<long long>(g() % (trial < 42 ? 40 : 200000));
    std::vector<double> x(n);
    const int kind = trial % 7;
    for (auto& v : x) {
      const double z = std::normal_distribution<double>()(g);
      v = kind == 0   ? std::exp(z)                                   // lognormal
          : kind == 1 ? std::floor(3 * z)                             // heavy ties
          : kind == 2 ? (g() % 10 == 0 ? z : 0.0)                     // mostly zeros
          : kind == 3 ? z * 1e-300                                    // subnormal range
          : kind == 5 ? (z > 0.8 ? 1.0 : 0.0)                         // 0/1 indicator
          : kind == 6 ? (z < -0.5 ? 0.0 : std::min(std::exp(z), 1.3)) // ties at both ends
                      : (g() % 2 ? -0.0 : 0.0) + 1e6 * z;             // signs
    }
    const std::vector<double> out = stats_of(x, 11, kProbs, 0.5, 1.0);
    for (int q = 0; q < 11; ++q)
      ASSERT_EQ(out[3 + q], test::np_quantile(x, kProbs[q])) << "n " << n << " kind " << kind << " p " << kProbs[q];
    const double c0 = std::count_if(x.begin(), x.end(), [](double v) { return v >= 0.5; });
    EXPECT_EQ(out[3 + 11], c0 / n);
  }
}

TEST(Stats, HeavyBinsAreRefined) {
  // a million values in a narrow range: the first histogram bins overflow
  std::mt19937_64 g(4);
  std::vector<double> x(1000000);
  for (auto& v : x) v = 1.0 + 1e-9 * std::uniform_real_distribution<double>()(g);
  x[5] = 1e9;
  x[6] = 2e9; // the largest two: the first interval reaches 1e9
  Group grp({x}, 11, kProbs, 2, 2);
  for (int q = 0; q < 11; ++q) ASSERT_EQ(grp.out[3 + q], test::np_quantile(x, kProbs[q])) << kProbs[q];
  EXPECT_GE(grp.levels, 2) << "the narrow range must need a refining level";
}

TEST(Stats, StoredSinglePrecisionValuesAreThoseValuesExactly) {
  // a run keeps its values in single precision (Value): the statistics of
  // the stored values are those of the same values held in double
  // precision, byte for byte, on the CPU's schedule and the GPU's; the
  // quantiles numpy's of the rounded values, not of the originals
  static_assert(sizeof(Value) == 4, "a run stores single precision");
  std::mt19937_64 g(11);
  for (int trial = 0; trial < 12; ++trial) {
    const long long n = 1 + static_cast<long long>(g() % (trial < 4 ? 50 : 150000));
    std::vector<double> x(n);
    const int kind = trial % 4;
    for (auto& v : x) {
      const double z = std::normal_distribution<double>()(g);
      v = kind == 0   ? 1e7 * std::exp(z)                     // tonnes: a lognormal flow
          : kind == 1 ? (g() % 4 == 0 ? 1.1 : 0.3 + 1e-9 * z) // utilisation at its cap, and values that round alike
          : kind == 2 ? (g() % 10 == 0 ? 1e11 * z : 0.0)      // dollars, mostly zeros
                      : (g() % 2 ? -0.0 : 0.0) + 3e3 * z;     // signs
    }
    const std::vector<double> r = test::stored(x);
    for (const long long T : {1ll, 7ll}) {
      const long long bper = T == 1 ? 0 : 1;
      GroupOf<Value> single({x}, 11, kProbs, 1.1, 1e7, T, bper);
      GroupOf<double> twice({r}, 11, kProbs, 1.1, 1e7, T, bper);
      for (size_t i = 0; i < single.out.size(); ++i)
        ASSERT_EQ(fm::bits(single.out[i]), fm::bits(twice.out[i])) << "n " << n << " kind " << kind << " stat " << i;
      for (int q = 0; q < 11; ++q)
        ASSERT_EQ(single.out[3 + q], test::np_quantile(r, kProbs[q])) << "n " << n << " kind " << kind;
      EXPECT_NEAR(single.out[0], std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(n),
                  1e-12 * (std::fabs(single.out[0]) + 1e-300) + 1e-300);
    }
    if (kind == 0 && n > 1000) { // the rounding is real: the median moves
      EXPECT_NE(test::np_quantile(r, 0.5), test::np_quantile(x, 0.5));
    }
  }
}

TEST(Stats, FloatKeysOrderAsTheirDoubles) {
  // a run's passes key its single-precision values with 32-bit keys: they
  // order the values as the 64-bit keys of the same values in double
  // precision do, and give them back exactly; at_least(t) is the float c
  // with x >= c exactly when x >= t
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {-inf,
                          -std::numeric_limits<float>::max(),
                          -1e30f,
                          -3.5f,
                          -1.0f,
                          -1e-40f,
                          -0.0f,
                          0.0f,
                          1e-45f,
                          1e-40f,
                          1.1f,
                          1.0f,
                          3.5f,
                          1e30f,
                          std::numeric_limits<float>::max(),
                          inf};
  std::mt19937_64 g(5);
  for (int i = 0; i < 2000; ++i) v.push_back(static_cast<float>(std::normal_distribution<double>(0, 1e3)(g)));
  for (const float a : v) {
    EXPECT_EQ(fm::bits(KeyOf<float>::value(KeyOf<float>::key(a))), fm::bits(static_cast<double>(a)));
    for (const float b : {v[0], v[5], v[6], v[7], v[12], v[100], v[1000], a})
      ASSERT_EQ(KeyOf<float>::key(a) < KeyOf<float>::key(b), order_key(a) < order_key(b)) << a << " " << b;
  }
  std::vector<double> thr = {0.3,
                             -0.3,
                             1.1,
                             -1.1,
                             1e7,
                             0.0,
                             -0.0,
                             1e-300,
                             -1e-300,
                             1e39,
                             -1e39,
                             3.4028235677973366e38,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()};
  for (int i = 0; i < 200; ++i) thr.push_back(std::normal_distribution<double>(0, 10)(g));
  for (const double t : thr) {
    const float c = KeyOf<float>::at_least(t);
    for (const float x : v) ASSERT_EQ(x >= c, static_cast<double>(x) >= t) << x << " " << t;
    // and the floats either side of c
    for (const float x : {std::nextafter(c, -inf), c, std::nextafter(c, inf)})
      ASSERT_EQ(x >= c, static_cast<double>(x) >= t) << x << " " << t;
  }
  const float nan_c = KeyOf<float>::at_least(std::numeric_limits<double>::quiet_NaN());
  for (const float x : v) EXPECT_FALSE(x >= nan_c);
}

TEST(Stats, DeviceHeapSortSortsAsTheHost) {
  // the GPU sorts a bin's candidates with heap_sort, the CPU with std::sort
  // (sort_keys): the same keys in the same order, duplicates included
  std::mt19937_64 g(3);
  for (const int n : {0, 1, 2, 3, 17, 1000, kCand}) {
    std::vector<uint64_t> a(static_cast<size_t>(n));
    for (auto& k : a) k = n > 100 ? g() % 97 + (g() % 3 == 0 ? g() : 0) : g();
    std::vector<uint64_t> h = a, s = a;
    heap_sort(h.data(), n);
    sort_keys(s.data(), n);
    std::sort(a.begin(), a.end());
    ASSERT_EQ(h, a) << n;
    ASSERT_EQ(s, a) << n;
  }
}

TEST(Stats, MeanSdSem) {
  std::vector<double> x = {1, 2, 3, 4, 10};
  const double p = 0.5;
  std::vector<double> out = stats_of(x, 1, &p, 100, -1);
  EXPECT_DOUBLE_EQ(out[0], 4.0);
  EXPECT_DOUBLE_EQ(out[1], std::sqrt(50.0 / 4));
  EXPECT_DOUBLE_EQ(out[2], std::sqrt(50.0 / 4) / std::sqrt(5.0));
  EXPECT_EQ(out[3], 3.0);
  EXPECT_EQ(out[4], 0.0); // P(x >= 100)
  EXPECT_EQ(out[5], 1.0); // P(x >= -1)
  // a single value: sd 0, every quantile the value
  out = stats_of({x[0]}, 1, &p, 0, 0);
  EXPECT_EQ(out[1], 0.0);
  EXPECT_EQ(out[3], 1.0);
}

TEST(Stats, SplitSchedulesGiveTheSameBytes) {
  // the GPU's schedule (several items per cell, blocks split among items) and
  // any other split must give exactly what one item per cell gives
  std::mt19937_64 g(5);
  std::vector<std::vector<double>> cells;
  const long long n = 50000;
  for (int k = 0; k < 6; ++k) {
    std::vector<double> x(n);
    for (auto& v : x) {
      const double z = std::normal_distribution<double>()(g);
      v = k == 0   ? std::exp(z)
          : k == 1 ? std::floor(2 * z)
          : k == 2 ? (z > 1 ? z : 0.0)
          : k == 3 ? 1.0 + 1e-12 * z
          : k == 4 ? (z > 0 ? 1.0 : 0.0)
                   : 1e3 * z;
    }
    x[17] = 1e12; // one far outlier widens the first interval
    cells.push_back(x);
  }
  const Group one(cells, 11, kProbs, 0.5, 1.0);
  for (const auto& tb : std::vector<std::pair<long long, long long>>{{49, 1}, {3, 7}, {1000, 2}, {1, 1}}) {
    const Group split(cells, 11, kProbs, 0.5, 1.0, tb.first, tb.second);
    EXPECT_TRUE(split.out == one.out) << "T " << tb.first << " bper " << tb.second;
    // a run's pass keeps the cells' blocks side by side (launch.inl, Columns): the same bytes
    for (int lbs : {10, 13}) {
      const Group blocked(cells, 11, kProbs, 0.5, 1.0, tb.first, tb.second, lbs);
      EXPECT_TRUE(blocked.out == one.out) << "blocks of 2^" << lbs << ", T " << tb.first << " bper " << tb.second;
    }
  }
  for (int lbs : {10, 13, 14}) { // the CPU's schedule
    const Group blocked(cells, 11, kProbs, 0.5, 1.0, 1, 0, lbs);
    EXPECT_TRUE(blocked.out == one.out) << "blocks of 2^" << lbs;
  }
  // the first level's candidates found from kept bin numbers or from the keys again
  for (int lbs : {0, 13}) {
    const Group recomputed(cells, 11, kProbs, 0.5, 1.0, 1, 0, lbs, false);
    EXPECT_TRUE(recomputed.out == one.out) << "bins not kept, blocks of 2^" << lbs;
  }
  for (int k = 0; k < 6; ++k)
    for (int q = 0; q < 11; ++q) ASSERT_EQ(one.cell(k)[3 + q], test::np_quantile(cells[k], kProbs[q])) << k << " " << q;
}

TEST(Stats, ManyLevelsWhenBinsStayHeavy) {
  // a million values spread over a few keys and two far outliers: several
  // heavy bins, each refined at its own level
  std::mt19937_64 g(6);
  std::vector<double> x(1000000);
  for (auto& v : x) v = 1.0 + (g() % 4096) * 1e-15 + (g() % 3) * 1e-3;
  x[1] = -1e300;
  x[2] = 1e300;
  const Group grp({x}, 11, kProbs, 0, 0, 977, 1);
  for (int q = 0; q < 11; ++q) ASSERT_EQ(grp.out[3 + q], test::np_quantile(x, kProbs[q])) << kProbs[q];
  EXPECT_GE(grp.levels, 3);
}

TEST(Stats, HeavyBinsOfFewKeysAreResolvedByTheirCollection) {
  // the CPU's schedule keeps the first level's bin numbers and, while it
  // collects, records the keys of heavy bins while they are few, and their
  // extremes with counts: ranks in a spike of one value (a capacity in force)
  // or of a few neighbouring keys (units of rounding apart) need no further level. The bytes are those of
  // the schedule that refines level by level, and of sorting.
  std::mt19937_64 g(9);
  const double cap = 1.25;
  const double next = std::nextafter(cap, 2.0);
  double many[32]; // 32 quantiles: more than 16 bins to take at once
  for (int i = 0; i < 32; ++i) many[i] = i / 31.0;
  for (int kind = 0; kind < 5; ++kind) {
    std::vector<double> x(120000);
    for (auto& v : x) {
      const double z = std::exp(0.5 * std::normal_distribution<double>()(g));
      v = kind == 0   ? std::min(z, cap)                           // one key shared by a third of the paths
          : kind == 1 ? (z > cap ? (g() % 2 ? cap : next) : z)     // two neighbouring keys
          : kind == 2 ? (z > cap ? cap + (g() % 5) * 1e-3 : z)     // five keys, far apart
          : kind == 3 ? (z > cap ? cap + (g() % 12) * 2.3e-16 : z) // twelve neighbouring keys: more than recorded
                      : (z > cap ? (g() % 3 ? cap : next) : 1.0 + z * 1e-14); // all in a narrow range
    }
    x[3] = 1e6; // an outlier widens the first interval
    for (const auto& pq : std::vector<std::pair<const double*, int>>{{kProbs, 11}, {many, 32}}) {
      const Group kept({x}, pq.second, pq.first, 1.0, cap);
      const Group refined({x}, pq.second, pq.first, 1.0, cap, 1, 0, 0, false);
      EXPECT_TRUE(kept.out == refined.out) << "kind " << kind << " quantiles " << pq.second;
      for (int q = 0; q < pq.second; ++q)
        ASSERT_EQ(kept.out[3 + q], test::np_quantile(x, pq.first[q])) << "kind " << kind << " p " << pq.first[q];
      if (kind < 3) {
        EXPECT_LT(kept.levels, refined.levels) << "kind " << kind << ": the spike must not need a level more";
      }
    }
  }
}

TEST(Stats, CountedIndicatorsGiveTheStatisticsOfTheirColumn) {
  // a 0/1 indicator that a run counts instead of storing (CellPlan::kCount):
  // mean, quantiles and exceedances bit for bit those of its stored column,
  // sd and sem in closed form
  std::mt19937_64 g(8);
  for (long long n : {1LL, 2LL, 7LL, 1024LL, 5000LL, 100001LL}) {
    for (double p : {0.0, 0.003, 0.4, 0.5, 0.97, 1.0}) {
      std::vector<double> x(static_cast<size_t>(n));
      unsigned long long c = 0;
      for (auto& v : x) {
        v = std::uniform_real_distribution<double>()(g) < p ? 1.0 : 0.0;
        c += v == 1.0;
      }
      for (const auto& thr : std::vector<std::pair<double, double>>{{1.0, INFINITY}, {0.5, 0.0}, {INFINITY, -1.0}}) {
        const std::vector<double> col = stats_of(x, 11, kProbs, thr.first, thr.second);
        std::vector<double> counted(col.size(), -7.0);
        indicator_stats(c, n, kProbs, 11, thr.first, thr.second, counted.data());
        EXPECT_EQ(counted[0], col[0]) << n << " " << p;
        for (int q = 0; q < 11; ++q) EXPECT_EQ(counted[3 + q], col[3 + q]) << n << " " << p << " " << kProbs[q];
        EXPECT_EQ(counted[3 + 11], col[3 + 11]) << n << " " << p;
        EXPECT_EQ(counted[4 + 11], col[4 + 11]) << n << " " << p;
        EXPECT_NEAR(counted[1], col[1], 1e-12 * (1 + col[1])) << n << " " << p;
        EXPECT_NEAR(counted[2], col[2], 1e-12 * (1 + col[2])) << n << " " << p;
      }
    }
  }
}
