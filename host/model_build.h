// Turns a validated Input into the HostModel the backends run, plus the labels
// the outputs need. All problems are collected and thrown as one InputError.
#pragma once
#include <string>
#include <vector>

#include "backend.h"
#include "input.h"

namespace corridor {

extern const std::vector<std::string> kModes; // rail, road, air, pipeline

struct ModelInfo {
  std::string title;
  int base_year = 0, horizon_year = 0;
  std::vector<int> years;
  std::vector<std::string> series, series_port, series_partner, series_mode, series_metric, series_unit, series_kind;
  std::vector<std::string> ports, port_names, port_kinds, partners, partner_names, metrics, metric_units, groups,
      group_port, group_mode, group_metric, scenarios, scenario_names, targets, target_names, target_metric, expansions;
  std::vector<double> port_lat, port_lon, partner_lat, partner_lon, target_value;
  // aggregate index of each total: by_partner[p*K+k], by_port[q*K+k], by_mode[m*K+k], total[k]; target t at
  // target_agg[t]
  std::vector<int> agg_partner, agg_port, agg_mode, agg_total, target_agg;
};

// Throws InputError listing every problem; returns the notes validation
// shows (each load series without a capacity limit, with its reason).
std::vector<std::string> validate_input(const Input& in);
HostModel build_model(const Input& in, ModelInfo& info);
// Drivers (growth draws, opening years, base capacities drawn in their range,
// shock and closure counts) and responses
// (Xinjiang totals per metric and group utilisation in `year`) of the sensitivity.
SensitivitySpec make_sensitivity_spec(const HostModel& m, const ModelInfo& info, int year, uint32_t paths);

} // namespace corridor
