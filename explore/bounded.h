// Strategy `bounded:K`, and exhaustive exploration of every schedule of a small scenario:
// depth-first over the decision stream. Each run follows a prefix of choices and takes 0 after
// it, recording every choice and its arity; the next prefix increments the deepest choice that
// has an untried alternative. With a bound K, once a run has made K non-zero choices the rest
// are recorded with arity 1, so the walk covers exactly the schedules with at most K events (as
// CHESS bounds preemptions).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explore/replay.h"
#include "sim/choice.h"

namespace hazsim {

class BoundedExplorer {
 public:
  // Choices of the kinds in `mask` follow the prefix and then take 0; other kinds are always 0
  // and not recorded.
  void start(uint32_t mask, uint32_t event_bound) {
    mask_ = mask;
    event_bound_ = event_bound;
    events_ = 0;
    arities_.clear();
  }
  bool branches(Choice c) const { return (mask_ & choice_bit(c)) != 0; }
  bool bounded() const { return event_bound_ != UINT32_MAX; }
  uint32_t choose(ScriptCursor& prefix, uint32_t n) {
    if (events_ >= event_bound_) n = 1;  // budget spent: no alternatives from here on
    uint32_t v = n < 2 ? (++prefix.pos, 0) : prefix.replay(n);
    events_ += v != 0;
    arities_.push_back(uint16_t(n));
    return v;
  }
  // A choice the machine made itself (PCT-like), kept aligned with the values.
  void note_forced(ScriptCursor& prefix) {
    arities_.push_back(1);
    ++prefix.pos;
  }
  const std::vector<uint16_t>& arities() const { return arities_; }

 private:
  uint32_t mask_ = 0;
  uint32_t event_bound_ = UINT32_MAX;
  uint32_t events_ = 0;
  std::vector<uint16_t> arities_;
};

class DecisionSource;

struct ExploreResult {
  uint64_t runs = 0;
  bool exhausted = false;  // every schedule was run (false: stopped at max_runs, or by `stop`)
  bool stopped = false;    // `stop` said so before the next run
  std::string error;       // dpor: why the search cannot go on (not deterministic, a run too long)
  uint64_t redundant = 0;  // dpor: runs that turned out equivalent to an earlier one (sleep sets)
  uint64_t timed = 0;      // dpor: runs in which a timer or the tick fired (DporExplorer::timed_runs())
  // dpor:K: the bound of the last search run (dpor:K runs K+1 of them at most), and whether it
  // left schedules out (then `exhausted` is within that many preemptions only).
  uint32_t bound = UINT32_MAX;
  bool pruned = false;
};

// run_once(prefix) must set the machine up, call d.start_explore(&prefix, mask) on `d` and run
// it; `mask` chooses which kinds of choice branch (choice_bit(...)).
// `stop` (may be empty) is asked before every run: a campaign's Ctrl-C, SIGTERM or time limit.
// run_once must run the prefix it is given: the next prefix is worked out from that run's record.
ExploreResult explore_all(const DecisionSource& d, uint64_t max_runs,
                          const std::function<void(const std::vector<uint16_t>& prefix)>& run_once,
                          const std::function<bool()>& stop = nullptr);

}  // namespace hazsim
