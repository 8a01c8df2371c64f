// What a dpor run (explore/dpor.h) needs from the machine: the vCPU choice by vCPU, and what each
// transition touched. Only dpor runs come here (Machine::dpor_ is set at run()).
#include "sched/machine.h"

namespace hazsim {

// A fence under sc touches nothing: no vCPU choice before it (its transition joins the one
// before, of the same vCPU; any schedule that ran another vCPU in between is equivalent).
//
// Under tso, pso and weak (MachineConfig::drains_first) each vCPU's store buffer is an agent too
// (Abdulla et al., TACAS 2015): one choice among the vCPUs and the buffers with stores; a buffer
// chosen drains a store and the choice is made again. The stream records what a replay asks for:
// the drain choices (1 + the buffer's index, then 0), then the vCPU choice.
uint32_t Machine::buffers_with_stores(Cpu** out) {
  uint32_t k = 0;
  for (Cpu& c : cpus_)
    if (c.sb.n != 0 && k < DporExplorer::kMaxArity) out[k++] = &c;
  return k;
}

uint32_t Machine::dpor_cpu_choice(uint32_t base, AccessKind kind) {
  const uint32_t n = uint32_t(elig_count_);
  if (kind == AccessKind::kFence && cfg_.memory_model == MemoryModel::kSC) return 0;
  const bool drains = cfg_.drains_first && running_cpu_ != nullptr && !running_cpu_->idle_waiting;
  int agents[DporExplorer::kMaxArity];
  Cpu* buffers[DporExplorer::kMaxArity];
  for (;;) {
    const uint32_t k = drains ? buffers_with_stores(buffers) : 0;
    const uint32_t total = n + k;
    if (total < 2) return 0;
    if (total > DporExplorer::kMaxArity) return decisions_.dpor_pick(agents, total);  // refused there
    uint64_t waiting = 0;  // at smp_mb() with stores buffered
    for (uint32_t v = 0; v < n; ++v) {
      const Cpu& c = cpus_[size_t(elig_[(base + v) % n])];
      agents[v] = c.id;
      if (drains && c.curr->dpor_mb && c.sb.n != 0) waiting |= uint64_t(1) << v;  // its buffer is an agent here
    }
    for (uint32_t b = 0; b < k; ++b) agents[n + b] = DporExplorer::kBufferAgent + buffers[b]->id;
    const uint32_t v = decisions_.dpor_pick(agents, total, kind == AccessKind::kRelax, waiting, kind == AccessKind::kIdle);
    if (v < n) {
      if (k != 0) decisions_.record(0);  // no more drains
      if (n >= 2) decisions_.record(v);
      return n >= 2 ? v : 0;
    }
    decisions_.record(v - n + 1);
    dpor_drain_agent_ = agents[v];
    mem_.drain_oldest(buffers[v - n]);
    dpor_drain_agent_ = -1;
    if (stop_) return 0;
  }
}

// Under sc a store reaches memory at once. Under tso, pso and weak it enters the vCPU's buffer
// (a location of its own) and reaches memory when it drains (drain_event notes that write),
// unless it goes straight to memory (a task stack, a wide plain store). An RMW or a fence drains
// the buffer first. Loads that read the buffer read bytes its drain writes, so the bytes alone
// order them.
void Machine::dpor_access(const Cpu* c, AccessKind kind, const void* addr, size_t size) {
  DporExplorer& d = decisions_.dpor_explorer();
  const bool buffered = cfg_.memory_model != MemoryModel::kSC;
  // A step that ends in a full barrier (draining_access) ran once its buffer was empty. If it holds
  // stores still (no choice was made: the vCPU ran alone), the barrier drains them and reads the
  // emptiness after each drain (dpor_drain()): noted here it would order the barrier before them.
  if (buffered && c->curr->dpor_mb && c->sb.n == 0)
    d.note(c->id, DporExplorer::kBufferBase + uintptr_t(c->id), 1, false, true);
  switch (kind) {
    case AccessKind::kLoad:
      if (addr != nullptr) d.note(c->id, uintptr_t(addr), size, false);
      break;
    case AccessKind::kStore:  // the buffer alone, if it waits there: its drain writes memory
      if (addr == nullptr) break;
      if (!mem_.store_buffered(addr, size)) d.note(c->id, uintptr_t(addr), size, true);
      // tso's buffer is a FIFO: appending commutes with draining the oldest entry, unless the
      // buffer was empty (then the append enables its agent). pso and weak drain any entry.
      if (cfg_.memory_model == MemoryModel::kTSO && c->sb.n != 0)
        d.note(c->id, DporExplorer::kBufferTailBase + uintptr_t(c->id), 1, true);
      else if (buffered)
        d.note_buffer(c->id, c->id);
      break;
    case AccessKind::kRmw:  // what it drains first, dpor_drain() notes
      if (addr != nullptr) d.note(c->id, uintptr_t(addr), size, true);
      if (mem_.weak()) d.note(c->id, DporExplorer::kPropagatedLoc, 1, true);  // a full RMW's fence_mb
      break;
    case AccessKind::kFence:
      // What it drains, dpor_drain() notes (and orders it after); a strong fence's propagation,
      // dpor_strong_fence(). Under pso and weak smp_wmb() reads whether the buffer is empty and
      // orders its stores (the drains read that); tso's FIFO buffer needs no order.
      // A full barrier finds its buffer empty (draining_access): its order of later stores is a
      // no-op, and noting it a write would make a spin with smp_mb() never wait (spin-assume).
      if ((cfg_.memory_model == MemoryModel::kPSO || mem_.weak()) && !(c->curr->dpor_mb && c->sb.n == 0))
        d.note_buffer(c->id, c->id);
      break;
    case AccessKind::kRelax: d.note_relax(c->id); break;
    default: break;
  }
}

void Machine::dpor_touch(const void* addr, size_t size) {
  if (running_cpu_ == nullptr || stop_) return;
  DporExplorer& d = decisions_.dpor_explorer();
  d.note(running_cpu_->id, DporExplorer::kAllocatorLoc, 1, true);  // which block comes next
  d.note(running_cpu_->id, uintptr_t(addr), size, true);
}

void Machine::dpor_host_flag(const bool* flag, bool write) {
  if (running_cpu_ != nullptr && !stop_) decisions_.dpor_explorer().note(running_cpu_->id, uintptr_t(flag), 1, write);
}

void Machine::dpor_global() {
  if (running_cpu_ != nullptr && !stop_) decisions_.dpor_explorer().note_global(running_cpu_->id);
}

void Machine::drain_rest() {
  if (!cfg_.drains_first) {
    mem_.drain_rest();
    return;
  }
  Cpu* buffers[DporExplorer::kMaxArity];
  int agents[DporExplorer::kMaxArity];
  while (mem_.pending() != 0 && !reports_.failed()) {
    const uint32_t k = buffers_with_stores(buffers);
    for (uint32_t b = 0; b < k; ++b) agents[b] = DporExplorer::kBufferAgent + buffers[b]->id;
    uint32_t v = 0;
    if (!decisions_.dpor()) v = decide(Choice::kDrain, k);
    else if (k >= 2) decisions_.record(v = decisions_.dpor_pick(agents, k));
    if (v >= k) break;  // refused (too many buffers): the explorer says why
    dpor_drain_agent_ = decisions_.dpor() ? agents[v] : -1;
    mem_.drain_oldest(buffers[v]);
    dpor_drain_agent_ = -1;
  }
}

// A drain is always its buffer's event, whoever made it happen: chosen as an agent, at the end
// of the run, or forced by the running vCPU (a fence, an RMW, a full buffer), which then waited
// for it (it reads its buffer's emptiness: ordered after the drain). Every drain having one
// agent is what lets DPOR reverse two drains, or a drain and a load, whoever made them.
void Machine::dpor_drain(int owner, const void* addr, size_t size) {
  const bool forced = dpor_drain_agent_ < 0 && running_cpu_ != nullptr && !stop_;
  if (dpor_drain_agent_ < 0 && !forced && !(running_cpu_ == nullptr && !stop_)) return;  // teardown
  DporExplorer& d = decisions_.dpor_explorer();
  const int agent = DporExplorer::kBufferAgent + owner;
  d.note(agent, uintptr_t(addr), size, true);
  d.note_buffer(agent, owner);
  if (forced) d.note(running_cpu_->id, DporExplorer::kBufferBase + uintptr_t(owner), 1, false, true);
}

// Under weak a strong fence reads and extends what such fences propagated to every vCPU
// (WeakMemory::fence_mb()): strong fences are dependent with one another.
void Machine::dpor_strong_fence() {
  if (running_cpu_ != nullptr && !stop_)
    decisions_.dpor_explorer().note(running_cpu_->id, DporExplorer::kPropagatedLoc, 1, true);
}

// A timer or the tick fires: dependent with everything. Where it lands depends on the step count,
// which equivalent schedules do not share: the search counts such runs and fuzz says so.
void Machine::dpor_timer() {
  dpor_global();
  decisions_.dpor_explorer().note_timer();
}

}  // namespace hazsim
