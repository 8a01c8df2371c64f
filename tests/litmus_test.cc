// Litmus tests: every schedule of each small test is explored, and each memory model must allow
// exactly the outcomes it should. Tasks are pinned, one per vCPU; the choices that branch are
// which vCPU steps, which store buffer drains, and (pso) which eligible store drains.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <utility>

#include "explore/bounded.h"
#include "sched/sim_kernel.h"

namespace hazsim {
namespace {

using K = SimKernel;
using Outcome = std::pair<long, long>;

struct Vars {
  long* x;
  long* y;
};

using Body = std::function<void(const Vars&, long* r)>;

// Explores every schedule of two (or more) bodies under `model`; returns the set of (r0, r1).
std::set<Outcome> explore(MemoryModel model, std::vector<Body> bodies, uint64_t* runs = nullptr) {
  Machine m;
  std::set<Outcome> outcomes;
  static thread_local std::vector<Body>* tl_bodies;
  static thread_local Vars tl_vars;
  static thread_local long tl_r[4];
  tl_bodies = &bodies;
  const uint32_t mask = choice_bit(Choice::kCpu) | choice_bit(Choice::kDrain) | choice_bit(Choice::kDrainEntry);
  ExploreResult res = explore_all(m.decisions(), 2'000'000, [&](const std::vector<uint16_t>& prefix) {
    MachineConfig cfg;
    cfg.cpus = int(bodies.size());
    cfg.memory_model = model;
    m.reset(cfg);
    m.decisions().start_explore(&prefix, mask);
    tl_vars.x = static_cast<long*>(m.static_alloc(sizeof(long), 64, "x"));
    tl_vars.y = static_cast<long*>(m.static_alloc(sizeof(long), 64, "y"));
    for (long& r : tl_r) r = -1;
    for (size_t i = 0; i < bodies.size(); ++i)
      m.create_task("litmus", [](void* a) {
        size_t k = reinterpret_cast<size_t>(a);
        (*tl_bodies)[k](tl_vars, &tl_r[k]);
      }, reinterpret_cast<void*>(i), int(i), true);
    RunResult rr = m.run();
    EXPECT_FALSE(rr.failed) << rr.failure.message;
    outcomes.insert({tl_r[0], tl_r[1]});
  });
  EXPECT_TRUE(res.exhausted) << "the litmus test's schedule space was not covered";
  if (runs) *runs = res.runs;
  return outcomes;
}

// Store buffering: each thread stores to one variable and loads the other.
std::vector<Body> sb(bool with_mb) {
  return {[=](const Vars& v, long* r) {
            K::write_once(v.x, 1);
            if (with_mb) K::smp_mb();
            *r = K::read_once(v.y);
          },
          [=](const Vars& v, long* r) {
            K::write_once(v.y, 1);
            if (with_mb) K::smp_mb();
            *r = K::read_once(v.x);
          }};
}

TEST(Litmus, StoreBufferingIsForbiddenUnderSc) {
  auto o = explore(MemoryModel::kSC, sb(false));
  EXPECT_FALSE(o.count({0, 0}));
  EXPECT_TRUE(o.count({1, 1}));
  EXPECT_TRUE(o.count({0, 1}));
  EXPECT_TRUE(o.count({1, 0}));
}

TEST(Litmus, StoreBufferingIsAllowedUnderTsoAndPsoWithoutBarriers) {
  uint64_t runs = 0;
  EXPECT_TRUE(explore(MemoryModel::kTSO, sb(false), &runs).count({0, 0}));
  EXPECT_GT(runs, 10u);
  EXPECT_TRUE(explore(MemoryModel::kPSO, sb(false)).count({0, 0}));
}

TEST(Litmus, StoreBufferingIsForbiddenWithSmpMb) {
  for (MemoryModel mm : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO}) {
    auto o = explore(mm, sb(true));
    EXPECT_FALSE(o.count({0, 0})) << memory_model_name(mm);
    EXPECT_TRUE(o.count({1, 1})) << memory_model_name(mm);
  }
}

TEST(Litmus, StoreBufferingIsForbiddenWithXchg) {
  // A value-returning atomic is a full barrier: its vCPU's buffered stores drain first.
  auto body = [](bool first) {
    return [=](const Vars& v, long* r) {
      (void)K::xchg(first ? v.x : v.y, 1L);
      *r = K::read_once(first ? v.y : v.x);
    };
  };
  for (MemoryModel mm : {MemoryModel::kTSO, MemoryModel::kPSO})
    EXPECT_FALSE(explore(mm, {body(true), body(false)}).count({0, 0})) << memory_model_name(mm);
}

enum class MpOrder { kNone, kWmb, kRelease };

// Message passing: data, then flag; the reader reads flag, then data.
std::vector<Body> mp(MpOrder order) {
  return {[=](const Vars& v, long* r) {
            K::write_once(v.x, 1);  // data
            if (order == MpOrder::kWmb) K::smp_wmb();
            if (order == MpOrder::kRelease)
              K::store_release(v.y, 1L);
            else
              K::write_once(v.y, 1);  // flag
            *r = 0;
          },
          [=](const Vars& v, long* r) {
            long flag = K::load_acquire(v.y);
            long data = K::read_once(v.x);
            *r = flag * 10 + data;  // 10: flag seen without the data
          }};
}

bool mp_violated(const std::set<Outcome>& o) {
  for (auto [r0, r1] : o)
    if (r1 == 10) return true;
  return false;
}

TEST(Litmus, MessagePassingIsForbiddenUnderScAndTso) {
  EXPECT_FALSE(mp_violated(explore(MemoryModel::kSC, mp(MpOrder::kNone))));
  EXPECT_FALSE(mp_violated(explore(MemoryModel::kTSO, mp(MpOrder::kNone))));
}

TEST(Litmus, MessagePassingIsAllowedUnderPsoWithoutOrdering) {
  auto o = explore(MemoryModel::kPSO, mp(MpOrder::kNone));
  EXPECT_TRUE(mp_violated(o));
  EXPECT_TRUE(o.count({0, 11}));  // and the ordinary outcomes too
  EXPECT_TRUE(o.count({0, 0}));
}

TEST(Litmus, MessagePassingIsForbiddenUnderPsoWithWmbOrRelease) {
  EXPECT_FALSE(mp_violated(explore(MemoryModel::kPSO, mp(MpOrder::kWmb))));
  EXPECT_FALSE(mp_violated(explore(MemoryModel::kPSO, mp(MpOrder::kRelease))));
}

// The deferred hand-off of the DETACH workload: a task writes, then hands a node over with
// llist_add(); the taker llist_del_all()s and reads. llist_add()'s cmpxchg is a full barrier, so
// no schedule lets the taker see the list entry and the old value. Published with a plain store
// instead (what the old host-side hand-off amounted to), pso lets the stores drain out of order.
std::vector<Body> llist_handoff(bool plain) {
  return {[=](const Vars& v, long* r) {
            auto* node = static_cast<kapi::llist_node*>(Machine::current().kmalloc(sizeof(kapi::llist_node), "node"));
            auto* head = reinterpret_cast<kapi::llist_head*>(v.y);
            K::write_once(v.x, 1);
            if (plain) K::write_once(&head->first, node);
            else kapi::llist_add<K>(node, head);
            *r = -1;
          },
          [=](const Vars& v, long* r) {
            auto* head = reinterpret_cast<kapi::llist_head*>(v.y);
            kapi::llist_node* n = plain ? K::read_once(&head->first) : kapi::llist_del_all<K>(head);
            *r = n ? K::read_once(v.x) : -1;
          }};
}

TEST(Litmus, LlistHandOffOrdersWhatTheAdderWroteBefore) {
  for (MemoryModel mm : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO}) {
    auto o = explore(mm, llist_handoff(false));
    EXPECT_FALSE(o.count({-1, 0})) << memory_model_name(mm) << ": the taker saw the node but not the write";
    EXPECT_TRUE(o.count({-1, 1})) << memory_model_name(mm);
  }
  EXPECT_TRUE(explore(MemoryModel::kPSO, llist_handoff(true)).count({-1, 0}));
}

