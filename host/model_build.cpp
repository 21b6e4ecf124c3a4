#include "model_build.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace corridor {

const std::vector<std::string> kModes = {"rail", "road", "air", "pipeline"};

namespace {

struct Checker {
  std::vector<std::string> err;
  void add(const Table& t, size_t r, const std::string& col, const std::string& what) {
    err.push_back(t.where + ": " + t.row_ref(r) + ": column '" + col + "': " + what);
  }
  // numeric checks; return false when reported
  bool finite(const Table& t, size_t r, const std::string& col) {
    const double v = t.num.at(col)[r];
    if (std::isnan(v)) return add(t, r, col, "NaN"), false;
    if (std::isinf(v)) return add(t, r, col, "infinite value"), false;
    return true;
  }
  void range(const Table& t, size_t r, const std::string& col, double lo, double hi, const std::string& what) {
    if (!finite(t, r, col)) return;
    const double v = t.num.at(col)[r];
    if (v < lo || v > hi) add(t, r, col, format_number(v) + " " + what);
  }
  void positive(const Table& t, size_t r, const std::string& col) {
    if (!finite(t, r, col)) return;
    if (!(t.num.at(col)[r] > 0)) add(t, r, col, format_number(t.num.at(col)[r]) + " must be > 0");
  }
  void nonneg(const Table& t, size_t r, const std::string& col) {
    if (!finite(t, r, col)) return;
    if (t.num.at(col)[r] < 0) add(t, r, col, "negative value " + format_number(t.num.at(col)[r]));
  }
  void prob(const Table& t, size_t r, const std::string& col) {
    range(t, r, col, 0, 1, "is not a probability in [0, 1]");
  }
};

std::map<std::string, int> index_ids(const Table& t, const std::string& col, Checker& ck) {
  std::map<std::string, int> m;
  const auto& v = t.str.at(col);
  for (size_t r = 0; r < t.rows; ++r) {
    if (v[r].empty())
      ck.add(t, r, col, "empty id");
    else if (!m.emplace(v[r], static_cast<int>(r)).second)
      ck.add(t, r, col, "duplicate id '" + v[r] + "'");
  }
  return m;
}

std::vector<std::string> split_bar(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, '|')) out.push_back(x);
  return out;
}

int find_mode(const std::string& m) {
  for (size_t i = 0; i < kModes.size(); ++i)
    if (kModes[i] == m) return static_cast<int>(i);
  return -1;
}

struct Meta {
  int base = 0, horizon = 0;
};

Meta check_meta(const Input& in, Checker& ck) {
  Meta mt;
  const std::string where = in.origin + ": meta";
  auto num = [&](const std::string& k, int& out) {
    const auto it = in.meta.find(k);
    if (it == in.meta.end()) {
      ck.err.push_back(where + ": missing '" + k + "'");
      return false;
    }
    char* e = nullptr;
    const double v = std::strtod(it->second.c_str(), &e);
    if (e == it->second.c_str() || *e || v != std::floor(v)) {
      ck.err.push_back(where + ": '" + k + "' = '" + it->second + "' is not an integer");
      return false;
    }
    out = static_cast<int>(v);
    return true;
  };
  int version = 0;
  if (num("schema_version", version)) {
    if (version > kSchemaVersion)
      ck.err.push_back(where + ": schema_version " + std::to_string(version) + " is newer than this build reads (" +
                       std::to_string(kSchemaVersion) + "); upgrade corridor");
    else if (version < 1)
      ck.err.push_back(where + ": schema_version " + std::to_string(version) + " is not a valid version");
  }
  if (!in.meta.count("title")) ck.err.push_back(where + ": missing 'title'");
  const bool b = num("base_year", mt.base), h = num("horizon_year", mt.horizon);
  if (b && h && mt.horizon <= mt.base)
    ck.err.push_back(where + ": horizon_year " + std::to_string(mt.horizon) + " is not after base_year " +
                     std::to_string(mt.base));
  if (b && h && mt.horizon - mt.base > 200)
    ck.err.push_back(where + ": horizon_year - base_year is more than 200 years");
  for (const auto& kv : in.meta) {
    bool known = false;
    for (const auto& md : meta_schema()) known |= md.key == kv.first;
    if (!known) ck.err.push_back(where + ": unknown key '" + kv.first + "'");
  }
  return mt;
}

