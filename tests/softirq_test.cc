// Softirqs and timer_lists (sched/softirq.cc) as the designs and workloads meet them: a timer's
// callback runs in TIMER_SOFTIRQ on its CPU, on top of the idle task there too; hardirqs nest on
// top of a softirq; in_interrupt()/in_softirq()/in_serving_softirq()/in_hardirq()/in_task()
// answer as the kernel's do; local_bh_disable() holds softirqs back until local_bh_enable() runs
// them; and a softirq that sleeps, or spins on a lock its interrupted task holds, is reported.
#include <gtest/gtest.h>

#include "sched/sim_kernel.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;

struct Context {
  int cpu = -1;
  bool hardirq = false, softirq = false, serving = false, interrupt = false, task = true, irqs_off = true;
  std::string current;
  uint64_t now = 0;
};

Context context_here() {
  Machine& m = Machine::current();
  return {m.smp_processor_id(), K::in_hardirq(),    K::in_softirq(),     K::in_serving_softirq(),
          K::in_interrupt(),    K::in_task(),       m.irqs_disabled(),   m.current_task()->name,
          m.now_ns()};
}

// A timer armed on a vCPU that runs no task: its callback runs there, after its expiry, in
// softirq context with interrupts on, and current is that vCPU's idle task.
TEST(Softirq, TimerCallbackRunsInTimerSoftirqOnItsCpu) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static Context seen;
  static bool pending_inside;
  seen = {};
  pending_inside = true;
  static Machine::TimerList timer;
  uint64_t armed_at = 0;
  RunResult r = run_tasks(m,
                          {{[&] {
                              timer = {};
                              timer.fn = [](Machine::TimerList* t) {
                                seen = context_here();
                                pending_inside = t->pending;
                              };
                              armed_at = m.now_ns();
                              m.add_timer_on(&timer, 1, 500);
                              Context before = context_here();
                              EXPECT_TRUE(before.task);
                              EXPECT_FALSE(before.interrupt);
                              while (seen.cpu < 0 && !m.stopping()) m.sleep_ns(100);
                            },
                            0, true}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_EQ(seen.cpu, 1);
  EXPECT_TRUE(seen.softirq);
  EXPECT_TRUE(seen.serving);
  EXPECT_TRUE(seen.interrupt);
  EXPECT_FALSE(seen.hardirq);
  EXPECT_FALSE(seen.task);
  EXPECT_FALSE(seen.irqs_off);
  EXPECT_EQ(seen.current, "swapper/1");
  EXPECT_GE(seen.now, armed_at + 500);
  EXPECT_FALSE(pending_inside) << "the timer is detached before its function runs";
}

// del_timer() before the expiry: the callback never runs. mod_timer() of a pending timer moves
// its expiry: the callback runs once, after the new one, also when the old expiry's interrupt is
// already queued (here on the task's own vCPU, held off with interrupts disabled).
TEST(Softirq, DelTimerCancelsAndModTimerMovesTheExpiry) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static int runs;
  static uint64_t ran_at;
  runs = 0;
  ran_at = 0;
  static Machine::TimerList timer;
  bool del_was_pending = false, mod_was_pending = false, pending_after_del = true;
  uint64_t moved_to = 0;
  RunResult r = run_tasks(m,
                          {{[&] {
                              timer = {};
                              timer.fn = [](Machine::TimerList*) {
                                ++runs;
                                ran_at = Machine::current().now_ns();
                              };
                              m.add_timer_on(&timer, 1, 200);
                              del_was_pending = m.del_timer(&timer);
                              pending_after_del = timer.pending;
                              m.sleep_ns(1000);  // past the cancelled expiry
                              EXPECT_EQ(runs, 0) << "a cancelled timer ran";
                              m.local_irq_disable();
                              m.add_timer_on(&timer, 0, 0);
                              for (int i = 0; i < 10; ++i) K::cpu_relax();  // it expires: its tick interrupt waits
                              mod_was_pending = m.mod_timer(&timer, 2000);
                              moved_to = timer.expires;
                              m.local_irq_enable();
                              for (int i = 0; i < 10; ++i) K::cpu_relax();  // the old tick's softirq runs here
                              EXPECT_EQ(runs, 0) << "it ran at its old expiry";
                              m.sleep_ns(5000);
                            },
                            0, true}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_TRUE(del_was_pending);
  EXPECT_FALSE(pending_after_del);
  EXPECT_TRUE(mod_was_pending);
  EXPECT_EQ(runs, 1);
  EXPECT_GE(ran_at, moved_to) << "it ran at its first expiry, before mod_timer()'s";
}

// An IPI that reaches a vCPU while a softirq runs there runs on top of it: in_hardirq() and
// in_serving_softirq() both hold in its handler.
TEST(Softirq, HardirqNestsOnTopOfASoftirq) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static Context in_ipi;
  static bool callback_started, ipi_ran, callback_done;
  in_ipi = {};
  callback_started = ipi_ran = callback_done = false;
  static Machine::TimerList timer;
  RunResult r = run_tasks(m,
                          {{[&] {
                              timer = {};
                              timer.fn = [](Machine::TimerList*) {
                                callback_started = true;
                                for (int i = 0; i < 100000 && !ipi_ran; ++i) K::cpu_relax();
                                callback_done = true;
                              };
                              m.add_timer_on(&timer, 1, 100);
                              while (!callback_started && !m.stopping()) m.sleep_ns(50);
                              m.smp_call_function_single(1, [](void*) {
                                in_ipi = context_here();
                                ipi_ran = true;
                              }, nullptr, true);
                              while (!callback_done && !m.stopping()) m.sleep_ns(50);
                            },
                            0, true}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  ASSERT_TRUE(ipi_ran);
  EXPECT_EQ(in_ipi.cpu, 1);
  EXPECT_TRUE(in_ipi.hardirq);
  EXPECT_TRUE(in_ipi.serving) << "the IPI interrupted the timer's softirq";
  EXPECT_TRUE(in_ipi.interrupt);
  EXPECT_FALSE(in_ipi.task);
}

// Control for the test above: an IPI to an idle vCPU with no softirq running is a plain hardirq.
TEST(Softirq, AnIpiOutsideASoftirqIsNotServingOne) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static Context in_ipi;
  in_ipi = {};
  RunResult r = run_tasks(m,
                          {{[&] {
                              m.smp_call_function_single(1, [](void*) { in_ipi = context_here(); }, nullptr, true);
                            },
                            0, true}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_TRUE(in_ipi.hardirq);
  EXPECT_FALSE(in_ipi.serving);
  EXPECT_FALSE(in_ipi.softirq);
}

// local_bh_disable() holds a raised softirq back; the local_bh_enable() that re-enables softirqs
// runs it before it returns.
TEST(Softirq, LocalBhEnableRunsWhatWasRaisedMeanwhile) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Machine m;
    MachineConfig cfg;
    cfg.cpus = 2;
    static Context in_handler;
    static bool ran;
    in_handler = {};
    ran = false;
    bool ran_while_disabled = false, ran_by_enable = false;
    Context disabled;
    RunResult r = run_tasks(m,
                            {{[&] {
                                K::local_bh_disable();
                                disabled = context_here();
                                m.raise_softirq([](void*) {
                                  in_handler = context_here();
                                  ran = true;
                                }, nullptr);
                                for (int i = 0; i < 300; ++i) K::cpu_relax();
                                ran_while_disabled = ran;
                                K::local_bh_enable();
                                ran_by_enable = ran;
                              },
                              0, true}},
                            cfg, seed);
    ASSERT_FALSE(r.failed) << r.failure.message;
    EXPECT_TRUE(disabled.softirq && disabled.interrupt && !disabled.serving && disabled.task)
        << "with softirqs disabled a task is in_softirq() and in_interrupt(), not serving one";
    EXPECT_FALSE(ran_while_disabled) << "seed " << seed;
    EXPECT_TRUE(ran_by_enable) << "seed " << seed;
    EXPECT_TRUE(in_handler.serving);
    EXPECT_EQ(in_handler.cpu, 0);
  }
}

// Raised from task context with softirqs on (where the kernel wakes ksoftirqd), the handler runs
// at a later step on the same vCPU, in softirq context.
TEST(Softirq, RaisedFromTaskContextRunsLaterOnTheSameCpu) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static Context in_handler;
  in_handler = {};
  RunResult r = run_tasks(m,
                          {{[&] {
                              m.raise_softirq([](void*) { in_handler = context_here(); }, nullptr);
                              for (int i = 0; i < 100000 && in_handler.cpu < 0; ++i) K::cpu_relax();
                            },
                            1, true}},
                          cfg);
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_EQ(in_handler.cpu, 1);
  EXPECT_TRUE(in_handler.serving);
  EXPECT_EQ(in_handler.current, "test/0") << "it runs on top of the task that raised it";
}

TEST(Softirq, SleepingInATimerCallbackIsReported) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static Machine::TimerList timer;
  RunResult r = run_tasks(m,
                          {{[&] {
                              timer = {};
                              timer.fn = [](Machine::TimerList*) { Machine::current().sleep_ns(10); };
                              m.add_timer_on(&timer, 1, 100);
                              m.sleep_ns(10000);
                            },
                            0, true}},
                          cfg);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSleepInAtomic) << r.failure.message;
  EXPECT_NE(r.failure.message.find("softirq context"), std::string::npos) << r.failure.message;
}

