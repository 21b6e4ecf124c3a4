#include "sweep.h"

#include <gsl/gsl_cdf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "../kernels/plans.h"
#include "h5.h"
#include "model_build.h"
#include "output.h"

namespace corridor {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ975 = 1.959963984540054; // the standard normal's 97.5% quantile

const char* const kDistributions[] = {"uniform", "triangular", "normal", "loguniform"};
const std::set<std::string> kRangeColumns{"table", "row",  "column",   "distribution", "low",
                                          "high",  "mode", "relative", "source",       "note"};

bool parse_flag(const std::string& s, bool& v) {
  if (s.empty() || s == "0" || s == "no" || s == "false") return v = false, true;
  if (s == "1" || s == "yes" || s == "true") return v = true, true;
  return false;
}

// the row of `t` whose id is `row` (tables with an id column), else a 1-based row number
bool find_row(const Table& t, const std::string& row, size_t& r) {
  const auto ids = t.str.find("id");
  if (ids != t.str.end()) {
    const auto it = std::find(ids->second.begin(), ids->second.end(), row);
    if (it == ids->second.end()) return false;
    r = static_cast<size_t>(it - ids->second.begin());
    return true;
  }
  double n = 0;
  if (!parse_value(row, 'i', false, n).empty() || n < 1 || n > static_cast<double>(t.rows)) return false;
  r = static_cast<size_t>(n) - 1;
  return true;
}

// the problem of one range row ("" when good); fills the field's place in the input
std::string check_range(RangeSpec& s, const Input& base) {
  const TableDef* def = find_table(s.table);
  const auto tab = base.tables.find(s.table);
  if (!def || tab == base.tables.end()) return "unknown table '" + s.table + "'";
  const auto col =
      std::find_if(def->cols.begin(), def->cols.end(), [&](const ColumnDef& c) { return c.name == s.column; });
  if (col == def->cols.end()) return "unknown column '" + s.column + "' of table " + s.table;
  if (col->type == 's') return "column " + s.table + "." + s.column + " is not numeric";
  s.type = col->type;
  const Table& t = tab->second;
  if (!find_row(t, s.row, s.row_index))
    return "unknown row '" + s.row + "' of table " + s.table +
           (t.str.count("id") ? " (no such id)" : " (give its 1-based row number)");
  const auto num = t.num.find(s.column);
  s.base = num == t.num.end() ? kNaN : num->second[s.row_index];
  if (std::find(std::begin(kDistributions), std::end(kDistributions), s.distribution) == std::end(kDistributions))
    return "unknown distribution '" + s.distribution + "' (uniform, triangular, normal or loguniform)";
  if (s.low > s.high) return "low " + format_number(s.low) + " > high " + format_number(s.high);
  if (s.distribution == "triangular" && !(s.mode >= s.low && s.mode <= s.high))
    return "mode " + format_number(s.mode) + " is not within [low, high] for a triangular distribution";
  if (s.distribution == "loguniform" && !(s.low > 0)) return "loguniform needs low > 0";
  if (s.relative && !std::isfinite(s.base)) return "relative range of " + s.name() + ", whose base value is empty";
  return "";
}

} // namespace

