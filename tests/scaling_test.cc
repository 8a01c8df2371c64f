// Bounds that scale (issue 12): TORTURE on v5 passes at 64 and 256 vCPUs with the bounds derived
// from its size, where the fixed bounds of four vCPUs reported no-progress; a bound that is too
// small says so in its report, and a bound set in the scenario is kept.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/run_plan.h"
#include "scenarios/runner.h"
#include "tests/sanitizers.h"

namespace hazsim {
namespace {

using testing::kAsan;

Params torture(int cpus, int seed, std::vector<std::pair<std::string, std::string>> sets = {}) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario("TORTURE", &p, &err)) << err;
  sets.insert(sets.begin(), {{"design", "v5"}, {"cpus", std::to_string(cpus)}, {"seed", std::to_string(seed)}});
  for (auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << k << ": " << err;
  return p;
}

TEST(Scaling, TortureOnV5PassesAt64Vcpus) {
  Machine m;
  uint64_t most = 0;
  for (int seed = 3; seed <= 4; ++seed) {  // seed 4 needs 4.5M steps, over the 4-vCPU bound
    ScenarioOutcome o = run_scenario(m, torture(64, seed));
    EXPECT_FALSE(o.run.failed) << "seed " << seed << ": " << o.run.failure.message;
    most = std::max(most, o.run.steps);
  }
  EXPECT_GT(most, 4'000'000u) << "no run needs more than the 4-vCPU bound any more: the test shows nothing";
}

TEST(Scaling, TortureOnV5PassesAt256Vcpus) {
  if (kAsan) GTEST_SKIP() << "87M steps: the optimised build runs it";
  Machine m;
  ScenarioOutcome o = run_scenario(m, torture(256, 1));
  EXPECT_FALSE(o.run.failed) << o.run.failure.message;
}

TEST(Scaling, ABoundTooSmallSaysSo) {
  // The 4-vCPU max_steps on 64 vCPUs: the run is cut off while it still progresses.
  Machine m;
  ScenarioOutcome o = run_scenario(m, torture(64, 4, {{"max_steps", "4000000"}}));
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kNoProgress);
  EXPECT_NE(o.run.failure.message.find("max_steps=4000000;"), std::string::npos) << o.run.failure.message;
  EXPECT_NE(o.run.failure.message.find("the bound is too small for this scenario, not a bug"), std::string::npos)
      << o.run.failure.message;
}

TEST(Scaling, DerivedBoundsGrowWithTheScenarioAndSetOnesAreKept) {
  MachineConfig small = machine_config(torture(4, 1)), big = machine_config(torture(64, 1));
  EXPECT_EQ(small.max_steps, 4'000'000u);  // the unit: the default TORTURE
  EXPECT_EQ(small.sync_bound, 400'000u);
  EXPECT_EQ(big.max_steps, 4'000'000u * 64);
  EXPECT_GT(big.sync_bound, small.sync_bound);
  EXPECT_GT(big.starve_bound, small.starve_bound);
  EXPECT_EQ(big.derived, MachineConfig::kDerivedMaxSteps | MachineConfig::kDerivedSync |
                             MachineConfig::kDerivedStarve | MachineConfig::kDerivedLockup);
  MachineConfig set = machine_config(torture(64, 1, {{"sync_bound", "1234"}}));
  EXPECT_EQ(set.sync_bound, 1234u);
  EXPECT_FALSE(set.derived & MachineConfig::kDerivedSync);
}

}  // namespace
}  // namespace hazsim
