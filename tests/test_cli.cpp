// The command-line parser and its strict numbers (host/cli/): known answers at
// the edges of every range, refusals with their exact messages, and the parse
// of each subcommand into its options, without reading or writing any file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "host/cli/command.h"
#include "host/cli/numbers.h"

using namespace corridor;

namespace {

std::string usage_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

ParsedCommand parse(const std::vector<std::string>& args, unsigned cores = 2) {
  return parse_command_line(args, cores);
}

} // namespace

TEST(CliNumbers, UnsignedEdges) {
  EXPECT_EQ(parse_unsigned("--seed", "18446744073709551615", 0, UINT64_MAX), UINT64_MAX);
  EXPECT_EQ(parse_unsigned("--seed", "0", 0, UINT64_MAX), 0u);
  EXPECT_EQ(parse_unsigned("--seed", "007", 0, UINT64_MAX), 7u);
  EXPECT_EQ(parse_unsigned("--paths", "00000000000000000000004000000000", 1, 4000000000u), 4000000000u);
  for (const char* bad : {"18446744073709551616", "99999999999999999999999", "-1", "-0", "+1", "0x10", "1e3", "1.0", "",
                          " 1", "1 ", "１"})
    EXPECT_THROW(parse_unsigned("--seed", bad, 0, UINT64_MAX), UsageError) << bad;
  EXPECT_THROW(parse_unsigned("--paths", "4000000001", 1, 4000000000u), UsageError);
  EXPECT_THROW(parse_unsigned("--paths", "0", 1, 4000000000u), UsageError);
  EXPECT_EQ(usage_message([] { parse_unsigned("--seed", "-1", 0, UINT64_MAX); }),
            "--seed: '-1' is not an integer in [0, 18446744073709551615]");
}

TEST(CliNumbers, SignedEdges) {
  const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(parse_signed("--x", "-9223372036854775808", lo, hi), lo);
  EXPECT_EQ(parse_signed("--x", "9223372036854775807", lo, hi), hi);
  EXPECT_EQ(parse_signed("--x", "-0", lo, hi), 0);
  EXPECT_THROW(parse_signed("--x", "-9223372036854775809", lo, hi), UsageError);
  EXPECT_THROW(parse_signed("--x", "9223372036854775808", lo, hi), UsageError);
  EXPECT_EQ(parse_signed("--years", "2030", 1000, 9999), 2030);
  for (const char* bad : {"999", "10000", "-2030", "2030.0", "--1", "-", "2o30"})
    EXPECT_THROW(parse_signed("--years", bad, 1000, 9999), UsageError) << bad;
}

TEST(CliNumbers, RealsRefuseNanInfinityAndHex) {
  EXPECT_EQ(parse_real("--u", "0.9", 0, 10), 0.9);
  EXPECT_EQ(parse_real("--u", ".5", 0, 10), 0.5);
  EXPECT_EQ(parse_real("--u", "5.", 0, 10), 5.0);
  EXPECT_EQ(parse_real("--u", "1e-3", 0, 10), 0.001);
  EXPECT_EQ(parse_real("--u", "10", 0, 10), 10.0);
  EXPECT_FALSE(std::signbit(parse_real("--u", "-0", 0, 10)));
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "0x1p3", "1e400", "10.000001", "-0.1", ".",
                          "e5", "1e", "1e+", "", " 1", "1,5"})
    EXPECT_THROW(parse_real("--u", bad, 0, 10), UsageError) << bad;
  EXPECT_EQ(usage_message([] { parse_real("--utilization-threshold", "nan", 0, 10); }),
            "--utilization-threshold: 'nan' is not a number in [0, 10]");
}

