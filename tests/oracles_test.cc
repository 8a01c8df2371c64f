// Every oracle fires on a workload or design built to trip it, and says so in words.
#include <gtest/gtest.h>

#include "hazptr/v4.h"
#include "oracles/kernel_spelling.h"
#include "sched/sim_kernel.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "scenarios/stack_frame.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;
using testing::TaskSpec;
// Without the PREEMPT_HAZPTR hook: v4's hook has its own failure (tests/findings_test.cc).
using V4 = hazptr::HazptrV4<SimKernel, false>;

// Runs a scenario over seeds until one fails; returns that outcome (or the last one).
ScenarioOutcome first_failure(const std::string& scenario, std::vector<std::pair<std::string, std::string>> sets,
                              int seeds) {
  Machine m;
  ScenarioOutcome out;
  for (int s = 1; s <= seeds; ++s) {
    Params p;
    std::string err;
    EXPECT_TRUE(load_scenario(scenario, &p, &err)) << err;
    for (auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << err;
    p.set("seed", std::to_string(s), &err);
    out = run_scenario(m, p);
    if (out.run.failed) return out;
  }
  return out;
}

TEST(Oracles, UseAfterFreeOfHeapObject) {
  Machine m;
  int alloc_line = 0, free_line = 0;
  RunResult r = run_tasks(m, {{[&] {
                            // Not at arena offset 0, which an event cannot tell from NULL.
                            (void)m.kmalloc(sizeof(int), "first object");
                            int* p = static_cast<int*>(m.kmalloc(sizeof(int), "test object")); alloc_line = __LINE__;
                            K::write_once(p, 1);
                            m.kfree(p); free_line = __LINE__;
                            (void)K::read_once(p);
                          }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kUseAfterFree);
  EXPECT_NE(r.failure.message.find("use after free"), std::string::npos) << r.failure.message;
  EXPECT_NE(r.failure.message.find("test object"), std::string::npos) << r.failure.message;
  // Where it was allocated and freed, as KASAN's "Allocated by" and "Freed by" stacks say.
  const std::string& msg = r.failure.message;
  size_t allocated = msg.find("allocated by pid "), freed = msg.find("freed/ended by pid ");
  ASSERT_NE(allocated, std::string::npos) << msg;
  ASSERT_NE(freed, std::string::npos) << msg;
  EXPECT_NE(msg.find(fmt::format(" in tests/oracles_test.cc:{} ", alloc_line), allocated), std::string::npos) << msg;
  EXPECT_NE(msg.find(fmt::format(" in tests/oracles_test.cc:{} ", free_line), freed), std::string::npos) << msg;
  // The report's last events name the object each address lies in.
  ASSERT_EQ(r.last_event_objects.size(), r.last_events.size());
  ASSERT_FALSE(r.last_events.empty());
  EXPECT_EQ(r.last_events.back().kind, AccessKind::kLoad);
  EXPECT_EQ(r.last_event_objects.back(), "test object");
}

TEST(Oracles, UseOfDeadStackFrame) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] {
                            (void)m.kmalloc(sizeof(int), "first object");  // not at offset 0, which reads as NULL
                            int* escaped;
                            {
                              StackFrame<int> frame(1, "on-stack int");
                              escaped = frame.get();
                              K::write_once(escaped, 7);
                            }
                            (void)K::read_once(escaped);
                          }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kUseAfterFree);
  EXPECT_NE(r.failure.message.find("dead stack frame"), std::string::npos) << r.failure.message;
  // The events name the frame's object and whose stack it was on.
  std::string last_load;
  for (size_t i = 0; i < r.last_events.size(); ++i)
    if (r.last_events[i].kind == AccessKind::kLoad) last_load = r.last_event_objects[i];
  EXPECT_EQ(last_load, "on-stack int of " + r.failure.task);
}

