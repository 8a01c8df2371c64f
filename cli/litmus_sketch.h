// A litmus sketch of a failing run: the last accesses each task made in design code, in program
// order, as a C litmus test an engineer completes (values, barrier kinds, the condition) and takes
// to herd7 or `hazsim litmus`.
#pragma once
#include <string>
#include <vector>

#include "sched/machine.h"

namespace hazsim {

// `events` is the run's full event log (Machine::set_full_trace); `m` the machine after the run.
std::string litmus_sketch(const std::vector<Event>& events, const Machine& m, const std::string& name,
                          const std::string& why);

}  // namespace hazsim
