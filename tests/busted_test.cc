// `busted` (synchronize returns at once) is caught by fuzzing within a bounded number of runs on
// every scenario: the proof that the checks can fail.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

// A run counts only if it is caught by a check of synchronize itself (ghost state, pipe count,
// use after free), not by a fault of the slots busted borrows.
bool caught_for_the_right_reason(Oracle o) {
  return o == Oracle::kSyncReturnedEarly || o == Oracle::kPipeCount || o == Oracle::kUseAfterFree;
}

TEST(Busted, CaughtOnEveryScenarioWithinTwentyRuns) {
  Machine m;
  for (const std::string& scn : scenario_names()) {
    Params scenario;
    std::string err;
    ASSERT_TRUE(load_scenario(scn, &scenario, &err)) << err;
    // RETIRE and RETIRE-DEEP reclaim through hazptr_retire(), which busted lacks: it refuses them.
    if (scenario.str("reclaim") == "retire") continue;
    int first = 0;
    for (int seed = 1; seed <= 20 && first == 0; ++seed) {
      Params p = scenario;
      p.set("design", "busted", &err);
      p.set("seed", std::to_string(seed), &err);
      ScenarioOutcome o = run_scenario(m, p);
      ASSERT_TRUE(o.error.empty()) << o.error;
      if (o.run.failed && caught_for_the_right_reason(o.run.failure.oracle)) first = seed;
    }
    EXPECT_NE(first, 0) << scn << ": busted was not caught by a synchronize check in 20 runs";
  }
}

TEST(Busted, CaughtUnderEveryMemoryModel) {
  Machine m;
  for (const char* model : {"sc", "tso", "pso"}) {
    int caught = 0;
    for (int seed = 1; seed <= 10; ++seed) {
      Params p;
      std::string err;
      ASSERT_TRUE(load_scenario("TORTURE", &p, &err)) << err;
      p.set("design", "busted", &err);
      p.set("memory_model", model, &err);
      p.set("seed", std::to_string(seed), &err);
      ScenarioOutcome o = run_scenario(m, p);
      caught += o.run.failed && caught_for_the_right_reason(o.run.failure.oracle);
    }
    EXPECT_GE(caught, 5) << model;
  }
}

}  // namespace
}  // namespace hazsim
