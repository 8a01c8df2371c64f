// Strategies beyond random: site arming (arm), the portfolio, and campaign coverage.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scenarios/campaign_coverage.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

Params scenario(const char* scn, const char* design, std::vector<std::pair<const char*, std::string>> sets = {}) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario(scn, &p, &err)) << err;
  EXPECT_TRUE(p.set("design", design, &err)) << err;
  for (auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << k << ": " << err;
  return p;
}

size_t count_events(const std::vector<Event>& trace, AccessKind k) {
  size_t n = 0;
  for (const Event& e : trace) n += e.kind == k;
  return n;
}

// An arm run stalls vCPUs at armed sites, and its replay (which re-derives the armed sites from
// the seed) makes the same stalls and ends in the same state.
TEST(Arm, StallsAndReplaysExactly) {
  Machine m;
  Params p = scenario("TORTURE", "v5", {{"strategy", "arm"}, {"seed", "5"}});
  std::vector<Event> trace;
  m.set_full_trace(&trace);
  ScenarioOutcome a = run_scenario(m, p);
  size_t stalls = count_events(trace, AccessKind::kStall);
  EXPECT_GT(stalls, 0u);
  trace.clear();
  ScenarioOutcome b = run_scenario(m, p, &a.decisions);
  m.set_full_trace(nullptr);
  EXPECT_EQ(count_events(trace, AccessKind::kStall), stalls);
  EXPECT_EQ(a.run.hash, b.run.hash);
  EXPECT_EQ(a.run.steps, b.run.steps);
  EXPECT_FALSE(b.diverged);
  EXPECT_EQ(b.consumed, a.decisions.size());
}

// Arming only some sites matters: arming none stalls nowhere and leaves the random knobs alone.
TEST(Arm, NoArmedSitesIsRandom) {
  Machine m;
  ScenarioOutcome arm = run_scenario(m, scenario("TORTURE", "v5", {{"strategy", "arm"}, {"arm_sites", "0"}}));
  ScenarioOutcome rnd = run_scenario(m, scenario("TORTURE", "v5", {{"strategy", "random"}}));
  EXPECT_EQ(arm.run.hash, rnd.run.hash);
}

// The reordered promote needs one vCPU held inside the hook's window while another passes a whole
// scan: random scheduling practically never does that, arming's stalls do.
TEST(Arm, FindsTheReorderedPromoteThatRandomMisses) {
  Machine m;
  int arm_found = 0, random_found = 0;
  for (int seed = 1; seed <= 250; ++seed) {
    for (const char* s : {"arm", "random"}) {
      ScenarioOutcome o = run_scenario(
          m, scenario("TORTURE", "inj-promote-reordered", {{"strategy", s}, {"seed", std::to_string(seed)}}));
      if (!o.run.failed) continue;
      EXPECT_TRUE(o.run.failure.oracle == Oracle::kSyncReturnedEarly || o.run.failure.oracle == Oracle::kPipeCount)
          << o.run.failure.message;
      (std::string(s) == "arm" ? arm_found : random_found)++;
    }
  }
  EXPECT_GE(arm_found, 1);
  EXPECT_GT(arm_found, random_found);
}

// A machine runs many strategies in turn (fuzz reuses one per thread): a run after an arm run is
// the run a fresh machine makes.
TEST(Arm, LeavesNothingBehindOnTheMachine) {
  for (const char* next : {"pct:3", "random"}) {
    Machine fresh, reused;
    Params p = scenario("TORTURE", "v5", {{"strategy", next}, {"seed", "3"}});
    run_scenario(reused, scenario("TORTURE", "v5", {{"strategy", "arm"}, {"seed", "2"}}));
    ScenarioOutcome a = run_scenario(reused, p), b = run_scenario(fresh, p);
    EXPECT_EQ(a.run.hash, b.run.hash) << next;
    EXPECT_EQ(a.decisions, b.decisions) << next;
  }
}

// The portfolio is a rotation by seed: a portfolio run is exactly the run of its member.
TEST(Portfolio, RunsTheMemberTheSeedPicks) {
  Machine m;
  std::set<std::string> members;
  for (int seed = 1; seed <= 4; ++seed) {
    std::string member = portfolio_member(uint64_t(seed));
    members.insert(member);
    ScenarioOutcome a =
        run_scenario(m, scenario("SMALL", "v5", {{"strategy", "portfolio"}, {"seed", std::to_string(seed)}}));
    ScenarioOutcome b = run_scenario(m, scenario("SMALL", "v5", {{"strategy", member}, {"seed", std::to_string(seed)}}));
    EXPECT_EQ(a.run.hash, b.run.hash) << "seed " << seed << " member " << member;
  }
  EXPECT_EQ(members.size(), 4u);
}

// Coverage counts design sites only, says which runs reached something new, and lists the pairs
// that were possible but never happened.
TEST(Coverage, NewPairsAndPairsNeverHit) {
  Machine m;
  m.set_coverage(true);
  CampaignCoverage cov;
  // No preemption ever fires: every preemption pair stays unhit.
  run_scenario(m, scenario("TORTURE", "v5", {{"preempt_prob", "0"}}));
  cov.merge(m.sites());
  EXPECT_GT(cov.offered_pairs(), 0u);
  std::vector<std::string> missed = cov.never_hit();
  ASSERT_FALSE(missed.empty());
  for (const auto& s : missed) {
    EXPECT_NE(s.find("hazptr/"), std::string::npos) << s;
    EXPECT_NE(s.find("preemption"), std::string::npos) << s;
  }
  // With preemptions, some of them are reached: a new pair.
  size_t before = cov.hit_pairs();
  bool fresh = false;
  for (int seed = 1; seed <= 5; ++seed) {
    run_scenario(m, scenario("TORTURE", "v5", {{"preempt_prob", "0.05"}, {"seed", std::to_string(seed)}}));
    fresh |= cov.merge(m.sites());
  }
  EXPECT_TRUE(fresh);
  EXPECT_GT(cov.hit_pairs(), before);
  EXPECT_LT(cov.never_hit().size(), missed.size());
  // The same run again reaches nothing new.
  run_scenario(m, scenario("TORTURE", "v5", {{"preempt_prob", "0.05"}, {"seed", "5"}}));
  EXPECT_FALSE(cov.merge(m.sites()));
}

// A corpus prefix retraces the run it came from, then the strategy goes on with fresh choices.
TEST(Coverage, CorpusPrefixIsFollowed) {
  Machine m;
  Params p = scenario("TORTURE", "v5", {{"seed", "1"}});
  ScenarioOutcome a = run_scenario(m, p);
  std::vector<uint16_t> prefix(a.decisions.begin(), a.decisions.begin() + long(a.decisions.size() / 2));
  ScenarioOutcome b = run_scenario(m, p, nullptr, nullptr, &prefix, 7);
  ASSERT_GE(b.decisions.size(), prefix.size());
  EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), b.decisions.begin()));
  EXPECT_NE(a.run.hash, b.run.hash);  // the second half is new
  ScenarioOutcome again = run_scenario(m, p, &b.decisions);
  EXPECT_EQ(again.run.hash, b.run.hash);
}

}  // namespace
}  // namespace hazsim
