#include "h5.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace corridor::h5 {

// ---- file format ------------------------------------------------------------

Id untimed_props(hid_t cls) {
  Id p = check(H5Pcreate(cls), "H5Pcreate");
  check(H5Pset_obj_track_times(p, 0), "H5Pset_obj_track_times");
  return p;
}

Id create_file_props() {
  Id p = untimed_props(H5P_FILE_CREATE); // the root group's header without times
  check(H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "creation order");
  check(H5Pset_attr_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "creation order");
  return p;
}

Id file_access_props() {
  Id p = check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
  // 1.8 is the oldest format with checksummed metadata (superblock, object
  // headers, heaps and B-trees of groups), but with 1.8 as the low bound
  // chunked datasets keep the old, unchecksummed v1 B-tree index; 1.10 as the
  // low bound gives every chunk index a checksum (and smaller files). Readers
  // need HDF5 1.10 or newer (2016): netCDF-C, h5py and xarray on Debian 12 do.
  check(H5Pset_libver_bounds(p, H5F_LIBVER_V110, H5F_LIBVER_LATEST), "H5Pset_libver_bounds");
  return p;
}

Id create_file(const std::string& path) {
  Id fcpl = create_file_props(), fapl = file_access_props();
  return check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), path + ": cannot create");
}

// ---- reading a file without trusting it -------------------------------------

double default_probe_timeout() {
  if (const char* e = std::getenv("CORRIDOR_H5_TIMEOUT")) {
    char* end = nullptr;
    const double v = std::strtod(e, &end);
    if (end != e && *end == '\0' && std::isfinite(v) && v > 0 && v <= 86400) return v;
  }
  return 60;
}

namespace {

constexpr size_t kSlabBytes = size_t(64) << 20; // the walk reads at most this much at once

bool has_vlen(hid_t t) { return H5Tdetect_class(t, H5T_VLEN) > 0 || H5Tis_variable_str(t) > 0; }

// Reads `n` elements of type `ft` through `read(mem_type, mem_space, buffer)`.
template <class Read>
void read_elements(hid_t ft, hssize_t n, hid_t file_space_for_reclaim, Read read, const std::string& what) {
  if (n <= 0) return;
  const H5T_class_t cls = H5Tget_class(ft);
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) { // refused before libhdf5 converts it
    const std::string problem = numeric_type_problem(ft);
    if (!problem.empty()) throw std::runtime_error(what + ": " + problem);
  }
  Id mt(cls == H5T_STRING ? H5Tcopy(ft) : H5Tget_native_type(ft, H5T_DIR_DEFAULT));
  if (!mt.valid()) throw std::runtime_error(what + ": unsupported type");
  const size_t sz = H5Tget_size(mt);
  if (sz == 0 || sz > kSlabBytes) throw std::runtime_error(what + ": element size out of range");
  if (static_cast<unsigned long long>(n) > kSlabBytes / sz) throw std::runtime_error(what + ": too large to check");
  std::vector<unsigned char> buf(static_cast<size_t>(n) * sz);
  if (read(mt.get(), buf.data()) < 0) throw std::runtime_error(what + ": cannot read (damaged?)");
  if (has_vlen(mt)) H5Dvlen_reclaim(mt, file_space_for_reclaim, H5P_DEFAULT, buf.data());
}

// Callbacks never let an exception cross libhdf5's C frames: they keep the
// message and stop the iteration.
struct WalkCtx {
  std::string what, error;
};

herr_t walk_attr(hid_t obj, const char* name, const H5A_info_t*, void* p) {
  auto* ctx = static_cast<WalkCtx*>(p);
  const std::string what = ctx->what + " attribute " + name;
  try {
    Id a(H5Aopen(obj, name, H5P_DEFAULT));
    if (!a.valid()) throw std::runtime_error(what + ": cannot open (damaged?)");
    Id ft(H5Aget_type(a)), sp(H5Aget_space(a));
    if (!ft.valid() || !sp.valid()) throw std::runtime_error(what + ": cannot read its type or shape");
    read_elements(
        ft, H5Sget_simple_extent_npoints(sp), sp, [&](hid_t mt, void* b) { return H5Aread(a, mt, b); }, what);
  } catch (const std::exception& e) {
    ctx->error = e.what();
    return -1;
  }
  return 0;
}

