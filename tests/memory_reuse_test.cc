// Memory that is reused (quarantine = N, kmalloc_fill = poison): freed objects come back from
// later kmallocs of their size class once past the quarantine, an access within the quarantine is
// still a use after free, uninitialised memory can be non-zero, and a reused object's previous
// life cannot be read back under weak. The default (quarantine = -1) never reuses.
#include <gtest/gtest.h>

#include <cstring>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "sched/sim_kernel.h"
#include "sim/weak_memory.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;

MachineConfig reusing(int64_t quarantine) {
  MachineConfig cfg;
  cfg.quarantine = quarantine;
  return cfg;
}

TEST(MemoryReuse, NeverByDefaultSoALateUseAfterFreeIsCaught) {
  Machine m;
  void *a = nullptr, *b = nullptr;
  RunResult r = run_tasks(m, {{[&] {
                            a = m.kmalloc(24, "a");
                            m.kfree(a);
                            b = m.kmalloc(24, "b");
                            K::write_once(static_cast<long*>(a), 1L);
                          }}});
  EXPECT_NE(a, b);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kUseAfterFree) << r.failure.message;
}

TEST(MemoryReuse, QuarantineZeroHandsTheObjectOutAgainAndTheStaleAccessMeetsIt) {
  Machine m;
  void *a = nullptr, *b = nullptr;
  long seen = -1;
  RunResult r = run_tasks(m, {{[&] {
                            a = m.kmalloc(24, "a");
                            K::write_once(static_cast<long*>(a), 5L);
                            m.kfree(a);
                            b = m.kmalloc(20, "b");  // the same size class (32)
                            K::write_once(static_cast<long*>(b), 7L);
                            seen = K::read_once(static_cast<long*>(a));  // through the stale pointer
                          }}},
                          reusing(0));
  EXPECT_EQ(a, b);
  EXPECT_FALSE(r.failed) << r.failure.message;
  EXPECT_EQ(seen, 7) << "the stale pointer reads the new object";
}

// A freed object waits until more than `quarantine` bytes of later frees have passed it; while it
// waits, an access to it is a use after free. Other size classes do not take it.
TEST(MemoryReuse, TheQuarantineHoldsFreedObjectsByBytesOldestFirst) {
  Machine m;
  void *x = nullptr, *y = nullptr, *z = nullptr, *first = nullptr, *second = nullptr, *other = nullptr;
  RunResult r = run_tasks(m, {{[&] {
                            x = m.kmalloc(32, "x");
                            y = m.kmalloc(32, "y");
                            z = m.kmalloc(32, "z");
                            m.kfree(x);
                            m.kfree(y);  // 64 bytes quarantined: both wait
                            other = m.kmalloc(32, "too early");
                            m.kfree(z);  // 96 > 64: x leaves the quarantine
                            first = m.kmalloc(32, "first");
                            second = m.kmalloc(64, "another class");
                            K::read_once(static_cast<long*>(y));  // y is still quarantined
                          }}},
                          reusing(64));
  EXPECT_NE(other, x);
  EXPECT_NE(other, y);
  EXPECT_EQ(first, x);
  EXPECT_NE(second, y);
  EXPECT_NE(second, z);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kUseAfterFree) << r.failure.message;
  EXPECT_NE(r.failure.message.find("(y at"), std::string::npos) << r.failure.message;
}

TEST(MemoryReuse, SizeClassesAreKmallocs) {
  EXPECT_EQ(Arena::size_class(1), 8u);
  EXPECT_EQ(Arena::size_class(40), 64u);
  EXPECT_EQ(Arena::size_class(65), 96u);
  EXPECT_EQ(Arena::size_class(150), 192u);
  EXPECT_EQ(Arena::size_class(193), 256u);
  EXPECT_EQ(Arena::size_class(3000), 4096u);
  // A reused object is as large as its new allocation: past it is a redzone.
  Machine m;
  void *a = nullptr, *b = nullptr;
  RunResult r = run_tasks(m, {{[&] {
                            a = m.kmalloc(60, "a");
                            m.kfree(a);
                            b = m.kmalloc(40, "b");
                            K::read_once(static_cast<long*>(b) + 6);  // bytes 48..55: a's, not b's
                          }}},
                          reusing(0));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.oracle, Oracle::kWildAccess) << r.failure.message;
}

