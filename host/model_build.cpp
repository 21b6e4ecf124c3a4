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
    // no quantity, rate or parameter of the model comes near; a run keeps
    // path values in single precision (up to 3.4e38) for its statistics
    if (std::fabs(v) > 1e30) return add(t, r, col, format_number(v) + " is beyond 1e30 in magnitude"), false;
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
  int version = kSchemaVersion; // 1, or 2 (also for a version refused: checked as the newest)
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
      ck.err.push_back(where + ": schema_version " + std::to_string(version) +
                       " is newer than this build reads (1 to " + std::to_string(kSchemaVersion) +
                       "); upgrade corridor");
    else if (version < 1)
      ck.err.push_back(where + ": schema_version " + std::to_string(version) + " is not a valid version (1 to " +
                       std::to_string(kSchemaVersion) + ")");
    if (version == 1) mt.version = 1;
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
  const Table &ports, &partners, &metrics, &series, &groups, &routes, &exps, &eyears, &corridors, &captures, &markets,
      &scen, &adj, &targets, &hist;
  explicit Tables(const Input& in)
      : ports(in.tables.at("ports")), partners(in.tables.at("partners")), metrics(in.tables.at("metrics")),
        series(in.tables.at("series")), groups(in.tables.at("groups")), routes(in.tables.at("routes")),
        exps(in.tables.at("expansions")), eyears(in.tables.at("expansion_years")), corridors(in.tables.at("corridors")),
        captures(in.tables.at("captures")), markets(in.tables.at("markets")), scen(in.tables.at("scenarios")),
        adj(in.tables.at("adjustments")), targets(in.tables.at("targets")), hist(in.tables.at("history")) {}
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
  // version 2
  std::vector<std::vector<int>> route;                  // per series: its nodes in chain order
  std::vector<std::vector<double>> ramp;                // per expansion
  std::vector<std::vector<std::pair<int, double>>> lag; // per group: (lag, probability), by lag
  std::vector<int> s_corridor;                          // per series: its corridor, or -1
  std::vector<int> cor_series, cor_exp;                 // per corridor (corridors.csv row)
  std::vector<int> cap_cor, cap_from;                   // per capture row: corridor index, source series
  std::vector<double> cap_share;
  std::vector<int> cap_order;                    // capture rows in topological order
  std::map<std::pair<int, int>, int> market_row; // (partner, metric) -> markets.csv row
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
    find_corridor_series();
    check_series();
    check_series_sources();
    check_groups();
    check_routes();
    check_capacity_ranges_hold_the_base_year();
    check_expansions();
    check_opening_years();
    check_corridors();
    check_captures();
    check_markets();
    check_scenarios();
    check_adjustments();
    check_targets();
    check_history();
    if (r_.mt.version == 1)
      check_version1();
    else if (t_.routes.given) // without routes.csv, reported once above
      check_unlimited();
  }
  // the notes validation shows: each load series without a capacity limit, with its reason
  std::vector<std::string> notes() const {
    std::vector<std::string> out;
    const Table& series = t_.series;
    for (size_t s = 0; s < series.rows; ++s) {
      const std::string& why = series.str.at("unlimited")[s];
      if (r_.mt.version == 2 && !why.empty() && r_.s_kind[s] == kLoad && r_.route[s].empty())
        out.push_back(series.where + ": " + series.row_ref(s) + ": series '" + series.str.at("id")[s] +
                      "' has no capacity limit: " + why);
    }
    return out;
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
      check_base_value(r);
      ck_.nonneg(series, r, "cost");
      ck_.nonneg(series, r, "time");
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
    check_intensities();
    check_share_groups();
  }

  // Share groups: load series of one partner, mode and metric, not new
  // corridors; a group of one has no effect.
  void check_share_groups() {
    const Table& series = t_.series;
    const auto it = series.str.find("share_group");
    if (it == series.str.end()) return;
    std::map<std::string, size_t> first;
    for (size_t r = 0; r < series.rows; ++r) {
      const std::string& g = it->second[r];
      if (g.empty()) continue;
      if (r_.s_kind[r] != kLoad) {
        ck_.add(series, r, "share_group", "'" + g + "' for a derived series: only load series share draws");
        continue;
      }
      if (cor_names_.count(series.str.at("id")[r])) {
        ck_.add(series, r, "share_group", "'" + g + "' for a new corridor: its demand comes from its captures");
        continue;
      }
      const auto f = first.emplace(g, r).first->second;
      if (r_.s_partner[r] != r_.s_partner[f] || r_.s_mode[r] != r_.s_mode[f] || r_.s_metric[r] != r_.s_metric[f])
        ck_.add(series, r, "share_group",
                "'" + g + "' joins series of another partner, mode or metric (" + series.str.at("id")[f] + ")");
    }
  }

  // A derived series' base-year intensity is its base value over its load
  // series'; a load series that starts at 0 (a new corridor) has none, so its
  // derived series state it (intensity), and only they do.
  void check_intensities() {
    const Table& series = t_.series;
    const auto it = series.num.find("intensity");
    for (size_t r = 0; r < series.rows; ++r) {
      const double v = it == series.num.end() ? std::nan("") : it->second[r];
      const int l = r_.s_kind[r] == kDerived ? r_.s_source[r] : -1;
      const bool zero_source = l >= 0 && cor_names_.count(series.str.at("id")[l]);
      if (r_.s_kind[r] == kLoad && !std::isnan(v))
        ck_.add(series, r, "intensity", format_number(v) + " for a load series: only a derived series has one");
      else if (zero_source && std::isnan(v))
        ck_.add(series, r, "intensity",
                "empty, but source_series '" + series.str.at("id")[l] +
                    "' is a new corridor (starts at 0): state the base-year intensity (> 0, units of " +
                    series.str.at("metric")[r] + " per unit of " + series.str.at("metric")[l] + ")");
      else if (zero_source && ck_.finite(series, r, "intensity") && !(v > 0))
        ck_.add(series, r, "intensity", format_number(v) + " must be > 0");
      else if (l >= 0 && !zero_source && !std::isnan(v))
        ck_.add(series, r, "intensity",
                format_number(v) + " is only for a derived series of a new corridor: from source_series '" +
                    series.str.at("id")[l] + "' the intensity is base_value over its base_value");
    }
  }

  // the series ids corridors.csv names: base_value 0 is theirs alone
  void find_corridor_series() {
    for (const auto& id : t_.corridors.str.at("series")) cor_names_.insert(id);
  }

  void check_base_value(size_t r) {
    const Table& series = t_.series;
    if (!ck_.finite(series, r, "base_value")) return;
    const double v = series.num.at("base_value")[r];
    const bool of_corridor =
        series.str.at("kind")[r] == "derived" && cor_names_.count(series.str.at("source_series")[r]) > 0;
    if (of_corridor) {
      if (v != 0)
        ck_.add(series, r, "base_value",
                format_number(v) + " for a derived series of a new corridor: it starts from 0 (its intensity goes in "
                                   "intensity)");
    } else if (cor_names_.count(series.str.at("id")[r])) {
      if (v != 0)
        ck_.add(series, r, "base_value",
                format_number(v) + " for a new corridor (corridors.csv): a new corridor starts from 0");
    } else if (v == 0) {
      ck_.add(series, r, "base_value", "0 must be > 0 (0 is for a new corridor, listed in corridors.csv)");
    } else if (!(v > 0)) {
      ck_.add(series, r, "base_value", format_number(v) + " must be > 0");
    }
  }

  void check_groups() {
    const Table& groups = t_.groups;
    r_.g_port.assign(groups.rows, 0), r_.g_mode.assign(groups.rows, 0), r_.g_metric.assign(groups.rows, 0);
    for (size_t r = 0; r < groups.rows; ++r) {
      r_.g_port[r] = ref(groups, r, "port", r_.port_id, "port");
      r_.g_mode[r] = mode_ref(groups, r, "mode");
      r_.g_metric[r] = ref(groups, r, "metric", r_.metric_id, "metric");
      if (r_.mt.version == 1)
        ck_.positive(groups, r, "capacity");
      else
        ck_.nonneg(groups, r, "capacity");
      check_capacity_range(r);
      ck_.range(groups, r, "overload", 1, 10, "is outside [1, 10]");
      // version 2 allows several nodes of one port, mode and metric
      if (r_.g_port[r] >= 0 && r_.g_mode[r] >= 0 && r_.g_metric[r] >= 0 &&
          !r_.group_key.emplace(std::make_tuple(r_.g_port[r], r_.g_mode[r], r_.g_metric[r]), static_cast<int>(r))
               .second &&
          r_.mt.version == 1)
        ck_.add(groups, r, "id", "a second group for the same port, mode and metric");
      check_congestion(r);
      check_response(r);
    }
  }

  // the range of node r's base capacity where sources disagree: 0 < low <=
  // capacity <= high, each side optional (empty: the capacity itself)
  void check_capacity_range(size_t r) {
    const Table& groups = t_.groups;
    const double cap = groups.num.at("capacity")[r], lo = groups.num.at("capacity_low")[r],
                 hi = groups.num.at("capacity_high")[r];
    const std::string c = "capacity " + format_number(cap);
    if (!std::isnan(lo) && ck_.finite(groups, r, "capacity_low")) {
      if (!(lo > 0))
        ck_.add(groups, r, "capacity_low", format_number(lo) + " must be > 0");
      else if (lo > cap)
        ck_.add(groups, r, "capacity_low", format_number(lo) + " is more than " + c);
    }
    if (!std::isnan(hi) && ck_.finite(groups, r, "capacity_high") && hi < cap)
      ck_.add(groups, r, "capacity_high", format_number(hi) + " is less than " + c);
  }

  // BPR congestion of node r
  void check_congestion(size_t r) {
    const Table& groups = t_.groups;
    ck_.nonneg(groups, r, "free_time");
    ck_.nonneg(groups, r, "bpr_alpha");
    ck_.nonneg(groups, r, "bpr_beta");
    const double a = groups.num.at("bpr_alpha")[r], b = groups.num.at("bpr_beta")[r];
    if (a > 0 && b >= 0 && b < 1) ck_.add(groups, r, "bpr_beta", format_number(b) + " must be >= 1 when bpr_alpha > 0");
  }

  // capacity response of node r: all its parameters or none
  void check_response(size_t r) {
    const Table& groups = t_.groups;
    r_.lag.emplace_back();
    static const char* const cols[] = {"response_threshold", "response_years", "response_size",
                                       "response_cap",       "response_lag",   "response_lag_prob"};
    std::vector<std::string> missing;
    size_t given = 0;
    for (const char* c : cols) {
      const bool g = groups.str.count(c) ? !groups.str.at(c)[r].empty() : groups.num.at(c)[r] != 0;
      given += g;
      if (!g) missing.push_back(c);
    }
    if (given == 0) return;
    if (!missing.empty()) {
      std::string l;
      for (const auto& m : missing) l += (l.empty() ? "" : ", ") + m;
      return ck_.add(groups, r, missing[0],
                     "response parameters partly given: " + l + " missing (give all of them or none)");
    }
    ck_.positive(groups, r, "response_threshold");
    const double years = groups.num.at("response_years")[r], size = groups.num.at("response_size")[r],
                 cap = groups.num.at("response_cap")[r];
    if (years < 1) ck_.add(groups, r, "response_years", format_number(years) + " must be >= 1");
    ck_.positive(groups, r, "response_size");
    if (ck_.finite(groups, r, "response_cap") && size > 0 && cap < size)
      ck_.add(groups, r, "response_cap", format_number(cap) + " is less than response_size " + format_number(size));
    check_lags(r);
  }

  // the lag distribution of node r's response: whole years >= 1, each once,
  // as many probabilities summing to 1; kept sorted by lag in r_.lag
  void check_lags(size_t r) {
    const Table& groups = t_.groups;
    std::vector<double> lags, probs;
    const bool lok = number_list(groups, r, "response_lag", 'i', lags);
    const bool pok = number_list(groups, r, "response_lag_prob", 'r', probs);
    if (!lok || !pok) return;
    bool ok = true;
    for (double l : lags)
      if (l < 1) {
        ck_.add(groups, r, "response_lag", "lag " + format_number(l) + " is not a whole number of years >= 1");
        ok = false;
      }
    double sum = 0;
    for (double p : probs) {
      if (p < 0 || p > 1) {
        ck_.add(groups, r, "response_lag_prob", format_number(p) + " is not a probability in [0, 1]");
        ok = false;
      }
      sum += p;
    }
    if (lags.size() != probs.size()) {
      ck_.add(groups, r, "response_lag_prob",
              std::to_string(probs.size()) + " probabilities for " + std::to_string(lags.size()) + " lags");
      return;
    }
    if (ok && std::fabs(sum - 1.0) > 1e-9)
      return ck_.add(groups, r, "response_lag_prob", "probabilities sum to " + format_number(sum) + ", not 1");
    std::set<double> seen;
    for (double l : lags)
      if (!seen.insert(l).second) {
        ck_.add(groups, r, "response_lag", "lag " + format_number(l) + " is listed twice");
        ok = false;
      }
    if (!ok) return;
    for (size_t k = 0; k < lags.size(); ++k) r_.lag.back().push_back({static_cast<int>(lags[k]), probs[k]});
    std::sort(r_.lag.back().begin(), r_.lag.back().end());
  }

  // The numbers of a list separated by | in column `col` of row r (an empty
  // cell: none); false when an element was reported.
  bool number_list(const Table& t, size_t r, const std::string& col, char type, std::vector<double>& out) {
    const std::string& cell = t.str.at(col)[r];
    if (cell.empty()) return true;
    const auto parts = split_bar(cell);
    bool ok = parts.size() == static_cast<size_t>(std::count(cell.begin(), cell.end(), '|')) + 1;
    if (!ok) ck_.add(t, r, col, "'" + cell + "': an empty element at the end");
    for (size_t k = 0; ok && k < parts.size(); ++k) {
      double v = 0;
      const std::string bad = parse_value(parts[k], type, false, v);
      if (!bad.empty()) {
        ck_.add(t, r, col, "'" + cell + "': element " + std::to_string(k + 1) + ": " + bad);
        ok = false;
      }
      out.push_back(v);
    }
    return ok;
  }

  const std::string& metric_name(int k) const { return t_.metrics.str.at("id")[k]; }
  const std::string& series_name(int s) const { return t_.series.str.at("id")[s]; }

  // routes.csv: the chain of each load series, in row order
  void check_routes() {
    const Table& routes = t_.routes;
    r_.route.assign(t_.series.rows, {});
    if (r_.mt.version == 2 && !routes.given)
      ck_.err.push_back(routes.where + ": missing table 'routes' (schema_version 2 requires it)");
    for (size_t r = 0; r < routes.rows; ++r) {
      const int s = ref(routes, r, "series", r_.series_id, "series");
      const int g = ref(routes, r, "node", r_.group_id, "node");
      if (s < 0) continue;
      if (r_.s_kind[s] != kLoad) {
        ck_.add(routes, r, "series", "'" + series_name(s) + "' is a derived series: routes are of load series");
        continue;
      }
      if (g < 0) continue;
      if (r_.g_metric[g] >= 0 && r_.s_metric[s] >= 0 && r_.g_metric[g] != r_.s_metric[s]) {
        ck_.add(routes, r, "node",
                "node '" + t_.groups.str.at("id")[g] + "' is of metric '" + metric_name(r_.g_metric[g]) +
                    "', series '" + series_name(s) + "' of '" + metric_name(r_.s_metric[s]) + "'");
        continue;
      }
      if (std::find(r_.route[s].begin(), r_.route[s].end(), g) != r_.route[s].end()) {
        ck_.add(routes, r, "node",
                "series '" + series_name(s) + "' passes node '" + t_.groups.str.at("id")[g] + "' a second time");
        continue;
      }
      r_.route[s].push_back(g);
    }
  }

  // A node's base capacity is drawn in the base year too, which is observed:
  // its low end times the overload factor must hold the base-year load of
  // the series routed through it (their base values), or some paths would
  // lose flow that was carried.
  void check_capacity_ranges_hold_the_base_year() {
    const Table& groups = t_.groups;
    if (r_.mt.version != 2 || !groups.num.count("capacity_low")) return;
    std::vector<double> load(groups.rows, 0.0);
    const auto& base = t_.series.num.at("base_value");
    for (size_t s = 0; s < r_.route.size(); ++s)
      for (int g : r_.route[s])
        if (std::isfinite(base[s])) load[static_cast<size_t>(g)] += base[s];
    for (size_t g = 0; g < groups.rows; ++g) {
      const double lo = groups.num.at("capacity_low")[g], over = groups.num.at("overload")[g];
      if (std::isnan(lo) || !std::isfinite(lo) || !(lo > 0) || !std::isfinite(over) || lo * over >= load[g]) continue;
      ck_.add(groups, g, "capacity_low",
              format_number(lo) + " x overload " + format_number(over) + " = " + format_number(lo * over) +
                  " is below the base-year load " + format_number(load[g]) +
                  " of the series routed through the node (their base values): the observed base year would lose "
                  "flow on some paths");
    }
  }

  void check_expansions() {
    const Table& exps = t_.exps;
    r_.e_group.assign(exps.rows, 0);
    for (size_t r = 0; r < exps.rows; ++r) {
      r_.e_group[r] = ref(exps, r, "group", r_.group_id, "group");
      ck_.positive(exps, r, "capacity_add");
      check_size_range(r);
      check_ramp(r);
    }
    // version 2: capacity 0 only for a node an expansion builds
    const Table& groups = t_.groups;
    for (size_t g = 0; g < groups.rows; ++g)
      if (groups.num.at("capacity")[g] == 0 && r_.mt.version == 2 &&
          std::find(r_.e_group.begin(), r_.e_group.end(), static_cast<int>(g)) == r_.e_group.end())
        ck_.add(groups, g, "capacity", "0, and no expansion builds the node (expansions.csv)");
  }

  // the range of expansion r's size where sources disagree: both ends or
  // neither (empty: capacity_add itself), 0 < low <= capacity_add <= high
  void check_size_range(size_t r) {
    const Table& exps = t_.exps;
    const double add = exps.num.at("capacity_add")[r], lo = exps.num.at("capacity_add_low")[r],
                 hi = exps.num.at("capacity_add_high")[r];
    if (std::isnan(lo) != std::isnan(hi)) {
      const bool no_lo = std::isnan(lo);
      return ck_.add(exps, r, no_lo ? "capacity_add_low" : "capacity_add_high",
                     std::string("empty, but ") + (no_lo ? "capacity_add_high" : "capacity_add_low") +
                         " is given: a size range needs both ends (or neither)");
    }
    if (std::isnan(lo)) return;
    const bool lo_ok = ck_.finite(exps, r, "capacity_add_low"), hi_ok = ck_.finite(exps, r, "capacity_add_high");
    if (!std::isfinite(add)) return; // reported with capacity_add
    const std::string c = "capacity_add " + format_number(add);
    if (lo_ok && !(lo > 0))
      ck_.add(exps, r, "capacity_add_low", format_number(lo) + " must be > 0");
    else if (lo_ok && lo > add)
      ck_.add(exps, r, "capacity_add_low", format_number(lo) + " is more than " + c);
    if (hi_ok && hi < add) ck_.add(exps, r, "capacity_add_high", format_number(hi) + " is less than " + c);
  }

  // an expansion's ramp: in [0, 1], non-decreasing, ending at 1
  void check_ramp(size_t r) {
    const Table& exps = t_.exps;
    std::vector<double> v;
    r_.ramp.emplace_back();
    const std::string& cell = exps.str.at("ramp")[r];
    if (cell.empty()) return ck_.add(exps, r, "ramp", "empty (the default is 1: mature in the opening year)");
    if (!number_list(exps, r, "ramp", 'r', v)) return;
    bool ok = true;
    for (size_t k = 0; k < v.size(); ++k) {
      if (v[k] < 0 || v[k] > 1) {
        ck_.add(exps, r, "ramp", "'" + cell + "': " + format_number(v[k]) + " is outside [0, 1]");
        ok = false;
      } else if (k > 0 && v[k] < v[k - 1]) {
        ck_.add(exps, r, "ramp",
                "'" + cell + "' decreases (" + format_number(v[k]) + " after " + format_number(v[k - 1]) + ")");
        ok = false;
      }
    }
    if (ok && v.back() != 1) ck_.add(exps, r, "ramp", "'" + cell + "' ends at " + format_number(v.back()) + ", not 1");
    r_.ramp.back() = v;
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
      for (const char* c : {"route_choice", "responsive"}) {
        const double v = scen.num.at(c)[r];
        if (v != 0 && v != 1) ck_.add(scen, r, c, format_number(v) + " is not 0 or 1");
      }
    }
  }

  // corridors.csv: each a load series that opens with an expansion
  void check_corridors() {
    const Table& cors = t_.corridors;
    r_.s_corridor.assign(t_.series.rows, -1);
    for (size_t r = 0; r < cors.rows; ++r) {
      const int s = ref(cors, r, "series", r_.series_id, "series");
      const int e = ref(cors, r, "expansion", r_.exp_id, "expansion");
      if (s < 0) continue;
      if (r_.s_kind[s] != kLoad) {
        ck_.add(cors, r, "series", "'" + series_name(s) + "' is not a load series");
        continue;
      }
      if (r_.s_corridor[s] >= 0) {
        ck_.add(cors, r, "series", "'" + series_name(s) + "' is listed a second time");
        continue;
      }
      // registered even with an unknown expansion (reported): no cascade into captures
      r_.s_corridor[s] = static_cast<int>(r_.cor_series.size());
      r_.cor_series.push_back(s);
      r_.cor_exp.push_back(e);
    }
  }

  // captures.csv: a corridor takes from a load series of its metric, once
  // per pair; the order in which they apply (a source's own incoming
  // captures first) must exist: no cycles
  void check_captures() {
    const Table& caps = t_.captures;
    std::set<std::pair<int, int>> pairs;
    for (size_t r = 0; r < caps.rows; ++r) {
      const std::string& cname = caps.str.at("corridor")[r];
      const auto it = r_.series_id.find(cname);
      const int c = it == r_.series_id.end() ? -1 : r_.s_corridor[it->second];
      if (c < 0) ck_.add(caps, r, "corridor", "'" + cname + "' is not a new corridor (not in corridors.csv)");
      const int f = ref(caps, r, "from", r_.series_id, "series");
      if (f >= 0 && r_.s_kind[f] != kLoad) {
        ck_.add(caps, r, "from", "'" + series_name(f) + "' is not a load series");
        continue;
      }
      const double share = caps.num.at("share")[r];
      if (ck_.finite(caps, r, "share") && !(share > 0 && share <= 1))
        ck_.add(caps, r, "share", format_number(share) + " is outside (0, 1]");
      if (c < 0 || f < 0) continue;
      const int cs = r_.cor_series[c];
      if (r_.s_metric[f] >= 0 && r_.s_metric[cs] >= 0 && r_.s_metric[f] != r_.s_metric[cs]) {
        ck_.add(caps, r, "from",
                "'" + series_name(f) + "' is of metric '" + metric_name(r_.s_metric[f]) + "', corridor '" +
                    series_name(cs) + "' of '" + metric_name(r_.s_metric[cs]) + "'");
        continue;
      }
      if (!pairs.insert({c, f}).second) {
        ck_.add(caps, r, "from", "a second capture of '" + series_name(cs) + "' from '" + series_name(f) + "'");
        continue;
      }
      r_.cap_cor.push_back(c);
      r_.cap_from.push_back(f);
      r_.cap_share.push_back(share);
    }
    order_captures();
  }

  // Kahn's order over the captures: capture k waits for every capture into
  // its source; among those ready, the first in input order.
  void order_captures() {
    const size_t K = r_.cap_cor.size();
    std::vector<int> waits(K, 0);
    std::map<int, std::vector<int>> into; // series -> captures into it
    for (size_t k = 0; k < K; ++k) into[r_.cor_series[r_.cap_cor[k]]].push_back(static_cast<int>(k));
    std::map<int, std::vector<int>> out_of; // series -> captures out of it
    for (size_t k = 0; k < K; ++k) {
      out_of[r_.cap_from[k]].push_back(static_cast<int>(k));
      const auto it = into.find(r_.cap_from[k]);
      if (it != into.end()) waits[k] = static_cast<int>(it->second.size());
    }
    std::set<int> ready;
    for (size_t k = 0; k < K; ++k)
      if (waits[k] == 0) ready.insert(static_cast<int>(k));
    while (!ready.empty()) {
      const int k = *ready.begin();
      ready.erase(ready.begin());
      r_.cap_order.push_back(k);
      const auto it = out_of.find(r_.cor_series[r_.cap_cor[k]]);
      if (it != out_of.end())
        for (int j : it->second)
          if (--waits[j] == 0) ready.insert(j);
    }
    if (r_.cap_order.size() != K)
      ck_.err.push_back(t_.captures.where + ": captures form a cycle: " + cycle(waits, into));
  }

  // A cycle among the captures Kahn's order left over (waits > 0): from the
  // first, walk to a capture into its source (one is left over too) until a
  // capture repeats; "'A' takes from 'B', 'B' takes from 'A'".
  std::string cycle(const std::vector<int>& waits, std::map<int, std::vector<int>>& into) const {
    std::vector<int> path;
    std::map<int, size_t> at;
    int k = 0;
    while (waits[k] == 0) ++k;
    while (!at.count(k)) {
      at[k] = path.size();
      path.push_back(k);
      for (int j : into[r_.cap_from[k]])
        if (waits[j] > 0) {
          k = j;
          break;
        }
    }
    std::string l;
    for (size_t i = path.size(); i-- > at[k];)
      l += (l.empty() ? "" : ", ") + ("'" + series_name(r_.cor_series[r_.cap_cor[path[i]]]) + "' takes from '" +
                                      series_name(r_.cap_from[path[i]]) + "'");
    return l;
  }

  // markets.csv: route choice parameters per (partner, metric)
  void check_markets() {
    const Table& mk = t_.markets;
    for (size_t r = 0; r < mk.rows; ++r) {
      const int p = ref(mk, r, "partner", r_.partner_id, "partner");
      const int k = ref(mk, r, "metric", r_.metric_id, "metric");
      ck_.nonneg(mk, r, "logit_scale");
      if (ck_.finite(mk, r, "elasticity") && mk.num.at("elasticity")[r] > 0)
        ck_.add(mk, r, "elasticity", format_number(mk.num.at("elasticity")[r]) + " must be <= 0");
      ck_.nonneg(mk, r, "value_of_time");
      if (p >= 0 && k >= 0 && !r_.market_row.emplace(std::make_pair(p, k), static_cast<int>(r)).second)
        ck_.add(mk, r, "metric",
                "a second row for partner '" + mk.str.at("partner")[r] + "' and metric '" + metric_name(k) + "'");
    }
  }

  // Version 1 has no network: its tables without rows, its columns at their defaults.
  void check_version1() {
    for (const Table* t : {&t_.routes, &t_.corridors, &t_.captures, &t_.markets})
      if (t->rows)
        ck_.err.push_back(t->where + ": " + std::to_string(t->rows) + (t->rows == 1 ? " row" : " rows") +
                          ", but the table is of schema version 2 (meta schema_version is 1)");
    const std::vector<std::pair<const Table*, std::vector<std::string>>> cols = {
        {&t_.series, {"cost", "time", "unlimited"}},
        {&t_.groups,
         {"capacity_low", "capacity_high", "free_time", "bpr_alpha", "bpr_beta", "response_threshold", "response_years",
          "response_size", "response_cap", "response_lag", "response_lag_prob"}},
        {&t_.exps, {"ramp", "capacity_add_low", "capacity_add_high"}},
        {&t_.scen, {"route_choice", "responsive"}}};
    for (const auto& tc : cols) {
      const Table& t = *tc.first;
      for (const auto& c : tc.second)
        for (size_t r = 0; r < t.rows; ++r) {
          const auto sit = t.str.find(c);
          const bool range = c == "capacity_low" || c == "capacity_high" || c == "capacity_add_low" ||
                             c == "capacity_add_high"; // empty: NaN
          const bool set = sit != t.str.end() ? sit->second[r] != (c == "ramp" ? "1" : "")
                                              : (range ? !std::isnan(t.num.at(c)[r]) : t.num.at(c)[r] != 0);
          if (set)
            ck_.add(t, r, c,
                    "'" + (sit != t.str.end() ? sit->second[r] : format_number(t.num.at(c)[r])) +
                        "' is of schema version 2 (meta schema_version is 1)");
        }
    }
  }

  // Version 2: a load series that can receive traffic - diverted to it as an
  // alternative of a capped series, or captured as a new corridor - has a
  // route, or a reason why it has no capacity limit.
  void check_unlimited() {
    const Table& series = t_.series;
    const int road = find_mode("road"), rail = find_mode("rail");
    std::map<std::pair<int, int>, std::vector<int>> by_market; // (partner, metric) -> load series
    for (size_t s = 0; s < series.rows; ++s)
      if (r_.s_kind[s] == kLoad) by_market[{r_.s_partner[s], r_.s_metric[s]}].push_back(static_cast<int>(s));
    std::vector<int> donor(series.rows, -1);
    for (const auto& kv : by_market)
      for (int s : kv.second) {
        if (r_.route[s].empty()) continue;
        for (int a : kv.second)
          if (a != s && donor[a] < 0 &&
              ((r_.s_mode[a] == r_.s_mode[s] && r_.s_port[a] != r_.s_port[s]) ||
               (r_.s_mode[s] == road && r_.s_mode[a] == rail)))
            donor[a] = s;
      }
    for (size_t s = 0; s < series.rows; ++s) {
      const std::string& why = series.str.at("unlimited")[s];
      if (r_.s_kind[s] != kLoad) {
        if (!why.empty()) ck_.add(series, s, "unlimited", "a derived series follows its load series: no reason here");
        continue;
      }
      if (!r_.route[s].empty()) {
        if (!why.empty())
          ck_.add(series, s, "unlimited", "'" + why + "' given, but the series has a route (routes.csv)");
        continue;
      }
      if (!why.empty()) continue;
      if (r_.s_corridor[s] >= 0)
        ck_.add(series, s, "unlimited",
                "empty, and the series has no route (routes.csv): a new corridor receives captured traffic, so it "
                "needs a route or a reason why it has no capacity limit");
      else if (donor[s] >= 0)
        ck_.add(series, s, "unlimited",
                "empty, and the series has no route (routes.csv): it can receive traffic diverted from '" +
                    series_name(donor[s]) + "', so it needs a route or a reason why it has no capacity limit");
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
  std::set<std::string> cor_names_;
};

// Validates every table; throws InputError listing every problem. The notes
// (series without a capacity limit, with their reason) go to `notes`.
Resolved validate(const Input& in, const Tables& t, std::vector<std::string>* notes = nullptr) {
  Checker ck;
  Resolved r;
  Validator v(in, t, ck, r);
  v.run();
  if (!ck.err.empty()) throw InputError(ck.err);
  if (notes) *notes = v.notes();
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

// Share groups (model_arrays.h): per member, the group's n members with
// weight 1 / n, and 1 / sd of its deviation from their mean, sqrt(n / (n - 1));
// groups of one are none.
void assemble_share_groups(const Table& series, HostModel& m) {
  m.share_begin.assign(1, 0);
  m.share_scale.assign(static_cast<size_t>(m.S), 0.0);
  const auto it = series.str.find("share_group");
  std::map<std::string, std::vector<int>> members;
  if (it != series.str.end())
    for (int s = 0; s < m.S; ++s)
      if (!it->second[static_cast<size_t>(s)].empty()) members[it->second[static_cast<size_t>(s)]].push_back(s);
  for (int s = 0; s < m.S; ++s) {
    const std::vector<int>* g = nullptr;
    if (it != series.str.end() && !it->second[static_cast<size_t>(s)].empty())
      g = &members.at(it->second[static_cast<size_t>(s)]);
    if (g && g->size() > 1) {
      const double n = static_cast<double>(g->size());
      for (int t : *g) {
        m.share_series.push_back(t);
        m.share_weight.push_back(1.0 / n);
      }
      m.share_scale[static_cast<size_t>(s)] = std::sqrt(n / (n - 1.0));
    }
    m.share_begin.push_back(static_cast<int>(m.share_series.size()));
  }
}

// Per series: references, route (chain of nodes), costs and growth parameters.
void assemble_series(const Tables& t, const Resolved& r, HostModel& m) {
  const Table& series = t.series;
  m.kind = r.s_kind;
  m.partner = r.s_partner;
  m.port = r.s_port;
  m.mode = r.s_mode;
  m.source = r.s_source;
  // routes: version 2, routes.csv (chain order = row order); version 1, the
  // one group of the series' (port, mode, metric)
  const bool v2 = r.mt.version == 2;
  m.route_begin.push_back(0);
  for (int s = 0; s < m.S; ++s) {
    if (v2) {
      m.route_node.insert(m.route_node.end(), r.route[s].begin(), r.route[s].end());
    } else if (r.s_kind[s] == kLoad) {
      const auto it = r.group_key.find({r.s_port[s], r.s_mode[s], r.s_metric[s]});
      if (it != r.group_key.end()) m.route_node.push_back(it->second);
    }
    m.route_begin.push_back(static_cast<int>(m.route_node.size()));
  }
  m.cost = v2 ? series.num.at("cost") : std::vector<double>(m.S, 0.0);
  m.time = v2 ? series.num.at("time") : std::vector<double>(m.S, 0.0);
  m.corridor = r.s_corridor;
  m.base = series.num.at("base_value");
  // a derived series of a new corridor (base 0 over base 0): base holds its
  // base-year intensity instead (model.h, path_begin)
  for (int s = 0; s < m.S; ++s)
    if (r.s_kind[s] == kDerived && r.s_corridor[r.s_source[s]] >= 0) m.base[s] = series.num.at("intensity")[s];
  m.mu = series.num.at("mu");
  m.tau = series.num.at("tau");
  m.sigma = series.num.at("sigma");
  m.phi = series.num.at("phi");
  m.b_region = series.num.at("b_region");
  m.b_partner = series.num.at("b_partner");
  m.b_port = series.num.at("b_port");
  m.exposure = series.num.at("shock_exposure");
  assemble_share_groups(series, m);
}

// Markets: one per (partner, metric) of load series, in order of first use,
// members in series order (CSR); parameters from markets.csv, or 0 (off).
void assemble_markets(const Tables& t, const Resolved& r, HostModel& m) {
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
  for (const auto& kv : market_of) {
    const auto it = r.market_row.find(kv.first);
    if (it == r.market_row.end()) continue;
    m.mk_scale[kv.second] = t.markets.num.at("logit_scale")[it->second];
    m.mk_elasticity[kv.second] = t.markets.num.at("elasticity")[it->second];
    m.mk_vot[kv.second] = t.markets.num.at("value_of_time")[it->second];
  }
}

// Diversion alternatives of each capped load series (one with a non-empty
// route) (CSR): the same partner, mode and metric at other ports, and road to
// rail; weights proportional to base values, so a new corridor (base 0) gets
// weight 0 (all 0 when every alternative has base 0).
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
        (pr == &alt ? m.alt_weight : m.xalt_weight).push_back(tot > 0 ? m.base[a] / tot : 0.0);
      }
    }
    m.alt_begin.push_back(static_cast<int>(m.alt_series.size()));
    m.xalt_begin.push_back(static_cast<int>(m.xalt_series.size()));
  }
}

