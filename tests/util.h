// Helpers to build small inputs in code for the tests.
#pragma once
#include <string>
#include <vector>

#include "host/backend.h"
#include "host/input.h"
#include "host/model_build.h"

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
HostModel build(const Input& in, ModelInfo* info = nullptr);

// numpy.quantile(..., method='linear') of a copy of v
double np_quantile(std::vector<double> v, double p);

} // namespace corridor::test
