#include "safe_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "input.h"

namespace fs = std::filesystem;

namespace corridor {

// ------------------------------------------------------------ signals ----
namespace {
char g_temp[4096] = {0};
std::atomic<int> g_temp_kind{0}; // 0 none, 1 file, 2 folder (flat: files only)

// Async-signal-safe removal of a flat folder: getdents64, unlinkat, rmdir.
void remove_flat_folder_signal_safe(const char* dir) {
  const int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    alignas(8) char buf[4096];
    for (;;) {
      const long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        const auto* d = reinterpret_cast<const struct dirent64*>(buf + off);
        off += d->d_reclen;
        if (std::strcmp(d->d_name, ".") != 0 && std::strcmp(d->d_name, "..") != 0) unlinkat(fd, d->d_name, 0);
      }
    }
    close(fd);
  }
  rmdir(dir);
}

extern "C" void on_signal(int sig) {
  const int kind = g_temp_kind.load();
  if (kind == 1) unlink(g_temp);
  if (kind == 2) remove_flat_folder_signal_safe(g_temp);
  _exit(128 + sig);
}

void register_temp(const std::string& tmp, int kind) {
  g_temp_kind = 0;
  std::snprintf(g_temp, sizeof g_temp, "%s", tmp.c_str());
  g_temp_kind = kind;
}

std::string random_suffix() {
  unsigned char b[6];
  if (getrandom(b, sizeof b, 0) != static_cast<ssize_t>(sizeof b)) {
    static std::atomic<unsigned> n{0};
    const unsigned long long x = (static_cast<unsigned long long>(getpid()) << 20) ^ (n++ * 2654435761u) ^
                                 static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(&n));
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(x >> (8 * i));
  }
  static const char* alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (unsigned char c : b) s += alnum[c % 36], s += alnum[(c / 36) % 36];
  return s;
}

std::string errstr(int e) { return std::strerror(e); }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

bool is_csv_table(const std::string& name) { return name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0; }

// The regular *.csv files of a folder, or false when it holds anything else.
bool only_csv_files(int dirfd, const std::string& name) {
  const int fd = openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = fdopendir(fd);
  if (!d) {
    close(fd);
    return false;
  }
  bool ok = true;
  while (const dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    struct stat st {};
    if (!is_csv_table(n) || fstatat(::dirfd(d), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      ok = false;
  }
  closedir(d);
  return ok;
}

} // namespace

void install_signal_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  // past a file size limit (ulimit -f) a write then fails with EFBIG and is
  // reported like a full disk, instead of the signal ending the command
  signal(SIGXFSZ, SIG_IGN);
}

// -------------------------------------------------------- OutputTarget ----

OutputTarget::OutputTarget(OutputTarget&& o) noexcept { *this = std::move(o); }

OutputTarget& OutputTarget::operator=(OutputTarget&& o) noexcept {
  if (this != &o) {
    if (dirfd_ >= 0) close(dirfd_);
    path_ = std::move(o.path_), dir_ = std::move(o.dir_), name_ = std::move(o.name_);
    force_ = o.force_, kind_ = o.kind_, committed_ = o.committed_;
    dirfd_ = std::exchange(o.dirfd_, -1);
    inputs_ = std::move(o.inputs_);
  }
  return *this;
}

OutputTarget::~OutputTarget() {
  if (dirfd_ >= 0) close(dirfd_);
}

OutputTarget prepare_output(const std::string& path, bool force, const std::vector<std::string>& inputs,
                            OutputTarget::Kind kind) {
  using K = OutputTarget::Kind;
  OutputTarget t;
  t.path_ = path, t.force_ = force, t.kind_ = kind;
  std::string p = path;
  while (kind == K::Folder && p.size() > 1 && p.back() == '/') p.pop_back();
  const fs::path fp(p);
  t.name_ = fp.filename().string();
  if (path.empty()) throw InputError({"the output path is empty"});
  if (t.name_.empty() || t.name_ == "." || t.name_ == ".." || p == "/")
    throw InputError({path + ": not a " + std::string(kind == K::File ? "file" : "folder") + " name for the output"});
  t.dir_ = fp.has_parent_path() ? fp.parent_path().string() : ".";
  t.dirfd_ = open(t.dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (t.dirfd_ < 0) {
    const int e = errno;
    throw InputError({t.dir_ + (e == ENOENT    ? ": no such folder for the output " + path
                                : e == ENOTDIR ? ": not a folder (the output " + path + " goes there)"
                                               : ": cannot open the folder of the output " + path + ": " + errstr(e))});
  }
  if (faccessat(t.dirfd_, ".", W_OK | X_OK, AT_EACCESS) != 0)
    throw InputError({t.dir_ + ": cannot write in this folder (" + errstr(errno) + "), so not the output " + path});
  for (const std::string& in : inputs) {
    struct stat st {};
    if (in.empty() || stat(in.c_str(), &st) != 0) continue; // reading the input reports it
    t.inputs_.push_back({st.st_dev, st.st_ino, in});
    if (!S_ISDIR(st.st_mode)) continue;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(in, ec)) {
      struct stat fst {};
      if (stat(e.path().c_str(), &fst) == 0 && S_ISREG(fst.st_mode))
        t.inputs_.push_back({fst.st_dev, fst.st_ino, e.path().string()});
    }
  }
  t.check_target(false);
  return t;
}

