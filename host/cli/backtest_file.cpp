#include "backtest_file.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <hdf5_hl.h>

#include "../h5.h"
#include "../output.h"

namespace corridor {
namespace {

// the backtest file's variables along named dimensions (h5::DimScales)
using Dims = h5::DimScales;

// the per-horizon (dims horizon, level) or overall (dim level) fields of the scores
void write_score_set(Dims& d, const std::vector<const BacktestScore*>& s, const std::string& prefix, bool by_horizon) {
  std::vector<double> cov, lo, hi, sh, is, wis, mdape;
  std::vector<long long> n;
  for (const BacktestScore* x : s) {
    cov.insert(cov.end(), x->cover.begin(), x->cover.end());
    lo.insert(lo.end(), x->cover_lo.begin(), x->cover_lo.end());
    hi.insert(hi.end(), x->cover_hi.begin(), x->cover_hi.end());
    sh.insert(sh.end(), x->sharpness.begin(), x->sharpness.end());
    is.insert(is.end(), x->iscore.begin(), x->iscore.end());
    wis.push_back(x->wis);
    mdape.push_back(x->mdape);
    n.push_back(x->n);
  }
  const std::vector<std::string> hl =
      by_horizon ? std::vector<std::string>{"horizon", "level"} : std::vector<std::string>{"level"};
  const std::string of = by_horizon ? " per horizon" : " over every case";
  d.doubles(prefix + "coverage", hl, cov, "1", "share of actuals inside the central interval" + of);
  d.doubles(prefix + "coverage_lower", hl, lo, "1", "lower end of the Wilson 95% interval of the coverage" + of);
  d.doubles(prefix + "coverage_upper", hl, hi, "1", "upper end of the Wilson 95% interval of the coverage" + of);
  d.doubles(prefix + "sharpness", hl, sh, "1", "mean width of the central interval over the median" + of);
  d.doubles(prefix + "interval_score", hl, is, "ln(metric unit)",
            "mean interval score (Gneiting-Raftery) of the central interval on ln values" + of);
  if (by_horizon) {
    d.doubles("crps", {"horizon"}, wis, "ln(metric unit)",
              "mean CRPS on ln values, approximated from the 7 quantiles by the weighted interval score");
  } else { // scalars over every case: attributes of the file
    h5::write_attr_int(d.file, "all_cases", n[0]);
    h5::write_attr_double(d.file, "all_crps", wis[0]);
    h5::write_attr_double(d.file, "all_mdape", mdape[0]);
  }
}

void write_scores(Dims& d, const BacktestResult& r) {
  const hsize_t H = r.horizons.size();
  std::vector<long long> hz(r.horizons.begin(), r.horizons.end()), nn(r.n.begin(), r.n.end());
  h5::write_ints(d.file, "horizon", {H}, hz.data(), false);
  d.make_scale("horizon", "years from the origin to the observation", "years");
  h5::write_doubles(d.file, "quantile", {r.probs.size()}, r.probs.data(), false);
  d.make_scale("quantile", "probability level of the projected quantile", "1");
  h5::write_doubles(d.file, "level", {r.levels.size()}, r.levels.data(), false);
  d.make_scale("level", "probability held by the central interval", "1");
  d.ints("cases", {"horizon"}, nn, "", "number of cases per horizon");
  d.doubles("coverage_50", {"horizon"}, r.cover50, "1", "share of actuals inside the central 50% interval");
  d.doubles("coverage_80", {"horizon"}, r.cover80, "1", "share of actuals inside the central 80% interval");
  d.doubles("coverage_90", {"horizon"}, r.cover90, "1", "share of actuals inside the central 90% interval");
  d.doubles("mdape", {"horizon"}, r.mdape, "1", "median absolute percentage error of the median (fraction)");
  std::vector<const BacktestScore*> per;
  for (const auto& s : r.by_horizon) per.push_back(&s);
  write_score_set(d, per, "", true);
  write_score_set(d, {&r.all}, "all_", false);
}

void write_cases(Dims& d, const BacktestResult& r) {
  const hsize_t N = r.cases.size();
  std::vector<std::string> cs;
  std::vector<long long> idx, co, cy, cp;
  std::vector<double> ca, cq, ci, cw;
  for (const auto& c : r.cases) {
    idx.push_back(static_cast<long long>(idx.size()));
    cs.push_back(c.series), co.push_back(c.origin), cy.push_back(c.year), ca.push_back(c.actual);
    cp.push_back(c.partial);
    cq.insert(cq.end(), c.q.begin(), c.q.end());
    ci.insert(ci.end(), c.iscore.begin(), c.iscore.end());
    cw.push_back(c.wis);
  }
  h5::write_ints(d.file, "case", {N}, idx.data(), false);
  d.make_scale("case", "case number", "");
  h5::write_strings(d.file, "case_series", cs);
  d.attach("case_series", {"case"}, "", "series of the case");
  d.ints("case_origin", {"case"}, co, "", "origin year: the projection starts from the value observed there");
  d.ints("case_year", {"case"}, cy, "", "year of the observation compared");
  d.ints("case_partial", {"case"}, cp, "", "1 when the actual or the origin value is an annualised partial year");
  d.doubles("case_actual", {"case"}, ca, "metric unit", "observed value (annual; partial years annualised)");
  d.doubles("case_quantile", {"case", "quantile"}, cq, "metric unit", "projected quantiles of the demand");
  d.doubles("case_interval_score", {"case", "level"}, ci, "ln(metric unit)",
            "interval score (Gneiting-Raftery) of the central interval on ln values");
  d.doubles("case_crps", {"case"}, cw, "ln(metric unit)",
            "CRPS on ln values, approximated from the 7 quantiles by the weighted interval score");
}

} // namespace

void write_backtest_file(hid_t f, const BacktestResult& r, const BacktestProvenance& p) {
  Dims d{f, {}, {}};
  write_scores(d, r);
  write_cases(d, r);
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