std::vector<RangeSpec> parse_ranges(const std::string& text, const std::string& where, const Input& base) {
  std::vector<long> lines;
  const auto rows = parse_csv(text, where, &lines);
  std::vector<std::string> err;
  if (rows.empty()) throw InputError({where + ": empty; a ranges file has a header and one row per parameter"});
  std::map<std::string, size_t> col;
  for (size_t c = 0; c < rows[0].size(); ++c) {
    if (!kRangeColumns.count(rows[0][c])) err.push_back(where + ": unknown column '" + rows[0][c] + "' in the header");
    col[rows[0][c]] = c;
  }
  for (const char* need : {"table", "row", "column", "distribution", "low", "high"})
    if (!col.count(need)) err.push_back(where + ": the header lacks the column '" + std::string(need) + "'");
  if (!err.empty()) throw InputError(err);
  if (rows.size() < 2) throw InputError({where + ": no parameters (one row per parameter after the header)"});
  std::vector<RangeSpec> out;
  std::set<std::string> seen;
  for (size_t r = 1; r < rows.size(); ++r) {
    const std::string at =
        where + ": row " + std::to_string(r) + (r < lines.size() ? " (line " + std::to_string(lines[r]) + ")" : "");
    const auto& f = rows[r];
    if (f.size() != rows[0].size()) {
      err.push_back(at + ": " + std::to_string(f.size()) + " fields, header has " + std::to_string(rows[0].size()));
      continue;
    }
    const auto field = [&](const char* c) { return col.count(c) ? f[col.at(c)] : std::string(); };
    RangeSpec s;
    s.table = field("table"), s.row = field("row"), s.column = field("column"), s.distribution = field("distribution");
    s.source = field("source");
    std::string bad;
    for (const char* c : {"low", "high"}) {
      double v = 0;
      if (const std::string p = parse_value(field(c), 'r', false, v); !p.empty()) bad = std::string(c) + ": " + p;
      (std::string(c) == "low" ? s.low : s.high) = v;
    }
    if (bad.empty() && !field("mode").empty())
      if (const std::string p = parse_value(field("mode"), 'r', false, s.mode); !p.empty()) bad = "mode: " + p;
    if (bad.empty() && s.distribution == "triangular" && field("mode").empty()) bad = "triangular needs a mode";
    if (bad.empty() && !parse_flag(field("relative"), s.relative))
      bad = "relative: '" + field("relative") + "' is not 0, 1, yes, no, true or false";
    if (bad.empty()) bad = check_range(s, base);
    if (bad.empty() && !seen.insert(s.name()).second) bad = "parameter " + s.name() + " given twice";
    if (!bad.empty()) {
      err.push_back(at + ": " + bad);
      continue;
    }
    out.push_back(s);
  }
  if (!err.empty()) throw InputError(err);
  return out;
}

std::vector<RangeSpec> read_ranges(const std::string& path, const Input& base) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError({path + ": cannot read the ranges file"});
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_ranges(ss.str(), path, base);
}

double range_value(const RangeSpec& r, double u, bool grid) {
  u = std::min(std::max(u, 0.0), 1.0);
  double v;
  if (r.distribution == "loguniform") {
    v = std::exp(std::log(r.low) + u * (std::log(r.high) - std::log(r.low)));
  } else if (grid || r.distribution == "uniform") {
    v = r.low + u * (r.high - r.low);
  } else if (r.distribution == "triangular") {
    const double w = r.high - r.low, c = w > 0 ? (r.mode - r.low) / w : 0;
    v = u < c ? r.low + std::sqrt(u * w * (r.mode - r.low)) : r.high - std::sqrt((1 - u) * w * (r.high - r.mode));
  } else { // normal: low and high are the 2.5% and 97.5% quantiles
    const double uc = std::min(std::max(u, 0x1.0p-53), 1 - 0x1.0p-53);
    v = 0.5 * (r.low + r.high) + (r.high - r.low) / (2 * kZ975) * gsl_cdf_ugaussian_Pinv(uc);
  }
  if (r.relative) v *= r.base;
  if (r.type == 'i') v = std::nearbyint(v);
  return v;
}

void set_fields(Input& in, const std::vector<RangeSpec>& ranges, const double* values) {
  for (size_t j = 0; j < ranges.size(); ++j) {
    Table& t = in.tables.at(ranges[j].table);
    auto& col = t.num[ranges[j].column];
    if (col.size() < t.rows) col.resize(t.rows, kNaN);
    col[ranges[j].row_index] = values[j];
  }
}

