// Safe output files: every file or folder Corridor writes goes through here.
//
//   OutputTarget out = prepare_output(path, force, {inputs...});  // first, before any work
//   ... the work ...
//   out.commit([&](const std::string& tmp) { write the whole file at tmp; });
//
// prepare_output checks what can be checked before the work and refuses with
// one line (InputError: exit 2): the folder of the output must exist and be
// writable; an existing output must be a regular file (a folder of CSV tables
// for folders), not a symbolic link, and is replaced only with `force`; an
// output that is one of the inputs (same device and inode: also through a hard
// or symbolic link) is refused even with `force`.
//
// commit writes into a new temporary file in the target folder (created with
// O_EXCL, never following a symbolic link, at an unpredictable name), flushes
// it to disk, and only then claims the final name atomically: without `force`
// with renameat2(RENAME_NOREPLACE) (or link + unlink), so of two commands
// writing the same new output exactly one wins and the other refuses; with
// `force` by rename over the previous file. A failed write (a full disk, a file
// size limit) throws std::runtime_error (exit 1) naming the user's path, never
// the temporary one, and removes the temporary file. SIGINT, SIGTERM and SIGHUP
// remove it too (install_signal_cleanup); SIGXFSZ is ignored there so that a
// file size limit makes the write fail cleanly instead of killing the command.
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace corridor {

class OutputTarget {
public:
  enum class Kind { File, Folder };
  OutputTarget() = default;
  OutputTarget(const OutputTarget&) = delete;
  OutputTarget& operator=(const OutputTarget&) = delete;
  OutputTarget(OutputTarget&& o) noexcept;
  OutputTarget& operator=(OutputTarget&& o) noexcept;
  ~OutputTarget();

  const std::string& path() const { return path_; }
  bool empty() const { return path_.empty(); }

  // Writes the output through write(tmp) and claims its name (see above). For
  // a file, tmp names an empty file already created; for a folder, an empty
  // folder already created. Exceptions of write are rethrown with every
  // mention of tmp replaced by the user's path, after removing tmp.
  void commit(const std::function<void(const std::string& tmp)>& write);
  // The same for a file whose whole content is `bytes`.
  void commit_bytes(const std::string& bytes);

private:
  friend OutputTarget prepare_output(const std::string&, bool, const std::vector<std::string>&, Kind);
  std::string path_, dir_, name_;
  bool force_ = false;
  Kind kind_ = Kind::File;
  int dirfd_ = -1;
  struct InputId {
    dev_t dev;
    ino_t ino;
    std::string name;
  };
  std::vector<InputId> inputs_; // the inputs, and the files directly inside input folders
  bool committed_ = false;

  void check_target(bool meanwhile) const; // meanwhile: the work is done, someone else wrote
  void claim(const std::string& tmpname);
  void commit_file(const std::function<void(const std::string&)>& write);
  void commit_folder(const std::function<void(const std::string&)>& write);
};

OutputTarget prepare_output(const std::string& path, bool force, const std::vector<std::string>& inputs,
                            OutputTarget::Kind kind = OutputTarget::Kind::File);
inline OutputTarget prepare_output_folder(const std::string& path, bool force, const std::vector<std::string>& inputs) {
  return prepare_output(path, force, inputs, OutputTarget::Kind::Folder);
}

// Removes any temporary output on SIGINT/SIGTERM/SIGHUP and exits 128 + the
// signal; ignores SIGXFSZ (writes past a file size limit fail with EFBIG).
void install_signal_cleanup();

} // namespace corridor