// The input's tables, by name.
struct Tables {
  const Table &ports, &partners, &metrics, &series, &groups, &exps, &eyears, &scen, &adj, &targets, &hist;
  explicit Tables(const Input& in)
      : ports(in.tables.at("ports")), partners(in.tables.at("partners")), metrics(in.tables.at("metrics")),
        series(in.tables.at("series")), groups(in.tables.at("groups")), exps(in.tables.at("expansions")),
        eyears(in.tables.at("expansion_years")), scen(in.tables.at("scenarios")), adj(in.tables.at("adjustments")),
        targets(in.tables.at("targets")), hist(in.tables.at("history")) {}
};

// A growth adjustment row, its references resolved (-2: '*', every one).
struct Adjustment {
  int sc, port, partner, mode, metric, y0, y1;
  double g;
};

// What validation resolves and assembly uses: the rows' references as
// indices, the capacity group of each (port, mode, metric), the opening-year
// distributions and the adjustments.
struct Resolved {
  Meta mt;
  std::map<std::string, int> port_id, partner_id, metric_id, series_id, group_id, exp_id, scen_id;
  std::vector<int> s_port, s_partner, s_mode, s_metric, s_kind, s_source;  // per series
  std::vector<int> g_port, g_mode, g_metric;                               // per group
  std::map<std::tuple<int, int, int>, int> group_key;                      // (port, mode, metric) -> group
  std::vector<int> e_group;                                                // per expansion
  std::map<std::pair<int, int>, std::vector<std::pair<int, double>>> dist; // (exp, scen or -2) -> (year, p)
  std::vector<Adjustment> adjs;
};

// Checks every table of an input, one after another, collecting every
// problem in ck and resolving references into r.
class Validator {
public:
  Validator(const Input& in, const Tables& t, Checker& ck, Resolved& r) : in_(in), t_(t), ck_(ck), r_(r) {}
  void run() {
    r_.mt = check_meta(in_, ck_);
    check_ids();
    check_ports();
    check_partners();
    check_series();
    check_series_sources();
    check_groups();
    check_expansions();
    check_opening_years();
    check_scenarios();
    check_adjustments();
    check_targets();
    check_history();
  }

private:
  // the row's reference in `col` to one of `ids` (star: '*' allowed, -2); -1 when unknown
  int ref(const Table& t, size_t r, const std::string& col, const std::map<std::string, int>& ids,
          const std::string& what, bool star = false) {
    const std::string& v = t.str.at(col)[r];
    if (star && v == "*") return -2;
    const auto it = ids.find(v);
    if (it == ids.end()) {
      ck_.add(t, r, col, "unknown " + what + " '" + v + "'");
      return -1;
    }
    return it->second;
  }
  int mode_ref(const Table& t, size_t r, const std::string& col, bool star = false) {
    const std::string& v = t.str.at(col)[r];
    if (star && v == "*") return -2;
    const int m = find_mode(v);
    if (m < 0) ck_.add(t, r, col, "unknown mode '" + v + "' (rail, road, air or pipeline)");
    return m;
  }

  void check_ids() {
    r_.port_id = index_ids(t_.ports, "id", ck_);
    r_.partner_id = index_ids(t_.partners, "id", ck_);
    r_.metric_id = index_ids(t_.metrics, "id", ck_);
    r_.series_id = index_ids(t_.series, "id", ck_);
    r_.group_id = index_ids(t_.groups, "id", ck_);
    r_.exp_id = index_ids(t_.exps, "id", ck_);
    r_.scen_id = index_ids(t_.scen, "id", ck_);
    index_ids(t_.targets, "id", ck_);
    if (t_.ports.rows == 0) ck_.err.push_back(t_.ports.where + ": no ports");
    if (t_.partners.rows == 0) ck_.err.push_back(t_.partners.where + ": no partners");
    if (t_.series.rows == 0) ck_.err.push_back(t_.series.where + ": no series");
    if (t_.scen.rows == 0) ck_.err.push_back(t_.scen.where + ": no scenarios (the first one is the baseline)");
  }

  void check_ports() {
    const Table& ports = t_.ports;
    for (size_t r = 0; r < ports.rows; ++r) {
      const std::string& k = ports.str.at("kind")[r];
      if (k != "land" && k != "air" && k != "pipeline")
        ck_.add(ports, r, "kind", "'" + k + "' is not land, air or pipeline");
      ck_.range(ports, r, "lat", -90, 90, "is not a latitude");
      ck_.range(ports, r, "lon", -180, 180, "is not a longitude");
      ck_.prob(ports, r, "closure_prob");
      ck_.prob(ports, r, "closure_loss_min");
      ck_.prob(ports, r, "closure_loss_max");
      if (ports.num.at("closure_loss_min")[r] > ports.num.at("closure_loss_max")[r])
        ck_.add(ports, r, "closure_loss_min", "is larger than closure_loss_max");
    }
  }

