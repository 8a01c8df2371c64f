// Traces of a run for people and tools: ftrace text (which Perfetto and the systrace tools open)
// and Chrome trace-event JSON (chrome://tracing, Perfetto).
#pragma once
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

// `events` is a run's full event log (Machine::set_full_trace); `m` the machine after that run.
std::string ftrace_text(const std::vector<Event>& events, const Machine& m, const FtraceOptions& options = {});
// Every event has a "cat" (sched, irq, softirq, memory, hazptr, failure); `failure`, if given, is
// a global instant on the failing task's track.
std::string chrome_json(const std::vector<Event>& events, const Machine& m, const Failure* failure = nullptr);

}  // namespace hazsim
