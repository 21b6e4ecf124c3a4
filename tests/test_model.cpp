// The connectivity model (MODEL.md section 4) checked path by path through the
// trace hook of simulate_path: conservation, capacity limits, a hand-checked
// diversion, expansion opening years and aggregates.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "host/backend.h"
#include "kernels/model.h"
#include "network_model.h"
#include "util.h"

using namespace corridor;
using namespace corridor::test;

namespace {

struct CellSink {
  const ModelView* m;
  std::vector<double>* cells;
  template <class Acc> void year(int y, const Acc& X) const {
    for_each_cell_of_year(*m, Layout(*m), y, [&](int c, long long e) { (*cells)[c] = X(e); });
  }
};

struct Record {
  std::vector<double> dem, srv, out, in, uns, flow, keff, lim, used, lost, open;
};

// Copies every per-year quantity out of the scratch lane.
struct Tracer {
  const ModelView* m;
  std::vector<Record>* years;
  template <class Acc> void year(int, const Acc& X) const {
    const Layout L(*m);
    Record r;
    for (int s = 0; s < m->S; ++s) {
      r.dem.push_back(X(L.dem + s));
      r.srv.push_back(X(L.srv + s));
      r.out.push_back(X(L.out + s));
      r.in.push_back(X(L.in + s));
      r.uns.push_back(X(L.uns + s));
      r.flow.push_back(X(L.flow + s));
    }
    for (int g = 0; g < m->G; ++g) {
      r.keff.push_back(X(L.keff + g));
      r.lim.push_back(X(L.lim + g));
      r.used.push_back(X(L.used + g));
      r.lost.push_back(X(L.lost + g));
    }
    for (int e = 0; e < m->E; ++e) r.open.push_back(X(L.open + e));
    years->push_back(r);
  }
};

struct PathRun {
  std::vector<double> cells;
  std::vector<Record> years;
};

PathRun simulate(const HostModel& hm, int sc, uint32_t path, uint64_t seed = 1) {
  const ModelView v = hm.view();
  const Layout L(v);
  std::vector<double> scratch(L.size);
  PathRun pr;
  pr.cells.assign(v.cells(), NAN);
  CellSink sink{&v, &pr.cells};
  Tracer tr{&v, &pr.years};
  simulate_path(v, seed, sc, path, Scratch{scratch.data(), L.size, 1}, 0, sink, tr);
  return pr;
}

// Two ports A (closes every year, losing exactly half its capacity) and B.
Input two_ports(double capB, double friction) {
  Input in = empty_input(2024, 2026);
  Table& p = in.tables["ports"];
  p.str["id"][0] = "A";
  p.num["closure_prob"][0] = 1;
  p.num["closure_loss_min"][0] = 0.5;
  p.num["closure_loss_max"][0] = 0.5;
  add_row(in, "ports", {{"id", "B"}, {"name", "B"}, {"kind", "land"}, {"lat", "44"}, {"lon", "80"}});
  for (const char* port : {"A", "B"}) {
    add_row(in, "series",
            {{"id", std::string("S") + port},
             {"port", port},
             {"partner", "KAZ"},
             {"mode", "road"},
             {"metric", "freight"},
             {"kind", "load"},
             {"base_value", "100"},
             {"mu", "0"}});
    add_row(in, "groups",
            {{"id", std::string("G") + port},
             {"port", port},
             {"mode", "road"},
             {"metric", "freight"},
             {"capacity", port[0] == 'A' ? "100" : std::to_string(capB)},
             {"overload", "1"}});
  }
  in.tables["scenarios"].num["diversion_friction"][0] = friction;
  return in;
}

} // namespace

