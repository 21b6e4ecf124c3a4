// Small RAII owners for HDF5 identifiers; destructors never throw.
#pragma once
#include <hdf5.h>
#include <hdf5_hl.h>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace corridor::h5 {

class Id {
public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~Id() { reset(); }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() noexcept {
    if (id_ >= 0 && H5Iis_valid(id_) > 0) H5Idec_ref(id_);
    id_ = H5I_INVALID_HID;
  }

private:
  hid_t id_ = H5I_INVALID_HID;
};

// Turns HDF5's automatic error printing off while alive (errors are reported
// by the caller in one line instead).
class Quiet {
public:
  Quiet() {
    H5Eget_auto2(H5E_DEFAULT, &f_, &d_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Quiet() { H5Eset_auto2(H5E_DEFAULT, f_, d_); }

private:
  H5E_auto2_t f_ = nullptr;
  void* d_ = nullptr;
};

inline Id check(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error(what);
  return Id(id);
}
inline void check(herr_t e, const std::string& what) {
  if (e < 0) throw std::runtime_error(what);
}

inline Id vlen_string_type() {
  Id t = check(H5Tcopy(H5T_C_S1), "H5Tcopy");
  check(H5Tset_size(t, H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
  return t;
}

// ---- file format and safe reading (inputs and outputs alike) ----
//
// Every file Corridor writes uses the HDF5 1.10 file format (superblock v3,
// object headers, B-trees, heaps and chunk indexes with Jenkins checksums): a
// damaged metadata block is refused by libhdf5 instead of being parsed.
// File-creation properties: link and attribute creation order tracked and
// indexed (netCDF-4 readers expect it); no times in the root group's header.
Id create_file_props();
// Creation properties of class cls (H5P_FILE_CREATE, H5P_GROUP_CREATE,
// H5P_DATASET_CREATE) without creation and modification times in the object
// header, so that the same run writes the same bytes.
Id untimed_props(hid_t cls);
// File-access properties: library version bounds 1.10 .. latest, i.e. the
// checksummed metadata formats including chunk indexes.
Id file_access_props();
// H5Fcreate(path, H5F_ACC_TRUNC) with both of the above.
Id create_file(const std::string& path);

// Reads a file written by someone else without trusting libhdf5 with it: `body`
// (default: walk_file, which opens every object and reads every attribute and
// dataset) runs first in a forked child process limited to `timeout_s`
// seconds. Returns "" when the child finished cleanly, else one line saying
// why the file is refused ("... crashed the HDF5 library", "... took longer
// than N s"). The caller's process never touches a file the child could not
// read. CORRIDOR_H5_TIMEOUT (seconds) overrides the default time limit.
using ProbeBody = std::function<void(const std::string& path)>;
double default_probe_timeout(); // 60 s, or CORRIDOR_H5_TIMEOUT
std::string probe_readable(const std::string& path, double timeout_s = default_probe_timeout(),
                           const ProbeBody& body = {});
// Opens `path` read-only and reads every group, attribute and dataset with
// libhdf5 alone (no Corridor logic); throws std::runtime_error on a read error.
void walk_file(const std::string& path);
// The same walk over an open file (the fuzz targets use it on file images).
void walk_open_file(hid_t file);

bool link_exists(hid_t loc, const std::string& path);
void write_attr_string(hid_t obj, const std::string& name, const std::string& value);
void write_attr_double(hid_t obj, const std::string& name, double value);
void write_attr_int(hid_t obj, const std::string& name, long long value);
void write_attr_uint(hid_t obj, const std::string& name, unsigned long long value);
bool read_attr_string(hid_t obj, const std::string& name, std::string& out);
// A number of an integer or floating-point type that numeric_type_problem accepts.
bool read_attr_double(hid_t obj, const std::string& name, double& out);
// Why file type `ft` (of class integer or float) is not one Corridor reads
// as numbers, or "" when it is: an integer of 1, 2, 4 or 8 bytes using every
// bit, or an IEEE 754 float of 4 or 8 bytes, either byte order. Anything
// else (a damaged type, or an exotic one) is refused before libhdf5
// converts it.
std::string numeric_type_problem(hid_t ft);

// 1-D string dataset (variable-length UTF-8).
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v, bool compress = false);
// 1-D string dataset of fixed-length UTF-8 strings, null-padded to the longest
// value, stored in chunks checksummed with Fletcher32 (when not empty): unlike
// variable-length strings, whose bytes live in an unchecksummed global heap,
// damage to them is detected on reading.
void write_fixed_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v);
// N-D numeric dataset, chunked and deflated when `compress`.
void write_doubles(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
                   bool compress);
void write_ints(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const long long* data,
                bool compress);
// 1-D numeric datasets in Fletcher32-checksummed chunks (inputs).
void write_doubles_checked(hid_t loc, const std::string& name, const std::vector<double>& v);
void write_ints_checked(hid_t loc, const std::string& name, const std::vector<long long>& v);

// Named dimensions for xarray and netCDF readers, in an open file: make_scale
// turns a written 1-D dataset into a dimension scale with a long name (and
// units); attach gives a variable its dimensions, units and long name. The
// scales stay open until the object goes (or `keep` is cleared).
struct DimScales {
  hid_t file;
  std::map<std::string, hid_t> scales;
  std::vector<Id> keep;
  void make_scale(const std::string& name, const std::string& long_name, const std::string& units);
  void attach(const std::string& var, const std::vector<std::string>& dims, const std::string& units,
              const std::string& long_name);
  // the length of a dimension made here
  hsize_t length(const std::string& dim) const;
  // a variable along dimensions made here, attached to their scales
  void doubles(const std::string& var, const std::vector<std::string>& dims, const std::vector<double>& v,
               const std::string& units, const std::string& long_name);
  void ints(const std::string& var, const std::vector<std::string>& dims, const std::vector<long long>& v,
            const std::string& units, const std::string& long_name);
  void strings(const std::string& var, const std::string& dim, const std::vector<std::string>& v,
               const std::string& long_name);

private:
  std::vector<hsize_t> shape(const std::vector<std::string>& dims) const;
};

} // namespace corridor::h5

namespace corridor::h5 {

// Whole-dataset readers; throw std::runtime_error naming the dataset.
std::vector<double> read_doubles(hid_t loc, const std::string& name, std::vector<hsize_t>* dims = nullptr);
std::vector<std::string> read_strings(hid_t loc, const std::string& name);
// The values of an open string dataset (fixed or variable length); false when
// the read fails. Fixed-length values keep any NUL byte that is followed by
// other bytes (only the padding is removed), so callers can refuse them.
bool read_string_values(hid_t dataset, std::vector<std::string>& out);

} // namespace corridor::h5
