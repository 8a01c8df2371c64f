// The cost meter's hooks (sim/cost_meter.h): each access charged to the running task, and totals
// per named span.
#include "sched/machine.h"

#include <cstring>

namespace hazsim {

void Machine::cost_access(AccessKind kind, const void* addr) {
  Task* t = running_cpu_->curr;
  if (addr == nullptr || !arena_.contains(addr) || running_cpu_->id >= kCostMaxCpus) {
    t->cycles += cost::kInstruction;
    return;
  }
  t->cycles += cost_meter_.access(running_cpu_->id, arena_.offset_of(addr),
                                  kind == AccessKind::kStore || kind == AccessKind::kRmw, &t->misses, &t->transfers);
}

void Machine::cost_span_begin(const char* name) {
  Task* t = current_task();
  if (!t) return;
  if (size_t(t->span_depth) < t->spans.size()) t->spans[size_t(t->span_depth)] = {name, t->cycles, t->misses, t->transfers};
  ++t->span_depth;
}

void Machine::cost_span_end() {
  Task* t = current_task();
  if (!t || t->span_depth == 0) return;
  if (size_t(--t->span_depth) >= t->spans.size()) return;
  const Task::SpanMark& mk = t->spans[size_t(t->span_depth)];
  SectionCost* sc = nullptr;
  for (auto& s : cost_totals_.sections)
    if (s.name == mk.name) sc = &s;
  if (!sc) {
    cost_totals_.sections.push_back(SectionCost{mk.name});
    sc = &cost_totals_.sections.back();
  }
  ++sc->count;
  sc->cycles += t->cycles - mk.cycles;
  sc->misses += t->misses - mk.misses;
  sc->transfers += t->transfers - mk.transfers;
}

}  // namespace hazsim
