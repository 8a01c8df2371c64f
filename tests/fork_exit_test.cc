// Tasks that come and go (sched/fork_exit.cc) and RCU as the designs use it (sched/rcu.cc): a task
// walk sees a task forked before it ends and skips one that exited; kfree_rcu() waits for the
// read-side sections under way; the per-task design's fork and exit hooks run, and its exit's
// kfree_rcu() is what keeps a scan that walks an exiting task's chunks safe.
#include <gtest/gtest.h>

#include <algorithm>

#include "sched/sim_kernel.h"
#include "scenarios/design_lines.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "tests/scenario_runs.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;

bool contains(const std::vector<void*>& v, const void* p) { return std::find(v.begin(), v.end(), p) != v.end(); }

TEST(ForkExit, AWalkSeesATaskForkedBeforeItEndsAndSkipsOneThatExited) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 1;
  cfg.task_data_size = 8;
  void *quitter = nullptr, *walker = nullptr, *child = nullptr;
  std::vector<void*> seen;
  RunResult r = run_tasks(m,
                          {{[&] { quitter = m.current_task()->data; }},
                           {[&] {
                             walker = m.current_task()->data;
                             m.sleep_ns(1000);  // the quitter exits meanwhile
                             m.for_each_task_data([&](void* d) {
                               seen.push_back(d);
                               // A fork in the middle of the walk: the child is linked at the tail.
                               if (child == nullptr) child = m.fork_task("child", [](void*) {}, nullptr)->data;
                             });
                           }}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_TRUE(contains(seen, walker));
  EXPECT_TRUE(contains(seen, child));
  EXPECT_FALSE(contains(seen, quitter));
}

// A reader inside rcu_read_lock() when kfree_rcu() is called may go on using the object, past
// scheduler ticks; it is freed at a tick once that section has ended.
TEST(ForkExit, KfreeRcuWaitsForTheReadSectionsUnderWay) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  long* obj = nullptr;
  bool reading = false, freed_called = false, still_live_after_call = false, freed_after_unlock = false;
  RunResult r = run_tasks(
      m,
      {{[&] {
          m.rcu_read_lock();
          reading = true;
          while (!freed_called && !m.stopping()) K::read_once(obj);
          uint64_t called = m.now_ns();
          while (m.now_ns() < called + 3 * MachineConfig{}.tick_ns && !m.stopping())
            K::read_once(obj);  // still the reader's to use, ticks after kfree_rcu()
          still_live_after_call = m.describe_addr(obj).find("freed") == std::string::npos;
          m.rcu_read_unlock();
          uint64_t unlocked = m.now_ns();
          while (m.now_ns() < unlocked + 2 * MachineConfig{}.tick_ns && !m.stopping()) m.sleep_ns(1000);
          freed_after_unlock = m.describe_addr(obj).find("freed") != std::string::npos;
        },
        0, true},
       {[&] {
          while (!reading && !m.stopping()) K::cpu_relax();
          m.kfree_rcu(obj);
          freed_called = true;
        },
        1, true}},
      cfg, 1, [&] { obj = static_cast<long*>(m.kmalloc(sizeof(long), "rcu-protected object")); });
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_TRUE(still_live_after_call);
  EXPECT_TRUE(freed_after_unlock);
}

// With no reader in a section the grace period ends at the next tick, not at the call.
TEST(ForkExit, KfreeRcuWithNoReaderFreesAtTheNextTick) {
  Machine m;
  long* obj = nullptr;
  bool freed_at_call = true, freed_after_tick = false;
  RunResult r = run_tasks(m, {{[&] {
                            m.kfree_rcu(obj);
                            freed_at_call = m.describe_addr(obj).find("freed") != std::string::npos;
                            m.sleep_ns(2 * MachineConfig{}.tick_ns);
                            freed_after_tick = m.describe_addr(obj).find("freed") != std::string::npos;
                          }}},
                          MachineConfig{}, 1, [&] { obj = static_cast<long*>(m.kmalloc(sizeof(long), "object")); });
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_FALSE(freed_at_call);
  EXPECT_TRUE(freed_after_tick);
}

struct Campaign {
  int runs = 0, failures = 0;
  ScenarioOutcome first_failure;
  DesignLines lines;
  size_t most_tasks = 0;
};

Campaign fuzz(const std::string& scn, const std::string& design, int seeds,
              std::vector<std::pair<std::string, std::string>> sets = {}) {
  Campaign c;
  Machine m;
  m.set_coverage(true);
  for (int seed = 1; seed <= seeds; ++seed) {
    ScenarioOutcome o = testing::run_seed(m, scn, design, uint64_t(seed), sets);
    EXPECT_TRUE(o.error.empty()) << o.error;
    ++c.runs;
    c.lines.merge(m.line_counts());
    c.most_tasks = std::max(c.most_tasks, m.tasks().size());
    if (o.run.failed && c.failures++ == 0) c.first_failure = o;
  }
  return c;
}

uint64_t runs_of(const DesignLines& d, const std::string& func) {
  uint64_t n = 0;
  for (const auto& l : d.lines())
    if (l.func == func) n += l.runs;
  return n;
}

// FORK on the per-task design: readers fork and exit all along (far more tasks than readers),
// every fork runs hazptr_fork_init() and every exit hazptr_exit(), whose chunks go through
// kfree_rcu(), and no run fails; with the chunks freed by kfree() at once (inj-exit-no-rcu), a
// synchronize walking an exiting reader's chunks reads freed memory.
TEST(ForkExit, TheExitsChunksNeedTheGracePeriod) {
  for (const char* model : {"sc", "weak"}) {
    Campaign ok = fuzz("FORK", "pertask", 30, {{"memory_model", model}});
    EXPECT_EQ(ok.failures, 0) << model << ": " << ok.first_failure.run.failure.message;
    EXPECT_GT(ok.most_tasks, 22u);  // 11 at boot: 3 idle tasks, the writer, the preemption kthread, 6 readers
    EXPECT_GT(runs_of(ok.lines, "hazptr_exit"), 0u);
    EXPECT_GT(runs_of(ok.lines, "init_task"), 0u);
    Campaign bad = fuzz("FORK", "inj-exit-no-rcu", 30, {{"memory_model", model}});
    ASSERT_GT(bad.failures, 0) << model;
    EXPECT_EQ(bad.first_failure.run.failure.oracle, Oracle::kUseAfterFree) << bad.first_failure.run.failure.message;
    EXPECT_NE(bad.first_failure.run.failure.message.find("struct hazptr_overflow"), std::string::npos)
        << bad.first_failure.run.failure.message;
  }
}

// A task that exits holding: the per-task design's own WARN_ON() in hazptr_exit() says so, as the
// kernel would; a per-CPU design has no exit hook, and the machine's leak oracle does.
TEST(ForkExit, ExitingWhileHoldingIsTheExitHooksWarn) {
  Campaign pertask = fuzz("TORTURE", "pertask", 1, {{"broken", "skip-release"}});
  ASSERT_EQ(pertask.failures, 1);
  EXPECT_EQ(pertask.first_failure.run.failure.oracle, Oracle::kWarn);
  EXPECT_NE(pertask.first_failure.run.failure.message.find("in_use_count"), std::string::npos)
      << pertask.first_failure.run.failure.message;
  Campaign v5 = fuzz("TORTURE", "v5", 1, {{"broken", "skip-release"}});
  ASSERT_EQ(v5.failures, 1);
  EXPECT_EQ(v5.first_failure.run.failure.oracle, Oracle::kLeak) << v5.first_failure.run.failure.message;
}

}  // namespace
}  // namespace hazsim
