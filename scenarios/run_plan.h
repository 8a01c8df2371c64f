// What the runs of a campaign share: everything run_scenario() derives from the parameters except
// the seed. A campaign's runs differ by their seed only, so the plan is derived once per thread and
// Params version (Params::version_without_seed()); a run then looks nothing up by name.
#pragma once
#include <cstdint>
#include <string>

#include "explore/random.h"
#include "explore/strategy.h"
#include "hazptr/kernel_source.h"
#include "scenarios/params.h"
#include "sched/machine_config.h"

namespace hazsim {

struct RunPlan {
  std::string error;        // the parameters cannot run (nothing runs)
  std::string design;       // --design, for the registry's dispatch
  bool c_workload = false;  // a kernel-C workload (or small test), not the torture
  // The loaded object of a kernel: design (per thread, as hazptr::tl_kernel_object), else null.
  const hazptr::KernelObject* kernel_object = nullptr;
  MachineConfig config;  // without the design's task_data_size
  RandomKnobs knobs;     // the *_prob parameters
  StrategyKind kind = StrategyKind::kRandom;
  int depth = 0;
  uint32_t arm_sites_ppm = 0, arm_fire_ppm = 0;
  uint64_t pct_steps = 0;
};

// The plan of these parameters, valid until the next call on this thread with other parameters.
const RunPlan& run_plan(const Params& p);

// Its parts alone, derived afresh (hazsim compare's cost runs, which load no workload).
MachineConfig machine_config(const Params& p);
RandomKnobs random_knobs(const Params& p);  // the *_prob parameters

}  // namespace hazsim