// kmalloc_fill = poison: kmalloc()ed and on-stack memory holds 0x6b bytes until written, a reused
// object too; kzalloc() zeroes. Under the default, fresh and reused memory is zero.
TEST(MemoryReuse, UninitialisedMemoryHoldsThePoisonAndKzallocZeroes) {
  for (bool poison : {true, false}) {
    Machine m;
    MachineConfig cfg = reusing(0);
    cfg.poison_uninit = poison;
    long fresh = 0, reused = 0, zeroed = -1, stack = 0;
    RunResult r = run_tasks(m, {{[&] {
                              auto* a = static_cast<long*>(m.kmalloc(16, "a"));
                              fresh = K::read_once(a);
                              K::write_once(a, 5L);
                              m.kfree(a);
                              auto* b = static_cast<long*>(m.kmalloc(16, "b"));
                              reused = K::read_once(b);
                              auto* z = static_cast<long*>(K::kzalloc(16, "z"));
                              zeroed = K::read_once(z);
                              auto* s = static_cast<long*>(m.stack_alloc(16, "frame"));
                              stack = K::read_once(s);
                            }}},
                            cfg);
    EXPECT_FALSE(r.failed) << r.failure.message;
    const long want = poison ? 0x6b6b6b6b6b6b6b6bL : 0;
    EXPECT_EQ(fresh, want);
    EXPECT_EQ(reused, want) << "a reused object's old contents are not handed out";
    EXPECT_EQ(stack, want);
    EXPECT_EQ(zeroed, 0);
  }
}

// What kmalloc_fill = poison is for: an object published before its pointer field is written (an
// unordered publication, here in program order). A reader that follows the field finds NULL in
// zeroed memory and stops, so the bug hides; under poison it finds 0x6b6b..., a wild pointer, and
// the run fails. Over the same seeds: no failure under zero, a wild-access under poison.
TEST(MemoryReuse, PoisonMakesAnUninitialisedPointerAWildAccess) {
  struct Node {
    Node* next;
    long value;
  };
  for (bool poison : {false, true}) {
    int failures = 0;
    Oracle oracle = Oracle::kNone;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
      Machine m;
      MachineConfig cfg;
      cfg.cpus = 2;
      cfg.poison_uninit = poison;
      Node** head = nullptr;
      RunResult r = run_tasks(
          m,
          {{[&] {
              auto* n = static_cast<Node*>(m.kmalloc(sizeof(Node), "struct node"));
              K::write_once(head, n);  // the bug: published before n->next is set
              K::write_once(&n->next, static_cast<Node*>(nullptr));
            },
            0, true},
           {[&] {
              Node* n = nullptr;
              while (!(n = K::read_once(head)) && !m.stopping()) K::cpu_relax();
              if (Node* next = n ? K::read_once(&n->next) : nullptr) K::read_once(&next->value);
            },
            1, true}},
          cfg, seed, [&] { head = static_cast<Node**>(m.static_alloc(sizeof(Node*), 8, "head")); });
      if (r.failed && failures++ == 0) oracle = r.failure.oracle;
    }
    if (!poison) {
      EXPECT_EQ(failures, 0) << "zeroed memory hides the unset pointer";
    } else {
      EXPECT_GT(failures, 0) << "the poison must make the unset pointer visible";
      EXPECT_EQ(oracle, Oracle::kWildAccess);
    }
  }
}

