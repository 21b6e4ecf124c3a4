#include "isa_forms.h"

#include "host/backend.h"

namespace corridor::test {
namespace {

// NOLINTBEGIN(bugprone-macro-parentheses): ATTR is an attribute list
#define CORRIDOR_FORMS(SUFFIX, ATTR)                                                                                   \
  ATTR void exp_##SUFFIX(const double* in, double* out, int n) { fm::exp_n(in, out, n, 1); }                           \
  ATTR void inv_##SUFFIX(const double* in, double* out, int n) { fm::inv_normal_n(in, out, n, 1); }                    \
  ATTR void uni_##SUFFIX(const Rng& rng, uint32_t path, uint32_t year, uint32_t purpose, int n, double* u) {           \
    uniforms_n(rng, path, year, purpose, n, u, 1);                                                                     \
  }                                                                                                                    \
  ATTR void rows_##SUFFIX(const Rng& rng, uint32_t path0, uint32_t year, uint32_t purpose, int n, double* u) {         \
    uniforms_rows<kRowLanes>(rng, path0, year, purpose, n, u);                                                         \
  }                                                                                                                    \
  ATTR int stats_##SUFFIX(const StatsGroup& G) { return stats_serial(G); }
// NOLINTEND(bugprone-macro-parentheses)
CORRIDOR_FORMS(base, __attribute__((noinline, flatten)))
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
CORRIDOR_FORMS(v3, __attribute__((noinline, flatten, target("arch=x86-64-v3"))))
CORRIDOR_FORMS(v4, __attribute__((noinline, flatten, target("arch=x86-64-v4"))))
#endif

} // namespace

std::vector<ArrayForms> array_forms() {
  std::vector<ArrayForms> out;
  for (const std::string& isa : cpu_instruction_sets()) {
    if (isa == "x86-64") out.push_back({isa, exp_base, inv_base, uni_base, rows_base, stats_base});
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (isa == "x86-64-v3") out.push_back({isa, exp_v3, inv_v3, uni_v3, rows_v3, stats_v3});
    if (isa == "x86-64-v4") out.push_back({isa, exp_v4, inv_v4, uni_v4, rows_v4, stats_v4});
#endif
  }
  return out;
}

} // namespace corridor::test
