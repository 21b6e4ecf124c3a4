// parse_command_line: CLI11 reads the shape of the command line (subcommand,
// options, positionals); every number is read as text and converted by
// numbers.h, strictly, after CLI11 is done.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <deque>
#include <functional>
#include <thread>

#include "command.h"
#include "numbers.h"

#ifndef CORRIDOR_VERSION // defined by the build; a bare compile (the fuzz target) may lack them
#define CORRIDOR_VERSION "unknown"
#endif
#if __has_include("git_sha.h")
#include "git_sha.h" // CORRIDOR_GIT_SHA, written at build time (cmake/git_sha.cmake)
#endif
#ifndef CORRIDOR_GIT_SHA
#define CORRIDOR_GIT_SHA "unknown"
#endif

namespace corridor {
namespace {

constexpr const char* kCommands[] = {"run",       "replay",   "import", "export",  "validate", "summary",
                                     "calibrate", "backtest", "schema", "inspect", "sweep"};
constexpr int64_t kYearMin = 1000, kYearMax = 9999;
const char* const kBackendHelp = "auto (GPU when one works), cpu or cuda";

std::string command_list() {
  std::string s;
  for (const char* c : kCommands) s += (s.empty() ? "" : ", ") + std::string(c);
  return s;
}

// A numeric option read as text; converted after parsing when given.
struct Text {
  std::string value;
  CLI::Option* opt = nullptr;
  bool given() const { return opt->count() > 0; }
};

class Texts {
public:
  Text& add(CLI::App* app, const std::string& flags, const std::string& help, const std::string& type) {
    items_.emplace_back();
    Text& t = items_.back();
    t.opt = app->add_option(flags, t.value, help)->type_name(type);
    return t;
  }

private:
  std::deque<Text> items_; // stable addresses
};

CLI::Option* add_backend(CLI::App* app, std::string& backend) {
  return app->add_option("-b,--backend", backend, kBackendHelp)->check(CLI::IsMember({"auto", "cpu", "cuda"}));
}

int threads_within_cap(const std::string& text, unsigned cores, std::vector<std::string>& notes) {
  const auto t = parse_signed("--threads", text, 0, INT_MAX);
  const int64_t cap = static_cast<int64_t>(kThreadsPerCore) * cores;
  if (t <= cap) return static_cast<int>(t);
  notes.push_back("--threads " + text + " is more than " + std::to_string(kThreadsPerCore) + " per logical CPU (" +
                  std::to_string(cores) + " here); using " + std::to_string(cap) +
                  " (more threads only add overhead; the results do not depend on the thread count)");
  return static_cast<int>(cap);
}

// years given as one or more comma-separated lists; an empty item is an error
std::vector<int> parse_years(const std::string& option, const std::vector<std::string>& lists) {
  std::vector<int> years;
  for (const std::string& list : lists) {
    size_t start = 0;
    while (true) {
      const size_t comma = list.find(',', start);
      const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      years.push_back(static_cast<int>(parse_signed(option, item, kYearMin, kYearMax)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return years;
}

// ---- one function per subcommand: its options, then its conversions --------

struct Binder {
  CLI::App& app;
  ParsedCommand& pc;
  Texts& texts;
  std::vector<std::function<void()>>& after; // conversions, run for the chosen subcommand after parsing
  unsigned cores;
};

CLI::App* add_run(Binder b) {
  RunOptions& o = b.pc.run;
  auto* c = b.app.add_subcommand("run", "project every scenario of an input and write the statistics to HDF5");
  c->add_option("input", o.input, "input HDF5 file (or a folder of CSV tables)")->required();
  c->add_option("-o,--output", o.output, "output HDF5 file (netCDF-4 readable)")->required();
  Text& paths = b.texts.add(c, "-n,--paths", "Monte Carlo paths per scenario, 1 to 4000000000", "UINT");
  Text& seed =
      b.texts.add(c, "-s,--seed", "seed of the Philox generator, 0 to 2^64-1; same seed, same numbers", "UINT");
  add_backend(c, o.backend);
  Text& threads = b.texts.add(c, "-t,--threads", "CPU threads (0: all cores; at most 2 per logical CPU)", "UINT");
  Text& mem = b.texts.add(c, "--max-memory",
                          "memory for path values, e.g. 2G; more passes when short (auto: half "
                          "of RAM or 80% of free GPU memory)",
                          "SIZE");
  Text& quant = b.texts.add(c, "--quantiles", "comma-separated increasing probabilities in [0, 1], at most 32", "LIST");
  Text& util = b.texts.add(c, "--utilization-threshold", "report P(utilisation >= this), 0 to 10", "REAL");
  Text& sp = b.texts.add(
      c, "--sensitivity-paths",
      "paths (the first ones) for the rank correlations of drivers with outputs, 0 (none) to 1000000", "UINT");
  Text& sy = b.texts.add(c, "--sensitivity-year", "year of the sensitivity responses (default: the horizon)", "YEAR");
  c->add_flag("--save-paths", o.save_paths,
              "also write paths_flow (scenario, path, series, year), the served flow of every path");
  c->add_flag("-f,--force", o.force, "replace an existing output");
  c->add_flag("-q,--quiet", o.quiet, "no progress bar or summary");
  c->add_flag("--diff", o.diff,
              "also write diff_*: statistics of each scenario minus the reference, path by path (common random "
              "numbers)");
  auto* ref = c->add_option("--reference", o.reference, "reference scenario id of --diff (default: the first)");
  Text& prec = b.texts.add(c, "--precision",
                           "run until every chosen statistic's 95% interval half-width is below this share of its "
                           "value, 0 < P <= 1 (not with --paths)",
                           "REAL");
  Text& on = b.texts.add(c, "--on", "statistics of --precision: total_quantile (default), p_over_capacity, total_mean",
                         "LIST");
  Text& startp = b.texts.add(c, "--start-paths",
                             "paths of --precision's first pilot run, 100 to 4000000000 (default 10000)", "UINT");
  Text& maxp =
      b.texts.add(c, "--max-paths", "most paths --precision may run, 100 to 4000000000 (default 1000000)", "UINT");
  b.after.push_back([&o, &paths, ref, &prec, &on, &startp, &maxp] {
    if (ref->count() > 0) o.diff = true;
    if (prec.given()) {
      o.precision = parse_real("--precision", prec.value, 0.0, 1.0);
      if (!(o.precision > 0)) throw UsageError("--precision: " + prec.value + " is not above 0");
      if (paths.given()) throw UsageError("--precision: not with --paths (the run chooses its paths)");
      o.precision_on = {"total_quantile"};
    }
    if (on.given()) {
      if (!prec.given()) throw UsageError("--on: only with --precision");
      o.precision_on.clear();
      size_t start = 0;
      while (true) {
        const size_t comma = on.value.find(',', start);
        const std::string item = on.value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item != "total_quantile" && item != "p_over_capacity" && item != "total_mean")
          throw UsageError("--on: '" + item + "' is not total_quantile, p_over_capacity or total_mean");
        if (std::find(o.precision_on.begin(), o.precision_on.end(), item) != o.precision_on.end())
          throw UsageError("--on: " + item + " twice");
        o.precision_on.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (maxp.given()) {
      if (!prec.given()) throw UsageError("--max-paths: only with --precision");
      o.max_paths = static_cast<uint32_t>(parse_unsigned("--max-paths", maxp.value, 100, 4000000000u));
    }
    if (startp.given()) {
      if (!prec.given()) throw UsageError("--start-paths: only with --precision");
      o.start_paths = static_cast<uint32_t>(parse_unsigned("--start-paths", startp.value, 100, 4000000000u));
    }
    o.start_paths = std::min(o.start_paths, o.max_paths);
  });
  b.after.push_back([&o, &paths, &seed, &threads, &mem, &quant, &util, &sp, &sy, b] {
    if (paths.given()) o.paths = static_cast<uint32_t>(parse_unsigned("--paths", paths.value, 1, 4000000000u));
    if (seed.given()) o.seed = parse_unsigned("--seed", seed.value, 0, UINT64_MAX);
    if (threads.given()) o.threads = threads_within_cap(threads.value, b.cores, b.pc.notes);
    if (mem.given()) o.max_memory = parse_size("--max-memory", mem.value);
    if (quant.given()) o.quantiles = parse_probabilities("--quantiles", quant.value, kCliMaxQuantiles);
    if (util.given()) o.utilization_threshold = parse_real("--utilization-threshold", util.value, 0.0, 10.0);
    if (sp.given())
      o.sensitivity_paths =
          static_cast<uint32_t>(parse_unsigned("--sensitivity-paths", sp.value, 0, kCliMaxSensitivityPaths));
    if (sy.given())
      o.sensitivity_year = static_cast<int>(parse_signed("--sensitivity-year", sy.value, kYearMin, kYearMax));
  });
  b.after.push_back([&o] { // a quantile's interval takes two more probabilities in the pilot runs
    if (std::find(o.precision_on.begin(), o.precision_on.end(), "total_quantile") != o.precision_on.end() &&
        o.quantiles.size() * 3 > static_cast<size_t>(kCliMaxQuantiles))
      throw UsageError("--precision on total_quantile: at most " + std::to_string(kCliMaxQuantiles / 3) +
                       " --quantiles (each with its interval's two)");
  });
  return c;
}

CLI::App* add_replay(Binder b) {
  ReplayOptions& o = b.pc.replay;
  auto* c = b.app.add_subcommand("replay", "print the year-by-year trajectory of one path, as in a full run");
  c->add_option("input", o.input, "input HDF5 file (or a folder of CSV tables)")->required();
  Text& seed = b.texts.add(c, "-s,--seed", "seed of the run, 0 to 2^64-1", "UINT");
  Text& path = b.texts.add(c, "-w,--path", "path number (0-based), 0 to 4294967295", "UINT");
  path.opt->required();
  c->add_option("--scenario", o.scenario, "scenario id (default: the first)");
  add_backend(c, o.backend);
  c->add_option("-o,--output", o.csv, "write CSV here instead of printing");
  c->add_flag("-f,--force", o.force, "replace an existing CSV file");
  b.after.push_back([&o, &seed, &path] {
    if (seed.given()) o.seed = parse_unsigned("--seed", seed.value, 0, UINT64_MAX);
    if (path.given()) o.path = static_cast<uint32_t>(parse_unsigned("--path", path.value, 0, UINT32_MAX));
  });
  return c;
}

CLI::App* add_import(Binder b) {
  ImportOptions& o = b.pc.import;
  auto* c = b.app.add_subcommand("import", "turn a folder of CSV tables into an HDF5 input");
  c->add_option("dir", o.dir, "folder of CSV tables (see inputs/README.md)")->required();
  c->add_option("-o,--output", o.output, "HDF5 input to write")->required();
  c->add_flag("-f,--force", o.force, "replace an existing file");
  return c;
}

CLI::App* add_export(Binder b) {
  ExportOptions& o = b.pc.export_;
  auto* c = b.app.add_subcommand("export", "write the tables of an HDF5 input as CSV files");
  c->add_option("input", o.input, "HDF5 input")->required();
  c->add_option("dir", o.dir, "folder to write")->required();
  c->add_flag("-f,--force", o.force, "replace the tables of a folder that holds some already");
  return c;
}

CLI::App* add_validate(Binder b) {
  auto* c = b.app.add_subcommand("validate", "check an input and list every problem");
  c->add_option("input", b.pc.validate.input, "HDF5 input or folder of CSV tables")->required();
  return c;
}

CLI::App* add_summary(Binder b) {
  SummaryCmdOptions& o = b.pc.summary;
  auto* c = b.app.add_subcommand("summary", "print readable tables of an output: totals, binding capacity, "
                                            "diversions, targets, sensitivity");
  c->add_option("output", o.output, "output HDF5 file of corridor run")->required();
  c->add_option("--format", o.format, "text, csv, markdown or json")
      ->check(CLI::IsMember({"text", "csv", "markdown", "json"}));
  auto years = std::make_shared<std::vector<std::string>>();
  auto* yo = c->add_option("--years", *years, "years to show, comma-separated (default: base year, 2030, horizon)")
                 ->type_name("YEARS");
  Text& top = b.texts.add(c, "--top", "rows of the ranked tables, 1 to 100000", "UINT");
  b.after.push_back([&o, years, yo, &top] {
    if (yo->count() > 0) o.years = parse_years("--years", *years);
    if (top.given()) o.top = static_cast<int>(parse_unsigned("--top", top.value, 1, 100000));
  });
  return c;
}

CLI::App* add_calibrate(Binder b) {
  CalibrateOptions& o = b.pc.calibrate;
  auto* c = b.app.add_subcommand("calibrate", "estimate growth means, their uncertainty, volatilities, regional "
                                              "loadings and shock frequency from the input's history");
  c->add_option("input", o.input, "HDF5 input or folder of CSV tables, with a history table")->required();
  c->add_option("-o,--output", o.output, "calibrated HDF5 input to write")->required();
  c->add_flag("-f,--force", o.force, "replace an existing file");
  return c;
}

CLI::App* add_backtest(Binder b) {
  BacktestOptions& o = b.pc.backtest;
  auto* c = b.app.add_subcommand("backtest", "project from past years and score the intervals against the history");
  c->add_option("input", o.input, "HDF5 input or folder of CSV tables, with a history table")->required();
  auto origins = std::make_shared<std::vector<std::string>>();
  c->add_option("--origin", *origins, "origin years (several allowed, comma-separated)")
      ->required()
      ->type_name("YEARS");
  Text& paths = b.texts.add(c, "-n,--paths", "paths per projection, 2 to 100000000", "UINT");
  Text& seed = b.texts.add(c, "-s,--seed", "seed, 0 to 2^64-1", "UINT");
  add_backend(c, o.backend);
  Text& threads = b.texts.add(c, "-t,--threads", "CPU threads (0: all cores; at most 2 per logical CPU)", "UINT");
  c->add_option("-o,--output", o.output, "also write the scores and every case to this HDF5 file");
  c->add_flag("-f,--force", o.force, "replace an existing file");
  c->add_flag("--widths-before-origin", o.widths_before_origin,
              "take each series' sigma and tau from the history up to each origin (leave-future-out check)");
  c->add_flag("--cases", o.cases, "also print every case: actual, median, 5% and 95%, and where it falls");
  b.after.push_back([&o, origins, &paths, &seed, &threads, b] {
    o.origins = parse_years("--origin", *origins);
    if (paths.given()) o.paths = static_cast<uint32_t>(parse_unsigned("--paths", paths.value, 2, 100000000));
    if (seed.given()) o.seed = parse_unsigned("--seed", seed.value, 0, UINT64_MAX);
    if (threads.given()) o.threads = threads_within_cap(threads.value, b.cores, b.pc.notes);
  });
  return c;
}

CLI::App* add_schema(Binder b) {
  return b.app.add_subcommand("schema", "print the input schema (tables, columns, types, units, defaults) "
                                        "as the markdown of inputs/README.md");
}

CLI::App* add_inspect(Binder b) {
  auto* c = b.app.add_subcommand("inspect", "list what an output (or input) file holds and its provenance");
  c->add_option("file", b.pc.inspect.file, "HDF5 file")->required();
  return c;
}

CLI::App* add_sweep(Binder b) {
  SweepCmdOptions& o = b.pc.sweep;
  auto* c = b.app.add_subcommand("sweep", "run a design over ranges of input fields (common random numbers) and "
                                          "estimate Sobol sensitivity indices of the responses");
  c->add_option("input", o.input, "HDF5 input or folder of CSV tables")->required();
  c->add_option("--ranges", o.ranges, "CSV: table,row,column,distribution,low,high[,mode,relative,source]")->required();
  c->add_option("-o,--output", o.output, "output HDF5 file")->required();
  c->add_option("--design", o.design, "sobol (Saltelli: N (d + 2) points), lhs (N points) or grid (N^d points)")
      ->check(CLI::IsMember({"sobol", "lhs", "grid"}));
  Text& n = b.texts.add(c, "-N",
                        "base points (sobol, 2 to 1000000), points (lhs, 1 to 100000000) or levels per "
                        "parameter (grid, 1 to 1000)",
                        "UINT");
  Text& paths = b.texts.add(c, "-n,--paths", "Monte Carlo paths per design point, 2 to 100000000", "UINT");
  Text& seed =
      b.texts.add(c, "-s,--seed", "seed of the paths, the Latin hypercube and the bootstrap, 0 to 2^64-1", "UINT");
  c->add_option("--scenario", o.scenario, "scenario id to sweep (default: the first)");
  add_backend(c, o.backend);
  Text& threads = b.texts.add(c, "-t,--threads", "CPU threads (0: all cores; at most 2 per logical CPU)", "UINT");
  auto resp = std::make_shared<std::vector<std::string>>();
  c->add_option("--responses", *resp,
                "comma-separated responses, or prefixes ending in * (default: total_mean/, total_median/, "
                "unserved_share/ of each metric, p_over_capacity/ of each group)")
      ->type_name("LIST");
  c->add_flag("-f,--force", o.force, "replace an existing output");
  c->add_flag("-q,--quiet", o.quiet, "no progress bar or table");
  b.after.push_back([&o, &n, &paths, &seed, &threads, resp, b] {
    const uint64_t nmax = o.design == "sobol" ? 1000000 : o.design == "lhs" ? 100000000 : 1000;
    if (n.given()) o.n = static_cast<int>(parse_unsigned("-N", n.value, o.design == "sobol" ? 2 : 1, nmax));
    if (paths.given()) o.paths = static_cast<uint32_t>(parse_unsigned("--paths", paths.value, 2, 100000000));
    if (seed.given()) o.seed = parse_unsigned("--seed", seed.value, 0, UINT64_MAX);
    if (threads.given()) o.threads = threads_within_cap(threads.value, b.cores, b.pc.notes);
    for (const std::string& list : *resp) {
      size_t start = 0;
      while (true) {
        const size_t comma = list.find(',', start);
        const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty()) throw UsageError("--responses: empty item in '" + list + "'");
        o.responses.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  });
  return c;
}

// CLI11's message on one line, with where to look for help
std::string one_line(const std::string& msg, const std::string& sub) {
  std::string s;
  for (char ch : msg) s += (ch == '\n' || ch == '\r') ? ' ' : ch;
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s + " (see corridor " + (sub.empty() ? "" : sub + " ") + "--help)";
}

void check_first_word(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("no command given; the commands are " + command_list() + " (see corridor --help)");
  const std::string& w = args[0];
  if (!w.empty() && w[0] == '-') return; // --help, --version, or an error CLI11 words
  for (const char* c : kCommands)
    if (w == c) return;
  std::string shown;
  for (char ch : w.substr(0, 64)) shown += static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f ? '?' : ch;
  throw UsageError("unknown command '" + shown + (w.size() > 64 ? "...'" : "'") + "; the commands are " +
                   command_list());
}

} // namespace

ParsedCommand parse_command_line(const std::vector<std::string>& args, unsigned cores) {
  if (cores == 0) cores = std::max(1u, std::thread::hardware_concurrency());
  check_first_word(args);
  ParsedCommand pc;
  Texts texts;
  std::vector<std::function<void()>> after;
  CLI::App app{"corridor: Monte Carlo projections of trade and transit through Xinjiang's border ports\n"
               "(ports, partners, modes and metrics; capacity, disruptions and diversion; several scenarios at once)",
               "corridor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "corridor " CORRIDOR_VERSION " (" CORRIDOR_GIT_SHA ")");
  const Binder b{app, pc, texts, after, cores};
  const std::pair<CLI::App*, Command> subs[] = {{add_run(b), Command::run},
                                                {add_replay(b), Command::replay},
                                                {add_import(b), Command::import},
                                                {add_export(b), Command::export_},
                                                {add_validate(b), Command::validate},
                                                {add_summary(b), Command::summary},
                                                {add_calibrate(b), Command::calibrate},
                                                {add_backtest(b), Command::backtest},
                                                {add_schema(b), Command::schema},
                                                {add_inspect(b), Command::inspect},
                                                {add_sweep(b), Command::sweep}};
  std::vector<std::string> rev(args.rbegin(), args.rend()); // CLI11 takes the arguments last first
  try {
    app.parse(rev);
  } catch (const CLI::CallForHelp&) {
    pc.command = Command::help;
    pc.text = app.help();
    return pc;
  } catch (const CLI::CallForVersion& e) {
    pc.command = Command::version;
    pc.text = std::string(e.what()) + "\n";
    return pc;
  } catch (const CLI::ParseError& e) {
    throw UsageError(one_line(e.what(), args[0][0] == '-' ? "" : args[0]));
  }
  for (const auto& s : subs)
    if (s.first->parsed()) pc.command = s.second;
  for (auto& f : after) f(); // only the chosen subcommand's texts are given
  return pc;
}

} // namespace corridor
