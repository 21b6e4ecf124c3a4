// The network's output datasets (MODEL.md section 9), written from a model in
// which a series is marked as a new corridor by hand and from statistics with a
// known value in every place: each dataset holds the statistic of its own cell,
// p_open is the cumulative opening distribution, the labels name the routes,
// the corridor's expansion and the captures.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <filesystem>

#include "host/h5.h"
#include "host/output.h"
#include "util.h"

using namespace corridor;
using namespace corridor::test;
namespace fs = std::filesystem;

namespace {

// statistic k of cell `cell` in scenario sc: a value that says where it came from
double known(int sc, int cell, int k) { return sc * 1e7 + cell * 10.0 + k; }

struct Written {
  ModelInfo info;
  HostModel m;
  RunConfig cfg;
  std::string path;
  h5::Id f;
  int corridor_series = -1, source_series = -1;
};

void write_marked(Written& w) {
  Input in = rich_input();
  // the expansion never opens within the horizon in scenario stress (2037: after it)
  add_row(in, "expansion_years", {{"expansion", "E1"}, {"scenario", "stress"}, {"year", "2037"}, {"probability", "1"}});
  w.m = build(in, &w.info);
  // the first two load series: a new corridor opening with E1, capturing from the second
  for (int s = 0, n = 0; s < w.m.S && n < 2; ++s)
    if (w.m.kind[s] == kLoad) (n++ == 0 ? w.corridor_series : w.source_series) = s;
  ASSERT_GE(w.source_series, 0);
  w.m.C = 1;
  w.m.corridor[w.corridor_series] = 0;
  w.m.cor_series = {w.corridor_series};
  w.m.cor_exp = {0};
  w.m.K = 1;
  w.m.cap_cor = {0};
  w.m.cap_from = {w.source_series};
  w.m.cap_share = {0.4};
  ASSERT_EQ(w.m.size_problem(), "");
  const ModelView v = w.m.view();
  RunResult res;
  res.width = 3 + static_cast<int>(w.cfg.probs.size()) + 1;
  res.stats.resize(static_cast<size_t>(w.m.NS) * v.cells() * res.width);
  for (int sc = 0; sc < w.m.NS; ++sc)
    for (int c = 0; c < v.cells(); ++c)
      for (int k = 0; k < res.width; ++k)
        res.stats[(static_cast<size_t>(sc) * v.cells() + c) * res.width + k] = known(sc, c, k);
  w.path = (fs::temp_directory_path() / ("corridor_test_output_" + std::to_string(getpid()) + ".h5")).string();
  fs::remove(w.path);
  OutputTarget out = prepare_output(w.path, false, {});
  Provenance prov;
  prov.backend = "test";
  write_output(out, w.info, w.m, w.cfg, res, prov, nullptr, {}, nullptr);
  w.f = h5::Id(H5Fopen(w.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_TRUE(w.f.valid());
}

std::string attr(hid_t f, const std::string& var, const char* name) {
  h5::Id d(H5Dopen2(f, var.c_str(), H5P_DEFAULT));
  std::string s;
  EXPECT_TRUE(h5::read_attr_string(d, name, s)) << var << " has no " << name;
  return s;
}

} // namespace

TEST(Output, NetworkStatisticsComeFromTheirCells) {
  Written w;
  write_marked(w);
  const ModelView v = w.m.view();
  const int NS = w.m.NS, S = w.m.S, G = w.m.G, Y = w.m.Y, nq = static_cast<int>(w.cfg.probs.size());
  struct Var {
    const char* name;
    bool series;
    int var;
  };
  for (const Var& x : {Var{"cost", true, kCost}, Var{"share", true, kShare}, Var{"captured", true, kCaptured},
                       Var{"wait", false, kWait}, Var{"capacity", false, kCapacity}}) {
    const int n = x.series ? S : G;
    std::vector<hsize_t> dm, dq;
    const auto mean = h5::read_doubles(w.f, std::string(x.name) + "_mean", &dm);
    const auto q = h5::read_doubles(w.f, std::string(x.name) + "_quantile", &dq);
    ASSERT_EQ(dm, (std::vector<hsize_t>{(hsize_t)NS, (hsize_t)n, (hsize_t)Y})) << x.name;
    ASSERT_EQ(dq, (std::vector<hsize_t>{(hsize_t)NS, (hsize_t)n, (hsize_t)Y, (hsize_t)nq})) << x.name;
    for (int sc = 0; sc < NS; ++sc)
      for (int a = 0; a < n; ++a)
        for (int y = 0; y < Y; ++y) {
          const int cell = x.series ? v.series_cell(a, x.var, y) : v.group_cell(a, x.var, y);
          const size_t i = (static_cast<size_t>(sc) * n + a) * Y + y;
          ASSERT_EQ(mean[i], known(sc, cell, 0)) << x.name;
          for (int k = 0; k < nq; ++k) ASSERT_EQ(q[i * nq + k], known(sc, cell, 3 + k)) << x.name;
        }
  }
  // p_binding is the mean of the binding indicator
  const auto pb = h5::read_doubles(w.f, "p_binding");
  ASSERT_EQ(pb.size(), static_cast<size_t>(NS) * G * Y);
  for (int sc = 0; sc < NS; ++sc)
    for (int g = 0; g < G; ++g)
      for (int y = 0; y < Y; ++y)
        EXPECT_EQ(pb[(static_cast<size_t>(sc) * G + g) * Y + y], known(sc, v.group_cell(g, kBinding, y), 0));
  EXPECT_EQ(attr(w.f, "wait_mean", "units"), "h");
  EXPECT_EQ(attr(w.f, "cost_quantile", "units"), "money_unit per series_unit");
  EXPECT_EQ(attr(w.f, "group", "long_name"), "capacity node");
  w.f = h5::Id();
  fs::remove(w.path);
}

TEST(Output, OpeningProbabilityIsTheCumulativeDistribution) {
  Written w;
  write_marked(w);
  const int NS = w.m.NS, S = w.m.S, Y = w.m.Y;
  ASSERT_EQ(w.info.scenarios, (std::vector<std::string>{"base", "stress"}));
  std::vector<hsize_t> dims;
  const auto po = h5::read_doubles(w.f, "p_open", &dims);
  ASSERT_EQ(dims, (std::vector<hsize_t>{(hsize_t)NS, (hsize_t)S, (hsize_t)Y}));
  for (int y = 0; y < Y; ++y) {
    const int year = w.info.years[y];
    // expansion_years of E1: 2027 0.3, 2029 0.5, 2037 (after the horizon 2036) 0.2
    const double want = year >= 2029 ? 0.8 : year >= 2027 ? 0.3 : 0.0;
    EXPECT_DOUBLE_EQ(po[static_cast<size_t>(w.corridor_series) * Y + y], want) << year;
    EXPECT_EQ(po[(static_cast<size_t>(S) + w.corridor_series) * Y + y], 0.0) << "stress never opens it, " << year;
    for (int sc = 0; sc < NS; ++sc)
      for (int s = 0; s < S; ++s)
        if (s != w.corridor_series) {
          EXPECT_EQ(po[(static_cast<size_t>(sc) * S + s) * Y + y], 1.0);
        }
  }
  w.f = h5::Id();
  fs::remove(w.path);
}

TEST(Output, RoutesCorridorsAndCapturesAreLabelled) {
  Written w;
  write_marked(w);
  const auto route = h5::read_strings(w.f, "series_route");
  const auto opens = h5::read_strings(w.f, "series_expansion");
  ASSERT_EQ(route.size(), static_cast<size_t>(w.m.S));
  for (int s = 0; s < w.m.S; ++s) {
    std::string want;
    for (int k = w.m.route_begin[s]; k < w.m.route_begin[s + 1]; ++k)
      want += (want.empty() ? "" : "|") + w.info.groups[w.m.route_node[k]];
    EXPECT_EQ(route[s], want) << w.info.series[s];
    if (w.m.kind[s] == kDerived) {
      EXPECT_EQ(route[s], "");
    }
    EXPECT_EQ(opens[s], s == w.corridor_series ? "E1" : "") << w.info.series[s];
  }
  EXPECT_EQ(route[0], "G_P1_rail"); // the one group of its (port, mode, metric)
  EXPECT_EQ(h5::read_strings(w.f, "capture_corridor"), (std::vector<std::string>{w.info.series[w.corridor_series]}));
  EXPECT_EQ(h5::read_strings(w.f, "capture_from"), (std::vector<std::string>{w.info.series[w.source_series]}));
  EXPECT_EQ(h5::read_strings(w.f, "capture"),
            (std::vector<std::string>{w.info.series[w.corridor_series] + "<" + w.info.series[w.source_series]}));
  EXPECT_EQ(h5::read_doubles(w.f, "capture_share"), (std::vector<double>{0.4}));
  // what the capture took: the statistics of its own cell
  const ModelView v = w.m.view();
  const int Y = w.m.Y, nq = static_cast<int>(w.cfg.probs.size());
  std::vector<hsize_t> dm, dq;
  const auto mean = h5::read_doubles(w.f, "capture_taken_mean", &dm);
  const auto q = h5::read_doubles(w.f, "capture_taken_quantile", &dq);
  ASSERT_EQ(dm, (std::vector<hsize_t>{(hsize_t)w.m.NS, 1, (hsize_t)Y}));
  ASSERT_EQ(dq, (std::vector<hsize_t>{(hsize_t)w.m.NS, 1, (hsize_t)Y, (hsize_t)nq}));
  for (int sc = 0; sc < w.m.NS; ++sc)
    for (int y = 0; y < Y; ++y) {
      EXPECT_EQ(mean[static_cast<size_t>(sc) * Y + y], known(sc, v.capture_cell(0, y), 0));
      for (int k = 0; k < nq; ++k)
        EXPECT_EQ(q[(static_cast<size_t>(sc) * Y + y) * nq + k], known(sc, v.capture_cell(0, y), 3 + k));
    }
  w.f = h5::Id();
  fs::remove(w.path);
}

// Without corridors (every version 1 input) there is no capture dimension.
TEST(Output, NoCaptureDimensionWithoutCaptures) {
  ModelInfo info;
  const HostModel m = build(rich_input(), &info);
  RunConfig cfg;
  RunResult res;
  res.width = 3 + static_cast<int>(cfg.probs.size()) + 1;
  res.stats.assign(static_cast<size_t>(m.NS) * m.view().cells() * res.width, 0.0);
  const std::string path =
      (fs::temp_directory_path() / ("corridor_test_output_v1_" + std::to_string(getpid()) + ".h5")).string();
  fs::remove(path);
  OutputTarget out = prepare_output(path, false, {});
  write_output(out, info, m, cfg, res, Provenance{}, nullptr, {}, nullptr);
  {
    h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    EXPECT_FALSE(h5::link_exists(f, "capture"));
    EXPECT_FALSE(h5::link_exists(f, "capture_corridor"));
    EXPECT_FALSE(h5::link_exists(f, "capture_taken_quantile"));
    for (const auto& e : h5::read_strings(f, "series_expansion")) EXPECT_EQ(e, "");
    for (double p : h5::read_doubles(f, "p_open")) EXPECT_EQ(p, 1.0);
  }
  fs::remove(path);
}
