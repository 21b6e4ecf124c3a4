#include "summary.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>

#include "cli/command.h"
#include "h5.h"

namespace corridor {
namespace {

struct Cell {
  bool num = false;
  double v = 0;
  std::string s;
  Cell(double x) : num(true), v(x) {}
  Cell(const std::string& x) : s(x) {}
  Cell(const char* x) : s(x) {}
};
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
  std::string note = ""; // printed under the table when not empty
};
struct Section {
  std::string id, name;
  std::vector<Table> tables;
};

std::string fmt(const Cell& c) {
  if (!c.num) return c.s;
  if (std::isnan(c.v)) return "nan";
  char b[64];
  const double a = std::fabs(c.v);
  if (a >= 1e4 && a < 1e18) { // whole units with thousands separators
    std::snprintf(b, sizeof b, "%.0f", std::fabs(c.v));
    std::string d = b, o;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i && (d.size() - i) % 3 == 0) o += ',';
      o += d[i];
    }
    return (c.v < 0 ? "-" : "") + o;
  }
  if (a == 0 || (a >= 1e-4 && a < 1e4))
    std::snprintf(b, sizeof b, "%.4g", c.v);
  else
    std::snprintf(b, sizeof b, "%.4e", c.v);
  return b;
}
// every digit a double needs to round-trip (csv and json)
std::string exact(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\')
      o += '\\', o += ch;
    else if (static_cast<unsigned char>(ch) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", ch);
      o += b;
    } else
      o += ch;
  }
  return o + "\"";
}
std::string csv_str(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) o += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return o + "\"";
}

struct File {
  h5::Id f;
  explicit File(const std::string& path) {
    h5::Quiet q;
    if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error(path + ": not an HDF5 file (or missing)");
    // (the command line has probed it in a child process: file_kind)
    f = h5::Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.valid()) throw std::runtime_error(path + ": cannot open");
  }
  bool has(const std::string& n) const { return h5::link_exists(f, n); }
};

// index of probability p among the quantiles, or the nearest one
int nearest(const std::vector<double>& probs, double p) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(probs.size()); ++i)
    if (std::fabs(probs[i] - p) < std::fabs(probs[best] - p)) best = i;
  return best;
}
std::string pct(double p) {
  char b[32];
  std::snprintf(b, sizeof b, "%g%%", 100 * p);
  return b;
}

// Everything a summary shows, read from a run output once.
struct RunData {
  std::vector<std::string> scen, scen_name, metrics, units, groups, series, series_unit, series_kind, tnames, drivers,
      responses;
  std::vector<int> years;
  std::vector<double> probs, tq, pover, uq, dout, din, uns, dem, ptarget, tvalue, rho;
  bool has_div = false;
  // new corridors (MODEL.md section 9): which series opens with an expansion,
  // the captures, and the statistics their table shows
  std::vector<std::string> ser_exp, cap_cor, cap_from;
  std::vector<double> popen, flowq, captq, unsq; // NS S Y (popen) and NS S Y nq
  std::vector<double> takeq;                     // NS capture Y nq: what each capture took (empty: not written)
  bool has_corridors = false;
  // scenario differences (diff_total_*, run --diff): NS K Y (mean, P(>0)) and NS K Y nq
  std::string diff_ref;
  std::vector<double> dmean, dq, dpos;
  int NS = 0, Y = 0, nq = 0, K = 0, G = 0, S = 0, T = 0, D = 0, R = 0;
};

void read_capacity_and_flows(const File& F, RunData& d) {
  const hid_t f = F.f;
  if (F.has("group")) {
    d.groups = h5::read_strings(f, "group");
    if (!d.groups.empty()) {
      d.pover = h5::read_doubles(f, "p_over_capacity");   // NS G Y
      d.uq = h5::read_doubles(f, "utilization_quantile"); // NS G Y nq
    }
  }
  d.series = h5::read_strings(f, "series");
  d.has_div = F.has("diverted_out_mean");
  if (d.has_div) {
    d.dout = h5::read_doubles(f, "diverted_out_mean");
    d.din = h5::read_doubles(f, "diverted_in_mean");
  }
  d.uns = h5::read_doubles(f, "unserved_mean");
  d.dem = h5::read_doubles(f, "demand_mean");
  d.series_unit = h5::read_strings(f, "series_unit");
  d.series_kind = h5::read_strings(f, "series_kind");
}