// Node congestion and capacity response: all parameters or none (threshold
// 0); lags by length, cumulative probabilities, the last 1 exactly.
void assemble_nodes(const Tables& t, const Resolved& r, HostModel& m) {
  const bool v2 = r.mt.version == 2;
  const Table& groups = t.groups;
  m.group_port = r.g_port;
  m.group_capacity = groups.num.at("capacity");
  // the base capacity's range (empty: the capacity itself, no draw)
  m.group_cap_low = m.group_capacity;
  m.group_cap_high = m.group_capacity;
  for (int g = 0; v2 && g < m.G; ++g) {
    const double lo = groups.num.at("capacity_low")[g], hi = groups.num.at("capacity_high")[g];
    if (!std::isnan(lo)) m.group_cap_low[g] = lo;
    if (!std::isnan(hi)) m.group_cap_high[g] = hi;
    if (m.group_cap_low[g] < m.group_cap_high[g]) m.GD = m.G; // the draws are kept (sensitivity drivers)
  }
  m.group_overload = groups.num.at("overload");
  m.group_free_time = v2 ? groups.num.at("free_time") : std::vector<double>(m.G, 0.0);
  m.group_alpha = v2 ? groups.num.at("bpr_alpha") : std::vector<double>(m.G, 0.0);
  m.group_beta = v2 ? groups.num.at("bpr_beta") : std::vector<double>(m.G, 0.0);
  m.resp_threshold.assign(m.G, 0.0);
  m.resp_years.assign(m.G, 0);
  m.resp_size.assign(m.G, 0.0);
  m.resp_cap.assign(m.G, 0.0);
  m.resp_lag_begin.push_back(0);
  for (int g = 0; g < m.G; ++g) {
    const auto& lag = r.lag[g];
    if (v2 && !lag.empty()) {
      m.resp_threshold[g] = groups.num.at("response_threshold")[g];
      m.resp_years[g] = static_cast<int>(groups.num.at("response_years")[g]);
      m.resp_size[g] = groups.num.at("response_size")[g];
      m.resp_cap[g] = groups.num.at("response_cap")[g];
      double cum = 0;
      for (size_t k = 0; k < lag.size(); ++k) {
        cum += lag[k].second;
        m.resp_lag_step.push_back(lag[k].first);
        m.resp_lag_cum.push_back(k + 1 == lag.size() ? 1.0 : cum);
      }
    }
    m.resp_lag_begin.push_back(static_cast<int>(m.resp_lag_step.size()));
  }
}

