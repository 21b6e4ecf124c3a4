#include "schema_doc.h"

#include "../input.h"

namespace corridor {
namespace {

const char* type_name(char t) { return t == 's' ? "text" : t == 'i' ? "integer" : "number"; }

std::string default_text(const ColumnDef& c) {
  if (c.required) return "required";
  if (c.def == "nan" || c.def.empty()) return "empty";
  return "`" + c.def + "`";
}

} // namespace

void print_schema_markdown(std::ostream& os) {
  os << "### meta (key, value)\n\nInput schema version " << kSchemaVersion
     << ". Version 1 inputs still read: they have no routes, corridors, captures or markets rows and leave the "
        "columns marked version 2 at their defaults; each load series is limited by the one group of its port, mode "
        "and metric (a second group for the same port, mode and metric is refused). Version 2 requires routes.csv "
        "and allows several nodes of one port, mode and metric.\n\n"
     << "| key | type | required | meaning |\n|---|---|---|---|\n";
  for (const MetaDef& m : meta_schema())
    os << "| `" << m.key << "` | " << type_name(m.type) << " | " << (m.required ? "yes" : "no") << " | " << m.doc
       << " |\n";
  for (const TableDef& t : input_schema()) {
    os << "\n### " << t.name << (t.required ? "" : " (optional)") << "\n\n"
       << t.doc << ".\n\n"
       << "| column | type | unit | default | meaning |\n|---|---|---|---|---|\n";
    for (const ColumnDef& c : t.cols)
      os << "| `" << c.name << "` | " << type_name(c.type) << " | " << c.unit << " | " << default_text(c) << " | "
         << c.doc << " |\n";
  }
}

} // namespace corridor
