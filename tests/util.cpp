#include "util.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "kernels/stats.h"

namespace corridor::test {

void add_row(Input& in, const std::string& table, const std::vector<std::pair<std::string, std::string>>& values) {
  const TableDef* def = find_table(table);
  if (!def) throw std::runtime_error("no table " + table);
  Table& t = in.tables[table];
  t.where = "test:" + table;
  for (const auto& cd : def->cols) {
    std::string v = cd.def;
    for (const auto& kv : values)
      if (kv.first == cd.name) v = kv.second;
    if (cd.type == 's')
      t.str[cd.name].push_back(v);
    else
      t.num[cd.name].push_back(v.empty() ? 0.0 : std::stod(v));
  }
  for (const auto& kv : values)
    if (std::none_of(def->cols.begin(), def->cols.end(), [&](const ColumnDef& c) { return c.name == kv.first; }))
      throw std::runtime_error("no column " + kv.first);
  ++t.rows;
}

Input empty_input(int base_year, int horizon_year) {
  Input in;
  in.origin = "test";
  in.meta = {{"schema_version", "1"},
             {"title", "test"},
             {"base_year", std::to_string(base_year)},
             {"horizon_year", std::to_string(horizon_year)}};
  for (const auto& def : input_schema()) {
    Table t;
    t.where = "test:" + def.name;
    for (const auto& c : def.cols) (c.type == 's' ? (void)t.str[c.name] : (void)t.num[c.name]);
    in.tables[def.name] = t;
  }
  add_row(in, "ports", {{"id", "P1"}, {"name", "Port 1"}, {"kind", "land"}, {"lat", "45"}, {"lon", "80"}});
  add_row(in, "partners", {{"id", "KAZ"}, {"name", "Kazakhstan"}, {"kind", "partner"}});
  add_row(in, "metrics", {{"id", "freight"}, {"unit", "tonnes"}});
  add_row(in, "scenarios", {{"id", "base"}, {"name", "Base"}});
  return in;
}

Input single_series(double base, double mu, double tau, double sigma) {
  Input in = empty_input();
  add_row(in, "series",
          {{"id", "S1"},
           {"port", "P1"},
           {"partner", "KAZ"},
           {"mode", "rail"},
           {"metric", "freight"},
           {"kind", "load"},
           {"base_value", std::to_string(base)},
           {"mu", std::to_string(mu)},
           {"tau", std::to_string(tau)},
           {"sigma", std::to_string(sigma)}});
  return in;
}

HostModel build(const Input& in, ModelInfo* info) {
  ModelInfo local;
  return build_model(in, info ? *info : local);
}

double np_quantile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * p;
  const size_t lo = static_cast<size_t>(h);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return lerp_np(v[lo], v[hi], h - static_cast<double>(lo));
}

std::vector<double> stored(std::vector<double> v) {
  for (double& x : v) x = as_stored(x);
  return v;
}

