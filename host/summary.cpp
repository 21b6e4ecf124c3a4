#include "summary.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <stdexcept>

#include "h5.h"

namespace corridor {
namespace {

struct Cell {
  bool num = false;
  double v = 0;
  std::string s;
  Cell(double x) : num(true), v(x) {}
  Cell(const std::string& x) : s(x) {}
  Cell(const char* x) : s(x) {}
};
struct Table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};
struct Section {
  std::string id, name;
  std::vector<Table> tables;
};

std::string fmt(const Cell& c) {
  if (!c.num) return c.s;
  if (std::isnan(c.v)) return "nan";
  char b[64];
  const double a = std::fabs(c.v);
  if (a >= 1e4 && a < 1e18) { // whole units with thousands separators
    std::snprintf(b, sizeof b, "%.0f", std::fabs(c.v));
    std::string d = b, o;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i && (d.size() - i) % 3 == 0) o += ',';
      o += d[i];
    }
    return (c.v < 0 ? "-" : "") + o;
  }
  if (a == 0 || (a >= 1e-4 && a < 1e4))
    std::snprintf(b, sizeof b, "%.4g", c.v);
  else
    std::snprintf(b, sizeof b, "%.4e", c.v);
  return b;
}
// every digit a double needs to round-trip (csv and json)
std::string exact(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o += '\\', o += ch;
    else if (static_cast<unsigned char>(ch) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", ch);
      o += b;
    } else o += ch;
  }
  return o + "\"";
}
std::string csv_str(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) o += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return o + "\"";
}

struct File {
  h5::Id f;
  explicit File(const std::string& path) {
    h5::Quiet q;
    if (H5Fis_hdf5(path.c_str()) <= 0)
      throw std::runtime_error(path + ": not an HDF5 file (or missing)");
    f = h5::Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (!f.valid()) throw std::runtime_error(path + ": cannot open");
  }
  bool has(const std::string& n) const { return h5::link_exists(f, n); }
};

// index of probability p among the quantiles, or the nearest one
int nearest(const std::vector<double>& probs, double p) {
  int best = 0;
  for (int i = 1; i < static_cast<int>(probs.size()); ++i)
    if (std::fabs(probs[i] - p) < std::fabs(probs[best] - p)) best = i;
  return best;
}
std::string pct(double p) {
  char b[32];
  std::snprintf(b, sizeof b, "%g%%", 100 * p);
  return b;
}

