#include "model_build.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

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
    if (v[r].empty()) ck.add(t, r, col, "empty id");
    else if (!m.emplace(v[r], static_cast<int>(r)).second) ck.add(t, r, col, "duplicate id '" + v[r] + "'");
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

} // namespace

static HostModel build(const Input& in, ModelInfo& info, bool build_it) {
  Checker ck;
  const Meta mt = check_meta(in, ck);
  const Table& ports = in.tables.at("ports");
  const Table& partners = in.tables.at("partners");
  const Table& metrics = in.tables.at("metrics");
  const Table& series = in.tables.at("series");
  const Table& groups = in.tables.at("groups");
  const Table& exps = in.tables.at("expansions");
  const Table& eyears = in.tables.at("expansion_years");
  const Table& scen = in.tables.at("scenarios");
  const Table& adj = in.tables.at("adjustments");
  const Table& targets = in.tables.at("targets");
  const Table& hist = in.tables.at("history");

  auto port_id = index_ids(ports, "id", ck);
  auto partner_id = index_ids(partners, "id", ck);
  auto metric_id = index_ids(metrics, "id", ck);
  auto series_id = index_ids(series, "id", ck);
  auto group_id = index_ids(groups, "id", ck);
  auto exp_id = index_ids(exps, "id", ck);
  auto scen_id = index_ids(scen, "id", ck);
  index_ids(targets, "id", ck);
  if (ports.rows == 0) ck.err.push_back(ports.where + ": no ports");
  if (partners.rows == 0) ck.err.push_back(partners.where + ": no partners");
  if (series.rows == 0) ck.err.push_back(series.where + ": no series");
  if (scen.rows == 0) ck.err.push_back(scen.where + ": no scenarios (the first one is the baseline)");

  auto ref = [&](const Table& t, size_t r, const std::string& col, const std::map<std::string, int>& ids,
                 const std::string& what, bool star = false) -> int {
    const std::string& v = t.str.at(col)[r];
    if (star && v == "*") return -2;
    const auto it = ids.find(v);
    if (it == ids.end()) {
      ck.add(t, r, col, "unknown " + what + " '" + v + "'");
      return -1;
    }
    return it->second;
  };
  auto mode_ref = [&](const Table& t, size_t r, const std::string& col, bool star = false) -> int {
    const std::string& v = t.str.at(col)[r];
    if (star && v == "*") return -2;
    const int m = find_mode(v);
    if (m < 0) ck.add(t, r, col, "unknown mode '" + v + "' (rail, road, air or pipeline)");
    return m;
  };

  for (size_t r = 0; r < ports.rows; ++r) {
    const std::string& k = ports.str.at("kind")[r];
    if (k != "land" && k != "air" && k != "pipeline") ck.add(ports, r, "kind", "'" + k + "' is not land, air or pipeline");
    ck.range(ports, r, "lat", -90, 90, "is not a latitude");
    ck.range(ports, r, "lon", -180, 180, "is not a longitude");
    ck.prob(ports, r, "closure_prob");
    ck.prob(ports, r, "closure_loss_min");
    ck.prob(ports, r, "closure_loss_max");
    if (ports.num.at("closure_loss_min")[r] > ports.num.at("closure_loss_max")[r])
      ck.add(ports, r, "closure_loss_min", "is larger than closure_loss_max");
  }
  for (size_t r = 0; r < partners.rows; ++r) {
    if (!std::isnan(partners.num.at("lat")[r]) || !std::isnan(partners.num.at("lon")[r])) {
      ck.range(partners, r, "lat", -90, 90, "is not a latitude");
      ck.range(partners, r, "lon", -180, 180, "is not a longitude");
    }
    const std::string& k = partners.str.at("kind")[r];
    if (k != "partner" && k != "transit") ck.add(partners, r, "kind", "'" + k + "' is not partner or transit");
  }
  // series
  std::vector<int> s_port(series.rows), s_partner(series.rows), s_mode(series.rows), s_metric(series.rows),
      s_kind(series.rows), s_source(series.rows, -1);
  for (size_t r = 0; r < series.rows; ++r) {
    s_port[r] = ref(series, r, "port", port_id, "port");
    s_partner[r] = ref(series, r, "partner", partner_id, "partner");
    s_mode[r] = mode_ref(series, r, "mode");
    s_metric[r] = ref(series, r, "metric", metric_id, "metric");
    const std::string& k = series.str.at("kind")[r];
    s_kind[r] = k == "load" ? kLoad : k == "derived" ? kDerived : -1;
    if (s_kind[r] < 0) ck.add(series, r, "kind", "'" + k + "' is not load or derived");
    ck.positive(series, r, "base_value");
    ck.range(series, r, "mu", -1, 1, "is outside [-1, 1] (log growth per year)");
    ck.nonneg(series, r, "tau");
    ck.nonneg(series, r, "sigma");
    ck.range(series, r, "phi", -0.99, 0.99, "is outside [-0.99, 0.99]");
    for (const char* c : {"b_region", "b_partner", "b_port"}) ck.range(series, r, c, -1, 1, "is outside [-1, 1]");
    ck.nonneg(series, r, "shock_exposure");
    ck.finite(series, r, "tau");
    if (s_kind[r] == kLoad && !series.str.at("source_series")[r].empty())
      ck.add(series, r, "source_series", "a load series has no source_series");
  }
  for (size_t r = 0; r < series.rows; ++r) {
    if (s_kind[r] != kDerived) continue;
    const int l = ref(series, r, "source_series", series_id, "series");
    if (l < 0) continue;
    if (s_kind[l] != kLoad) ck.add(series, r, "source_series", "'" + series.str.at("id")[l] + "' is not a load series");
    else if (s_port[l] != s_port[r] || s_partner[l] != s_partner[r] || s_mode[l] != s_mode[r])
      ck.add(series, r, "source_series", "'" + series.str.at("id")[l] + "' is not of the same port, partner and mode");
    s_source[r] = l;
  }
  // groups
  std::vector<int> g_port(groups.rows), g_mode(groups.rows), g_metric(groups.rows);
  std::map<std::tuple<int, int, int>, int> group_key;
  for (size_t r = 0; r < groups.rows; ++r) {
    g_port[r] = ref(groups, r, "port", port_id, "port");
    g_mode[r] = mode_ref(groups, r, "mode");
    g_metric[r] = ref(groups, r, "metric", metric_id, "metric");
    ck.positive(groups, r, "capacity");
    ck.range(groups, r, "overload", 1, 10, "is outside [1, 10]");
    if (g_port[r] >= 0 && g_mode[r] >= 0 && g_metric[r] >= 0 &&
        !group_key.emplace(std::make_tuple(g_port[r], g_mode[r], g_metric[r]), static_cast<int>(r)).second)
      ck.add(groups, r, "id", "a second group for the same port, mode and metric");
  }
  // expansions and their opening years
  std::vector<int> e_group(exps.rows);
  for (size_t r = 0; r < exps.rows; ++r) {
    e_group[r] = ref(exps, r, "group", group_id, "group");
    ck.positive(exps, r, "capacity_add");
  }
  std::map<std::pair<int, int>, std::vector<std::pair<int, double>>> dist; // (exp, scen or -2) -> (year, p)
  for (size_t r = 0; r < eyears.rows; ++r) {
    const int e = ref(eyears, r, "expansion", exp_id, "expansion");
    const int s = ref(eyears, r, "scenario", scen_id, "scenario", true);
    ck.prob(eyears, r, "probability");
    const double y = eyears.num.at("year")[r];
    if (ck.finite(eyears, r, "year") && (y <= mt.base || y > mt.horizon + 1))
      ck.add(eyears, r, "year",
             format_number(y) + " is outside the horizon (" + std::to_string(mt.base + 1) + ".." +
                 std::to_string(mt.horizon + 1) + ", the last meaning after the horizon)");
    if (e >= 0 && s != -1) dist[{e, s}].push_back({static_cast<int>(y), eyears.num.at("probability")[r]});
  }
  for (const auto& kv : dist) {
    double sum = 0;
    for (const auto& yp : kv.second) sum += yp.second;
    if (std::fabs(sum - 1.0) > 1e-9)
      ck.err.push_back(eyears.where + ": expansion '" + exps.str.at("id")[kv.first.first] + "' scenario '" +
                       (kv.first.second < 0 ? std::string("*") : scen.str.at("id")[kv.first.second]) +
                       "': probabilities sum to " + format_number(sum) + ", not 1");
  }
  for (size_t e = 0; e < exps.rows; ++e)
    if (!dist.count({static_cast<int>(e), -2}))
      for (size_t s = 0; s < scen.rows; ++s)
        if (!dist.count({static_cast<int>(e), static_cast<int>(s)})) {
          ck.err.push_back(eyears.where + ": expansion '" + exps.str.at("id")[e] + "' has no opening years for scenario '" +
                           scen.str.at("id")[s] + "' (and no '*' rows)");
          break;
        }
  // scenarios
  for (size_t r = 0; r < scen.rows; ++r) {
    ck.prob(scen, r, "region_shock_prob");
    ck.prob(scen, r, "partner_shock_prob");
    for (const char* c : {"region_shock_mean", "region_shock_sd", "partner_shock_mean", "partner_shock_sd"})
      ck.range(scen, r, c, 0, 5, "is outside [0, 5] (log drop)");
    ck.range(scen, r, "shock_decay", 0, 0.999, "is outside [0, 1)");
    ck.range(scen, r, "closure_scale", 0, 100, "is outside [0, 100]");
    ck.prob(scen, r, "diversion_friction");
    ck.prob(scen, r, "cross_mode_share");
  }
  // adjustments
  struct Adj {
    int sc, port, partner, mode, metric, y0, y1;
    double g;
  };
  std::vector<Adj> adjs;
  for (size_t r = 0; r < adj.rows; ++r) {
    Adj a{};
    a.sc = ref(adj, r, "scenario", scen_id, "scenario", true);
    a.port = ref(adj, r, "port", port_id, "port", true);
    a.partner = ref(adj, r, "partner", partner_id, "partner", true);
    a.mode = mode_ref(adj, r, "mode", true);
    a.metric = ref(adj, r, "metric", metric_id, "metric", true);
    ck.range(adj, r, "growth", -1, 1, "is outside [-1, 1]");
    const double y0 = adj.num.at("year_from")[r], y1 = adj.num.at("year_to")[r];
    if (y0 <= mt.base || y0 > mt.horizon)
      ck.add(adj, r, "year_from", format_number(y0) + " is outside the horizon (" + std::to_string(mt.base + 1) + ".." +
                                      std::to_string(mt.horizon) + ")");
    if (y1 < y0 || y1 > mt.horizon)
      ck.add(adj, r, "year_to", format_number(y1) + " is before year_from or after the horizon");
    a.y0 = static_cast<int>(y0);
    a.y1 = static_cast<int>(y1);
    a.g = adj.num.at("growth")[r];
    adjs.push_back(a);
  }
  // targets
  for (size_t r = 0; r < targets.rows; ++r) {
    ref(targets, r, "metric", metric_id, "metric");
    ck.positive(targets, r, "value");
    for (const auto& p : split_bar(targets.str.at("ports")[r]))
      if (p != "*" && !port_id.count(p)) ck.add(targets, r, "ports", "unknown port '" + p + "'");
    for (const auto& p : split_bar(targets.str.at("partners")[r]))
      if (p != "*" && !partner_id.count(p)) ck.add(targets, r, "partners", "unknown partner '" + p + "'");
    for (const auto& p : split_bar(targets.str.at("modes")[r]))
      if (p != "*" && find_mode(p) < 0) ck.add(targets, r, "modes", "unknown mode '" + p + "'");
  }
  // history
  for (size_t r = 0; r < hist.rows; ++r) {
    ref(hist, r, "series", series_id, "series");
    ck.nonneg(hist, r, "value");
    ck.range(hist, r, "coverage", 1e-6, 1, "is not a fraction of a year in (0, 1]");
    const double y = hist.num.at("year")[r];
    if (y > mt.base) ck.add(hist, r, "year", format_number(y) + " is after the base year " + std::to_string(mt.base));
  }
  if (!ck.err.empty()) throw InputError(ck.err);
  HostModel m;
  if (!build_it) return m;

  // ------------------------------------------------------------ build ----
  const int S = static_cast<int>(series.rows), P = static_cast<int>(partners.rows), Q = static_cast<int>(ports.rows),
            G = static_cast<int>(groups.rows), E = static_cast<int>(exps.rows), K = static_cast<int>(metrics.rows),
            NS = static_cast<int>(scen.rows), M = static_cast<int>(kModes.size());
  const int Y = mt.horizon - mt.base + 1;
  m.S = S, m.Y = Y, m.P = P, m.Q = Q, m.G = G, m.E = E, m.NS = NS;
  info.title = in.meta.at("title");
  info.base_year = mt.base;
  info.horizon_year = mt.horizon;
  for (int y = 0; y < Y; ++y) info.years.push_back(mt.base + y);
  info.series = series.str.at("id");
  info.series_port = series.str.at("port");
  info.series_partner = series.str.at("partner");
  info.series_mode = series.str.at("mode");
  info.series_metric = series.str.at("metric");
  info.series_kind = series.str.at("kind");
  for (int s = 0; s < S; ++s) info.series_unit.push_back(metrics.str.at("unit")[s_metric[s]]);
  info.ports = ports.str.at("id");
  info.port_names = ports.str.at("name");
  info.port_kinds = ports.str.at("kind");
  info.port_lat = ports.num.at("lat");
  info.port_lon = ports.num.at("lon");
  info.partners = partners.str.at("id");
  info.partner_names = partners.str.at("name");
  info.partner_lat = partners.num.at("lat");
  info.partner_lon = partners.num.at("lon");
  info.metrics = metrics.str.at("id");
  info.metric_units = metrics.str.at("unit");
  info.groups = groups.str.at("id");
  info.group_port = groups.str.at("port");
  info.group_mode = groups.str.at("mode");
  info.group_metric = groups.str.at("metric");
  info.scenarios = scen.str.at("id");
  info.scenario_names = scen.str.at("name");
  info.expansions = exps.str.at("id");

  m.kind = s_kind;
  m.partner = s_partner;
  m.port = s_port;
  m.mode = s_mode;
  m.source = s_source;
  m.group.assign(S, -1);
  for (int s = 0; s < S; ++s)
    if (s_kind[s] == kLoad) {
      const auto it = group_key.find({s_port[s], s_mode[s], s_metric[s]});
      if (it != group_key.end()) m.group[s] = it->second;
    }
  m.base = series.num.at("base_value");
  m.mu = series.num.at("mu");
  m.tau = series.num.at("tau");
  m.sigma = series.num.at("sigma");
  m.phi = series.num.at("phi");
  m.b_region = series.num.at("b_region");
  m.b_partner = series.num.at("b_partner");
  m.b_port = series.num.at("b_port");
  m.exposure = series.num.at("shock_exposure");
  // diversion alternatives, weights proportional to base values
  const int road = find_mode("road"), rail = find_mode("rail");
  m.alt_begin.push_back(0);
  m.xalt_begin.push_back(0);
  for (int s = 0; s < S; ++s) {
    std::vector<int> alt, xalt;
    if (s_kind[s] == kLoad && m.group[s] >= 0)
      for (int a = 0; a < S; ++a) {
        if (a == s || s_kind[a] != kLoad || s_partner[a] != s_partner[s] || s_metric[a] != s_metric[s]) continue;
        if (s_mode[a] == s_mode[s] && s_port[a] != s_port[s]) alt.push_back(a);
        if (s_mode[s] == road && s_mode[a] == rail) xalt.push_back(a);
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
  m.group_port = g_port;
  m.group_capacity = groups.num.at("capacity");
  m.group_overload = groups.num.at("overload");
  m.exp_group = e_group;
  m.exp_add = exps.num.at("capacity_add");
  m.exp_dist_begin.push_back(0);
  for (int s = 0; s < NS; ++s)
    for (int e = 0; e < E; ++e) {
      auto it = dist.find({e, s});
      if (it == dist.end()) it = dist.find({e, -2});
      auto v = it->second;
      std::sort(v.begin(), v.end());
      double cum = 0;
      for (size_t k = 0; k < v.size(); ++k) {
        cum += v[k].second;
        m.exp_dist_step.push_back(v[k].first - mt.base);
        m.exp_dist_cum.push_back(k + 1 == v.size() ? 1.0 : cum);
      }
      m.exp_dist_begin.push_back(static_cast<int>(m.exp_dist_step.size()));
    }
  m.closure_prob = ports.num.at("closure_prob");
  m.closure_lo = ports.num.at("closure_loss_min");
  m.closure_hi = ports.num.at("closure_loss_max");
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
  m.adjust.assign(static_cast<size_t>(NS) * S * Y, 0.0);
  for (const auto& a : adjs)
    for (int sc = 0; sc < NS; ++sc) {
      if (a.sc != -2 && a.sc != sc) continue;
      for (int s = 0; s < S; ++s) {
        if ((a.port != -2 && a.port != s_port[s]) || (a.partner != -2 && a.partner != s_partner[s]) ||
            (a.mode != -2 && a.mode != s_mode[s]) || (a.metric != -2 && a.metric != s_metric[s]))
          continue;
        for (int y = a.y0; y <= a.y1; ++y) m.adjust[(static_cast<size_t>(sc) * S + s) * Y + (y - mt.base)] += a.g;
      }
    }
  // aggregates: totals by partner, port, mode and overall per metric, then targets
  std::vector<std::vector<int>> members; // aggregate -> series
  auto new_agg = [&](std::vector<int>& idx) {
    idx.push_back(static_cast<int>(members.size()));
    members.emplace_back();
  };
  for (int p = 0; p < P; ++p)
    for (int k = 0; k < K; ++k) new_agg(info.agg_partner);
  for (int q = 0; q < Q; ++q)
    for (int k = 0; k < K; ++k) new_agg(info.agg_port);
  for (int md = 0; md < M; ++md)
    for (int k = 0; k < K; ++k) new_agg(info.agg_mode);
  for (int k = 0; k < K; ++k) new_agg(info.agg_total);
  for (int s = 0; s < S; ++s) {
    const int k = s_metric[s];
    members[info.agg_partner[s_partner[s] * K + k]].push_back(s);
    members[info.agg_port[s_port[s] * K + k]].push_back(s);
    members[info.agg_mode[s_mode[s] * K + k]].push_back(s);
    members[info.agg_total[k]].push_back(s);
  }
  m.agg_threshold.assign(members.size(), std::numeric_limits<double>::infinity());
  for (size_t t = 0; t < targets.rows; ++t) {
    new_agg(info.target_agg);
    m.agg_threshold.push_back(targets.num.at("value")[t]);
    info.targets.push_back(targets.str.at("id")[t]);
    info.target_names.push_back(targets.str.at("name")[t]);
    info.target_metric.push_back(targets.str.at("metric")[t]);
    info.target_value.push_back(targets.num.at("value")[t]);
    const auto ps = split_bar(targets.str.at("ports")[t]), pp = split_bar(targets.str.at("partners")[t]),
               pm = split_bar(targets.str.at("modes")[t]);
    auto in_list = [](const std::vector<std::string>& l, const std::string& v) {
      return std::find(l.begin(), l.end(), "*") != l.end() || std::find(l.begin(), l.end(), v) != l.end();
    };
    for (int s = 0; s < S; ++s)
      if (info.series_metric[s] == targets.str.at("metric")[t] && in_list(ps, info.series_port[s]) &&
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
  return m;
}

void validate_input(const Input& in) {
  ModelInfo info;
  build(in, info, false);
}
HostModel build_model(const Input& in, ModelInfo& info) { return build(in, info, true); }

} // namespace corridor

namespace corridor {

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
