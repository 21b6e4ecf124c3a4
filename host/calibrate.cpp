#include "calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "../kernels/stats.h"
#include "model_build.h"

namespace corridor {
namespace {

Table subset(const Table& t, const std::vector<size_t>& rows) {
  Table o;
  o.where = t.where;
  o.rows = rows.size();
  for (const auto& kv : t.str) {
    auto& c = o.str[kv.first];
    for (size_t r : rows) c.push_back(kv.second[r]);
  }
  for (const auto& kv : t.num) {
    auto& c = o.num[kv.first];
    for (size_t r : rows) c.push_back(kv.second[r]);
  }
  for (size_t r : rows) o.line.push_back(r < t.line.size() ? t.line[r] : 0);
  return o;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// First principal component of a correlation matrix (power iteration).
std::vector<double> pc1(const std::vector<std::vector<double>>& C, double& lambda) {
  const size_t k = C.size();
  std::vector<double> v(k, 1.0 / std::sqrt(static_cast<double>(k))), w(k);
  lambda = 0;
  for (int it = 0; it < 500; ++it) {
    for (size_t i = 0; i < k; ++i) {
      w[i] = 0;
      for (size_t j = 0; j < k; ++j) w[i] += C[i][j] * v[j];
    }
    double nrm = 0;
    for (double x : w) nrm += x * x;
    nrm = std::sqrt(nrm);
    if (nrm == 0) break;
    double diff = 0;
    for (size_t i = 0; i < k; ++i) {
      diff += std::fabs(w[i] / nrm - v[i]);
      v[i] = w[i] / nrm;
    }
    lambda = nrm;
    if (diff < 1e-13) break;
  }
  double s = 0;
  for (double x : v) s += x;
  if (s < 0)
    for (double& x : v) x = -x;
  return v;
}

// Loadings (standardised units) of the first factor of z[year][series] (NaN = missing),
// correlations from pairwise-complete years.
std::vector<double> loadings(const std::vector<std::vector<double>>& z) {
  const size_t k = z.empty() ? 0 : z[0].size();
  std::vector<std::vector<double>> C(k, std::vector<double>(k, 0.0));
  for (size_t a = 0; a < k; ++a)
    for (size_t b = 0; b < k; ++b) {
      double sab = 0, saa = 0, sbb = 0;
      int n = 0;
      for (const auto& row : z)
        if (!std::isnan(row[a]) && !std::isnan(row[b]))
          sab += row[a] * row[b], saa += row[a] * row[a], sbb += row[b] * row[b], ++n;
      C[a][b] = n > 1 && saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : (a == b ? 1.0 : 0.0);
    }
  double lambda = 0;
  std::vector<double> v = pc1(C, lambda);
  for (double& x : v) x *= std::sqrt(std::max(lambda, 0.0));
  return v;
}

} // namespace

std::vector<std::vector<Observation>> series_history(const Input& in) {
  const Table& s = in.tables.at("series");
  std::map<std::string, size_t> idx;
  for (size_t r = 0; r < s.rows; ++r) idx[s.str.at("id")[r]] = r;
  std::vector<std::map<int, Observation>> by(s.rows);
  const auto it = in.tables.find("history");
  if (it != in.tables.end()) {
    const Table& h = it->second;
    for (size_t r = 0; r < h.rows; ++r) {
      const auto f = idx.find(h.str.at("series")[r]);
      if (f == idx.end()) continue;
      const double cov = h.num.at("coverage")[r];
      const int y = static_cast<int>(h.num.at("year")[r]);
      by[f->second][y] = Observation{y, h.num.at("value")[r] / cov, cov < 1.0};
    }
  }
  std::vector<std::vector<Observation>> out(s.rows);
  for (size_t r = 0; r < s.rows; ++r)
    for (const auto& kv : by[r]) out[r].push_back(kv.second);
  return out;
}

namespace {

using StandardisedIncrements = std::map<int, std::map<size_t, double>>; // year -> series row -> z

// drift and volatility of one series from its history; its annual standardised increments into zy
SeriesEstimate estimate_series(const Table& s, size_t r, const std::vector<Observation>& o,
                               StandardisedIncrements& zy) {
  SeriesEstimate e;
  e.series = s.str.at("id")[r];
  e.n = static_cast<int>(o.size());
  for (const auto& x : o) e.partial += x.partial;
  e.first = o.empty() ? 0 : o.front().year;
  e.last = o.empty() ? 0 : o.back().year;
  if (s.str.at("kind")[r] != "load") {
    e.reason = "derived: follows its load series";
    return e;
  }
  if (e.n < 3) {
    e.reason = e.n == 0 ? "no history" : std::to_string(e.n) + (e.n == 1 ? " observation" : " observations");
    return e;
  }
  if (e.last - e.first < 3) {
    e.reason = "observations span less than 3 years";
    return e;
  }
  const double T = e.last - e.first;
  e.mu = (std::log(o.back().value) - std::log(o.front().value)) / T;
  double ss = 0;
  for (size_t i = 1; i < o.size(); ++i) {
    const double d = std::log(o[i].value) - std::log(o[i - 1].value), dt = o[i].year - o[i - 1].year;
    ss += (d - e.mu * dt) * (d - e.mu * dt) / dt;
  }
  const double m = static_cast<double>(o.size() - 1);
  e.sigma = std::sqrt(ss / (m - 1));
  e.mu_se = e.sigma / std::sqrt(T);
  e.sigma_se = e.sigma / std::sqrt(2 * (m - 1));
  e.estimated = e.sigma > 0;
  if (!e.estimated) e.reason = "no variation around the trend";
  if (e.estimated)
    for (size_t i = 1; i < o.size(); ++i)
      if (o[i].year - o[i - 1].year == 1)
        zy[o[i].year][r] = (std::log(o[i].value) - std::log(o[i - 1].value) - e.mu) / e.sigma;
  return e;
}

// the series with at least 5 annual increments (cols) and the years where at least 3 of them are observed (z)
void factor_matrix(const StandardisedIncrements& zy, std::vector<size_t>& cols, std::vector<std::vector<double>>& z) {
  std::map<size_t, int> count;
  for (const auto& y : zy)
    for (const auto& kv : y.second) ++count[kv.first];
  for (const auto& kv : count)
    if (kv.second >= 5) cols.push_back(kv.first);
  for (const auto& y : zy) {
    std::vector<double> row;
    int n = 0;
    for (size_t r : cols) {
      const auto f = y.second.find(r);
      row.push_back(f == y.second.end() ? std::nan("") : f->second);
      n += f != y.second.end();
    }
    if (n >= 3) z.push_back(row);
  }
}

// regional loadings (jackknife standard errors over years) and the frequency of regional drops
void estimate_factor(const std::vector<size_t>& cols, const std::vector<std::vector<double>>& z, Calibration& c) {
  c.factor_years = static_cast<int>(z.size());
  c.factor_series = static_cast<int>(cols.size());
  const std::vector<double> l = loadings(z);
  std::vector<double> sum(cols.size(), 0.0), sum2(cols.size(), 0.0);
  const size_t n = z.size();
  for (size_t k = 0; k < n; ++k) {
    std::vector<std::vector<double>> zk;
    for (size_t i = 0; i < n; ++i)
      if (i != k) zk.push_back(z[i]);
    const std::vector<double> lk = loadings(zk);
    for (size_t j = 0; j < cols.size(); ++j) sum[j] += lk[j], sum2[j] += lk[j] * lk[j];
  }
  for (size_t j = 0; j < cols.size(); ++j) {
    SeriesEstimate& e = c.series[cols[j]];
    const double mean = sum[j] / n, var = (n - 1.0) / n * std::max(0.0, sum2[j] - n * mean * mean);
    e.has_loading = true;
    e.b_region = l[j] * e.sigma;
    e.b_region_se = std::sqrt(var) * e.sigma;
  }
  int drops = 0;
  for (const auto& row : z) {
    double m = 0;
    int k = 0;
    for (double x : row)
      if (!std::isnan(x)) m += x, ++k;
    drops += m / k < -2.0;
  }
  c.has_shocks = true;
  c.shock_freq = static_cast<double>(drops) / n;
  c.shock_freq_se = std::sqrt(c.shock_freq * (1 - c.shock_freq) / n);
}

} // namespace

Calibration calibrate(const Input& in) {
  const Table& s = in.tables.at("series");
  const auto hist = series_history(in);
  Calibration c;
  StandardisedIncrements zy;
  for (size_t r = 0; r < s.rows; ++r) c.series.push_back(estimate_series(s, r, hist[r], zy));
  std::vector<size_t> cols;
  std::vector<std::vector<double>> z;
  factor_matrix(zy, cols, z);
  if (cols.size() >= 3 && z.size() >= 5) estimate_factor(cols, z, c);
  return c;
}

Input apply_calibration(const Input& in, const Calibration& c) {
  Input out = in;
  Table& s = out.tables.at("series");
  for (size_t r = 0; r < s.rows; ++r) {
    const SeriesEstimate& e = c.series[r];
    if (!e.estimated) continue;
    s.num.at("mu")[r] = e.mu;
    s.num.at("tau")[r] = e.mu_se;
    s.num.at("phi")[r] = 0.0; // the estimator is a random walk with drift
    s.num.at("b_partner")[r] = 0.0;
    s.num.at("b_port")[r] = 0.0;
    if (e.has_loading) {
      s.num.at("b_region")[r] = e.b_region;
      s.num.at("sigma")[r] = std::sqrt(std::max(0.0, e.sigma * e.sigma - e.b_region * e.b_region));
    } else {
      s.num.at("b_region")[r] = 0.0;
      s.num.at("sigma")[r] = e.sigma;
    }
    std::string& src = s.str.at("source")[r];
    src += (src.empty() ? "" : "; ") + std::string("calibrated by corridor calibrate from ") + std::to_string(e.n) +
           " observations " + std::to_string(e.first) + "-" + std::to_string(e.last) +
           (e.partial ? " (" + std::to_string(e.partial) + " partial years annualised)" : "");
  }
  return out;
}

double shrink_sigma(double s, int df, double p, double prior_df) {
  const double d = df + prior_df;
  return d > 0 ? std::sqrt((df * s * s + prior_df * p * p) / d) : s;
}

double between_sd(const std::vector<double>& mu, const std::vector<double>& se, double& mean, double& mean_se) {
  const size_t k = mu.size();
  mean = std::nan(""), mean_se = std::nan("");
  if (k == 0 || se.size() != k) return std::nan("");
  double s1 = 0, s2 = 0, m = 0;
  for (size_t i = 0; i < k; ++i) {
    const double w = 1 / (se[i] * se[i]);
    s1 += w, s2 += w * w, m += w * mu[i];
  }
  m /= s1;
  double q = 0;
  for (size_t i = 0; i < k; ++i) q += (mu[i] - m) * (mu[i] - m) / (se[i] * se[i]);
  const double t2 = k > 1 ? std::max(0.0, (q - (k - 1.0)) / (s1 - s2 / s1)) : 0.0;
  double W = 0, M = 0; // random-effects mean
  for (size_t i = 0; i < k; ++i) {
    const double w = 1 / (se[i] * se[i] + t2);
    W += w, M += w * mu[i];
  }
  mean = M / W;
  mean_se = std::sqrt(1 / W);
  return std::sqrt(t2);
}

namespace {

// the years and rounded log increments of a history: equal for series split from one total by a fixed share
std::string history_key(const std::vector<Observation>& o) {
  std::string k;
  for (size_t i = 0; i < o.size(); ++i) {
    k += std::to_string(o[i].year);
    if (i > 0) {
      char b[32];
      std::snprintf(b, sizeof b, ":%.4f", std::log(o[i].value) - std::log(o[i - 1].value));
      k += b;
    }
    k += ';';
  }
  return k;
}

} // namespace

// a pooled variance needs 3 degrees of freedom or more (with 1 its 95% interval spans a factor of 1000)
constexpr int kMinPoolDf = 3;

std::vector<WidthEstimate> estimate_widths(const Input& full, double prior_df) {
  Input in = full; // without the partial years under kMinWidthCoverage
  const auto h = full.tables.find("history");
  if (h != full.tables.end()) {
    std::vector<size_t> keep;
    for (size_t r = 0; r < h->second.rows; ++r)
      if (h->second.num.at("coverage")[r] >= kMinWidthCoverage) keep.push_back(r);
    in.tables["history"] = subset(h->second, keep);
  }
  const Calibration c = calibrate(in);
  const Table& s = in.tables.at("series");
  const auto hist = series_history(in);
  std::vector<WidthEstimate> w(s.rows);
  std::map<std::string, std::vector<size_t>> by_mode; // distinct histories of load series, by mode
  std::map<std::string, std::map<std::string, size_t>> seen;
  for (size_t r = 0; r < s.rows; ++r) {
    w[r].series = s.str.at("id")[r];
    w[r].mode = s.str.at("mode")[r] + " " + s.str.at("metric")[r];
    if (s.str.at("kind")[r] != "load") continue;
    const SeriesEstimate& e = c.series[r];
    w[r].own = e.estimated;
    if (e.estimated) {
      w[r].df = e.n - 2;
      w[r].sigma_own = e.sigma;
    }
    if (hist[r].size() >= 2 && seen[w[r].mode].emplace(history_key(hist[r]), r).second) by_mode[w[r].mode].push_back(r);
  }
  for (const auto& kv : by_mode) {
    double num = 0;
    int den = 0;
    for (size_t r : kv.second)
      if (w[r].own) num += w[r].df * w[r].sigma_own * w[r].sigma_own, den += w[r].df;
    if (den < kMinPoolDf) continue; // too little to estimate a volatility: the mode's series keep their input widths
    const double pool = std::sqrt(num / den);
    std::vector<double> mu, se;
    for (size_t r : kv.second) { // trends of every distinct history with 2 observations or more
      const auto& o = hist[r];
      const double T = o.back().year - o.front().year;
      const double sg = w[r].own ? shrink_sigma(w[r].sigma_own, w[r].df, pool, prior_df) : pool;
      mu.push_back((std::log(o.back().value) - std::log(o.front().value)) / T);
      se.push_back(sg / std::sqrt(T));
    }
    double mean = 0, mean_se = 0;
    const double sd = between_sd(mu, se, mean, mean_se);
    for (size_t r = 0; r < s.rows; ++r) {
      if (w[r].mode != kv.first || s.str.at("kind")[r] != "load") continue;
      WidthEstimate& x = w[r];
      x.pooled = true;
      x.sigma_pool = pool;
      x.weight = x.own ? x.df / (x.df + prior_df) : 0.0;
      x.sigma = x.own ? shrink_sigma(x.sigma_own, x.df, pool, prior_df) : pool;
      x.trend_mean = mean, x.trend_mean_se = mean_se, x.trend_sd = sd;
      x.tau = mean_se;
      x.pool_series = static_cast<int>(kv.second.size());
    }
  }
  return w;
}

Input apply_widths(const Input& in, const std::vector<WidthEstimate>& w) {
  Input out = in;
  Table& s = out.tables.at("series");
  for (size_t r = 0; r < s.rows; ++r) {
    if (!w[r].pooled) continue;
    s.num.at("phi")[r] = 0.0; // the estimator is a random walk with drift
    const double total = w[r].sigma;
    double b2 = 0;
    for (const char* b : {"b_region", "b_partner", "b_port"}) b2 += s.num.at(b)[r] * s.num.at(b)[r];
    s.num.at("sigma")[r] = std::sqrt(std::max(total * total - b2, total * total / 4));
    s.num.at("tau")[r] = w[r].tau;
  }
  return out;
}

Input history_until(const Input& in, int year) {
  Input out = in;
  const auto it = in.tables.find("history");
  if (it == in.tables.end()) return out;
  std::vector<size_t> keep;
  for (size_t r = 0; r < it->second.rows; ++r)
    if (it->second.num.at("year")[r] <= year) keep.push_back(r);
  out.tables["history"] = subset(it->second, keep);
  return out;
}

BinomialInterval wilson_interval(int k, int n, double z) {
  if (n <= 0) return {};
  const double p = static_cast<double>(k) / n, z2 = z * z, d = 1 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / d;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / d;
  // exact bounds at 0 and n of n, and the observed share inside despite rounding
  return {k == 0 ? 0.0 : std::min(p, std::max(0.0, centre - half)),
          k == n ? 1.0 : std::max(p, std::min(1.0, centre + half))};
}

double interval_score(double lo, double hi, double alpha, double x) {
  return (hi - lo) + 2 / alpha * (std::max(0.0, lo - x) + std::max(0.0, x - hi));
}

double weighted_interval_score(const std::vector<double>& probs, const std::vector<double>& q, double x) {
  const size_t m = probs.size();
  if (m == 0 || m % 2 == 0 || q.size() != m || std::fabs(probs[m / 2] - 0.5) > 1e-12)
    throw std::invalid_argument("weighted_interval_score: levels must be a median and symmetric intervals");
  double s = 0.5 * std::fabs(x - q[m / 2]);
  for (size_t k = 0; k < m / 2; ++k) {
    const double a = 2 * probs[k];
    if (std::fabs(probs[k] + probs[m - 1 - k] - 1) > 1e-12)
      throw std::invalid_argument("weighted_interval_score: levels must be symmetric around the median");
    s += a / 2 * interval_score(q[k], q[m - 1 - k], a, x);
  }
  const int intervals = m / 2; // central intervals, the median apart
  return s / (static_cast<double>(intervals) + 0.5);
}

namespace {

// the load series observed at the origin and later (rows), their values there (base) and the last year observed
struct OriginSeries {
  std::vector<size_t> rows;
  std::vector<double> base;
  std::vector<bool> partial; // the value at the origin is an annualised partial year
  int last = 0;
};

OriginSeries origin_series(const Table& s, const std::vector<std::vector<Observation>>& hist, int origin) {
  OriginSeries os;
  os.last = origin;
  for (size_t r = 0; r < s.rows; ++r) {
    if (s.str.at("kind")[r] != "load") continue;
    const auto& o = hist[r];
    const auto at = std::find_if(o.begin(), o.end(), [&](const Observation& x) { return x.year == origin; });
    if (at == o.end() || at + 1 == o.end()) continue;
    os.rows.push_back(r);
    os.base.push_back(at->value);
    os.partial.push_back(at->partial);
    os.last = std::max(os.last, o.back().year);
  }
  return os;
}

// the demand model from the origin: first scenario's shocks, no capacity, no
// network, no adjustments
Input origin_input(const Input& in, int origin, const OriginSeries& os) {
  Input sub = in;
  sub.meta["base_year"] = std::to_string(origin);
  sub.meta["horizon_year"] = std::to_string(os.last);
  sub.tables["series"] = subset(in.tables.at("series"), os.rows);
  sub.tables["series"].num.at("base_value") = os.base;
  auto& unlimited = sub.tables["series"].str;
  const auto ver = in.meta.find("schema_version");
  if (unlimited.count("unlimited") && ver != in.meta.end() && ver->second != "1") // version 2: each says why
    for (auto& u : unlimited.at("unlimited")) u = "backtest: the demand model alone";
  for (const char* t : {"groups", "expansions", "expansion_years", "targets", "adjustments", "history", "routes",
                        "corridors", "captures", "markets"})
    if (sub.tables.count(t)) sub.tables[t] = subset(sub.tables[t], {});
  sub.tables["scenarios"] = subset(in.tables.at("scenarios"), {0});
  return sub;
}

// index of the quantile at level p in probs
size_t qindex(const std::vector<double>& probs, double p) {
  for (size_t k = 0; k < probs.size(); ++k)
    if (std::fabs(probs[k] - p) < 1e-9) return k;
  throw std::logic_error("backtest: no quantile at " + std::to_string(p));
}

double log_or_nan(double v) { return v > 0 ? std::log(v) : std::nan(""); }

// the interval and weighted interval scores of one case, on log values
void score_case(const std::vector<double>& probs, const std::vector<double>& levels, BacktestCase& bc) {
  std::vector<double> lq;
  for (double v : bc.q) lq.push_back(log_or_nan(v));
  const double lx = log_or_nan(bc.actual);
  for (double lev : levels) {
    const double a = 1 - lev;
    bc.iscore.push_back(interval_score(lq[qindex(probs, a / 2)], lq[qindex(probs, 1 - a / 2)], a, lx));
  }
  bc.wis = weighted_interval_score(probs, lq, lx);
}

double mean_finite(const std::vector<double>& v) {
  double s = 0;
  int n = 0;
  for (double x : v)
    if (std::isfinite(x)) s += x, ++n;
  return n ? s / n : std::nan("");
}

BacktestScore score_cases(const std::vector<double>& probs, const std::vector<double>& levels,
                          const std::vector<const BacktestCase*>& cs, int horizon) {
  BacktestScore sc;
  sc.horizon = horizon;
  sc.n = static_cast<int>(cs.size());
  const size_t i50 = qindex(probs, 0.5);
  for (size_t l = 0; l < levels.size(); ++l) {
    const double a = 1 - levels[l];
    const size_t lo = qindex(probs, a / 2), hi = qindex(probs, 1 - a / 2);
    int in = 0;
    std::vector<double> width, is;
    for (const BacktestCase* bc : cs) {
      in += bc->actual >= bc->q[lo] && bc->actual <= bc->q[hi];
      width.push_back((bc->q[hi] - bc->q[lo]) / bc->q[i50]);
      is.push_back(bc->iscore[l]);
    }
    const BinomialInterval w = wilson_interval(in, sc.n);
    sc.cover.push_back(sc.n ? static_cast<double>(in) / sc.n : std::nan(""));
    sc.cover_lo.push_back(w.lo);
    sc.cover_hi.push_back(w.hi);
    sc.sharpness.push_back(mean_finite(width));
    sc.iscore.push_back(mean_finite(is));
  }
  std::vector<double> wis, ape;
  for (const BacktestCase* bc : cs) {
    wis.push_back(bc->wis);
    ape.push_back(std::fabs(bc->q[i50] - bc->actual) / std::fabs(bc->actual));
  }
  sc.wis = mean_finite(wis);
  sc.mdape = median(ape);
  return sc;
}

// the scores per horizon and over every case
void score(BacktestResult& res) {
  std::map<int, std::vector<const BacktestCase*>> byh;
  std::vector<const BacktestCase*> every;
  for (auto& bc : res.cases) {
    score_case(res.probs, res.levels, bc);
    byh[bc.year - bc.origin].push_back(&bc);
    every.push_back(&bc);
  }
  for (const auto& kv : byh) {
    const BacktestScore sc = score_cases(res.probs, res.levels, kv.second, kv.first);
    res.horizons.push_back(kv.first);
    res.n.push_back(sc.n);
    res.cover50.push_back(sc.cover[0]);
    res.cover80.push_back(sc.cover[1]);
    res.cover90.push_back(sc.cover[2]);
    res.mdape.push_back(sc.mdape);
    res.by_horizon.push_back(sc);
  }
  for (const auto& band : {std::pair<int, int>{1, 3}, {4, 7}, {8, 1000}}) {
    std::vector<const BacktestCase*> in;
    for (const auto& kv : byh)
      if (kv.first >= band.first && kv.first <= band.second) in.insert(in.end(), kv.second.begin(), kv.second.end());
    if (!in.empty()) res.by_band.push_back(score_cases(res.probs, res.levels, in, band.first));
  }
  res.all = score_cases(res.probs, res.levels, every, 0);
}

} // namespace

BacktestResult backtest(const Input& in, const std::vector<int>& origins, uint32_t paths, uint64_t seed, Backend& be,
                        bool widths_before_origin) {
  BacktestResult res;
  const Table& s = in.tables.at("series");
  const auto hist = series_history(in);
  for (int origin : origins) {
    const OriginSeries os = origin_series(s, hist, origin);
    if (os.rows.empty()) continue;
    ModelInfo info;
    Input widths = in;
    if (widths_before_origin) {
      const Input past = history_until(in, origin);
      widths = apply_widths(in, estimate_widths(past));
    }
    const HostModel m = build_model(origin_input(widths, origin, os), info);
    const CellPlan plan = make_cell_plan(m, 0.9);
    RunConfig cfg;
    cfg.paths = paths;
    cfg.seed = seed;
    cfg.probs = res.probs;
    RunResult rr;
    be.run(m, plan, cfg, rr);
    const ModelView v = m.view();
    for (size_t i = 0; i < os.rows.size(); ++i)
      for (const Observation& ob : hist[os.rows[i]]) {
        if (ob.year <= origin) continue;
        BacktestCase bc;
        bc.series = s.str.at("id")[os.rows[i]];
        bc.origin = origin;
        bc.year = ob.year;
        bc.actual = ob.value;
        bc.partial = ob.partial || os.partial[i];
        const int cell = v.series_cell(static_cast<int>(i), kDemand, ob.year - origin);
        for (size_t k = 0; k < res.probs.size(); ++k)
          bc.q.push_back(rr.stats[static_cast<size_t>(cell) * rr.width + 3 + k]); // scenario 0
        res.cases.push_back(bc);
      }
  }
  score(res);
  return res;
}

} // namespace corridor