TEST(Litmus, AThreadReadsItsOwnBufferedStore) {
  // Store-to-load forwarding: a thread never reads an older value than its own last store.
  for (MemoryModel mm : {MemoryModel::kTSO, MemoryModel::kPSO}) {
    auto o = explore(mm, {[](const Vars& v, long* r) {
                            K::write_once(v.x, 1);
                            K::write_once(v.x, 2);
                            *r = K::read_once(v.x);
                          },
                          [](const Vars& v, long* r) { *r = K::read_once(v.x); }});
    for (auto [r0, r1] : o) EXPECT_EQ(r0, 2) << memory_model_name(mm);
    EXPECT_TRUE(o.count({2, 0})) << memory_model_name(mm);
  }
}

TEST(Litmus, StoresToOneLocationStayInOrder) {
  // Coherence: even under pso, two stores to x drain in program order, so a reader that sees the
  // second never sees the first afterwards.
  auto o = explore(MemoryModel::kPSO, {[](const Vars& v, long* r) {
                                         K::write_once(v.x, 1);
                                         K::write_once(v.x, 2);
                                         *r = 0;
                                       },
                                       [](const Vars& v, long* r) {
                                         long a = K::read_once(v.x);
                                         long b = K::read_once(v.x);
                                         *r = a * 10 + b;
                                       }});
  EXPECT_FALSE(o.count({0, 21}));
  EXPECT_FALSE(o.count({0, 10}));
  EXPECT_FALSE(o.count({0, 20}));
  EXPECT_TRUE(o.count({0, 12}));
}

TEST(Litmus, LoadBufferingIsForbiddenEverywhere) {
  // Loads are never reordered with later stores in these models.
  auto lb = std::vector<Body>{[](const Vars& v, long* r) {
                                *r = K::read_once(v.x);
                                K::write_once(v.y, 1);
                              },
                              [](const Vars& v, long* r) {
                                *r = K::read_once(v.y);
                                K::write_once(v.x, 1);
                              }};
  for (MemoryModel mm : {MemoryModel::kSC, MemoryModel::kTSO, MemoryModel::kPSO})
    EXPECT_FALSE(explore(mm, lb).count({1, 1})) << memory_model_name(mm);
}

}  // namespace
}  // namespace hazsim
