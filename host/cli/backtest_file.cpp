#include "backtest_file.h"

#include <filesystem>

#include "../h5.h"
#include "../output.h"

namespace corridor {
namespace {

void write_scores(hid_t f, const BacktestResult& r) {
  const hsize_t H = r.horizons.size(), Q = r.probs.size();
  std::vector<long long> hz(r.horizons.begin(), r.horizons.end()), nn(r.n.begin(), r.n.end());
  h5::write_ints(f, "horizon", {H}, hz.data(), false);
  h5::write_ints(f, "cases", {H}, nn.data(), false);
  h5::write_doubles(f, "coverage_50", {H}, r.cover50.data(), false);
  h5::write_doubles(f, "coverage_80", {H}, r.cover80.data(), false);
  h5::write_doubles(f, "coverage_90", {H}, r.cover90.data(), false);
  h5::write_doubles(f, "mdape", {H}, r.mdape.data(), false);
  h5::write_doubles(f, "quantile", {Q}, r.probs.data(), false);
}

void write_cases(hid_t f, const BacktestResult& r) {
  const hsize_t N = r.cases.size(), Q = r.probs.size();
  std::vector<std::string> cs;
  std::vector<long long> co, cy;
  std::vector<double> ca, cq;
  for (const auto& c : r.cases) {
    cs.push_back(c.series), co.push_back(c.origin), cy.push_back(c.year), ca.push_back(c.actual);
    cq.insert(cq.end(), c.q.begin(), c.q.end());
  }
  h5::write_strings(f, "case_series", cs);
  h5::write_ints(f, "case_origin", {N}, co.data(), false);
  h5::write_ints(f, "case_year", {N}, cy.data(), false);
  h5::write_doubles(f, "case_actual", {N}, ca.data(), false);
  h5::write_doubles(f, "case_quantile", {N, Q}, cq.data(), false);
}

} // namespace

void write_backtest_file(hid_t f, const BacktestResult& r, const BacktestProvenance& p) {
  write_scores(f, r);
  write_cases(f, r);
  h5::write_attr_string(f, "title",
                        "Corridor rolling-origin backtest of " + std::filesystem::path(p.input).filename().string());
  h5::write_attr_string(f, "corridor_version", corridor_version());
  h5::write_attr_string(f, "git_sha", git_sha());
  h5::write_attr_uint(f, "seed", p.seed);
  h5::write_attr_int(f, "paths", p.paths);
  h5::write_attr_string(f, "input_sha256", sha256_file(p.input));
  h5::write_attr_string(f, "created", now_iso8601());
}

} // namespace corridor
