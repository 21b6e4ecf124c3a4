// corridor: Monte Carlo projections of trade and transit through Xinjiang's
// border ports. Subcommands: run, replay, summary, inspect, import, export, validate.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "../kernels/stats.h"
#include "calibrate.h"
#include "h5.h"
#include "engine.h"
#include "input.h"
#include "model_build.h"
#include "output.h"
#include "summary.h"

namespace fs = std::filesystem;
using namespace corridor;

namespace {

constexpr int kExitInput = 2;

Input load_input(const std::string& path) {
  return fs::is_directory(path) ? read_csv_dir(path) : read_h5_input(path);
}

uint64_t parse_size(const std::string& s0) {
  std::string s = s0;
  if (s == "auto" || s.empty()) return 0;
  double mult = 1;
  const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(s.back())));
  if (last == 'B') s.pop_back();
  const char u = s.empty() ? '0' : static_cast<char>(std::toupper(static_cast<unsigned char>(s.back())));
  if (u == 'K' || u == 'M' || u == 'G' || u == 'T') {
    mult = u == 'K' ? 1024.0 : u == 'M' ? 1024.0 * 1024 : u == 'G' ? 1024.0 * 1024 * 1024 : 1024.0 * 1024 * 1024 * 1024;
    s.pop_back();
  }
  char* e = nullptr;
  const double v = std::strtod(s.c_str(), &e);
  if (s.empty() || *e || !(v > 0)) throw CLI::ValidationError("--max-memory", "'" + s0 + "' is not a size like 2G, 512M or auto");
  return static_cast<uint64_t>(v * mult);
}

std::vector<double> parse_quantiles(const std::string& s) {
  std::vector<double> q;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ',')) {
    char* e = nullptr;
    const double v = std::strtod(x.c_str(), &e);
    if (x.empty() || *e || !(v >= 0 && v <= 1))
      throw CLI::ValidationError("--quantiles", "'" + x + "' is not a probability in [0, 1]");
    if (!q.empty() && v <= q.back()) throw CLI::ValidationError("--quantiles", "probabilities must increase");
    q.push_back(v);
  }
  if (q.empty() || q.size() > static_cast<size_t>(kMaxQuantiles))
    throw CLI::ValidationError("--quantiles", "give 1 to 32 probabilities");
  return q;
}

std::unique_ptr<Backend> choose_backend(const std::string& which, int threads, bool quiet) {
  if (which == "cpu") return make_cpu_backend(threads);
  if (which == "cuda") return make_cuda_backend();
  std::string why;
  if (cuda_usable(&why)) {
    auto b = make_cuda_backend();
    if (!quiet) std::cerr << "backend auto: using " << b->description() << "\n";
    return b;
  }
  auto b = make_cpu_backend(threads);
  if (!quiet) std::cerr << "backend auto: using " << b->description() << " (no GPU: " << why << ")\n";
  return b;
}

