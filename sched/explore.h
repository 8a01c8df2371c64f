// Exhaustive exploration of every schedule of a small scenario: depth-first over the decision
// stream. Each run follows a prefix of choices and takes 0 after it, recording every choice and
// its arity; the next prefix increments the deepest choice that has an untried alternative.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "sched/decisions.h"

namespace hazsim {

class Machine;

struct ExploreResult {
  uint64_t runs = 0;
  bool exhausted = false;  // every schedule was run (false: stopped at max_runs)
};

// run_once(prefix) must set the machine up, call m.decisions().start_explore(&prefix, mask)
// and run it; `mask` chooses which kinds of choice branch (choice_bit(...)).
ExploreResult explore_all(Machine& m, uint64_t max_runs,
                          const std::function<void(const std::vector<uint16_t>& prefix)>& run_once);

}  // namespace hazsim
