// The cost meter's inline entry points (hazsim compare), out of Machine's class body: each is a
// test of whether the meter is on, then the work in sim/cost_account.h. Included at the end of
// sched/machine.h.
#pragma once

namespace hazsim {

// What the running task's access costs beyond reaching its line; a pointer value its last load
// returned, for address dependencies; its accesses to words of its own (CostAccount).
inline void Machine::cost_fence() {
  if (costing()) [[unlikely]]
    cost_.fence(running_cpu_->curr->timing);
}

inline void Machine::cost_atomic() {
  if (costing()) [[unlikely]]
    cost_.atomic(running_cpu_->curr->timing);
}

inline void Machine::cost_pause() {
  if (costing()) [[unlikely]]
    cost_.pause(running_cpu_->curr->timing);
}

inline void Machine::cost_pointer_loaded(const void* value) {
  if (costing() && arena_.contains(value)) [[unlikely]]
    running_cpu_->curr->timing.pointer_loaded(arena_.offset_of(value));
}

inline void Machine::cost_local_words(unsigned accesses) {
  if (costing()) [[unlikely]]
    cost_.local_words(running_cpu_->curr->timing, accesses);
}

inline void Machine::note_lock_cost(bool contended, uint64_t spin_cycles) {
  if (cost_.on()) [[unlikely]]
    cost_.raw_lock(contended, spin_cycles);
}

}  // namespace hazsim