  void check_partners() {
    const Table& partners = t_.partners;
    for (size_t r = 0; r < partners.rows; ++r) {
      if (!std::isnan(partners.num.at("lat")[r]) || !std::isnan(partners.num.at("lon")[r])) {
        ck_.range(partners, r, "lat", -90, 90, "is not a latitude");
        ck_.range(partners, r, "lon", -180, 180, "is not a longitude");
      }
      const std::string& k = partners.str.at("kind")[r];
      if (k != "partner" && k != "transit") ck_.add(partners, r, "kind", "'" + k + "' is not partner or transit");
    }
  }

  void check_series() {
    const Table& series = t_.series;
    const size_t n = series.rows;
    r_.s_port.assign(n, 0), r_.s_partner.assign(n, 0), r_.s_mode.assign(n, 0), r_.s_metric.assign(n, 0);
    r_.s_kind.assign(n, 0), r_.s_source.assign(n, -1);
    for (size_t r = 0; r < n; ++r) {
      r_.s_port[r] = ref(series, r, "port", r_.port_id, "port");
      r_.s_partner[r] = ref(series, r, "partner", r_.partner_id, "partner");
      r_.s_mode[r] = mode_ref(series, r, "mode");
      r_.s_metric[r] = ref(series, r, "metric", r_.metric_id, "metric");
      const std::string& k = series.str.at("kind")[r];
      r_.s_kind[r] = k == "load" ? kLoad : k == "derived" ? kDerived : -1;
      if (r_.s_kind[r] < 0) ck_.add(series, r, "kind", "'" + k + "' is not load or derived");
      ck_.positive(series, r, "base_value");
      ck_.range(series, r, "mu", -1, 1, "is outside [-1, 1] (log growth per year)");
      ck_.nonneg(series, r, "tau");
      ck_.nonneg(series, r, "sigma");
      ck_.range(series, r, "phi", -0.99, 0.99, "is outside [-0.99, 0.99]");
      for (const char* c : {"b_region", "b_partner", "b_port"}) ck_.range(series, r, c, -1, 1, "is outside [-1, 1]");
      ck_.nonneg(series, r, "shock_exposure");
      ck_.finite(series, r, "tau");
      if (r_.s_kind[r] == kLoad && !series.str.at("source_series")[r].empty())
        ck_.add(series, r, "source_series", "a load series has no source_series");
    }
  }

  // a derived series' source: a load series of the same port, partner and mode
  void check_series_sources() {
    const Table& series = t_.series;
    for (size_t r = 0; r < series.rows; ++r) {
      if (r_.s_kind[r] != kDerived) continue;
      const int l = ref(series, r, "source_series", r_.series_id, "series");
      if (l < 0) continue;
      if (r_.s_kind[l] != kLoad)
        ck_.add(series, r, "source_series", "'" + series.str.at("id")[l] + "' is not a load series");
      else if (r_.s_port[l] != r_.s_port[r] || r_.s_partner[l] != r_.s_partner[r] || r_.s_mode[l] != r_.s_mode[r])
        ck_.add(series, r, "source_series",
                "'" + series.str.at("id")[l] + "' is not of the same port, partner and mode");
      r_.s_source[r] = l;
    }
  }

  void check_groups() {
    const Table& groups = t_.groups;
    r_.g_port.assign(groups.rows, 0), r_.g_mode.assign(groups.rows, 0), r_.g_metric.assign(groups.rows, 0);
    for (size_t r = 0; r < groups.rows; ++r) {
      r_.g_port[r] = ref(groups, r, "port", r_.port_id, "port");
      r_.g_mode[r] = mode_ref(groups, r, "mode");
      r_.g_metric[r] = ref(groups, r, "metric", r_.metric_id, "metric");
      ck_.positive(groups, r, "capacity");
      ck_.range(groups, r, "overload", 1, 10, "is outside [1, 10]");
      if (r_.g_port[r] >= 0 && r_.g_mode[r] >= 0 && r_.g_metric[r] >= 0 &&
          !r_.group_key.emplace(std::make_tuple(r_.g_port[r], r_.g_mode[r], r_.g_metric[r]), static_cast<int>(r))
               .second)
        ck_.add(groups, r, "id", "a second group for the same port, mode and metric");
    }
  }