class Progress {
public:
  explicit Progress(bool on) : on_(on), t0_(std::chrono::steady_clock::now()) {}
  void operator()(double f) {
    if (!on_) return;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (f < 1.0 && el - last_ < 0.2) return;
    last_ = el;
    const int w = 30, k = static_cast<int>(f * w);
    const double eta = f > 0 ? el * (1 - f) / f : 0;
    std::fprintf(stderr, "\r[%.*s%*s] %5.1f%%  %.0fs elapsed, ETA %.0fs ", k, "##############################",
                 w - k, "", 100 * f, el, eta);
    if (f >= 1.0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

private:
  bool on_;
  std::chrono::steady_clock::time_point t0_;
  double last_ = -1;
};

int cmd_run(const std::string& input, const std::string& output, uint32_t paths, uint64_t seed,
            const std::string& backend, int threads, const std::string& maxmem, const std::string& quantiles,
            double util_threshold, bool force, bool quiet, uint32_t sens_paths, int sens_year, bool save_paths) {
  RunConfig cfg;
  cfg.paths = paths;
  cfg.seed = seed;
  cfg.threads = threads;
  cfg.max_memory = parse_size(maxmem);
  cfg.probs = parse_quantiles(quantiles);
  check_overwrite(output, force);
  const Input in = load_input(input);
  ModelInfo info;
  const HostModel m = build_model(in, info);
  const CellPlan plan = make_cell_plan(m, util_threshold);
  auto be = choose_backend(backend, threads, quiet);
  Progress prog(!quiet && isatty(2));
  cfg.progress = [&](double f) { prog(f); };
  RunResult res;
  if (sens_year == 0) sens_year = info.horizon_year;
  if (sens_year <= info.base_year || sens_year > info.horizon_year)
    throw std::runtime_error("--sensitivity-year: " + std::to_string(sens_year) + " is not a projected year (" +
                             std::to_string(info.base_year + 1) + "-" + std::to_string(info.horizon_year) + ")");
  const SensitivitySpec sens = make_sensitivity_spec(m, info, sens_year, std::min(sens_paths, paths));
  cfg.sensitivity = &sens; // planned with the run's memory
  const auto t0 = std::chrono::steady_clock::now();
  be->run(m, plan, cfg, res);
  const double sim_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Provenance prov;
  const auto ts = std::chrono::steady_clock::now();
  if (sens.paths > 0) be->sensitivity(m, sens, cfg, prov.sensitivity_rho);
  const double sens_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
  prov.sensitivity = &sens;
  if (save_paths) prov.raw_paths = be.get();
  prov.backend = be->name();
  prov.input = fs::path(input).filename().string();
  prov.input_sha256 = sha256_file(input);
  prov.created = now_iso8601();
  prov.seed = seed;
  prov.paths = paths;
  prov.utilization_threshold = util_threshold;
  write_output(output, force, info, m, cfg, res, prov);
  const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cell_years = static_cast<double>(paths) * m.S * (m.Y - 1) * m.NS;
  if (!quiet) {
    std::printf("corridor run: %s\n", info.title.c_str());
    std::printf("  scenarios %d, series %d, years %d-%d, paths %u, seed %llu\n", m.NS, m.S, info.base_year,
                info.horizon_year, paths, static_cast<unsigned long long>(seed));
    std::printf("  backend %s, %d pass%s over the paths (%llu of %zu stored cells per pass)\n",
                be->description().c_str(), res.passes, res.passes == 1 ? "" : "es",
                static_cast<unsigned long long>(res.cells_per_pass), plan.stored.size());
    std::printf("  simulation and statistics %.2f s, %.3g cell-years/s; with output %.2f s\n", sim_s,
                cell_years / sim_s, total_s);
    std::printf("  of which simulation %.2f s, statistics %.2f s, setup %.2f s; sensitivity (%u paths) %.2f s\n",
                res.simulate_seconds, res.stats_seconds, sim_s - res.simulate_seconds - res.stats_seconds, sens.paths,
                sens_s);
    std::printf("  wrote %s\n", output.c_str());
  }
  return 0;
}

int cmd_replay(const std::string& input, uint64_t seed, uint32_t path, const std::string& scenario,
               const std::string& backend, const std::string& csv) {
  const Input in = load_input(input);
  ModelInfo info;
  const HostModel m = build_model(in, info);
  int sc = 0;
  if (!scenario.empty()) {
    const auto it = std::find(info.scenarios.begin(), info.scenarios.end(), scenario);
    if (it == info.scenarios.end()) throw std::runtime_error("--scenario: unknown scenario '" + scenario + "'");
    sc = static_cast<int>(it - info.scenarios.begin());
  }
  auto be = choose_backend(backend, 1, true);
  std::vector<double> cells;
  be->replay(m, seed, sc, path, cells);
  const ModelView v = m.view();
  std::ostringstream os;
  os << "kind,id,year,demand,flow,unserved,diverted_out,diverted_in\n";
  for (int s = 0; s < m.S; ++s)
    for (int y = 0; y < m.Y; ++y) {
      os << "series," << info.series[s] << "," << info.years[y];
      for (int var = 0; var < kSeriesVars; ++var) os << "," << format_number(cells[v.series_cell(s, var, y)]);
      os << "\n";
    }
  os << "\nkind,id,year,capacity,closure_share_lost,capacity_left,demand,flow,utilization,demand_over_capacity\n";
  for (int g = 0; g < m.G; ++g)
    for (int y = 0; y < m.Y; ++y) {
      os << "group," << info.groups[g] << "," << info.years[y];
      for (int k = 0; k < kGroupTrace; ++k) os << "," << format_number(cells[replay_group_trace(v, y, g) + k]);
      os << "," << format_number(cells[v.group_cell(g, 0, y)]) << "," << format_number(cells[v.group_cell(g, 1, y)])
         << "\n";
    }
  os << "\nkind,id,opening_year\n";
  for (int e = 0; e < m.E; ++e) {
    const double off = cells[replay_open_year(v, e)];
    os << "expansion," << info.expansions[e] << ","
       << (off < m.Y ? std::to_string(info.years[0] + static_cast<int>(off)) : std::string("after horizon")) << "\n";
  }
  if (!csv.empty()) {
    std::ofstream f(csv);
    f << os.str();
    if (!f) throw std::runtime_error(csv + ": cannot write");
  } else {
    std::cout << "# replay of path " << path << ", seed " << seed << ", scenario " << info.scenarios[sc] << ", backend "
              << be->name() << "\n"
              << os.str();
  }
  return 0;
}

int cmd_calibrate(const std::string& input, const std::string& output, bool force) {
  check_overwrite(output, force);
  const Input in = load_input(input);
  validate_input(in);
  const Calibration c = calibrate(in);
  std::printf("corridor calibrate: %s\n", input.c_str());
  std::printf("  random walk with drift on log values; partial years annualised; +- one standard error\n\n");
  std::printf("  %-28s %4s %9s %18s %18s %18s\n", "series", "obs", "years", "mu (1/year)", "sigma (1/year)",
              "b_region");
  int est = 0;
  for (const SeriesEstimate& e : c.series) {
    if (!e.estimated) continue;
    ++est;
    char yrs[32], mu[40], sg[40], br[40];
    std::snprintf(yrs, sizeof yrs, "%d-%d", e.first, e.last);
    std::snprintf(mu, sizeof mu, "%.4f +- %.4f", e.mu, e.mu_se);
    std::snprintf(sg, sizeof sg, "%.4f +- %.4f", e.sigma, e.sigma_se);
    if (e.has_loading)
      std::snprintf(br, sizeof br, "%.4f +- %.4f", e.b_region, e.b_region_se);
    else
      std::snprintf(br, sizeof br, "-");
    std::printf("  %-28s %4d %9s %18s %18s %18s%s\n", e.series.c_str(), e.n, yrs, mu, sg, br,
                e.partial ? " (partial years annualised)" : "");
  }
  if (c.has_shocks)
    std::printf("\n  regional factor from %d series over %d years; regional drops (mean standardised increment < -2):"
                " %.3f +- %.3f per year\n",
                c.factor_series, c.factor_years, c.shock_freq, c.shock_freq_se);
  else
    std::printf("\n  regional factor and shock frequency: not estimated (need 3 series with 5 annual increments)\n");
  int skipped = 0;
  for (const SeriesEstimate& e : c.series) skipped += !e.estimated;
  std::printf("  %d series estimated; %d kept their input parameters (fewer than 3 observations over 3 years, or "
              "derived)\n",
              est, skipped);
  const Input out = apply_calibration(in, c);
  validate_input(out);
  write_atomically(output, force, [&](const std::string& tmp) { write_h5_input(out, tmp); });
  std::printf("  wrote %s\n", output.c_str());
  return 0;
}

int cmd_backtest(const std::string& input, const std::vector<int>& origins, uint32_t paths, uint64_t seed,
                 const std::string& backend, int threads, const std::string& output, bool force) {
  if (!output.empty()) check_overwrite(output, force);
  const Input in = load_input(input);
  validate_input(in);
  auto be = choose_backend(backend, threads, true);
  const BacktestResult r = backtest(in, origins, paths, seed, *be);
  std::printf("corridor backtest: %s, origins", input.c_str());
  for (int o : origins) std::printf(" %d", o);
  std::printf(", %u paths\n", paths);
  if (r.cases.empty()) {
    std::printf("  no series is observed at an origin and later: nothing to compare\n");
  } else {
    std::printf("  %-8s %6s %10s %10s %10s %8s\n", "horizon", "cases", "cover 50%", "cover 80%", "cover 90%", "MdAPE");
    for (size_t i = 0; i < r.horizons.size(); ++i)
      std::printf("  %-8d %6d %10.2f %10.2f %10.2f %7.1f%%\n", r.horizons[i], r.n[i], r.cover50[i], r.cover80[i],
                  r.cover90[i], 100 * r.mdape[i]);
  }
  if (!output.empty()) {
    write_atomically(output, force, [&](const std::string& tmp) {
      h5::Quiet q;
      h5::Id f = h5::check(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), tmp + ": cannot create");
      const hsize_t H = r.horizons.size(), N = r.cases.size(), Q = r.probs.size();
      std::vector<long long> hz(r.horizons.begin(), r.horizons.end()), nn(r.n.begin(), r.n.end());
      h5::write_ints(f, "horizon", {H}, hz.data(), false);
      h5::write_ints(f, "cases", {H}, nn.data(), false);
      h5::write_doubles(f, "coverage_50", {H}, r.cover50.data(), false);
      h5::write_doubles(f, "coverage_80", {H}, r.cover80.data(), false);
      h5::write_doubles(f, "coverage_90", {H}, r.cover90.data(), false);
      h5::write_doubles(f, "mdape", {H}, r.mdape.data(), false);
      h5::write_doubles(f, "quantile", {Q}, r.probs.data(), false);
      std::vector<std::string> cs;
      std::vector<long long> co, cy;
      std::vector<double> ca, cq;
      for (const auto& c : r.cases) {
        cs.push_back(c.series), co.push_back(c.origin), cy.push_back(c.year), ca.push_back(c.actual);
        cq.insert(cq.end(), c.q.begin(), c.q.end());
      }
      h5::write_strings(f, "case_series", cs);
      h5::write_ints(f, "case_origin", {N}, co.data(), false);
      h5::write_ints(f, "case_year", {N}, cy.data(), false);
      h5::write_doubles(f, "case_actual", {N}, ca.data(), false);
      h5::write_doubles(f, "case_quantile", {N, Q}, cq.data(), false);
      h5::write_attr_string(f, "title", "Corridor rolling-origin backtest of " + fs::path(input).filename().string());
      h5::write_attr_string(f, "corridor_version", corridor_version());
      h5::write_attr_string(f, "git_sha", git_sha());
      h5::write_attr_uint(f, "seed", seed);
      h5::write_attr_int(f, "paths", paths);
      h5::write_attr_string(f, "input_sha256", sha256_file(input));
      h5::write_attr_string(f, "created", now_iso8601());
    });
    std::printf("  wrote %s\n", output.c_str());
  }
  return 0;
}

void print_schema_markdown(std::ostream& os) {
  auto type_name = [](char t) { return t == 's' ? "text" : t == 'i' ? "integer" : "number"; };
  os << "### meta (key, value)\n\nInput schema version " << kSchemaVersion << ".\n\n"
     << "| key | type | required | meaning |\n|---|---|---|---|\n";
  for (const MetaDef& m : meta_schema())
    os << "| `" << m.key << "` | " << type_name(m.type) << " | " << (m.required ? "yes" : "no") << " | " << m.doc
       << " |\n";
  for (const TableDef& t : input_schema()) {
    os << "\n### " << t.name << (t.required ? "" : " (optional)") << "\n\n" << t.doc << ".\n\n"
       << "| column | type | unit | default | meaning |\n|---|---|---|---|---|\n";
    for (const ColumnDef& c : t.cols)
      os << "| `" << c.name << "` | " << type_name(c.type) << " | " << (c.unit.empty() ? "" : c.unit) << " | "
         << (c.required ? "required" : c.def == "nan" ? "empty" : c.def.empty() ? "empty" : "`" + c.def + "`") << " | "
         << c.doc << " |\n";
  }
}

} // namespace