// A model with every feature: three ports sharing a partner, capacity groups,
// closures, expansions, derived series, shocks, two scenarios and a target.
Input rich_input() {
  Input in = empty_input(2024, 2036);
  add_row(in, "ports",
          {{"id", "P2"},
           {"name", "Port 2"},
           {"kind", "land"},
           {"lat", "44"},
           {"lon", "81"},
           {"closure_prob", "0.2"},
           {"closure_loss_min", "0.1"},
           {"closure_loss_max", "0.9"}});
  add_row(in, "ports",
          {{"id", "P3"},
           {"name", "Port 3"},
           {"kind", "land"},
           {"lat", "43"},
           {"lon", "79"},
           {"closure_prob", "0.1"},
           {"closure_loss_min", "0.2"},
           {"closure_loss_max", "1"}});
  in.tables["ports"].num["closure_prob"][0] = 0.15;
  in.tables["ports"].num["closure_loss_max"][0] = 0.5;
  add_row(in, "partners", {{"id", "KGZ"}, {"name", "Kyrgyzstan"}, {"kind", "partner"}});
  add_row(in, "metrics", {{"id", "trains"}, {"unit", "trains"}});
  const char* ports[] = {"P1", "P2", "P3"};
  const double base[] = {100, 80, 50};
  for (int i = 0; i < 3; ++i) {
    for (const char* mode : {"rail", "road"}) {
      const std::string id = std::string(ports[i]) + "_" + mode;
      add_row(in, "series",
              {{"id", id},
               {"port", ports[i]},
               {"partner", "KAZ"},
               {"mode", mode},
               {"metric", "freight"},
               {"kind", "load"},
               {"base_value", std::to_string(base[i])},
               {"mu", "0.06"},
               {"tau", "0.03"},
               {"sigma", "0.08"},
               {"phi", "0.3"},
               {"b_region", "0.03"},
               {"b_partner", "0.02"},
               {"b_port", "0.02"}});
      add_row(in, "groups",
              {{"id", "G_" + id},
               {"port", ports[i]},
               {"mode", mode},
               {"metric", "freight"},
               {"capacity", std::to_string(base[i] * 1.2)},
               {"overload", "1.1"}});
    }
  }
  add_row(in, "series",
          {{"id", "P1_trains"},
           {"port", "P1"},
           {"partner", "KAZ"},
           {"mode", "rail"},
           {"metric", "trains"},
           {"kind", "derived"},
           {"source_series", "P1_rail"},
           {"base_value", "3"},
           {"mu", "-0.01"},
           {"sigma", "0.02"}});
  add_row(in, "series",
          {{"id", "P3_kgz"},
           {"port", "P3"},
           {"partner", "KGZ"},
           {"mode", "road"},
           {"metric", "freight"},
           {"kind", "load"},
           {"base_value", "20"},
           {"mu", "0.1"},
           {"sigma", "0.1"}});
  add_row(in, "expansions", {{"id", "E1"}, {"group", "G_P1_rail"}, {"capacity_add", "60"}});
  add_row(in, "expansion_years", {{"expansion", "E1"}, {"year", "2027"}, {"probability", "0.3"}});
  add_row(in, "expansion_years", {{"expansion", "E1"}, {"year", "2029"}, {"probability", "0.5"}});
  add_row(in, "expansion_years", {{"expansion", "E1"}, {"year", "2037"}, {"probability", "0.2"}});
  in.tables["scenarios"].num["region_shock_prob"][0] = 0.1;
  in.tables["scenarios"].num["region_shock_mean"][0] = 0.3;
  in.tables["scenarios"].num["region_shock_sd"][0] = 0.1;
  in.tables["scenarios"].num["partner_shock_prob"][0] = 0.1;
  in.tables["scenarios"].num["partner_shock_mean"][0] = 0.2;
  in.tables["scenarios"].num["diversion_friction"][0] = 0.1;
  in.tables["scenarios"].num["cross_mode_share"][0] = 0.3;
  add_row(in, "scenarios",
          {{"id", "stress"},
           {"name", "Stress"},
           {"region_shock_prob", "0.2"},
           {"region_shock_mean", "0.4"},
           {"closure_scale", "2"},
           {"diversion_friction", "0.2"},
           {"cross_mode_share", "0.5"}});
  add_row(in, "adjustments",
          {{"scenario", "stress"}, {"mode", "road"}, {"year_from", "2025"}, {"year_to", "2030"}, {"growth", "-0.02"}});
  add_row(in, "targets",
          {{"id", "T1"}, {"name", "rail 300"}, {"metric", "freight"}, {"modes", "rail"}, {"value", "300"}});
  return in;
}

