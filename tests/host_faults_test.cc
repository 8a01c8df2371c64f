// A design bug, however bad, is a report of the run and never a crash of hazsim (issue 12): a
// NULL dereference, a wild pointer, unbounded recursion, a loop with interrupts off and a loop with
// no shared access each end their run with the right oracle, and the machine runs the next run as if nothing happened.
// Each check also has its correct counterpart that passes.
#include <gtest/gtest.h>
#include <time.h>

#include "sched/sim_kernel.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "tests/task_harness.h"
#include "tests/sanitizers.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;

using testing::kAsan;

// A run after a failed one: the machine is whole again.
void expect_next_run_passes(Machine& m) {
  int* x = nullptr;
  RunResult r = run_tasks(m, {{[&] { K::write_once(x, 1); }}}, {}, 1,
                          [&] { x = static_cast<int*>(m.static_alloc(sizeof(int), 8, "x")); });
  EXPECT_FALSE(r.failed) << r.failure.message;
}

struct Node {
  Node* next;
  long value;
};

TEST(HostFaults, NullThroughTheKernelApiIsANullDeref) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] {
    Node* n = nullptr;
    (void)K::read_once(&n->value);  // NULL plus the field's offset
  }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNullDeref);
  EXPECT_NE(r.failure.message.find("NULL pointer dereference, address: 0x0000000000000008"), std::string::npos)
      << r.failure.message;
  EXPECT_NE(r.failure.site.find("host_faults_test.cc"), std::string::npos) << r.failure.site;
  expect_next_run_passes(m);
}

TEST(HostFaults, NullAtOffsetZeroIsANullDerefToo) {
  // The case that used to reach load_mem(nullptr): access() let a NULL address through.
  Machine m;
  RunResult r = run_tasks(m, {{[&] {
    Node* n = nullptr;
    K::write_once(&n->next, nullptr);
  }}});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNullDeref) << r.failure.message;
  expect_next_run_passes(m);
}

TEST(HostFaults, ADereferenceTheApiNeverSawIsCaughtByTheFaultHandler) {
  if (kAsan) GTEST_SKIP() << "under ASan its own SEGV report is the one wanted (sched/host_faults.cc)";
  Machine m;
  long* x = nullptr;
  RunResult r = run_tasks(m, {{[&] {
                            (void)K::read_once(x);  // a step first: the fault is in the middle of the run
                            volatile long* p = reinterpret_cast<volatile long*>(uintptr_t(0x10));
                            *p = 1;  // plain C++, not through the kernel API
                          }}},
                          {}, 1, [&] { x = static_cast<long*>(m.static_alloc(sizeof(long), 8, "x")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kNullDeref);
  EXPECT_NE(r.failure.message.find("did not see (host SIGSEGV)"), std::string::npos) << r.failure.message;
  expect_next_run_passes(m);

  // A canonical address nothing maps, and a non-canonical one (a poison value such as the
  // kernel's 0xdead000000000100 gives a general-protection fault, which carries no address).
  for (uintptr_t a : {uintptr_t(0x100000000000), uintptr_t(0xdead000000000100)}) {
    r = run_tasks(m, {{[&] {
      volatile long* p = reinterpret_cast<volatile long*>(a);
      (void)*p;
    }}});
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.failure.oracle, Oracle::kWildAccess) << r.failure.message;
    EXPECT_NE(r.failure.message.find("wild access: test/0 (pid 1)"), std::string::npos) << r.failure.message;
    expect_next_run_passes(m);
  }
}

TEST(HostFaults, ReadingAShadowedStaticIsNotAFault) {
  // The correct counterpart: the same kind of access to memory the machine owns.
  Machine m;
  long* p = nullptr;
  RunResult r = run_tasks(m, {{[&] { K::write_once(p, K::read_once(p) + 1); }}}, {}, 1,
                          [&] { p = static_cast<long*>(m.static_alloc(sizeof(long), 8, "p")); });
  EXPECT_FALSE(r.failed) << r.failure.message;
}

// Each level makes a shared access on the way down, as design code does (`pad` keeps the frames
// a realistic size), or none at all (`access` false).
int recurse(long* p, int depth, int limit, bool access) {
  volatile char pad[256];
  pad[0] = char(depth);
  if (depth == limit) return pad[0];
  int v = access ? int(K::read_once(p)) : 0;
  return recurse(p, depth + 1, limit, access) + v + pad[0];
}

TEST(HostFaults, UnboundedRecursionIsAStackOverflow) {
  Machine m;
  long* p = nullptr;
  auto boot = [&] { p = static_cast<long*>(m.static_alloc(sizeof(long), 8, "p")); };
  // Reported at an access, before the guard page: the same report in every build.
  RunResult r = run_tasks(m, {{[&] { (void)recurse(p, 0, 1 << 30, true); }}}, {}, 1, boot);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kStackOverflow);
  EXPECT_NE(r.failure.message.find("BUG: kernel stack overflow: test/0 (pid 1)"), std::string::npos)
      << r.failure.message;
  expect_next_run_passes(m);
  // Bounded recursion of the same shape is fine.
  r = run_tasks(m, {{[&] { (void)recurse(p, 0, 64, true); }}}, {}, 1, boot);
  EXPECT_FALSE(r.failed) << r.failure.message;
  if (kAsan) return;  // the guard page's fault is ASan's to report there
  // No access on the way down: the guard page catches it.
  r = run_tasks(m, {{[&] { (void)recurse(p, 0, 1 << 30, false); }}}, {}, 1, boot);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kStackOverflow);
  EXPECT_NE(r.failure.message.find("stack guard page was hit"), std::string::npos) << r.failure.message;
  expect_next_run_passes(m);
}

