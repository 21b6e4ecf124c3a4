// Philox4x32-10 against the Random123 known-answer vectors (kat_vectors), and
// the uniform conversion.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "isa_forms.h"
#include "kernels/philox.h"

using namespace corridor;

TEST(Philox, KnownAnswerVectors) {
  struct Kat {
    U32x4 ctr;
    uint32_t k0, k1;
    U32x4 out;
  };
  const Kat kats[] = {
      {{{0, 0, 0, 0}}, 0, 0, {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
      {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
       0xffffffff,
       0xffffffff,
       {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
      {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
       0xa4093822,
       0x299f31d0,
       {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
  };
  for (const auto& k : kats) {
    const U32x4 r = philox4x32_10(k.ctr, k.k0, k.k1);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(r.v[i], k.out.v[i]) << "word " << i;
  }
}

TEST(Philox, CounterNamesPathYearPurposeIndex) {
  const Rng rng(42);
  const U32x4 a = rng.block(7, 3, kIdiosyncratic, 5);
  const U32x4 b = philox4x32_10(U32x4{{5, 3, kIdiosyncratic, 7}}, 42, 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.v[i], b.v[i]);
  const U32x4 c = rng.block(8, 3, kIdiosyncratic, 5);
  EXPECT_NE(a.v[0], c.v[0]);
}

TEST(Philox, UniformIsOpenAndCentred) {
  EXPECT_GT(u01_open(0, 0), 0.0);
  EXPECT_LT(u01_open(0xffffffff, 0xffffffff), 1.0);
  EXPECT_EQ(u01_open(0x80000000, 0), 0.5 + 0x1.0p-53);
  EXPECT_EQ(u01_open(0, 0), 0x1.0p-53);
  EXPECT_EQ(u01_open(0xffffffff, 0xffffffff), 1.0 - 0x1.0p-53);
  // the definition, (top 52 bits + 1/2) 2^-52, for many word pairs
  for (uint32_t i = 0; i < 100000; ++i) {
    const U32x4 b = philox4x32_10(U32x4{{i, 1, 2, 3}}, 4, 5);
    const uint64_t m = ((static_cast<uint64_t>(b.v[0]) << 32) | b.v[1]) >> 12;
    ASSERT_EQ(u01_open(b.v[0], b.v[1]), (static_cast<double>(m) + 0.5) * 0x1.0p-52) << i;
  }
  // statistical: mean and variance of 1e6 uniforms
  const Rng rng(1);
  double s = 0, s2 = 0;
  const int n = 1000000;
  for (int i = 0; i < n / 2; ++i) {
    const U32x4 b = rng.block(i, 0, 0, 0);
    for (double u : {u01_open(b.v[0], b.v[1]), u01_open(b.v[2], b.v[3])}) s += u, s2 += u * u;
  }
  const double m = s / n, v = s2 / n - m * m;
  EXPECT_NEAR(m, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(v, 1.0 / 12, 4 * std::sqrt(1.0 / 180 / n));
}

// uniforms_n, vectorised across blocks on the host, gives u01_open of
// Rng::block's word pairs bit for bit, for every instruction set of the CPU
// backend, even and odd lengths.
TEST(Philox, ArrayFormEqualsBlocksBitForBit) {
  const Rng rng(0x0123456789abcdefull);
  for (const auto& f : test::array_forms()) {
    for (int n : {1, 2, 7, 100, 257}) {
      for (uint32_t path : {0u, 99u, 0xffffffffu}) {
        std::vector<double> u(static_cast<size_t>(n) + 1, -1.0);
        f.uniforms_n(rng, path, 5, kIdiosyncratic, n, u.data());
        for (int b = 0; 2 * b < n; ++b) {
          const U32x4 r = rng.block(path, 5, kIdiosyncratic, static_cast<uint32_t>(b));
          ASSERT_EQ(u[2 * b], u01_open(r.v[0], r.v[1])) << f.isa << " n " << n << " block " << b;
          ASSERT_EQ(u[2 * b + 1], u01_open(r.v[2], r.v[3])) << f.isa << " n " << n << " block " << b;
        }
      }
    }
  }
}

TEST(Philox, RowsFormEqualsOnePathAtATime) {
  // several paths' uniforms side by side in rows (a CPU tile's draws), for
  // even and odd counts, across the wrap of the 32-bit path number
  const Rng rng(77);
  for (const auto& f : test::array_forms()) {
    for (int n : {1, 6, 33}) {
      const int W = test::kRowLanes, n2 = 2 * ((n + 1) / 2);
      std::vector<double> rows(static_cast<size_t>(W) * n2, -1.0), one(static_cast<size_t>(n2), -2.0);
      const uint32_t path0 = 0xFFFFFFFDu;
      f.uniforms_rows(rng, path0, 9, kClosure, n, rows.data());
      for (int j = 0; j < W; ++j) {
        f.uniforms_n(rng, path0 + static_cast<uint32_t>(j), 9, kClosure, n, one.data());
        for (int i = 0; i < n2; ++i)
          ASSERT_EQ(rows[static_cast<size_t>(i) * W + j], one[i]) << f.isa << " n " << n << " path " << j << " " << i;
      }
    }
  }
}
