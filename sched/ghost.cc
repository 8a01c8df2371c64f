// The machine's side of the ghost holds (oracles/ghost_holds.h): the workloads declare holds and
// synchronize calls here; sync-returned-early is checked at the return, before any free happens.
#include "sched/machine.h"

#include <fmt/format.h>

namespace hazsim {

void Machine::ghost_acquired(const void* p, const void* key) {
  if (p == nullptr) return;
  Task* t = current_task();
  uint64_t since = t && ghost_.watched() && t->watched_load != 0 ? t->watched_load : step_;
  ghost_.acquired({p, key, t ? t->pid : -1, since, t});
  note_progress();
  if (log_.tracing()) record(AccessKind::kHolds, ghost_.live_count(), Site::current());
}

// Under weak, the loads this CPU made from the object since its last ordering point may still be
// satisfied after a store of the release becomes visible, unless something orders them first
// (load buffering). The stores of hazptr_release() depend on none of them: release never reads
// the object (its slot's address comes from the ctx, the value stored is NULL or a count), and the
// workloads call it whatever they read. So its stores, and only its, may pass those loads.
void Machine::ghost_released(const void* p, const void* key) {
  if (p == nullptr) return;
  note_progress();
  Task* t = current_task();
  if (mem_.weak() && t != nullptr && arena_.contains(p)) [[unlikely]]
    if (const AllocInfo* ai = arena_.find(p)) {
      uintptr_t lo = uintptr_t(arena_.base() + ai->offset);
      if (mem_.open_loads().any_in(uint32_t(running_cpu_->id), lo, lo + ai->size) && ghost_.linger(p, key, t)) {
        if (log_.tracing()) record(AccessKind::kHolds, ghost_.live_count(), Site::current());
        return;
      }
    }
  if (ghost_.released(p, key) && log_.tracing()) record(AccessKind::kHolds, ghost_.live_count(), Site::current());
}

void Machine::ghost_detached(const void* key) { ghost_.detached(key); }

void Machine::ghost_sync_begin(const void* p) {
  Task* t = current_task();
  t->sync_begin = step_ == 0 ? 1 : step_;
  t->sync_steps = 0;
  t->sync_addr = p;
}

void Machine::ghost_sync_end(const void* p, const Site& site) {
  Task* t = current_task();
  uint64_t begin = t->sync_begin;
  t->sync_begin = 0;
  t->sync_addr = nullptr;
  note_progress();
  if (stop_) return;
  // Every reader whose Load A saw p before p stopped being published in memory must have been
  // waited for. Without a watched pointer, fall back to readers that acquired before the call.
  check_no_early_holder(p, ghost_.watched() ? ghost_.unpublished_step(p) : begin,
                        fmt::format("hazptr_synchronize({}) returned at step {}", describe_addr(p), step_),
                        fmt::format(" (synchronize began at step {})", begin), site);
}

void Machine::ghost_check_reclaim(const void* p, const Site& site) {
  if (stop_) return;
  check_no_early_holder(p, ghost_.watched() ? ghost_.unpublished_step(p) : step_,
                        fmt::format("the batched reclaim freed {} at step {}", describe_addr(p), step_), "", site);
}

void Machine::check_no_early_holder(const void* p, uint64_t unpublished, const std::string& what,
                                    const std::string& tail, const Site& site) {
  const GhostHold* h = ghost_.early_holder(p, unpublished);
  if (!h) return;
  std::string buffered;
  if (h->passed_step != 0)
    buffered = fmt::format(
        "; its release began, but the plain store of hazptr_release() at step {} may become visible before its "
        "loads of the object are satisfied (load buffering: no release or barrier orders them)",
        h->passed_step);
  fail(Oracle::kSyncReturnedEarly,
       fmt::format("{} while {} still holds it: its acquire loaded it at step {}, {}{}{}", what,
                   h->task ? task_label(static_cast<const Task*>(h->task)) : "?", h->acquired_step,
                   unpublished == UINT64_MAX ? std::string("and it is still published in memory")
                                             : fmt::format("before it was unpublished at step {}", unpublished),
                   tail, buffered),
       site);
}

}  // namespace hazsim
