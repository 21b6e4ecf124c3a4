// Helpers to build small inputs in code for the tests.
#pragma once
#include <string>
#include <vector>

#include "host/backend.h"
#include "host/input.h"
#include "host/model_build.h"
#include "kernels/plans.h"

namespace corridor::test {

// Appends a row; values are given per column name as strings, the rest default.
void add_row(Input& in, const std::string& table, const std::vector<std::pair<std::string, std::string>>& values);
// One port P1 (land), one partner KAZ, metric freight, scenario base; no series.
Input empty_input(int base_year = 2024, int horizon_year = 2034);
// empty_input plus one load series S1 with the given parameters.
Input single_series(double base, double mu, double tau, double sigma);
// A model with every feature: three ports sharing a partner, capacity groups,
// closures, expansions, derived series, shocks, two scenarios and a target.
Input rich_input();
// Schema version 2, the network: ports P1, P2; load series A (P1 rail), B (P2
// rail), R (P1 road) and the new corridors N (P2 rail, opens with EN, captures
// from B and A) and N2 (P1 rail, opens with E1, captures from N; unlimited,
// with a reason); derived D (trains of A). Nodes G1, G2 (two of P1 rail: A's
// chain, G2 congested), G3 (P2 rail, with a capacity response), G4 (P2 rail,
// capacity 0, built by EN), GR (P1 road). One market (KAZ, freight) with
// route choice parameters; scenarios base (route_choice and responsive on)
// and static (off). Captures are listed out of their topological order.
Input network_input();
// A version-1 input as version 2: schema_version 2 and routes.csv holding the
// chain version 1 implies (the one group of each load series' port, mode and metric).
Input as_version2(Input in);
HostModel build(const Input& in, ModelInfo* info = nullptr);
// The plan p with every cell of every scenario stored: nothing known,
// aliased or counted (its thresholds kept), to compare a run's plan with.
CellPlan every_cell_stored(CellPlan p);

// numpy.quantile(..., method='linear') of a copy of v
double np_quantile(std::vector<double> v, double p);
// The values a run's statistics take (kernels/stats.h, as_stored).
std::vector<double> stored(std::vector<double> v);

} // namespace corridor::test
