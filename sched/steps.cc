// The step's decisions: which vCPU runs next (PCT's and bounded's rules), choices noted per site
// (coverage), and armed sites' stalls (strategy arm).
#include "sched/machine.h"

#include <algorithm>
#include <climits>
#include <exception>

namespace hazsim {

uint32_t Machine::decide_at_site(Choice c, uint32_t n, const Site& site, CoverEvent ev) {
  SiteEntry& e = sites_.lookup(site);
  uint32_t v = decisions_.choose(c, n, decisions_.arming() && site_armed(e));
  e.offered |= cover_bit(ev);
  if (v != 0) e.hit |= cover_bit(ev);
  return v;
}

// arm: a vCPU reaching an armed site may stall, as a delay BUGGIFY injects or a hypervisor's
// preemption of a vCPU would (interrupts off or not). While it stalls the others run; if none
// has work, virtual time jumps to the next timer or the stall's end. Every step of this follows
// from recorded choices, so a replay stalls the same way.
void Machine::arm_step(Cpu* c) {
  if (c->stalled_until <= now_) {
    if (c->curr->is_idle || !site_armed(sites_.lookup(c->curr->last_site))) return;
    uint32_t v = decisions_.choose(Choice::kStall, DecisionSource::kStallChoices, true);
    if (v == 0) return;
    c->stalled_until = now_ + (uint64_t(1) << v) * cfg_.step_ns;
    record(AccessKind::kStall, uint64_t(1) << v, c->curr->last_site);
  }
  while (c->stalled_until > now_ && !stop_) {
    // The vCPUs with work that are not stalled themselves run meanwhile.
    uint32_t k = 0;
    uint64_t wake = std::min(next_timer_, c->stalled_until);
    for (size_t i = 0; i < elig_count_; ++i) {
      Cpu& o = cpus_[size_t(elig_[i])];
      if (o.stalled_until > now_) wake = std::min(wake, o.stalled_until);
      else stall_runnable_[k++] = &o;
    }
    if (k == 0) {  // nobody else can run: time passes
      now_ = std::max(now_, wake);
      if (now_ >= next_timer_) fire_timers();
      continue;
    }
    uint32_t v = decisions_.stall_pick(k);
    if (v == 0) break;
    ++n_cpu_switches_;
    resume_cpu_from(c->curr->fiber, stall_runnable_[v - 1]);
    after_resume();
  }
  c->stalled_until = 0;
}

uint32_t Machine::cpu_choice_slow(uint32_t base, AccessKind kind) {
  uint32_t n = uint32_t(elig_count_);
  if (reduced_store(kind)) return 0;
  if (decisions_.dpor()) return dpor_cpu_choice(base, kind);
  if (cfg_.dpor_schedule && kind == AccessKind::kFence && cfg_.memory_model == MemoryModel::kSC) return 0;
  // MachineConfig::drains_first (a dpor schedule's replay): stores drain first, then the choice.
  if (cfg_.drains_first && running_cpu_ != nullptr && !running_cpu_->idle_waiting)
    while (mem_.pending() != 0 && !stop_ && mem_.drain_chosen(running_cpu_)) {
    }
  if (n < 2) return 0;
  // bounded:K counts preemptions as CHESS does: at a spin-wait hint the next vCPU runs, free.
  if (decisions_.bounded() && kind == AccessKind::kRelax) return n < 2 ? 0 : decisions_.record(1);
  if (!decisions_.pct() || kind == AccessKind::kRelax) return decide(Choice::kCpu, n);
  if (n < 2) return 0;
  uint32_t best = 0;
  int64_t best_prio = INT64_MIN;
  for (uint32_t k = 0, i = base % n; k < n; ++k, i = i + 1 == n ? 0 : i + 1) {  // i = (base + k) % n
    Cpu& c = cpus_[size_t(elig_[i])];
    // An idle vCPU with work runs the task it is about to switch to; priority of its first one.
    Task* t = c.curr->is_idle && c.rq_head ? c.rq_head : c.curr;
    int64_t prio = t->is_idle ? INT64_MIN + 1 : decisions_.pct_priority(t->pid);
    if (prio > best_prio) best_prio = prio, best = k;
  }
  return decisions_.record(best);
}

void Machine::move_to_cpu(uint32_t v) {
  Cpu* c = running_cpu_;
  uint32_t n = uint32_t(elig_count_);
  ++n_cpu_switches_;
  Cpu* d = &cpus_[size_t(elig_[(uint32_t(c->elig_index) + v) % n])];
  resume_cpu_from(c->curr->fiber, d);
  after_resume();
}

// Who is choosing where, for a keyed choice: the running task (an idle task by its vCPU, since
// every idle task is pid 0) and the site of its last step. The site by the addresses of its
// static strings: keys live only within one shrink (one process), and this is every step's cost
// in a keyed run. Outside a vCPU (the main loop) -1.
uint64_t Machine::choice_where(const void* machine) {
  const Machine& m = *static_cast<const Machine*>(machine);
  if (m.running_cpu_ == nullptr) return ~0ull;
  const Task* t = m.running_cpu_->curr;
  uint64_t who = t->is_idle ? 0x1000000ull + uint64_t(m.running_cpu_->id) : uint64_t(t->pid);
  return SiteArming::mix64(who ^ uintptr_t(t->last_site.function_name()) * 0x9e3779b97f4a7c15ull) ^
         (uintptr_t(t->last_site.file_name()) + (uint64_t(t->last_site.line()) << 48));
}

// The task a vCPU choice of value v runs next: an offset among the vCPUs with work from the
// running one (an access), or their index (the main loop, an idle vCPU waiting); an idle vCPU
// with work runs its runqueue's first task, and one without is named by its id.
int64_t Machine::cpu_target_of(const void* machine, uint32_t v) {
  const Machine& m = *static_cast<const Machine*>(machine);
  size_t n = m.elig_count_;
  if (n == 0) return -1;
  const Cpu* c = m.running_cpu_;
  size_t i = c == nullptr || c->idle_waiting ? v % n : (size_t(c->elig_index) + v) % n;
  const Cpu& d = m.cpus_[size_t(m.elig_[i])];
  const Task* t = d.curr->is_idle && d.rq_head ? d.rq_head : d.curr;
  return t->is_idle ? -2 - int64_t(d.id) : int64_t(t->pid);
}

}  // namespace hazsim
