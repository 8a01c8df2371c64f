// Weak memory finds missing barriers: a design with a barrier removed (or a release store or an
// acquire load made plain) fails under the memory model that can reorder across it, and never
// under sc, on the same seeds. The unmutated design passes under every model.
#include <gtest/gtest.h>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

struct Case {
  const char* scenario;
  const char* mutate;
  std::vector<std::pair<const char*, const char*>> sets;
  const char* design = "v4-nopreempt";
};

// Failures over seeds 1..n (up to the first when stop_at_first); the first failing oracle in *oracle.
int failures(const Case& c, const char* model, int n, Oracle* oracle = nullptr, bool stop_at_first = false,
             std::string* message = nullptr) {
  Machine m;
  int failed = 0;
  for (int seed = 1; seed <= n; ++seed) {
    Params p;
    std::string err;
    EXPECT_TRUE(load_scenario(c.scenario, &p, &err)) << err;
    EXPECT_TRUE(p.set("design", c.design, &err)) << err;
    EXPECT_TRUE(p.set("memory_model", model, &err)) << err;
    EXPECT_TRUE(p.set("mutate", c.mutate, &err)) << err;
    for (auto& [k, v] : c.sets) EXPECT_TRUE(p.set(k, v, &err)) << err;
    p.set("seed", std::to_string(seed), &err);
    ScenarioOutcome o = run_scenario(m, p);
    if (o.run.failed) {
      if (oracle && failed == 0) *oracle = o.run.failure.oracle;
      if (message && failed == 0) *message = o.run.failure.message;
      ++failed;
      if (stop_at_first) break;
    }
  }
  return failed;
}

// Reader's Store B; smp_mb(); Load A, with the smp_mb() gone: Store B can still sit in the store
// buffer when the scan reads the slot, while Load A saw the old pointer.
TEST(MemoryModel, MissingReaderSmpMbIsCaughtUnderTsoNotSc) {
  Case c{"WEAK", "drop-mb@hazptr_acquire", {}};
  Oracle o = Oracle::kNone;
  EXPECT_GE(failures(c, "tso", 100, &o), 1);  // about one run in eight fails
  EXPECT_EQ(o, Oracle::kSyncReturnedEarly);
  EXPECT_EQ(failures(c, "sc", 30), 0);
}

// Store A; smp_mb(); Load B in hazptr_synchronize(), with the smp_mb() gone: the scan can read a
// slot before Store A leaves the writer's store buffer.
TEST(MemoryModel, MissingSynchronizeSmpMbIsCaughtUnderTsoNotSc) {
  Case c{"WEAK", "drop-mb@hazptr_synchronize", {{"drain_prob", "0.002"}}};
  Oracle o = Oracle::kNone;
  EXPECT_GE(failures(c, "tso", 80, &o), 1);
  EXPECT_EQ(o, Oracle::kSyncReturnedEarly);
  EXPECT_EQ(failures(c, "sc", 80), 0);
}

// The overflow-list unlock in hazptr_unchain_backup_slot() made a plain store: under pso it can
// drain before list_del()'s stores, and a scanner that takes the lock walks a half-unlinked list.
TEST(MemoryModel, PlainUnlockInUnchainIsCaughtUnderPsoNotTsoOrSc) {
  Case c{"NESTING", "plain-release@hazptr_unchain_backup_slot", {}};
  EXPECT_GE(failures(c, "pso", 20), 1);
  EXPECT_EQ(failures(c, "tso", 20), 0);
  EXPECT_EQ(failures(c, "sc", 20), 0);
}

// The writer's publish (smp_store_release(&hazptr_torture_current, rp)) made plain: under pso a
// reader can see the recycled element before its pipe count is reset.
TEST(MemoryModel, PlainPublishIsCaughtUnderPsoNotTso) {
  Case c{"WEAK", "plain-release@replace", {{"pool", "12"}, {"drain_prob", "0.1"}, {"reader_udelay", "0"}}};
  Oracle o = Oracle::kNone;
  EXPECT_GE(failures(c, "pso", 40, &o), 1);
  EXPECT_EQ(o, Oracle::kPipeCount);
  EXPECT_EQ(failures(c, "tso", 40), 0);
}