void walk_attrs(hid_t obj, const std::string& what) {
  hsize_t idx = 0;
  WalkCtx ctx{what, {}};
  if (H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, walk_attr, &ctx) < 0)
    throw std::runtime_error(ctx.error.empty() ? what + ": cannot list attributes (damaged?)" : ctx.error);
}

void walk_dataset(hid_t d, const std::string& what) {
  Id ft(H5Dget_type(d)), sp(H5Dget_space(d));
  if (!ft.valid() || !sp.valid()) throw std::runtime_error(what + ": cannot read its type or shape");
  const int rank = H5Sget_simple_extent_ndims(sp);
  if (rank < 0 || rank > H5S_MAX_RANK) throw std::runtime_error(what + ": bad rank");
  const hssize_t n = H5Sget_simple_extent_npoints(sp);
  if (n <= 0) return;
  Id mt0(H5Tget_class(ft) == H5T_STRING ? H5Tcopy(ft) : H5Tget_native_type(ft, H5T_DIR_DEFAULT));
  if (!mt0.valid()) throw std::runtime_error(what + ": unsupported type");
  const size_t sz = H5Tget_size(mt0);
  if (sz == 0 || sz > kSlabBytes) throw std::runtime_error(what + ": element size out of range");
  if (rank == 0) {
    read_elements(
        ft, 1, sp, [&](hid_t mt, void* b) { return H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, b); }, what);
    return;
  }
  // slabs along the first dimension
  std::vector<hsize_t> dims(rank), start(rank, 0), count(rank);
  H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
  unsigned long long row = 1;
  for (int i = 1; i < rank; ++i) row *= dims[i];
  if (row == 0) return;
  if (row > kSlabBytes / sz) throw std::runtime_error(what + ": too large to check");
  const hsize_t step = std::max<hsize_t>(1, kSlabBytes / sz / row);
  for (hsize_t r0 = 0; r0 < dims[0]; r0 += step) {
    count = dims;
    start[0] = r0;
    count[0] = std::min<hsize_t>(step, dims[0] - r0);
    Id fs(H5Scopy(sp));
    if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
      throw std::runtime_error(what + ": bad selection");
    Id ms(H5Screate_simple(rank, count.data(), nullptr));
    read_elements(
        ft, static_cast<hssize_t>(count[0] * row), ms,
        [&](hid_t mt, void* b) { return H5Dread(d, mt, ms, fs, H5P_DEFAULT, b); }, what);
  }
}

herr_t walk_link(hid_t group, const char* name, const H5L_info_t* info, void* p) {
  if (info->type != H5L_TYPE_HARD) return 0; // soft and external links are not followed
  auto* ctx = static_cast<WalkCtx*>(p);
  const std::string what = std::string("/") + name;
  try {
    Id o(H5Oopen(group, name, H5P_DEFAULT));
    if (!o.valid()) throw std::runtime_error(what + ": cannot open (damaged?)");
    walk_attrs(o, what);
    if (H5Iget_type(o) == H5I_DATASET) walk_dataset(o, what);
  } catch (const std::exception& e) {
    ctx->error = e.what();
    return -1;
  }
  return 0;
}

} // namespace

void walk_open_file(hid_t f) {
  Quiet q;
  walk_attrs(f, "/");
  WalkCtx ctx{"/", {}};
  if (H5Lvisit(f, H5_INDEX_NAME, H5_ITER_INC, walk_link, &ctx) < 0)
    throw std::runtime_error(ctx.error.empty() ? "cannot list the file's groups and datasets" : ctx.error);
}

