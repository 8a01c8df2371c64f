// RCU as far as the designs use it: read-side sections (the per-task design walks the task list
// under rcu_read_lock()) and kfree_rcu() (its hazptr_exit() frees the overflow chunks with it).
// Under CONFIG_PREEMPT_RCU a read-side section is a counter in the task: no step, no barrier.
// A grace period is over once every section that was under way at kfree_rcu() has ended; sections
// that begin later cannot find the object, so they are not waited for. As in the kernel, where
// the scheduler-clock interrupt drives grace periods and RCU_SOFTIRQ runs the callbacks, the
// frees happen at a scheduler tick after that (sched/scheduler.cc), never at the call itself.
#include <fmt/format.h>

#include <algorithm>

#include "sched/machine.h"

namespace hazsim {

void Machine::rcu_read_lock() {
  if (Task* t = current_task()) ++t->rcu_nesting;
}

void Machine::rcu_read_unlock() {
  Task* t = current_task();
  if (!t || t->rcu_nesting == 0) return;
  if (--t->rcu_nesting == 0) ++t->rcu_sections;
}

void Machine::kfree_rcu(void* p, const Site& site) {
  if (dpor_) [[unlikely]]
    dpor_global();
  if (p == nullptr || stop_) return;
  // The object must be one the heap handed out: a bad pointer is reported now, at the call.
  const AllocInfo* a = arena_.find(p);
  if (!a || a->offset != arena_.offset_of(p) || arena_.check(p, 1) != Shadow::kStatic) {
    fail(Oracle::kUseAfterFree, fmt::format("invalid or double kfree_rcu of {}", describe_addr(p)), site);
    return;
  }
  RcuCallback cb{p, site, {}};
  for (const auto& t : tasks_)
    if (t->rcu_nesting > 0) cb.readers.emplace_back(t.get(), t->rcu_sections);
  rcu_callbacks_.push_back(std::move(cb));
}

void Machine::rcu_free_ready() {
  auto over = [](const RcuCallback& cb) { return cb.grace_period_over(); };
  if (std::none_of(rcu_callbacks_.begin(), rcu_callbacks_.end(), over)) return;
  rcu_grace_period_memory();
  for (auto it = rcu_callbacks_.begin(); it != rcu_callbacks_.end();) {
    if (!it->grace_period_over()) {
      ++it;
      continue;
    }
    // The callback runs in RCU_SOFTIRQ on whatever the tick interrupted (pid 0: an idle CPU).
    if (!arena_.retire(it->p, Shadow::kFreedHeap, current_task() ? current_task()->pid : 0, step_, it->site))
      fail(Oracle::kUseAfterFree, fmt::format("invalid or double kfree_rcu of {}", describe_addr(it->p)));
    it = rcu_callbacks_.erase(it);
  }
}

// Every CPU passed a quiescent state, with its full barriers, before the callbacks run: each
// vCPU's buffered stores reach memory and, under weak, each vCPU takes every invalidation, so no
// later load anywhere reads a pointer to the object that was unlinked before kfree_rcu().
void Machine::rcu_grace_period_memory() {
  if (dpor_) [[unlikely]]
    dpor_global();  // every vCPU's stores reach every vCPU
  for (Cpu& c : cpus_) {
    mem_.drain_all(&c);
    mem_.fence_sync(&c);
  }
}

}  // namespace hazsim
