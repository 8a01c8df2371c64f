// The end-of-run leak check every workload makes: each slot of the design is free.
#pragma once
#include <fmt/format.h>

#include "sched/machine.h"

namespace hazsim {

template <class D>
void check_slots_free(Machine& m, D& design) {
  design.for_each_slot([&](int cpu, const char* what, void* v) {
    if (v != nullptr && !m.stopping())
      m.fail(Oracle::kLeak, fmt::format("leak: {}{} still holds {} at the end of the run", what,
                                        cpu >= 0 ? fmt::format(" of cpu {}", cpu) : std::string(), m.describe_addr(v)));
  });
}

}  // namespace hazsim
