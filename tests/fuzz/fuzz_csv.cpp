// libFuzzer target: the CSV importer and the validation `corridor validate`
// runs. The fuzz input is one table: its first line names it (e.g. "ports",
// the file's stem), the rest is the CSV text that replaces that table of the
// default input (inputs/xinjiang, read once at start); the other tables stay
// valid, so mutations reach the checks across tables too.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "host/input.h"
#include "host/model_build.h"

namespace fs = std::filesystem;
using namespace corridor;

static std::vector<std::pair<std::string, std::string>> g_base;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* env = std::getenv("CORRIDOR_FUZZ_INPUT");
  const fs::path dir = env ? env : CORRIDOR_FUZZ_DEFAULT_INPUT;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".csv") continue;
    std::ifstream f(e.path(), std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    g_base.emplace_back(e.path().filename().string(), ss.str());
  }
  if (g_base.empty()) std::abort(); // no default input: the run would test nothing
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  const size_t nl = s.find('\n');
  const std::string name = s.substr(0, nl);
  const std::string body = nl == std::string::npos ? std::string() : s.substr(nl + 1);
  if (name.empty() || name.find('/') != std::string::npos) return 0; // not a file name
  auto files = g_base;
  bool replaced = false;
  for (auto& f : files)
    if (f.first == name + ".csv") f.second = body, replaced = true;
  if (!replaced) files.emplace_back(name + ".csv", body);
  try {
    const Input in = read_csv_texts("fuzz", files);
    validate_input(in);
  } catch (const InputError&) {
    // refused with messages: the expected outcome for bad input
  }
  // any other exception escapes: libFuzzer reports it as a crash
  return 0;
}