TEST(Model, ClosureDivertsAKnownAmount) {
  // A: capacity 100 halved -> serves 50 of 100; excess 50 offered to B, 10% lost on the way.
  {
    const HostModel m = build(two_ports(150, 0.1));
    const PathRun r = simulate(m, 0, 0);
    const Record& y1 = r.years[1];
    // demand is exp(log 100) = 100 to within rounding
    const double tol = 1e-12 * 100;
    EXPECT_DOUBLE_EQ(y1.keff[0], 50);
    EXPECT_NEAR(y1.srv[0], 50, tol);
    EXPECT_NEAR(y1.out[0], 50, tol); // B has 50 spare, 45 arrive
    EXPECT_NEAR(y1.in[1], 45, tol);
    EXPECT_EQ(y1.uns[0], 0);
    EXPECT_NEAR(y1.flow[1], 145, tol);
    // the base year is observed: no closure
    EXPECT_DOUBLE_EQ(r.years[0].flow[0], 100);
  }
  {
    // B has only 30 spare: 2/3 of the offer is accepted
    const HostModel m = build(two_ports(130, 0.1));
    const PathRun r = simulate(m, 0, 0);
    const Record& y1 = r.years[1];
    EXPECT_NEAR(y1.in[1], 30, 1e-10);
    EXPECT_NEAR(y1.out[0], 100.0 / 3, 1e-10);
    EXPECT_NEAR(y1.uns[0], 50 - 100.0 / 3, 1e-10);
    EXPECT_NEAR(y1.flow[1], 130, 1e-10);
    const ModelView v = m.view();
    EXPECT_NEAR(r.cells[v.group_cell(1, 0, 1)], 1.0, 1e-12); // B fully used
    EXPECT_DOUBLE_EQ(r.cells[v.group_cell(0, 1, 1)], 1.0);   // A demand over capacity
    EXPECT_DOUBLE_EQ(r.cells[v.series_cell(0, kUnserved, 1)], y1.uns[0]);
  }
}

TEST(Model, ConservationAndCapacityOverManyPaths) {
  // the rich model of the backend tests, through its public input
  Input in = empty_input(2024, 2040);
  add_row(in, "partners", {{"id", "KGZ"}, {"name", "Kyrgyzstan"}, {"kind", "partner"}});
  for (int q = 2; q <= 4; ++q)
    add_row(in, "ports",
            {{"id", "P" + std::to_string(q)},
             {"name", "x"},
             {"kind", "land"},
             {"lat", "40"},
             {"lon", "75"},
             {"closure_prob", "0.3"},
             {"closure_loss_min", "0"},
             {"closure_loss_max", "1"}});
  int k = 0;
  for (int q = 1; q <= 4; ++q)
    for (const char* mode : {"rail", "road"})
      for (const char* partner : {"KAZ", "KGZ"}) {
        const std::string port = "P" + std::to_string(q);
        add_row(in, "series",
                {{"id", "S" + std::to_string(k++)},
                 {"port", port},
                 {"partner", partner},
                 {"mode", mode},
                 {"metric", "freight"},
                 {"kind", "load"},
                 {"base_value", std::to_string(50 + 13 * k)},
                 {"mu", "0.08"},
                 {"tau", "0.05"},
                 {"sigma", "0.2"},
                 {"b_region", "0.05"}});
      }
  for (int q = 1; q <= 4; ++q)
    for (const char* mode : {"rail", "road"})
      if (!(q == 4 && std::string(mode) == "road")) // one series group left uncapacitated
        add_row(in, "groups",
                {{"id", "G" + std::to_string(q) + mode},
                 {"port", "P" + std::to_string(q)},
                 {"mode", mode},
                 {"metric", "freight"},
                 {"capacity", "150"},
                 {"overload", "1.2"}});
  in.tables["scenarios"].num["diversion_friction"][0] = 0.15;
  in.tables["scenarios"].num["cross_mode_share"][0] = 0.5;
  in.tables["scenarios"].num["region_shock_prob"][0] = 0.2;
  in.tables["scenarios"].num["region_shock_mean"][0] = 0.5;
  const HostModel m = build(in);
  const double fr = 0.15;
  long diverted_years = 0, unserved_years = 0;
  for (uint32_t w = 0; w < 2000; ++w) {
    const PathRun r = simulate(m, 0, w, 77);
    for (size_t y = 0; y < r.years.size(); ++y) {
      const Record& R = r.years[y];
      double out = 0, in_ = 0;
      for (int s = 0; s < m.S; ++s) {
        const double tol = 1e-9 * R.dem[s];
        // demand = served at home + diverted out + unserved
        ASSERT_NEAR(R.dem[s], R.srv[s] + R.out[s] + R.uns[s], tol) << "path " << w << " year " << y << " series " << s;
        ASSERT_GE(R.uns[s], -tol);
        ASSERT_GE(R.out[s], -tol);
        ASSERT_NEAR(R.flow[s], R.srv[s] + R.in[s], tol);
        out += R.out[s];
        in_ += R.in[s];
        diverted_years += R.out[s] > 0;
        unserved_years += R.uns[s] > 0;
      }
      // what leaves arrives, less the friction share
      ASSERT_NEAR(in_, out * (1 - fr), 1e-9 * (1 + out));
      for (int g = 0; g < m.G; ++g) {
        double f = 0;
        for (int s = 0; s < m.S; ++s)
          if (m.route_begin[s + 1] > m.route_begin[s] && m.route_node[m.route_begin[s]] == g) f += R.flow[s];
        // flows never exceed capacity times the overload factor
        ASSERT_LE(f, R.lim[g] * (1 + 1e-12) + 1e-9) << "path " << w << " year " << y << " group " << g;
        ASSERT_NEAR(f, R.used[g], 1e-9 * (1 + f));
      }
    }
  }
  // the test exercises diversion and unserved demand
  EXPECT_GT(diverted_years, 1000);
  EXPECT_GT(unserved_years, 1000);
}

