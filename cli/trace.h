// Traces of a run for people and tools: ftrace text (which Perfetto and the systrace tools open)
// and Chrome trace-event JSON (chrome://tracing, Perfetto).
#pragma once
#include <string>
#include <vector>

#include "cli/ftrace_records.h"
#include "sched/machine.h"

namespace hazsim {

// `events` is a run's full event log (Machine::set_full_trace); `m` the machine after that run.
std::string ftrace_text(const std::vector<Event>& events, const Machine& m, const FtraceOptions& options = {});
// Every event has a "cat" (sched, irq, softirq, memory, hazptr, failure); `failure`, if given, is
// a global instant on the failing task's track.
std::string chrome_json(const std::vector<Event>& events, const Machine& m, const Failure* failure = nullptr);

}  // namespace hazsim
