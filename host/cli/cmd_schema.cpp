// corridor schema: the input schema as the markdown of inputs/README.md.
#include <iostream>

#include "commands.h"
#include "schema_doc.h"

namespace corridor {

int cmd_schema() {
  print_schema_markdown(std::cout);
  return 0;
}

} // namespace corridor