std::vector<Section> build(const std::string& path, const SummaryOptions& opt) {
  File F(path);
  const hid_t f = F.f;
  const auto scen = h5::read_strings(f, "scenario");
  const auto scen_name = F.has("scenario_name") ? h5::read_strings(f, "scenario_name") : scen;
  const auto yd = h5::read_doubles(f, "year");
  std::vector<int> years(yd.begin(), yd.end());
  const auto probs = h5::read_doubles(f, "quantile");
  const auto metrics = h5::read_strings(f, "metric");
  const auto units = h5::read_strings(f, "metric_unit");
  const int NS = static_cast<int>(scen.size()), Y = static_cast<int>(years.size()), nq = static_cast<int>(probs.size());
  const int K = static_cast<int>(metrics.size());
  const int iq50 = nearest(probs, 0.5), iqlo = nearest(probs, 0.05), iqhi = nearest(probs, 0.95);

  std::vector<int> show = opt.years;
  if (show.empty()) {
    show.push_back(years.front());
    if (2030 > years.front() && 2030 < years.back()) show.push_back(2030);
    show.push_back(years.back());
  }
  std::vector<int> yi;
  for (int y : show) {
    const auto it = std::find(years.begin(), years.end(), y);
    if (it == years.end())
      throw std::runtime_error("--years: " + std::to_string(y) + " is not in the file (" + std::to_string(years.front()) +
                               "-" + std::to_string(years.back()) + ")");
    yi.push_back(static_cast<int>(it - years.begin()));
  }
  const int ylast = yi.back();

  const auto tq = h5::read_doubles(f, "total_quantile"); // NS K Y nq
  std::vector<std::string> groups;
  std::vector<double> pover, uq;
  if (F.has("group")) {
    groups = h5::read_strings(f, "group");
    if (!groups.empty()) {
      pover = h5::read_doubles(f, "p_over_capacity"); // NS G Y
      uq = h5::read_doubles(f, "utilization_quantile"); // NS G Y nq
    }
  }
  const int G = static_cast<int>(groups.size());
  const auto series = h5::read_strings(f, "series");
  const int S = static_cast<int>(series.size());
  const bool has_div = F.has("diverted_out_mean");
  std::vector<double> dout, din, uns, dem;
  if (has_div) {
    dout = h5::read_doubles(f, "diverted_out_mean");
    din = h5::read_doubles(f, "diverted_in_mean");
  }
  uns = h5::read_doubles(f, "unserved_mean");
  dem = h5::read_doubles(f, "demand_mean");
  const auto series_unit = h5::read_strings(f, "series_unit");
  const auto series_kind = h5::read_strings(f, "series_kind");
  std::vector<std::string> tnames;
  std::vector<double> ptarget, tvalue;
  if (F.has("target_name")) {
    tnames = h5::read_strings(f, "target_name");
    if (!tnames.empty()) {
      ptarget = h5::read_doubles(f, "p_target");
      tvalue = h5::read_doubles(f, "target_value");
    }
  }
  const int T = static_cast<int>(tnames.size());
  std::vector<std::string> drivers, responses;
  std::vector<double> rho;
  if (F.has("sensitivity")) {
    drivers = h5::read_strings(f, "driver");
    responses = h5::read_strings(f, "response");
    rho = h5::read_doubles(f, "sensitivity");
  }
  const int D = static_cast<int>(drivers.size()), R = static_cast<int>(responses.size());

  std::vector<Section> out;
  for (int sc = 0; sc < NS; ++sc) {
    Section sec{scen[sc], scen_name[sc], {}};
    {
      Table t{"Xinjiang totals by metric: median and " + pct(probs[iqlo]) + "-" + pct(probs[iqhi]) + " interval",
              {"metric", "unit", "year", "median", pct(probs[iqlo]), pct(probs[iqhi])},
              {}};
      for (int k = 0; k < K; ++k)
        for (int y : yi) {
          const size_t i = ((static_cast<size_t>(sc) * K + k) * Y + y) * nq;
          if (tq[i + iq50] == 0 && tq[i + iqhi] == 0) continue; // metric without series
          t.rows.push_back({metrics[k], units[k], Cell(years[y]), Cell(tq[i + iq50]), Cell(tq[i + iqlo]),
                            Cell(tq[i + iqhi])});
        }
      sec.tables.push_back(t);
    }
    if (G > 0) {
      Table t{"Capacity groups most likely to bind (P(demand > capacity))",
              {"group", "max P(over)", "in year", "first year P>=0.5", "P(over) " + std::to_string(years[ylast]),
               "median utilization " + std::to_string(years[ylast])},
              {}};
      std::vector<int> order(G);
      std::iota(order.begin(), order.end(), 0);
      std::vector<double> mx(G, 0);
      std::vector<int> at(G, 0), first(G, -1);
      for (int g = 0; g < G; ++g)
        for (int y = 0; y < Y; ++y) {
          const double p = pover[(static_cast<size_t>(sc) * G + g) * Y + y];
          if (p > mx[g]) mx[g] = p, at[g] = y;
          if (first[g] < 0 && p >= 0.5) first[g] = y;
        }
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return mx[a] > mx[b]; });
      for (int r = 0; r < std::min(G, opt.top); ++r) {
        const int g = order[r];
        t.rows.push_back({groups[g], Cell(mx[g]), Cell(years[at[g]]),
                          first[g] >= 0 ? Cell(years[first[g]]) : Cell("-"),
                          Cell(pover[(static_cast<size_t>(sc) * G + g) * Y + ylast]),
                          Cell(uq[((static_cast<size_t>(sc) * G + g) * Y + ylast) * nq + iq50])});
      }
      sec.tables.push_back(t);
    }
    if (has_div) {
      Table t{"Largest diversions in " + std::to_string(years[ylast]) +
                  " (load series; means over paths; shares of mean demand)",
              {"series", "unit", "demand", "diverted out", "share out", "diverted in", "unserved", "share unserved"},
              {}};
      std::vector<int> order;
      for (int s = 0; s < S; ++s) {
        const size_t i = (static_cast<size_t>(sc) * S + s) * Y + ylast;
        if (series_kind[s] == "load" && dem[i] > 0 && (dout[i] > 0 || din[i] > 0 || uns[i] > 0)) order.push_back(s);
      }
      auto at = [&](const std::vector<double>& x, int s) { return x[(static_cast<size_t>(sc) * S + s) * Y + ylast]; };
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return (at(dout, a) + at(uns, a)) / at(dem, a) > (at(dout, b) + at(uns, b)) / at(dem, b);
      });
      for (int r = 0; r < std::min<int>(static_cast<int>(order.size()), opt.top); ++r) {
        const int s = order[r];
        t.rows.push_back({series[s], series_unit[s], Cell(at(dem, s)), Cell(at(dout, s)),
                          Cell(at(dout, s) / at(dem, s)), Cell(at(din, s)), Cell(at(uns, s)),
                          Cell(at(uns, s) / at(dem, s))});
      }
      sec.tables.push_back(t);
    }
    if (T > 0) {
      Table t{"Targets: probability that the value reaches the target", {"target", "target value"}, {}};
      for (int y : yi) t.columns.push_back("P " + std::to_string(years[y]));
      for (int k = 0; k < T; ++k) {
        std::vector<Cell> row{tnames[k], Cell(tvalue[k])};
        for (int y : yi) row.push_back(Cell(ptarget[(static_cast<size_t>(sc) * T + k) * Y + y]));
        t.rows.push_back(row);
      }
      sec.tables.push_back(t);
    }
    if (D > 0 && R > 0) {
      Table t{"Sensitivity: strongest drivers (Spearman rank correlation)", {"response", "driver", "rho"}, {}};
      for (int k = 0; k < R; ++k) {
        if (responses[k].rfind("total ", 0) != 0) continue;
        std::vector<int> order;
        for (int d = 0; d < D; ++d)
          if (!std::isnan(rho[(static_cast<size_t>(sc) * D + d) * R + k])) order.push_back(d);
        if (order.empty()) continue;
        auto a = [&](int d) { return std::fabs(rho[(static_cast<size_t>(sc) * D + d) * R + k]); };
        std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return a(x) > a(y); });
        for (int r = 0; r < std::min<int>(3, static_cast<int>(order.size())); ++r)
          t.rows.push_back({responses[k], drivers[order[r]], Cell(rho[(static_cast<size_t>(sc) * D + order[r]) * R + k])});
      }
      sec.tables.push_back(t);
    }
    out.push_back(sec);
  }
  return out;
}

