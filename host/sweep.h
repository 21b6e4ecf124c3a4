// Sweeps (docs/MODEL.md section 12): a design over ranges of numeric input
// fields, each point the base input with its fields set, built into a model
// and run for one scenario with the same seed (common random numbers), only
// the point's response statistics kept; Sobol indices for a Saltelli design.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend.h"
#include "input.h"
#include "sobol_indices.h"

namespace corridor {

// One row of a ranges file: an input field (table, row id, column) and its
// distribution over [low, high] (normal: low and high are its 2.5% and
// 97.5% quantiles; triangular: mode between them; loguniform: low > 0).
// relative: the values multiply the field's base value.
struct RangeSpec {
  std::string table, row, column, distribution;
  double low = 0, high = 0, mode = 0;
  bool relative = false;
  std::string source;
  size_t row_index = 0; // the field's row in the input table
  char type = 'r';      // 'r' or 'i' (rounded to the nearest integer)
  double base = 0;      // the field's value in the base input
  std::string name() const { return table + "/" + row + "/" + column; }
};

// Reads and checks a ranges file against the base input; every problem is
// one line of the InputError thrown ("FILE: row 3 (line 4): unknown table 'x'").
std::vector<RangeSpec> read_ranges(const std::string& path, const Input& base);
std::vector<RangeSpec> parse_ranges(const std::string& text, const std::string& where, const Input& base);
// The field's value at unit coordinate u: the distribution's quantile (grid:
// the range's evenly spaced levels, log-spaced for loguniform), times the
// base value when relative, rounded for integer columns.
double range_value(const RangeSpec& r, double u, bool grid);
// Sets the fields of `in` to values[j] (one per range).
void set_fields(Input& in, const std::vector<RangeSpec>& ranges, const double* values);

struct SweepOptions {
  std::string design = "sobol"; // sobol, lhs or grid
  int N = 64;                   // base points (sobol), points (lhs), levels per parameter (grid)
  uint32_t paths = 10000;
  uint64_t seed = 20240101;
  std::string scenario; // "" : the first
  int threads = 0;
  std::vector<std::string> responses; // names, or prefixes ending in '*'; empty: the defaults
  int bootstrap = 1000;
  std::function<void(double)> progress;
  // called for every point before any is evaluated (run_sweep: the point's
  // input is built, so that an invalid point stops the sweep before its work)
  std::function<void(uint64_t point, const double* values)> check;
};

struct SweepResult {
  std::string design, scenario;
  int N = 0, d = 0, K = 0, year = 0;
  uint64_t points = 0;
  std::vector<std::string> parameters, responses, response_long, response_units;
  std::vector<double> unit, values; // [point * d + j]
  std::vector<double> y, sem;       // [point * K + k]; sem NaN where the run gives none
  bool sobol = false;
  SobolIndices indices;
  // [k]: the variance of the response over the points, its Monte Carlo part
  // (the mean over points of sem^2; NaN without sem) and the rest, the part
  // the parameters explain
  std::vector<double> var_total, var_mc, var_param;
};

// Evaluates one point: its field values in, its K responses and their
// standard errors out (the tests' known functions, or the model).
using PointEval = std::function<void(uint64_t point, const double* values, double* y, double* sem)>;
// The design over `ranges`, every point evaluated in order, and for a Sobol
// design the indices and the variance split.
SweepResult sweep_design(const std::vector<RangeSpec>& ranges, const SweepOptions& o,
                         const std::vector<std::string>& responses, const PointEval& eval);
// The model's sweep: each point's input built and run on `be` for the
// scenario, the responses read from the run's statistics in the horizon year.
SweepResult run_sweep(const Input& base, const std::vector<RangeSpec>& ranges, const SweepOptions& o, Backend& be);

struct SweepProvenance {
  std::string input, input_sha256, ranges, ranges_sha256, backend;
};
// The sweep's HDF5 file (design, responses, indices) into an open file.
void write_sweep_file(hid_t file, const SweepResult& r, const std::vector<RangeSpec>& ranges, const SweepOptions& o,
                      const SweepProvenance& p);
// The table corridor sweep prints: the indices (sobol) or the responses' range.
std::string sweep_table(const SweepResult& r);

} // namespace corridor
