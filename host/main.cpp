// corridor: Monte Carlo projections of trade and transit through Xinjiang's
// border ports. Parses the command line (host/cli/parse.cpp), runs the
// subcommand (host/cli/cmd_*.cpp) and maps what went wrong to the exit status:
//   0 done; 1 a run-time failure (a full disk, a failed write, no GPU);
//   2 a usage error or bad input (one line per problem, naming the option,
//     value or file).
// Under mpirun or srun (MPI built in: dist.h) `run` splits its paths across
// the ranks and rank 0 writes, `sweep` splits each point's run likewise; any
// other command runs on rank 0 alone.
#include <hdf5.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>

#include "cli/command.h"
#include "dist.h"
#include "input.h"
#include "output.h"

using namespace corridor;

namespace {

constexpr int kExitFailure = 1, kExitUsage = 2;

// Everything printed must have reached standard output: a write error there
// (a full disk, a closed pipe's reader gone) is a failure, not success.
int finish_stdout(int status) {
  std::cout.flush();
  const bool bad_cout = !std::cout;
  errno = 0;
  const bool bad_flush = std::fflush(stdout) != 0;
  const int err = errno;
  if (!bad_cout && !bad_flush && !std::ferror(stdout)) return status;
  std::fprintf(stderr, "error: cannot write to standard output%s%s\n", err ? ": " : "", err ? std::strerror(err) : "");
  return kExitFailure;
}

int run_parsed(const ParsedCommand& pc) {
  for (const std::string& n : pc.notes) std::fprintf(stderr, "note: %s\n", n.c_str());
  if (pc.command == Command::help || pc.command == Command::version) {
    std::fputs(pc.text.c_str(), stdout);
    return 0;
  }
  install_signal_cleanup();
  if (World::size() > 1 && pc.command != Command::run && pc.command != Command::sweep && World::rank() != 0) return 0;
  return run_command(pc);
}

} // namespace

int main(int argc, char** argv) {
  // Every HDF5 object is closed by its owner before exit. HDF5's own exit
  // handler would close again what failed to close on a write error (a full
  // disk), and crashes doing so.
  H5dont_atexit();
  World::init(&argc, &argv);
  int status = 0;
  try {
    status = run_parsed(parse_command_line(std::vector<std::string>(argv + (argc > 0), argv + argc)));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    status = kExitUsage;
  } catch (const InputError& e) {
    for (const auto& l : e.lines) std::fprintf(stderr, "error: %s\n", l.c_str());
    status = kExitUsage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory\n");
    status = kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    status = kExitFailure;
  } catch (const QuietExit& q) { // another rank reported
    status = q.status;
  }
  status = finish_stdout(status);
  World::barrier(); // the ranks done first wait without spinning
  World::finalize();
  return status;
}