  void check_expansions() {
    const Table& exps = t_.exps;
    r_.e_group.assign(exps.rows, 0);
    for (size_t r = 0; r < exps.rows; ++r) {
      r_.e_group[r] = ref(exps, r, "group", r_.group_id, "group");
      ck_.positive(exps, r, "capacity_add");
    }
  }

  // expansion_years: years within the horizon, probabilities summing to 1
  // per expansion and scenario, and every expansion's years for every scenario
  void check_opening_years() {
    const Table &eyears = t_.eyears, &exps = t_.exps, &scen = t_.scen;
    const Meta& mt = r_.mt;
    for (size_t r = 0; r < eyears.rows; ++r) {
      const int e = ref(eyears, r, "expansion", r_.exp_id, "expansion");
      const int s = ref(eyears, r, "scenario", r_.scen_id, "scenario", true);
      ck_.prob(eyears, r, "probability");
      const double y = eyears.num.at("year")[r];
      if (ck_.finite(eyears, r, "year") && (y <= mt.base || y > mt.horizon + 1))
        ck_.add(eyears, r, "year",
                format_number(y) + " is outside the horizon (" + std::to_string(mt.base + 1) + ".." +
                    std::to_string(mt.horizon + 1) + ", the last meaning after the horizon)");
      if (e >= 0 && s != -1) r_.dist[{e, s}].push_back({static_cast<int>(y), eyears.num.at("probability")[r]});
    }
    for (const auto& kv : r_.dist) {
      double sum = 0;
      for (const auto& yp : kv.second) sum += yp.second;
      if (std::fabs(sum - 1.0) > 1e-9)
        ck_.err.push_back(eyears.where + ": expansion '" + exps.str.at("id")[kv.first.first] + "' scenario '" +
                          (kv.first.second < 0 ? std::string("*") : scen.str.at("id")[kv.first.second]) +
                          "': probabilities sum to " + format_number(sum) + ", not 1");
    }
    for (size_t e = 0; e < exps.rows; ++e)
      if (!r_.dist.count({static_cast<int>(e), -2}))
        for (size_t s = 0; s < scen.rows; ++s)
          if (!r_.dist.count({static_cast<int>(e), static_cast<int>(s)})) {
            ck_.err.push_back(eyears.where + ": expansion '" + exps.str.at("id")[e] +
                              "' has no opening years for scenario '" + scen.str.at("id")[s] + "' (and no '*' rows)");
            break;
          }
  }

  void check_scenarios() {
    const Table& scen = t_.scen;
    for (size_t r = 0; r < scen.rows; ++r) {
      ck_.prob(scen, r, "region_shock_prob");
      ck_.prob(scen, r, "partner_shock_prob");
      for (const char* c : {"region_shock_mean", "region_shock_sd", "partner_shock_mean", "partner_shock_sd"})
        ck_.range(scen, r, c, 0, 5, "is outside [0, 5] (log drop)");
      ck_.range(scen, r, "shock_decay", 0, 0.999, "is outside [0, 1)");
      ck_.range(scen, r, "closure_scale", 0, 100, "is outside [0, 100]");
      ck_.prob(scen, r, "diversion_friction");
      ck_.prob(scen, r, "cross_mode_share");
    }
  }

  void check_adjustments() {
    const Table& adj = t_.adj;
    const Meta& mt = r_.mt;
    for (size_t r = 0; r < adj.rows; ++r) {
      Adjustment a{};
      a.sc = ref(adj, r, "scenario", r_.scen_id, "scenario", true);
      a.port = ref(adj, r, "port", r_.port_id, "port", true);
      a.partner = ref(adj, r, "partner", r_.partner_id, "partner", true);
      a.mode = mode_ref(adj, r, "mode", true);
      a.metric = ref(adj, r, "metric", r_.metric_id, "metric", true);
      ck_.range(adj, r, "growth", -1, 1, "is outside [-1, 1]");
      const double y0 = adj.num.at("year_from")[r], y1 = adj.num.at("year_to")[r];
      if (y0 <= mt.base || y0 > mt.horizon)
        ck_.add(adj, r, "year_from",
                format_number(y0) + " is outside the horizon (" + std::to_string(mt.base + 1) + ".." +
                    std::to_string(mt.horizon) + ")");
      if (y1 < y0 || y1 > mt.horizon)
        ck_.add(adj, r, "year_to", format_number(y1) + " is before year_from or after the horizon");
      a.y0 = static_cast<int>(y0);
      a.y1 = static_cast<int>(y1);
      a.g = adj.num.at("growth")[r];
      r_.adjs.push_back(a);
    }
  }

