// One run of the cost workload (scenarios/costbench.h) with the cost meter on, for a design of
// the registry or a baseline (refcount, percpu-ref).
#pragma once
#include <string>

#include "scenarios/costbench.h"
#include "scenarios/params.h"

namespace hazsim {

inline constexpr const char* kBaselines[] = {"refcount", "percpu-ref"};

CostOutcome run_cost(Machine& m, const Params& p);

}  // namespace hazsim
