// The libm-free elementary functions against libm (within 1 ulp) and the
// inverse normal CDF against known values and erfc.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "isa_forms.h"
#include "kernels/fmath.h"

using namespace corridor;

static double ulps(double a, double b) {
  if (a == b) return 0;
  return std::fabs(a - b) / std::fabs(std::nextafter(b, INFINITY) - b);
}

TEST(Fmath, ExpWithinOneUlpOfLibm) {
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> d(-745, 709);
  double worst = 0;
  for (int i = 0; i < 300000; ++i) {
    const double x = d(g);
    const double r = std::exp(x);
    if (r < 1e-300) continue; // subnormal results: checked below
    worst = std::max(worst, ulps(fm::exp(x), r));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(fm::exp(0.0), 1.0);
  EXPECT_EQ(fm::exp(800.0), INFINITY);
  EXPECT_EQ(fm::exp(-800.0), 0.0);
  EXPECT_NEAR(fm::exp(-740.0), std::exp(-740.0), 1e-323);
}

TEST(Fmath, LogWithinOneUlpOfLibm) {
  std::mt19937_64 g(2);
  std::uniform_real_distribution<double> d(-700, 700);
  double worst = 0;
  for (int i = 0; i < 300000; ++i) {
    const double x = std::exp(d(g));
    worst = std::max(worst, ulps(fm::log(x), std::log(x)));
  }
  EXPECT_LE(worst, 1.0);
  EXPECT_EQ(fm::log(1.0), 0.0);
  EXPECT_EQ(fm::log(0.0), -INFINITY);
  EXPECT_TRUE(std::isnan(fm::log(-1.0)));
  EXPECT_NEAR(fm::log(4.9e-324), std::log(4.9e-324), 1e-12);
}

TEST(Fmath, InverseNormalKnownValues) {
  EXPECT_NEAR(fm::inv_normal(0.5), 0.0, 1e-16);
  EXPECT_NEAR(fm::inv_normal(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(fm::inv_normal(0.025), -1.959963984540054, 1e-14);
  EXPECT_NEAR(fm::inv_normal(0.999), 3.090232306167813, 1e-13);
  EXPECT_NEAR(fm::inv_normal(1e-10), -6.361340902404056, 1e-11);
  for (int i = 1; i < 2000; ++i) {
    const double p = i / 2000.0;
    const double z = fm::inv_normal(p);
    EXPECT_NEAR(0.5 * std::erfc(-z / std::sqrt(2.0)), p, 1e-14 * std::max(1.0, p / (1 - p))) << p;
  }
}

namespace {
uint64_t bits_of(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
} // namespace

// exp_n and inv_normal_n, vectorised on the host, give exp and inv_normal
// (what the GPU runs) bit for bit, for every instruction set of the CPU
// backend: the branch-free common case, the k = 0 range of exp, the cases
// redone with the scalar function, and odd lengths.
TEST(Fmath, ArrayFormsEqualScalarBitForBit) {
  std::mt19937_64 g(3);
  std::vector<double> x;
  x.reserve(60003);
  std::uniform_real_distribution<double> wide(-745, 709), mid(-30, 30), small(-0.4, 0.4);
  for (int i = 0; i < 20000; ++i) x.push_back(wide(g));
  for (int i = 0; i < 20000; ++i) x.push_back(mid(g));
  for (int i = 0; i < 20000; ++i) x.push_back(small(g));
  for (double v : {0.0,
                   -0.0,
                   0x1.0p-29,
                   -0x1.0p-29,
                   0x1.0p-28,
                   -0x1.0p-28,
                   0.5 * 6.93147180369123816490e-01,
                   -0.5 * 6.93147180369123816490e-01,
                   709.78,
                   709.79,
                   710.0,
                   -745.13,
                   -745.14,
                   -746.0,
                   1e308,
                   -1e308,
                   double(INFINITY),
                   -double(INFINITY),
                   double(NAN),
                   -708.5,
                   -720.0})
    x.push_back(v);
  std::vector<double> u;
  u.reserve(60010);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < 60000; ++i) u.push_back(std::max(unit(g), 0x1.0p-53));
  for (double v : {0x1.0p-53,
                   1 - 0x1.0p-53,
                   0.075,
                   0.925,
                   0.5 - 0.425,
                   0.5 + 0.425,
                   0.5,
                   1e-300,
                   1e-12,
                   1 - 1e-12,
                   std::nextafter(0.075, 0.0),
                   std::nextafter(0.925, 1.0),
                   0.0625,
                   0.9375,
                   0.03125,
                   std::nextafter(0.0625, 0.0),
                   std::nextafter(0.0625, 1.0),
                   1e-11,
                   1.5e-11,
                   1 - 1e-11})
    u.push_back(v);
  // the last n inputs through the array form, each against the scalar function
  auto check = [](const std::string& what, void (*array)(const double*, double*, int), double (*scalar)(double),
                  const std::vector<double>& in, std::initializer_list<int> lengths) {
    for (int n : lengths) {
      std::vector<double> out(static_cast<size_t>(n));
      array(in.data() + in.size() - n, out.data(), n);
      for (int i = 0; i < n; ++i) {
        const double v = in[in.size() - n + i];
        ASSERT_EQ(bits_of(out[i]), bits_of(scalar(v))) << what << "(" << v << ")";
      }
    }
  };
  for (const auto& f : test::array_forms()) {
    check(f.isa + " exp", f.exp_n, fm::exp, x, {static_cast<int>(x.size()), 1, 7, 33});
    check(f.isa + " inv_normal", f.inv_normal_n, fm::inv_normal, u, {static_cast<int>(u.size()), 1, 5, 12});
  }
}

// log_branchless, the vectorised log of inv_normal_n's tails, is log bit for
// bit wherever log_regular says it may be used.
TEST(Fmath, BranchlessLogEqualsLogWhereRegular) {
  std::mt19937_64 g(4);
  std::uniform_real_distribution<double> d(-700, 700);
  int regular = 0;
  for (int i = 0; i < 300000; ++i) {
    const double x =
        i % 2 ? std::exp(d(g)) : std::ldexp(1.0 + std::ldexp(static_cast<double>(g() % 4096), -20), i % 64 - 32);
    if (!fm::log_regular(x)) continue;
    ++regular;
    ASSERT_EQ(bits_of(fm::log_branchless(x)), bits_of(fm::log(x))) << x;
  }
  EXPECT_GT(regular, 150000);
  EXPECT_FALSE(fm::log_regular(1.0));
  EXPECT_FALSE(fm::log_regular(0.0));
  EXPECT_FALSE(fm::log_regular(-1.0));
  EXPECT_FALSE(fm::log_regular(4.9e-324));
  EXPECT_FALSE(fm::log_regular(double(INFINITY)));
  EXPECT_TRUE(fm::log_regular(0.075));
}