  void check_targets() {
    const Table& targets = t_.targets;
    for (size_t r = 0; r < targets.rows; ++r) {
      ref(targets, r, "metric", r_.metric_id, "metric");
      ck_.positive(targets, r, "value");
      for (const auto& p : split_bar(targets.str.at("ports")[r]))
        if (p != "*" && !r_.port_id.count(p)) ck_.add(targets, r, "ports", "unknown port '" + p + "'");
      for (const auto& p : split_bar(targets.str.at("partners")[r]))
        if (p != "*" && !r_.partner_id.count(p)) ck_.add(targets, r, "partners", "unknown partner '" + p + "'");
      for (const auto& p : split_bar(targets.str.at("modes")[r]))
        if (p != "*" && find_mode(p) < 0) ck_.add(targets, r, "modes", "unknown mode '" + p + "'");
    }
  }

  void check_history() {
    const Table& hist = t_.hist;
    for (size_t r = 0; r < hist.rows; ++r) {
      ref(hist, r, "series", r_.series_id, "series");
      ck_.nonneg(hist, r, "value");
      ck_.range(hist, r, "coverage", 1e-6, 1, "is not a fraction of a year in (0, 1]");
      const double y = hist.num.at("year")[r];
      if (y > r_.mt.base)
        ck_.add(hist, r, "year", format_number(y) + " is after the base year " + std::to_string(r_.mt.base));
    }
  }

  const Input& in_;
  const Tables& t_;
  Checker& ck_;
  Resolved& r_;
};

// Validates every table; throws InputError listing every problem.
Resolved validate(const Input& in, const Tables& t) {
  Checker ck;
  Resolved r;
  Validator(in, t, ck, r).run();
  if (!ck.err.empty()) throw InputError(ck.err);
  return r;
}

// ---- assembly of a validated input ----

// The labels the outputs need (aggregates come with assemble_aggregates).
void describe(const Input& in, const Tables& t, const Resolved& r, ModelInfo& info) {
  const int Y = r.mt.horizon - r.mt.base + 1;
  info.title = in.meta.at("title");
  info.base_year = r.mt.base;
  info.horizon_year = r.mt.horizon;
  for (int y = 0; y < Y; ++y) info.years.push_back(r.mt.base + y);
  info.series = t.series.str.at("id");
  info.series_port = t.series.str.at("port");
  info.series_partner = t.series.str.at("partner");
  info.series_mode = t.series.str.at("mode");
  info.series_metric = t.series.str.at("metric");
  info.series_kind = t.series.str.at("kind");
  for (size_t s = 0; s < t.series.rows; ++s) info.series_unit.push_back(t.metrics.str.at("unit")[r.s_metric[s]]);
  info.ports = t.ports.str.at("id");
  info.port_names = t.ports.str.at("name");
  info.port_kinds = t.ports.str.at("kind");
  info.port_lat = t.ports.num.at("lat");
  info.port_lon = t.ports.num.at("lon");
  info.partners = t.partners.str.at("id");
  info.partner_names = t.partners.str.at("name");
  info.partner_lat = t.partners.num.at("lat");
  info.partner_lon = t.partners.num.at("lon");
  info.metrics = t.metrics.str.at("id");
  info.metric_units = t.metrics.str.at("unit");
  info.groups = t.groups.str.at("id");
  info.group_port = t.groups.str.at("port");
  info.group_mode = t.groups.str.at("mode");
  info.group_metric = t.groups.str.at("metric");
  info.scenarios = t.scen.str.at("id");
  info.scenario_names = t.scen.str.at("name");
  info.expansions = t.exps.str.at("id");
}

