// The processes of a run: MPI's world when Corridor is built with MPI
// (CORRIDOR_MPI, CORRIDOR_WITH_MPI) and launched by mpirun or srun, else this
// process alone. `corridor run` splits its paths across the ranks
// (kernels/dist.h); rank 0 alone writes the output and prints; any other
// command runs on rank 0 alone.
//
// Failures: one that every rank finds before any exchange (bad input, a usage
// error) is agreed on (agree()) and reported once, by the lowest rank that
// found it, with the exit status of a process alone; one on any rank after
// the exchanges began ends the whole run with one line `corridor: rank K:
// <cause>` and MPI_Abort with that status (fail()), which stops every other
// rank (SIGTERM: their signal cleanup removes any temporary output).
#pragma once
#include <string>

#include "../kernels/dist.h"

namespace corridor {

// thrown by a rank that ends with status without a message (another rank reports)
struct QuietExit {
  int status;
};

class World {
public:
  // Starts MPI when this process was launched as one rank of several
  // (mpirun, srun: their environment); otherwise, or without MPI built in, a
  // world of one.
  static void init(int* argc, char*** argv);
  static void finalize();
  static bool built();
  static int rank();
  static int size();
  // the exchanges of a split run; null for a world of one
  static Reduce* reduce();
  // the largest status over the ranks (every rank calls it)
  static int agree(int status);
  // prints `corridor: rank K: what` and ends every rank with status
  [[noreturn]] static void fail(int status, const std::string& what);
  // waits for every rank without spinning a core (the ranks done first sleep)
  static void barrier();
  // CPU threads for a rank when none are asked for: this process's cores
  // shared by the ranks on its node (0 for a world of one: the backend's default)
  static int threads();
  // bytes this rank sent into the exchanges of its runs so far
  static long long bytes_sent();
  // collectives (allreduce, allgather) and folds along the ranks (chain) so far
  static long long collectives();
  static long long chains();
  // seconds this rank spent in them (waiting for the others included)
  static double seconds();
};

} // namespace corridor