TEST(Model, ExpansionOpeningYearsFollowTheirDistribution) {
  Input in = single_series(100, 0.05, 0, 0.05);
  add_row(in, "groups", {{"id", "G"}, {"port", "P1"}, {"mode", "rail"}, {"metric", "freight"}, {"capacity", "120"}});
  add_row(in, "expansions", {{"id", "E"}, {"group", "G"}, {"capacity_add", "50"}});
  const std::map<int, double> p = {{2026, 0.2}, {2028, 0.5}, {2030, 0.25}, {2035, 0.05}};
  for (const auto& yp : p)
    add_row(in, "expansion_years",
            {{"expansion", "E"}, {"year", std::to_string(yp.first)}, {"probability", std::to_string(yp.second)}});
  const HostModel m = build(in);
  std::map<int, int> count;
  const int n = 20000;
  for (uint32_t w = 0; w < static_cast<uint32_t>(n); ++w) {
    const PathRun r = simulate(m, 0, w);
    const int open = 2024 + static_cast<int>(r.years[0].open[0]);
    ++count[open];
    // capacity steps up in the opening year, not before
    for (size_t y = 1; y < r.years.size(); ++y)
      ASSERT_DOUBLE_EQ(r.years[y].keff[0], 2024 + static_cast<int>(y) >= open ? 170.0 : 120.0);
  }
  for (const auto& yp : p) {
    const double se = std::sqrt(yp.second * (1 - yp.second) / n);
    EXPECT_NEAR(count[yp.first] / static_cast<double>(n), yp.second, 4 * se) << yp.first;
  }
  EXPECT_EQ(count.size(), p.size());
}

TEST(Model, AggregatesArePerPathSums) {
  Input in = two_ports(140, 0.05);
  add_row(in, "targets", {{"id", "T"}, {"name", "both"}, {"metric", "freight"}, {"ports", "A|B"}, {"value", "150"}});
  ModelInfo info;
  const HostModel m = build(in, &info);
  const ModelView v = m.view();
  for (uint32_t w = 0; w < 50; ++w) {
    const PathRun r = simulate(m, 0, w);
    for (int y = 0; y < m.Y; ++y) {
      const double a = r.cells[v.series_cell(0, kFlow, y)], b = r.cells[v.series_cell(1, kFlow, y)];
      EXPECT_EQ(r.cells[v.agg_cell(info.agg_total[0], y)], a + b);
      EXPECT_EQ(r.cells[v.agg_cell(info.target_agg[0], y)], a + b);
      EXPECT_EQ(r.cells[v.agg_cell(info.agg_port[0], y)], a);
      EXPECT_EQ(r.cells[v.agg_cell(info.agg_partner[0], y)], a + b);
    }
  }
}

