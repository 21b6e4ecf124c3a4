// The array forms of fmath.h and philox.h compiled for each x86-64
// instruction set the CPU backend simulates with (host/backend_cpu.cpp), so
// the tests hold every compiled form, not only the baseline one, to the
// scalar functions bit for bit; and the statistics of a group of cells in
// the CPU's schedule (stats_serial), for the microbenchmark. Each is
// flattened, as the CPU backend's kernels are, so that the array forms
// compile under its instruction set.
#pragma once
#include <string>
#include <vector>

#include "kernels/model.h"
#include "kernels/stats.h"

namespace corridor::test {

constexpr int kRowLanes = kLanesMax; // as a CPU tile

struct ArrayForms {
  std::string isa;
  void (*exp_n)(const double* in, double* out, int n);
  void (*inv_normal_n)(const double* in, double* out, int n);
  void (*uniforms_n)(const Rng& rng, uint32_t path, uint32_t year, uint32_t purpose, int n, double* u);
  // uniforms_rows<kRowLanes>: kRowLanes paths' uniforms in rows
  void (*uniforms_rows)(const Rng& rng, uint32_t path0, uint32_t year, uint32_t purpose, int n, double* u);
  int (*stats)(const StatsGroup& G); // stats_serial: the levels it took
};
// The forms this CPU runs, baseline first.
std::vector<ArrayForms> array_forms();

} // namespace corridor::test