void read_corridors(const File& F, RunData& d) {
  const hid_t f = F.f;
  if (!F.has("series_expansion")) return;
  d.ser_exp = h5::read_strings(f, "series_expansion");
  d.has_corridors = std::any_of(d.ser_exp.begin(), d.ser_exp.end(), [](const std::string& e) { return !e.empty(); });
  if (!d.has_corridors) return;
  d.popen = h5::read_doubles(f, "p_open");
  d.flowq = h5::read_doubles(f, "flow_quantile");
  d.captq = h5::read_doubles(f, "captured_quantile");
  d.unsq = h5::read_doubles(f, "unserved_quantile");
  if (F.has("capture_corridor")) {
    d.cap_cor = h5::read_strings(f, "capture_corridor");
    d.cap_from = h5::read_strings(f, "capture_from");
    if (F.has("capture_taken_quantile")) d.takeq = h5::read_doubles(f, "capture_taken_quantile");
  }
}

void read_targets_and_sensitivity(const File& F, RunData& d) {
  const hid_t f = F.f;
  if (F.has("target_name")) {
    d.tnames = h5::read_strings(f, "target_name");
    if (!d.tnames.empty()) {
      d.ptarget = h5::read_doubles(f, "p_target");
      d.tvalue = h5::read_doubles(f, "target_value");
    }
  }
  if (F.has("sensitivity")) {
    d.drivers = h5::read_strings(f, "driver");
    d.responses = h5::read_strings(f, "response");
    d.rho = h5::read_doubles(f, "sensitivity");
  }
}

RunData read_run_data(const std::string& path) {
  File F(path);
  const hid_t f = F.f;
  RunData d;
  d.scen = h5::read_strings(f, "scenario");
  d.scen_name = F.has("scenario_name") ? h5::read_strings(f, "scenario_name") : d.scen;
  const auto yd = h5::read_doubles(f, "year");
  d.years.assign(yd.begin(), yd.end());
  d.probs = h5::read_doubles(f, "quantile");
  d.metrics = h5::read_strings(f, "metric");
  d.units = h5::read_strings(f, "metric_unit");
  d.tq = h5::read_doubles(f, "total_quantile"); // NS K Y nq
  read_capacity_and_flows(F, d);
  read_targets_and_sensitivity(F, d);
  read_corridors(F, d);
  if (F.has("diff_total_mean")) {
    h5::read_attr_string(f, "diff_reference", d.diff_ref);
    d.dmean = h5::read_doubles(f, "diff_total_mean");
    d.dq = h5::read_doubles(f, "diff_total_quantile");
    d.dpos = h5::read_doubles(f, "diff_total_p_positive");
  }
  d.NS = static_cast<int>(d.scen.size()), d.Y = static_cast<int>(d.years.size());
  d.nq = static_cast<int>(d.probs.size()), d.K = static_cast<int>(d.metrics.size());
  d.G = static_cast<int>(d.groups.size()), d.S = static_cast<int>(d.series.size());
  d.T = static_cast<int>(d.tnames.size());
  d.D = static_cast<int>(d.drivers.size()), d.R = static_cast<int>(d.responses.size());
  return d;
}

// indices of the years to show: --years, or the base year, 2030 when projected, and the horizon
std::vector<int> shown_years(const std::string& path, const std::vector<int>& years, const SummaryOptions& opt) {
  std::vector<int> show = opt.years;
  if (show.empty()) {
    show.push_back(years.front());
    if (2030 > years.front() && 2030 < years.back()) show.push_back(2030);
    show.push_back(years.back());
  }
  std::vector<int> yi;
  for (int y : show) {
    const auto it = std::find(years.begin(), years.end(), y);
    if (it == years.end())
      throw UsageError("--years: " + std::to_string(y) + " is not a year of " + path + " (" +
                       std::to_string(years.front()) + "-" + std::to_string(years.back()) + ")");
    yi.push_back(static_cast<int>(it - years.begin()));
  }
  return yi;
}

// what one scenario's tables need besides the data
struct View {
  const RunData& d;
  int sc;
  const std::vector<int>& yi;
  int ylast;
  int top;
  const std::vector<int>& cyi; // years of the new corridors' table
};