// The read side of v5's pairing, visible only when loads reorder (weak). The scan reads each
// per-CPU slot with smp_cond_load_acquire() before the overflow lists; made plain, a scan that
// sees a slot the hook has just cleared may still read the backup slot the hook filled before it
// as empty, and returns while the preempted reader holds the pointer.
TEST(MemoryModel, PlainAcquireInTheScanIsCaughtUnderWeakOnly) {
  Case c{"NESTING", "plain-acquire@hazptr_synchronize_cpu_slots", {{"strategy", "portfolio"}}, "v5"};
  Oracle o = Oracle::kNone;
  // Rare since the tick and the idle task's hook changed the schedules: ~1 run in 130 fails.
  // Stopped at the first: 400 runs took 20 s optimised and past the 300 s timeout under ASan.
  EXPECT_GE(failures(c, "weak", 400, &o, true), 1);
  EXPECT_TRUE(o == Oracle::kSyncReturnedEarly || o == Oracle::kPipeCount) << oracle_name(o);
  EXPECT_EQ(failures(c, "pso", 60), 0);
  EXPECT_EQ(failures(c, "sc", 60), 0);
}

// The other half of that pair: the hook's smp_store_release() of the cleared per-CPU slot, which
// orders the copy into the backup slot before it. Plain, a scanner's acquire of the cleared slot
// no longer brings the copy with it.
TEST(MemoryModel, PlainReleaseInTheHookIsCaughtUnderWeakOnly) {
  Case c{"NESTING", "plain-release@hazptr_promote_to_backup_slot", {{"strategy", "portfolio"}}, "v5"};
  // About one run in 120 fails since smp_mb() became the LKMM's strong fence (one in 60 before).
  EXPECT_GE(failures(c, "weak", 600, nullptr, true), 1);
  EXPECT_EQ(failures(c, "pso", 60), 0);
  EXPECT_EQ(failures(c, "sc", 60), 0);
}

// Load buffering: hazptr_release()'s smp_store_release() made plain. The reader's last loads
// of the object (the pipe count) may then be satisfied after the cleared slot is visible to a
// scan, which returns while the reader still reads the object. Only weak reorders a load with a
// later store; the release store orders them, so v5 as posted passes on the same seeds.
TEST(MemoryModel, PlainReleaseInReleaseIsCaughtUnderWeakOnly) {
  Case c{"TORTURE", "plain-release@hazptr_release", {{"strategy", "portfolio"}}, "v5"};
  Oracle o = Oracle::kNone;
  std::string message;
  EXPECT_GE(failures(c, "weak", 60, &o, true, &message), 1);  // about one run in six fails
  EXPECT_EQ(o, Oracle::kSyncReturnedEarly);
  EXPECT_NE(message.find("load buffering"), std::string::npos) << message;
  EXPECT_EQ(failures(c, "pso", 30), 0);
  EXPECT_EQ(failures(c, "sc", 30), 0);
  EXPECT_EQ(failures({"TORTURE", "none", {}, "v5"}, "weak", 30), 0);
}

// The phased designs' synchronize: Store A, smp_mb(), then mutex_lock(&phase_lock) before the
// scans. Without the smp_mb() only the lock's acquire is left, which orders nothing before it
// (the LKMM's po-unlock-lock-po needs an unlock first), so the scans may miss a reader's slot
// (SB). Under sc, tso and pso the lock is a locked instruction and a full barrier.
TEST(MemoryModel, MissingSynchronizeSmpMbInThePhasedDesignIsCaughtUnderWeakOnly) {
  Case c{"TORTURE", "drop-mb@hazptr_synchronize", {{"strategy", "portfolio"}}, "listphase"};
  Oracle o = Oracle::kNone;
  EXPECT_GE(failures(c, "weak", 600, &o, true), 1);  // about one run in 130
  EXPECT_TRUE(o == Oracle::kSyncReturnedEarly || o == Oracle::kPipeCount) << oracle_name(o);
  EXPECT_EQ(failures(c, "pso", 20), 0);
  EXPECT_EQ(failures(c, "sc", 20), 0);
}

TEST(MemoryModel, UnmutatedDesignPassesUnderEveryModel) {
  for (const char* model : {"sc", "tso", "pso", "weak"}) {
    EXPECT_EQ(failures({"WEAK", "none", {}}, model, 15), 0) << model;
    EXPECT_EQ(failures({"NESTING", "none", {}}, model, 10), 0) << model;
  }
}

}  // namespace
}  // namespace hazsim
