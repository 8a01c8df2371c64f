// A CPU as the kernel sees it: the hardware vCPU (sim/vcpu.h) plus what runs on it, its
// runqueue, need_resched, the IPIs queued for it (smp_call_function_single's csd queue), and its
// softirq state (sched/softirq.cc).
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "sched/task.h"
#include "sim/vcpu.h"

namespace hazsim {

// What raised an interrupt (the irq-enter event's address, and the trace's irq name).
inline constexpr uint8_t kIrqIpi = 0, kIrqLocalTimer = 1, kIrqSoftirqKick = 2;

struct Ipi {
  void (*fn)(void*) = nullptr;  // nullptr: nothing but its exit (a softirq raised from task context)
  void* arg = nullptr;
  bool* done = nullptr;
  uint8_t vector = kIrqIpi;
};

// The kernel's softirq vectors that hazsim raises: timer_list callbacks run in TIMER_SOFTIRQ, a
// workload's raise_softirq() is a tasklet's.
inline constexpr uint8_t kTimerSoftirq = 1, kTaskletSoftirq = 6;

struct SoftirqWork {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  uint8_t vec = kTaskletSoftirq;
};

// softirq_count() as the kernel encodes it in preempt_count: SOFTIRQ_OFFSET while this CPU
// serves softirqs, SOFTIRQ_DISABLE_OFFSET per local_bh_disable() level.
inline constexpr int kSoftirqOffset = 1, kSoftirqDisableOffset = 2;

// What runs on a CPU, but for the rings' entries.
struct CpuRunState {
  Task* curr = nullptr;
  Task* idle = nullptr;
  Task* rq_head = nullptr;
  Task* rq_tail = nullptr;
  bool need_resched = false;
  uint32_t ipi_head = 0, ipi_count = 0;  // pending IPIs: ipis[ipi_head], the next ipi_count - 1
  int softirq_count = 0;
  uint32_t softirq_head = 0, softirq_pending = 0;  // as ipi_head, ipi_count for softirqs
  bool idle_waiting = false;  // its idle task is parked with nothing to do
  // The hard-lockup watchdog (sched/progress.cc): how often interrupts came back on, and what
  // the count and the step were when the watchdog last saw them off.
  uint64_t irqs_on = 0, watchdog_irqs_on = 0, watchdog_since = 0;
};

struct Cpu : VCpu, CpuRunState {
  std::array<Ipi, 32> ipis{};
  // Raised and not yet run (local_softirq_pending()), in raise order.
  std::array<SoftirqWork, 32> softirqs{};
  // As at boot. A ring's entries are read only between its head and count, after they were
  // written, so they are left as they are (see VCpu::reset_vcpu()).
  void reset() {
    reset_vcpu();
    static_cast<CpuRunState&>(*this) = CpuRunState{};
  }
};

// n CPUs as at boot; those of the last run are reset in place.
inline void reset_cpus(std::vector<Cpu>* cpus, size_t n) {
  cpus->resize(n);
  for (Cpu& c : *cpus) c.reset();
}

}  // namespace hazsim
