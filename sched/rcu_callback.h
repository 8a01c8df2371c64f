// A kfree_rcu() waiting for its grace period (sched/rcu.cc): the readers that were inside a
// read-side section at the call, each with the number of the section it was in. Sections that
// begin later cannot find the object, so they are not waited for.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sched/task.h"
#include "sim/access.h"

namespace hazsim {

struct RcuCallback {
  void* p;
  Site site;  // the kfree_rcu() call
  std::vector<std::pair<const Task*, uint64_t>> readers;

  // Every one of those readers has left the section it was in.
  bool grace_period_over() const {
    return std::all_of(readers.begin(), readers.end(), [](const auto& r) { return r.first->rcu_sections != r.second; });
  }
};

}  // namespace hazsim
