// A CPU as the kernel sees it: the hardware vCPU (sim/vcpu.h) plus what runs on it, its
// runqueue, need_resched, and the IPIs queued for it (smp_call_function_single's csd queue).
#pragma once
#include <array>
#include <cstdint>

#include "sched/task.h"
#include "sim/vcpu.h"

namespace hazsim {

struct Ipi {
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  bool* done = nullptr;
};

struct Cpu : VCpu {
  Task* curr = nullptr;
  Task* idle = nullptr;
  Task* rq_head = nullptr;
  Task* rq_tail = nullptr;
  bool need_resched = false;
  std::array<Ipi, 32> ipis{};
  uint32_t ipi_head = 0, ipi_count = 0;
  bool idle_waiting = false;  // its idle task is parked with nothing to do
  // The hard-lockup watchdog (sched/progress.cc): how often interrupts came back on, and what
  // the count and the step were when the watchdog last saw them off.
  uint64_t irqs_on = 0, watchdog_irqs_on = 0, watchdog_since = 0;
};

}  // namespace hazsim
