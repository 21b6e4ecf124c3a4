// The output contract (MODEL.md section 9): HDF5 readable as netCDF-4, with
// dimension scales, CF-style attributes and provenance. Written to a temporary
// file in the target folder and renamed into place only when complete.
#pragma once
#include <functional>
#include <string>

#include "backend.h"
#include "model_build.h"

namespace corridor {

struct Provenance {
  std::string backend, input, input_sha256, created;
  uint64_t seed = 0;
  uint32_t paths = 0;
  double utilization_threshold = 0.9;
  const SensitivitySpec* sensitivity = nullptr; // with sensitivity_rho, written when it has paths
  std::vector<double> sensitivity_rho;
  Backend* raw_paths = nullptr; // when set, paths_flow is written (re-simulated in chunks by this backend)
};

void write_output(const std::string& path, bool force, const ModelInfo& info, const HostModel& m,
                  const RunConfig& cfg, const RunResult& res, const Provenance& prov);

// Writes `path` through write(tmp): a temporary file in the target folder,
// renamed into place only when write returns, removed when it throws or on
// SIGINT/SIGTERM/SIGHUP (install_signal_cleanup), so an existing file is never
// half-overwritten. Replacing an existing file needs `force`.
void write_atomically(const std::string& path, bool force, const std::function<void(const std::string& tmp)>& write);
// Throws the error write_atomically gives when `path` exists and `force` is
// not set; commands call it first, to refuse before any work is done.
void check_overwrite(const std::string& path, bool force);

// Removes any temporary output on SIGINT/SIGTERM and exits 130/143.
void install_signal_cleanup();

std::string sha256_file(const std::string& path); // of a file, or of a folder's sorted *.csv files
std::string git_sha();
std::string corridor_version();
std::string now_iso8601();

} // namespace corridor
