// corridor validate: every problem of an input, one line each (exit 2), or
// "valid", after a note for each series without a capacity limit and its reason.
#include <cstdio>

#include "../model_build.h"
#include "commands.h"
#include "common.h"

namespace corridor {

int cmd_validate(const ValidateOptions& o) {
  const Input in = load_input(o.input, "validate");
  for (const auto& note : validate_input(in)) std::printf("note: %s\n", note.c_str());
  std::printf("%s: valid\n", o.input.c_str());
  return 0;
}

} // namespace corridor
