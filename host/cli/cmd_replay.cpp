// corridor replay: the year-by-year trajectory of one path, as in a full run.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "../model_build.h"
#include "../safe_file.h"
#include "commands.h"
#include "common.h"

namespace corridor {
namespace {

int scenario_index(const ReplayOptions& o, const ModelInfo& info) {
  if (o.scenario.empty()) return 0;
  const auto it = std::find(info.scenarios.begin(), info.scenarios.end(), o.scenario);
  if (it == info.scenarios.end()) {
    std::string known;
    for (const auto& s : info.scenarios) known += (known.empty() ? "" : ", ") + s;
    throw UsageError("--scenario: '" + o.scenario + "' is not a scenario of " + o.input + " (" + known + ")");
  }
  return static_cast<int>(it - info.scenarios.begin());
}

// the headers below name the cell variables in this order
static_assert(kSeriesVars == 8 && kDivertedIn == 4 && kCost == 5 && kCaptured == 6 && kShare == 7,
              "replay's series header names the variables of model.h (Var)");
static_assert(kGroupVars == 5 && kUtil == 0 && kOver == 1 && kWait == 2 && kBinding == 3 && kCapacity == 4,
              "replay's group header names the variables of model.h (GroupVar)");

void write_series(std::ostream& os, const HostModel& m, const ModelInfo& info, const std::vector<double>& cells) {
  const ModelView v = m.view();
  // the columns in the order of the cell variables (model.h, Var)
  os << "kind,id,year,demand,flow,unserved,diverted_out,diverted_in,cost,captured,share\n";
  for (int s = 0; s < m.S; ++s)
    for (int y = 0; y < m.Y; ++y) {
      os << "series," << info.series[s] << "," << info.years[y];
      for (int var = 0; var < kSeriesVars; ++var) os << "," << format_number(cells[v.series_cell(s, var, y)]);
      os << "\n";
    }
}

void write_groups(std::ostream& os, const HostModel& m, const ModelInfo& info, const std::vector<double>& cells) {
  const ModelView v = m.view();
  os << "\nkind,id,year,capacity,closure_share_lost,capacity_left,demand,flow,utilization,demand_over_capacity,"
        "node_time,binding,capacity_in_force\n";
  for (int g = 0; g < m.G; ++g)
    for (int y = 0; y < m.Y; ++y) {
      os << "group," << info.groups[g] << "," << info.years[y];
      for (int k = 0; k < kGroupTrace; ++k) os << "," << format_number(cells[replay_group_trace(v, y, g) + k]);
      for (int var = 0; var < kGroupVars; ++var) os << "," << format_number(cells[v.group_cell(g, var, y)]);
      os << "\n";
    }
}

// what each new corridor took from each source (inputs with captures only)
void write_captures(std::ostream& os, const HostModel& m, const ModelInfo& info, const std::vector<double>& cells) {
  if (m.K == 0) return;
  const ModelView v = m.view();
  os << "\nkind,id,year,taken\n";
  for (int k = 0; k < m.K; ++k)
    for (int y = 0; y < m.Y; ++y)
      os << "capture," << info.series[m.cor_series[m.cap_cor[k]]] << "<" << info.series[m.cap_from[k]] << ","
         << info.years[y] << "," << format_number(cells[v.capture_cell(k, y)]) << "\n";
}

void write_expansions(std::ostream& os, const HostModel& m, const ModelInfo& info, const std::vector<double>& cells) {
  const ModelView v = m.view();
  os << "\nkind,id,opening_year\n";
  for (int e = 0; e < m.E; ++e) {
    const double off = cells[replay_open_year(v, e)];
    os << "expansion," << info.expansions[e] << ","
       << (off < m.Y ? std::to_string(info.years[0] + static_cast<int>(off)) : std::string("after horizon")) << "\n";
  }
}

} // namespace

int cmd_replay(const ReplayOptions& o) {
  OutputTarget out;
  if (!o.csv.empty()) out = prepare_output(o.csv, o.force, {o.input});
  const Input in = load_input(o.input, "replay");
  ModelInfo info;
  const HostModel m = build_model(in, info);
  const int sc = scenario_index(o, info);
  auto be = choose_backend(o.backend, 1, true);
  std::vector<double> cells;
  be->replay(m, o.seed, sc, o.path, cells);
  std::ostringstream os;
  write_series(os, m, info, cells);
  write_groups(os, m, info, cells);
  write_captures(os, m, info, cells);
  write_expansions(os, m, info, cells);
  if (!o.csv.empty()) {
    out.commit_bytes(os.str());
  } else {
    std::cout << "# replay of path " << o.path << ", seed " << o.seed << ", scenario " << info.scenarios[sc]
              << ", backend " << be->name() << "\n"
              << os.str();
  }
  return 0;
}

} // namespace corridor
