// Shrinking a failing schedule: the fewest preemptions, interrupts, migrations, drains and vCPU
// switches, then steps, that still fail the same way (same oracle at the same site).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenarios/params.h"
#include "scenarios/runner.h"

namespace hazsim {

struct ShrinkOptions {
  double max_seconds = 30;
  uint64_t max_runs = 20000;
  // If set, the shrink stops before its next run once this is true (an interrupt), keeping the
  // smallest schedule it has.
  const std::atomic<bool>* stop = nullptr;
  // Whether to remove events by key first (explore/keyed_replay.h); off: only positional passes
  // (zeroing choices, deleting chunks), as before keyed replay, for comparing the two.
  bool keyed = true;
};

struct ShrinkResult {
  ScenarioOutcome original;
  ScenarioOutcome shrunk;      // the rerun of `decisions`
  std::vector<uint16_t> decisions;
  uint64_t runs = 0;
  bool reproduced = false;     // the input failed the way it says when rerun
  bool exhausted = false;      // every pass ran to the end without improvement (a local minimum)
  bool interrupted = false;    // *ShrinkOptions::stop ended it
};

// Size of a run for shrinking: events first, then steps.
struct ScheduleSize {
  uint64_t events = 0;  // preemptions + interrupts + migrations + drains + vCPU switches
  uint64_t steps = 0;
  bool operator<(const ScheduleSize& o) const { return events != o.events ? events < o.events : steps < o.steps; }
};
ScheduleSize size_of(const RunResult& r);

ShrinkResult shrink_schedule(Machine& m, const Params& p, const std::vector<uint16_t>& decisions,
                             const ShrinkOptions& opts);

}  // namespace hazsim
