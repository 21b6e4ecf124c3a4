#include "common.h"

#include <hdf5.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <new>

#include "../dist.h"
#include "../h5.h"
#include "command.h"

namespace fs = std::filesystem;

namespace corridor {
namespace {

bool has_attr(hid_t f, const char* name) { return H5Aexists(f, name) > 0; }

bool has_input_table(hid_t f) {
  for (const TableDef& t : input_schema()) {
    if (!h5::link_exists(f, t.name)) continue;
    h5::Id obj(H5Oopen(f, t.name.c_str(), H5P_DEFAULT));
    if (obj.valid() && H5Iget_type(obj) == H5I_GROUP) return true;
  }
  return false;
}

[[noreturn]] void wrong_kind(const std::string& path, FileKind k, const std::string& command, const std::string& want) {
  throw InputError({path + ": " + describe(k) + "; corridor " + command + " reads " + want});
}

const char* const kInputWanted = "an input (an HDF5 input from corridor import, or a folder of CSV tables)";

} // namespace

FileKind file_kind(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return FileKind::missing;
  if (fs::is_directory(path, ec)) return FileKind::folder;
  h5::Quiet q;
  if (H5Fis_hdf5(path.c_str()) <= 0) return FileKind::not_hdf5;
  // a file from elsewhere is read first in a child process with a time limit,
  // so that a damaged one that would crash or hang libhdf5 is one line
  if (const std::string why = h5::probe_readable(path); !why.empty()) throw InputError({why});
  h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) return FileKind::not_hdf5;
  if (has_attr(f, "rng") || h5::link_exists(f, "total_quantile")) return FileKind::run_output;
  if (h5::link_exists(f, "coverage_90") && h5::link_exists(f, "case_quantile")) return FileKind::backtest_output;
  if (has_attr(f, "schema_version") || has_input_table(f)) return FileKind::input;
  return FileKind::other_hdf5;
}

std::string describe(FileKind k) {
  switch (k) {
  case FileKind::missing:
    return "no such file or folder";
  case FileKind::folder:
    return "a folder";
  case FileKind::not_hdf5:
    return "not an HDF5 file (or truncated)";
  case FileKind::input:
    return "a corridor input";
  case FileKind::run_output:
    return "a corridor run output";
  case FileKind::backtest_output:
    return "a corridor backtest output";
  case FileKind::other_hdf5:
    return "an HDF5 file that corridor did not write (no input tables, no run statistics)";
  }
  return "unknown";
}

Input load_input(const std::string& path, const std::string& command) {
  const FileKind k = file_kind(path);
  if (k == FileKind::folder) return read_csv_dir(path);
  if (k == FileKind::input) return read_h5_input(path);
  if (k == FileKind::missing || k == FileKind::not_hdf5) throw InputError({path + ": " + describe(k)});
  wrong_kind(path, k, command, kInputWanted);
}

Input load_h5_input(const std::string& path, const std::string& command) {
  const FileKind k = file_kind(path);
  if (k == FileKind::input) return read_h5_input(path);
  if (k == FileKind::missing || k == FileKind::not_hdf5) throw InputError({path + ": " + describe(k)});
  wrong_kind(path, k, command, "an HDF5 input (from corridor import)");
}

void require_run_output(const std::string& path, const std::string& command) {
  const FileKind k = file_kind(path);
  if (k == FileKind::run_output) return;
  if (k == FileKind::missing || k == FileKind::not_hdf5) throw InputError({path + ": " + describe(k)});
  wrong_kind(path, k, command, "the output of corridor run");
}

void require_hdf5(const std::string& path, const std::string& command) {
  const FileKind k = file_kind(path);
  if (k == FileKind::missing || k == FileKind::not_hdf5) throw InputError({path + ": " + describe(k)});
  if (k == FileKind::folder) wrong_kind(path, k, command, "an HDF5 file");
}

std::unique_ptr<Backend> choose_backend(const std::string& which, int threads, bool quiet) {
  if (which == "cpu") return make_cpu_backend(threads);
  if (which == "cuda") return make_cuda_backend();
  std::string why;
  if (cuda_usable(&why)) {
    auto b = make_cuda_backend();
    if (!quiet) std::cerr << "backend auto: using " << b->description() << "\n";
    return b;
  }
  auto b = make_cpu_backend(threads);
  if (!quiet) std::cerr << "backend auto: using " << b->description() << " (no GPU: " << why << ")\n";
  return b;
}

void Progress::operator()(double f) {
  if (!on_) return;
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  if (f < 1.0 && el - last_ < 0.2) return;
  last_ = el;
  const int w = 30, k = static_cast<int>(f * w);
  const double eta = f > 0 ? el * (1 - f) / f : 0;
  std::fprintf(stderr, "\r[%.*s%*s] %5.1f%%  %.0fs elapsed, ETA %.0fs ", k, "##############################", w - k, "",
               100 * f, el, eta);
  if (f >= 1.0) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

int status_of(const std::exception_ptr& e, std::string* what) {
  try {
    std::rethrow_exception(e);
  } catch (const UsageError& x) {
    *what = x.what();
    return 2;
  } catch (const InputError& x) {
    *what = x.lines.empty() ? std::string(x.what()) : x.lines.front();
    return 2;
  } catch (const std::bad_alloc&) {
    *what = "out of memory";
    return 1;
  } catch (const std::exception& x) {
    *what = x.what();
    return 1;
  } catch (...) {
    *what = "unknown failure";
    return 1;
  }
}

void agree_on_setup(const std::exception_ptr& failed) {
  std::string what;
  const int status = World::agree(failed ? status_of(failed, &what) : 0);
  if (status == 0) return;
  const int first = World::size() - World::agree(failed ? World::size() - World::rank() : 0);
  if (first == World::rank()) std::rethrow_exception(failed);
  throw QuietExit{status};
}

void fail_split_run(const std::exception_ptr& e) {
  std::string what;
  const int status = status_of(e, &what);
  World::fail(status, what);
}

void return_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

} // namespace corridor
