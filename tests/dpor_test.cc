// Strategy dpor (explore/dpor.h) is a reduction: it must reach every final state exhaustive
// enumeration reaches, under every memory model, in no more schedules. Checked on the litmus
// suite (tests/litmus); a dependency relation broken on purpose must lose states here. (It may
// run more schedules than enumeration on a tiny test: enumeration's store reduction is its own.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "explore/decision_source.h"
#include "explore/dpor.h"
#include "scenarios/litmus.h"
#include "sched/sim_kernel.h"
#include "tests/sanitizers.h"

namespace hazsim {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> litmus_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator("tests/litmus"))
    if (e.path().extension() == ".litmus") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> states(const litmus::Outcome& o) {
  std::set<std::string> s;
  for (const auto& [state, n] : o.states) s.insert(state);
  return s;
}

constexpr MemoryModel kModels[] = {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO, MemoryModel::kWeak};

// Every litmus test small enough to enumerate: the same final states, both exhausted.
TEST(Dpor, ReachesTheStatesOfExhaustiveEnumerationOnEveryLitmusTest) {
  uint64_t all = 0, reduced = 0;
  int compared = 0;
  for (const auto& f : litmus_files()) {
    const std::string text = read(f);
    if (text.find("hazsim-heavy:") != std::string::npos) continue;  // next test
    litmus::Test t;
    std::string err;
    ASSERT_TRUE(litmus::parse(text, &t, &err)) << f << ": " << err;
    for (MemoryModel m : kModels) {
      if (testing::kAsan && m == MemoryModel::kWeak) continue;  // weak's versions: the optimised build
      const litmus::Outcome full = litmus::run(t, m, 2'000'000, false);
      const litmus::Outcome dpor = litmus::run(t, m, 2'000'000, true);
      ASSERT_TRUE(full.error.empty() && dpor.error.empty()) << f << ": " << full.error << dpor.error;
      ASSERT_TRUE(full.exhausted && dpor.exhausted) << f << " " << memory_model_name(m);
      EXPECT_EQ(states(full), states(dpor)) << f << " under " << memory_model_name(m);
      all += full.runs;
      reduced += dpor.runs;
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
  std::printf("dpor: %d (test, model) pairs, %llu schedules exhaustively, %llu with dpor\n", compared,
              (unsigned long long)all, (unsigned long long)reduced);
}

// A drain waits for its store and a barrier for the drains (Footprint::waits): such pairs are
// ordered, not races, so store buffering with smp_mb() gets one schedule per outcome under tso, as
// under sc (it took 7 when they were reversed: the reversals were schedules no run can take).
TEST(Dpor, OrdersWhatWaitsWithoutReversingIt) {
  for (const auto& f : litmus_files()) {
    if (f.filename() != "SB+mbs.litmus") continue;
    litmus::Test t;
    std::string err;
    ASSERT_TRUE(litmus::parse(read(f), &t, &err)) << err;
    for (MemoryModel m : {MemoryModel::kSC, MemoryModel::kTSO}) {
      const litmus::Outcome o = litmus::run(t, m, 1000, true);
      ASSERT_TRUE(o.error.empty() && o.exhausted) << o.error;
      EXPECT_EQ(states(o).size(), 3u) << memory_model_name(m);
      EXPECT_EQ(o.runs, 3u) << memory_model_name(m);
    }
    return;
  }
  FAIL() << "no SB+mbs.litmus";
}

// dpor:K (Coons, Musuvathi, McKinley, OOPSLA 2013) against every interleaving: with every two
// transitions dependent the explorer runs each one (the reference, unbounded); the bounded search
// must reach exactly the states some interleaving with at most K preemptions ends in. Pruned by
// the bound without BPOR's extra reversals, the search loses some of them.
TEST(Dpor, WithABoundReachesTheStatesOfEveryScheduleWithinIt) {
  int compared = 0, naive_lost = 0;
  for (const auto& f : litmus_files()) {
    const std::string text = read(f);
    if (text.find("hazsim-heavy:") != std::string::npos) continue;
    litmus::Test t;
    std::string err;
    ASSERT_TRUE(litmus::parse(text, &t, &err)) << f << ": " << err;
    for (MemoryModel m : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO}) {
      litmus::DporSearch every;
      every.all_dependent = true;
      if (testing::kAsan && m == MemoryModel::kPSO) continue;  // the optimised build runs it
      const litmus::Outcome ref = litmus::run(t, m, testing::kAsan ? 3'000 : 100'000, every);
      ASSERT_TRUE(ref.error.empty()) << f << ": " << ref.error;
      if (!ref.exhausted) continue;  // too many interleavings for a unit test
      for (uint32_t k = 0; k <= 2; ++k) {
        std::set<std::string> want;
        for (const auto& [state, fewest] : ref.fewest_preemptions)
          if (fewest <= k) want.insert(state);
        litmus::DporSearch bounded;
        bounded.bound = k;
        const litmus::Outcome got = litmus::run(t, m, 1'000'000, bounded);
        ASSERT_TRUE(got.error.empty() && got.exhausted) << f << ": " << got.error;
        EXPECT_EQ(states(got), want) << f << " under " << memory_model_name(m) << " within " << k << " preemptions";
        bounded.naive_bound = true;
        naive_lost += states(litmus::run(t, m, 1'000'000, bounded)) != want;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, testing::kAsan ? 30 : 200);
  EXPECT_GT(naive_lost, 0) << "pruning by the bound alone lost nothing: the comparison shows nothing";
  std::printf("dpor:K: %d (test, model, K) triples; naive pruning lost states in %d\n", compared, naive_lost);
}

// The tests too big to enumerate in a unit test (IRIW's 700k schedules): dpor's verdict is the
// one the file states for each model.
TEST(Dpor, GivesTheFilesVerdictsOnTheHeavyLitmusTests) {
  int checked = 0;
  for (const auto& f : litmus_files()) {
    const std::string text = read(f);
    if (text.find("hazsim-heavy:") == std::string::npos) continue;
    litmus::Test t;
    std::string err;
    ASSERT_TRUE(litmus::parse(text, &t, &err)) << f << ": " << err;
    const size_t at = text.find("hazsim: ");
    ASSERT_NE(at, std::string::npos) << f;
    const std::string want = text.substr(at, text.find('\n', at) - at);
    for (MemoryModel m : kModels) {
      if (testing::kAsan && m == MemoryModel::kWeak) continue;
      const litmus::Outcome o = litmus::run(t, m, 2'000'000, true);
      ASSERT_TRUE(o.error.empty() && o.exhausted) << f << ": " << o.error;
      const std::string said = std::string(memory_model_name(m)) + "=" + litmus::verdict_name(litmus::verdict(o));
      EXPECT_NE(want.find(said), std::string::npos) << f << ": dpor says " << said << "; the file says " << want;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

// Store buffering under sc, with the explorer's dependency relation broken on purpose: dpor then
// runs one schedule and misses outcomes, which the comparison above would report.
std::set<std::pair<long, long>> sb_outcomes(bool broken, uint64_t* runs) {
  using K = SimKernel;
  Machine m;
  static long* x;
  static long* y;
  static long r[2];
  std::set<std::pair<long, long>> out;
  m.decisions().dpor_explorer().break_dependency_for_test(broken);
  ExploreResult res = explore_dpor(m.decisions(), 1000, [&] {
    MachineConfig cfg;
    cfg.cpus = 2;
    m.reset(cfg);
    m.decisions().start_dpor(choice_bit(Choice::kCpu));
    x = static_cast<long*>(m.static_alloc(sizeof(long), 64, "x"));
    y = static_cast<long*>(m.static_alloc(sizeof(long), 64, "y"));
    m.create_task("P0", [](void*) {
      K::write_once(x, 1L);
      r[0] = K::read_once(y);
    }, nullptr, 0, true);
    m.create_task("P1", [](void*) {
      K::write_once(y, 1L);
      r[1] = K::read_once(x);
    }, nullptr, 1, true);
    m.run();
    out.insert({r[0], r[1]});
  });
  m.decisions().dpor_explorer().break_dependency_for_test(false);
  EXPECT_TRUE(res.exhausted);
  *runs = res.runs;
  return out;
}

// Where the tick lands depends on the step count: dpor counts the runs it fired in (fuzz says
// the reduction is not exact for them), and none where it does not fire.
uint64_t timed_runs(uint64_t tick_ns) {
  using K = SimKernel;
  Machine m;
  static long* x;
  ExploreResult res = explore_dpor(m.decisions(), 1000, [&] {
    MachineConfig cfg;
    cfg.cpus = 2;
    cfg.preempt = PreemptModel::kNone;
    cfg.tick_ns = tick_ns;
    m.reset(cfg);
    m.decisions().start_dpor(choice_bit(Choice::kCpu));
    x = static_cast<long*>(m.static_alloc(sizeof(long), 64, "x"));
    for (int i = 0; i < 2; ++i)
      m.create_task("P", [](void*) {
        for (long k = 0; k < 3; ++k) K::write_once(x, k);
      }, nullptr, i, true);
    m.run();
  });
  EXPECT_TRUE(res.exhausted) << res.error;
  return res.timed;
}

TEST(Dpor, CountsTheRunsATimerFiredIn) {
  EXPECT_EQ(timed_runs(100'000), 0u);  // the default tick: after 50,000 steps
  EXPECT_GT(timed_runs(8), 0u);       // every 4 steps
}

TEST(Dpor, ABrokenDependencyRelationLosesStates) {
  uint64_t runs = 0;
  auto good = sb_outcomes(false, &runs);
  EXPECT_EQ(good, (std::set<std::pair<long, long>>{{0, 1}, {1, 0}, {1, 1}}));
  EXPECT_EQ(runs, 3u);  // one per Mazurkiewicz trace: SB has three
  auto broken = sb_outcomes(true, &runs);
  EXPECT_EQ(runs, 1u);
  EXPECT_LT(broken.size(), good.size());
}

// Message passing to a spinning reader: P0 writes data then flag, P1 spins on flag (cpu_relax)
// and reads data. The spin waits for a write instead of iterating (spin-assume): the search ends,
// and still reaches pso's reordering (data read as 0), which sc and tso forbid.
std::set<long> mp_spin_outcomes(MemoryModel model, uint64_t* runs) {
  using K = SimKernel;
  Machine m;
  static long* data;
  static long* flag;
  static long r;
  std::set<long> out;
  ExploreResult res = explore_dpor(m.decisions(), 100000, [&] {
    MachineConfig cfg;
    cfg.cpus = 2;
    cfg.memory_model = model;
    cfg.preempt = PreemptModel::kNone;
    cfg.dpor_schedule = true;
    cfg.drains_first = model != MemoryModel::kSC;
    m.reset(cfg);
    m.decisions().start_dpor(choice_bit(Choice::kCpu) | choice_bit(Choice::kDrainEntry));
    data = static_cast<long*>(m.static_alloc(sizeof(long), 64, "data"));
    flag = static_cast<long*>(m.static_alloc(sizeof(long), 64, "flag"));
    r = -1;
    m.create_task("P0", [](void*) {
      K::write_once(data, 1L);
      K::write_once(flag, 1L);
    }, nullptr, 0, true);
    m.create_task("P1", [](void*) {
      while (K::read_once(flag) == 0) K::cpu_relax();
      r = K::read_once(data);
    }, nullptr, 1, true);
    RunResult rr = m.run();
    EXPECT_FALSE(rr.failed) << rr.failure.message;
    out.insert(r);
  });
  EXPECT_TRUE(res.exhausted) << memory_model_name(model) << ": " << res.error;
  *runs = res.runs;
  return out;
}

TEST(Dpor, ASpinWaitsForAWriteAndTheSearchStillReachesEveryOutcome) {
  uint64_t runs = 0;
  EXPECT_EQ(mp_spin_outcomes(MemoryModel::kSC, &runs), (std::set<long>{1}));
  EXPECT_LT(runs, 50u);
  EXPECT_EQ(mp_spin_outcomes(MemoryModel::kTSO, &runs), (std::set<long>{1}));
  EXPECT_EQ(mp_spin_outcomes(MemoryModel::kPSO, &runs), (std::set<long>{0, 1}));
}

// A run too long for the race analysis is refused with a reason, not analysed for minutes.
TEST(Dpor, RefusesARunTooLongForIt) {
  using K = SimKernel;
  Machine m;
  static long* x;
  ExploreResult res = explore_dpor(m.decisions(), 10, [&] {
    MachineConfig cfg;
    cfg.cpus = 2;
    m.reset(cfg);
    m.decisions().start_dpor(choice_bit(Choice::kCpu));
    x = static_cast<long*>(m.static_alloc(sizeof(long), 64, "x"));
    for (int i = 0; i < 2; ++i)
      m.create_task("P", [](void*) {
        for (int k = 0; k < 5000; ++k) K::write_once(x, long(k));
      }, nullptr, i, true);
    m.run();
  });
  EXPECT_FALSE(res.exhausted);
  EXPECT_NE(res.error.find("more than 4096 transitions"), std::string::npos) << res.error;
}

}  // namespace
}  // namespace hazsim
