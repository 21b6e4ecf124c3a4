// libFuzzer target for the command-line parser: the bytes, split at NULs,
// are the arguments after the program name. parse_command_line must return or
// throw UsageError, never run a command, crash, or throw anything else.
//   clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     tests/fuzz/fuzz_cli.cpp host/cli/parse.cpp host/cli/numbers.cpp -o fuzz_cli
//   ./fuzz_cli tests/fuzz/corpus/cli
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/cli/command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  if (!cur.empty() || (size > 0 && data[size - 1] != 0)) args.push_back(cur);
  if (args.size() > 64) return 0; // argv this long adds nothing the parser has not seen
  try {
    const corridor::ParsedCommand pc = corridor::parse_command_line(args, 4);
    // what a parse promises: a command, or help/version text to print
    if (pc.command == corridor::Command::none) __builtin_trap();
    if ((pc.command == corridor::Command::help || pc.command == corridor::Command::version) && pc.text.empty())
      __builtin_trap();
    if (pc.run.threads > 8 || pc.backtest.threads > 8) __builtin_trap(); // the cap: 2 per logical CPU
  } catch (const corridor::UsageError& e) {
    const std::string m = e.what();
    if (m.empty() || m.find('\n') != std::string::npos) __builtin_trap(); // one line
  }
  return 0;
}