// What is at the output's name now: nothing, or something we may replace.
void OutputTarget::check_target(bool meanwhile) const {
  struct stat st {};
  if (fstatat(dirfd_, name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw InputError({path_ + ": cannot look at the output: " + errstr(errno)});
  }
  struct stat to {};
  if (fstatat(dirfd_, name_.c_str(), &to, 0) == 0)
    for (const InputId& in : inputs_)
      if (in.dev == to.st_dev && in.ino == to.st_ino)
        throw InputError({path_ + ": is the input " + in.name + "; write the output elsewhere"});
  if (S_ISLNK(st.st_mode)) throw InputError({path_ + ": is a symbolic link; refusing to replace it"});
  if (kind_ == Kind::File && !S_ISREG(st.st_mode))
    throw InputError({path_ + ": is not a regular file; refusing to replace it"});
  if (kind_ == Kind::Folder && !S_ISDIR(st.st_mode))
    throw InputError({path_ + ": exists and is not a folder; refusing to replace it"});
  if (!force_)
    throw InputError({path_ + (meanwhile ? ": exists (written meanwhile by another command)" : ": exists") +
                      "; use --force to replace it"});
  if (kind_ == Kind::Folder && !only_csv_files(dirfd_, name_))
    throw InputError({path_ + ": holds more than CSV tables; refusing to replace it"});
}

void OutputTarget::commit(const std::function<void(const std::string& tmp)>& write) {
  if (dirfd_ < 0 || committed_) throw std::logic_error("OutputTarget::commit without prepare_output");
  check_target(true); // again: the work may have taken long
  if (kind_ == Kind::File)
    commit_file(write);
  else
    commit_folder(write);
  committed_ = true;
}

void OutputTarget::commit_bytes(const std::string& bytes) {
  commit([&](const std::string& tmp) {
    const int fd = open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(tmp + ": cannot open: " + errstr(errno));
    for (size_t off = 0; off < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int e = n < 0 ? errno : EIO;
        close(fd);
        throw std::runtime_error(tmp + ": cannot write (disk full?): " + errstr(e));
      }
      off += static_cast<size_t>(n);
    }
    if (close(fd) != 0) throw std::runtime_error(tmp + ": cannot write (disk full?): " + errstr(errno));
  });
}

// Claims the output's name for the finished temporary: only if it is still
// free without force (exactly one of several writers wins), over the previous
// file or folder with force.
void OutputTarget::claim(const std::string& tmpname) {
  const char* tn = tmpname.c_str();
  const char* on = name_.c_str();
  const std::string exists = path_ + ": exists (written meanwhile by another command); use --force to replace it";
  if (!force_) {
    if (renameat2(dirfd_, tn, dirfd_, on, RENAME_NOREPLACE) == 0) return;
    if (errno == EEXIST || errno == ENOTEMPTY) throw InputError({exists});
    if (errno != EINVAL && errno != ENOSYS)
      throw std::runtime_error(path_ + ": cannot move the finished output into place: " + errstr(errno));
    // a file system without RENAME_NOREPLACE: link() never replaces
    if (kind_ == Kind::File) {
      if (linkat(dirfd_, tn, dirfd_, on, 0) == 0) {
        unlinkat(dirfd_, tn, 0);
        return;
      }
      if (errno == EEXIST) throw InputError({exists});
    } else {
      struct stat st {};
      if (fstatat(dirfd_, on, &st, AT_SYMLINK_NOFOLLOW) == 0) throw InputError({exists});
      if (renameat(dirfd_, tn, dirfd_, on) == 0) return;
      if (errno == EEXIST || errno == ENOTEMPTY) throw InputError({exists});
    }
    throw std::runtime_error(path_ + ": cannot move the finished output into place: " + errstr(errno));
  }
  check_target(true); // the last look before replacing
  if (kind_ == Kind::File) {
    if (renameat(dirfd_, tn, dirfd_, on) == 0) return;
  } else {
    // swap the new folder with the old one atomically, then remove the old one
    if (renameat2(dirfd_, tn, dirfd_, on, RENAME_EXCHANGE) == 0) {
      std::error_code ec;
      fs::remove_all(fs::path(dir_) / tmpname, ec);
      return;
    }
    if (errno == ENOENT && renameat2(dirfd_, tn, dirfd_, on, RENAME_NOREPLACE) == 0) return;
  }
  throw std::runtime_error(path_ + ": cannot move the finished output into place: " + errstr(errno));
}

