// The cost meter's hooks (sim/cost_meter.h, sim/core_timing.h): each access charged to the
// running task, and totals per named span.
#include "sched/machine.h"

#include <cstring>

namespace hazsim {

void Machine::cost_access(AccessKind kind, const void* addr) {
  Task* t = running_cpu_->curr;
  const CostProfile& p = cost_profile();
  if (addr == nullptr || !arena_.contains(addr) || running_cpu_->id >= kCostMaxCpus) {
    t->timing.instruction(p);
    return;
  }
  uint64_t off = arena_.offset_of(addr);
  bool store = kind == AccessKind::kStore || kind == AccessKind::kRmw;
  uint32_t latency = cost_meter_.access(running_cpu_->id, off, store, &t->misses, &t->transfers);
  if (store)
    t->timing.store(p, latency, off);
  else
    t->timing.load(p, latency, off);
}

void Machine::cost_walk(const void* link, const void* data) {
  Task* t = running_cpu_->curr;
  const CostProfile& p = cost_profile();
  if (!arena_.contains(link) || running_cpu_->id >= kCostMaxCpus) return;
  uint64_t off = arena_.offset_of(link);
  uint32_t latency = cost_meter_.access(running_cpu_->id, off, false, &t->misses, &t->transfers);
  // tasks.next of this task came from the previous task's link: the walk is a pointer chase.
  uint64_t done = t->timing.walk_link(p, latency, off);
  if (data && arena_.contains(data)) t->timing.pointer_ready(arena_.offset_of(data), done);
}

void Machine::cost_span_begin() {
  Task* t = current_task();
  if (!t || t->span_depth == 0) return;
  uint64_t now = t->timing.settle();
  size_t d = size_t(t->span_depth) - 1;
  if (d < t->spans.size()) t->spans[d] = {t->spans[d].name, now, t->misses, t->transfers};
}

void Machine::cost_span_end() {
  Task* t = current_task();
  if (!t || t->span_depth == 0) return;
  uint64_t now = t->timing.settle();
  size_t d = size_t(t->span_depth) - 1;  // span_end() closes it after this
  if (d >= t->spans.size()) return;
  const Task::SpanMark& mk = t->spans[d];
  SectionCost* sc = nullptr;
  for (auto& s : cost_totals_.sections)
    if (s.name == mk.name) sc = &s;
  if (!sc) {
    cost_totals_.sections.push_back(SectionCost{mk.name});
    sc = &cost_totals_.sections.back();
  }
  ++sc->count;
  sc->cycles += now - mk.cycles;
  sc->misses += t->misses - mk.misses;
  sc->transfers += t->transfers - mk.transfers;
}

}  // namespace hazsim
