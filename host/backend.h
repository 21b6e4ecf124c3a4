// The backend interface between the host and the model library (kernels/):
// a run, a replay, raw paths and sensitivity, on the CPU or a GPU. Plain
// types only (no Thrust): the CPU and CUDA backends live in separate
// translation units (backend_cpu.cpp, backend_cuda.cu), each compiling the
// model's launching (kernels/launch.inl) for its system.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../kernels/dist.h"
#include "../kernels/host_model.h"
#include "../kernels/plans.h"
#include "../kernels/run_types.h"

namespace corridor {

class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;        // "cpu" or "cuda"
  virtual std::string description() const = 0; // e.g. device name, threads
  virtual void run(const HostModel& m, const CellPlan& plan, const RunConfig& cfg, RunResult& out) = 0;
  // One path of one scenario with every year's values, as in a run: the
  // scenario's cells (ModelView::cells()), then per year and capacity group
  // kGroupTrace values (kernels/run_types.h), then each expansion's opening
  // year as an offset from the base year (a large number: after the horizon).
  virtual void replay(const HostModel& m, uint64_t seed, int scenario, uint32_t path, std::vector<double>& cells) = 0;
  // Served flow of paths p0..p0+count-1 of one scenario, as in a run:
  // out[((path - p0) * S + series) * Y + year].
  virtual void raw_flows(const HostModel& m, uint64_t seed, int scenario, uint64_t p0, uint32_t count,
                         std::vector<double>& out) = 0;
  // rho[(scenario * D + d) * K + k]; NaN where a driver or response is constant.
  virtual void sensitivity(const HostModel& m, const SensitivitySpec& spec, const RunConfig& cfg,
                           std::vector<double>& rho) = 0;
  // run() simulates this rank's share of the paths only and combines the
  // statistics with the other ranks through red (an MPI run, host/dist.h;
  // kernels/dist.h); null: every path here. The CPU backend only.
  virtual bool splits() const { return false; }
  void split(Reduce* red) { red_ = red; }

protected:
  Reduce* red_ = nullptr;
};

// The CPU backend simulates with the widest of cpu_instruction_sets() ("x86-64",
// then "x86-64-v3" (AVX2) and "x86-64-v4" (AVX-512) where this CPU runs them),
// or with the one named by the environment variable CORRIDOR_CPU_ISA; all give
// the same bits. Throws std::runtime_error for one this CPU does not run.
std::unique_ptr<Backend> make_cpu_backend(int threads);
std::vector<std::string> cpu_instruction_sets();
// Throws std::runtime_error with a clear message when CUDA is not built in or
// no usable GPU is present.
std::unique_ptr<Backend> make_cuda_backend();
bool cuda_built();
bool cuda_usable(std::string* why);

} // namespace corridor
