// Softirqs and timer_list timers (kernel/softirq.c, kernel/time/timer.c as the designs meet them):
// raise_softirq(), __do_softirq() at irq_exit() and at local_bh_enable(), add_timer_on(), and the
// local timer interrupt that raises TIMER_SOFTIRQ on the CPU of an expired timer_list.
//
// What is left out: ksoftirqd as a task (a softirq raised from task context runs at the exit of
// an interrupt the stream delivers later on that CPU, never preemptibly between handlers), the
// restart limit of __do_softirq() (the queue runs dry each time), and the softirq vectors' order
// (handlers run in the order they were raised).
#include <fmt/format.h>

#include "sched/machine.h"

namespace hazsim {

void Machine::raise_softirq(void (*fn)(void*), void* arg, const Site& site) {
  raise_softirq_vec(fn, arg, kTaskletSoftirq, site);
}

void Machine::raise_softirq_vec(void (*fn)(void*), void* arg, uint8_t vec, const Site& site) {
  if (stop_ || !running_cpu_) return;
  Cpu* c = running_cpu_;
  if (c->softirq_pending == c->softirqs.size()) {
    fail(Oracle::kNoProgress, fmt::format("softirq queue of cpu {} overflowed ({} pending)", c->id, c->softirq_pending),
         site);
    return;
  }
  c->softirqs[(c->softirq_head + c->softirq_pending) % uint32_t(c->softirqs.size())] = SoftirqWork{fn, arg, vec};
  ++c->softirq_pending;
  // In a hardirq, its irq_exit() runs it; serving softirqs, __do_softirq()'s loop; with softirqs
  // disabled, local_bh_enable(). From task context the kernel wakes ksoftirqd: here an interrupt
  // of this CPU comes at a step the stream chooses, and its exit runs it.
  if (c->in_irq == 0 && c->softirq_count == 0) queue_irq(c, Ipi{nullptr, nullptr, nullptr, kIrqSoftirqKick}, site);
}

void Machine::do_softirq(Cpu* c) {
  c->softirq_count += kSoftirqOffset;
  while (c->softirq_pending != 0) {
    SoftirqWork w = c->softirqs[c->softirq_head];
    c->softirq_head = (c->softirq_head + 1) % uint32_t(c->softirqs.size());
    --c->softirq_pending;
    record(AccessKind::kSoftirqEnter, w.vec, c->curr->last_site);
    w.fn(w.arg);
    record(AccessKind::kSoftirqExit, w.vec, c->curr->last_site);
  }
  c->softirq_count -= kSoftirqOffset;
}

void Machine::local_bh_enable(const Site& site) {
  if (!running_cpu_) return;
  Cpu* c = running_cpu_;
  // __local_bh_enable_ip(): WARN_ON_ONCE(in_hardirq()), then lockdep_assert_irqs_enabled().
  if (c->in_irq != 0)
    warn(fmt::format("WARNING: local_bh_enable() in hardirq context on cpu {}", c->id), true, site);
  else if (c->irq_off != 0)
    warn(fmt::format("WARNING: local_bh_enable() with interrupts disabled on cpu {} (lockdep_assert_irqs_enabled)",
                     c->id),
         true, site);
  if (c->softirq_count < kSoftirqDisableOffset) {
    fail(Oracle::kPreemptImbalance, fmt::format("local_bh_enable() underflow on cpu {}", c->id), site);
    return;
  }
  c->softirq_count -= kSoftirqDisableOffset;
  if (c->softirq_count == 0 && c->in_irq == 0 && c->softirq_pending != 0 && !stop_) {
    // do_softirq(): __do_softirq() turns interrupts on whatever the caller had (hence the assert).
    int irq_off = c->irq_off;
    c->irq_off = 0;
    do_softirq(c);
    c->irq_off = irq_off;
  }
  // preempt_check_resched()
  if (c->softirq_count == 0 && c->need_resched && !stop_ && preemptible(c)) {
    c->curr->last_site = site;
    preempt_schedule(c);
  }
}

void Machine::add_timer_on(TimerList* t, int cpu, uint64_t delay_ns, const Site& site) {
  if (stop_) return;
  if (t->pending || t->fn == nullptr) {  // add_timer_on()'s BUG_ON()
    fail(Oracle::kWarn,
         fmt::format("kernel BUG: add_timer_on() of a timer that is {}", t->pending ? "pending" : "without a function"),
         site);
    return;
  }
  t->cpu = cpu % cfg_.cpus;
  arm_timer_list(t, delay_ns);
}

bool Machine::mod_timer(TimerList* t, uint64_t delay_ns, const Site& site) {
  if (stop_) return false;
  if (t->fn == nullptr) {
    fail(Oracle::kWarn, "kernel BUG: mod_timer() of a timer without a function", site);
    return false;
  }
  const bool was = t->pending;
  if (t->cpu < 0) t->cpu = smp_processor_id();
  arm_timer_list(t, delay_ns);
  return was;
}

bool Machine::del_timer(TimerList* t) {
  const bool was = t->pending;
  t->pending = false;  // its heap entry and any raised softirq find it disarmed
  return was;
}

// Each arming pushes a heap entry; an entry whose timer was re-armed or disarmed since finds
// `expires` changed or `pending` clear and does nothing.
void Machine::arm_timer_list(TimerList* t, uint64_t delay_ns) {
  t->pending = true;
  t->expires = now_ + delay_ns;
  push_timer(t->expires, nullptr, t);
}

// The tick on the timer's CPU finds it expired: a local interrupt there, whose handler raises
// TIMER_SOFTIRQ (run_local_timers()).
void Machine::expire_timer_list(TimerList* t) {
  queue_irq(&cpus_[size_t(t->cpu)], Ipi{&Machine::timer_interrupt, t, nullptr, kIrqLocalTimer},
            running_cpu_ ? running_cpu_->curr->last_site : Site{});
}

void Machine::timer_interrupt(void* timer) {
  // run_timer_softirq() -> expire_timers(): the timer is detached (no longer pending) just before
  // its function is called, so the callback may re-arm it.
  current().raise_softirq_vec(
      [](void* p) {
        auto* t = static_cast<TimerList*>(p);
        Machine& m = current();
        // Disarmed meanwhile, or re-armed to expire later: nothing to run now.
        if (!t->pending || t->expires > m.now_) return;
        t->pending = false;
        t->running = true;
        t->fn(t);
        t->running = false;
      },
      timer, kTimerSoftirq, Site::current());
}

}  // namespace hazsim