// Under weak, a location's older messages may be read by a vCPU that has not seen the newer ones.
// An object's previous life must not be: the allocator's fill is a message every vCPU has.
TEST(MemoryReuse, WeakMemoryForgetsAReusedObjectsPreviousLife) {
  WeakMemory w;
  w.reset(3);
  alignas(8) static uint64_t word = 0;
  const uintptr_t a = uintptr_t(&word);
  w.commit(1, a, 0, 5, 0, WeakMemory::kNoSlot, 10);  // the old object's stores, from vCPU 1
  w.commit(1, a, 5, 0, 0, WeakMemory::kNoSlot, 11);
  EXPECT_EQ(w.options(2, a, a, 0).n, 3u) << "vCPU 2 may still read 5 or the initial 0";
  w.overwritten(a, 0, 12);  // freed and handed out again, zeroed
  EXPECT_EQ(w.options(2, a, a, 0).n, 1u);
  EXPECT_EQ(w.options(1, a, a, 0).n, 1u);
}

Params scenario(const char* scn, const char* design, int seed, std::vector<std::pair<const char*, std::string>> sets) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario(scn, &p, &err)) << err;
  sets.insert(sets.begin(), {{"design", design}, {"seed", std::to_string(seed)}});
  for (auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << k << ": " << err;
  return p;
}

// Finding 3 (v5's slow path claims a per-CPU item before Store B) leaves the item pointing at a
// freed GFP_ATOMIC ctx. Never reused, the hook's promotion through it is a use after free; with
// the slab handing the memory to the reader's next ctx, the same promotion chains that ctx's
// backup slot a second time: list corruption, as a kernel without KASAN would meet it. (Seed 1 of
// the fuzz default, portfolio, as `hazsim fuzz IRQ --design v5 --set quarantine=0` runs it.)
TEST(MemoryReuse, FindingThreeCorruptsTheOverflowListWhenTheStaleCtxIsReused) {
  Machine m;
  ScenarioOutcome kept = run_scenario(m, scenario("IRQ", "v5", 1, {{"strategy", "portfolio"}}));
  ASSERT_TRUE(kept.run.failed);
  EXPECT_EQ(kept.run.failure.oracle, Oracle::kUseAfterFree) << kept.run.failure.message;
  ScenarioOutcome reused = run_scenario(m, scenario("IRQ", "v5", 1, {{"strategy", "portfolio"}, {"quarantine", "0"}, {"kmalloc_fill", "poison"}}));
  ASSERT_TRUE(reused.run.failed);
  EXPECT_EQ(reused.run.failure.oracle, Oracle::kListCorruption) << reused.run.failure.message;
  EXPECT_NE(reused.run.failure.message.find("double add"), std::string::npos) << reused.run.failure.message;
  // A quarantine larger than the run's frees gives the use after free back.
  ScenarioOutcome quarantined = run_scenario(m, scenario("IRQ", "v5", 1, {{"strategy", "portfolio"}, {"quarantine", "100000000"}}));
  EXPECT_EQ(quarantined.run.failure.oracle, Oracle::kUseAfterFree) << quarantined.run.failure.message;
}

// Correct designs with heap ctxs and freed elements pass with immediate reuse and poisoned memory,
// under sc and weak (no false alarm from reuse).
TEST(MemoryReuse, CorrectDesignsPassWithImmediateReuseAndPoison) {
  Machine m;
  for (const char* model : {"sc", "weak"})
    for (auto [scn, design] : {std::pair{"TORTURE-HEAP", "v5"}, {"TORTURE-HEAP", "pertask"}, {"IRQ", "pertask"}})
      for (int seed = 1; seed <= 4; ++seed) {
        ScenarioOutcome o = run_scenario(
            m, scenario(scn, design, seed, {{"memory_model", model}, {"quarantine", "0"}, {"kmalloc_fill", "poison"}}));
        EXPECT_TRUE(o.error.empty()) << o.error;
        EXPECT_FALSE(o.run.failed) << scn << " " << design << " " << model << " seed " << seed << ": "
                                   << o.run.failure.message;
      }
}

}  // namespace
}  // namespace hazsim