Table totals_table(const View& v) {
  const RunData& d = v.d;
  const int iq50 = nearest(d.probs, 0.5), iqlo = nearest(d.probs, 0.05), iqhi = nearest(d.probs, 0.95);
  Table t{"Xinjiang totals by metric: median and " + pct(d.probs[iqlo]) + "-" + pct(d.probs[iqhi]) + " interval",
          {"metric", "unit", "year", "median", pct(d.probs[iqlo]), pct(d.probs[iqhi])},
          {}};
  for (int k = 0; k < d.K; ++k)
    for (int y : v.yi) {
      const size_t i = ((static_cast<size_t>(v.sc) * d.K + k) * d.Y + y) * d.nq;
      if (d.tq[i + iq50] == 0 && d.tq[i + iqhi] == 0) continue; // metric without series
      t.rows.push_back({d.metrics[k], d.units[k], Cell(d.years[y]), Cell(d.tq[i + iq50]), Cell(d.tq[i + iqlo]),
                        Cell(d.tq[i + iqhi])});
    }
  return t;
}

Table binding_table(const View& v) {
  const RunData& d = v.d;
  const int G = d.G, Y = d.Y, sc = v.sc, ylast = v.ylast, iq50 = nearest(d.probs, 0.5);
  Table t{"Capacity groups most likely to bind (P(demand > capacity))",
          {"group", "max P(over)", "in year", "first year P>=0.5", "P(over) " + std::to_string(d.years[ylast]),
           "median utilization " + std::to_string(d.years[ylast])},
          {}};
  std::vector<int> order(G);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> mx(G, 0);
  std::vector<int> at(G, 0), first(G, -1);
  for (int g = 0; g < G; ++g)
    for (int y = 0; y < Y; ++y) {
      const double p = d.pover[(static_cast<size_t>(sc) * G + g) * Y + y];
      if (p > mx[g]) mx[g] = p, at[g] = y;
      if (first[g] < 0 && p >= 0.5) first[g] = y;
    }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mx[a] > mx[b]; });
  for (int r = 0; r < std::min(G, v.top); ++r) {
    const int g = order[r];
    t.rows.push_back({d.groups[g], Cell(mx[g]), Cell(d.years[at[g]]),
                      first[g] >= 0 ? Cell(d.years[first[g]]) : Cell("-"),
                      Cell(d.pover[(static_cast<size_t>(sc) * G + g) * Y + ylast]),
                      Cell(d.uq[((static_cast<size_t>(sc) * G + g) * Y + ylast) * d.nq + iq50])});
  }
  return t;
}

Table diversions_table(const View& v) {
  const RunData& d = v.d;
  Table t{"Largest diversions in " + std::to_string(d.years[v.ylast]) +
              " (load series; means over paths; shares of mean demand)",
          {"series", "unit", "demand", "diverted out", "share out", "diverted in", "unserved", "share unserved"},
          {}};
  auto at = [&](const std::vector<double>& x, int s) {
    return x[(static_cast<size_t>(v.sc) * d.S + s) * d.Y + v.ylast];
  };
  std::vector<int> order;
  for (int s = 0; s < d.S; ++s)
    if (d.series_kind[s] == "load" && at(d.dem, s) > 0 && (at(d.dout, s) > 0 || at(d.din, s) > 0 || at(d.uns, s) > 0))
      order.push_back(s);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return (at(d.dout, a) + at(d.uns, a)) / at(d.dem, a) > (at(d.dout, b) + at(d.uns, b)) / at(d.dem, b);
  });
  for (int r = 0; r < std::min<int>(static_cast<int>(order.size()), v.top); ++r) {
    const int s = order[r];
    t.rows.push_back({d.series[s], d.series_unit[s], Cell(at(d.dem, s)), Cell(at(d.dout, s)),
                      Cell(at(d.dout, s) / at(d.dem, s)), Cell(at(d.din, s)), Cell(at(d.uns, s)),
                      Cell(at(d.uns, s) / at(d.dem, s))});
  }
  return t;
}