namespace {
// Rethrows the exception being handled with tmp (and io) replaced by the
// user's path in its message; InputError keeps its class (exit 2).
[[noreturn]] void rethrow_naming(const std::string& user, const std::string& tmp, const std::string& io) {
  try {
    throw;
  } catch (const InputError& e) {
    std::vector<std::string> lines;
    for (const auto& l : e.lines) lines.push_back(replace_all(replace_all(l, tmp, user), io, user));
    throw InputError(lines);
  } catch (const std::exception& e) {
    throw std::runtime_error(replace_all(replace_all(e.what(), tmp, user), io, user));
  }
}

void fsync_or_throw(int fd, const std::string& path) {
  if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
    throw std::runtime_error(path + ": cannot write (disk full?): " + errstr(errno));
}
} // namespace

void OutputTarget::commit_file(const std::function<void(const std::string&)>& write) {
  std::string tmpname;
  int fd = -1;
  for (int i = 0; i < 100 && fd < 0; ++i) {
    tmpname = "." + name_ + ".tmp-" + random_suffix();
    fd = openat(dirfd_, tmpname.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) throw std::runtime_error(path_ + ": cannot create a file in " + dir_ + ": " + errstr(errno));
  const std::string tmp = (fs::path(dir_) / tmpname).string();
  register_temp(tmp, 1);
  // the writer opens our own file through /proc even if its name were swapped
  std::string io = "/proc/self/fd/" + std::to_string(fd);
  if (access(io.c_str(), W_OK) != 0) io = tmp;
  try {
    write(io);
    fsync_or_throw(fd, path_);
    struct stat a {
    }, b{};
    if (fstat(fd, &a) != 0 || fstatat(dirfd_, tmpname.c_str(), &b, AT_SYMLINK_NOFOLLOW) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
      throw std::runtime_error(path_ + ": the temporary file was replaced by someone else; nothing written");
    claim(tmpname);
    g_temp_kind = 0;
    close(fd);
    fsync(dirfd_);
  } catch (...) {
    g_temp_kind = 0;
    unlinkat(dirfd_, tmpname.c_str(), 0);
    close(fd);
    rethrow_naming(path_, tmp, io);
  }
}

void OutputTarget::commit_folder(const std::function<void(const std::string&)>& write) {
  std::string tmpname;
  bool made = false;
  for (int i = 0; i < 100 && !made; ++i) {
    tmpname = "." + name_ + ".tmp-" + random_suffix();
    made = mkdirat(dirfd_, tmpname.c_str(), 0777) == 0;
    if (!made && errno != EEXIST) break;
  }
  if (!made) throw std::runtime_error(path_ + ": cannot create a folder in " + dir_ + ": " + errstr(errno));
  const std::string tmp = (fs::path(dir_) / tmpname).string();
  register_temp(tmp, 2);
  try {
    write(tmp);
    // every table on disk before the folder takes the user's name
    for (const auto& e : fs::directory_iterator(tmp)) {
      const int fd = open(e.path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) throw std::runtime_error(path_ + ": cannot write: " + errstr(errno));
      try {
        fsync_or_throw(fd, path_);
      } catch (...) {
        close(fd);
        throw;
      }
      close(fd);
    }
    claim(tmpname);
    g_temp_kind = 0;
    fsync(dirfd_);
  } catch (...) {
    g_temp_kind = 0;
    std::error_code ec;
    fs::remove_all(tmp, ec);
    rethrow_naming(path_, tmp, tmp);
  }
}

} // namespace corridor
