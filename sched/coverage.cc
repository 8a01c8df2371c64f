// What a run covered: the sites' offered and hit events (explore/coverage.h) and the design
// lines that ran, with their contexts (explore/line_coverage.h).
#include "kapi/line_note.h"
#include "sched/machine.h"

namespace hazsim {

void Machine::clear_coverage() {
  sites_.clear_run();
  lines_.reset(coverage_ ? kapi::line_notes().size() : 0);
}

void Machine::note_line_ran(uint32_t line) {
  uint8_t ctx = 0;
  if (const Cpu* c = running_cpu_) {
    if (c->in_irq > 0) ctx |= line_context_bit(LineContext::kHardirq);
    else if (c->softirq_count & kSoftirqOffset) ctx |= line_context_bit(LineContext::kSoftirq);
    else ctx |= line_context_bit(LineContext::kTask);
    if (c->in_irq == 0 && c->curr->preempt_count != 0) ctx |= line_context_bit(LineContext::kPreemptOff);
    if (c->irq_off != 0) ctx |= line_context_bit(LineContext::kIrqsOff);
    if (c->sb.n != 0) ctx |= line_context_bit(LineContext::kBuffered);
    if (mem_.weak() && mem_.weak_memory().behind(uint32_t(c->id))) ctx |= line_context_bit(LineContext::kInvalidationsPending);
  }
  lines_.note(line, ctx);
}

}  // namespace hazsim