TEST(Model, LaneFormsEqualPathSteps) {
  // The CPU runs a tile of kLanesMax paths side by side (PathStep<kLanesMax>
  // over interleaved scratch: element e of lane j at e * kLanesMax + j), with
  // the draws and exponentials as array passes over whole rows; every scratch
  // element of every lane must equal that of the same path run alone
  // (PathStep<1>, simulate_path's steps), after every year.
  int mixed_diversion = 0, mixed_closure = 0;
  for (int sc : {0, 1, 2, 3}) {
    const HostModel hm = sc < 2 ? build(rich_input()) : network_model(); // then the network's two scenarios
    sc %= 2;
    const ModelView v = hm.view();
    const Layout L(v);
    constexpr int W = kLanesMax;
    const uint64_t seed = 42;
    const uint32_t path0 = 1000;
    std::vector<double> a(static_cast<size_t>(W) * L.size, 0.0), b = a;
    const Scratch sa{a.data(), L.size, 1}, sb{b.data(), 1, W};
    auto one = [&](const Scratch& s, int j) { return PathStep<1>(v, seed, sc, path0 + j, s, j); };
    const PathStep<W> tile(v, seed, sc, path0, sb, 0);
    for (int j = 0; j < W; ++j) {
      one(sa, j).path_begin();
      one(sb, j).path_begin();
    }
    for (int y = 0; y < v.Y; ++y) {
      for (int j = 0; j < W; ++j) {
        const PathStep<1> p = one(sa, j);
        if (y > 0) p.year_draws(y);
        p.year_growth(y);
        p.year_exps();
        p.year_flows(y);
        p.year_totals();
      }
      if (y > 0) tile.year_draws(y);
      tile.year_growth(y);
      tile.year_exps();
      tile.year_flows(y);
      tile.year_totals();
      for (int j = 0; j < W; ++j)
        for (long long e = 0; e < L.size; ++e) {
          // the diversion's working values: a step writes them when any of
          // its lanes has an excess to divert, a path only when it has one
          if (e >= L.req && e < L.req + 2 * v.G) continue;
          ASSERT_EQ(fm::bits(sa(j, e)), fm::bits(sb(j, e)))
              << "scenario " << sc << " year " << y << " lane " << j << " element " << e;
        }
      // the lanes part ways: some divert (or lose capacity) where others do not
      for (int s = 0; s < v.S; ++s) {
        int n = 0;
        for (int j = 0; j < W; ++j) n += sb(j, L.out + s) > 0;
        mixed_diversion += n > 0 && n < W;
      }
      for (int g = 0; g < v.G; ++g) {
        int n = 0;
        for (int j = 0; j < W; ++j) n += sb(j, L.lost + g) > 0;
        mixed_closure += n > 0 && n < W;
      }
    }
    // and the steps are simulate_path's: its last year's cells
    for (int j = 0; j < W; ++j) {
      const PathRun r = simulate(hm, sc, path0 + j, seed);
      EXPECT_EQ(r.cells[v.series_cell(0, kFlow, v.Y - 1)], sb(j, L.flow + 0));
      EXPECT_EQ(r.cells[v.agg_cell(v.A - 1, v.Y - 1)], sb(j, L.agg + v.A - 1));
    }
  }
  EXPECT_GT(mixed_diversion, 0);
  EXPECT_GT(mixed_closure, 0);
}

TEST(Model, YearDrawsAreTheirNamedPhiloxBlocks) {
  // Series s's normal in a year y > 0 is the inverse normal of word pair
  // s % 2 of Philox block (path, y, purpose, s / 2): kIdiosyncratic for a
  // load series, kIntensity for a derived one. A block whose two series are
  // both of the other kind is not drawn; that must change no series' draw,
  // one path at a time and in a tile's rows. Kinds L D D D L L make blocks
  // (L, D), (D, D) and (L, L).
  Input in = empty_input(2024, 2028);
  add_row(in, "metrics", {{"id", "trains"}, {"unit", "trains"}});
  for (const char* port : {"P2", "P3"})
    add_row(in, "ports", {{"id", port}, {"name", port}, {"kind", "land"}, {"lat", "44"}, {"lon", "80"}});
  auto series = [&](const std::string& id, const std::string& port, const std::string& source) {
    const bool derived = !source.empty();
    add_row(in, "series",
            {{"id", id},
             {"port", port},
             {"partner", "KAZ"},
             {"mode", "rail"},
             {"kind", derived ? "derived" : "load"},
             {"metric", derived ? "trains" : "freight"},
             {"source_series", source},
             {"base_value", derived ? "2" : "100"},
             {"mu", "0.02"},
             {"sigma", "0.1"}});
  };
  series("A", "P1", "");
  series("A_trains", "P1", "A");
  series("B_trains", "P2", "B");
  series("C_trains", "P3", "C");
  series("B", "P2", "");
  series("C", "P3", "");
  const HostModel hm = build(in);
  const ModelView v = hm.view();
  ASSERT_EQ(v.S, 6);
  for (int s = 0; s < v.S; ++s) ASSERT_EQ(v.kind[s], s >= 1 && s <= 3 ? kDerived : kLoad) << "series " << s;
  const Layout L(v);
  const uint64_t seed = 7;
  const uint32_t path0 = 12;
  const Rng rng(seed);
  auto expected = [&](uint32_t path, int y, int s) {
    const U32x4 b = rng.block(path, static_cast<uint32_t>(y), v.kind[s] == kLoad ? kIdiosyncratic : kIntensity,
                              static_cast<uint32_t>(s / 2));
    return fm::inv_normal(s % 2 ? u01_open(b.v[2], b.v[3]) : u01_open(b.v[0], b.v[1]));
  };
  constexpr int W = kLanesMax;
  std::vector<double> a(L.size, 0.0), b(static_cast<size_t>(W) * L.size, 0.0);
  const Scratch sa{a.data(), L.size, 1}, sb{b.data(), 1, W};
  const PathStep<1> one(v, seed, 0, path0, sa, 0);
  const PathStep<W> tile(v, seed, 0, path0, sb, 0);
  one.path_begin();
  for (int j = 0; j < W; ++j) PathStep<1>(v, seed, 0, path0 + j, sb, j).path_begin();
  for (int y = 1; y < v.Y; ++y) {
    one.year_draws(y);
    tile.year_draws(y);
    for (int s = 0; s < v.S; ++s) {
      EXPECT_EQ(fm::bits(sa(0, L.normal + s)), fm::bits(expected(path0, y, s))) << "year " << y << " series " << s;
      for (int j = 0; j < W; ++j)
        ASSERT_EQ(fm::bits(sb(j, L.normal + s)), fm::bits(expected(path0 + j, y, s)))
            << "year " << y << " series " << s << " lane " << j;
    }
  }
}

