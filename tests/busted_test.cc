// `busted` (synchronize returns at once) is caught by fuzzing within a bounded number of runs on
// every scenario: the proof that the checks can fail.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

TEST(Busted, CaughtOnEveryScenarioWithinTwentyRuns) {
  Machine m;
  for (const std::string& scn : scenario_names()) {
    int first = 0;
    Oracle oracle = Oracle::kNone;
    for (int seed = 1; seed <= 20 && first == 0; ++seed) {
      Params p;
      std::string err;
      ASSERT_TRUE(load_scenario(scn, &p, &err)) << err;
      p.set("design", "busted", &err);
      p.set("seed", std::to_string(seed), &err);
      ScenarioOutcome o = run_scenario(m, p);
      if (o.run.failed) first = seed, oracle = o.run.failure.oracle;
    }
    EXPECT_NE(first, 0) << scn << ": busted was not caught in 20 runs";
    EXPECT_TRUE(oracle == Oracle::kSyncReturnedEarly || oracle == Oracle::kPipeCount ||
                oracle == Oracle::kUseAfterFree)
        << scn << ": busted caught by " << oracle_name(oracle);
  }
}

}  // namespace
}  // namespace hazsim
