#include "output.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "../kernels/stats.h"
#include "converge.h"
#include "h5.h"
#include "scenario_diff.h"

#ifndef CORRIDOR_VERSION
#define CORRIDOR_VERSION "0.0.0"
#endif
#if __has_include("git_sha.h")
#include "git_sha.h" // CORRIDOR_GIT_SHA, written at build time (cmake/git_sha.cmake)
#endif
#ifndef CORRIDOR_GIT_SHA // a bare compile (clang-tidy over a configured, unbuilt tree)
#define CORRIDOR_GIT_SHA "unknown"
#endif

namespace fs = std::filesystem;

namespace corridor {

std::string git_sha() { return CORRIDOR_GIT_SHA; }
std::string corridor_version() { return CORRIDOR_VERSION; }

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  // SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds
  // convention), when set to a whole number, stands for the clock: then the
  // same run writes the same file, byte for byte
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(e, &end, 10);
    if (errno == 0 && *end == '\0' && v >= 0 && v <= 253402300799ll) t = static_cast<std::time_t>(v); // to 9999
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sha256_file(const std::string& path) {
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& e : fs::directory_iterator(path))
      if (e.path().extension() == ".csv") files.push_back(e.path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  for (const auto& f : files) {
    if (files.size() > 1) {
      const std::string name = f.filename().string() + "\n";
      EVP_DigestUpdate(ctx, name.data(), name.size());
    }
    std::ifstream in(f, std::ios::binary);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(in.gcount()));
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) s += hex[md[i] >> 4], s += hex[md[i] & 15];
  return s;
}

// -------------------------------------------------------------- writer ----
namespace {

struct Writer : h5::DimScales {
  void coord_strings(const std::string& name, const std::vector<std::string>& v, const std::string& long_name) {
    h5::write_strings(file, name, v);
    make_scale(name, long_name, "");
  }
  void coord_ints(const std::string& name, const std::vector<int>& v, const std::string& long_name,
                  const std::string& units) {
    std::vector<long long> w(v.begin(), v.end());
    h5::write_ints(file, name, {static_cast<hsize_t>(w.size())}, w.data(), false);
    make_scale(name, long_name, units);
  }
  void coord_doubles(const std::string& name, const std::vector<double>& v, const std::string& long_name,
                     const std::string& units) {
    h5::write_doubles(file, name, {static_cast<hsize_t>(v.size())}, v.data(), false);
    make_scale(name, long_name, units);
  }
  void strings_var(const std::string& var, const std::vector<std::string>& v, const std::string& dim,
                   const std::string& long_name) {
    h5::write_strings(file, var, v);
    attach(var, {dim}, "", long_name);
  }
  void doubles_var(const std::string& var, const std::vector<std::string>& dims, const std::vector<hsize_t>& shape,
                   const std::vector<double>& data, const std::string& units, const std::string& long_name) {
    h5::write_doubles(file, var, shape, data.data(), true);
    attach(var, dims, units, long_name);
  }
};

} // namespace

void commit_h5_in_memory(OutputTarget& out, const std::function<void(hid_t)>& write) {
  std::string image;
  {
    h5::Quiet quiet;
    // The earliest file format: libhdf5 1.10 hands back the image of a
    // superblock with a checksum (format 1.8 and later) with its status flags
    // cleared but the checksum not, so the image would not open. What such a
    // file lacks in checksums, reading it makes up for: every command probes
    // a file in a child process first (h5::probe_readable).
    h5::Id fapl = h5::check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
    h5::check(H5Pset_fapl_core(fapl, 1 << 16, 0), "H5Pset_fapl_core");
    h5::Id fcpl = h5::untimed_props(H5P_FILE_CREATE);
    h5::Id f =
        h5::check(H5Fcreate(out.path().c_str(), H5F_ACC_TRUNC, fcpl, fapl), out.path() + ": cannot create in memory");
    write(f);
    h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), out.path() + ": cannot flush in memory");
    const ssize_t n = H5Fget_file_image(f, nullptr, 0);
    if (n <= 0) throw std::runtime_error(out.path() + ": cannot build the file in memory");
    image.resize(static_cast<size_t>(n));
    if (H5Fget_file_image(f, image.data(), image.size()) != n)
      throw std::runtime_error(out.path() + ": cannot build the file in memory");
  }
  out.commit_bytes(image);
}

// ------------------------------------------------------- the run output ----
namespace {

// What every group of variables needs: the model, the results and their sizes.
struct RunOut {
  Writer& w;
  const ModelInfo& info;
  const HostModel& m;
  const RunConfig& cfg;
  const RunResult& res;
  const ModelView v;
  const int nq, W, NS, S, Y, G, K, P, Q, M, T, C;

