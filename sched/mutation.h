// A deliberate change to a design at one site, to show the checks catch it (mutation testing):
// drop a barrier, or make a release store or an acquire load plain, in the named function only. The kernel-API
// layer (sched/sim_kernel.h) asks at each barrier and release whether it is the mutated one.
#pragma once
#include <cstdint>
#include <string>

#include "sim/access.h"

namespace hazsim {

enum class MutationKind : uint8_t { kNone, kDropMb, kDropWmb, kPlainRelease, kDropRmb, kPlainAcquire };
struct Mutation {
  MutationKind kind = MutationKind::kNone;
  std::string function;
  bool matches(const Site& site) const;  // the site is in `function`
};
// "drop-mb@FN", "drop-wmb@FN", "drop-rmb@FN", "plain-release@FN", "plain-acquire@FN" or "none".
bool parse_mutation(const std::string& s, Mutation* out);

}  // namespace hazsim