SweepResult sweep_design(const std::vector<RangeSpec>& ranges, const SweepOptions& o,
                         const std::vector<std::string>& responses, const PointEval& eval) {
  SweepResult r;
  r.design = o.design, r.N = o.N, r.d = static_cast<int>(ranges.size()), r.K = static_cast<int>(responses.size());
  for (const auto& s : ranges) r.parameters.push_back(s.name());
  r.responses = responses;
  r.points = design_points(o.design, o.N, r.d);
  r.sobol = o.design == "sobol";
  r.unit = r.sobol             ? saltelli_design(o.N, r.d)
           : o.design == "lhs" ? lhs_design(o.N, r.d, o.seed)
                               : grid_design(o.N, r.d);
  const size_t d = static_cast<size_t>(r.d), K = static_cast<size_t>(r.K);
  r.values.resize(r.unit.size());
  for (uint64_t p = 0; p < r.points; ++p)
    for (size_t j = 0; j < d; ++j) r.values[p * d + j] = range_value(ranges[j], r.unit[p * d + j], o.design == "grid");
  r.y.assign(r.points * K, kNaN), r.sem.assign(r.points * K, kNaN);
  if (o.check)
    for (uint64_t p = 0; p < r.points; ++p) o.check(p, &r.values[p * d]);
  for (uint64_t p = 0; p < r.points; ++p) {
    eval(p, &r.values[p * d], &r.y[p * K], &r.sem[p * K]);
    if (o.progress) o.progress(static_cast<double>(p + 1) / static_cast<double>(r.points));
  }
  // the variance over the points (sobol: the A and B points, independent
  // draws of the parameters) and its Monte Carlo part
  std::vector<uint64_t> pts;
  for (uint64_t p = 0; p < r.points; ++p)
    if (!r.sobol || p % (d + 2) < 2) pts.push_back(p);
  r.var_total.assign(K, kNaN), r.var_mc.assign(K, kNaN), r.var_param.assign(K, kNaN);
  for (size_t k = 0; k < K; ++k) {
    // shifted by one value first, so that a constant response has exactly no variance
    const double y0 = r.y[pts[0] * K + k];
    double mean = 0, ss = 0, mc = 0;
    for (uint64_t p : pts) mean += r.y[p * K + k] - y0;
    mean = y0 + mean / static_cast<double>(pts.size());
    for (uint64_t p : pts) {
      const double e = r.y[p * K + k] - mean, s = r.sem[p * K + k];
      ss += e * e, mc += s * s;
    }
    if (pts.size() > 1) r.var_total[k] = ss / static_cast<double>(pts.size() - 1);
    r.var_mc[k] = mc / static_cast<double>(pts.size());
    // with common random numbers the paths' error is shared by every point: it moves
    // them together, so the variance over the points can hold less of it than sem^2
    r.var_param[k] = std::max(r.var_total[k] - r.var_mc[k], 0.0);
  }
  if (r.sobol) r.indices = sobol_indices(r.y, o.N, r.d, r.K, o.bootstrap, o.seed ^ 0x5eedb007u);
  return r;
}

// ------------------------------------------------------ the model's sweep ----
namespace {

// One response of a run: a cell's statistic (stat, sem: -1 none), or the
// ratio of the sums of two sets of cells' means (unserved share).
struct Response {
  std::string name, long_name, units;
  int cell = -1, stat = 0, sem = -1;
  std::vector<int> num, den;
};

std::vector<Response> model_responses(const HostModel& m, const ModelInfo& info) {
  const ModelView v = m.view();
  const int y = m.Y - 1, nq = 1; // the quantiles asked: the median
  std::vector<Response> out;
  for (size_t k = 0; k < info.metrics.size(); ++k) {
    const std::string& mk = info.metrics[k];
    const std::string unit = k < info.metric_units.size() ? info.metric_units[k] : "";
    const int cell = v.agg_cell(info.agg_total[k], y);
    out.push_back({"total_mean/" + mk, "mean Xinjiang total served " + mk, unit, cell, 0, 2, {}, {}});
    out.push_back({"total_median/" + mk, "median Xinjiang total served " + mk, unit, cell, 3, -1, {}, {}});
    Response u{"unserved_share/" + mk, "mean unserved over mean demand, load series of " + mk, "1", -1, 0, -1, {}, {}};
    bool capacitated = false;
    for (int s = 0; s < m.S; ++s) {
      if (m.kind[s] != kLoad || info.series_metric[s] != mk) continue;
      capacitated |= m.route_begin[s + 1] > m.route_begin[s];
      u.num.push_back(v.series_cell(s, kUnserved, y));
      u.den.push_back(v.series_cell(s, kDemand, y));
    }
    if (capacitated) out.push_back(u);
  }
  for (int g = 0; g < m.G; ++g)
    out.push_back({"p_over_capacity/" + info.groups[g],
                   "probability that demand exceeds capacity at " + info.groups[g],
                   "1",
                   v.group_cell(g, kOver, y),
                   3 + nq,
                   2,
                   {},
                   {}});
  return out;
}

bool matches(const std::string& name, const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == '*')
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  return name == pattern;
}

std::vector<Response> chosen_responses(const std::vector<Response>& all, const std::vector<std::string>& want) {
  if (want.empty()) return all;
  std::vector<Response> out;
  for (const std::string& w : want) {
    bool any = false;
    for (const Response& r : all)
      if (matches(r.name, w)) {
        any = true;
        if (std::none_of(out.begin(), out.end(), [&](const Response& x) { return x.name == r.name; })) out.push_back(r);
      }
    if (!any)
      throw InputError({"--responses: '" + w +
                        "' names no response (e.g. total_mean/<metric>, total_median/<metric>, "
                        "unserved_share/<metric>, p_over_capacity/<group>, or a prefix ending in *)"});
  }
  return out;
}

