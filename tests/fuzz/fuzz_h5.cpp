// libFuzzer target: the HDF5 input reader from a file image, as `corridor
// validate FILE.h5` reads it: first the forked child's walk of the image
// (a file that crashes or hangs libhdf5 is refused there, as in the
// program), then, in this process and under the sanitizers, Corridor's parse
// and validation of what libhdf5 reads.
#include <cstdint>
#include <string>

#include "host/input.h"
#include "host/model_build.h"

using namespace corridor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string image(reinterpret_cast<const char*>(data), size);
  // parse=false: the child runs libhdf5 alone, so a Corridor bug is found
  // here in the sanitized process rather than hidden as a refused file
  if (!probe_h5_input_image("fuzz.h5", image, 10, false).empty()) return 0;
  try {
    const Input in = read_h5_input_image("fuzz.h5", image);
    validate_input(in);
  } catch (const InputError&) {
  }
  return 0;
}