TEST(Oracles, UseAfterFreeByReaderWhenWriterSkipsSynchronize) {
  ScenarioOutcome o = first_failure("TORTURE-HEAP", {{"design", "v4-nopreempt"}, {"broken", "skip-sync"}}, 30);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kUseAfterFree) << o.run.failure.message;
}

TEST(Oracles, SynchronizeReturningEarlyIsCaughtFromGhostState) {
  ScenarioOutcome o = first_failure("TORTURE", {{"design", "busted"}}, 10);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kSyncReturnedEarly) << o.run.failure.message;
  EXPECT_NE(o.run.failure.message.find("still holds it"), std::string::npos);
}

TEST(Oracles, PipeCountAboveOneWhenWriterSkipsSynchronize) {
  // No synchronize call, so the ghost check has nothing to check: the torture's own check fires.
  ScenarioOutcome o = first_failure("TORTURE", {{"design", "v4-nopreempt"}, {"broken", "skip-sync"}}, 30);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kPipeCount) << o.run.failure.message;
  EXPECT_NE(o.reader_pipe.find("!!!"), std::string::npos) << o.reader_pipe;
}

TEST(Oracles, BatchedReclaimOfAHeldObject) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  void** gp = nullptr;
  void* obj = nullptr;
  RunResult r = run_tasks(
      m,
      {{[&] {
          void* p = K::read_once(gp);  // the reader's Load A of the published pointer
          m.ghost_acquired(p, &gp);
          m.sleep_ns(10000);  // holds
          m.ghost_released(p, &gp);
        }, 0, true},
       {[&] {
          m.sleep_ns(1000);
          K::write_once(gp, static_cast<void*>(nullptr));  // unpublish
          m.ghost_check_reclaim(obj);                       // a reclaim that ignored the reader
        }, 1, true}},
      cfg, 1, [&] {
        gp = static_cast<void**>(m.static_alloc(sizeof(void*), 8, "published pointer"));
        obj = m.static_alloc(8, 8, "obj");
        *gp = obj;
        m.ghost_watch(gp);
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSyncReturnedEarly);
  EXPECT_NE(r.failure.message.find("the batched reclaim freed"), std::string::npos) << r.failure.message;
}

