// How a run is told to a person: the torture-style start and end lines, the failure in words with
// the events that led to it, and the command that replays it.
#pragma once
#include <string>

#include "scenarios/params.h"
#include "scenarios/runner.h"

namespace hazsim {

std::string start_line(const Params& p);
std::string end_line(const Params& p, bool failed);
// The failure: what, where, the last events, in lines prefixed "hazsim-torture: ".
std::string failure_report(const ScenarioOutcome& o);
// One event as the failure report lists it: step, vCPU, pid, event (with its address), site,
// `object`, what its address lies in, if known, and `value`, what the access read ("= v") or
// wrote ("<- v"), if noted.
std::string event_row(const Event& e, const std::string& object = "", const std::string& value = "");

// A schedule told in words from its full event log: which task ran where, where each
// preemption, interrupt, migration and drain fell, and what the oracle saw.
std::string schedule_narrative(const std::vector<Event>& events, const Machine& m, const ScenarioOutcome& o);

}  // namespace hazsim
