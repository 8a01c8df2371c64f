// What a failure report says of its last events: the value each marked access read or wrote
// (pointers as objects, never host addresses) and the objects' fields where the C++ type is known.
#include <gtest/gtest.h>

#include "kapi/types.h"
#include "sched/sim_kernel.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using K = SimKernel;
using testing::run_tasks;

// A report's last events carry what each marked access read or wrote: pointers as the object
// they point to (never a host address, which differs from run to run), numbers as numbers.
TEST(ReportEvents, ShowTheValuesAccessesReadAndWrote) {
  Machine m;
  RunResult r = run_tasks(m, {{[&] {
                            (void)m.kmalloc(sizeof(int), "first object");
                            auto** holder = static_cast<long**>(m.kmalloc(sizeof(long*), "holder"));
                            long* target = static_cast<long*>(m.kmalloc(sizeof(long), "target"));
                            K::write_once(holder, target);
                            long* seen = K::read_once(holder);
                            K::write_once(seen, 42L);
                            (void)K::xchg(seen, 7L);
                            m.kfree(target);
                            (void)K::read_once(target);
                          }}});
  ASSERT_TRUE(r.failed);
  ASSERT_EQ(r.last_event_values.size(), r.last_events.size());
  std::vector<std::pair<AccessKind, std::string>> accesses;
  for (size_t i = 0; i < r.last_events.size(); ++i)
    if (r.last_events[i].kind <= AccessKind::kRmw) accesses.push_back({r.last_events[i].kind, r.last_event_values[i]});
  // The last six: store, load, store, xchg, kfree()'s own step (it writes no value), and the
  // load after it, which faulted before reading.
  ASSERT_GE(accesses.size(), 6u);
  auto at = accesses.end() - 6;
  EXPECT_EQ(at[0].first, AccessKind::kStore);
  EXPECT_EQ(at[0].second.substr(0, 6), "arena+") << at[0].second;
  EXPECT_NE(at[0].second.find("(target)"), std::string::npos) << at[0].second;
  EXPECT_EQ(at[1].second, at[0].second);  // read back what was written
  EXPECT_EQ(at[2].second, "0x2a");
  EXPECT_EQ(at[3].first, AccessKind::kRmw);
  EXPECT_EQ(at[3].second, "0x2a");  // xchg returns the old value
  EXPECT_EQ(at[4].second, "");
  EXPECT_EQ(at[5].first, AccessKind::kLoad);
  EXPECT_EQ(at[5].second, "");
}

// Objects whose C++ type the allocator knew are named down to the field (sim/field_layout.h):
// a per-CPU variable by copy, nested structures by path; a field outside the vocabulary (or a
// type without one) falls back to +offset.
TEST(ReportEvents, NameTheFieldsOfKnownTypes) {
  Machine m;
  struct Slots {
    void* addr;
    kapi::list_head node;
    long unnamed_counter;
  };
  RunResult r = run_tasks(m, {{[&] {
                            kapi::PerCpu<Slots> pc = K::alloc_percpu<Slots>("slots");
                            K::write_once(&pc.ptr(1)->node.prev, &pc.ptr(0)->node);
                            K::write_once(&pc.ptr(0)->unnamed_counter, 1L);
                            auto* head = m.described<kapi::list_head>(m.kmalloc(sizeof(kapi::list_head), "a head"));
                            K::write_once(&head->next, head);
                            m.kfree(head);
                            (void)K::read_once(&head->prev);
                          }}});
  ASSERT_TRUE(r.failed);
  std::vector<std::pair<std::string, std::string>> accesses;  // object, value
  for (size_t i = 0; i < r.last_events.size(); ++i)
    if (r.last_events[i].kind == AccessKind::kStore || r.last_events[i].kind == AccessKind::kLoad)
      accesses.push_back({r.last_event_objects[i], r.last_event_values[i]});
  ASSERT_GE(accesses.size(), 5u);
  auto at = accesses.end() - 5;  // the last five: three stores, kfree()'s step, the load after it
  EXPECT_EQ(at[0].first, "slots[1].node.prev");
  EXPECT_NE(at[0].second.find("(slots[0].node.next)"), std::string::npos) << at[0].second;
  EXPECT_EQ(at[1].first, "slots+24") << "a member outside the vocabulary keeps its offset";
  EXPECT_EQ(at[2].first, "a head.next");
  EXPECT_NE(at[2].second.find("(a head)"), std::string::npos) << "a pointer to an object's start names the object";
  EXPECT_EQ(at[4].first, "a head.prev");
}

}  // namespace
}  // namespace hazsim
