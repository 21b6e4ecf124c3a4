// Reading outputs back: `corridor summary` (readable tables per scenario) and
// `corridor inspect` (what a file holds and its provenance).
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace corridor {

struct SummaryOptions {
  std::string format = "text"; // text, csv, markdown, json
  std::vector<int> years;      // empty: base year, 2030 when projected, horizon
  int top = 10;                // rows of the ranked tables
};

void print_summary(const std::string& path, const SummaryOptions& opt, std::ostream& os);
void print_inspect(const std::string& path, std::ostream& os);

} // namespace corridor