TEST(Oracles, WarnOnOnce) {
  Machine m;
  RunResult r = run_tasks(m, {{[] { K::warn_on_once(1 + 1 == 2, "1 + 1 == 2"); }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kWarn);
  EXPECT_NE(r.failure.message.find("WARN_ON_ONCE(1 + 1 == 2)"), std::string::npos);
}

// panic_on_warn=0: the run goes on past each WARN (WARN_ON_ONCE reporting once per call site,
// WARN_ON every time) and fails with what follows; with no other failure, with the first WARN.
TEST(Oracles, PanicOnWarnZeroGoesOnPastTheWarnsToWhatFollows) {
  for (bool then_double_free : {true, false}) {
    Machine m;
    MachineConfig cfg;
    cfg.panic_on_warn = false;
    bool went_on = false;
    RunResult r = run_tasks(m, {{[&] {
                              for (int i = 0; i < 3; ++i) {
                                K::warn_on_once(true, "once per site");
                                K::warn_on(true, "every time", false);
                              }
                              went_on = true;
                              if (!then_double_free) return;
                              void* p = m.kmalloc(8, "obj");
                              m.kfree(p);
                              m.kfree(p);
                            }}},
                            cfg);
    ASSERT_TRUE(r.failed);
    EXPECT_TRUE(went_on);
    EXPECT_EQ(r.failure.oracle, then_double_free ? Oracle::kUseAfterFree : Oracle::kWarn) << r.failure.message;
    ASSERT_EQ(r.warnings.size(), 4u);
    EXPECT_EQ(r.warnings_fired, 4u);
    EXPECT_NE(r.warnings[0].message.find("WARN_ON_ONCE(once per site)"), std::string::npos) << r.warnings[0].message;
    for (size_t i = 1; i < 4; ++i) EXPECT_NE(r.warnings[i].message.find("WARN_ON(every time)"), std::string::npos);
    if (!then_double_free) {
      EXPECT_EQ(r.failure.message, r.warnings[0].message);
    }
  }
  // panic_on_warn=1 (the default): the first WARN ends the run.
  Machine m;
  bool went_on = false;
  RunResult r = run_tasks(m, {{[&] {
                            K::warn_on(true, "every time", false);
                            went_on = true;
                          }}});
  ASSERT_TRUE(r.failed);
  EXPECT_FALSE(went_on);
  EXPECT_EQ(r.failure.oracle, Oracle::kWarn);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Oracles, NoProgressWhenSynchronizeWaitsOnAReaderThatNeverReleases) {
  Machine m;
  V4* d = nullptr;
  void** gp = nullptr;
  int* obj = nullptr;
  V4 design;
  MachineConfig cfg;
  cfg.cpus = 2;
  cfg.sync_bound = 20000;
  cfg.task_data_size = V4::task_data_size;
  RunResult r = run_tasks(
      m,
      {{[&] {
          StackFrame<V4::hazptr_ctx> ctx(1, "ctx");
          void* p = d->hazptr_acquire(ctx.get(), gp);
          m.ghost_acquired(p, ctx.get());
          for (;;) m.sleep_ns(1000);  // holds forever
        }},
       {[&] {
          m.sleep_ns(5000);
          K::write_once(gp, nullptr);
          m.ghost_sync_begin(obj);
          d->hazptr_synchronize(obj);
          m.ghost_sync_end(obj);
        }}},
      cfg, 1, [&] {
        d = &design;
        design.hazptr_init();
        gp = static_cast<void**>(m.static_alloc(sizeof(void*), 8, "gp"));
        obj = static_cast<int*>(m.static_alloc(sizeof(int), 8, "obj"));
        *gp = obj;
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNoProgress) << r.failure.message;
  EXPECT_NE(r.failure.message.find("hazptr_synchronize"), std::string::npos) << r.failure.message;
  EXPECT_NE(r.failure.message.find("held by test/0"), std::string::npos) << r.failure.message;
}

// sync_bound counts the synchronizing task's own steps: a synchronize that sleeps while other
// tasks run many steps, then returns, is progress (it counted the machine's steps before, and
// fired here).
TEST(Oracles, SyncBoundCountsOnlyTheSynchronizingTasksOwnSteps) {
  Machine m;
  int* obj = nullptr;
  MachineConfig cfg;
  cfg.cpus = 2;
  cfg.sync_bound = 2000;
  RunResult r = run_tasks(
      m,
      {{[&] {
          m.ghost_sync_begin(obj);
          for (int i = 0; i < 100; ++i) (void)K::read_once(obj);  // its own steps: well under the bound
          m.sleep_ns(200000);                                     // meanwhile the other task runs 20,000
          for (int i = 0; i < 100; ++i) (void)K::read_once(obj);
          m.ghost_sync_end(obj);
        }},
       {[&] {
          for (int i = 0; i < 20000; ++i) (void)K::read_once(obj);
        }}},
      cfg, 1, [&] { obj = static_cast<int*>(m.static_alloc(sizeof(int), 8, "obj")); });
  EXPECT_FALSE(r.failed) << r.failure.message;
  EXPECT_GT(r.steps, 20000u);
}

TEST(Oracles, NoProgressWhenTheRunExceedsItsStepBound) {
  Machine m;
  MachineConfig cfg;
  cfg.max_steps = 50000;
  int* x = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        for (;;) K::cpu_relax();
      }}},
      cfg, 1, [&] { x = static_cast<int*>(m.static_alloc(4, 4, "x")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNoProgress);
  EXPECT_NE(r.failure.message.find("max_steps"), std::string::npos) << r.failure.message;
  EXPECT_NE(r.failure.message.find("test/0"), std::string::npos) << r.failure.message;
}

// A huge max_steps no longer grows the decision record without limit (1.8 GB in 30 s before): the
// run ends at the record's bound saying so, and what it recorded still fits a schedule file and
// replays. The bound is lowered here to keep the test short; its default is half a file's maximum.
TEST(Oracles, TheDecisionRecordIsBoundedAndSaysSo) {
  Machine m;
  Params p;
  std::string err;
  ASSERT_TRUE(load_scenario("TORTURE", &p, &err)) << err;
  ASSERT_TRUE(p.set("design", "v5", &err) && p.set("max_steps", "9223372036854775807", &err)) << err;
  ASSERT_TRUE(p.set("writer_passes", "100000", &err) && p.set("max_choices", "200000", &err)) << err;
  ScenarioOutcome o = run_scenario(m, p);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kNoProgress);
  EXPECT_NE(o.run.failure.message.find("decision record reached max_choices=200000"), std::string::npos)
      << o.run.failure.message;
  EXPECT_GE(o.decisions.size(), 200000u);
  EXPECT_LT(o.decisions.size(), 200000u + 64 * 4096u);  // checked every 4096 steps
  ScenarioOutcome again = run_scenario(m, p, &o.decisions);
  EXPECT_EQ(again.run.hash, o.run.hash);
  EXPECT_FALSE(p.set("max_choices", std::to_string(kMaxChoices), &err));  // past what a file holds
  EXPECT_EQ(std::to_string(MachineConfig::kMaxRecordedChoices), "133169152");  // as the parameter's help says
}