TEST(Softirq, MightSleepWithSoftirqsDisabledIsReported) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] {
                            K::local_bh_disable();
                            m.might_sleep();
                            K::local_bh_enable();
                          }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kSleepInAtomic) << r.failure.message;
  EXPECT_NE(r.failure.message.find("softirqs disabled"), std::string::npos) << r.failure.message;
}

TEST(Softirq, LocalBhEnableWithoutDisableIsAnImbalance) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] { K::local_bh_enable(); }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kPreemptImbalance) << r.failure.message;
}

// A timer callback that takes a spinlock the task it interrupted holds spins for ever: reported
// as the self-deadlock it is. With the task's section under local_bh_disable() (spin_lock_bh),
// the callback runs after it and nothing is reported.
RunResult lock_against_own_timer(bool bh_off) {
  Machine m;
  MachineConfig cfg;
  cfg.cpus = 2;
  static kapi::raw_spinlock_t* lock;
  static Machine::TimerList timer;
  static bool done;
  done = false;
  return run_tasks(
      m,
      {{[bh_off] {
          Machine& mm = Machine::current();
          timer = {};
          timer.fn = [](Machine::TimerList*) {
            K::raw_spin_lock(lock);
            K::raw_spin_unlock(lock);
            done = true;
          };
          if (bh_off) K::local_bh_disable();
          K::raw_spin_lock(lock);
          mm.add_timer_on(&timer, 1, 10);
          for (int i = 0; i < 2000; ++i) K::cpu_relax();  // the timer expires meanwhile
          K::raw_spin_unlock(lock);
          if (bh_off) K::local_bh_enable();
          while (!done && !mm.stopping()) mm.sleep_ns(100);
        },
        1, true}},
      cfg, 1, [&] {
        lock = static_cast<kapi::raw_spinlock_t*>(m.static_alloc(sizeof(kapi::raw_spinlock_t), 8, "lock"));
      });
}