// The model of scenario `sc` alone: its paths are those of the full run
// (the random numbers do not depend on the scenario).
HostModel one_scenario(const HostModel& m, int sc) {
  HostModel o = m;
  if (m.NS == 1) return o;
  o.NS = 1;
  for (auto* v :
       {&o.sc_region_prob, &o.sc_region_mean, &o.sc_region_sd, &o.sc_partner_prob, &o.sc_partner_mean, &o.sc_partner_sd,
        &o.sc_rho, &o.sc_closure_scale, &o.sc_friction, &o.sc_cross_mode, &o.sc_route_choice, &o.sc_responsive}) {
    const double x = (*v)[static_cast<size_t>(sc)];
    v->assign(1, x);
  }
  const size_t sy = static_cast<size_t>(m.S) * m.Y;
  o.adjust.assign(m.adjust.begin() + static_cast<long>(sy * sc), m.adjust.begin() + static_cast<long>(sy * (sc + 1)));
  o.exp_dist_begin.assign(1, 0);
  o.exp_dist_step.clear(), o.exp_dist_cum.clear();
  for (int e = 0; e < m.E; ++e) {
    for (int i = m.exp_dist_begin[sc * m.E + e]; i < m.exp_dist_begin[sc * m.E + e + 1]; ++i) {
      o.exp_dist_step.push_back(m.exp_dist_step[i]);
      o.exp_dist_cum.push_back(m.exp_dist_cum[i]);
    }
    o.exp_dist_begin.push_back(static_cast<int>(o.exp_dist_step.size()));
  }
  if (const std::string p = o.size_problem(); !p.empty())
    throw std::logic_error("sweep: slicing scenario " + std::to_string(sc) + " of the model: " + p);
  return o;
}

// The plan p with only the cells in `needed` (and what they alias) computed:
// every other stored or counted cell becomes a zero, so the run stores and
// summarises the responses' cells alone (the paths are simulated in full).
void restrict_plan(CellPlan& p, const std::vector<int>& needed) {
  std::vector<char> keep(static_cast<size_t>(p.cells), 0);
  for (int c : needed) {
    keep[static_cast<size_t>(c)] = 1;
    if (p.alias_of.size() > static_cast<size_t>(c) && p.alias_of[static_cast<size_t>(c)] >= 0)
      keep[static_cast<size_t>(p.alias_of[static_cast<size_t>(c)])] = 1;
  }
  for (size_t sc = 0; sc < p.stored.size(); ++sc) {
    int* kind = p.kind.data() + sc * static_cast<size_t>(p.cells);
    p.stored[sc].clear(), p.counted[sc].clear();
    for (int c = 0; c < p.cells; ++c) {
      if (!keep[static_cast<size_t>(c)] && (kind[c] == CellPlan::kStored || kind[c] == CellPlan::kCount))
        kind[c] = CellPlan::kZero;
      if (kind[c] == CellPlan::kStored) p.stored[sc].push_back(c);
      if (kind[c] == CellPlan::kCount) p.counted[sc].push_back(c);
    }
  }
}

std::string point_text(const std::vector<RangeSpec>& ranges, const double* v) {
  std::string s;
  for (size_t j = 0; j < ranges.size(); ++j) s += (j ? ", " : "") + ranges[j].name() + " = " + format_number(v[j]);
  return s;
}

} // namespace

