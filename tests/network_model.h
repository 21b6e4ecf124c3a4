// A small network for the tests of the model's network (MODEL.md section 4):
// built from a version-1 input, then given chains, a new corridor with a
// ramp-up and captures, a market with route choice and elasticity, BPR node
// times and a capacity response, directly in the model's arrays (the
// contract the kernels read), so the kernels are tested apart from the
// input tables.
#pragma once
#include <vector>

#include "util.h"

namespace corridor::test {

// Series: 0 A_rail (P1), 1 B_rail (P2), 2 A_road (P1), 3 NEW_rail (P3, the
// new corridor, capturing from 0 and 1), 4 A_trains (derived from 0).
// Nodes: 0 A station, 1 A yard (shared by A_rail and NEW_rail; a capacity
// response), 2 B station, 3 road, 4 the new line (capacity 0, built by
// expansion 0 with ramp 0.3, 0.7, 1). Scenario 0 has route choice and the
// response on, scenario 1 neither.
HostModel network_model();
// Gives nodes 0 (A station, 125), 1 (A yard, 115, with the response), 2 (B
// station, 100) and 3 (road, 60) ranges of their base capacity (triangular,
// mode the capacity): 90..160, 100..140, 70..105 and 55..80.
void with_capacity_ranges(HostModel& m);
// Replaces every series' chain (CSR).
void set_routes(HostModel& m, const std::vector<std::vector<int>>& chains);

} // namespace corridor::test
