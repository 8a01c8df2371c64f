// The inline bodies of MachineMemoryHost (sched/memory_host.h); included by sched/machine.h
// after the Machine, whose state they read.
#pragma once
#include "sched/machine.h"

namespace hazsim {

uint32_t MachineMemoryHost::choose(Choice k, uint32_t n) { return m_.decide(k, n); }
uint32_t MachineMemoryHost::choose_at(const VCpu& c, Choice k, uint32_t n) {
  return m_.decide(k, n, Machine::cpu(c).curr->last_site,
                   k == Choice::kReadFrom ? CoverEvent::kStale : CoverEvent::kDrain);
}
bool MachineMemoryHost::halted() const { return m_.stop_ && m_.reports_.failed(); }
uint64_t MachineMemoryHost::step() const { return m_.step_; }
StoreOrigin MachineMemoryHost::origin(const VCpu& c) const {
  const Task* t = Machine::cpu(c).curr;
  return {t->pid, m_.step_, t->last_site};
}
void MachineMemoryHost::drain_event(const VCpu& c, const BufferedStore& e, uint64_t where) {
  m_.log_.record(m_.step_, m_.now_, c.id, e.pid, AccessKind::kDrain, where, e.site);
  if (m_.dpor_) [[unlikely]]
    m_.dpor_drain(c.id, e.addr, e.size);
}
const void* MachineMemoryHost::watched() const { return m_.ghost_.watched(); }
void MachineMemoryHost::watched_load() {
  if (Task* t = m_.current_task()) t->watched_load = m_.step_;
}
void MachineMemoryHost::watched_store_reaches_memory(const void* p, uint32_t size) {
  m_.ghost_.note_store_reaches_memory(p, size, m_.step_);
}
// The hold dates from when the value it saw was still the newest (its Load A).
void MachineMemoryHost::watched_read_stale(const VCpu& c, uint64_t superseded) {
  Task* t = Machine::cpu(c).curr;
  if (t->watched_load >= superseded) t->watched_load = superseded - 1;
}
void MachineMemoryHost::loads_ordered(const VCpu& c) {
  if (m_.ghost_.lingering()) [[unlikely]]
    m_.ghost_.ordered(Machine::cpu(c).curr);
}
void MachineMemoryHost::store_may_pass_loads(const VCpu& c) {
  if (m_.ghost_.lingering()) [[unlikely]]
    m_.ghost_.passed(Machine::cpu(c).curr, m_.step_);
}

}  // namespace hazsim
