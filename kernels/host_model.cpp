#include "host_model.h"

namespace corridor {

ModelView HostModel::view() const {
  ModelView v;
#define CORRIDOR_VIEW_DIM(name) v.name = name;
  CORRIDOR_MODEL_DIMS(CORRIDOR_VIEW_DIM)
#undef CORRIDOR_VIEW_DIM
#define CORRIDOR_VIEW_ARRAY(type, name, length) v.name = name.data();
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_VIEW_ARRAY)
#undef CORRIDOR_VIEW_ARRAY
  return v;
}

std::string HostModel::size_problem() const {
  std::string why;
  auto fits = [&why](const char* name, std::size_t have, long long want) {
    if (why.empty() && static_cast<long long>(have) != want)
      why = std::string(name) + " has " + std::to_string(have) + " elements, expected " + std::to_string(want);
    return why.empty();
  };
  // a length that reads a CSR offset is evaluated only once that offset
  // array has passed (the list orders them so)
#define CORRIDOR_CHECK_ARRAY(type, name, length)                                                                       \
  if (!fits(#name, name.size(), static_cast<long long>(length))) return why;
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_CHECK_ARRAY)
#undef CORRIDOR_CHECK_ARRAY
  fits("agg_threshold", agg_threshold.size(), A);
  return why;
}

} // namespace corridor
