// libFuzzer target: the HDF5 input reader from a file image, as `corridor
// validate FILE.h5` reads it: first the forked child's walk of the image
// (a file that crashes or hangs libhdf5 is refused there, as in the
// program), then, in this process and under the sanitizers, Corridor's parse
// and validation of what libhdf5 reads.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <hdf5.h>

#include "host/input.h"
#include "host/model_build.h"

using namespace corridor;

// CORRIDOR_FUZZ_H5_INPROCESS=1 skips the child: libhdf5 runs in this process,
// so a libhdf5 crash stops the run (to hunt for the files the child must
// refuse; every one found becomes a corpus file that the normal mode then
// replays). It is also much faster: no fork per input.
static const bool g_inprocess = [] {
  const char* e = std::getenv("CORRIDOR_FUZZ_H5_INPROCESS");
  return e && *e == '1';
}();

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string image(reinterpret_cast<const char*>(data), size);
  // parse=false: the child runs libhdf5 alone, so a Corridor bug is found
  // here in the sanitized process rather than hidden as a refused file
  if (!g_inprocess && !probe_h5_input_image("fuzz.h5", image, 10, false).empty()) return 0;
  try {
    const Input in = read_h5_input_image("fuzz.h5", image);
    validate_input(in);
  } catch (const InputError&) {
  }
  // every command reads its input in a fresh process: libhdf5's state (its
  // table of conversion paths among others) starts anew for each input, as
  // it does there, so that no file inherits what earlier ones left
  H5close();
  return 0;
}
