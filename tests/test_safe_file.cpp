// Safe output files (host/safe_file.h): refusals before the work, the claim
// of the final name, temporary files and the messages.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host/input.h"
#include "host/safe_file.h"

namespace fs = std::filesystem;
using namespace corridor;

namespace {

class SafeFile : public ::testing::Test {
protected:
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "corridor-safe-file-XXXXXX").string();
    ASSERT_NE(mkdtemp(t.data()), nullptr);
    dir = t;
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string at(const std::string& name) const { return (fs::path(dir) / name).string(); }
  static std::string read(const std::string& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  static void put(const std::string& p, const std::string& s) { std::ofstream(p) << s; }
  // the names in the folder, sorted, hidden ones included
  std::vector<std::string> names(const std::string& sub = "") const {
    std::vector<std::string> n;
    for (const auto& e : fs::directory_iterator(sub.empty() ? dir : at(sub))) n.push_back(e.path().filename().string());
    std::sort(n.begin(), n.end());
    return n;
  }
  // the message of the InputError f throws ("" when none)
  template <class F> static std::string refusal(F&& f) {
    try {
      f();
    } catch (const InputError& e) {
      return e.lines.at(0);
    }
    return "";
  }
  std::string dir;
};

TEST_F(SafeFile, WritesANewFileWithoutLeavingATemporary) {
  OutputTarget t = prepare_output(at("a.csv"), false, {});
  t.commit_bytes("x,y\n1,2\n");
  EXPECT_EQ(read(at("a.csv")), "x,y\n1,2\n");
  EXPECT_EQ(names(), std::vector<std::string>{"a.csv"});
}

TEST_F(SafeFile, TheWriterGetsAFreshEmptyFileAndTheNameStaysFreeUntilTheClaim) {
  OutputTarget t = prepare_output(at("a.h5"), false, {});
  t.commit([&](const std::string& tmp) {
    struct stat st {};
    ASSERT_EQ(stat(tmp.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode));
    EXPECT_EQ(st.st_size, 0);
    EXPECT_FALSE(fs::exists(at("a.h5")));
    const auto n = names();
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].rfind(".a.h5.tmp-", 0), 0u) << n[0];
    std::ofstream(tmp) << "whole";
  });
  EXPECT_EQ(read(at("a.h5")), "whole");
}

TEST_F(SafeFile, RefusesBeforeTheWork) {
  EXPECT_EQ(refusal([&] { prepare_output(at("no/a.h5"), true, {}); }),
            at("no") + ": no such folder for the output " + at("no/a.h5"));
  put(at("f"), "file");
  EXPECT_EQ(refusal([&] { prepare_output(at("f/a.h5"), true, {}); }),
            at("f") + ": not a folder (the output " + at("f/a.h5") + " goes there)");
  EXPECT_EQ(refusal([&] { prepare_output(at("f"), false, {}); }), at("f") + ": exists; use --force to replace it");
  EXPECT_EQ(refusal([&] { prepare_output("/dev/null", true, {}); }),
            "/dev/null: is not a regular file; refusing to replace it");
  fs::create_symlink(at("f"), at("link"));
  EXPECT_EQ(refusal([&] { prepare_output(at("link"), true, {}); }),
            at("link") + ": is a symbolic link; refusing to replace it");
  EXPECT_EQ(refusal([&] { prepare_output(at("sub/"), true, {}); }), at("sub/") + ": not a file name for the output");
  EXPECT_EQ(read(at("f")), "file");
}

TEST_F(SafeFile, AnInputIsNeverTheOutputEvenThroughLinks) {
  put(at("in.h5"), "input");
  fs::create_hard_link(at("in.h5"), at("hard.h5"));
  fs::create_symlink(at("in.h5"), at("soft.h5"));
  for (const char* out : {"in.h5", "hard.h5", "soft.h5"})
    EXPECT_EQ(refusal([&] { prepare_output(at(out), true, {at("in.h5")}); }),
              at(out) + ": is the input " + at("in.h5") + "; write the output elsewhere");
  fs::create_directory(at("csv"));
  put(at("csv/meta.csv"), "key,value\n");
  EXPECT_EQ(refusal([&] { prepare_output(at("csv/meta.csv"), true, {at("csv")}); }),
            at("csv/meta.csv") + ": is the input " + at("csv/meta.csv") + "; write the output elsewhere");
  EXPECT_EQ(read(at("in.h5")), "input");
}