void render_text(const std::vector<Section>& secs, bool markdown, std::ostream& os) {
  for (const Section& sec : secs) {
    os << (markdown ? "## Scenario " : "== scenario ") << sec.id << ": " << sec.name << (markdown ? "\n\n" : "\n");
    for (const Table& t : sec.tables) {
      os << (markdown ? "### " : "\n  ") << t.title << (markdown ? "\n\n" : "\n");
      std::vector<size_t> w(t.columns.size());
      for (size_t c = 0; c < w.size(); ++c) w[c] = t.columns[c].size();
      for (const auto& r : t.rows)
        for (size_t c = 0; c < w.size(); ++c) w[c] = std::max(w[c], fmt(r[c]).size());
      auto line = [&](const std::vector<std::string>& cells, const std::vector<bool>& right) {
        os << (markdown ? "|" : "  ");
        for (size_t c = 0; c < w.size(); ++c) {
          const std::string& s = cells[c];
          const std::string pad(w[c] - s.size(), ' ');
          os << (markdown ? " " : "") << (right[c] ? pad + s : s + pad) << (markdown ? " |" : "  ");
        }
        os << "\n";
      };
      std::vector<bool> right(w.size(), false);
      if (!t.rows.empty())
        for (size_t c = 0; c < w.size(); ++c) right[c] = t.rows[0][c].num;
      line(t.columns, right);
      if (markdown) {
        os << "|";
        for (size_t c = 0; c < w.size(); ++c) os << (right[c] ? std::string(w[c] + 1, '-') + ":|" : std::string(w[c] + 2, '-') + "|");
        os << "\n";
      } else {
        std::vector<std::string> dash;
        for (size_t c = 0; c < w.size(); ++c) dash.push_back(std::string(w[c], '-'));
        line(dash, right);
      }
      for (const auto& r : t.rows) {
        std::vector<std::string> cells;
        for (const Cell& c : r) cells.push_back(fmt(c));
        line(cells, right);
      }
      if (t.rows.empty()) os << (markdown ? "(none)\n" : "  (none)\n");
      os << (markdown ? "\n" : "");
    }
    os << "\n";
  }
}

void render_csv(const std::vector<Section>& secs, std::ostream& os) {
  // tidy: one value per line
  os << "scenario,table,row,column,value\n";
  for (const Section& sec : secs)
    for (const Table& t : sec.tables)
      for (size_t r = 0; r < t.rows.size(); ++r)
        for (size_t c = 0; c < t.columns.size(); ++c) {
          const Cell& x = t.rows[r][c];
          os << csv_str(sec.id) << "," << csv_str(t.title) << "," << r << "," << csv_str(t.columns[c]) << ","
             << csv_str(x.num ? exact(x.v) : x.s)
             << "\n";
        }
}

