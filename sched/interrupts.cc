// Interrupts: IPIs queued by smp_call_function_single() (and the local timer interrupts of
// sched/softirq.cc) delivered on top of the interrupted context at a step the decision stream
// chooses, with irq_exit()'s softirq processing; and local_irq_enable().
#include "sched/machine.h"

#include <fmt/format.h>

namespace hazsim {

void Machine::maybe_deliver_irq(Cpu* c, AccessKind kind) {
  // Under bounded:K and dpor an interrupt's first alternative is "not yet"; a vCPU at a spin-wait
  // hint or idle takes its pending interrupt, as hardware does, or the schedule where it never
  // comes would spin for ever (a no-progress report no machine could give). Recorded, so a replay
  // takes it too.
  if ((kind == AccessKind::kRelax || kind == AccessKind::kIdle) && (decisions_.bounded() || decisions_.dpor()))
      [[unlikely]]
    decisions_.record(1);
  else if (decide(Choice::kIrq, 2, c->curr->last_site, CoverEvent::kIrq) == 0)
    return;
  Ipi ipi = c->ipis[c->ipi_head];
  c->ipi_head = (c->ipi_head + 1) % uint32_t(c->ipis.size());
  --c->ipi_count;
  ++n_irqs_;
  record(AccessKind::kIrqEnter, ipi.vector, c->curr->last_site);
  fence_full();  // interrupt entry and return are serializing
  ++c->in_irq;
  ++c->irq_off;
  if (ipi.fn) ipi.fn(ipi.arg);
  c->irqs_on += --c->irq_off == 0;
  --c->in_irq;
  fence_full();
  if (ipi.done) *ipi.done = true;
  if (dpor_ && ipi.done) [[unlikely]] dpor_host_flag(ipi.done, true);  // the waiter's spin reads it
  record(AccessKind::kIrqExit, ipi.vector, c->curr->last_site);
  // irq_exit(): leaving interrupt context with softirqs pending runs them (invoke_softirq()).
  if (c->in_irq == 0 && c->softirq_count == 0 && c->softirq_pending != 0 && !stop_) [[unlikely]]
    do_softirq(c);
}

void Machine::local_irq_enable(const Site& site) {
  if (!running_cpu_) return;
  if (--running_cpu_->irq_off < 0)
    fail(Oracle::kPreemptImbalance, fmt::format("local_irq_enable() underflow on cpu {}", running_cpu_->id), site);
  running_cpu_->irqs_on += running_cpu_->irq_off == 0;
}

void Machine::smp_call_function_single(int cpu, void (*fn)(void*), void* arg, bool wait, const Site& site) {
  if (stop_) return;
  cpu %= cfg_.cpus;
  if (cpu == running_cpu_->id) {  // the kernel runs a self-IPI directly, interrupts off
    ++running_cpu_->irq_off;
    ++running_cpu_->in_irq;
    fn(arg);
    --running_cpu_->in_irq;
    running_cpu_->irqs_on += --running_cpu_->irq_off == 0;
    return;
  }
  fence_full();  // the IPI is sent with a full barrier, as the csd machinery does
  bool done = false;
  queue_irq(&cpus_[size_t(cpu)], Ipi{fn, arg, wait ? &done : nullptr, kIrqIpi}, site);
  if (!wait || stop_) return;
  while (!done) {
    if (dpor_) [[unlikely]]
      dpor_host_flag(&done, false);  // what the spin reads: it waits for the handler's write
    if (!access(AccessKind::kRelax, nullptr, 0, site)) return;
  }
  // csd_lock_wait() ends with an acquire of the flag the handler's CPU released: under weak the
  // waiter sees what the handler wrote (modelled as a full barrier's view: stronger, never weaker).
  if (dpor_) [[unlikely]]
    dpor_global();  // it saw the handler finish (a host flag) and takes every vCPU's stores
  mem_.fence_sync(running_cpu_);
}

void Machine::queue_irq(Cpu* d, Ipi ipi, const Site& site) {
  if (d->ipi_count == d->ipis.size()) {
    fail(Oracle::kNoProgress, fmt::format("IPI queue of cpu {} overflowed ({} pending)", d->id, d->ipi_count), site);
    return;
  }
  d->ipis[(d->ipi_head + d->ipi_count) % uint32_t(d->ipis.size())] = ipi;
  ++d->ipi_count;
  if (dpor_ && d != running_cpu_) [[unlikely]]
    dpor_global();
  update_eligible(d);
}

}  // namespace hazsim