SweepResult run_sweep(const Input& base, const std::vector<RangeSpec>& ranges, const SweepOptions& o, Backend& be) {
  ModelInfo info;
  const HostModel m0 = build_model(base, info);
  int sc = 0;
  if (!o.scenario.empty()) {
    const auto it = std::find(info.scenarios.begin(), info.scenarios.end(), o.scenario);
    if (it == info.scenarios.end())
      throw InputError({"--scenario: '" + o.scenario + "' is not a scenario of the input"});
    sc = static_cast<int>(it - info.scenarios.begin());
  }
  const std::vector<Response> resp = chosen_responses(model_responses(m0, info), o.responses);
  std::vector<std::string> names;
  names.reserve(resp.size());
  for (const Response& r : resp) names.push_back(r.name);
  RunConfig cfg;
  cfg.paths = o.paths, cfg.seed = o.seed, cfg.threads = o.threads, cfg.probs = {0.5};
  std::vector<int> needed;
  for (const Response& r : resp) {
    if (r.cell >= 0) needed.push_back(r.cell);
    needed.insert(needed.end(), r.num.begin(), r.num.end());
    needed.insert(needed.end(), r.den.begin(), r.den.end());
  }
  Input in = base; // the working copy: every point sets every swept field
  const auto point_model = [&](uint64_t p, const double* values) {
    set_fields(in, ranges, values);
    ModelInfo pi;
    try {
      return build_model(in, pi);
    } catch (const InputError& e) {
      std::vector<std::string> lines{"design point " + std::to_string(p) + " (" + point_text(ranges, values) +
                                     ") is not a valid input:"};
      lines.insert(lines.end(), e.lines.begin(), e.lines.end());
      throw InputError(lines);
    }
  };
  SweepOptions opt = o;
  opt.check = [&](uint64_t p, const double* values) { point_model(p, values); };
  const PointEval eval = [&](uint64_t p, const double* values, double* y, double* sem) {
    const HostModel m = one_scenario(point_model(p, values), sc);
    CellPlan plan = make_cell_plan(m, 0.9);
    restrict_plan(plan, needed);
    RunResult res;
    be.run(m, plan, cfg, res);
    const size_t W = static_cast<size_t>(res.width);
    const auto st = [&](int cell, int k) { return res.stats[static_cast<size_t>(cell) * W + static_cast<size_t>(k)]; };
    for (size_t k = 0; k < resp.size(); ++k) {
      const Response& r = resp[k];
      if (r.cell >= 0) {
        y[k] = st(r.cell, r.stat);
        sem[k] = r.sem >= 0 ? st(r.cell, r.sem) : kNaN;
      } else {
        double a = 0, b = 0;
        for (int c : r.num) a += st(c, 0);
        for (int c : r.den) b += st(c, 0);
        y[k] = b > 0 ? a / b : 0;
        sem[k] = kNaN;
      }
    }
  };
  SweepResult r = sweep_design(ranges, opt, names, eval);
  r.scenario = info.scenarios[static_cast<size_t>(sc)];
  r.year = info.horizon_year;
  for (const Response& x : resp) r.response_long.push_back(x.long_name), r.response_units.push_back(x.units);
  return r;
}

// ---------------------------------------------------------------- output ----

