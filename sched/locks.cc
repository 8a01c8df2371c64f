// Sleeping locks (mutex wait lists), might_sleep(), and the ghost owners of raw spinlocks that
// let lockdep-style self-deadlocks be reported.
#include "sched/machine.h"

#include <fmt/format.h>

namespace hazsim {

void Machine::wait_on(const void* key, const char* what, const Site& site) {
  if (dpor_) [[unlikely]]
    dpor_global();
  if (stop_) return;
  waiters_.add(key, current_task());
  block(what, site);
}

void Machine::wake_one(const void* key) {
  if (dpor_) [[unlikely]]
    dpor_global();
  if (Task* t = waiters_.take_first(key)) wake_up_task(t);
}

void Machine::might_sleep(const Site& site) {
  Task* t = current_task();
  if (!t || !running_cpu_) return;
  const Cpu* c = running_cpu_;
  if (t->preempt_count != 0 || c->irq_off != 0 || c->in_irq != 0 || c->softirq_count != 0)
    fail(Oracle::kSleepInAtomic,
         fmt::format("BUG: sleeping function called from invalid context: {} has preempt_count={}{}{}{}{}",
                     task_label(t), t->preempt_count,
                     t->raw_locks_held ? fmt::format(", {} raw spinlock(s) held", t->raw_locks_held) : "",
                     c->irq_off ? ", interrupts disabled" : "", c->in_irq ? ", in interrupt" : "",
                     c->in_irq == 0 && (c->softirq_count & kSoftirqOffset) ? ", in softirq"
                     : c->softirq_count != 0                               ? ", softirqs disabled"
                                                                           : ""),
         site);
  // CONFIG_PREEMPT_VOLUNTARY: might_sleep() is a preemption point (might_resched()), taken when
  // need_resched is set or the stream chooses to preempt here.
  if (cfg_.preempt == PreemptModel::kVoluntary) cond_resched(site);
}

void Machine::note_lock_acquired(void* lock) {
  Task* t = current_task();
  if (t) ++t->raw_locks_held;
  lock_owners_.add({lock, t ? t->pid : -1, smp_processor_id(), running_cpu_ ? context_level(running_cpu_) : 0});
}

void Machine::note_lock_released(void* lock) {
  Task* t = current_task();
  if (t && t->raw_locks_held > 0) --t->raw_locks_held;
  lock_owners_.remove(lock);
}

void Machine::check_lock_self_deadlock(void* lock, const Site& site) {
  if (!running_cpu_) return;
  for (const auto& o : lock_owners_) {
    if (o.lock != lock || o.cpu != running_cpu_->id) continue;
    const int level = context_level(running_cpu_);
    if (o.irq_level < level)
      fail(Oracle::kDeadlock,
           fmt::format("deadlock: {} handler on cpu {} spins on {} held by the context it interrupted "
                       "(pid {}); the lock is taken elsewhere without disabling {}",
                       running_cpu_->in_irq ? "an interrupt" : "a softirq", running_cpu_->id, describe_addr(lock), o.pid,
                       running_cpu_->in_irq ? "interrupts" : "softirqs (spin_lock_bh)"),
           site);
    else if (o.pid == current_task()->pid && o.irq_level == level)
      fail(Oracle::kDeadlock,
           fmt::format("deadlock: {} takes {} recursively", task_label(current_task()), describe_addr(lock)), site);
  }
}

}  // namespace hazsim