TEST(CliNumbers, Sizes) {
  EXPECT_EQ(parse_size("--max-memory", "auto"), 0u);
  EXPECT_EQ(parse_size("--max-memory", "2G"), 2ull << 30);
  EXPECT_EQ(parse_size("--max-memory", "512m"), 512ull << 20);
  EXPECT_EQ(parse_size("--max-memory", "1.5GB"), 3ull << 29);
  EXPECT_EQ(parse_size("--max-memory", "4096"), 4096u);
  EXPECT_EQ(parse_size("--max-memory", "16777215T"), 16777215ull << 40);
  for (const char* bad :
       {"0", "0.5", "-1G", "16777216T", "1e30G", "nanG", "infG", "G", "", "2 G", "2X", "0x10M", "auto2"})
    EXPECT_THROW(parse_size("--max-memory", bad), UsageError) << bad;
}

TEST(CliNumbers, Probabilities) {
  EXPECT_EQ(parse_probabilities("--q", "0,0.5,1", 32), (std::vector<double>{0, 0.5, 1}));
  std::string many = "0";
  for (int i = 1; i < 32; ++i) many += ",0." + std::to_string(10 + i);
  EXPECT_EQ(parse_probabilities("--q", many, 32).size(), 32u);
  EXPECT_THROW(parse_probabilities("--q", many + ",0.99", 32), UsageError);
  for (const char* bad : {"", ",0.5", "0.5,", "0.5,0.5", "0.6,0.5", "1.1", "nan", "0.1,,0.2"})
    EXPECT_THROW(parse_probabilities("--q", bad, 32), UsageError) << bad;
}

TEST(CliParse, RunDefaultsAndEveryOption) {
  const ParsedCommand d = parse({"run", "in.h5", "-o", "out.h5"});
  EXPECT_EQ(d.command, Command::run);
  EXPECT_EQ(d.run.input, "in.h5");
  EXPECT_EQ(d.run.paths, 10000u);
  EXPECT_EQ(d.run.seed, 20240101u);
  EXPECT_EQ(d.run.quantiles.size(), 7u);
  const ParsedCommand p = parse({"run",
                                 "in.h5",
                                 "-o",
                                 "out.h5",
                                 "-n",
                                 "4000000000",
                                 "--seed",
                                 "18446744073709551615",
                                 "-t",
                                 "3",
                                 "--max-memory",
                                 "12M",
                                 "--quantiles",
                                 "0.1,0.9",
                                 "--utilization-threshold",
                                 "0.75",
                                 "--sensitivity-paths",
                                 "0",
                                 "--sensitivity-year",
                                 "2035",
                                 "--save-paths",
                                 "--force",
                                 "-q",
                                 "--backend",
                                 "cpu"});
  EXPECT_EQ(p.run.paths, 4000000000u);
  EXPECT_EQ(p.run.seed, UINT64_MAX);
  EXPECT_EQ(p.run.threads, 3);
  EXPECT_EQ(p.run.max_memory, 12u << 20);
  EXPECT_EQ(p.run.quantiles, (std::vector<double>{0.1, 0.9}));
  EXPECT_EQ(p.run.utilization_threshold, 0.75);
  EXPECT_EQ(p.run.sensitivity_paths, 0u);
  EXPECT_EQ(p.run.sensitivity_year, 2035);
  EXPECT_TRUE(p.run.save_paths && p.run.force && p.run.quiet);
  EXPECT_EQ(p.run.backend, "cpu");
  EXPECT_TRUE(p.notes.empty());
}

TEST(CliParse, ThreadsAboveTwoPerCpuAreLoweredWithANote) {
  EXPECT_EQ(parse({"run", "i", "-o", "o", "-t", "4"}, 2).run.threads, 4);
  const ParsedCommand p = parse({"run", "i", "-o", "o", "-t", "4096"}, 2);
  EXPECT_EQ(p.run.threads, 4);
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_EQ(p.notes[0], "--threads 4096 is more than 2 per logical CPU (2 here); using 4 (more threads only add "
                        "overhead; the results do not depend on the thread count)");
  EXPECT_EQ(parse({"backtest", "i", "--origin", "2019", "-t", "2147483647"}, 16).backtest.threads, 32);
  EXPECT_THROW(parse({"run", "i", "-o", "o", "-t", "2147483648"}), UsageError);
}