void render_json(const std::string& path, const std::vector<Section>& secs, std::ostream& os) {
  os << "{\"file\": " << json_str(path) << ", \"scenarios\": [";
  for (size_t i = 0; i < secs.size(); ++i) {
    const Section& sec = secs[i];
    os << (i ? ", " : "") << "{\"id\": " << json_str(sec.id) << ", \"name\": " << json_str(sec.name) << ", \"tables\": [";
    for (size_t j = 0; j < sec.tables.size(); ++j) {
      const Table& t = sec.tables[j];
      os << (j ? ", " : "") << "{\"title\": " << json_str(t.title) << ", \"columns\": [";
      for (size_t c = 0; c < t.columns.size(); ++c) os << (c ? ", " : "") << json_str(t.columns[c]);
      os << "], \"rows\": [";
      for (size_t r = 0; r < t.rows.size(); ++r) {
        os << (r ? ", " : "") << "[";
        for (size_t c = 0; c < t.rows[r].size(); ++c) {
          const Cell& x = t.rows[r][c];
          os << (c ? ", " : "");
          if (x.num && std::isfinite(x.v)) {
            os << exact(x.v);
          } else if (x.num) {
            os << "null";
          } else {
            os << json_str(x.s);
          }
        }
        os << "]";
      }
      os << "]}";
    }
    os << "]}";
  }
  os << "]}\n";
}

// ---- inspect ----
struct InspectCtx {
  std::ostream* os;
  hid_t file;
};

std::string attr_string(hid_t obj, const char* name) {
  std::string s;
  h5::Quiet q;
  if (H5Aexists(obj, name) > 0) {
    if (!h5::read_attr_string(obj, name, s)) {
      double d;
      if (h5::read_attr_double(obj, name, d)) s = fmt(Cell(d));
    }
  }
  return s;
}

herr_t scale_name(hid_t, unsigned, hid_t scale, void* out) {
  char buf[256] = {0};
  if (H5Iget_name(scale, buf, sizeof buf) > 0) *static_cast<std::string*>(out) = buf[0] == '/' ? buf + 1 : buf;
  return 1;
}

herr_t visit(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  auto* ctx = static_cast<InspectCtx*>(data);
  if (info->type != H5O_TYPE_DATASET) return 0;
  h5::Id d(H5Dopen2(loc, name, H5P_DEFAULT));
  h5::Id sp(H5Dget_space(d));
  const int rank = H5Sget_simple_extent_ndims(sp);
  std::vector<hsize_t> dims(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
  std::string shape = "(";
  for (int i = 0; i < rank; ++i) {
    std::string dn;
    if (H5DSis_scale(d) > 0) {
      dn = name;
    } else if (H5DSget_num_scales(d, static_cast<unsigned>(i)) > 0) {
      H5DSiterate_scales(d, static_cast<unsigned>(i), nullptr, scale_name, &dn);
    }
    shape += (i ? ", " : "") + (dn.empty() ? std::string("?") : dn) + "=" + std::to_string(dims[i]);
  }
  shape += ")";
  const std::string units = attr_string(d, "units"), ln = attr_string(d, "long_name");
  char b[512];
  std::snprintf(b, sizeof b, "  %-30s %-46s %s%s%s\n", name, shape.c_str(), ln.c_str(), units.empty() ? "" : " [",
                units.empty() ? "" : (units + "]").c_str());
  *ctx->os << b;
  return 0;
}

herr_t attr_list(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto* os = static_cast<std::ostream*>(data);
  *os << "  " << name << " = " << attr_string(loc, name) << "\n";
  return 0;
}

} // namespace

void print_summary(const std::string& path, const SummaryOptions& opt, std::ostream& os) {
  if (opt.format != "text" && opt.format != "csv" && opt.format != "markdown" && opt.format != "json")
    throw std::runtime_error("--format: '" + opt.format + "' is not text, csv, markdown or json");
  const std::vector<Section> secs = build(path, opt);
  if (opt.format == "csv") render_csv(secs, os);
  else if (opt.format == "json") render_json(path, secs, os);
  else render_text(secs, opt.format == "markdown", os);
}

void print_inspect(const std::string& path, std::ostream& os) {
  File F(path);
  os << "file " << path << "\nglobal attributes:\n";
  hsize_t idx = 0;
  H5Aiterate2(F.f, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_list, &os);
  os << "datasets (dimensions; long_name [units]):\n";
  InspectCtx ctx{&os, F.f};
  H5Ovisit2(F.f, H5_INDEX_NAME, H5_ITER_INC, visit, &ctx, H5O_INFO_BASIC);
}

} // namespace corridor
