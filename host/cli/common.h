// What several commands share: the kind of a file named on the command line
// (checked before reading it, so a wrong file is one line), reading an input,
// choosing a backend, the progress bar.
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "../backend.h"
#include "../input.h"

namespace corridor {

enum class FileKind { missing, folder, not_hdf5, input, run_output, backtest_output, other_hdf5 };
FileKind file_kind(const std::string& path);
std::string describe(FileKind k); // "a corridor run output", ...

// An input (HDF5 input or folder of CSV tables) for `command`; anything else
// throws a one-line InputError naming the file, what it is and what was expected.
Input load_input(const std::string& path, const std::string& command);
// The same for commands that read an HDF5 input only (export).
Input load_h5_input(const std::string& path, const std::string& command);
// Throws a one-line InputError unless `path` is the output of corridor run.
void require_run_output(const std::string& path, const std::string& command);
// Throws a one-line InputError unless `path` is an HDF5 file (inspect).
void require_hdf5(const std::string& path, const std::string& command);

std::unique_ptr<Backend> choose_backend(const std::string& which, int threads, bool quiet);

class Progress {
public:
  explicit Progress(bool on) : on_(on), t0_(std::chrono::steady_clock::now()) {}
  void operator()(double f);

private:
  bool on_;
  std::chrono::steady_clock::time_point t0_;
  double last_ = -1;
};

} // namespace corridor