TEST(Oracles, NoProgressWhenAHighPriorityTaskStarvesAnother) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 1;
  cfg.starve_bound = 30000;
  RunResult r = run_tasks(m,
                          {{[&] { for (;;) K::cpu_relax(); }, 0, true, 1},
                           {[&] { K::cpu_relax(); }, 0, true, 0}},
                          cfg);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNoProgress);
  EXPECT_NE(r.failure.message.find("starvation"), std::string::npos) << r.failure.message;
}

TEST(Oracles, DeadlockWhenEveryTaskIsBlocked) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] { m.block("a wait queue nobody wakes"); }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kDeadlock);
  EXPECT_NE(r.failure.message.find("a wait queue nobody wakes"), std::string::npos) << r.failure.message;
}

TEST(Oracles, DeadlockWhenAnInterruptSpinsOnALockItsCpuHolds) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  kapi::raw_spinlock_t* lock = nullptr;
  RunResult r = run_tasks(
      m,
      {{[&] {
          K::raw_spin_lock(lock);  // not irqsave
          for (int i = 0; i < 2000; ++i) K::cpu_relax();
          K::raw_spin_unlock(lock);
        }, 0, true},
       {[&] {
          m.smp_call_function_single(0, [](void* l) {
            K::raw_spin_lock(static_cast<kapi::raw_spinlock_t*>(l));
            K::raw_spin_unlock(static_cast<kapi::raw_spinlock_t*>(l));
          }, lock, true);
        }, 1, true}},
      cfg, 1, [&] { lock = static_cast<kapi::raw_spinlock_t*>(m.static_alloc(sizeof(*lock), 8, "test lock")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kDeadlock) << r.failure.message;
  EXPECT_NE(r.failure.message.find("interrupt handler"), std::string::npos) << r.failure.message;
}

TEST(Oracles, ListDoubleAdd) {
  Machine m;
  kapi::list_head *head = nullptr, *node = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        kapi::list_add<K>(node, head);
        kapi::list_add<K>(node, head);
      }}},
      {}, 1, [&] {
        head = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*head), 8, "head"));
        node = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*node), 8, "node"));
        kapi::init_list_head<K>(head);
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kListCorruption);
  EXPECT_NE(r.failure.message.find("double add"), std::string::npos) << r.failure.message;
}

