#include "util.h"

#include <algorithm>
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
    if (cd.type == 's') t.str[cd.name].push_back(v);
    else t.num[cd.name].push_back(v.empty() ? 0.0 : std::stod(v));
  }
  for (const auto& kv : values)
    if (std::none_of(def->cols.begin(), def->cols.end(), [&](const ColumnDef& c) { return c.name == kv.first; }))
      throw std::runtime_error("no column " + kv.first);
  ++t.rows;
}

Input empty_input(int base_year, int horizon_year) {
  Input in;
  in.origin = "test";
  in.meta = {{"schema_version", "1"}, {"title", "test"}, {"base_year", std::to_string(base_year)},
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
          {{"id", "S1"}, {"port", "P1"}, {"partner", "KAZ"}, {"mode", "rail"}, {"metric", "freight"}, {"kind", "load"},
           {"base_value", std::to_string(base)}, {"mu", std::to_string(mu)}, {"tau", std::to_string(tau)},
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

} // namespace corridor::test
