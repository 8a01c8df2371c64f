// The step boundary's inline code, out of Machine's class body so the class reads as an API:
// access() (every shared access), the step's event and its context flags, and the value an access
// read or wrote. Included at the end of sched/machine.h.
#pragma once

namespace hazsim {

inline bool Machine::access(AccessKind kind, const void* addr, size_t size, const Site& site) {
  if (stop_ || running_cpu_ == nullptr) [[unlikely]] {
    value_at_ = EventLog::kNoEvent;  // set-up and teardown accesses have no event to note into
    return outside_run_access(addr, size, site);
  }
  uint64_t event_at = log_.pos();  // this access's event, for note_value()
  step_begin(kind, addr, site);
  if (arming_) [[unlikely]]
    arm_step(running_cpu_);
  if (elig_count_ > 1 || cfg_.drains_first) {
    uint32_t v = cpu_choice(uint32_t(running_cpu_->elig_index), kind);
    if (v != 0) move_to_cpu(v);
  }
  Cpu* c = running_cpu_;
  if (mem_.pending() != 0 && !cfg_.drains_first) [[unlikely]]
    mem_.maybe_drain(c, kind);
  if (c->ipi_count != 0 && c->irq_off == 0 && c->in_irq == 0) [[unlikely]]
    maybe_deliver_irq(c, kind);
  if (preemptible(c)) maybe_preempt(c);
  if (stop_) [[unlikely]]
    return stopped();
  if (dpor_) [[unlikely]]
    dpor_access(c, kind, addr, size);
  // Charged here, just before the access itself: other vCPUs, an interrupt or a preemption may
  // have moved the line since the step began.
  if (cost_.on()) [[unlikely]]
    cost_access(kind, addr);
  value_at_ = event_at;
  // A step with no memory of its own (a fence, a spin hint, the scheduler's work) passes NULL
  // and size 0; NULL with a size is the design dereferencing a NULL pointer.
  if (addr == nullptr) [[unlikely]]
    return size == 0 || bad_address(addr, size, site);
  return check_address(addr, size, site);
}

template <class T>
void Machine::note_value(const T& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  uint64_t bits = 0;
  std::memcpy(&bits, &v, std::min(sizeof(T), sizeof(bits)));
  log_.note_value(value_at_, bits);
}

inline void Machine::step_begin(AccessKind kind, const void* addr, const Site& site) {
  ++step_;
  now_ += cfg_.step_ns;
  Task* t = running_cpu_->curr;
  t->last_site = site;
  t->last_step = step_;
  // Unbounded recursion is reported before the fiber's guard page is hit (the frame of the
  // access is on the running task's stack: interrupts run on the task they interrupt).
  if (uintptr_t(__builtin_frame_address(0)) < t->stack_floor) [[unlikely]]
    stack_overflow(t, site);
  uint64_t off = arena_.contains(addr) ? arena_.offset_of(addr) : addr == nullptr ? 0 : mem_.regions().outside_offset(addr);
  record(kind, off, site);
  if (step_ >= next_check_step_) [[unlikely]]
    periodic_checks();
  if (t->sync_begin != 0 && ++t->sync_steps > cfg_.sync_bound) [[unlikely]]
    sync_too_long(t, site);
  if (now_ >= next_timer_) [[unlikely]]
    fire_timers();
}

inline void Machine::record(AccessKind kind, uint64_t addr, const Site& site) {
  log_.record(step_, now_, running_cpu_ ? running_cpu_->id : -1, running_cpu_ ? running_cpu_->curr->pid : -1, kind,
              addr, site);
  if (log_.tracing()) [[unlikely]]
    log_.set_trace_flags(trace_flags());
}

inline void Machine::record_name(AccessKind kind, const char* name) {
  log_.record_name(step_, now_, running_cpu_ ? running_cpu_->id : -1, running_cpu_ ? running_cpu_->curr->pid : -1,
                   kind, name);
  if (log_.tracing()) [[unlikely]]
    log_.set_trace_flags(trace_flags());
}

inline uint8_t Machine::trace_flags() const {
  const Cpu* c = running_cpu_;
  if (c == nullptr) return 0;
  return uint8_t((c->irq_off ? kFlagIrqsOff : 0) | (c->need_resched ? kFlagNeedResched : 0) |
                 (c->in_irq ? kFlagHardirq : 0) | (c->softirq_count & kSoftirqOffset ? kFlagSoftirq : 0) |
                 std::clamp(c->curr->preempt_count, 0, int(kFlagPreemptMask)));
}

}  // namespace hazsim
