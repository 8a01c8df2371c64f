// The machine's inline decisions and checks at a step, out of Machine's class body: a choice with
// its coverage and arming, kernel preemption, the vCPU choice, the barrier that drains first under
// dpor, and the address check. Included at the end of sched/machine.h.
#pragma once

namespace hazsim {

inline uint32_t Machine::decide(Choice c, uint32_t n, const Site& site, CoverEvent ev) {
  if (n < 2) return 0;
  if (!site_aware_) [[likely]]
    return decisions_.choose(c, n);
  return decide_at_site(c, n, site, ev);
}

inline bool Machine::site_armed(SiteEntry& e) {
  if (e.armed < 0) [[unlikely]]
    e.armed = decisions_.site_armed(e.stable_hash);
  return e.armed != 0;
}

inline void Machine::maybe_preempt(Cpu* c) {
  if (c->need_resched || preempt_choice(c) != 0) preempt_schedule(c);
}

inline uint32_t Machine::preempt_choice(Cpu* c) {
  if (!decisions_.pct()) [[likely]]
    return decide(Choice::kPreempt, 2, c->curr->last_site, CoverEvent::kPreempt);
  if (!decisions_.pct_change_point(step_)) return decide(Choice::kPreempt, 2, c->curr->last_site, CoverEvent::kPreempt);
  decisions_.pct_lower(c->curr->pid);
  return decisions_.record(1);
}

inline uint32_t Machine::cpu_choice(uint32_t base, AccessKind kind) {
  if (decisions_.plain() && !cfg_.dpor_schedule) [[likely]]
    return decide(Choice::kCpu, uint32_t(elig_count_));
  return cpu_choice_slow(base, kind);
}

inline bool Machine::draining_access(AccessKind kind, const Site& site) {
  Task* t = dpor_ ? current_task() : nullptr;
  if (t != nullptr) t->dpor_mb = true;
  const bool r = access(kind, nullptr, 0, site);
  if (t != nullptr) t->dpor_mb = false;
  return r;
}

inline bool Machine::check_address(const void* addr, size_t size, const Site& site) {
  if (!arena_.contains(addr) || !arena_.contains(static_cast<const char*>(addr) + size - 1)) [[unlikely]]
    return mem_.regions().find(addr, size) != nullptr || bad_address(addr, size, site);
  if (arena_.check(addr, size) != Shadow::kStatic) [[unlikely]]
    return bad_address(addr, size, site);
  return true;
}

}  // namespace hazsim
