// The libm-free elementary functions against libm (within 1 ulp) and the
// inverse normal CDF against known values and erfc.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

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
