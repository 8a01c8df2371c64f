// Runs small hand-written task bodies on the machine: the deliberately broken workloads that show
// each oracle fires.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "sched/machine.h"

namespace hazsim::testing {

struct TaskSpec {
  std::function<void()> body;
  int cpu = -1;
  bool pinned = false;
  int prio = 0;
};

inline RunResult run_tasks(Machine& m, std::vector<TaskSpec> specs, MachineConfig cfg = {}, uint64_t seed = 1,
                           std::function<void()> boot = nullptr) {
  m.reset(cfg);
  m.decisions().start_random(seed, RandomKnobs{});
  if (boot) boot();
  static thread_local std::vector<TaskSpec>* current_specs;
  current_specs = &specs;
  for (size_t i = 0; i < specs.size(); ++i)
    m.create_task("test/" + std::to_string(i), [](void* a) { (*current_specs)[reinterpret_cast<size_t>(a)].body(); },
                  reinterpret_cast<void*>(i), specs[i].cpu, specs[i].pinned, specs[i].prio);
  return m.run();
}

}  // namespace hazsim::testing