// New corridors, and the captures in their topological order.
void assemble_corridors(const Resolved& r, HostModel& m) {
  m.C = static_cast<int>(r.cor_series.size());
  m.cor_series = r.cor_series;
  m.cor_exp = r.cor_exp;
  m.K = static_cast<int>(r.cap_order.size());
  for (int k : r.cap_order) {
    m.cap_cor.push_back(r.cap_cor[k]);
    m.cap_from.push_back(r.cap_from[k]);
    m.cap_share.push_back(r.cap_share[k]);
  }
}

// Capacity nodes, expansions (ramps: version 1, mature when they open) and
// their opening-year distributions per scenario (CSR; a scenario without
// rows of its own takes the '*' rows).
void assemble_capacity(const Tables& t, const Resolved& r, HostModel& m) {
  assemble_nodes(t, r, m);
  m.exp_group = r.e_group;
  m.exp_add = t.exps.num.at("capacity_add");
  // the size's range (empty: capacity_add itself, no draw)
  m.exp_add_low = m.exp_add;
  m.exp_add_high = m.exp_add;
  for (int e = 0; r.mt.version == 2 && e < m.E; ++e) {
    const double lo = t.exps.num.at("capacity_add_low")[e], hi = t.exps.num.at("capacity_add_high")[e];
    if (!std::isnan(lo) && !std::isnan(hi)) m.exp_add_low[e] = lo, m.exp_add_high[e] = hi;
    if (m.exp_add_low[e] < m.exp_add_high[e]) m.ED = m.E; // the draws are kept (sensitivity drivers)
  }
  m.exp_ramp_begin.push_back(0);
  for (int e = 0; e < m.E; ++e) {
    if (r.mt.version == 2)
      m.exp_ramp.insert(m.exp_ramp.end(), r.ramp[e].begin(), r.ramp[e].end());
    else
      m.exp_ramp.push_back(1.0);
    m.exp_ramp_begin.push_back(static_cast<int>(m.exp_ramp.size()));
  }
  assemble_corridors(r, m);
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
  const bool v2 = r.mt.version == 2;
  m.sc_route_choice = v2 ? scen.num.at("route_choice") : std::vector<double>(m.NS, 0.0);
  m.sc_responsive = v2 ? scen.num.at("responsive") : std::vector<double>(m.NS, 0.0);
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

std::vector<std::string> validate_input(const Input& in) {
  std::vector<std::string> notes;
  validate(in, Tables(in), &notes);
  return notes;
}

HostModel build_model(const Input& in, ModelInfo& info) {
  const Tables t(in);
  const Resolved r = validate(in, t);
  HostModel m;
  m.S = static_cast<int>(t.series.rows), m.Y = r.mt.horizon - r.mt.base + 1, m.P = static_cast<int>(t.partners.rows);
  m.Q = static_cast<int>(t.ports.rows), m.G = static_cast<int>(t.groups.rows), m.E = static_cast<int>(t.exps.rows);
  m.NS = static_cast<int>(t.scen.rows);
  describe(in, t, r, info);
  assemble_series(t, r, m);
  assemble_markets(t, r, m);
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
  for (int g = 0; g < m.GD; ++g)
    if (m.group_cap_low[g] < m.group_cap_high[g])
      add(L.base_cap + g, "base capacity " + info.groups[g], "capacity_draw");
  for (int e = 0; e < m.ED; ++e)
    if (m.exp_add_low[e] < m.exp_add_high[e]) add(L.exp_size + e, "size " + info.expansions[e], "expansion_size_draw");
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
