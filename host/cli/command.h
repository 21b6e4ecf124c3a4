// The command line as data: one options struct per subcommand, and the parser
// that fills them from argv without running anything (so that it can be
// tested and fuzzed on its own). host/main.cpp parses, then runs the command.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace corridor {

// A usage error: a bad option, value or combination. One line naming the
// option and the value; corridor exits with status 2 on it.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Limits stated on the command line (checked against the engine's in cmd_run.cpp).
constexpr uint32_t kCliMaxSensitivityPaths = 1000000;
constexpr int kCliMaxQuantiles = 32;

struct RunOptions {
  std::string input, output;
  uint32_t paths = 10000;
  uint64_t seed = 20240101;
  std::string backend = "auto";
  int threads = 0;         // 0: all cores
  uint64_t max_memory = 0; // bytes; 0: auto
  std::vector<double> quantiles{0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
  double utilization_threshold = 0.9;
  uint32_t sensitivity_paths = 20000;
  int sensitivity_year = 0; // 0: the horizon
  bool save_paths = false, force = false, quiet = false;
  // scenario differences (host/scenario_diff.h): --diff, --reference NAME ("" : the first scenario)
  bool diff = false;
  std::string reference;
  // a run to a precision (host/converge.h): --precision (0: a fixed run), --on, --start-paths, --max-paths
  double precision = 0;
  std::vector<std::string> precision_on; // total_quantile, p_over_capacity, total_mean
  uint32_t start_paths = 10000, max_paths = 1000000;
};

struct ReplayOptions {
  std::string input, scenario, csv;
  uint64_t seed = 20240101;
  uint32_t path = 0;
  std::string backend = "auto";
  bool force = false; // replace an existing CSV file
};

struct ImportOptions {
  std::string dir, output;
  bool force = false;
};

struct ExportOptions {
  std::string input, dir;
  bool force = false;
};

struct ValidateOptions {
  std::string input;
};

struct SummaryCmdOptions {
  std::string output;
  std::string format = "text";
  std::vector<int> years;
  int top = 10;
};

struct CalibrateOptions {
  std::string input, output;
  bool force = false;
};

struct BacktestOptions {
  std::string input, output;
  std::vector<int> origins;
  uint32_t paths = 10000;
  uint64_t seed = 20240101;
  std::string backend = "auto";
  int threads = 0;
  bool force = false;
  bool widths_before_origin = false;
  bool cases = false;
};

struct InspectOptions {
  std::string file;
};

struct SweepCmdOptions {
  std::string input, ranges, output, design = "sobol", scenario;
  int n = 64; // base points (sobol), points (lhs), levels per parameter (grid)
  uint32_t paths = 10000;
  uint64_t seed = 20240101;
  std::string backend = "auto";
  int threads = 0;
  std::vector<std::string> responses; // names or prefixes ending in '*'; empty: the defaults
  bool force = false, quiet = false;
};

enum class Command {
  none,
  help,
  version,
  run,
  replay,
  import,
  export_,
  validate,
  summary,
  calibrate,
  backtest,
  schema,
  inspect,
  sweep
};

struct ParsedCommand {
  Command command = Command::none;
  std::string text;               // help or version text to print (Command::help, Command::version)
  std::vector<std::string> notes; // remarks for stderr, e.g. a thread count lowered to the cap
  RunOptions run;
  ReplayOptions replay;
  ImportOptions import;
  ExportOptions export_;
  ValidateOptions validate;
  SummaryCmdOptions summary;
  CalibrateOptions calibrate;
  BacktestOptions backtest;
  InspectOptions inspect;
  SweepCmdOptions sweep;
};

// Parses args (without the program name). Throws UsageError; runs nothing,
// prints nothing, reads no file. `cores` is the machine's logical CPUs (the
// thread cap is kThreadsPerCore of them); 0 asks the machine.
ParsedCommand parse_command_line(const std::vector<std::string>& args, unsigned cores = 0);

// More threads than this many per logical CPU only add scheduling overhead: the
// results do not depend on the thread count, so larger counts are lowered.
constexpr unsigned kThreadsPerCore = 2;

// Runs a parsed command; returns the exit status. Throws on failure (main maps
// exceptions to exit statuses).
int run_command(const ParsedCommand& pc);

} // namespace corridor
