// What a step of the machine is about: the kind of shared access (or scheduler event) and the
// source site it came from. Sites are source locations of the code that made the access; their
// line numbers enter the schedule hash, so they are part of what a recorded schedule means.
#pragma once
#include <cstdint>
#include <source_location>

namespace hazsim {

using Site = std::source_location;

enum class AccessKind : uint8_t {
  kLoad, kStore, kRmw, kFence, kRelax, kIdle,
  // scheduler events, recorded in the event log but not accesses
  kSwitch, kPreempt, kIrqEnter, kIrqExit, kWake, kSleep, kMigrate, kExit,
  kDrain,  // a buffered store reaches memory (tso, pso)
  kSpanBegin, kSpanEnd,  // a named section (func = its name), for traces
  kHolds,                // the number of hazard pointers held changed (addr = the count)
  kStall,                // arm: this vCPU stalls (addr = the steps)
  kSoftirqEnter, kSoftirqExit,  // a softirq handler runs (sched/softirq.cc)
};
const char* access_kind_name(AccessKind k);

// Event::flags: interrupts off, need_resched, in a hardirq, serving a softirq, and the preempt
// count (its low four bits).
inline constexpr uint8_t kFlagIrqsOff = 0x10, kFlagNeedResched = 0x20, kFlagHardirq = 0x40, kFlagSoftirq = 0x80;
inline constexpr uint8_t kFlagPreemptMask = 0x0f;

struct Event {
  uint64_t step = 0;
  uint64_t now = 0;
  int16_t cpu = -1;
  int32_t pid = -1;
  AccessKind kind = AccessKind::kLoad;
  bool valued = false;  // a marked access of the kernel API noted `value` (not plain C accesses)
  // Full traces only (Machine::set_full_trace): the context as ftrace's flags column shows it.
  uint8_t flags = 0;
  uint32_t line = 0;
  const char* func = "";
  uint64_t addr = 0;  // arena offset, or a small integer payload for scheduler events
  // What a load read, a store wrote, an RMW returned, as the host held it (a pointer is a host
  // address: reports turn it into an object, never print it). Not in the schedule hash.
  uint64_t value = 0;
};

}  // namespace hazsim
