// The scheduler: runqueues, schedule() with the context-switch hook chain, preemption, sleep and
// wakeup, yield and migration.
#include "sched/machine.h"

#include <fmt/format.h>

namespace hazsim {

void Machine::update_eligible(Cpu* c) {
  bool e = !c->idle_waiting || c->rq_head != nullptr || c->ipi_count != 0;
  if (e && c->elig_index < 0) {
    c->elig_index = int(elig_count_);
    elig_[elig_count_++] = c->id;
  } else if (!e && c->elig_index >= 0) {
    int last = elig_[--elig_count_];
    elig_[size_t(c->elig_index)] = last;
    cpus_[size_t(last)].elig_index = c->elig_index;
    c->elig_index = -1;
  }
}

void Machine::enqueue(Cpu* c, Task* t) {
  if (dpor_ && c != running_cpu_) [[unlikely]]
    dpor_global();  // a wakeup or a migration to another vCPU's runqueue
  t->cpu = c->id;
  t->state = TaskState::kRunnable;
  t->runnable_since = step_;
  t->rq_next = nullptr;
  if (c->rq_tail)
    c->rq_tail->rq_next = t;
  else
    c->rq_head = t;
  c->rq_tail = t;
  if (!c->curr->is_idle && t->prio > c->curr->prio) c->need_resched = true;
  update_eligible(c);
}

void Machine::enqueue_task(Task* t, bool may_migrate) {
  int target = t->cpu;
  if (may_migrate && t->pinned_cpu < 0 && cfg_.cpus > 1) {
    uint32_t v = decide(Choice::kMigrate, uint32_t(cfg_.cpus), t->last_site, CoverEvent::kMigrate);
    if (v != 0) {
      target = int((uint32_t(t->cpu) + v) % uint32_t(cfg_.cpus));
      ++n_migrations_;
      record(AccessKind::kMigrate, uint64_t(target), t->last_site);
    }
  }
  enqueue(&cpus_[size_t(target)], t);
}

Task* Machine::pick_next(Cpu* c) {
  Task* best = nullptr;
  Task* best_prev = nullptr;
  Task* prev = nullptr;
  for (Task* t = c->rq_head; t; prev = t, t = t->rq_next) {
    if (!best || t->prio > best->prio) {
      best = t;
      best_prev = prev;
    }
  }
  if (!best) return c->idle;
  dequeue(c, best_prev, best);
  return best;
}

void Machine::dequeue(Cpu* c, Task* prev, Task* t) {
  (prev ? prev->rq_next : c->rq_head) = t->rq_next;
  if (c->rq_tail == t) c->rq_tail = prev;
  t->rq_next = nullptr;
  update_eligible(c);
}

void Machine::run_switch_hooks() {
  if (switch_hooks_.empty()) return;
  span_begin("hazptr_note_context_switch");
  for (auto& h : switch_hooks_) h.fn(h.ctx);
  span_end("hazptr_note_context_switch");
}

void Machine::schedule(SchedWhy why, const Site& site) {
  Cpu* c = running_cpu_;
  Task* prev = c->curr;
  if (why == SchedWhy::kSleep || why == SchedWhy::kYield) {
    if (c->in_irq || (c->softirq_count & kSoftirqOffset))
      fail(Oracle::kSleepInAtomic, fmt::format("BUG: scheduling while atomic: {} sleeps in {} context on cpu {}",
                                               task_label(prev), c->in_irq ? "interrupt" : "softirq", c->id),
           site);
    if (prev->preempt_count != 0 || c->irq_off != 0 || c->softirq_count != 0)
      fail(Oracle::kSleepInAtomic,
           fmt::format("BUG: scheduling while atomic: {} sleeps with preempt_count={}{}{}{}", task_label(prev),
                       prev->preempt_count, prev->raw_locks_held ? fmt::format(", {} raw spinlock(s) held", prev->raw_locks_held) : "",
                       c->irq_off ? ", interrupts disabled" : "", c->softirq_count ? ", softirqs disabled" : ""),
           site);
  }
  // __schedule() runs with interrupts off and preemption disabled; the hook chain runs first, on
  // every pass, the idle task's too (schedule_idle() is __schedule(SM_IDLE)).
  ++c->irq_off;
  ++prev->preempt_count;
  run_switch_hooks();
  // __schedule()'s own work before the runqueue lock is a step: other vCPUs may run, and
  // buffered stores may drain, between the task's last access and the lock's full barrier.
  access(AccessKind::kRelax, nullptr, 0, site);
  c = running_cpu_;
  fence_full();  // the runqueue lock: a full barrier on the way through __schedule()
  if (prev->state == TaskState::kRunning && !prev->is_idle) {
    if (prev->migrate_to >= 0) {
      int to = prev->migrate_to;
      prev->migrate_to = -1;
      ++n_migrations_;
      record(AccessKind::kMigrate, uint64_t(to), site);
      enqueue(&cpus_[size_t(to)], prev);
    } else {
      enqueue_task(prev, why == SchedWhy::kPreempt);
    }
  }
  Task* next = pick_next(c);
  start_slice(c, next);
  if (next == prev) {
    prev->state = TaskState::kRunning;
    finish_task_switch();
    return;
  }
  switch_fibers(prev, next);
  // Teardown resumed a parked idle task to end it: back to idle_entry(), whose loop ends there. An
  // exception unwinding it instead was a fifth of a small test's run.
  if (tearing_down_) return;
  finish_task_switch();
}

// The scheduler tick (HZ, in virtual time; every vCPU ticks at the same instants): a task that
// has run a whole slice while another waits on its runqueue is marked need_resched, and is
// preempted at its next preemptible step, or at the preempt_enable() that makes it preemptible.
// Nothing is chosen here, so every strategy honours it, as CHESS's fair search does: pct's
// priorities and bounded's preemption budget apply between ticks, and no strategy can keep a
// runnable task off its own vCPU for longer than a slice (plus the non-preemptible section).
void Machine::scheduler_tick() {
  for (auto& c : cpus_) {
    Task* t = c.curr;
    if (!t->is_idle && c.rq_head != nullptr && now_ - t->slice_start >= cfg_.tick_ns) c.need_resched = true;
  }
  balance_idle_cpus();
  if (!rcu_callbacks_.empty()) rcu_free_ready();  // RCU's grace periods advance at the tick
  next_tick_ = now_ - now_ % cfg_.tick_ns + cfg_.tick_ns;
}

// The load balancer, as far as the designs can tell: at the tick an idle vCPU pulls a task that
// waits on another vCPU's runqueue (not one pinned there), as the kernel's idle balancing does.
// Without it a task that yielded behind a task that never yields (a spinning synchronize under
// preempt=none) would wait for ever while a vCPU idles, which no kernel does.
void Machine::balance_idle_cpus() {
  for (auto& c : cpus_) {
    if (!c.curr->is_idle || c.rq_head != nullptr) continue;
    for (auto& o : cpus_) {
      Task* prev = nullptr;
      Task* t = o.rq_head;
      while (t && t->pinned_cpu >= 0) prev = t, t = t->rq_next;
      if (!t) continue;
      dequeue(&o, prev, t);
      ++n_migrations_;
      record(AccessKind::kMigrate, uint64_t(c.id), t->last_site);
      enqueue(&c, t);
      break;
    }
  }
}

void Machine::finish_task_switch() {
  Cpu* c = running_cpu_;
  c->irqs_on += --c->irq_off == 0;
  --c->curr->preempt_count;
}

void Machine::preempt_schedule(Cpu* c) {
  ++n_preempt_;
  record(AccessKind::kPreempt, 0, c->curr->last_site);
  schedule(SchedWhy::kPreempt, c->curr->last_site);
}

void Machine::preempt_enable(const Site& site) {
  Task* t = current_task();
  if (!t) return;
  if (--t->preempt_count < 0) {
    fail(Oracle::kPreemptImbalance,
         fmt::format("preempt count underflow: preempt_enable() without preempt_disable() in {}", task_label(t)),
         site);
    return;
  }
  Cpu* c = running_cpu_;
  if (t->preempt_count == 0 && c->need_resched && !stop_ && preemptible(c)) {
    t->last_site = site;
    preempt_schedule(c);
  }
}

void Machine::cond_resched_slow(const Site& site) {
  Cpu* c = running_cpu_;
  if (!can_switch(c)) return;
  c->curr->last_site = site;
  maybe_preempt(c);
}

void Machine::sleep_ns(uint64_t ns, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->last_site = site;
  if (running_cpu_->in_irq == 0 && (running_cpu_->softirq_count & kSoftirqOffset) == 0) {  // a handler that sleeps is reported by schedule()
    t->state = TaskState::kSleeping;
    t->wake_at = now_ + ns;
    add_timer(t);
  }
  record(AccessKind::kSleep, ns, site);
  schedule(SchedWhy::kSleep, site);
}

void Machine::yield_cpu(const Site& site) {
  if (stop_) return;
  current_task()->last_site = site;
  schedule(SchedWhy::kYield, site);
}

void Machine::block(const char* what, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->last_site = site;
  t->wait_what = what;
  t->state = TaskState::kBlocked;
  record(AccessKind::kSleep, 0, site);
  schedule(SchedWhy::kSleep, site);
}

void Machine::wake_up_task(Task* t) {
  if (t->state != TaskState::kSleeping && t->state != TaskState::kBlocked) return;
  record(AccessKind::kWake, uint64_t(t->pid), t->last_site);
  // A wake-up that wakes implies a full barrier (try_to_wake_up()): the waker's buffered stores
  // reach memory before the wakee can run, under every model.
  fence_full();
  if (cpus_[size_t(t->cpu)].curr == t) {
    // Still on its CPU, inside __schedule() (the kernel's p->on_cpu): only its state changes,
    // and __schedule() keeps it runnable instead of switching it out for good.
    t->state = TaskState::kRunning;
    return;
  }
  enqueue_task(t, true);
}

void Machine::migrate_current_to(int cpu, const Site& site) {
  if (stop_) return;
  Task* t = current_task();
  t->pinned_cpu = cpu % cfg_.cpus;
  if (t->cpu == t->pinned_cpu) return;
  t->migrate_to = t->pinned_cpu;
  t->last_site = site;
  schedule(SchedWhy::kYield, site);
}

}  // namespace hazsim