// Per series: references, capacity group and growth parameters.
void assemble_series(const Tables& t, const Resolved& r, HostModel& m) {
  const Table& series = t.series;
  m.kind = r.s_kind;
  m.partner = r.s_partner;
  m.port = r.s_port;
  m.mode = r.s_mode;
  m.source = r.s_source;
  // routes: schema version 1, the one group of the series' (port, mode, metric)
  m.route_begin.push_back(0);
  for (int s = 0; s < m.S; ++s) {
    if (r.s_kind[s] == kLoad) {
      const auto it = r.group_key.find({r.s_port[s], r.s_mode[s], r.s_metric[s]});
      if (it != r.group_key.end()) m.route_node.push_back(it->second);
    }
    m.route_begin.push_back(static_cast<int>(m.route_node.size()));
  }
  m.cost.assign(m.S, 0.0);
  m.time.assign(m.S, 0.0);
  m.corridor.assign(m.S, -1);
  // markets: one per (partner, metric) of load series, in order of first use
  std::map<std::pair<int, int>, int> market_of;
  std::vector<std::vector<int>> members;
  m.market.assign(m.S, -1);
  for (int s = 0; s < m.S; ++s) {
    if (r.s_kind[s] != kLoad) continue;
    const auto key = std::make_pair(r.s_partner[s], r.s_metric[s]);
    auto it = market_of.find(key);
    if (it == market_of.end()) {
      it = market_of.emplace(key, static_cast<int>(members.size())).first;
      members.emplace_back();
    }
    m.market[s] = it->second;
    members[it->second].push_back(s);
  }
  m.M = static_cast<int>(members.size());
  m.mk_begin.push_back(0);
  for (const auto& mem : members) {
    m.mk_series.insert(m.mk_series.end(), mem.begin(), mem.end());
    m.mk_begin.push_back(static_cast<int>(m.mk_series.size()));
  }
  m.mk_scale.assign(m.M, 0.0);
  m.mk_elasticity.assign(m.M, 0.0);
  m.mk_vot.assign(m.M, 0.0);
  m.base = series.num.at("base_value");
  m.mu = series.num.at("mu");
  m.tau = series.num.at("tau");
  m.sigma = series.num.at("sigma");
  m.phi = series.num.at("phi");
  m.b_region = series.num.at("b_region");
  m.b_partner = series.num.at("b_partner");
  m.b_port = series.num.at("b_port");
  m.exposure = series.num.at("shock_exposure");
}

// Diversion alternatives of each capacitated load series (CSR): the same
// partner, mode and metric at other ports, and road to rail; weights
// proportional to base values.
void assemble_alternatives(const Resolved& r, HostModel& m) {
  const int road = find_mode("road"), rail = find_mode("rail");
  m.alt_begin.push_back(0);
  m.xalt_begin.push_back(0);
  for (int s = 0; s < m.S; ++s) {
    std::vector<int> alt, xalt;
    if (r.s_kind[s] == kLoad && m.route_begin[s + 1] > m.route_begin[s])
      for (int a = 0; a < m.S; ++a) {
        if (a == s || r.s_kind[a] != kLoad || r.s_partner[a] != r.s_partner[s] || r.s_metric[a] != r.s_metric[s])
          continue;
        if (r.s_mode[a] == r.s_mode[s] && r.s_port[a] != r.s_port[s]) alt.push_back(a);
        if (r.s_mode[s] == road && r.s_mode[a] == rail) xalt.push_back(a);
      }
    for (auto* pr : {&alt, &xalt}) {
      double tot = 0;
      for (int a : *pr) tot += m.base[a];
      for (int a : *pr) {
        (pr == &alt ? m.alt_series : m.xalt_series).push_back(a);
        (pr == &alt ? m.alt_weight : m.xalt_weight).push_back(m.base[a] / tot);
      }
    }
    m.alt_begin.push_back(static_cast<int>(m.alt_series.size()));
    m.xalt_begin.push_back(static_cast<int>(m.xalt_series.size()));
  }
}

// Capacity groups, expansions and their opening-year distributions per
// scenario (CSR; a scenario without rows of its own takes the '*' rows).
void assemble_capacity(const Tables& t, const Resolved& r, HostModel& m) {
  m.group_port = r.g_port;
  m.group_capacity = t.groups.num.at("capacity");
  m.group_overload = t.groups.num.at("overload");
  m.group_free_time.assign(m.G, 0.0);
  m.group_alpha.assign(m.G, 0.0);
  m.group_beta.assign(m.G, 0.0);
  m.resp_threshold.assign(m.G, 0.0);
  m.resp_years.assign(m.G, 0);
  m.resp_size.assign(m.G, 0.0);
  m.resp_cap.assign(m.G, 0.0);
  m.resp_lag_begin.assign(m.G + 1, 0);
  m.exp_group = r.e_group;
  m.exp_add = t.exps.num.at("capacity_add");
  m.exp_ramp_begin.push_back(0);
  for (int e = 0; e < m.E; ++e) {
    m.exp_ramp.push_back(1.0);
    m.exp_ramp_begin.push_back(static_cast<int>(m.exp_ramp.size()));
  }
  m.C = 0;
  m.K = 0;
  m.exp_dist_begin.push_back(0);
  for (int s = 0; s < m.NS; ++s)
    for (int e = 0; e < m.E; ++e) {
      auto it = r.dist.find({e, s});
      if (it == r.dist.end()) it = r.dist.find({e, -2});
      auto v = it->second;
      std::sort(v.begin(), v.end());
      double cum = 0;
      for (size_t k = 0; k < v.size(); ++k) {
        cum += v[k].second;
        m.exp_dist_step.push_back(v[k].first - r.mt.base);
        m.exp_dist_cum.push_back(k + 1 == v.size() ? 1.0 : cum);
      }
      m.exp_dist_begin.push_back(static_cast<int>(m.exp_dist_step.size()));
    }
}

