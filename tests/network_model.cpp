#include "network_model.h"

namespace corridor::test {

void set_routes(HostModel& m, const std::vector<std::vector<int>>& chains) {
  m.route_begin.assign(1, 0);
  m.route_node.clear();
  for (int s = 0; s < m.S; ++s) {
    for (int n : chains[static_cast<size_t>(s)]) m.route_node.push_back(n);
    m.route_begin.push_back(static_cast<int>(m.route_node.size()));
  }
}

void with_capacity_ranges(HostModel& m) {
  m.group_cap_low = {90, 100, 70, 55, m.group_capacity[4]};
  m.group_cap_high = {160, 140, 105, 80, m.group_capacity[4]};
  m.GD = m.G;
}

HostModel network_model() {
  Input in = empty_input(2024, 2036);
  in.tables["ports"].num["closure_prob"][0] = 0.15;
  in.tables["ports"].num["closure_loss_min"][0] = 0.1;
  in.tables["ports"].num["closure_loss_max"][0] = 0.5;
  for (const char* p : {"P2", "P3"})
    add_row(in, "ports",
            {{"id", p},
             {"name", p},
             {"kind", "land"},
             {"lat", "44"},
             {"lon", "80"},
             {"closure_prob", "0.1"},
             {"closure_loss_min", "0.2"},
             {"closure_loss_max", "0.8"}});
  add_row(in, "metrics", {{"id", "trains"}, {"unit", "trains"}});
  auto load = [&](const char* id, const char* port, const char* mode, const char* base, const char* mu) {
    add_row(in, "series",
            {{"id", id},
             {"port", port},
             {"partner", "KAZ"},
             {"mode", mode},
             {"metric", "freight"},
             {"kind", "load"},
             {"base_value", base},
             {"mu", mu},
             {"tau", "0.03"},
             {"sigma", "0.08"},
             {"phi", "0.3"},
             {"b_region", "0.03"},
             {"b_partner", "0.02"},
             {"b_port", "0.02"}});
  };
  load("A_rail", "P1", "rail", "100", "0.07");
  load("B_rail", "P2", "rail", "80", "0.06");
  load("A_road", "P1", "road", "50", "0.08");
  load("NEW_rail", "P3", "rail", "1", "0");
  add_row(in, "series",
          {{"id", "A_trains"},
           {"port", "P1"},
           {"partner", "KAZ"},
           {"mode", "rail"},
           {"metric", "trains"},
           {"kind", "derived"},
           {"source_series", "A_rail"},
           {"base_value", "3"},
           {"mu", "-0.01"},
           {"sigma", "0.02"}});
  auto node = [&](const char* id, const char* port, const char* mode, const char* cap, const char* over) {
    add_row(in, "groups",
            {{"id", id}, {"port", port}, {"mode", mode}, {"metric", "freight"}, {"capacity", cap}, {"overload", over}});
  };
  node("A_station", "P1", "rail", "125", "1.1");
  node("A_yard", "P1", "air", "115", "1.05");
  node("B_station", "P2", "rail", "100", "1.1");
  node("Road", "P1", "road", "60", "1.1");
  node("New_line", "P3", "rail", "1", "1");
  add_row(in, "expansions", {{"id", "E_new"}, {"group", "New_line"}, {"capacity_add", "70"}});
  add_row(in, "expansion_years", {{"expansion", "E_new"}, {"year", "2027"}, {"probability", "0.4"}});
  add_row(in, "expansion_years", {{"expansion", "E_new"}, {"year", "2029"}, {"probability", "0.4"}});
  add_row(in, "expansion_years",
          {{"expansion", "E_new"}, {"year", "2037"}, {"probability", "0.2"}}); // after the horizon: never
  in.tables["scenarios"].num["region_shock_prob"][0] = 0.1;
  in.tables["scenarios"].num["region_shock_mean"][0] = 0.3;
  in.tables["scenarios"].num["region_shock_sd"][0] = 0.1;
  in.tables["scenarios"].num["diversion_friction"][0] = 0.1;
  in.tables["scenarios"].num["cross_mode_share"][0] = 0.3;
  add_row(in, "scenarios", {{"id", "plain"}, {"name", "Plain"}, {"diversion_friction", "0.2"}});
  HostModel m = build(in);
  // the new corridor: no demand of its own, a line built from nothing
  m.base[3] = 0;
  m.corridor[3] = 0;
  m.group_capacity[4] = m.group_cap_low[4] = m.group_cap_high[4] = 0;
  m.C = 1;
  m.cor_series = {3};
  m.cor_exp = {0};
  m.K = 2;
  m.cap_cor = {0, 0};
  m.cap_from = {0, 1};
  m.cap_share = {0.3, 0.2};
  m.exp_ramp = {0.3, 0.7, 1.0};
  m.exp_ramp_begin = {0, 3};
  set_routes(m, {{0, 1}, {2}, {3}, {4, 1}, {}});
  // congestion and costs
  m.group_free_time = {10, 6, 8, 2, 12};
  m.group_alpha = {0.5, 0.3, 0.15, 1.0, 0.15};
  m.group_beta = {4, 3, 4, 2, 4};
  m.cost = {60, 70, 90, 50, 0};
  m.time = {30, 35, 20, 25, 0};
  for (int mk = 0; mk < m.M; ++mk) {
    m.mk_scale[mk] = 40;
    m.mk_elasticity[mk] = -0.4;
    m.mk_vot[mk] = 1.5;
  }
  // a response at the yard
  m.resp_threshold[1] = 0.85;
  m.resp_years[1] = 2;
  m.resp_size[1] = 40;
  m.resp_cap[1] = 80;
  m.resp_lag_begin = {0, 0, 2, 2, 2, 2};
  m.resp_lag_step = {2, 3};
  m.resp_lag_cum = {0.5, 1.0};
  m.sc_route_choice = {1, 0};
  m.sc_responsive = {1, 0};
  return m;
}

} // namespace corridor::test
