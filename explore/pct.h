// Strategy `pct:D` (Burckhardt et al., ASPLOS 2010): random task priorities; the machine runs the
// vCPU whose task has the highest; at D-1 random change points among the first `steps` steps,
// the running task is preempted and drops below every initial priority. A bug of depth D is
// found with probability at least 1/(n k^(D-1)) per run. Other choices (interrupts, migration,
// drains) stay random.
#pragma once
#include <algorithm>
#include <climits>
#include <cstdint>
#include <vector>

#include "sim/prng.h"

namespace hazsim {

class PctStrategy {
 public:
  // `rng` is the run's stream, freshly seeded: the change points are its first draws.
  void start(Prng& rng, int depth, uint64_t steps) {
    depth_ = depth;
    prio_.clear();
    change_points_.clear();
    for (int i = 1; i < depth; ++i) change_points_.push_back(1 + rng.next() % (steps ? steps : 1));
    std::sort(change_points_.begin(), change_points_.end());
    next_change_ = 0;
  }
  // A task's priority, drawn the first time it is asked for.
  int64_t priority(Prng& rng, int pid) {
    if (pid < 0) return INT64_MIN;
    if (size_t(pid) >= prio_.size()) prio_.resize(size_t(pid) + 1, 0);
    if (prio_[size_t(pid)] == 0) prio_[size_t(pid)] = depth_ + 1 + int64_t(rng.next() >> 2);
    return prio_[size_t(pid)];
  }
  // True once at each change point (steps are visited in increasing order).
  bool change_point(uint64_t step) {
    if (next_change_ < change_points_.size() && step >= change_points_[next_change_]) {
      ++next_change_;
      return true;
    }
    return false;
  }
  // The preempted task drops below every priority given so far.
  void lower(Prng& rng, int pid) {
    priority(rng, pid);
    if (pid >= 0) prio_[size_t(pid)] = depth_ - int64_t(next_change_);
  }

 private:
  int depth_ = 1;
  std::vector<int64_t> prio_;  // by pid
  std::vector<uint64_t> change_points_;
  size_t next_change_ = 0;
};

}  // namespace hazsim