void walk_file(const std::string& path) {
  Quiet q;
  Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) throw std::runtime_error("cannot open as HDF5 (not HDF5, truncated or damaged)");
  walk_open_file(f);
}

namespace {

// The sanitizers reserve terabytes of address space up front: no cap under
// them (GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CORRIDOR_NO_PROBE_RLIMIT
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CORRIDOR_NO_PROBE_RLIMIT
#endif
#endif

// the probe's child, before it reads: a crash ends it by its signal (also
// under sanitizers, which would otherwise turn it into a report and an exit
// status); its address space capped; its output silenced
void probe_child_setup() {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) signal(sig, SIG_DFL);
#ifndef CORRIDOR_NO_PROBE_RLIMIT
  // a damaged size field can make libhdf5 allocate and touch many GiB:
  // the child may use 16 GiB of address space, then its allocations fail
  // (AddressSanitizer reserves far more up front, so not under it)
  const rlim_t cap = rlim_t(16) << 30;
  rlimit rl{cap, cap};
  setrlimit(RLIMIT_AS, &rl);
#endif
  const int dn = open("/dev/null", O_WRONLY);
  if (dn >= 0) {
    dup2(dn, 1);
    dup2(dn, 2);
  }
}

// the probe's child: silent, reports "K" (read cleanly) or "E" and a message
// on fd, then ends
[[noreturn]] void probe_child(int fd, const std::string& path, const ProbeBody& body) {
  probe_child_setup();
  std::string msg = "K";
  try {
    if (body)
      body(path);
    else
      walk_file(path);
  } catch (const std::exception& e) {
    msg = std::string("E") + e.what();
  } catch (...) {
    msg = "Eunknown error";
  }
  size_t off = 0;
  while (off < msg.size()) {
    const ssize_t w = write(fd, msg.data() + off, msg.size() - off);
    if (w <= 0) break;
    off += static_cast<size_t>(w);
  }
  _exit(0);
}

// reads the child's report from fd (at most about 64 KiB kept) until it
// ends or timeout_s passes; whether the time ran out
bool read_probe_report(int fd, double timeout_s, std::string& msg) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{fd, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    const ssize_t k = read(fd, buf, sizeof buf);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false; // end of file: the child is gone
    if (msg.size() < 65536) msg.append(buf, static_cast<size_t>(k));
  }
}

// the verdict on path from how the child ended (st) and what it reported:
// "" when it read cleanly, else the reason
std::string probe_verdict(const std::string& path, double timeout_s, bool timed_out, int st, const std::string& msg) {
  char secs[32];
  std::snprintf(secs, sizeof secs, "%g", timeout_s);
  if (timed_out)
    return path + ": reading it took longer than " + secs + " s; refused as a damaged or hostile HDF5 file";
  if (WIFSIGNALED(st))
    return path + ": the HDF5 library crashed reading it (signal " + std::to_string(WTERMSIG(st)) +
           "); refused as a damaged or hostile HDF5 file";
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || msg.empty())
    return path + ": the HDF5 library failed reading it (exit status " +
           std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : -1) + "); refused as a damaged or hostile HDF5 file";
  if (msg[0] == 'K') return "";
  std::string m = msg.substr(1);
  std::replace(m.begin(), m.end(), '\n', ' ');
  return path + ": " + m;
}

} // namespace

std::string probe_readable(const std::string& path, double timeout_s, const ProbeBody& body) {
  int fds[2];
  if (pipe(fds) != 0) return path + ": cannot check the file: " + std::strerror(errno);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return path + ": cannot check the file: " + std::strerror(errno);
  }
  if (pid == 0) {
    close(fds[0]);
    probe_child(fds[1], path, body);
  }
  close(fds[1]);
  std::string msg;
  const bool timed_out = read_probe_report(fds[0], timeout_s, msg);
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return probe_verdict(path, timeout_s, timed_out, st, msg);
}

