// A run's ftrace, as records: what `hazsim trace` writes as ftrace text (cli/trace.cc) and as
// trace-cmd's trace.dat (cli/trace_dat.cc) from the same list, so the two never disagree.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sched/machine.h"

namespace hazsim {

struct FtraceOptions {
  // The run's failure, written as an event at its time on the failing task's track (a
  // zero-length tracing_mark_write slice named "FAILURE: ...").
  const Failure* failure = nullptr;
  // The marked loads, stores and RMWs the design's own calls made (within a traced section),
  // with what they read or wrote, as trace_printk() lines under the function's name.
  bool accesses = false;
};

struct FtraceRecord {
  enum class Type : uint8_t {
    kSwitch, kWaking, kMigrate,                // sched
    kTimerEntry, kTimerExit,                   // irq_vectors (x86's local APIC timer)
    kIrqEntry, kIrqExit, kSoftirqEntry, kSoftirqExit,  // irq
    kPrint,                                    // ftrace's print: tracing_mark_write, trace_printk()
  };
  // prev_state of a switch as the kernel's sched_switch reports it: task state bits, and
  // kPreempted for a task switched out while runnable ("R+").
  static constexpr int kSleeping = 0x01, kUninterruptible = 0x02, kDead = 0x10, kPreempted = 0x100;

  Type type = Type::kPrint;
  int pid = 0, cpu = 0;  // whose context the line is in
  uint64_t ns = 0;
  uint8_t flags = 0;     // Event::flags, with the kernel's context for irq and softirq events
  std::string comm;      // the task: for a switch, prev
  int other_pid = 0;     // switch: next; waking and migrate: the task
  std::string other_comm;
  int state = 0;         // switch: prev_state
  int64_t value = 0;     // waking: target cpu; migrate: dest cpu; softirq: vec
  std::string func;      // print: the function it is under (tracing_mark_write, or a design function)
  std::string text;      // print: the text; irq entry: the handler's name
};

// The tasks of a run by pid, and their names as ftrace shows them.
class TaskNames {
 public:
  explicit TaskNames(const Machine& m);
  // swapper/N for an idle task; at most 15 characters, no spaces.
  std::string comm(int pid, int cpu) const;
  const std::map<int, std::string>& by_pid() const { return by_pid_; }

 private:
  std::map<int, std::string> by_pid_;
};
// `events` is a run's full event log (Machine::set_full_trace); `m` the machine after that run.
std::vector<FtraceRecord> ftrace_records(const std::vector<Event>& events, const Machine& m,
                                         const FtraceOptions& options);

}  // namespace hazsim
