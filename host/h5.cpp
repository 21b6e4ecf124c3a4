#include "h5.h"

#include <algorithm>

namespace corridor::h5 {

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
void write_attr_double(hid_t obj, const std::string& name, double v) { write_attr_num(obj, name, H5T_NATIVE_DOUBLE, v); }
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
  std::string buf(n + 1, '\0');
  Id mt(H5Tcopy(ft));
  if (H5Aread(a, mt, buf.data()) < 0) return false;
  out = buf.substr(0, buf.find('\0'));
  return true;
}

bool read_attr_double(hid_t obj, const std::string& name, double& out) {
  Quiet q;
  if (H5Aexists(obj, name.c_str()) <= 0) return false;
  Id a(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  if (!a.valid()) return false;
  Id ft(H5Aget_type(a));
  const H5T_class_t c = H5Tget_class(ft);
  if (c != H5T_INTEGER && c != H5T_FLOAT) return false;
  Id s(H5Aget_space(a));
  if (H5Sget_simple_extent_npoints(s) != 1) return false;
  return H5Aread(a, H5T_NATIVE_DOUBLE, &out) >= 0;
}

static Id dcpl_for(const std::vector<hsize_t>& dims, size_t elem, bool compress) {
  Id p = check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
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
  return p;
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
static void write_nd(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const T* data,
                     bool compress, hid_t file_type, hid_t mem_type) {
  Id s = check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple");
  Id p = dcpl_for(dims, sizeof(T), compress);
  Id d = check(H5Dcreate2(loc, name.c_str(), file_type, s, H5P_DEFAULT, p, H5P_DEFAULT),
               "cannot create dataset " + name);
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
    std::vector<char> buf(v.size() * sz + 1, '\0');
    if (n && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) return false;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string s(buf.data() + i * sz, sz);
      v[i] = s.substr(0, s.find('\0'));
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

} // namespace corridor::h5