// ---- writing ----------------------------------------------------------------

bool link_exists(hid_t loc, const std::string& path) {
  Quiet q;
  // check each component so intermediate groups may be missing
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    const size_t next = path.find('/', pos + 1);
    cur = path.substr(0, next);
    if (!cur.empty() && cur != "/" && H5Lexists(loc, cur.c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next;
  }
  return true;
}

static Id scalar_space() { return check(H5Screate(H5S_SCALAR), "H5Screate"); }

static void replace_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}

void write_attr_string(hid_t obj, const std::string& name, const std::string& value) {
  replace_attr(obj, name);
  Id t = check(H5Tcopy(H5T_C_S1), "H5Tcopy");
  check(H5Tset_size(t, std::max<size_t>(1, value.size())), "H5Tset_size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
  check(H5Tset_strpad(t, H5T_STR_NULLTERM), "H5Tset_strpad");
  Id s = scalar_space();
  Id a = check(H5Acreate2(obj, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT), "cannot create attribute " + name);
  std::string buf = value;
  buf.resize(std::max<size_t>(1, value.size()), '\0');
  check(H5Awrite(a, t, buf.data()), "cannot write attribute " + name);
}

template <class T> static void write_attr_num(hid_t obj, const std::string& name, hid_t type, T value) {
  replace_attr(obj, name);
  Id s = scalar_space();
  Id a = check(H5Acreate2(obj, name.c_str(), type, s, H5P_DEFAULT, H5P_DEFAULT), "cannot create attribute " + name);
  check(H5Awrite(a, type, &value), "cannot write attribute " + name);
}
void write_attr_double(hid_t obj, const std::string& name, double v) {
  write_attr_num(obj, name, H5T_NATIVE_DOUBLE, v);
}
void write_attr_int(hid_t obj, const std::string& name, long long v) { write_attr_num(obj, name, H5T_NATIVE_LLONG, v); }
void write_attr_uint(hid_t obj, const std::string& name, unsigned long long v) {
  write_attr_num(obj, name, H5T_NATIVE_ULLONG, v);
}

bool read_attr_string(hid_t obj, const std::string& name, std::string& out) {
  Quiet q;
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Id a(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  if (!a.valid()) return false;
  Id ft(H5Aget_type(a));
  if (H5Tget_class(ft) != H5T_STRING) return false;
  {
    Id sp(H5Aget_space(a)); // one string, of a sane size: the reads below hold one value
    if (H5Sget_simple_extent_npoints(sp) != 1) return false;
  }
  if (H5Tis_variable_str(ft) > 0) {
    Id mt(H5Tcopy(ft)); // same character set as the file, so no conversion
    char* p = nullptr;
    if (H5Aread(a, mt, &p) < 0) return false;
    out = p ? p : "";
    Id s(H5Aget_space(a));
    H5Dvlen_reclaim(mt, s, H5P_DEFAULT, &p);
    return true;
  }
  const size_t n = H5Tget_size(ft);
  if (n == 0 || n > (size_t(16) << 20)) return false;
  std::string buf(n + 1, '\0');
  Id mt(H5Tcopy(ft));
  if (H5Aread(a, mt, buf.data()) < 0) return false;
  buf.resize(n);
  const H5T_str_t pad = H5Tget_strpad(ft);
  if (pad == H5T_STR_NULLTERM)
    buf.resize(std::min(n, buf.find('\0'))); // bytes after the terminator are not text
  else if (pad == H5T_STR_SPACEPAD)
    buf.erase(buf.find_last_not_of(' ') + 1);
  else
    buf.erase(buf.find_last_not_of('\0') + 1); // a NUL inside stays for the caller to refuse
  out = std::move(buf);
  return true;
}

std::string numeric_type_problem(hid_t ft) {
  const H5T_class_t c = H5Tget_class(ft);
  if (c != H5T_INTEGER && c != H5T_FLOAT) return "not numbers";
  const size_t size = H5Tget_size(ft), prec = H5Tget_precision(ft);
  const H5T_order_t order = H5Tget_order(ft);
  bool ok = (order == H5T_ORDER_LE || order == H5T_ORDER_BE) && (size == 1 || size == 2 || size == 4 || size == 8) &&
            prec == 8 * size && H5Tget_offset(ft) == 0;
  if (ok && c == H5T_FLOAT) {
    size_t spos = 0, epos = 0, esize = 0, mpos = 0, msize = 0;
    ok =
        H5Tget_fields(ft, &spos, &epos, &esize, &mpos, &msize) >= 0 && H5Tget_norm(ft) == H5T_NORM_IMPLIED &&
        ((size == 4 && spos == 31 && epos == 23 && esize == 8 && mpos == 0 && msize == 23 && H5Tget_ebias(ft) == 127) ||
         (size == 8 && spos == 63 && epos == 52 && esize == 11 && mpos == 0 && msize == 52 &&
          H5Tget_ebias(ft) == 1023));
  }
  if (ok) return "";
  return "unsupported number type (" + std::to_string(size) + "-byte " +
         (c == H5T_FLOAT ? "floating-point" : "integer") + " type of " + std::to_string(prec) +
         " bits): integers of 8 to 64 bits or IEEE floats of 32 or 64 bits are read";
}

bool read_attr_double(hid_t obj, const std::string& name, double& out) {
  Quiet q;
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Id a(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  if (!a.valid()) return false;
  Id ft(H5Aget_type(a));
  if (!numeric_type_problem(ft).empty()) return false;
  Id s(H5Aget_space(a));
  if (H5Sget_simple_extent_npoints(s) != 1) return false;
  return H5Aread(a, H5T_NATIVE_DOUBLE, &out) >= 0;
}

static Id dcpl_for(const std::vector<hsize_t>& dims, size_t elem, bool compress) {
  Id p = untimed_props(H5P_DATASET_CREATE);
  size_t total = 1;
  for (auto d : dims) total *= d;
  if (!compress || total == 0 || dims.empty()) return p;
  // chunks of about 256 KiB, split along the leading dimensions first
  std::vector<hsize_t> chunk(dims);
  const size_t target = (256 * 1024) / elem;
  size_t sz = total;
  for (size_t i = 0; i < chunk.size() && sz > target; ++i) {
    while (chunk[i] > 1 && sz > target) {
      sz = sz / chunk[i] * ((chunk[i] + 1) / 2);
      chunk[i] = (chunk[i] + 1) / 2;
    }
  }
  check(H5Pset_chunk(p, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
  check(H5Pset_shuffle(p), "H5Pset_shuffle");
  check(H5Pset_deflate(p, 4), "H5Pset_deflate");
  check(H5Pset_fletcher32(p), "H5Pset_fletcher32"); // damaged chunks fail to read
  return p;
}

// one dimension, checksummed chunks of at most about 64 KiB
static Id dcpl_checked(hsize_t n, size_t elem) {
  Id p = untimed_props(H5P_DATASET_CREATE);
  if (n == 0) return p; // nothing stored
  const hsize_t chunk = std::max<hsize_t>(1, std::min<hsize_t>(n, (64 * 1024) / std::max<size_t>(1, elem)));
  check(H5Pset_chunk(p, 1, &chunk), "H5Pset_chunk");
  check(H5Pset_fletcher32(p), "H5Pset_fletcher32");
  return p;
}

void write_fixed_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  size_t w = 1;
  for (const auto& x : v) w = std::max(w, x.size());
  Id t = check(H5Tcopy(H5T_C_S1), "H5Tcopy");
  check(H5Tset_size(t, w), "H5Tset_size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
  check(H5Tset_strpad(t, H5T_STR_NULLPAD), "H5Tset_strpad");
  hsize_t n = v.size();
  Id s = check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple");
  Id p = dcpl_checked(n, w);
  Id d = check(H5Dcreate2(loc, name.c_str(), t, s, H5P_DEFAULT, p, H5P_DEFAULT), "cannot create dataset " + name);
  std::vector<char> buf(v.size() * w, '\0');
  for (size_t i = 0; i < v.size(); ++i) std::memcpy(buf.data() + i * w, v[i].data(), v[i].size());
  if (n) check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "cannot write dataset " + name);
}

template <class T>
static void write_checked(hid_t loc, const std::string& name, const std::vector<T>& v, hid_t file_type,
                          hid_t mem_type) {
  hsize_t n = v.size();
  Id s = check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple");
  Id p = dcpl_checked(n, sizeof(T));
  Id d =
      check(H5Dcreate2(loc, name.c_str(), file_type, s, H5P_DEFAULT, p, H5P_DEFAULT), "cannot create dataset " + name);
  if (n) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "cannot write dataset " + name);
}
void write_doubles_checked(hid_t loc, const std::string& name, const std::vector<double>& v) {
  write_checked(loc, name, v, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}
void write_ints_checked(hid_t loc, const std::string& name, const std::vector<long long>& v) {
  write_checked(loc, name, v, H5T_STD_I64LE, H5T_NATIVE_LLONG);
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v, bool compress) {
  Id t = vlen_string_type();
  hsize_t n = v.size();
  Id s = check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple");
  Id p = dcpl_for({n}, 16, compress && n > 0);
  Id d = check(H5Dcreate2(loc, name.c_str(), t, s, H5P_DEFAULT, p, H5P_DEFAULT), "cannot create dataset " + name);
  std::vector<const char*> ptr(v.size());
  for (size_t i = 0; i < v.size(); ++i) ptr[i] = v[i].c_str();
  if (n) check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr.data()), "cannot write dataset " + name);
}

template <class T>
static void write_nd(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const T* data, bool compress,
                     hid_t file_type, hid_t mem_type) {
  Id s = check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple");
  Id p = dcpl_for(dims, sizeof(T), compress);
  Id d =
      check(H5Dcreate2(loc, name.c_str(), file_type, s, H5P_DEFAULT, p, H5P_DEFAULT), "cannot create dataset " + name);
  size_t total = 1;
  for (auto x : dims) total *= x;
  if (total) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write dataset " + name);
}
void write_doubles(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   bool compress) {
  write_nd(loc, name, dims, data, compress, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}
void write_ints(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const long long* data,
                bool compress) {
  write_nd(loc, name, dims, data, compress, H5T_STD_I64LE, H5T_NATIVE_LLONG);
}

} // namespace corridor::h5

namespace corridor::h5 {

std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims) {
  Quiet q;
  Id d(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("dataset '" + name + "': missing");
  Id sp(H5Dget_space(d));
  const int rank = H5Sget_simple_extent_ndims(sp);
  std::vector<hsize_t> dm(rank > 0 ? rank : 0);
  if (rank > 0) H5Sget_simple_extent_dims(sp, dm.data(), nullptr);
  hsize_t n = 1;
  for (hsize_t x : dm) n *= x;
  std::vector<double> v(n);
  Id ft(H5Dget_type(d));
  const std::string problem = numeric_type_problem(ft);
  if (!problem.empty()) throw std::runtime_error("dataset '" + name + "': " + problem);
  if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw std::runtime_error("dataset '" + name + "': cannot read as numbers");
  if (dims) *dims = dm;
  return v;
}

bool read_string_values(hid_t d, std::vector<std::string>& v) {
  Id sp(H5Dget_space(d));
  const hssize_t n = H5Sget_simple_extent_npoints(sp);
  Id ft(H5Dget_type(d));
  v.assign(static_cast<size_t>(n > 0 ? n : 0), std::string());
  Id mt(H5Tcopy(ft)); // the file's character set: no conversion
  if (H5Tis_variable_str(ft) > 0) {
    std::vector<char*> p(v.size(), nullptr);
    if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0) return false;
    for (size_t i = 0; i < v.size(); ++i) v[i] = p[i] ? p[i] : "";
    if (n) H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, p.data());
  } else {
    const size_t sz = H5Tget_size(ft);
    if (sz == 0 || (sz > 0 && v.size() > (size_t(1) << 30) / sz)) return false; // over 1 GiB: refused
    const H5T_str_t pad = H5Tget_strpad(ft);
    std::vector<char> buf(v.size() * sz + 1, '\0');
    if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return false;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string s(buf.data() + i * sz, sz);
      if (pad == H5T_STR_NULLTERM)
        s = s.substr(0, s.find('\0')); // bytes after the terminator are not text
      else if (pad == H5T_STR_SPACEPAD)
        s.erase(s.find_last_not_of(' ') + 1);
      else
        s.erase(s.find_last_not_of('\0') + 1); // null padding; a NUL inside stays for the caller to refuse
      v[i] = std::move(s);
    }
  }
  return true;
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name) {
  Quiet q;
  Id d(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("dataset '" + name + "': missing");
  Id ft(H5Dget_type(d));
  if (H5Tget_class(ft) != H5T_STRING) throw std::runtime_error("dataset '" + name + "': not strings");
  std::vector<std::string> v;
  if (!read_string_values(d, v)) throw std::runtime_error("dataset '" + name + "': cannot read");
  return v;
}

void DimScales::make_scale(const std::string& name, const std::string& long_name, const std::string& units) {
  Id d = check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "H5Dopen2 " + name);
  check(H5DSset_scale(d, name.c_str()), "H5DSset_scale " + name);
  write_attr_string(d, "long_name", long_name);
  if (!units.empty()) write_attr_string(d, "units", units);
  scales[name] = d.get();
  keep.push_back(std::move(d));
}

