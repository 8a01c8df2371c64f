// A virtual CPU as hardware: its interrupt state, its store buffer, and whether it is stalled
// (arm's injected delays, as a hypervisor preempting the vCPU would cause). What runs on it
// (current task, runqueue, pending IPIs) is the kernel's: sched/cpu.h.
#pragma once
#include <cstdint>

#include "sim/memory_model.h"

namespace hazsim {

// Everything of a vCPU but its store buffer.
struct VCpuRegs {
  int id = 0;
  int irq_off = 0;  // nesting depth of local_irq_disable; interrupts are on at zero
  int in_irq = 0;   // interrupt handlers running on top of the interrupted context
  int elig_index = -1;  // position in the machine's list of vCPUs with work, -1 if none
  uint64_t stalled_until = 0;  // virtual time until which this vCPU gives its turns away
};

struct VCpu : VCpuRegs {
  StoreBuffer sb;
  // As at power-on. The buffer's entries are read only below its count, so they are left as they
  // are: zeroing them (1.8 KiB) for every vCPU of every run cost more than a small test's steps.
  void reset_vcpu() {
    static_cast<VCpuRegs&>(*this) = VCpuRegs{};
    sb.n = 0;
    sb.group = 0;
  }
};

}  // namespace hazsim
