// corridor summary: readable tables of a run output.
#include <iostream>

#include "../summary.h"
#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_summary(const SummaryCmdOptions& o) {
  require_run_output(o.output, "summary");
  SummaryOptions s;
  s.format = o.format;
  s.years = o.years;
  s.top = o.top;
  print_summary(o.output, s, std::cout);
  return 0;
}

} // namespace corridor
