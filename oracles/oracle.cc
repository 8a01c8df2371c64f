#include "oracles/oracle.h"

namespace hazsim {

namespace {
struct Named {
  Oracle o;
  const char* name;
};
constexpr Named kNames[] = {
    {Oracle::kNone, "none"},
    {Oracle::kUseAfterFree, "use-after-free"},
    {Oracle::kWildAccess, "wild-access"},
    {Oracle::kSyncReturnedEarly, "sync-returned-early"},
    {Oracle::kPipeCount, "pipe-count"},
    {Oracle::kWarn, "warn"},
    {Oracle::kNoProgress, "no-progress"},
    {Oracle::kDeadlock, "deadlock"},
    {Oracle::kListCorruption, "list-corruption"},
    {Oracle::kLeak, "leak"},
    {Oracle::kSleepInAtomic, "sleep-in-atomic"},
    {Oracle::kPreemptImbalance, "preempt-imbalance"},
    {Oracle::kSyncNotPreemptible, "sync-not-preemptible"},
    {Oracle::kNullDeref, "null-deref"},
    {Oracle::kStackOverflow, "stack-overflow"},
    {Oracle::kLockup, "lockup"},
};
}  // namespace

const char* oracle_name(Oracle o) {
  for (const auto& n : kNames)
    if (n.o == o) return n.name;
  return "?";
}

std::string Failure::function() const {
  auto open = site.rfind(" (");
  if (open == std::string::npos || site.empty() || site.back() != ')') return "";
  return site.substr(open + 2, site.size() - open - 3);
}

std::string Failure::callers() const {
  std::string func = function(), below = chain;
  while (!func.empty() && (below == func || below.rfind(func + " < ", 0) == 0))
    below = below == func ? std::string() : below.substr(func.size() + 3);
  return below;
}

}  // namespace hazsim
