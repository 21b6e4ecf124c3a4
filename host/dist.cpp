// MPI's world for a split run (dist.h): the exchanges of kernels/dist.h with
// MPI collectives, or a world of one without MPI.
#include "dist.h"

#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <stdexcept>
#include <vector>

#if defined(CORRIDOR_WITH_MPI)
#include <mpi.h>
#endif

namespace corridor {

namespace {

int g_rank = 0, g_size = 1, g_local = 1;
bool g_mpi = false;
long long g_bytes = 0, g_calls = 0, g_chains = 0;
double g_seconds = 0;

// launched as one rank of several: the environment mpirun (Open MPI, MPICH's
// hydra) or srun (PMI, PMIx) gives its processes
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

// adds the wall time of a scope to g_seconds
struct Timer {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  ~Timer() { g_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
};

#if defined(CORRIDOR_WITH_MPI)
void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}
MPI_Datatype type_of(Reduce::Type t) { return t == Reduce::Type::u32 ? MPI_UINT32_T : MPI_UINT64_T; }
MPI_Op op_of(Reduce::Op op) {
  switch (op) {
  case Reduce::Op::sum:
    return MPI_SUM;
  case Reduce::Op::max:
    return MPI_MAX;
  case Reduce::Op::min:
    return MPI_MIN;
  case Reduce::Op::bor:
    return MPI_BOR;
  }
  return MPI_SUM;
}
// the counts of a collective in ints, in pieces below 2^31 elements
constexpr long long kPiece = 1ll << 30;

class MpiReduce final : public Reduce {
public:
  int rank() const override { return g_rank; }
  int ranks() const override { return g_size; }
  void allreduce(void* v, long long count, Type t, Op op) override {
    const long long size = t == Type::u32 ? 4 : 8;
    g_bytes += count * size;
    ++g_calls;
    const Timer tm;
    for (long long o = 0; o < count; o += kPiece)
      check(MPI_Allreduce(MPI_IN_PLACE, static_cast<char*>(v) + o * size,
                          static_cast<int>(count - o < kPiece ? count - o : kPiece), type_of(t), op_of(op),
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  void chain(void* state, long long bytes, const std::function<void(void*)>& fold) override {
    g_bytes += bytes;
    ++g_chains;
    const Timer tm;
    const int n = static_cast<int>(bytes);
    if (g_rank > 0) check(MPI_Recv(state, n, MPI_BYTE, g_rank - 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    fold(state);
    if (g_rank < g_size - 1) check(MPI_Send(state, n, MPI_BYTE, g_rank + 1, 7, MPI_COMM_WORLD), "MPI_Send");
    check(MPI_Bcast(state, n, MPI_BYTE, g_size - 1, MPI_COMM_WORLD), "MPI_Bcast");
  }
  void allgather(const void* mine, long long bytes, void* all, const long long* bytes_of) override {
    g_bytes += bytes;
    ++g_calls;
    const Timer tm;
    long long total = 0;
    for (int r = 0; r < g_size; ++r) total += bytes_of[r];
    if (total >= (1ll << 31)) throw std::runtime_error("MPI: a gather of 2 GiB or more");
    std::vector<int> counts(static_cast<size_t>(g_size)), displs(counts.size());
    long long at = 0;
    for (int r = 0; r < g_size; ++r) {
      counts[r] = static_cast<int>(bytes_of[r]);
      displs[r] = static_cast<int>(at);
      at += bytes_of[r];
    }
    check(MPI_Allgatherv(mine, static_cast<int>(bytes), MPI_BYTE, all, counts.data(), displs.data(), MPI_BYTE,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
  }
  // the lowest failing rank prints its cause as main() would; every rank ends quietly with status 1
  void agree(const std::exception_ptr& failed) override {
    if (World::agree(failed ? 1 : 0) == 0) return;
    const int first = g_size - World::agree(failed ? g_size - g_rank : 0);
    if (first == g_rank) {
      std::string what = "unknown failure";
      try {
        std::rethrow_exception(failed);
      } catch (const std::bad_alloc&) {
        what = "out of memory";
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      std::fprintf(stderr, "error: %s\n", what.c_str());
    }
    throw QuietExit{1};
  }
  // CORRIDOR_TEST_FAIL_RANK=K (tests only): rank K fails after its first pass
  void pass_done() override {
    const char* f = std::getenv("CORRIDOR_TEST_FAIL_RANK");
    if (f && *f && std::atoi(f) == g_rank)
      throw std::runtime_error("test failure after a pass (CORRIDOR_TEST_FAIL_RANK=" + std::string(f) + ")");
  }
};
MpiReduce g_reduce;
#endif

} // namespace

void World::init(int* argc, char*** argv) {
#if defined(CORRIDOR_WITH_MPI)
  if (!launched_by_mpi()) return;
  // a rank waiting in an exchange yields its core rather than spinning: the
  // exchanges are few (a few thousand a run), and a spinning rank slows the
  // ranks and threads that share its cores (Open MPI; set it to 0 to spin)
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return;
  g_mpi = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm node;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_rank, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
    MPI_Comm_size(node, &g_local);
    MPI_Comm_free(&node);
  }
  // errors are ours to report (fail()), not MPI's to print and abort
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
#else
  (void)argc, (void)argv;
#endif
}

void World::finalize() {
#if defined(CORRIDOR_WITH_MPI)
  if (g_mpi) MPI_Finalize();
  g_mpi = false;
#endif
}

bool World::built() {
#if defined(CORRIDOR_WITH_MPI)
  return true;
#else
  return false;
#endif
}

int World::rank() { return g_rank; }
int World::size() { return g_size; }

Reduce* World::reduce() {
#if defined(CORRIDOR_WITH_MPI)
  return g_mpi && g_size > 1 ? &g_reduce : nullptr;
#else
  return nullptr;
#endif
}

int World::agree(int status) {
#if defined(CORRIDOR_WITH_MPI)
  if (g_mpi && g_size > 1) {
    int all = status;
    if (MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS)
      fail(1, "MPI: cannot agree on the setup");
    return all;
  }
#endif
  return status;
}

void World::fail(int status, const std::string& what) {
  std::fprintf(stderr, "corridor: rank %d: %s\n", g_rank, what.c_str());
  std::fflush(stderr);
#if defined(CORRIDOR_WITH_MPI)
  if (g_mpi) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::_Exit(status);
}

void World::barrier() {
#if defined(CORRIDOR_WITH_MPI)
  if (!g_mpi || g_size == 1) return;
  MPI_Request req;
  if (MPI_Ibarrier(MPI_COMM_WORLD, &req) != MPI_SUCCESS) fail(1, "MPI: barrier failed");
  for (int done = 0;;) {
    if (MPI_Test(&req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) fail(1, "MPI: barrier failed");
    if (done) return;
    usleep(2000);
  }
#endif
}

int World::threads() {
  if (g_size == 1) return 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  int cores = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  // bound to a core or a few (mpirun's default): those; unbound: the node's shared out
  const long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0 && cores >= online) cores = static_cast<int>(online) / (g_local > 0 ? g_local : 1);
  return cores > 0 ? cores : 1;
}

long long World::bytes_sent() { return g_bytes; }
long long World::collectives() { return g_calls; }
long long World::chains() { return g_chains; }
double World::seconds() { return g_seconds; }

} // namespace corridor