// Port closures, scenario parameters and the growth adjustments per
// scenario, series and year.
void assemble_scenarios(const Tables& t, const Resolved& r, HostModel& m) {
  m.closure_prob = t.ports.num.at("closure_prob");
  m.closure_lo = t.ports.num.at("closure_loss_min");
  m.closure_hi = t.ports.num.at("closure_loss_max");
  const Table& scen = t.scen;
  m.sc_region_prob = scen.num.at("region_shock_prob");
  m.sc_region_mean = scen.num.at("region_shock_mean");
  m.sc_region_sd = scen.num.at("region_shock_sd");
  m.sc_partner_prob = scen.num.at("partner_shock_prob");
  m.sc_partner_mean = scen.num.at("partner_shock_mean");
  m.sc_partner_sd = scen.num.at("partner_shock_sd");
  m.sc_rho = scen.num.at("shock_decay");
  m.sc_closure_scale = scen.num.at("closure_scale");
  m.sc_friction = scen.num.at("diversion_friction");
  m.sc_cross_mode = scen.num.at("cross_mode_share");
  m.sc_route_choice.assign(m.NS, 0.0);
  m.sc_responsive.assign(m.NS, 0.0);
  const int NS = m.NS, S = m.S, Y = m.Y;
  m.adjust.assign(static_cast<size_t>(NS) * S * Y, 0.0);
  for (const auto& a : r.adjs)
    for (int sc = 0; sc < NS; ++sc) {
      if (a.sc != -2 && a.sc != sc) continue;
      for (int s = 0; s < S; ++s) {
        if ((a.port != -2 && a.port != r.s_port[s]) || (a.partner != -2 && a.partner != r.s_partner[s]) ||
            (a.mode != -2 && a.mode != r.s_mode[s]) || (a.metric != -2 && a.metric != r.s_metric[s]))
          continue;
        for (int y = a.y0; y <= a.y1; ++y) m.adjust[(static_cast<size_t>(sc) * S + s) * Y + (y - r.mt.base)] += a.g;
      }
    }
}

// Aggregates: totals by partner, port, mode and overall per metric, then
// the targets; members in series order (CSR), exceedance thresholds.
void assemble_aggregates(const Tables& t, const Resolved& r, HostModel& m, ModelInfo& info) {
  const int K = static_cast<int>(t.metrics.rows), M = static_cast<int>(kModes.size());
  std::vector<std::vector<int>> members; // aggregate -> series
  auto new_agg = [&](std::vector<int>& idx) {
    idx.push_back(static_cast<int>(members.size()));
    members.emplace_back();
  };
  for (int p = 0; p < m.P; ++p)
    for (int k = 0; k < K; ++k) new_agg(info.agg_partner);
  for (int q = 0; q < m.Q; ++q)
    for (int k = 0; k < K; ++k) new_agg(info.agg_port);
  for (int md = 0; md < M; ++md)
    for (int k = 0; k < K; ++k) new_agg(info.agg_mode);
  for (int k = 0; k < K; ++k) new_agg(info.agg_total);
  for (int s = 0; s < m.S; ++s) {
    const int k = r.s_metric[s];
    members[info.agg_partner[r.s_partner[s] * K + k]].push_back(s);
    members[info.agg_port[r.s_port[s] * K + k]].push_back(s);
    members[info.agg_mode[r.s_mode[s] * K + k]].push_back(s);
    members[info.agg_total[k]].push_back(s);
  }
  m.agg_threshold.assign(members.size(), std::numeric_limits<double>::infinity());
  const Table& targets = t.targets;
  for (size_t tg = 0; tg < targets.rows; ++tg) {
    new_agg(info.target_agg);
    m.agg_threshold.push_back(targets.num.at("value")[tg]);
    info.targets.push_back(targets.str.at("id")[tg]);
    info.target_names.push_back(targets.str.at("name")[tg]);
    info.target_metric.push_back(targets.str.at("metric")[tg]);
    info.target_value.push_back(targets.num.at("value")[tg]);
    const auto ps = split_bar(targets.str.at("ports")[tg]), pp = split_bar(targets.str.at("partners")[tg]),
               pm = split_bar(targets.str.at("modes")[tg]);
    auto in_list = [](const std::vector<std::string>& l, const std::string& v) {
      return std::find(l.begin(), l.end(), "*") != l.end() || std::find(l.begin(), l.end(), v) != l.end();
    };
    for (int s = 0; s < m.S; ++s)
      if (info.series_metric[s] == targets.str.at("metric")[tg] && in_list(ps, info.series_port[s]) &&
          in_list(pp, info.series_partner[s]) && in_list(pm, info.series_mode[s]))
        members.back().push_back(s);
  }
  m.A = static_cast<int>(members.size());
  m.agg_begin.push_back(0);
  for (int a = 0; a < m.A; ++a) {
    std::sort(members[a].begin(), members[a].end()); // summed in series order
    members[a].erase(std::unique(members[a].begin(), members[a].end()), members[a].end());
    m.agg_series.insert(m.agg_series.end(), members[a].begin(), members[a].end());
    m.agg_begin.push_back(static_cast<int>(m.agg_series.size()));
  }
}

} // namespace

