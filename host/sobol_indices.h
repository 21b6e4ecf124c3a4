// Designs of a sweep in the unit cube and the variance-based (Sobol)
// sensitivity indices estimated from a Saltelli design (docs/MODEL.md
// section 12). No model, files or command line: the sweep (sweep.h) maps the
// unit points to input values and evaluates them; the tests evaluate known
// functions (Ishigami, additive) through the same code.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace corridor {

// A small deterministic generator (splitmix64) for the Latin hypercube and
// the bootstrap: the same seed gives the same numbers on every platform.
struct SplitMix64 {
  uint64_t state;
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next();
  double uniform();           // in (0, 1), 53 bits
  uint64_t below(uint64_t n); // in [0, n), n > 0 (unbiased)
};

// The most parameters a Sobol design takes: GSL's Sobol sequence has 40
// dimensions, and Saltelli sampling uses 2d of them.
constexpr int kMaxSobolParameters = 20;

// Unit points, row-major [point][parameter], d columns.
// Saltelli sampling: N base rows of the 2d-dimensional Sobol sequence (GSL's
// gsl_qrng_sobol, its first point, the origin, skipped), A = the first d
// coordinates, B = the last d; per base row i the block A_i, B_i, AB_i^1 ..
// AB_i^d (A_i with coordinate j taken from B_i): N (d + 2) points.
std::vector<double> saltelli_design(int N, int d);
// Latin hypercube: N points, each parameter's N strata in a seeded random
// order, a seeded uniform point inside each stratum.
std::vector<double> lhs_design(int N, int d, uint64_t seed);
// Full factorial grid: levels^d points, level l at l / (levels - 1) (0.5 for
// one level); the first parameter varies slowest.
std::vector<double> grid_design(int levels, int d);
// Points a design has (throws std::invalid_argument when too many or bad).
uint64_t design_points(const std::string& design, int N, int d);

// First-order (Saltelli et al. 2010) and total (Jansen 1999) indices of K
// responses from the responses y[point * K + k] of saltelli_design(N, d)'s
// points, with percentile bootstrap 95% intervals (the N base rows
// resampled `bootstrap` times, seeded). NaN where a response has no variance.
struct SobolIndices {
  int K = 0, d = 0;
  // [k * d + j]
  std::vector<double> first, first_lower, first_upper, total, total_lower, total_upper;
  // [k]: the variance of the response over the A and B points (the
  // denominator of the indices)
  std::vector<double> variance;
};
SobolIndices sobol_indices(const std::vector<double>& y, int N, int d, int K, int bootstrap, uint64_t seed);

} // namespace corridor
