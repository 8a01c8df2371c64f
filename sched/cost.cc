// The cost meter's hooks (sim/cost_account.h): each access charged to the running task, and
// totals per named span.
#include "sched/machine.h"

#include <algorithm>
#include <cstring>

#include "kapi/task_struct_layout.h"

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

// Under a profile with a task_struct size, a passive task's link and fields sit in a task_struct
// stand-in of that size, at kapi/task_struct_layout.h's offsets (widened if the design's fields do
// not fit), as native timing lays them out: a walk of N tasks touches lines on N task_structs'
// pages, not 2N packed lines. The stand-ins are in creation order; the host's are shuffled so that
// its prefetchers cannot follow the walk, which this model has none of (its pair prefetcher only
// completes a 128-byte pair), so the order changes no figure here. Without a size, each has a line
// of its own, allocated as before profiles had one.
void Machine::place_passive_task(Task* t) {
  size_t bytes = cost_.profile().task_struct_bytes;
  if (bytes == 0) {
    if (cfg_.task_data_size != 0) {
      t->data = arena_.allocate(cfg_.task_data_size, 64, Shadow::kStatic, t->pid, 0, "task_struct");
      if (task_init_) task_init_(task_init_ctx_, t->data);
    }
    t->list_node = arena_.allocate(64, 64, Shadow::kStatic, t->pid, 0, "task_struct list node");
    return;
  }
  auto lines = [](size_t n) { return (n + kCostLineBytes - 1) / kCostLineBytes * kCostLineBytes; };
  bytes = lines(std::max(bytes, kapi::kTaskDataOffset + lines(cfg_.task_data_size) + kCostLineBytes));
  // Less the arena's redzone granule, so that one stand-in starts exactly `bytes` after the one
  // before, as a slab cache's objects do and as native timing lays them out. (With the granule
  // the stride was one line more: 5,824-byte task_structs then fell into a quarter of the sets of
  // a 16-way cache, which the walk thrashed.)
  auto* block = static_cast<char*>(
      arena_.allocate(bytes - Arena::kGranule, kCostLineBytes, Shadow::kStatic, t->pid, 0, "task_struct"));
  t->list_node = block + kapi::kTaskLinkOffset;
  if (cfg_.task_data_size == 0) return;
  t->data = block + kapi::kTaskDataOffset;
  if (task_init_) task_init_(task_init_ctx_, t->data);
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
