// The input schema (host/input.h) as markdown tables: what corridor schema
// prints and inputs/README.md holds.
#pragma once
#include <ostream>

namespace corridor {

void print_schema_markdown(std::ostream& os);

} // namespace corridor