  RunOut(Writer& w_, const ModelInfo& i, const HostModel& m_, const RunConfig& c, const RunResult& r)
      : w(w_), info(i), m(m_), cfg(c), res(r), v(m_.view()), nq(static_cast<int>(c.probs.size())), W(r.width),
        NS(m_.NS), S(m_.S), Y(m_.Y), G(m_.G), K(static_cast<int>(i.metrics.size())), P(m_.P), Q(m_.Q),
        M(static_cast<int>(kModes.size())), T(static_cast<int>(i.targets.size())), C(v.cells()) {}
  // statistic k (0 mean, 1 sd, 2 sem, 3.. quantiles, 3 + nq probability) of a cell
  double st(int sc, int cell, int k) const { return res.stats[(static_cast<size_t>(sc) * C + cell) * W + k]; }
  std::vector<hsize_t> shape(std::initializer_list<int> d) const {
    std::vector<hsize_t> s;
    for (int x : d) s.push_back(static_cast<hsize_t>(x));
    return s;
  }
};

void write_global_attributes(hid_t file, const ModelInfo& info, const Provenance& prov) {
  h5::write_attr_string(file, "Conventions", "CF-1.8");
  h5::write_attr_string(file, "title", info.title);
  h5::write_attr_string(file, "institution", "Corridor");
  h5::write_attr_string(file, "source", "corridor " + corridor_version() + " Monte Carlo projection");
  h5::write_attr_string(file, "corridor_version", corridor_version());
  h5::write_attr_string(file, "git_sha", git_sha());
  h5::write_attr_uint(file, "seed", prov.seed);
  h5::write_attr_int(file, "paths", prov.paths);
  h5::write_attr_string(file, "rng", "philox4x32-10");
  h5::write_attr_string(file, "backend", prov.backend);
  h5::write_attr_string(file, "input", prov.input);
  h5::write_attr_string(file, "input_sha256", prov.input_sha256);
  h5::write_attr_string(file, "created", prov.created);
  h5::write_attr_int(file, "base_year", info.base_year);
  h5::write_attr_int(file, "horizon_year", info.horizon_year);
  h5::write_attr_double(file, "utilization_threshold", prov.utilization_threshold);
  h5::write_attr_string(file, "quantile_method", "linear (numpy default, Hyndman-Fan type 7), exact order statistics");
}

void write_coordinates(Writer& w, const ModelInfo& info, const RunConfig& cfg) {
  w.coord_strings("scenario", info.scenarios, "scenario");
  w.coord_strings("series", info.series, "projected series (corridor and metric)");
  w.coord_ints("year", info.years, "calendar year", "year");
  w.coord_doubles("quantile", cfg.probs, "probability of the quantile", "1");
  w.coord_strings("group", info.groups, "capacity node");
  w.coord_strings("partner", info.partners, "partner country or transit destination");
  w.coord_strings("port", info.ports, "Xinjiang border port");
  w.coord_strings("mode", kModes, "transport mode");
  w.coord_strings("metric", info.metrics, "metric");
  w.coord_strings("target", info.targets, "policy target");
}

void write_labels(Writer& w, const ModelInfo& info) {
  auto doubles = [&](const std::string& var, const std::vector<double>& x, const std::string& dim,
                     const std::string& units, const std::string& long_name) {
    h5::write_doubles(w.file, var, {static_cast<hsize_t>(x.size())}, x.data(), false);
    w.attach(var, {dim}, units, long_name);
  };
  w.strings_var("scenario_name", info.scenario_names, "scenario", "scenario name");
  w.strings_var("series_port", info.series_port, "series", "port of the series");
  w.strings_var("series_partner", info.series_partner, "series", "partner of the series");
  w.strings_var("series_mode", info.series_mode, "series", "mode of the series");
  w.strings_var("series_metric", info.series_metric, "series", "metric of the series");
  w.strings_var("series_unit", info.series_unit, "series", "unit of the series (per year)");
  w.strings_var("series_kind", info.series_kind, "series", "load or derived");
  w.strings_var("group_port", info.group_port, "group", "port of the capacity node");
  w.strings_var("group_mode", info.group_mode, "group", "mode of the capacity node");
  w.strings_var("group_metric", info.group_metric, "group", "load metric of the capacity node");
  w.strings_var("port_name", info.port_names, "port", "port name");
  w.strings_var("port_kind", info.port_kinds, "port", "land, air or pipeline");
  doubles("port_lat", info.port_lat, "port", "degrees_north", "latitude");
  doubles("port_lon", info.port_lon, "port", "degrees_east", "longitude");
  w.strings_var("partner_name", info.partner_names, "partner", "partner name");
  doubles("partner_lat", info.partner_lat, "partner", "degrees_north",
          "latitude where maps draw the partner (NaN: none)");
  doubles("partner_lon", info.partner_lon, "partner", "degrees_east",
          "longitude where maps draw the partner (NaN: none)");
  w.strings_var("metric_unit", info.metric_units, "metric", "unit of the metric (per year)");
  w.strings_var("target_name", info.target_names, "target", "target name");
  w.strings_var("target_metric", info.target_metric, "target", "metric of the target");
  doubles("target_value", info.target_value, "target", "", "target value (unit of its metric)");
}

// demand, flow, unserved, diverted_out, diverted_in: mean, sd, sem, quantiles
void write_series_statistics(const RunOut& o) {
  const char* vname[kDivertedIn + 1] = {"demand", "flow", "unserved", "diverted_out", "diverted_in"};
  const char* vlong[kDivertedIn + 1] = {"demand", "served flow (own demand served here plus diverted in)",
                                        "unserved demand", "demand diverted out to other ports or modes",
                                        "flow arriving diverted from other ports or modes"};
  const std::vector<std::string> d3{"scenario", "series", "year"};
  const std::string units = "series_unit per year";
  for (int var = 0; var <= kDivertedIn; ++var) {
    std::vector<double> mean(static_cast<size_t>(o.NS) * o.S * o.Y), sd(mean.size()), sem(mean.size()),
        q(mean.size() * o.nq);
    for (int sc = 0; sc < o.NS; ++sc)
      for (int s = 0; s < o.S; ++s)
        for (int y = 0; y < o.Y; ++y) {
          const size_t i = (static_cast<size_t>(sc) * o.S + s) * o.Y + y;
          const int cell = o.v.series_cell(s, var, y);
          mean[i] = o.st(sc, cell, 0);
          sd[i] = o.st(sc, cell, 1);
          sem[i] = o.st(sc, cell, 2);
          for (int k = 0; k < o.nq; ++k) q[i * o.nq + k] = o.st(sc, cell, 3 + k);
        }
    const std::string n = vname[var], l = vlong[var];
    const auto sh3 = o.shape({o.NS, o.S, o.Y});
    o.w.doubles_var(n + "_mean", d3, sh3, mean, units, "mean of " + l);
    o.w.doubles_var(n + "_sd", d3, sh3, sd, units, "standard deviation over paths of " + l);
    o.w.doubles_var(n + "_sem", d3, sh3, sem, units, "standard error of the mean of " + l);
    o.w.doubles_var(n + "_quantile", {"scenario", "series", "year", "quantile"}, o.shape({o.NS, o.S, o.Y, o.nq}), q,
                    units, "quantiles of " + l);
  }
}

// utilisation of the capacity groups and the probabilities of tight capacity
void write_capacity(const RunOut& o) {
  std::vector<double> uq(static_cast<size_t>(o.NS) * o.G * o.Y * o.nq), um(static_cast<size_t>(o.NS) * o.G * o.Y),
      pover(um.size()), pthr(um.size());
  for (int sc = 0; sc < o.NS; ++sc)
    for (int g = 0; g < o.G; ++g)
      for (int y = 0; y < o.Y; ++y) {
        const size_t i = (static_cast<size_t>(sc) * o.G + g) * o.Y + y;
        um[i] = o.st(sc, o.v.group_cell(g, 0, y), 0);
        pthr[i] = o.st(sc, o.v.group_cell(g, 0, y), 3 + o.nq);
        pover[i] = o.st(sc, o.v.group_cell(g, 1, y), 3 + o.nq);
        for (int k = 0; k < o.nq; ++k) uq[i * o.nq + k] = o.st(sc, o.v.group_cell(g, 0, y), 3 + k);
      }
  const std::vector<std::string> d3{"scenario", "group", "year"};
  const auto sh = o.shape({o.NS, o.G, o.Y});
  o.w.doubles_var("utilization_quantile", {"scenario", "group", "year", "quantile"}, o.shape({o.NS, o.G, o.Y, o.nq}),
                  uq, "1", "quantiles of utilisation: flow over the capacity left after closures");
  o.w.doubles_var("utilization_mean", d3, sh, um, "1", "mean utilisation");
  o.w.doubles_var("p_over_capacity", d3, sh, pover, "1", "probability that demand exceeds capacity");
  o.w.doubles_var("p_utilization_above_threshold", d3, sh, pthr, "1",
                  "probability that utilisation >= the utilization_threshold attribute of the file");
}

// NAME_mean and NAME_quantile of one cell variable of every series (group):
// the network's outputs (MODEL.md section 9)
void write_mean_quantile(const RunOut& o, bool series, int var, const std::string& name, const std::string& units,
                         const std::string& long_name) {
  const int n = series ? o.S : o.G;
  const std::string dim = series ? "series" : "group";
  std::vector<double> mean(static_cast<size_t>(o.NS) * n * o.Y), q(mean.size() * o.nq);
  for (int sc = 0; sc < o.NS; ++sc)
    for (int a = 0; a < n; ++a)
      for (int y = 0; y < o.Y; ++y) {
        const size_t i = (static_cast<size_t>(sc) * n + a) * o.Y + y;
        const int cell = series ? o.v.series_cell(a, var, y) : o.v.group_cell(a, var, y);
        mean[i] = o.st(sc, cell, 0);
        for (int k = 0; k < o.nq; ++k) q[i * o.nq + k] = o.st(sc, cell, 3 + k);
      }
  o.w.doubles_var(name + "_mean", {"scenario", dim, "year"}, o.shape({o.NS, n, o.Y}), mean, units,
                  "mean of " + long_name);
  o.w.doubles_var(name + "_quantile", {"scenario", dim, "year", "quantile"}, o.shape({o.NS, n, o.Y, o.nq}), q, units,
                  "quantiles of " + long_name);
}

// P(a new corridor is open in year y or before), exactly from its expansion's
// opening distribution in the scenario (cumulative probabilities by year
// offset; the rest of the mass: never); 1 for every other series
double p_open(const HostModel& m, int sc, int s, int y) {
  const int c = m.corridor[s];
  if (c < 0) return 1.0;
  const int e = m.cor_exp[c];
  double p = 0;
  for (int d = m.exp_dist_begin[sc * m.E + e]; d < m.exp_dist_begin[sc * m.E + e + 1]; ++d)
    if (m.exp_dist_step[d] <= y) p = std::max(p, m.exp_dist_cum[d]);
  return std::min(p, 1.0);
}

// the network: generalized cost, route share, captured demand, node time,
// binding, capacity in force, opening probabilities of new corridors
void write_network(const RunOut& o) {
  write_mean_quantile(o, true, kCost, "cost", "money_unit per series_unit",
                      "generalized cost of the route (cost plus value of time times hours outside and at the nodes)");
  write_mean_quantile(o, true, kShare, "share", "1", "route share of its market's demand (partner and metric)");
  write_mean_quantile(o, true, kCaptured, "captured", "series_unit per year",
                      "net captured demand (+ into a new corridor, - out of a source)");
  write_mean_quantile(o, false, kWait, "wait", "h",
                      "node time: hours a load unit spends at the capacity node (BPR congestion)");
  write_mean_quantile(o, false, kCapacity, "capacity", "group_metric unit per year",
                      "nominal capacity in force (expansions and capacity responses included)");
  std::vector<double> pb(static_cast<size_t>(o.NS) * o.G * o.Y), po(static_cast<size_t>(o.NS) * o.S * o.Y);
  for (int sc = 0; sc < o.NS; ++sc) {
    for (int g = 0; g < o.G; ++g)
      for (int y = 0; y < o.Y; ++y)
        pb[(static_cast<size_t>(sc) * o.G + g) * o.Y + y] = o.st(sc, o.v.group_cell(g, kBinding, y), 0);
    for (int s = 0; s < o.S; ++s)
      for (int y = 0; y < o.Y; ++y) po[(static_cast<size_t>(sc) * o.S + s) * o.Y + y] = p_open(o.m, sc, s, y);
  }
  o.w.doubles_var("p_binding", {"scenario", "group", "year"}, o.shape({o.NS, o.G, o.Y}), pb, "1",
                  "probability that the node binds some series' chain (its tightest node, pro-rata ratio < 1)");
  o.w.doubles_var("p_open", {"scenario", "series", "year"}, o.shape({o.NS, o.S, o.Y}), po, "1",
                  "probability that a new corridor is open in the year or before (exact, from its expansion's "
                  "opening distribution); 1 for every other series");
}

// The network's structure as labels: each series' route (its chain of node
// ids, "A|B|C"; empty: no capacity limit) and the expansion a new corridor
// opens with; the captures (corridor takes from a source) along `capture`
// when the input has any, with what each took.
void write_network_labels(const RunOut& o) {
  std::vector<std::string> route(o.S), opens(o.S);
  for (int s = 0; s < o.S; ++s) {
    for (int k = o.m.route_begin[s]; k < o.m.route_begin[s + 1]; ++k)
      route[s] += (k > o.m.route_begin[s] ? "|" : "") + o.info.groups[o.m.route_node[k]];
    if (o.m.corridor[s] >= 0) opens[s] = o.info.expansions[o.m.cor_exp[o.m.corridor[s]]];
  }
  o.w.strings_var("series_route", route, "series",
                  "route of the series: its chain of capacity nodes, in order, joined by | (empty: no capacity "
                  "limit)");
  o.w.strings_var("series_expansion", opens, "series",
                  "expansion a new corridor opens with (empty: not a new corridor)");
  if (o.m.K == 0) return;
  std::vector<std::string> id(o.m.K), cor(o.m.K), from(o.m.K);
  for (int k = 0; k < o.m.K; ++k) {
    cor[k] = o.info.series[o.m.cor_series[o.m.cap_cor[k]]];
    from[k] = o.info.series[o.m.cap_from[k]];
    id[k] = cor[k] + "<" + from[k];
  }
  o.w.coord_strings("capture", id, "capture: a new corridor takes demand from a source series (corridor<source)");
  o.w.strings_var("capture_corridor", cor, "capture", "the capturing new corridor (series)");
  o.w.strings_var("capture_from", from, "capture", "the source series it captures from");
  h5::write_doubles(o.w.file, "capture_share", {static_cast<hsize_t>(o.m.K)}, o.m.cap_share.data(), false);
  o.w.attach("capture_share", {"capture"}, "1", "share kappa of the source's demand the corridor captures at maturity");
  // what each capture took, per year (ModelView::capture_cell)
  std::vector<double> mean(static_cast<size_t>(o.NS) * o.m.K * o.Y), q(mean.size() * o.nq);
  for (int sc = 0; sc < o.NS; ++sc)
    for (int k = 0; k < o.m.K; ++k)
      for (int y = 0; y < o.Y; ++y) {
        const size_t i = (static_cast<size_t>(sc) * o.m.K + k) * o.Y + y;
        const int cell = o.v.capture_cell(k, y);
        mean[i] = o.st(sc, cell, 0);
        for (int j = 0; j < o.nq; ++j) q[i * o.nq + j] = o.st(sc, cell, 3 + j);
      }
  const std::string l = "demand the new corridor took from the source (capture_corridor from capture_from)";
  o.w.doubles_var("capture_taken_mean", {"scenario", "capture", "year"}, o.shape({o.NS, o.m.K, o.Y}), mean,
                  "series_unit of capture_from per year", "mean of " + l);
  o.w.doubles_var("capture_taken_quantile", {"scenario", "capture", "year", "quantile"},
                  o.shape({o.NS, o.m.K, o.Y, o.nq}), q, "series_unit of capture_from per year", "quantiles of " + l);
}

// The range of each node's base capacity (MODEL.md section 4.1), along
// `group`, when some node has one: its low end, mode (the input's capacity)
// and high end, all three equal where the sources agree. An input without
// ranges writes none of them.
void write_capacity_ranges(const RunOut& o) {
  bool any = false;
  for (int g = 0; g < o.G; ++g) any |= o.m.group_cap_low[g] < o.m.group_cap_high[g];
  if (!any) return;
  const hsize_t n = static_cast<hsize_t>(o.G);
  const std::string units = "group_metric unit per year";
  h5::write_doubles(o.w.file, "group_capacity_low", {n}, o.m.group_cap_low.data(), false);
  o.w.attach("group_capacity_low", {"group"}, units,
             "low end of the range of the base capacity, which each path draws from the triangular distribution "
             "(group_capacity_low, group_capacity_mode, group_capacity_high); all three equal: no draw");
  h5::write_doubles(o.w.file, "group_capacity_mode", {n}, o.m.group_capacity.data(), false);
  o.w.attach("group_capacity_mode", {"group"}, units, "base capacity given in the input: the mode of its range");
  h5::write_doubles(o.w.file, "group_capacity_high", {n}, o.m.group_cap_high.data(), false);
  o.w.attach("group_capacity_high", {"group"}, units, "high end of the range of the base capacity");
}

// NAME_quantile and NAME_mean of total served flow by one dimension
void write_totals_by(const RunOut& o, const std::string& name, const std::string& dim, int n,
                     const std::vector<int>& idx, const std::string& what) {
  std::vector<double> q(static_cast<size_t>(o.NS) * n * o.K * o.Y * o.nq),
      mean(static_cast<size_t>(o.NS) * n * o.K * o.Y);
  for (int sc = 0; sc < o.NS; ++sc)
    for (int a = 0; a < n; ++a)
      for (int k = 0; k < o.K; ++k)
        for (int y = 0; y < o.Y; ++y) {
          const size_t i = ((static_cast<size_t>(sc) * n + a) * o.K + k) * o.Y + y;
          const int cell = o.v.agg_cell(idx[a * o.K + k], y);
          mean[i] = o.st(sc, cell, 0);
          for (int j = 0; j < o.nq; ++j) q[i * o.nq + j] = o.st(sc, cell, 3 + j);
        }
  o.w.doubles_var(name + "_quantile", {"scenario", dim, "metric", "year", "quantile"},
                  o.shape({o.NS, n, o.K, o.Y, o.nq}), q, "metric_unit per year",
                  "quantiles of total served flow " + what + " (from per-path sums)");
  o.w.doubles_var(name + "_mean", {"scenario", dim, "metric", "year"}, o.shape({o.NS, n, o.K, o.Y}), mean,
                  "metric_unit per year", "mean total served flow " + what);
}

// totals by partner, port and mode, and the Xinjiang total
void write_totals(const RunOut& o) {
  write_totals_by(o, "total_by_partner", "partner", o.P, o.info.agg_partner, "by partner");
  write_totals_by(o, "total_by_port", "port", o.Q, o.info.agg_port, "by port");
  write_totals_by(o, "total_by_mode", "mode", o.M, o.info.agg_mode, "by mode");
  std::vector<double> q(static_cast<size_t>(o.NS) * o.K * o.Y * o.nq), mean(static_cast<size_t>(o.NS) * o.K * o.Y);
  for (int sc = 0; sc < o.NS; ++sc)
    for (int k = 0; k < o.K; ++k)
      for (int y = 0; y < o.Y; ++y) {
        const size_t i = (static_cast<size_t>(sc) * o.K + k) * o.Y + y;
        const int cell = o.v.agg_cell(o.info.agg_total[k], y);
        mean[i] = o.st(sc, cell, 0);
        for (int j = 0; j < o.nq; ++j) q[i * o.nq + j] = o.st(sc, cell, 3 + j);
      }
  o.w.doubles_var("total_quantile", {"scenario", "metric", "year", "quantile"}, o.shape({o.NS, o.K, o.Y, o.nq}), q,
                  "metric_unit per year", "quantiles of the Xinjiang total served flow (from per-path sums)");
  o.w.doubles_var("total_mean", {"scenario", "metric", "year"}, o.shape({o.NS, o.K, o.Y}), mean, "metric_unit per year",
                  "mean Xinjiang total served flow");
}

// the probability of reaching each policy target, and its total's quantiles
void write_targets(const RunOut& o) {
  std::vector<double> p(static_cast<size_t>(o.NS) * o.T * o.Y), q(static_cast<size_t>(o.NS) * o.T * o.Y * o.nq);
  for (int sc = 0; sc < o.NS; ++sc)
    for (int t = 0; t < o.T; ++t)
      for (int y = 0; y < o.Y; ++y) {
        const size_t i = (static_cast<size_t>(sc) * o.T + t) * o.Y + y;
        const int cell = o.v.agg_cell(o.info.target_agg[t], y);
        p[i] = o.st(sc, cell, 3 + o.nq);
        for (int j = 0; j < o.nq; ++j) q[i * o.nq + j] = o.st(sc, cell, 3 + j);
      }
  o.w.doubles_var("p_target", {"scenario", "target", "year"}, o.shape({o.NS, o.T, o.Y}), p, "1",
                  "probability that the target's total flow >= target_value");
  o.w.doubles_var("target_total_quantile", {"scenario", "target", "year", "quantile"}, o.shape({o.NS, o.T, o.Y, o.nq}),
                  q, "target metric unit per year", "quantiles of the total flow the target measures");
}

// paths_flow (scenario, path, series, year): the paths are simulated again in
// chunks (counter-based numbers make them the run's paths exactly) and written
// as chunked, compressed hyperslabs, so memory stays bounded
void write_raw_paths(const RunOut& o, Backend& be, uint64_t seed, uint32_t paths) {
  const hsize_t N = paths, S = o.S, Y = o.Y;
  std::vector<long long> ids(N);
  for (hsize_t i = 0; i < N; ++i) ids[i] = static_cast<long long>(i);
  h5::write_ints(o.w.file, "path", {N}, ids.data(), true);
  o.w.make_scale("path", "Monte Carlo path number (the same path in every scenario)", "");
  const hsize_t dims[4] = {(hsize_t)o.NS, N, S, Y};
  const hsize_t cpaths = std::min<hsize_t>(N, std::max<hsize_t>(1, (1u << 18) / (S * Y)));
  const hsize_t chunk[4] = {1, cpaths, S, Y};
  h5::Id space = h5::check(H5Screate_simple(4, dims, nullptr), "H5Screate_simple");
  h5::Id dcpl = h5::untimed_props(H5P_DATASET_CREATE);
  h5::check(H5Pset_chunk(dcpl, 4, chunk), "H5Pset_chunk");
  h5::check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
  h5::check(H5Pset_deflate(dcpl, 1), "H5Pset_deflate");
  {
    h5::Id d = h5::check(H5Dcreate2(o.w.file, "paths_flow", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                         "cannot create paths_flow");
    const uint32_t step = static_cast<uint32_t>(std::max<hsize_t>(cpaths, 65536 / cpaths * cpaths));
    std::vector<double> buf;
    for (int sc = 0; sc < o.NS; ++sc)
      for (hsize_t p0 = 0; p0 < N; p0 += step) {
        const uint32_t cnt = static_cast<uint32_t>(std::min<hsize_t>(step, N - p0));
        be.raw_flows(o.m, seed, sc, p0, cnt, buf);
        const hsize_t start[4] = {(hsize_t)sc, p0, 0, 0}, count[4] = {1, cnt, S, Y};
        h5::Id fs_ = h5::check(H5Dget_space(d), "H5Dget_space");
        h5::check(H5Sselect_hyperslab(fs_, H5S_SELECT_SET, start, nullptr, count, nullptr), "hyperslab");
        h5::Id ms = h5::check(H5Screate_simple(4, count, nullptr), "H5Screate_simple");
        h5::check(H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs_, H5P_DEFAULT, buf.data()),
                  "cannot write paths_flow (disk full?)");
      }
  }
  o.w.attach("paths_flow", {"scenario", "path", "series", "year"}, "series_unit per year",
             "served flow of every path (raw paths, asked for with --save-paths)");
}

// Spearman rank correlations of the path-level drivers with the responses
void write_sensitivity(const RunOut& o, const SensitivitySpec& sp, const std::vector<double>& rho) {
  h5::write_attr_int(o.w.file, "sensitivity_paths", static_cast<int>(sp.paths));
  o.w.coord_strings("driver", sp.driver_name, "path-level driver of the sensitivity analysis");
  // capacity_draw (a node's base capacity drawn in its range) is named only
  // where there is one, so that outputs without ranges keep their bytes
  // (and expansion_size_draw, an expansion's size drawn in its range, likewise)
  const bool draws = std::count(sp.driver_kind.begin(), sp.driver_kind.end(), "capacity_draw") > 0;
  const bool sizes = std::count(sp.driver_kind.begin(), sp.driver_kind.end(), "expansion_size_draw") > 0;
  o.w.strings_var("driver_kind", sp.driver_kind, "driver",
                  std::string("growth_draw (trend growth of a series), opening_year, ") +
                      (draws ? "capacity_draw (base capacity of a node, drawn in its range), " : "") +
                      (sizes ? "expansion_size_draw (capacity an expansion adds, drawn in its range), " : "") +
                      "shock_count or closure_count");
  o.w.coord_strings("response", sp.response_name, "output whose sensitivity to the drivers is measured");
  o.w.doubles_var("sensitivity", {"scenario", "driver", "response"}, o.shape({o.NS, sp.D(), sp.K()}), rho, "1",
                  "Spearman rank correlation of driver and response over the first sensitivity_paths paths "
                  "(NaN where either is constant)");
}

// the record of a run to a precision: the target and what was reached as
// attributes, each step's paths and relative half-widths as variables
void write_convergence(Writer& w, const ConvergenceRecord& r) {
  const int ns = static_cast<int>(r.paths.size()), nk = static_cast<int>(r.statistics.size());
  h5::write_attr_double(w.file, "precision_target", r.target);
  std::string on;
  for (int k = 0; k < nk; ++k) {
    on += (k ? "," : "") + r.statistics[k];
    h5::write_attr_double(w.file, "precision_reached_" + r.statistics[k], r.reached[k]);
  }
  h5::write_attr_string(w.file, "precision_on", on);
  std::vector<int> steps(ns);
  for (int i = 0; i < ns; ++i) steps[i] = i;
  w.coord_ints("convergence_step", steps,
               "step of the run to a precision (the pilot runs; the output is the last one's statistics)", "");
  w.coord_strings("convergence_statistic", r.statistics, "statistic whose precision the run was asked for");
  std::vector<double> p(r.paths.begin(), r.paths.end());
  h5::write_doubles(w.file, "convergence_paths", {static_cast<hsize_t>(ns)}, p.data(), false);
  w.attach("convergence_paths", {"convergence_step"}, "", "paths of the step");
  const std::vector<std::string> d2{"convergence_step", "convergence_statistic"};
  const std::vector<hsize_t> sh{static_cast<hsize_t>(ns), static_cast<hsize_t>(nk)};
  w.doubles_var("convergence_halfwidth", d2, sh, r.halfwidth, "1",
                "largest relative half-width of the 95% interval over the cells that count (docs/MODEL.md section 6)");
  w.doubles_var("convergence_estimate", d2, sh, r.estimate, "",
                "the statistic in the cell of the largest relative half-width at the final step (convergence_cell)");
  w.doubles_var("convergence_lower", d2, sh, r.lower, "", "lower end of that cell's 95% interval");
  w.doubles_var("convergence_upper", d2, sh, r.upper, "", "upper end of that cell's 95% interval");
  h5::write_strings(w.file, "convergence_cell", r.cell);
  w.attach("convergence_cell", {"convergence_statistic"}, "",
           "the cell of the largest relative half-width at the final step");
}

// diff_flow_* and diff_total_*: statistics over paths of scenario minus
// reference, path by path (scenario_diff.h); the reference's rows are 0
void write_scenario_diffs(const RunOut& o, const ScenarioDiff& d) {
  h5::write_attr_string(o.w.file, "diff_reference", o.info.scenarios[d.reference]);
  const int W = d.width(), nq = static_cast<int>(d.probs.size());
  auto one = [&](const std::string& name, const std::string& dim, int n, const std::vector<double>& src,
                 const std::string& units, const std::string& what) {
    const size_t cells = static_cast<size_t>(d.NS) * n * d.Y;
    std::vector<double> mean(cells), sd(cells), sem(cells), q(cells * nq), pp(cells), pn(cells);
    for (size_t i = 0; i < cells; ++i) {
      const double* c = &src[i * W];
      mean[i] = c[0], sd[i] = c[1], sem[i] = c[2], pp[i] = c[3 + nq], pn[i] = c[4 + nq];
      for (int k = 0; k < nq; ++k) q[i * nq + k] = c[3 + k];
    }
    const std::vector<std::string> d3{"scenario", dim, "year"};
    const auto sh = o.shape({d.NS, n, d.Y});
    const std::string l = what + ", scenario minus the diff_reference scenario path by path (common random numbers)";
    o.w.doubles_var(name + "_mean", d3, sh, mean, units, "mean difference of " + l);
    o.w.doubles_var(name + "_sd", d3, sh, sd, units, "standard deviation over paths of the difference of " + l);
    o.w.doubles_var(name + "_sem", d3, sh, sem, units, "standard error of the mean difference of " + l);
    o.w.doubles_var(name + "_quantile", {"scenario", dim, "year", "quantile"}, o.shape({d.NS, n, d.Y, nq}), q, units,
                    "quantiles of the difference of " + l);
    o.w.doubles_var(name + "_p_positive", d3, sh, pp, "1", "probability that the difference > 0 of " + l);
    o.w.doubles_var(name + "_p_negative", d3, sh, pn, "1", "probability that the difference < 0 of " + l);
  };
  one("diff_flow", "series", d.S, d.flow, "series_unit per year", "served flow");
  one("diff_total", "metric", d.K, d.total, "metric_unit per year", "the Xinjiang total served flow");
}

} // namespace