Table targets_table(const View& v) {
  const RunData& d = v.d;
  Table t{"Targets: probability that the value reaches the target", {"target", "target value"}, {}};
  for (int y : v.yi) t.columns.push_back("P " + std::to_string(d.years[y]));
  for (int k = 0; k < d.T; ++k) {
    std::vector<Cell> row{d.tnames[k], Cell(d.tvalue[k])};
    for (int y : v.yi) row.push_back(Cell(d.ptarget[(static_cast<size_t>(v.sc) * d.T + k) * d.Y + y]));
    t.rows.push_back(row);
  }
  return t;
}

Table sensitivity_table(const View& v) {
  const RunData& d = v.d;
  Table t{"Sensitivity: strongest drivers (Spearman rank correlation)", {"response", "driver", "rho"}, {}};
  auto rho = [&](int drv, int k) { return d.rho[(static_cast<size_t>(v.sc) * d.D + drv) * d.R + k]; };
  for (int k = 0; k < d.R; ++k) {
    if (d.responses[k].rfind("total ", 0) != 0) continue;
    std::vector<int> order;
    for (int drv = 0; drv < d.D; ++drv)
      if (!std::isnan(rho(drv, k))) order.push_back(drv);
    if (order.empty()) continue;
    std::stable_sort(order.begin(), order.end(),
                     [&](int x, int y) { return std::fabs(rho(x, k)) > std::fabs(rho(y, k)); });
    for (int r = 0; r < std::min<int>(3, static_cast<int>(order.size())); ++r)
      t.rows.push_back({d.responses[k], d.drivers[order[r]], Cell(rho(order[r], k))});
  }
  return t;
}

// The scenario's effect in the last year shown: the Xinjiang total per
// metric minus the reference's, path by path (diff_total_*, run --diff)
Table effects_table(const View& v) {
  const RunData& d = v.d;
  const int iqlo = nearest(d.probs, 0.05), iqhi = nearest(d.probs, 0.95), y = v.ylast;
  Table t{"Scenario effect in " + std::to_string(d.years[y]) + ": Xinjiang total minus " + d.diff_ref +
              ", path by path (common random numbers)",
          {"metric", "unit", "mean difference", pct(d.probs[iqlo]), pct(d.probs[iqhi]), "P(> 0)"},
          {}};
  for (int k = 0; k < d.K; ++k) {
    const size_t i = (static_cast<size_t>(v.sc) * d.K + k) * d.Y + y;
    const size_t tq = ((static_cast<size_t>(v.sc) * d.K + k) * d.Y + y) * d.nq;
    if (d.tq[tq + iqhi] == 0 && d.dmean[i] == 0) continue; // metric without series
    t.rows.push_back({d.metrics[k], d.units[k], Cell(d.dmean[i]), Cell(d.dq[i * d.nq + iqlo]),
                      Cell(d.dq[i * d.nq + iqhi]), Cell(d.dpos[i])});
  }
  return t;
}

