// A CPU as the kernel sees it: the hardware vCPU (sim/vcpu.h) plus what runs on it, its
// runqueue, need_resched, the IPIs queued for it (smp_call_function_single's csd queue), and its
// softirq state (sched/softirq.cc).
#pragma once
#include <array>
#include <cstdint>

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

struct Cpu : VCpu {
  Task* curr = nullptr;
  Task* idle = nullptr;
  Task* rq_head = nullptr;
  Task* rq_tail = nullptr;
  bool need_resched = false;
  std::array<Ipi, 32> ipis{};
  uint32_t ipi_head = 0, ipi_count = 0;
  int softirq_count = 0;
  // Raised and not yet run (local_softirq_pending()), in raise order.
  std::array<SoftirqWork, 32> softirqs{};
  uint32_t softirq_head = 0, softirq_pending = 0;
  bool idle_waiting = false;  // its idle task is parked with nothing to do
  // The hard-lockup watchdog (sched/progress.cc): how often interrupts came back on, and what
  // the count and the step were when the watchdog last saw them off.
  uint64_t irqs_on = 0, watchdog_irqs_on = 0, watchdog_since = 0;
};

}  // namespace hazsim
