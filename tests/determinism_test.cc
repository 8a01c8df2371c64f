// A seed names one execution: the same seed and parameters give the same schedule hash, on a
// fresh or a reused machine, and replaying the recorded choices reproduces the run exactly.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "sim/schedule_file.h"

namespace hazsim {
namespace {

Params scenario(const std::string& name, const std::string& design, int seed) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario(name, &p, &err)) << err;
  EXPECT_TRUE(p.set("design", design, &err)) << err;
  EXPECT_TRUE(p.set("seed", std::to_string(seed), &err)) << err;
  return p;
}

TEST(Determinism, SameSeedSameHashOnFreshAndReusedMachines) {
  for (const char* design : {"v4", "v4-nopreempt", "busted"}) {
    for (int seed : {1, 2, 3}) {
      Params p = scenario("TORTURE", design, seed);
      Machine reused;
      ScenarioOutcome a = run_scenario(reused, p);
      ScenarioOutcome b = run_scenario(reused, p);
      Machine fresh;
      ScenarioOutcome c = run_scenario(fresh, p);
      EXPECT_EQ(a.run.hash, b.run.hash) << design << " seed " << seed;
      EXPECT_EQ(a.run.hash, c.run.hash) << design << " seed " << seed;
      EXPECT_EQ(a.run.steps, c.run.steps);
      EXPECT_EQ(a.decisions, c.decisions);
    }
  }
}

TEST(Determinism, DifferentSeedsGiveDifferentExecutions) {
  Machine m;
  ScenarioOutcome a = run_scenario(m, scenario("TORTURE", "v4-nopreempt", 1));
  ScenarioOutcome b = run_scenario(m, scenario("TORTURE", "v4-nopreempt", 2));
  EXPECT_NE(a.run.hash, b.run.hash);
}

TEST(Determinism, ReplayOfRecordedChoicesReproducesTheRun) {
  Machine m;
  for (const char* scn : {"TORTURE", "NESTING", "IRQ", "TORTURE-HEAP"}) {
    for (const char* design : {"v4", "v4-nopreempt", "busted"}) {
      Params p = scenario(scn, design, 4);
      ScenarioOutcome a = run_scenario(m, p);
      ScenarioOutcome r = run_scenario(m, p, &a.decisions);
      EXPECT_FALSE(r.diverged) << scn << " " << design;
      EXPECT_EQ(r.consumed, a.decisions.size()) << scn << " " << design;
      EXPECT_EQ(r.run.hash, a.run.hash) << scn << " " << design;
      EXPECT_EQ(r.run.failed, a.run.failed);
      EXPECT_EQ(r.run.failure.oracle, a.run.failure.oracle);
      EXPECT_EQ(r.run.failure.message, a.run.failure.message);
    }
  }
}

TEST(Determinism, PctRunsReplayExactlyAndDifferFromRandom) {
  Machine m;
  for (const char* design : {"v5", "v4", "busted"}) {
    Params p = scenario("TORTURE", design, 5);
    std::string err;
    ASSERT_TRUE(p.set("strategy", "pct:3", &err)) << err;
    ScenarioOutcome a = run_scenario(m, p);
    ScenarioOutcome b = run_scenario(m, p);
    EXPECT_EQ(a.run.hash, b.run.hash) << design;
    ScenarioOutcome r = run_scenario(m, p, &a.decisions);
    EXPECT_EQ(r.run.hash, a.run.hash) << design;
    EXPECT_FALSE(r.diverged);
    EXPECT_NE(run_scenario(m, scenario("TORTURE", design, 5)).run.hash, a.run.hash) << design;
  }
}

TEST(Determinism, ReplayThroughAScheduleFileReproducesTheRun) {
  Machine m;
  Params p = scenario("TORTURE", "v4", 2);
  ScenarioOutcome a = run_scenario(m, p);
  ScheduleFile s;
  s.params = p.items();
  s.failed = a.run.failed;
  s.steps = a.run.steps;
  s.hash = a.run.hash;
  s.decisions = a.decisions;
  ScheduleFile back;
  std::string err;
  ASSERT_TRUE(parse_schedule(format_schedule(s), "mem", &back, &err)) << err;
  EXPECT_EQ(back.decisions, a.decisions);
  Params q;
  for (auto& [k, v] : back.params) ASSERT_TRUE(q.set(k, v, &err)) << err;
  ScenarioOutcome r = run_scenario(m, q, &back.decisions);
  EXPECT_EQ(r.run.hash, back.hash);
  EXPECT_EQ(r.run.steps, back.steps);
}

TEST(Determinism, AlteredChoicesChangeTheRunAndAreDetected) {
  Machine m;
  Params p = scenario("TORTURE", "v4-nopreempt", 3);
  ScenarioOutcome a = run_scenario(m, p);
  std::vector<uint16_t> altered = a.decisions;
  size_t flipped = 0;
  for (size_t i = altered.size() / 2; i < altered.size() && flipped < 50; ++i)
    if (altered[i] == 0) altered[i] = 1, ++flipped;
  ScenarioOutcome r = run_scenario(m, p, &altered);
  EXPECT_NE(r.run.hash, a.run.hash);
}

}  // namespace
}  // namespace hazsim