TEST(Model, EveryArrayIsViewedAndSizeChecked) {
  // model_arrays.h is the one list: the view points into every array, and
  // an array one element too long or too short is named by size_problem()
  const HostModel hm = build(rich_input());
  EXPECT_EQ(hm.size_problem(), "");
  const ModelView v = hm.view();
  int arrays = 0;
#define CHECK_ARRAY(type, name, length)                                                                                \
  {                                                                                                                    \
    ++arrays;                                                                                                          \
    EXPECT_EQ(v.name, hm.name.data()) << #name;                                                                        \
    HostModel longer = hm;                                                                                             \
    longer.name.push_back(type());                                                                                     \
    const std::string n = std::to_string(hm.name.size());                                                              \
    EXPECT_EQ(longer.size_problem(), #name " has " + std::to_string(hm.name.size() + 1) + " elements, expected " + n); \
    if (!hm.name.empty()) {                                                                                            \
      HostModel shorter = hm;                                                                                          \
      shorter.name.pop_back();                                                                                         \
      EXPECT_NE(shorter.size_problem(), "") << #name;                                                                  \
    }                                                                                                                  \
  }
  CORRIDOR_MODEL_ARRAYS(CHECK_ARRAY)
#undef CHECK_ARRAY
  EXPECT_EQ(arrays, 82);
  EXPECT_EQ(v.S, hm.S);
  EXPECT_EQ(v.NS, hm.NS);
  HostModel bad = hm;
  bad.agg_threshold.pop_back();
  EXPECT_EQ(bad.size_problem(),
            "agg_threshold has " + std::to_string(hm.A - 1) + " elements, expected " + std::to_string(hm.A));
}

TEST(Model, BackendRefusesAModelWithAMissizedArray) {
  HostModel hm = build(rich_input());
  const CellPlan plan = make_cell_plan(hm, 0.9);
  hm.sc_cross_mode.pop_back(); // one per scenario
  RunConfig cfg;
  cfg.paths = 10;
  RunResult r;
  try {
    make_cpu_backend(1)->run(hm, plan, cfg, r);
    FAIL() << "expected an error";
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), "corridor: model arrays: sc_cross_mode has " + std::to_string(hm.NS - 1) +
                                         " elements, expected " + std::to_string(hm.NS));
  }
}

