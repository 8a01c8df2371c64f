// shrink: the output is smaller than its input, fails the same way (same oracle, same site), and
// replays exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "scenarios/shrink.h"

namespace hazsim {
namespace {

struct Case {
  const char* scenario;
  const char* design;
  std::vector<std::pair<const char*, const char*>> sets;
  int max_seed = 40;
  // Whether the shrinker must make the schedule smaller. An arm schedule fails thousands of steps
  // in, and removing a decision shifts every later one onto another site, so the shrinker's cuts
  // rarely reproduce within its budget (issue 16): for it, the promise is only that the result
  // is no bigger, fails the same way and replays.
  bool must_shrink = true;
};

void check_shrinks(const Case& c) {
  Machine m;
  Params p;
  std::string err;
  ASSERT_TRUE(load_scenario(c.scenario, &p, &err)) << err;
  ASSERT_TRUE(p.set("design", c.design, &err)) << err;
  for (auto& [k, v] : c.sets) ASSERT_TRUE(p.set(k, v, &err)) << err;
  ScenarioOutcome failing;
  for (int seed = 1; seed <= c.max_seed && !failing.run.failed; ++seed) {
    p.set("seed", std::to_string(seed), &err);
    failing = run_scenario(m, p);
  }
  ASSERT_TRUE(failing.run.failed) << c.scenario << " " << c.design << " did not fail";

  ShrinkOptions opts;
  opts.max_runs = 300;
  opts.max_seconds = 60;
  ShrinkResult r = shrink_schedule(m, p, failing.decisions, opts);
  ASSERT_TRUE(r.reproduced);
  if (c.must_shrink) {
    EXPECT_TRUE(size_of(r.shrunk.run) < size_of(failing.run))
        << c.design << ": " << size_of(r.shrunk.run).events << " events vs " << size_of(failing.run).events;
    EXPECT_LT(size_of(r.shrunk.run).events, size_of(failing.run).events);
  } else {
    EXPECT_LE(size_of(r.shrunk.run).events, size_of(failing.run).events);
  }
  EXPECT_EQ(r.shrunk.run.failure.oracle, failing.run.failure.oracle);
  EXPECT_EQ(r.shrunk.run.failure.site, failing.run.failure.site);
  // Never more preemptions, interrupts or steps than the input.
  EXPECT_LE(r.shrunk.run.preemptions, failing.run.preemptions) << c.design;
  EXPECT_LE(r.shrunk.run.irqs, failing.run.irqs) << c.design;
  EXPECT_LE(r.shrunk.run.steps, failing.run.steps) << c.design;

  ScenarioOutcome again = run_scenario(m, p, &r.decisions);
  EXPECT_EQ(again.run.hash, r.shrunk.run.hash);
  EXPECT_EQ(again.run.failure.oracle, failing.run.failure.oracle);
}

TEST(Shrink, BustedOnTorture) { check_shrinks({"TORTURE", "busted", {}}); }
TEST(Shrink, V4HookFinding) { check_shrinks({"TORTURE", "v4", {}}); }
TEST(Shrink, MissingReaderBarrierUnderTso) {
  check_shrinks({"WEAK", "v4-nopreempt", {{"mutate", "drop-mb@hazptr_acquire"}}});
}
// The injected bugs of the strategy benchmark (hazptr/injected.h).
TEST(Shrink, InjectedNoGenBump) { check_shrinks({"TORTURE", "inj-no-gen-bump", {}}); }
TEST(Shrink, InjectedReleaseNoUnchain) { check_shrinks({"TORTURE", "inj-release-no-unchain", {}}); }
TEST(Shrink, InjectedPromoteReorderedFoundByArming) {
  check_shrinks({"TORTURE", "inj-promote-reordered", {{"strategy", "arm"}}, 400, false});
}
TEST(Shrink, V4IrqDeadlock) { check_shrinks({"IRQ", "v4-nopreempt", {}}); }

// Keyed replay (explore/keyed_replay.h), what the shrinker's first pass runs on.
struct Failing {
  Machine m;
  Params p;
  ScenarioOutcome run;
  explicit Failing(const char* design, const char* scenario = "TORTURE") {
    std::string err;
    EXPECT_TRUE(load_scenario(scenario, &p, &err)) << err;
    p.set("design", design, &err);
    for (int seed = 1; seed <= 40 && !run.run.failed; ++seed) {
      p.set("seed", std::to_string(seed), &err);
      run = run_scenario(m, p);
    }
    EXPECT_TRUE(run.run.failed);
  }
  ScenarioOutcome learn(const std::vector<uint16_t>& d) {
    KeyedScript s{&d, nullptr};
    return run_scenario(m, p, nullptr, nullptr, nullptr, 0, &s);
  }
  ScenarioOutcome keyed(const std::vector<KeyedChoice>& k) {
    KeyedScript s{nullptr, &k};
    return run_scenario(m, p, nullptr, nullptr, nullptr, 0, &s);
  }
};

size_t eventful(const std::vector<uint16_t>& d) { return size_t(std::count_if(d.begin(), d.end(), [](uint16_t v) { return v != 0; })); }

TEST(KeyedReplay, LearningIsAReplayThatNotesEveryEventfulChoice) {
  Failing f("busted");
  ScenarioOutcome learned = f.learn(f.run.decisions);
  EXPECT_EQ(learned.run.hash, f.run.run.hash);
  EXPECT_EQ(learned.decisions, f.run.decisions);
  EXPECT_EQ(learned.keyed.size(), eventful(f.run.decisions));
}

TEST(KeyedReplay, EveryKeyedChoiceTogetherIsTheSameRun) {
  for (const char* design : {"busted", "v4"}) {
    Failing f(design);
    ScenarioOutcome learned = f.learn(f.run.decisions);
    ScenarioOutcome again = f.keyed(learned.keyed);
    EXPECT_EQ(again.run.hash, f.run.run.hash) << design;
    EXPECT_EQ(again.decisions, f.run.decisions) << design;
    EXPECT_EQ(again.keyed, learned.keyed) << design;
  }
}

// The point of keys: remove the first eventful choice and the later ones still happen where they
// did (same task, site and occurrence). Positionally, zeroing it moves what the later choices
// apply to. Counted over the run's first 200 eventful choices after it: keyed keeps 79 of them
// (a task spinning a different number of times shifts its own occurrences), positional 20.
TEST(KeyedReplay, RemovingAnEarlyChoiceKeepsTheLaterOnes) {
  Failing f("busted");
  std::vector<KeyedChoice> all = f.learn(f.run.decisions).keyed;
  ASSERT_GT(all.size(), 201u);
  auto kept = [&](const std::vector<KeyedChoice>& got) {
    size_t n = 0;
    for (size_t i = 1; i <= 200; ++i)
      n += std::find_if(got.begin(), got.end(), [&](const KeyedChoice& k) {
             return k.where == all[i].where && k.occurrence == all[i].occurrence;
           }) != got.end();
    return n;
  };
  std::vector<KeyedChoice> without_first(all.begin() + 1, all.end());
  size_t keyed_kept = kept(f.keyed(without_first).keyed);
  std::vector<uint16_t> zeroed = f.run.decisions;
  *std::find_if(zeroed.begin(), zeroed.end(), [](uint16_t v) { return v != 0; }) = 0;
  size_t positional_kept = kept(f.learn(zeroed).keyed);
  EXPECT_GT(keyed_kept, 2 * positional_kept);
  std::printf("later choices kept: %zu keyed, %zu positional (of 200)\n", keyed_kept, positional_kept);
}

TEST(Shrink, AScheduleThatDoesNotFailIsNotShrunk) {
  Machine m;
  Params p;
  std::string err;
  ASSERT_TRUE(load_scenario("TORTURE", &p, &err));
  p.set("design", "v5", &err);
  ScenarioOutcome ok = run_scenario(m, p);
  ASSERT_FALSE(ok.run.failed);
  ShrinkResult r = shrink_schedule(m, p, ok.decisions, {});
  EXPECT_FALSE(r.reproduced);
  EXPECT_EQ(r.runs, 1u);
}

}  // namespace
}  // namespace hazsim