Input network_input() {
  Input in = empty_input(2024, 2034);
  in.meta["schema_version"] = "2";
  add_row(in, "ports", {{"id", "P2"}, {"name", "Port 2"}, {"kind", "land"}, {"lat", "44"}, {"lon", "81"}});
  add_row(in, "metrics", {{"id", "trains"}, {"unit", "trains"}});
  auto load = [&](const std::string& id, const std::string& port, const std::string& mode, const std::string& base,
                  const std::vector<std::pair<std::string, std::string>>& more) {
    std::vector<std::pair<std::string, std::string>> v = {
        {"id", id},       {"port", port},       {"partner", "KAZ"}, {"mode", mode},   {"metric", "freight"},
        {"kind", "load"}, {"base_value", base}, {"mu", "0.05"},     {"sigma", "0.05"}};
    v.insert(v.end(), more.begin(), more.end());
    add_row(in, "series", v);
  };
  load("A", "P1", "rail", "100", {{"cost", "30"}, {"time", "20"}});
  load("B", "P2", "rail", "80", {{"cost", "25"}, {"time", "30"}});
  load("R", "P1", "road", "50", {{"cost", "60"}, {"time", "10"}});
  load("N", "P2", "rail", "0", {{"cost", "20"}, {"time", "15"}});
  load("N2", "P1", "rail", "0", {{"unlimited", "assumption: a new line without capacity figures"}});
  add_row(in, "series",
          {{"id", "D"},
           {"port", "P1"},
           {"partner", "KAZ"},
           {"mode", "rail"},
           {"metric", "trains"},
           {"kind", "derived"},
           {"source_series", "A"},
           {"base_value", "3"},
           {"mu", "0"}});
  add_row(in, "groups", {{"id", "G1"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "120"}});
  add_row(in, "groups",
          {{"id", "G2"},
           {"port", "P1"},
           {"mode", "rail"},
           {"metric", "freight"},
           {"capacity", "150"},
           {"free_time", "2"},
           {"bpr_alpha", "0.15"},
           {"bpr_beta", "4"}});
  add_row(in, "groups",
          {{"id", "G3"},
           {"port", "P2"},
           {"mode", "rail"},
           {"metric", "freight"},
           {"capacity", "100"},
           {"response_threshold", "0.9"},
           {"response_years", "2"},
           {"response_size", "30"},
           {"response_cap", "90"},
           {"response_lag", "3|1|2"},
           {"response_lag_prob", "0.5|0.2|0.3"}});
  add_row(in, "groups", {{"id", "G4"}, {"port", "P2"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "0"}});
  add_row(in, "groups", {{"id", "GR"}, {"port", "P1"}, {"mode", "road"}, {"metric", "freight"}, {"capacity", "60"}});
  for (const auto& sn : std::vector<std::pair<std::string, std::string>>{
           {"A", "G1"}, {"A", "G2"}, {"B", "G3"}, {"R", "GR"}, {"N", "G4"}})
    add_row(in, "routes", {{"series", sn.first}, {"node", sn.second}});
  add_row(in, "expansions", {{"id", "E1"}, {"group", "G1"}, {"capacity_add", "50"}, {"ramp", "0.5|1"}});
  add_row(in, "expansions", {{"id", "EN"}, {"group", "G4"}, {"capacity_add", "80"}, {"ramp", "0.3|0.7|1"}});
  add_row(in, "expansion_years", {{"expansion", "E1"}, {"year", "2027"}, {"probability", "1"}});
  add_row(in, "expansion_years", {{"expansion", "EN"}, {"year", "2028"}, {"probability", "0.6"}});
  add_row(in, "expansion_years", {{"expansion", "EN"}, {"year", "2030"}, {"probability", "0.4"}});
  add_row(in, "corridors", {{"series", "N"}, {"expansion", "EN"}});
  add_row(in, "corridors", {{"series", "N2"}, {"expansion", "E1"}});
  add_row(in, "captures", {{"corridor", "N2"}, {"from", "N"}, {"share", "0.5"}});
  add_row(in, "captures", {{"corridor", "N"}, {"from", "B"}, {"share", "0.4"}});
  add_row(in, "captures", {{"corridor", "N"}, {"from", "A"}, {"share", "0.2"}});
  add_row(in, "markets",
          {{"partner", "KAZ"},
           {"metric", "freight"},
           {"logit_scale", "100"},
           {"elasticity", "-0.5"},
           {"value_of_time", "2"}});
  in.tables["scenarios"].num["route_choice"][0] = 1;
  in.tables["scenarios"].num["responsive"][0] = 1;
  add_row(in, "scenarios", {{"id", "static"}, {"name", "Static"}});
  return in;
}

Input as_version2(Input in) {
  in.meta["schema_version"] = "2";
  const Table series = in.tables.at("series"), groups = in.tables.at("groups");
  for (size_t s = 0; s < series.rows; ++s) {
    if (series.str.at("kind")[s] != "load") continue;
    for (size_t g = 0; g < groups.rows; ++g)
      if (groups.str.at("port")[g] == series.str.at("port")[s] &&
          groups.str.at("mode")[g] == series.str.at("mode")[s] &&
          groups.str.at("metric")[g] == series.str.at("metric")[s])
        add_row(in, "routes", {{"series", series.str.at("id")[s]}, {"node", groups.str.at("id")[g]}});
  }
  return in;
}

CellPlan every_cell_stored(CellPlan p) {
  std::fill(p.kind.begin(), p.kind.end(), CellPlan::kStored);
  for (auto& s : p.stored) {
    s.resize(static_cast<size_t>(p.cells));
    std::iota(s.begin(), s.end(), 0);
  }
  for (auto& c : p.counted) c.clear();
  return p;
}

} // namespace corridor::test