void validate_input(const Input& in) { validate(in, Tables(in)); }

HostModel build_model(const Input& in, ModelInfo& info) {
  const Tables t(in);
  const Resolved r = validate(in, t);
  HostModel m;
  m.S = static_cast<int>(t.series.rows), m.Y = r.mt.horizon - r.mt.base + 1, m.P = static_cast<int>(t.partners.rows);
  m.Q = static_cast<int>(t.ports.rows), m.G = static_cast<int>(t.groups.rows), m.E = static_cast<int>(t.exps.rows);
  m.NS = static_cast<int>(t.scen.rows);
  describe(in, t, r, info);
  assemble_series(t, r, m);
  assemble_alternatives(r, m);
  assemble_capacity(t, r, m);
  assemble_scenarios(t, r, m);
  assemble_aggregates(t, r, m, info);
  return m;
}

SensitivitySpec make_sensitivity_spec(const HostModel& m, const ModelInfo& info, int year, uint32_t paths) {
  const ModelView v = m.view();
  const Layout L(v);
  SensitivitySpec sp;
  sp.paths = paths;
  if (paths == 0) return sp;
  auto add = [&](long long e, const std::string& name, const std::string& kind) {
    sp.driver_elem.push_back(e);
    sp.driver_name.push_back(name);
    sp.driver_kind.push_back(kind);
  };
  for (int s = 0; s < m.S; ++s)
    if (m.kind[s] == kLoad && m.tau[s] > 0) add(L.trend_draw + s, "trend growth " + info.series[s], "growth_draw");
  for (int e = 0; e < m.E; ++e) add(L.open + e, "opening year " + info.expansions[e], "opening_year");
  auto any_positive = [](const std::vector<double>& x) {
    for (double a : x)
      if (a > 0) return true;
    return false;
  };
  if (any_positive(m.sc_region_prob)) add(L.cnt, "regional shocks", "shock_count");
  if (any_positive(m.sc_partner_prob))
    for (int p = 0; p < m.P; ++p) add(L.cnt + 1 + p, "shocks " + info.partners[p], "shock_count");
  std::vector<char> has_group(m.Q, 0);
  for (int g = 0; g < m.G; ++g) has_group[m.group_port[g]] = 1;
  for (int q = 0; q < m.Q; ++q)
    if (has_group[q] && m.closure_prob[q] > 0) add(L.cnt + 1 + m.P + q, "closures " + info.ports[q], "closure_count");
  const int y = year - info.base_year;
  for (size_t k = 0; k < info.agg_total.size(); ++k) {
    sp.response_cell.push_back(v.agg_cell(info.agg_total[k], y));
    sp.response_name.push_back("total " + info.metrics[k] + " " + std::to_string(year));
  }
  for (int g = 0; g < m.G; ++g) {
    sp.response_cell.push_back(v.group_cell(g, 0, y));
    sp.response_name.push_back("utilization " + info.groups[g] + " " + std::to_string(year));
  }
  return sp;
}

} // namespace corridor
