#include "host/backend.h"
namespace {
std::unique_ptr<corridor::Backend> make_backend(int threads) { return corridor::make_cpu_backend(threads); }
constexpr bool kBackendHasThreads = true;
constexpr bool kBackendOnHost = true; // its run keeps its statistics in the same memory budget
} // namespace
#define BACKEND_TEST CpuBackend
#include "backend_test.inc"

#include <cstdlib>
#include <cstring>

// The CPU backend simulates with the widest instruction set the CPU runs; each
// one it can take (CORRIDOR_CPU_ISA) gives the same bytes as the baseline.
TEST(CpuBackend, InstructionSetsGiveTheSameBytes) {
  for (int net = 0; net < 2; ++net) {
    const HostModel m = net ? network_model() : build(rich_input());
    const std::vector<std::string> isas = cpu_instruction_sets();
    ASSERT_EQ(isas.front(), "x86-64");
    EXPECT_NE(make_cpu_backend(1)->description().find(isas.back()), std::string::npos);
    std::vector<RunResult> rs;
    for (const std::string& isa : isas) {
      setenv("CORRIDOR_CPU_ISA", isa.c_str(), 1);
      auto be = make_cpu_backend(2);
      EXPECT_NE(be->description().find(isa + ")"), std::string::npos) << be->description();
      rs.push_back(run(m, 3001, 11, 2, 0, be.get()));
    }
    unsetenv("CORRIDOR_CPU_ISA");
    for (size_t i = 1; i < rs.size(); ++i) {
      ASSERT_EQ(rs[i].stats.size(), rs[0].stats.size());
      EXPECT_EQ(std::memcmp(rs[i].stats.data(), rs[0].stats.data(), rs[0].stats.size() * sizeof(double)), 0)
          << isas[i] << " differs from " << isas[0];
    }
  }
}

TEST(CpuBackend, UnknownInstructionSetIsAClearError) {
  setenv("CORRIDOR_CPU_ISA", "x86-64-v9", 1);
  try {
    make_cpu_backend(1);
    ADD_FAILURE() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("CORRIDOR_CPU_ISA=x86-64-v9: this CPU backend runs x86-64"), std::string::npos)
        << e.what();
  }
  unsetenv("CORRIDOR_CPU_ISA");
}