void write_sweep_file(hid_t f, const SweepResult& r, const std::vector<RangeSpec>& ranges, const SweepOptions& o,
                      const SweepProvenance& p) {
  h5::DimScales d{f, {}, {}};
  std::vector<long long> pt(r.points);
  for (uint64_t i = 0; i < r.points; ++i) pt[i] = static_cast<long long>(i);
  h5::write_ints(f, "point", {r.points}, pt.data(), false);
  d.make_scale("point", "design point", "");
  h5::write_strings(f, "parameter", r.parameters);
  d.make_scale("parameter", "swept input field: table/row/column", "");
  h5::write_strings(f, "response", r.responses);
  d.make_scale("response", "response: statistic/metric or statistic/group, in the horizon year", "");
  std::vector<double> lo, hi, mode, base;
  std::vector<long long> rel;
  std::vector<std::string> dist, src;
  for (const auto& s : ranges) {
    lo.push_back(s.low), hi.push_back(s.high), mode.push_back(s.mode), base.push_back(s.base);
    rel.push_back(s.relative), dist.push_back(s.distribution), src.push_back(s.source);
  }
  d.doubles("design", {"point", "parameter"}, r.values, "", "value of each swept field at each design point");
  d.doubles("design_unit", {"point", "parameter"}, r.unit, "1", "the design point in the unit cube");
  d.strings("parameter_distribution", "parameter", dist, "distribution of the parameter");
  d.doubles("parameter_low", {"parameter"}, lo, "", "low end of the range (normal: 2.5% quantile)");
  d.doubles("parameter_high", {"parameter"}, hi, "", "high end of the range (normal: 97.5% quantile)");
  d.doubles("parameter_mode", {"parameter"}, mode, "", "mode (triangular)");
  d.doubles("parameter_base", {"parameter"}, base, "", "the field's value in the base input");
  h5::write_ints(f, "parameter_relative", {rel.size()}, rel.data(), false);
  d.attach("parameter_relative", {"parameter"}, "", "1: the values multiply the base value");
  d.strings("parameter_source", "parameter", src, "source or reason of the range");
  d.strings("response_long_name", "response", r.response_long, "what the response is");
  d.strings("response_units", "response", r.response_units, "units of the response");
  d.doubles("response_value", {"point", "response"}, r.y, "", "the response at each design point");
  d.doubles("response_sem", {"point", "response"}, r.sem, "",
            "Monte Carlo standard error of the response (means and probabilities; NaN for others)");
  d.doubles("variance_total", {"response"}, r.var_total, "",
            "variance of the response over the design (sobol: its A and B points)");
  d.doubles("variance_mc", {"response"}, r.var_mc, "",
            "Monte Carlo part of the variance: mean over the points of the squared standard error");
  d.doubles("variance_parameter", {"response"}, r.var_param, "",
            "the parameters' part of the variance: variance_total - variance_mc");
  if (r.sobol) {
    const auto& x = r.indices;
    d.doubles("sobol_first", {"response", "parameter"}, x.first, "1", "first-order Sobol index (Saltelli 2010)");
    d.doubles("sobol_first_lower", {"response", "parameter"}, x.first_lower, "1", "bootstrap 2.5% of sobol_first");
    d.doubles("sobol_first_upper", {"response", "parameter"}, x.first_upper, "1", "bootstrap 97.5% of sobol_first");
    d.doubles("sobol_total", {"response", "parameter"}, x.total, "1", "total Sobol index (Jansen 1999)");
    d.doubles("sobol_total_lower", {"response", "parameter"}, x.total_lower, "1", "bootstrap 2.5% of sobol_total");
    d.doubles("sobol_total_upper", {"response", "parameter"}, x.total_upper, "1", "bootstrap 97.5% of sobol_total");
  }
  h5::write_attr_string(f, "title",
                        "Corridor sweep of " + p.input + " (" + r.design + ", scenario " + r.scenario + ")");
  h5::write_attr_string(f, "design", r.design);
  h5::write_attr_int(f, "design_n", r.N);
  h5::write_attr_int(f, "points", static_cast<long long>(r.points));
  h5::write_attr_int(f, "paths", o.paths);
  h5::write_attr_uint(f, "seed", o.seed);
  h5::write_attr_int(f, "bootstrap", r.sobol ? o.bootstrap : 0);
  h5::write_attr_string(f, "scenario", r.scenario);
  h5::write_attr_int(f, "year", r.year);
  h5::write_attr_string(f, "corridor_version", corridor_version());
  h5::write_attr_string(f, "git_sha", git_sha());
  h5::write_attr_string(f, "input", p.input);
  h5::write_attr_string(f, "input_sha256", p.input_sha256);
  h5::write_attr_string(f, "ranges", p.ranges);
  h5::write_attr_string(f, "ranges_sha256", p.ranges_sha256);
}

std::string sweep_table(const SweepResult& r) {
  std::string s;
  char buf[512];
  const size_t K = static_cast<size_t>(r.K), d = static_cast<size_t>(r.d);
  std::snprintf(buf, sizeof buf, "corridor sweep: %s design, %llu points, scenario %s, year %d\n", r.design.c_str(),
                static_cast<unsigned long long>(r.points), r.scenario.c_str(), r.year);
  s += buf;
  for (size_t k = 0; k < K; ++k) {
    double lo = INFINITY, hi = -INFINITY, mean = 0;
    for (uint64_t p = 0; p < r.points; ++p) {
      const double v = r.y[p * K + k];
      lo = std::min(lo, v), hi = std::max(hi, v), mean += v;
    }
    mean /= static_cast<double>(r.points);
    std::snprintf(buf, sizeof buf, "\n%s: min %.4g, mean %.4g, max %.4g; variance %.4g, of which Monte Carlo %.3g\n",
                  r.responses[k].c_str(), lo, mean, hi, r.var_total[k], r.var_mc[k]);
    s += buf;
    if (!r.sobol) continue;
    if (std::isnan(r.indices.first[k * d])) {
      s += "  no variance over the design: no indices\n";
      continue;
    }
    std::snprintf(buf, sizeof buf, "  %-40s %22s %22s\n", "parameter", "first [95%]", "total [95%]");
    s += buf;
    for (size_t j = 0; j < d; ++j) {
      const size_t c = k * d + j;
      const auto& x = r.indices;
      std::snprintf(buf, sizeof buf, "  %-40s %6.3f [%6.3f,%6.3f] %6.3f [%6.3f,%6.3f]\n", r.parameters[j].c_str(),
                    x.first[c], x.first_lower[c], x.first_upper[c], x.total[c], x.total_lower[c], x.total_upper[c]);
      s += buf;
    }
  }
  return s;
}

} // namespace corridor