int main(int argc, char** argv) {
  // Every HDF5 object is closed by its owner before exit. HDF5's own exit
  // handler would close again what failed to close on a write error (a full
  // disk), and crashes doing so.
  H5dont_atexit();
  CLI::App app{"corridor: Monte Carlo projections of trade and transit through Xinjiang's border ports\n"
               "(ports, partners, modes and metrics; capacity, disruptions and diversion; several scenarios at once)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "corridor " + corridor_version() + " (" + git_sha() + ")");

  std::string input, output, backend = "auto", maxmem = "auto", quantiles = "0.05,0.10,0.25,0.50,0.75,0.90,0.95";
  std::string scenario, csv;
  uint32_t paths = 10000, path = 0, sens_paths = 20000;
  int sens_year = 0;
  bool save_paths = false;
  uint64_t seed = 20240101;
  int threads = 0;
  double util_threshold = 0.9;
  bool force = false, quiet = false;

  auto* run = app.add_subcommand("run", "project every scenario of an input and write the statistics to HDF5");
  run->add_option("input", input, "input HDF5 file (or a folder of CSV tables)")->required();
  run->add_option("-o,--output", output, "output HDF5 file (netCDF-4 readable)")->required();
  run->add_option("-n,--paths", paths, "Monte Carlo paths per scenario")->check(CLI::Range(1u, 4000000000u));
  run->add_option("-s,--seed", seed, "seed of the Philox generator; same seed, same numbers");
  run->add_option("-b,--backend", backend, "auto (GPU when one works), cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  run->add_option("-t,--threads", threads, "CPU threads (0: all cores)")->check(CLI::Range(0, 4096));
  run->add_option("--max-memory", maxmem, "memory for path values, e.g. 2G; more passes when short (auto: half of RAM "
                                          "or 80% of free GPU memory)");
  run->add_option("--quantiles", quantiles, "comma-separated increasing probabilities");
  run->add_option("--utilization-threshold", util_threshold, "report P(utilisation >= this)")->check(CLI::Range(0.0, 10.0));
  run->add_option("--sensitivity-paths", sens_paths,
                  "paths (the first ones) for the rank correlations of drivers with outputs; 0: none")
      ->check(CLI::Range(0u, kMaxSensitivityPaths));
  run->add_option("--sensitivity-year", sens_year, "year of the sensitivity responses (default: the horizon)");
  run->add_flag("--save-paths", save_paths,
                "also write paths_flow (scenario, path, series, year), the served flow of every path");
  run->add_flag("-f,--force", force, "replace an existing output");
  run->add_flag("-q,--quiet", quiet, "no progress bar or summary");

  auto* rep = app.add_subcommand("replay", "print the year-by-year trajectory of one path, as in a full run");
  rep->add_option("input", input, "input HDF5 file (or a folder of CSV tables)")->required();
  rep->add_option("-s,--seed", seed, "seed of the run");
  rep->add_option("-w,--path", path, "path number (0-based)")->required();
  rep->add_option("--scenario", scenario, "scenario id (default: the first)");
  rep->add_option("-b,--backend", backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  rep->add_option("-o,--output", csv, "write CSV here instead of printing");

  std::string dir;
  auto* imp = app.add_subcommand("import", "turn a folder of CSV tables into an HDF5 input");
  imp->add_option("dir", dir, "folder of CSV tables (see inputs/README.md)")->required();
  imp->add_option("-o,--output", output, "HDF5 input to write")->required();
  imp->add_flag("-f,--force", force, "replace an existing file");

  auto* exp = app.add_subcommand("export", "write the tables of an HDF5 input as CSV files");
  exp->add_option("input", input, "HDF5 input")->required();
  exp->add_option("dir", dir, "folder to write")->required();

  auto* val = app.add_subcommand("validate", "check an input and list every problem");
  val->add_option("input", input, "HDF5 input or folder of CSV tables")->required();

  SummaryOptions sopt;
  auto* sum = app.add_subcommand("summary", "print readable tables of an output: totals, binding capacity, "
                                            "diversions, targets, sensitivity");
  sum->add_option("output", input, "output HDF5 file of corridor run")->required();
  sum->add_option("--format", sopt.format, "text, csv, markdown or json")
      ->check(CLI::IsMember({"text", "csv", "markdown", "json"}));
  sum->add_option("--years", sopt.years, "years to show (default: base year, 2030, horizon)")->delimiter(',');
  sum->add_option("--top", sopt.top, "rows of the ranked tables")->check(CLI::Range(1, 100000));

  auto* cal = app.add_subcommand("calibrate", "estimate growth means, their uncertainty, volatilities, regional "
                                              "loadings and shock frequency from the input's history");
  cal->add_option("input", input, "HDF5 input or folder of CSV tables, with a history table")->required();
  cal->add_option("-o,--output", output, "calibrated HDF5 input to write")->required();
  cal->add_flag("-f,--force", force, "replace an existing file");

  std::vector<int> origins;
  auto* bt = app.add_subcommand("backtest", "project from past years and score the intervals against the history");
  bt->add_option("input", input, "HDF5 input or folder of CSV tables, with a history table")->required();
  bt->add_option("--origin", origins, "origin years (several allowed)")->required()->delimiter(',');
  bt->add_option("-n,--paths", paths, "paths per projection")->check(CLI::Range(2u, 100000000u));
  bt->add_option("-s,--seed", seed, "seed");
  bt->add_option("-b,--backend", backend, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  bt->add_option("-t,--threads", threads, "CPU threads (0: all cores)");
  bt->add_option("-o,--output", output, "also write the scores and every case to this HDF5 file");
  bt->add_flag("-f,--force", force, "replace an existing file");

  auto* sch = app.add_subcommand("schema", "print the input schema (tables, columns, types, units, defaults) "
                                           "as the markdown of inputs/README.md");

  auto* ins = app.add_subcommand("inspect", "list what an output (or input) file holds and its provenance");
  ins->add_option("file", input, "HDF5 file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  install_signal_cleanup();
  try {
    if (*run)
      return cmd_run(input, output, paths, seed, backend, threads, maxmem, quantiles, util_threshold, force, quiet,
                     sens_paths, sens_year, save_paths);
    if (*rep) return cmd_replay(input, seed, path, scenario, backend, csv);
    if (*sum) {
      print_summary(input, sopt, std::cout);
      return 0;
    }
    if (*cal) return cmd_calibrate(input, output, force);
    if (*bt) return cmd_backtest(input, origins, paths, seed, backend, threads, output, force);
    if (*sch) {
      print_schema_markdown(std::cout);
      return 0;
    }
    if (*ins) {
      print_inspect(input, std::cout);
      return 0;
    }
    if (*imp) {
      check_overwrite(output, force);
      const Input in = read_csv_dir(dir);
      validate_input(in);
      write_atomically(output, force, [&](const std::string& tmp) { write_h5_input(in, tmp); });
      std::printf("imported %s -> %s\n", dir.c_str(), output.c_str());
      return 0;
    }
    if (*exp) {
      const Input in = read_h5_input(input);
      write_csv_dir(in, dir);
      std::printf("exported %s -> %s\n", input.c_str(), dir.c_str());
      return 0;
    }
    if (*val) {
      const Input in = load_input(input);
      validate_input(in);
      std::printf("%s: valid\n", input.c_str());
      return 0;
    }
  } catch (const InputError& e) {
    for (const auto& l : e.lines) std::fprintf(stderr, "error: %s\n", l.c_str());
    return kExitInput;
  } catch (const CLI::ValidationError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