TEST_F(SafeFile, OfTwoWritersOfANewFileExactlyOneWins) {
  OutputTarget a = prepare_output(at("o.h5"), false, {});
  OutputTarget b = prepare_output(at("o.h5"), false, {});
  // b's work ends after a claimed the name: b's claim must fail, not replace
  EXPECT_EQ(refusal([&] {
              b.commit([&](const std::string& tmp) {
                std::ofstream(tmp) << "B";
                a.commit_bytes("A");
              });
            }),
            at("o.h5") + ": exists (written meanwhile by another command); use --force to replace it");
  EXPECT_EQ(read(at("o.h5")), "A");
  EXPECT_EQ(names(), std::vector<std::string>{"o.h5"});
  // a third, prepared before the name was taken, refuses before writing at all
  OutputTarget c = prepare_output(at("p.h5"), false, {});
  prepare_output(at("p.h5"), false, {}).commit_bytes("first");
  bool wrote = false;
  EXPECT_EQ(refusal([&] { c.commit([&](const std::string&) { wrote = true; }); }),
            at("p.h5") + ": exists (written meanwhile by another command); use --force to replace it");
  EXPECT_FALSE(wrote);
  EXPECT_EQ(read(at("p.h5")), "first");
}

TEST_F(SafeFile, ForceReplacesARegularFileWhole) {
  put(at("o.h5"), "old");
  OutputTarget t = prepare_output(at("o.h5"), true, {});
  t.commit_bytes("new");
  EXPECT_EQ(read(at("o.h5")), "new");
  EXPECT_EQ(names(), std::vector<std::string>{"o.h5"});
}

TEST_F(SafeFile, AFailedWriteRemovesTheTemporaryAndNamesTheUsersPath) {
  put(at("o.h5"), "old");
  OutputTarget t = prepare_output(at("o.h5"), true, {});
  try {
    t.commit([](const std::string& tmp) { throw std::runtime_error(tmp + ": cannot write dataset x"); });
    FAIL() << "no exception";
  } catch (const InputError&) {
    FAIL() << "a write failure is not a usage error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), at("o.h5") + ": cannot write dataset x");
  }
  EXPECT_EQ(read(at("o.h5")), "old");
  EXPECT_EQ(names(), std::vector<std::string>{"o.h5"});
}

TEST_F(SafeFile, FoldersAreBuiltBesideAndSwappedInWhole) {
  auto write = [](const std::string& v) {
    return [v](const std::string& tmp) {
      std::ofstream(fs::path(tmp) / "meta.csv") << v;
      if (v == "2") std::ofstream(fs::path(tmp) / "series.csv") << v;
    };
  };
  prepare_output_folder(at("ex"), false, {}).commit(write("1"));
  EXPECT_EQ(names("ex"), std::vector<std::string>{"meta.csv"});
  EXPECT_EQ(refusal([&] { prepare_output_folder(at("ex/"), false, {}); }),
            at("ex/") + ": exists; use --force to replace it");
  prepare_output_folder(at("ex/"), true, {}).commit(write("2"));
  EXPECT_EQ(names("ex"), (std::vector<std::string>{"meta.csv", "series.csv"}));
  EXPECT_EQ(read(at("ex/meta.csv")), "2");
  EXPECT_EQ(names(), std::vector<std::string>{"ex"});
  put(at("ex/notes.txt"), "mine");
  EXPECT_EQ(refusal([&] { prepare_output_folder(at("ex"), true, {}); }),
            at("ex") + ": holds more than CSV tables; refusing to replace it");
  put(at("file"), "f");
  EXPECT_EQ(refusal([&] { prepare_output_folder(at("file"), true, {}); }),
            at("file") + ": exists and is not a folder; refusing to replace it");
}

TEST_F(SafeFile, AFailedFolderLeavesNothing) {
  OutputTarget t = prepare_output_folder(at("ex"), false, {});
  EXPECT_THROW(t.commit([](const std::string& tmp) {
    std::ofstream(fs::path(tmp) / "meta.csv") << "x";
    throw std::runtime_error(tmp + "/series.csv: cannot write");
  }),
               std::runtime_error);
  EXPECT_TRUE(names().empty());
}

} // namespace