TEST(Oracles, ListDeleteOfUnlinkedNode) {
  Machine m;
  kapi::list_head* node = nullptr;
  RunResult r = run_tasks(
      m, {{[&] { kapi::list_del<K>(node); }}}, {}, 1,
      [&] { node = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*node), 8, "node")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kListCorruption);
  EXPECT_NE(r.failure.message.find("not on a list"), std::string::npos) << r.failure.message;
}

TEST(Oracles, FrameEndsWithItsListNodeStillLinked) {
  Machine m;
  kapi::list_head* head = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        StackFrame<kapi::list_head> node(1, "on-stack node");
        kapi::list_add<K>(node.get(), head);
      }}},
      {}, 1, [&] {
        head = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*head), 8, "head"));
        kapi::init_list_head<K>(head);
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kListCorruption);
  EXPECT_NE(r.failure.message.find("still linked"), std::string::npos) << r.failure.message;
}

TEST(Oracles, WildAccessThroughListPoison) {
  Machine m;
  kapi::list_head *head = nullptr, *node = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        kapi::list_add<K>(node, head);
        kapi::list_del<K>(node);
        (void)K::read_once(&K::read_once(&node->next)->next);
      }}},
      {}, 1, [&] {
        head = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*head), 8, "head"));
        node = static_cast<kapi::list_head*>(m.static_alloc(sizeof(*node), 8, "node"));
        kapi::init_list_head<K>(head);
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kWildAccess);
  EXPECT_NE(r.failure.message.find("LIST_POISON"), std::string::npos) << r.failure.message;
}

// A WARN names its condition as the kernel's source does: the plain access the model writes
// LOAD(x) is x there.
TEST(Oracles, WarnConditionsInTheKernelsSpelling) {
  EXPECT_EQ(kernel_spelling("LOAD(slot->addr) != addr"), "slot->addr != addr");
  EXPECT_EQ(kernel_spelling("LOAD(a[LOAD(i)]) + f(LOAD(x))"), "a[i] + f(x)");
  EXPECT_EQ(kernel_spelling("RELOAD(x) || LOAD(y"), "RELOAD(x) || LOAD(y");  // not hazsim's LOAD; unclosed
  Machine m;
  Params p;
  std::string err;
  ASSERT_TRUE(load_scenario("TORTURE", &p, &err)) << err;
  ASSERT_TRUE(p.set("seed", "3", &err)) << err;  // the README's failing run: v4's WARN in hazptr_release()
  ScenarioOutcome o = run_scenario(m, p);
  ASSERT_TRUE(o.run.failed);
  ASSERT_EQ(o.run.failure.oracle, Oracle::kWarn) << o.run.failure.message;
  EXPECT_NE(o.run.failure.message.find("WARN_ON_ONCE(slot->addr != addr)"), std::string::npos) << o.run.failure.message;
}

TEST(Oracles, LeakWhenAReaderExitsHolding) {
  ScenarioOutcome o = first_failure("TORTURE", {{"design", "v4-nopreempt"}, {"broken", "skip-release"}}, 5);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kLeak) << o.run.failure.message;
}

TEST(Oracles, LeakWhenARetiredElementIsNeverFreed) {
  ScenarioOutcome o = first_failure("TORTURE", {{"design", "v4-nopreempt"}, {"broken", "leak-retired"}}, 5);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kLeak) << o.run.failure.message;
  EXPECT_NE(o.run.failure.message.find("never freed"), std::string::npos) << o.run.failure.message;
}

TEST(Oracles, SleepingWithPreemptionOff) {
  ScenarioOutcome o = first_failure("TORTURE", {{"design", "v4-nopreempt"}, {"broken", "sleep-in-atomic"}}, 3);
  ASSERT_TRUE(o.run.failed);
  EXPECT_EQ(o.run.failure.oracle, Oracle::kSleepInAtomic) << o.run.failure.message;
}

