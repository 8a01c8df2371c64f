// The cost meter's hooks (sim/cost_account.h): each access charged to the running task, and
// totals per named span.
#include "sched/machine.h"

#include <cstring>

namespace hazsim {

void Machine::cost_access(AccessKind kind, const void* addr) {
  Task* t = running_cpu_->curr;
  if (addr == nullptr || !arena_.contains(addr) || running_cpu_->id >= kCostMaxCpus) {
    cost_.instruction(t->timing);
    return;
  }
  bool store = kind == AccessKind::kStore || kind == AccessKind::kRmw;
  cost_.access(t->timing, running_cpu_->id, arena_.offset_of(addr), store, &t->misses, &t->transfers);
}

void Machine::cost_walk(const void* link, const void* data) {
  Task* t = running_cpu_->curr;
  if (!arena_.contains(link) || running_cpu_->id >= kCostMaxCpus) return;
  uint64_t done = cost_.walk_link(t->timing, running_cpu_->id, arena_.offset_of(link), &t->misses, &t->transfers);
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
  cost_.section(mk.name, now - mk.cycles, t->misses - mk.misses, t->transfers - mk.transfers);
}

}  // namespace hazsim
