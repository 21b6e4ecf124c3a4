// Uses the installed model headers: Philox4x32-10 against a Random123 known
// answer, the model's exp and log against the C library and its inverse
// normal CDF at a known quantile. Exit 0 when all hold.
#include <cmath>
#include <cstdio>
#include <initializer_list>

#include "kernels/fmath.h"
#include "kernels/philox.h"

int main() {
  using namespace corridor;
  const U32x4 r = philox4x32_10(U32x4{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, 0xa4093822, 0x299f31d0);
  const unsigned want[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
  int bad = 0;
  for (int i = 0; i < 4; ++i) bad += r.v[i] != want[i];
  for (double x : {-3.5, 0.0, 0.7, 12.25}) {
    if (std::fabs(fm::exp(x) - std::exp(x)) > 1e-15 * std::exp(x)) ++bad;
    if (x > 0 && std::fabs(fm::log(x) - std::log(x)) > 1e-15 * std::fabs(std::log(x)) + 1e-300) ++bad;
  }
  // the 97.5% quantile of the standard normal, to 15 digits
  if (std::fabs(fm::inv_normal(0.975) - 1.95996398454005) > 1e-13) ++bad;
  std::printf("corridor::model consumer: %s\n", bad ? "FAILED" : "ok");
  return bad ? 1 : 0;
}
