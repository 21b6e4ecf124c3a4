// The model's arrays owned on the host (model_arrays.h lists them), from
// which every backend uploads its copy. Host code only (std::vector).
#pragma once
#include <string>
#include <vector>

#include "model.h"

namespace corridor {

struct HostModel {
#define CORRIDOR_HOST_DIM(name) int name = 0;
  CORRIDOR_MODEL_DIMS(CORRIDOR_HOST_DIM)
#undef CORRIDOR_HOST_DIM
#define CORRIDOR_HOST_ARRAY(type, name, length) std::vector<type> name;
  CORRIDOR_MODEL_ARRAYS(CORRIDOR_HOST_ARRAY)
#undef CORRIDOR_HOST_ARRAY
  // host only, not read by the kernels: per aggregate, P(total >= threshold)
  // is reported (+inf: none)
  std::vector<double> agg_threshold;

  // Pointers into this object's vectors. Defined in host_model.cpp, which
  // only the host compiler builds: ModelView lives in a per-compiler
  // namespace (portable.h), HostModel does not.
  ModelView view() const;
  // The first array whose length is not what the dimensions (and the CSR
  // offsets before it) make it, as "name has n elements, expected m"; empty
  // when all agree. A backend refuses a model with such an array rather than
  // read past its end.
  std::string size_problem() const;
};

} // namespace corridor