void DimScales::attach(const std::string& var, const std::vector<std::string>& dims, const std::string& units,
                       const std::string& long_name) {
  Id d = check(H5Dopen2(file, var.c_str(), H5P_DEFAULT), "H5Dopen2 " + var);
  for (size_t i = 0; i < dims.size(); ++i)
    check(H5DSattach_scale(d, scales.at(dims[i]), static_cast<unsigned>(i)), "H5DSattach_scale " + var);
  if (!units.empty()) write_attr_string(d, "units", units);
  write_attr_string(d, "long_name", long_name);
}

hsize_t DimScales::length(const std::string& dim) const {
  hsize_t n = 0;
  Id sp = check(H5Dget_space(scales.at(dim)), "H5Dget_space " + dim);
  H5Sget_simple_extent_dims(sp, &n, nullptr);
  return n;
}

std::vector<hsize_t> DimScales::shape(const std::vector<std::string>& dims) const {
  std::vector<hsize_t> s;
  s.reserve(dims.size());
  for (const auto& d : dims) s.push_back(length(d));
  return s;
}

void DimScales::doubles(const std::string& var, const std::vector<std::string>& dims, const std::vector<double>& v,
                        const std::string& units, const std::string& long_name) {
  write_doubles(file, var, shape(dims), v.data(), false);
  attach(var, dims, units, long_name);
}

void DimScales::ints(const std::string& var, const std::vector<std::string>& dims, const std::vector<long long>& v,
                     const std::string& units, const std::string& long_name) {
  write_ints(file, var, shape(dims), v.data(), false);
  attach(var, dims, units, long_name);
}

void DimScales::strings(const std::string& var, const std::string& dim, const std::vector<std::string>& v,
                        const std::string& long_name) {
  write_strings(file, var, v);
  attach(var, {dim}, "", long_name);
}

} // namespace corridor::h5
