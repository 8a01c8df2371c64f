// The preemption models (issue 12): preempt = full | voluntary | none, as CONFIG_PREEMPT,
// CONFIG_PREEMPT_VOLUNTARY and CONFIG_PREEMPT_NONE. Each changes an outcome: v4's hook quirk
// (finding 1) needs a reader to lose its CPU while holding, which under none and voluntary only a
// reader that sleeps or calls schedule() does. The scheduler tick's idle balancing keeps a reader
// that yielded behind a synchronize that never yields from waiting for ever while a vCPU idles.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "tests/scenario_runs.h"

namespace hazsim {
namespace {

int failures(const std::string& scenario, const std::string& design, int seeds,
             std::vector<std::pair<std::string, std::string>> sets, Oracle* first = nullptr) {
  Machine m;
  int n = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    ScenarioOutcome o = testing::run_seed(m, scenario, design, uint64_t(seed), sets);
    EXPECT_TRUE(o.error.empty()) << o.error;
    if (o.run.failed && n++ == 0 && first) *first = o.run.failure.oracle;
  }
  return n;
}

// Readers that never sleep or yield while holding.
const std::vector<std::pair<std::string, std::string>> kNoVoluntarySwitch = {{"reader_sleep", "0"},
                                                                            {"reader_yield", "0"}};

TEST(PreemptModel, V4HookQuirkNeedsInvoluntaryPreemption) {
  auto with = [](const char* model) {
    auto sets = kNoVoluntarySwitch;
    sets.push_back({"preempt", model});
    return sets;
  };
  Oracle first = Oracle::kNone;
  EXPECT_GT(failures("TORTURE", "v4", 20, with("full"), &first), 0);
  EXPECT_EQ(first, Oracle::kWarn);
  EXPECT_EQ(failures("TORTURE", "v4", 20, with("voluntary")), 0);
  EXPECT_EQ(failures("TORTURE", "v4", 20, with("none")), 0);
}

TEST(PreemptModel, SleepingReadersStillMeetTheHookUnderNone) {
  // A reader that sleeps holding switches out under every model: the quirk shows again.
  EXPECT_GT(failures("TORTURE", "v4", 20, {{"preempt", "none"}, {"reader_sleep", "0.2"}, {"reader_yield", "0"}}),
            0);
}

TEST(PreemptModel, YieldingReadersPassUnderNoneThanksToIdleBalancing) {
  EXPECT_EQ(failures("YIELD", "v5", 40, {{"preempt", "none"}}), 0);
  EXPECT_EQ(failures("YIELD", "v5", 40, {{"preempt", "voluntary"}}), 0);
}

}  // namespace
}  // namespace hazsim