// A derived series of a new corridor (its load starts at 0) states its
// validate_input's one-line error, or "" when the input is valid
static std::string validation_error(const Input& in) {
  try {
    validate_input(in);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// base-year intensity, and only it does: one line per problem.
TEST(Model, IntensityIsRequiredExactlyForADerivedSeriesOfANewCorridor) {
  auto with = [](const std::vector<std::pair<std::string, std::string>>& row) {
    Input in = network_input();
    std::vector<std::pair<std::string, std::string>> v = {
        {"port", "P2"}, {"partner", "KAZ"}, {"mode", "rail"}, {"metric", "trains"}, {"mu", "0"}};
    v.insert(v.end(), row.begin(), row.end());
    add_row(in, "series", v);
    return in;
  };
  auto errors = validation_error;
  auto at = [](const std::string& column) { return "test:series: row 7: column '" + column + "': "; };
  // stated: valid, and assembled as the model's base of the series (model.h, path_begin)
  const Input good =
      with({{"id", "NT"}, {"kind", "derived"}, {"source_series", "N"}, {"base_value", "0"}, {"intensity", "0.05"}});
  EXPECT_EQ(errors(good), "");
  EXPECT_EQ(build(good).base.back(), 0.05);
  EXPECT_EQ(errors(with({{"id", "NT"}, {"kind", "derived"}, {"source_series", "N"}, {"base_value", "0"}})),
            at("intensity") + "empty, but source_series 'N' is a new corridor (starts at 0): state the base-year "
                              "intensity (> 0, units of trains per unit of freight)");
  EXPECT_EQ(errors(with(
                {{"id", "NT"}, {"kind", "derived"}, {"source_series", "N"}, {"base_value", "0"}, {"intensity", "0"}})),
            at("intensity") + "0 must be > 0");
  EXPECT_EQ(
      errors(with(
          {{"id", "NT"}, {"kind", "derived"}, {"source_series", "N"}, {"base_value", "4"}, {"intensity", "0.05"}})),
      at("base_value") + "4 for a derived series of a new corridor: it starts from 0 (its intensity goes in "
                         "intensity)");
  EXPECT_EQ(
      errors(with(
          {{"id", "BT"}, {"kind", "derived"}, {"source_series", "B"}, {"base_value", "4"}, {"intensity", "0.05"}})),
      at("intensity") + "0.05 is only for a derived series of a new corridor: from source_series 'B' the "
                        "intensity is base_value over its base_value");
  EXPECT_EQ(errors(with({{"id", "L"},
                         {"kind", "load"},
                         {"metric", "freight"},
                         {"base_value", "4"},
                         {"intensity", "0.05"},
                         {"unlimited", "assumption: test"}})),
            at("intensity") + "0.05 for a load series: only a derived series has one");
}

// Share groups: load series of one partner, mode and metric, not new corridors.
TEST(Model, ShareGroupsJoinLoadSeriesOfOneMarketOnly) {
  auto errors = validation_error;
  Input in = network_input();
  const auto& ids = in.tables.at("series").str.at("id");
  auto set = [&](Input& x, const std::string& id, const std::string& g) {
    auto& col = x.tables.at("series").str.at("share_group");
    col[static_cast<size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin())] = g;
  };
  EXPECT_EQ(errors(in), "");
  const HostModel plain = build(in);
  EXPECT_EQ(plain.share_begin.back(), 0) << "no group: no members";
  // A and B, two rail ports of one market: each has both as members, weights 1/2, scale sqrt(2)
  Input ab = in;
  set(ab, "A", "g");
  set(ab, "B", "g");
  EXPECT_EQ(errors(ab), "");
  const HostModel m = build(ab);
  EXPECT_EQ(m.share_begin[1] - m.share_begin[0], 2);
  EXPECT_EQ(m.share_begin[2] - m.share_begin[1], 2);
  EXPECT_EQ(m.share_weight[0], 0.5);
  EXPECT_EQ(m.share_scale[0], std::sqrt(2.0));
  EXPECT_EQ(m.share_scale[2], 0.0) << "R is in no group";
  // a group of one has no effect
  Input one = in;
  set(one, "A", "g");
  EXPECT_EQ(errors(one), "");
  EXPECT_EQ(build(one).share_begin.back(), 0);
  auto at = [](int row) { return "test:series: row " + std::to_string(row) + ": column 'share_group': "; };
  Input road = ab;
  set(road, "R", "g");
  EXPECT_EQ(errors(road), at(3) + "'g' joins series of another partner, mode or metric (A)");
  Input fresh = ab;
  set(fresh, "N", "g");
  EXPECT_EQ(errors(fresh), at(4) + "'g' for a new corridor: its demand comes from its captures");
  Input derived = ab;
  set(derived, "D", "g");
  EXPECT_EQ(errors(derived), at(6) + "'g' for a derived series: only load series share draws");
}