void write_output(OutputTarget& out, const ModelInfo& info, const HostModel& m, const RunConfig& cfg,
                  const RunResult& res, const Provenance& prov, const SensitivitySpec* sens,
                  const std::vector<double>& sens_rho, Backend* raw_paths, const OutputExtras* extras) {
  out.commit([&](const std::string& tmp) {
    h5::Quiet quiet;
    // creation order tracked (netCDF-4 readers expect it), checksummed metadata
    h5::Id file = h5::create_file(tmp);
    Writer w{{file.get(), {}, {}}};
    try {
      const RunOut o(w, info, m, cfg, res);
      write_global_attributes(file, info, prov);
      write_coordinates(w, info, cfg);
      write_labels(w, info);
      write_series_statistics(o);
      write_capacity(o);
      write_network(o);
      write_network_labels(o);
      write_capacity_ranges(o);
      write_totals(o);
      write_targets(o);
      if (raw_paths) write_raw_paths(o, *raw_paths, prov.seed, prov.paths);
      if (sens && sens->paths > 0 && sens->D() > 0) write_sensitivity(o, *sens, sens_rho);
      if (extras && extras->diff) write_scenario_diffs(o, *extras->diff);
      if (extras && extras->convergence) write_convergence(w, *extras->convergence);
    } catch (const std::exception& e) {
      throw std::runtime_error(tmp + ": " + e.what());
    }
    w.keep.clear();
    h5::check(H5Fflush(file, H5F_SCOPE_GLOBAL), tmp + ": cannot write (disk full?)");
    h5::check(H5Fclose(file), tmp + ": cannot write (disk full?)");
  });
}

} // namespace corridor