TEST(Softirq, CallbackSpinningOnALockItsTaskHoldsIsADeadlock) {
  RunResult r = lock_against_own_timer(false);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kDeadlock) << r.failure.message;
  EXPECT_NE(r.failure.message.find("a softirq handler"), std::string::npos) << r.failure.message;
  RunResult bh = lock_against_own_timer(true);
  EXPECT_FALSE(bh.failed) << bh.failure.message;
}

// No preemption while softirqs are disabled: on one vCPU, the other task makes no step during a
// local_bh_disable() section in any seed, while the same loop with softirqs on is preempted.
int seeds_where_the_section_was_preempted(bool bh_off) {
  int preempted = 0;
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    Machine m;
    MachineConfig cfg;
    cfg.cpus = 1;
    long other = 0, seen_before = 0, seen_after = 0;
    RunResult r = run_tasks(m,
                            {{[&] {
                               if (bh_off) K::local_bh_disable();
                               seen_before = other;
                               for (int i = 0; i < 3000; ++i) K::cpu_relax();
                               seen_after = other;
                               if (bh_off) K::local_bh_enable();
                             }},
                             {[&] {
                               for (int i = 0; i < 3000; ++i, ++other) K::cpu_relax();
                             }}},
                            cfg, seed);
    EXPECT_FALSE(r.failed) << r.failure.message;
    preempted += seen_after != seen_before;
  }
  return preempted;
}

TEST(Softirq, NoPreemptionWithSoftirqsDisabled) {
  EXPECT_GT(seeds_where_the_section_was_preempted(false), 0);
  EXPECT_EQ(seeds_where_the_section_was_preempted(true), 0);
}

}  // namespace
}  // namespace hazsim
