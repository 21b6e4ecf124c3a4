// The output contract (MODEL.md section 9): HDF5 readable as netCDF-4, with
// dimension scales, CF-style attributes and provenance. Written through an
// OutputTarget (safe_file.h): a temporary file in the target folder, claimed
// under the user's name only when complete.
#pragma once
#include <hdf5.h>

#include <functional>
#include <string>

#include "backend.h"
#include "model_build.h"
#include "safe_file.h"

namespace corridor {

// Where the numbers came from: written as global attributes of the output.
struct Provenance {
  std::string backend, input, input_sha256, created;
  uint64_t seed = 0;
  uint32_t paths = 0;
  double utilization_threshold = 0.9;
};

struct ScenarioDiff;      // scenario_diff.h
struct ConvergenceRecord; // converge.h
// What a run may add to its output: the scenario differences (diff_*
// variables, `run --diff`) and the record of a run to a precision
// (`run --precision`); null: none.
struct OutputExtras {
  const ScenarioDiff* diff = nullptr;
  const ConvergenceRecord* convergence = nullptr;
};

// Writes the output of a run to `out` (prepared before the run, see
// safe_file.h). The sensitivity variables are written when `sens` has paths
// and drivers (`sens_rho` holds its correlations); paths_flow is written when
// `raw_paths` is set (the paths are simulated again in chunks by it).
void write_output(OutputTarget& out, const ModelInfo& info, const HostModel& m, const RunConfig& cfg,
                  const RunResult& res, const Provenance& prov, const SensitivitySpec* sens,
                  const std::vector<double>& sens_rho, Backend* raw_paths, const OutputExtras* extras = nullptr);

// Builds an HDF5 file in memory with write(file) and commits its bytes: for
// small outputs, so that a failing disk meets a plain write, never the HDF5
// library (which can crash closing a file after a failed write).
void commit_h5_in_memory(OutputTarget& out, const std::function<void(hid_t file)>& write);

std::string sha256_file(const std::string& path); // of a file, or of a folder's sorted *.csv files
std::string git_sha();
std::string corridor_version();
std::string now_iso8601();

} // namespace corridor
