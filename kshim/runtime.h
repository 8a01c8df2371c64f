// The runtime of kernel C in the machine: struct hazsim_ops (kapi/kshim_abi.h) implemented on the
// simulated kernel (sched/sim_kernel.h), so that an access, barrier or lock of the C code means
// what the same primitive of a C++ model means, at the C code's own source line.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kapi/kshim_abi.h"
#include "sim/access.h"

namespace hazsim::kshim {

// The ops every loaded object is bound to.
const hazsim_ops* machine_ops();

// The Site of a C site (the two share libstdc++'s layout; site_layout_ok() checks it).
Site site_of(const hazsim_site* s);
bool site_layout_ok();

// Where the plain accesses of an object are: the instrumentation's call sites, by return address
// (as an offset in the object), with their kernel lines (built by the loader from the object's
// debug information).
struct PlainSites {
  uintptr_t base = 0;                  // where the object is loaded
  std::vector<uint64_t> offsets;       // sorted
  std::vector<hazsim_site> sites;      // one per offset
  std::vector<std::string> strings;    // what the sites' names point into (reserved up front)
  hazsim_site unknown{"<kernel object>", "?", 0, 0};
  const hazsim_site* find(const void* ra) const;
};

}  // namespace hazsim::kshim