// years of the new corridors' table: --years, or 2030, 2035 and the horizon
// (those after the base year)
std::vector<int> corridor_years(const std::vector<int>& years, const std::vector<int>& yi, const SummaryOptions& opt) {
  if (!opt.years.empty()) return yi;
  std::vector<int> out;
  for (int y : {2030, 2035, years.back()}) {
    const auto it = std::find(years.begin(), years.end(), y);
    const int i = static_cast<int>(it - years.begin());
    if (it != years.end() && i > 0 && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

// index of a statistic of (scenario, series, year) in a [NS][S][Y] array
size_t at_sy(const RunData& d, int sc, int s, int y) { return (static_cast<size_t>(sc) * d.S + s) * d.Y + y; }

// a scenario other than sc where new corridor c never opens (P(open) 0 at the
// horizon), or -1; -1 too when it never opens in sc either
int never_open_scenario(const RunData& d, int sc, int c) {
  if (d.popen[at_sy(d, sc, c, d.Y - 1)] == 0) return -1;
  for (int o = 0; o < d.NS; ++o)
    if (o != sc && d.popen[at_sy(d, o, c, d.Y - 1)] == 0) return o;
  return -1;
}

// new corridor c (capture -1), then each series it captures from with the
// capture's index, in the order of the captures
std::vector<std::pair<int, int>> corridor_members(const RunData& d, int c) {
  std::vector<std::pair<int, int>> members{{c, -1}};
  for (size_t k = 0; k < d.cap_cor.size(); ++k) {
    if (d.cap_cor[k] != d.series[c]) continue;
    const int s = static_cast<int>(std::find(d.series.begin(), d.series.end(), d.cap_from[k]) - d.series.begin());
    if (s < d.S) members.push_back({s, static_cast<int>(k)});
  }
  return members;
}

// one row of the new corridors' table: series s (c itself, or the source of
// capture k of c) in year y
std::vector<Cell> corridor_row(const RunData& d, int sc, int c, int s, int k, int y, int none) {
  const int iq50 = nearest(d.probs, 0.5), iqlo = nearest(d.probs, 0.05), iqhi = nearest(d.probs, 0.95);
  const size_t iq = at_sy(d, sc, s, y) * d.nq;
  const size_t ik = ((static_cast<size_t>(sc) * d.cap_cor.size() + std::max(k, 0)) * d.Y + y) * d.nq;
  // the corridor: what it captured; a source: what this corridor took from it
  // (from an output without per-capture statistics: -captured of the source,
  // what every corridor took; 0, not -0, when nothing)
  const bool per_capture = s != c && !d.takeq.empty();
  auto taken = [&](int j) {
    if (s == c) return d.captq[iq + j];
    if (per_capture) return d.takeq[ik + j];
    return 0.0 - d.captq[iq + nearest(d.probs, 1 - d.probs[j])]; // the quantile of -x at p: -(x's at 1-p)
  };
  std::vector<Cell> row{d.series[c],
                        d.series[s],
                        s == c ? "new corridor" : "source",
                        Cell(d.years[y]),
                        Cell(d.popen[at_sy(d, sc, c, y)]),
                        Cell(d.flowq[iq + iq50]),
                        Cell(d.flowq[iq + iqlo]),
                        Cell(d.flowq[iq + iqhi]),
                        Cell(taken(iq50)),
                        Cell(taken(iqlo)),
                        Cell(taken(iqhi)),
                        Cell(d.unsq[iq + iq50])};
  if (none >= 0) {
    row.push_back(d.scen[none]);
    row.push_back(Cell(d.flowq[at_sy(d, none, s, y) * d.nq + iq50]));
    row.push_back(Cell(d.unsq[at_sy(d, none, s, y) * d.nq + iq50]));
  } else {
    row.push_back("-");
    row.push_back("-");
    row.push_back("-");
  }
  return row;
}

// What each new corridor does in the scenario: P(open by the year), its flow,
// what it captures and from which series, those sources' flow and unserved
// demand, and the sources' median flow in a scenario where the corridor never
// opens (P(open) 0 at the horizon), when the input has one.
Table corridors_table(const View& v) {
  const RunData& d = v.d;
  const std::string lo = pct(d.probs[nearest(d.probs, 0.05)]), hi = pct(d.probs[nearest(d.probs, 0.95)]);
  Table t{"New corridors: opening probability, flow, demand captured (median and " + lo + "-" + hi +
              " interval) and the sources it captures from",
          {"corridor", "series", "role", "year", "P(open by year)", "flow median", "flow " + lo, "flow " + hi,
           "captured median", "captured " + lo, "captured " + hi, "unserved median", "scenario without it",
           "flow median there", "unserved median there"},
          {}};
  t.note = std::string("captured: for the corridor, all it captured; for a source, ") +
           (d.takeq.empty() ? "what every corridor took from it" : "what this corridor took from it") +
           ". Scenarios share "
           "their random numbers (the same paths), so the interval of a difference between two scenarios needs "
           "the paired paths (corridor run --diff, or --save-paths), not these intervals.";
  for (int c = 0; c < d.S; ++c) {
    if (d.ser_exp[c].empty()) continue;
    const int none = never_open_scenario(d, v.sc, c);
    for (const auto& [s, k] : corridor_members(d, c))
      for (int y : v.cyi) t.rows.push_back(corridor_row(d, v.sc, c, s, k, y, none));
  }
  return t;
}

// the tables of every scenario, in the order they print
std::vector<Section> summary_sections(const std::string& path, const SummaryOptions& opt) {
  const RunData d = read_run_data(path);
  const std::vector<int> yi = shown_years(path, d.years, opt);
  const std::vector<int> cyi = corridor_years(d.years, yi, opt);
  std::vector<Section> out;
  for (int sc = 0; sc < d.NS; ++sc) {
    const View v{d, sc, yi, yi.back(), opt.top, cyi};
    Section sec{d.scen[sc], d.scen_name[sc], {}};
    sec.tables.push_back(totals_table(v));
    if (d.G > 0) sec.tables.push_back(binding_table(v));
    if (d.has_div) sec.tables.push_back(diversions_table(v));
    if (d.T > 0) sec.tables.push_back(targets_table(v));
    if (d.D > 0 && d.R > 0) sec.tables.push_back(sensitivity_table(v));
    if (d.has_corridors) sec.tables.push_back(corridors_table(v));
    if (!d.dmean.empty() && d.scen[sc] != d.diff_ref) sec.tables.push_back(effects_table(v));
    out.push_back(sec);
  }
  return out;
}
void render_text(const std::vector<Section>& secs, bool markdown, std::ostream& os) {
  for (const Section& sec : secs) {
    os << (markdown ? "## Scenario " : "== scenario ") << sec.id << ": " << sec.name << (markdown ? "\n\n" : "\n");
    for (const Table& t : sec.tables) {
      os << (markdown ? "### " : "\n  ") << t.title << (markdown ? "\n\n" : "\n");
      std::vector<size_t> w(t.columns.size());
      for (size_t c = 0; c < w.size(); ++c) w[c] = t.columns[c].size();
      for (const auto& r : t.rows)
        for (size_t c = 0; c < w.size(); ++c) w[c] = std::max(w[c], fmt(r[c]).size());
      auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
        os << (markdown ? "|" : "  ");
        for (size_t c = 0; c < w.size(); ++c) {
          const std::string& s = cells[c];
          const std::string pad(w[c] - s.size(), ' ');
          os << (markdown ? " " : "") << (right[c] ? pad + s : s + pad) << (markdown ? " |" : "  ");
        }
        os << "\n";
      };
      std::vector<bool> right(w.size(), false);
      if (!t.rows.empty())
        for (size_t c = 0; c < w.size(); ++c) right[c] = t.rows[0][c].num;
      line(t.columns, right);
      if (markdown) {
        os << "|";
        for (size_t c = 0; c < w.size(); ++c)
          os << (right[c] ? std::string(w[c] + 1, '-') + ":|" : std::string(w[c] + 2, '-') + "|");
        os << "\n";
      } else {
        std::vector<std::string> dash;
        for (size_t c = 0; c < w.size(); ++c) dash.push_back(std::string(w[c], '-'));
        line(dash, right);
      }
      for (const auto& r : t.rows) {
        std::vector<std::string> cells;
        cells.reserve(r.size());
        for (const Cell& c : r) cells.push_back(fmt(c));
        line(cells, right);
      }
      if (t.rows.empty()) os << (markdown ? "(none)\n" : "  (none)\n");
      if (!t.note.empty()) os << (markdown ? "\n*" + t.note + "*\n" : "  note: " + t.note + "\n");
      os << (markdown ? "\n" : "");
    }
    os << "\n";
  }
}

void render_csv(const std::vector<Section>& secs, std::ostream& os) {
  // tidy: one value per line
  os << "scenario,table,row,column,value\n";
  for (const Section& sec : secs)
    for (const Table& t : sec.tables)
      for (size_t r = 0; r < t.rows.size(); ++r)
        for (size_t c = 0; c < t.columns.size(); ++c) {
          const Cell& x = t.rows[r][c];
          os << csv_str(sec.id) << "," << csv_str(t.title) << "," << r << "," << csv_str(t.columns[c]) << ","
             << csv_str(x.num ? exact(x.v) : x.s) << "\n";
        }
}

void render_json(const std::string& path, const std::vector<Section>& secs, std::ostream& os) {
  os << "{\"file\": " << json_str(path) << ", \"scenarios\": [";
  for (size_t i = 0; i < secs.size(); ++i) {
    const Section& sec = secs[i];
    os << (i ? ", " : "") << "{\"id\": " << json_str(sec.id) << ", \"name\": " << json_str(sec.name)
       << ", \"tables\": [";
    for (size_t j = 0; j < sec.tables.size(); ++j) {
      const Table& t = sec.tables[j];
      os << (j ? ", " : "") << "{\"title\": " << json_str(t.title) << ", \"columns\": [";
      for (size_t c = 0; c < t.columns.size(); ++c) os << (c ? ", " : "") << json_str(t.columns[c]);
      os << "], \"rows\": [";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        os << (r ? ", " : "") << "[";
        for (size_t c = 0; c < t.rows[r].size(); ++c) {
          const Cell& x = t.rows[r][c];
          os << (c ? ", " : "");
          if (x.num && std::isfinite(x.v)) {
            os << exact(x.v);
          } else if (x.num) {
            os << "null";
          } else {
            os << json_str(x.s);
          }
        }
        os << "]";
      }
      os << "]";
      if (!t.note.empty()) os << ", \"note\": " << json_str(t.note);
      os << "}";
    }
    os << "]}";
  }
  os << "]}\n";
}

// ---- inspect ----
struct InspectCtx {
  std::ostream* os;
  hid_t file;
};

std::string attr_string(hid_t obj, const char* name) {
  std::string s;
  h5::Quiet q;
  if (H5Aexists(obj, name) > 0) {
    if (!h5::read_attr_string(obj, name, s)) {
      double d;
      // whole numbers (a seed, a count of paths) as they are, without separators
      if (h5::read_attr_double(obj, name, d)) s = d == std::floor(d) && std::fabs(d) < 9e15 ? exact(d) : fmt(Cell(d));
    }
  }
  return s;
}

herr_t scale_name(hid_t, unsigned, hid_t scale, void* out) {
  char buf[256] = {0};
  if (H5Iget_name(scale, buf, sizeof buf) > 0) *static_cast<std::string*>(out) = buf[0] == '/' ? buf + 1 : buf;
  return 1;
}

herr_t visit(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto* ctx = static_cast<InspectCtx*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  h5::Id d(H5Dopen2(loc, name, H5P_DEFAULT));
  h5::Id sp(H5Dget_space(d));
  const int rank = H5Sget_simple_extent_ndims(sp);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
  std::string shape = "(";
  for (int i = 0; i < rank; ++i) {
    std::string dn;
    if (H5DSis_scale(d) > 0) {
      dn = name;
    } else if (H5DSget_num_scales(d, static_cast<unsigned>(i)) > 0) {
      H5DSiterate_scales(d, static_cast<unsigned>(i), nullptr, scale_name, &dn);
    }
    shape += (i ? ", " : "") + (dn.empty() ? std::string("?") : dn) + "=" + std::to_string(dims[i]);
  }
  shape += ")";
  const std::string units = attr_string(d, "units"), ln = attr_string(d, "long_name");
  char b[512];
  std::snprintf(b, sizeof b, "  %-30s %-46s %s%s%s\n", name, shape.c_str(), ln.c_str(), units.empty() ? "" : " [",
                units.empty() ? "" : (units + "]").c_str());
  *ctx->os << b;
  return 0;
}

herr_t attr_list(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto* os = static_cast<std::ostream*>(data);
  *os << "  " << name << " = " << attr_string(loc, name) << "\n";
  return 0;
}

} // namespace

void print_summary(const std::string& path, const SummaryOptions& opt, std::ostream& os) {
  if (opt.format != "text" && opt.format != "csv" && opt.format != "markdown" && opt.format != "json")
    throw std::runtime_error("--format: '" + opt.format + "' is not text, csv, markdown or json");
  const std::vector<Section> secs = summary_sections(path, opt);
  if (opt.format == "csv")
    render_csv(secs, os);
  else if (opt.format == "json")
    render_json(path, secs, os);
  else
    render_text(secs, opt.format == "markdown", os);
}

void print_inspect(const std::string& path, std::ostream& os) {
  File F(path);
  os << "file " << path << "\nglobal attributes:\n";
  hsize_t idx = 0;
  H5Aiterate2(F.f, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_list, &os);
  os << "datasets (dimensions; long_name [units]):\n";
  InspectCtx ctx{&os, F.f};
  H5Ovisit2(F.f, H5_INDEX_NAME, H5_ITER_INC, visit, &ctx, H5O_INFO_BASIC);
}

} // namespace corridor
