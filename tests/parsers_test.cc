// Bad input gets one clear line, never a crash: scenario files, parameters and schedule files,
// including random garbage.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/params.h"
#include "sim/prng.h"
#include "sim/schedule_file.h"

namespace hazsim {
namespace {

TEST(Params, RejectsUnknownKeysAndBadValuesWithOneLine) {
  Params p;
  std::string err;
  EXPECT_FALSE(p.set("no_such_key", "1", &err));
  EXPECT_NE(err.find("unknown parameter 'no_such_key'"), std::string::npos) << err;
  EXPECT_FALSE(p.set("cpus", "0", &err));
  EXPECT_FALSE(p.set("cpus", "four", &err));
  EXPECT_FALSE(p.set("cpus", "999", &err));
  EXPECT_FALSE(p.set("design", "v99", &err));
  EXPECT_NE(err.find("unknown design 'v99'"), std::string::npos) << err;
  EXPECT_FALSE(p.set("preempt_prob", "1.5", &err));
  EXPECT_FALSE(p.set("preempt_prob", "0.0000001", &err));
  EXPECT_FALSE(p.set("memory_model", "arm", &err));
  EXPECT_NE(err.find("expected one of: sc tso pso"), std::string::npos) << err;
  EXPECT_TRUE(p.set("memory_model", "pso", &err)) << err;
  EXPECT_FALSE(p.set("mutate", "drop-mb@", &err));
  EXPECT_FALSE(p.set("mutate", "drop-everything@hazptr_acquire", &err));
  EXPECT_FALSE(p.set("mutate", "drop-mb@a(b", &err));
  EXPECT_TRUE(p.set("mutate", "drop-mb@hazptr_acquire", &err)) << err;
  EXPECT_TRUE(p.set("strategy", "pct:3", &err)) << err;
  for (const char* good : {"dpor", "dpor:0", "dpor:2", "bounded:0"}) EXPECT_TRUE(p.set("strategy", good, &err)) << good;
  for (const char* bad : {"pct", "pct:", "pct:0", "pct:x", "pct:1000", "replay", "dfs", "dpor:", "dpor:x", "dpor:101",
                          "dpor:-1", "dpor2"})
    EXPECT_FALSE(p.set("strategy", bad, &err)) << bad;
  EXPECT_NE(err.find("dpor:K"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
}

TEST(Params, ProbabilitiesAreExactDecimals) {
  uint32_t v;
  ASSERT_TRUE(parse_prob_ppm("0.003", &v));
  EXPECT_EQ(v, 3000u);
  ASSERT_TRUE(parse_prob_ppm("1", &v));
  EXPECT_EQ(v, 1000000u);
  ASSERT_TRUE(parse_prob_ppm(".5", &v));
  EXPECT_EQ(v, 500000u);
  EXPECT_FALSE(parse_prob_ppm("", &v));
  EXPECT_FALSE(parse_prob_ppm("-0.1", &v));
  EXPECT_FALSE(parse_prob_ppm("0.1x", &v));
  // Whole tokens only, no wrap-around (each was accepted before: as 0.5, 0, 0 and 0).
  EXPECT_FALSE(parse_prob_ppm("288230376151711744.5", &v));
  EXPECT_FALSE(parse_prob_ppm("18446744073709551616", &v));
  EXPECT_FALSE(parse_prob_ppm(".", &v));
  EXPECT_FALSE(parse_prob_ppm("2", &v));
}

TEST(Params, IntegersAreWholeTokens) {
  int64_t v;
  ASSERT_TRUE(parse_int("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_FALSE(parse_int(std::string("1\0garbage", 9), &v));  // accepted as 1 before
  EXPECT_FALSE(parse_int("\n4", &v));                            // accepted as 4 before
  EXPECT_FALSE(parse_int(" 4", &v));
  EXPECT_FALSE(parse_int("4 ", &v));
  EXPECT_FALSE(parse_int("99999999999999999999", &v));
  Params p;
  std::string err;
  EXPECT_FALSE(p.set("cpus", "\n4", &err));
}

// Every value set must come back unchanged from the `param.KEY = VALUE` line a schedule file
// writes: a NUL, CR or '#' in `scenario` (accepted before; the params fuzzer found it) cut the
// line short on reading, and an edge space was trimmed away.
TEST(Params, ValuesHoldNothingASchedulesLineCannotCarry) {
  Params p;
  std::string err;
  EXPECT_FALSE(p.set("scenario", std::string("TORT\0URE", 8), &err));
  EXPECT_NE(err.find("byte 0x00"), std::string::npos) << err;
  EXPECT_FALSE(p.set("scenario", "TORTURE\r", &err));
  EXPECT_NE(err.find("byte 0x0d"), std::string::npos) << err;
  EXPECT_FALSE(p.set("scenario", "TORTURE#1", &err));
  EXPECT_NE(err.find("'#'"), std::string::npos) << err;
  EXPECT_FALSE(p.set("workload", " x.c", &err));
  EXPECT_NE(err.find("no leading or trailing spaces"), std::string::npos) << err;
  EXPECT_FALSE(p.set("design", "kernel:tree ", &err));
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_TRUE(p.set("design", "kernel:my tree", &err)) << err;  // inner spaces round-trip
  Params back;
  ASSERT_TRUE(back.load_text("design = " + p.str("design") + "\n", "F", &err)) << err;
  EXPECT_EQ(back.str("design"), "kernel:my tree");
}

TEST(Params, ScenarioFileErrorsNameTheLine) {
  Params p;
  std::string err;
  EXPECT_FALSE(p.load_text("cpus = 2\nthis line has no equals\n", "F", &err));
  EXPECT_EQ(err, "F:2: expected 'key = value', got 'this line has no equals'");
  EXPECT_FALSE(p.load_text("# ok\ncpus = -3\n", "F", &err));
  EXPECT_EQ(err.rfind("F:2: cpus = '-3'", 0), 0u) << err;
}

TEST(Scenarios, EveryNamedScenarioAndCflistLoads) {
  for (const auto& n : scenario_names()) {
    Params p;
    std::string err;
    EXPECT_TRUE(load_scenario(n, &p, &err)) << n << ": " << err;
  }
  std::vector<std::pair<std::string, std::string>> cf;
  std::string err;
  ASSERT_TRUE(load_cflist(&cf, &err)) << err;
  EXPECT_FALSE(cf.empty());
  for (const auto& [s, d] : cf) {
    Params p;
    EXPECT_TRUE(load_scenario(s, &p, &err)) << s << ": " << err;
    EXPECT_TRUE(p.set("design", d, &err)) << err;
  }
  Params p;
  EXPECT_FALSE(load_scenario("NOPE", &p, &err));
  EXPECT_NE(err.find("unknown scenario 'NOPE'"), std::string::npos);
}

TEST(ScheduleFile, RoundTrips) {
  ScheduleFile s;
  s.params = {{"design", "v4"}, {"seed", "9"}};
  s.failed = true;
  s.oracle = "warn";
  s.steps = 123;
  s.hash = 0xfedcba9876543210ULL;
  s.source = "0123456789abcdef";
  for (int i = 0; i < 1000; ++i) s.decisions.push_back(uint16_t(i % 7 == 0 ? i % 3 : 0));
  ScheduleFile back;
  std::string err;
  ASSERT_TRUE(parse_schedule(format_schedule(s), "x", &back, &err)) << err;
  EXPECT_EQ(back.generation, kScheduleGeneration);
  EXPECT_EQ(back.source, s.source);
  EXPECT_EQ(back.params, s.params);
  EXPECT_EQ(back.failed, s.failed);
  EXPECT_EQ(back.oracle, s.oracle);
  EXPECT_EQ(back.steps, s.steps);
  EXPECT_EQ(back.hash, s.hash);
  EXPECT_EQ(back.decisions, s.decisions);
}

// A file says which schedule generation and sources made it, so a replay after an upgrade can say
// why it diverged; a file from before the entries existed is generation 1 with no source.
TEST(ScheduleFile, RecordsItsScheduleGenerationAndSources) {
  ScheduleFile s, back;
  s.generation = 7;
  s.source = "feed";
  std::string err, text = format_schedule(s);
  EXPECT_NE(text.find("\ngeneration = 7\n"), std::string::npos) << text;
  ASSERT_TRUE(parse_schedule(text, "x", &back, &err)) << err;
  EXPECT_EQ(back.generation, uint64_t{7});
  EXPECT_EQ(back.source, "feed");
  ASSERT_TRUE(parse_schedule("format = hazsim-schedule 1\ndecisions = 0\nchoices:\n", "old", &back, &err)) << err;
  EXPECT_EQ(back.generation, uint64_t{1});
  EXPECT_EQ(back.source, "");
  for (const char* bad : {"generation = 0", "generation = -1", "generation = x", "source = XYZ", "source = "}) {
    EXPECT_FALSE(parse_schedule(std::string("format = hazsim-schedule 1\n") + bad + "\nchoices:\n", "f", &back, &err))
        << bad;
    EXPECT_EQ(err.find('\n'), std::string::npos);
  }
}

TEST(ScheduleFile, RejectsMalformedInput) {
  ScheduleFile s;
  std::string err;
  EXPECT_FALSE(parse_schedule("", "f", &s, &err));
  EXPECT_NE(err.find("not a hazsim schedule file"), std::string::npos) << err;
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 99\nchoices:\n", "f", &s, &err));
  EXPECT_NE(err.find("unsupported schedule format"), std::string::npos) << err;
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\ndecisions = 3\nchoices:\n0 1\n", "f", &s, &err));
  EXPECT_NE(err.find("truncated"), std::string::npos) << err;
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\nchoices:\n0 x*2\n", "f", &s, &err));
  EXPECT_EQ(err, "f:3: bad choice 'x*2' (expected a number or number*count)");
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\nchoices:\n70000\n", "f", &s, &err));
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\nschedule_hash = zz\nchoices:\n", "f", &s, &err));
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\n", "f", &s, &err));
  EXPECT_NE(err.find("missing 'choices:'"), std::string::npos);
  // Run-length counts are bounded before anything is allocated (these 58 bytes took 6.3 GB).
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\nchoices:\n0*1073741823 0*1073741823\n", "f", &s, &err));
  EXPECT_NE(err.find("more than"), std::string::npos) << err;
  EXPECT_FALSE(parse_schedule("format = hazsim-schedule 1\ndecisions = 4\nchoices:\n0*100000000\n", "f", &s, &err));
  EXPECT_NE(err.find("more choices than the 4 declared"), std::string::npos) << err;
}

TEST(ScheduleFile, RandomGarbageNeverCrashes) {
  Prng rng(42);
  ScheduleFile seed_file;
  seed_file.params = {{"seed", "1"}};
  seed_file.steps = 5;
  seed_file.hash = 7;
  seed_file.decisions = {0, 1, 0, 0, 2};
  const std::string valid = format_schedule(seed_file);
  for (int i = 0; i < 3000; ++i) {
    std::string t = valid;
    int edits = 1 + int(rng.below(8));
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng.below(uint32_t(t.size() + 1));
      switch (rng.below(3)) {
        case 0: t.insert(pos, 1, char(rng.below(256))); break;
        case 1: if (pos < t.size()) t.erase(pos, 1); break;
        default: if (pos < t.size()) t[pos] = "=*:\n 09x-"[rng.below(10)];
      }
    }
    ScheduleFile s;
    std::string err;
    if (!parse_schedule(t, "g", &s, &err)) {
      EXPECT_FALSE(err.empty());
      EXPECT_EQ(err.find('\n'), std::string::npos);
    }
    Params p;
    if (!p.load_text(t, "g", &err)) {
      EXPECT_EQ(err.find('\n'), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace hazsim
