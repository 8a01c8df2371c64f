#include "scenarios/shrink.h"

#include <chrono>

namespace hazsim {

ScheduleSize size_of(const RunResult& r) {
  return {r.preemptions + r.irqs + r.migrations + r.drains + r.cpu_switches, r.steps};
}

namespace {

// Above this many scheduling events, a round shrinks positionally only (see the keyed pass).
constexpr uint64_t kKeyedMaxEvents = 4096;

bool same_failure(const ScenarioOutcome& a, const ScenarioOutcome& b) {
  return a.run.failed && b.run.failed && a.run.failure.oracle == b.run.failure.oracle &&
         a.run.failure.site == b.run.failure.site;
}

// The choices a run actually consumed: anything recorded past them is dead weight.
std::vector<uint16_t> consumed_prefix(const std::vector<uint16_t>& d, const ScenarioOutcome& o) {
  return std::vector<uint16_t>(d.begin(), d.begin() + long(std::min(d.size(), o.decisions.size())));
}

}  // namespace

ShrinkResult shrink_schedule(Machine& m, const Params& p, const std::vector<uint16_t>& decisions,
                             const ShrinkOptions& opts) {
  ShrinkResult r;
  auto start = std::chrono::steady_clock::now();
  auto out_of_budget = [&] {
    if (opts.stop && opts.stop->load(std::memory_order_relaxed)) return r.interrupted = true;
    return r.runs >= opts.max_runs ||
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= opts.max_seconds;
  };
  r.original = run_scenario(m, p, &decisions);
  ++r.runs;
  r.reproduced = r.original.run.failed;
  r.decisions = decisions;
  r.shrunk = r.original;
  if (!r.reproduced) return r;
  r.decisions = consumed_prefix(decisions, r.original);

  // Accepts a candidate that fails the same way and is smaller; keeps what the run consumed. It
  // must also have no more preemptions, interrupts or steps than the input (the order of sizes
  // alone would trade a preemption for two fewer vCPU switches): a shrunk schedule is never
  // longer or busier than the one it came from in what a reader of it counts.
  auto no_bigger_than_input = [&](const RunResult& o) {
    const RunResult& in = r.original.run;
    return o.preemptions <= in.preemptions && o.irqs <= in.irqs && o.steps <= in.steps;
  };
  auto accept = [&](const ScenarioOutcome& o) {
    return same_failure(o, r.original) && size_of(o.run) < size_of(r.shrunk.run) && no_bigger_than_input(o.run);
  };
  auto try_candidate = [&](std::vector<uint16_t> cand) {
    if (out_of_budget()) return false;
    ScenarioOutcome o = run_scenario(m, p, &cand);
    ++r.runs;
    if (!accept(o)) return false;
    r.decisions = consumed_prefix(cand, o);
    r.shrunk = o;
    return true;
  };
  // A keyed candidate: the eventful choices it keeps are taken by key (explore/keyed_replay.h);
  // the run records the positional schedule it made, which replays it.
  std::vector<KeyedChoice> keyed;
  auto learn_keys = [&] {
    KeyedScript learn{&r.decisions, nullptr};
    ScenarioOutcome o = run_scenario(m, p, nullptr, nullptr, nullptr, 0, &learn);
    ++r.runs;
    keyed = o.keyed;
  };
  auto try_keyed = [&](const std::vector<KeyedChoice>& cand) {
    if (out_of_budget()) return false;
    KeyedScript script{nullptr, &cand};
    ScenarioOutcome o = run_scenario(m, p, nullptr, nullptr, nullptr, 0, &script);
    ++r.runs;
    if (!accept(o)) return false;
    r.decisions = o.decisions;
    keyed = std::move(o.keyed);
    o.keyed.clear();
    r.shrunk = std::move(o);
    return true;
  };

  bool improved = true;
  while (improved && !out_of_budget()) {
    improved = false;
    // Pass 0: remove chunks of the eventful choices by key, halving the chunk size (ddmin): the
    // choices after a removed one keep their meaning, so most schedules lose most of their events
    // here. The candidate's own events are the next round's (an event may bring others with it).
    // A schedule of tens of thousands of events (a weak-model run) is first cut down positionally:
    // a keyed run costs more, and halving chunks of 60 k keyed events takes too many of them.
    bool keyed_pass = opts.keyed && size_of(r.shrunk.run).events <= kKeyedMaxEvents;
    keyed.clear();
    if (keyed_pass) learn_keys();
    for (size_t chunk = std::max<size_t>(1, keyed.size() / 2); keyed_pass && chunk >= 1 && !out_of_budget(); chunk /= 2) {
      for (size_t begin = 0; begin < keyed.size() && !out_of_budget();) {
        std::vector<KeyedChoice> cand = keyed;
        cand.erase(cand.begin() + long(begin), cand.begin() + long(std::min(keyed.size(), begin + chunk)));
        if (try_keyed(cand))
          improved = true;
        else
          begin += chunk;
      }
      if (chunk == 1) break;
    }
    // Pass 1: zero chunks of the eventful choices, halving the chunk size (ddmin on events).
    std::vector<size_t> eventful;
    for (size_t i = 0; i < r.decisions.size(); ++i)
      if (r.decisions[i] != 0) eventful.push_back(i);
    for (size_t chunk = std::max<size_t>(1, eventful.size() / 2); chunk >= 1 && !out_of_budget(); chunk /= 2) {
      for (size_t begin = 0; begin < eventful.size() && !out_of_budget(); begin += chunk) {
        std::vector<uint16_t> cand = r.decisions;
        bool changed = false;
        for (size_t k = begin; k < std::min(eventful.size(), begin + chunk); ++k)
          if (eventful[k] < cand.size() && cand[eventful[k]] != 0) cand[eventful[k]] = 0, changed = true;
        if (changed && try_candidate(std::move(cand))) improved = true;
      }
      if (chunk == 1) break;
    }
    // Pass 2: delete chunks of choices (shifts what follows: a different, maybe shorter, run).
    for (size_t chunk = std::max<size_t>(1, r.decisions.size() / 2); chunk >= 8 && !out_of_budget(); chunk /= 2) {
      for (size_t begin = 0; begin + chunk <= r.decisions.size() && !out_of_budget();) {
        std::vector<uint16_t> cand = r.decisions;
        cand.erase(cand.begin() + long(begin), cand.begin() + long(begin + chunk));
        if (try_candidate(std::move(cand)))
          improved = true;
        else
          begin += chunk;
      }
    }
  }
  r.exhausted = !out_of_budget();
  return r;
}

}  // namespace hazsim