TEST(HostFaults, SpinningForeverWithInterruptsOffIsAHardLockup) {
  Machine m;
  int* flag = nullptr;
  MachineConfig cfg;
  cfg.cpus = 2;
  cfg.lockup_steps = 200'000;
  auto boot = [&] { flag = static_cast<int*>(m.static_alloc(sizeof(int), 8, "flag")); };
  RunResult r = run_tasks(m, {{[&] {
                            unsigned long flags;
                            K::local_irq_save(flags);
                            while (K::read_once(flag) == 0) K::cpu_relax();  // nobody sets it
                          }}},
                          cfg, 1, boot);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kLockup) << r.failure.message;
  EXPECT_NE(r.failure.message.find("hard LOCKUP on cpu"), std::string::npos) << r.failure.message;
  EXPECT_LT(r.steps, cfg.max_steps);
  // Interrupts off in a loop, but back on between rounds, for just as long: no lockup.
  r = run_tasks(m, {{[&] {
                  for (int i = 0; i < 100'000; ++i) {
                    unsigned long flags;
                    K::local_irq_save(flags);
                    (void)K::read_once(flag);
                    (void)K::read_once(flag);
                    K::local_irq_restore(flags);
                  }
                }}},
                cfg, 1, boot);
  EXPECT_FALSE(r.failed) << r.failure.message;
  EXPECT_GT(r.steps, cfg.lockup_steps);
}

// The design mutation of issue 12: v4's acquire without guard(preempt). The hook dereferences a
// ctx->slot that is still NULL; the run reports it, and its schedule replays to the same report.
TEST(HostFaults, AcquireWithoutItsPreemptGuardIsAReportThatReplays) {
  Machine m;
  for (int seed = 1; seed <= 40; ++seed) {
    Params p;
    std::string err;
    ASSERT_TRUE(load_scenario("TORTURE", &p, &err)) << err;
    ASSERT_TRUE(p.set("design", "inj-acquire-no-guard", &err)) << err;
    ASSERT_TRUE(p.set("seed", std::to_string(seed), &err)) << err;
    ScenarioOutcome o = run_scenario(m, p);
    ASSERT_TRUE(o.error.empty()) << o.error;
    if (o.run.failure.oracle != Oracle::kNullDeref) continue;
    EXPECT_NE(o.run.failure.site.find("hazptr_note_context_switch"), std::string::npos) << o.run.failure.site;
    ScenarioOutcome again = run_scenario(m, p, &o.decisions);
    EXPECT_EQ(again.run.failure.oracle, Oracle::kNullDeref);
    EXPECT_EQ(again.run.hash, o.run.hash);
    return;
  }
  FAIL() << "no null-deref in 40 seeds";
}

// A loop that makes no shared access never reaches a step, where every other oracle looks: the
// thread's CPU-time watchdog ends the run with a lockup report at the task's last step. Work
// without steps that stays under the bound, with a step between, is not one.
uint64_t cpu_ms_now() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

TEST(HostFaults, ALoopWithNoSharedAccessIsASoftLockup) {
  if (kAsan) GTEST_SKIP() << "no host-fault handlers under AddressSanitizer";
  Machine m;
  MachineConfig cfg;
  cfg.host_hang_ms = 300;
  volatile bool forever = true;
  int* x = nullptr;
  RunResult r = run_tasks(
      m, {{[&] {
        K::write_once(x, 1);
        while (forever) {
        }
      }}},
      cfg, 1, [&] { x = static_cast<int*>(m.static_alloc(sizeof(int), 8, "x")); });
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kLockup) << r.failure.message;
  EXPECT_NE(r.failure.message.find("without a step"), std::string::npos) << r.failure.message;
  EXPECT_NE(r.failure.site.find("host_faults_test.cc"), std::string::npos) << r.failure.site;
  expect_next_run_passes(m);

  auto busy = [](uint64_t ms) {
    for (uint64_t until = cpu_ms_now() + ms; cpu_ms_now() < until;) {
    }
  };
  r = run_tasks(m, {{[&] {
        busy(150);
        K::write_once(x, 2);
        busy(150);
        K::write_once(x, 3);
      }}},
                cfg, 1, [&] { x = static_cast<int*>(m.static_alloc(sizeof(int), 8, "x")); });
  EXPECT_FALSE(r.failed) << r.failure.message;
}

}  // namespace
}  // namespace hazsim