TEST(CliParse, OtherSubcommands) {
  const ParsedCommand r = parse({"replay", "in.h5", "--path", "4294967295", "--scenario", "disruption", "-s", "7"});
  EXPECT_EQ(r.command, Command::replay);
  EXPECT_EQ(r.replay.path, 4294967295u);
  EXPECT_EQ(r.replay.seed, 7u);
  EXPECT_EQ(r.replay.scenario, "disruption");
  const ParsedCommand s = parse({"summary", "o.h5", "--years", "2030,2040", "--top", "3", "--format", "json"});
  EXPECT_EQ(s.summary.years, (std::vector<int>{2030, 2040}));
  EXPECT_EQ(s.summary.top, 3);
  EXPECT_EQ(s.summary.format, "json");
  const ParsedCommand b = parse({"backtest", "in.h5", "--origin", "2013,2019", "--origin", "2022", "-n", "2"});
  EXPECT_EQ(b.backtest.origins, (std::vector<int>{2013, 2019, 2022}));
  EXPECT_EQ(b.backtest.paths, 2u);
  EXPECT_EQ(parse({"import", "dir", "-o", "x.h5", "-f"}).import.force, true);
  EXPECT_EQ(parse({"export", "x.h5", "dir"}).export_.dir, "dir");
  EXPECT_EQ(parse({"validate", "x"}).command, Command::validate);
  EXPECT_EQ(parse({"calibrate", "x", "-o", "y"}).calibrate.output, "y");
  EXPECT_EQ(parse({"schema"}).command, Command::schema);
  EXPECT_EQ(parse({"inspect", "f"}).inspect.file, "f");
}

TEST(CliParse, HelpAndVersionAreTextNotCommands) {
  const ParsedCommand h = parse({"run", "--help"});
  EXPECT_EQ(h.command, Command::help);
  EXPECT_NE(h.text.find("--utilization-threshold"), std::string::npos);
  EXPECT_NE(parse({"--help"}).text.find("backtest"), std::string::npos);
  const ParsedCommand v = parse({"--version"});
  EXPECT_EQ(v.command, Command::version);
  EXPECT_EQ(v.text.rfind("corridor ", 0), 0u);
}

TEST(CliParse, UsageErrorsAreOneLineNamingWhatIsWrong) {
  EXPECT_EQ(usage_message([] { parse({"frobnicate"}); }),
            "unknown command 'frobnicate'; the commands are run, replay, import, export, validate, summary, "
            "calibrate, backtest, schema, inspect, sweep");
  EXPECT_EQ(usage_message([] { parse({}); }).rfind("no command given;", 0), 0u);
  EXPECT_EQ(usage_message([] {
              parse({"run", "i", "-o", "o", "--seed", "-1"});
            }),
            "--seed: '-1' is not an integer in [0, 18446744073709551615]");
  EXPECT_EQ(usage_message([] { parse({"run", "i"}); }), "--output is required (see corridor run --help)");
  EXPECT_EQ(usage_message([] {
              parse({"summary", "o", "--years", "2030,"});
            }),
            "--years: '' is not an integer in [1000, 9999]");
  EXPECT_EQ(usage_message([] {
              parse({"run", "i", "-o", "o", "--seed", std::string("1\n2")});
            }),
            "--seed: '1?2' is not an integer in [0, 18446744073709551615]");
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"run", "i", "-o", "o", "extra"},
                                             {"run", "-o"},
                                             {"--nope"},
                                             {"summary", "o", "--format", "xml"},
                                             {"replay", "i"},
                                             {"backtest", "i"},
                                             {"schema", "x"},
                                             {"run", "i", "-o", "o", "--utilization-threshold", "inf"}}) {
    const std::string m = usage_message([&] { parse(args); });
    EXPECT_NE(m, "(no error)") << args[0];
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}
