// One run of a scenario: builds the machine for the parameters, instantiates the design and the
// workload on it, runs, and returns what happened.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sched/machine.h"
#include "scenarios/params.h"
#include "scenarios/torture.h"

namespace hazsim {

// Shrinking's runs (explore/keyed_replay.h): learn the keys of `learn`'s choices (a replay of it),
// or, with `choices`, take choices by key.
struct KeyedScript {
  const std::vector<uint16_t>* learn = nullptr;
  const std::vector<KeyedChoice>* choices = nullptr;
};

struct ScenarioOutcome {
  std::string error;                // the design cannot run these parameters (nothing ran)
  RunResult run;
  TortureStats stats;
  std::string reader_pipe;          // the "Reader Pipe:" status line
  std::vector<uint16_t> decisions;  // every choice the run made
  bool diverged = false;            // replay: a recorded choice did not fit
  size_t consumed = 0;              // replay: recorded choices used
  std::vector<KeyedChoice> keyed;   // a KeyedScript run: its eventful choices with their keys
};

// Runs the scenario the parameters describe. With `replay`, choices come from it instead of the
// parameters' strategy; with `explore_prefix` (bounded:K), the explorer's prefix is followed;
// with `corpus_prefix` (random and arm runs), those choices come first and the strategy goes on
// from where they end with its stream reseeded by `corpus_salt` (give the seed of the run the
// prefix came from, so the workload retraces it). Strategy `portfolio` runs the member
// portfolio_member(seed). With `keyed`, choices come from it (and `replay` is ignored).
ScenarioOutcome run_scenario(Machine& m, const Params& p, const std::vector<uint16_t>* replay = nullptr,
                             const std::vector<uint16_t>* explore_prefix = nullptr,
                             const std::vector<uint16_t>* corpus_prefix = nullptr, uint64_t corpus_salt = 0,
                             const KeyedScript* keyed = nullptr);

}  // namespace hazsim