TEST(Oracles, SleepingWithARawSpinlockHeld) {
  Machine m;
  kapi::raw_spinlock_t* lock = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        K::raw_spin_lock(lock);
        m.sleep_ns(100);
        K::raw_spin_unlock(lock);
      }}},
      {}, 1, [&] { lock = static_cast<kapi::raw_spinlock_t*>(m.static_alloc(sizeof(*lock), 8, "lock")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSleepInAtomic);
  EXPECT_NE(r.failure.message.find("1 raw spinlock(s) held"), std::string::npos) << r.failure.message;
}

TEST(Oracles, MutexUnderARawSpinlockIsSleepingInAtomic) {
  Machine m;
  kapi::raw_spinlock_t* lock = nullptr;
  kapi::mutex* mx = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        K::raw_spin_lock(lock);
        K::mutex_lock(mx);  // uncontended, but might_sleep() still objects
        K::mutex_unlock(mx);
        K::raw_spin_unlock(lock);
      }}},
      {}, 1, [&] {
        lock = static_cast<kapi::raw_spinlock_t*>(m.static_alloc(sizeof(*lock), 8, "lock"));
        mx = static_cast<kapi::mutex*>(m.static_alloc(sizeof(*mx), 8, "mutex"));
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSleepInAtomic);
  EXPECT_NE(r.failure.message.find("sleeping function called from invalid context"), std::string::npos)
      << r.failure.message;
}

TEST(Oracles, DeadlockOnTwoMutexesTakenInOppositeOrders) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  kapi::mutex *a = nullptr, *b = nullptr;
  auto body = [&](bool ab) {
    return [&, ab] {
      K::mutex_lock(ab ? a : b);
      m.sleep_ns(1000);  // let the other task take its first mutex
      K::mutex_lock(ab ? b : a);
      K::mutex_unlock(ab ? b : a);
      K::mutex_unlock(ab ? a : b);
    };
  };
  RunResult r = run_tasks(m, {{body(true), 0, true}, {body(false), 1, true}}, cfg, 1, [&] {
    a = static_cast<kapi::mutex*>(m.static_alloc(sizeof(*a), 8, "mutex A"));
    b = static_cast<kapi::mutex*>(m.static_alloc(sizeof(*b), 8, "mutex B"));
  });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kDeadlock);
  EXPECT_NE(r.failure.message.find("blocked on a mutex"), std::string::npos) << r.failure.message;
}

TEST(Oracles, PreemptCountImbalanceAtExit) {
  Machine m;
  RunResult r = run_tasks(m, {{[] {
                            K::preempt_disable();
                            K::cpu_relax();
                          }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kPreemptImbalance);
  EXPECT_NE(r.failure.message.find("preempt_count=1"), std::string::npos) << r.failure.message;
}

TEST(Oracles, PreemptCountUnderflow) {
  Machine m;
  RunResult r = run_tasks(m, {{[] { K::preempt_enable(); }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kPreemptImbalance);
}

TEST(Oracles, SynchronizeFromNonPreemptibleContext) {
  Machine m;
  V4 design;
  int* obj = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        K::preempt_disable();
        design.hazptr_synchronize(obj);
        K::preempt_enable();
      }}},
      {}, 1, [&] {
        design.hazptr_init();
        obj = static_cast<int*>(m.static_alloc(4, 4, "obj"));
      });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSyncNotPreemptible) << r.failure.message;
}

TEST(Oracles, CorrectRunsPassEveryCheck) {
  // The checks do not fire on a design and workload that are correct: v4-nopreempt on TORTURE.
  Machine m;
  for (int s = 1; s <= 10; ++s) {
    Params p;
    std::string err;
    ASSERT_TRUE(load_scenario("TORTURE", &p, &err));
    p.set("design", "v4-nopreempt", &err);
    p.set("seed", std::to_string(s), &err);
    ScenarioOutcome o = run_scenario(m, p);
    EXPECT_FALSE(o.run.failed) << "seed " << s << ": " << o.run.failure.message;
    EXPECT_GT(o.stats.reader_passes, 100);
    EXPECT_EQ(o.stats.writer_passes, 20);
  }
}

}  // namespace
}  // namespace hazsim
