// What several commands share: the kind of a file named on the command line
// (checked before reading it, so a wrong file is one line), reading an input,
// choosing a backend, the progress bar.
#pragma once
#include <chrono>
#include <exception>
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

// Hands the memory a finished phase freed back to the system (glibc keeps
// freed blocks in its heaps, the threads' ones too, where they stay
// resident): what --max-memory bounds is resident memory, and the next
// phase is planned for what it allocates itself.
void return_freed_memory();

// Commands split across MPI ranks (run, sweep; host/dist.h). The exit status
// and the one-line message of a failure, as main() maps them.
int status_of(const std::exception_ptr& e, std::string* what);
// After a setup every rank does alike (reading the input, building the
// model, checking options), before any exchange: the ranks agree on a
// failure; the lowest rank that failed rethrows its exception, the others
// throw QuietExit with the worst status; nothing when none failed. Every
// rank calls it (a collective); `failed` is null where the setup succeeded.
void agree_on_setup(const std::exception_ptr& failed);
// A failure during a split run (one rank, amid the exchanges): its line
// `corridor: rank K: ...`, and every rank ends (World::fail).
[[noreturn]] void fail_split_run(const std::exception_ptr& e);

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
