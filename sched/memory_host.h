// The machine as the host of the hardware's memory system (sim/memory_system.h's MemoryHost): the
// memory system's choices go to the decision stream at the running task's site, a drain becomes
// an event of the log and a bad one a report, and the ghost state hears of the loads and stores of
// the pointer it watches and of the ordering points that end a lingering hold. Kept apart from
// the Machine's own interface, which is the kernel-API layer's. The inline bodies need the
// Machine: sched/memory_host_inline.h, included at the end of sched/machine.h.
#pragma once
#include <cstdint>

#include "sim/memory_system.h"

namespace hazsim {

class Machine;

class MachineMemoryHost {
 public:
  explicit MachineMemoryHost(Machine& m) : m_(m) {}
  inline uint32_t choose(Choice k, uint32_t n);
  inline uint32_t choose_at(const VCpu& c, Choice k, uint32_t n);
  inline bool halted() const;
  inline uint64_t step() const;
  inline StoreOrigin origin(const VCpu& c) const;
  inline void drain_event(const VCpu& c, const BufferedStore& e, uint64_t where);
  void drain_fault(const VCpu& c, const BufferedStore& e);  // sched/memory.cc
  inline const void* watched() const;
  inline void watched_load();
  inline void watched_store_reaches_memory(const void* p, uint32_t size);
  inline void watched_read_stale(const VCpu& c, uint64_t superseded);
  inline void loads_ordered(const VCpu& c);
  inline void store_may_pass_loads(const VCpu& c);

 private:
  Machine& m_;
};

}  // namespace hazsim
