#include "sched/decisions.h"

namespace hazsim {

const char* strategy_name(StrategyKind k) {
  switch (k) {
    case StrategyKind::kRandom: return "random";
    case StrategyKind::kReplay: return "replay";
    case StrategyKind::kExplore: return "explore";
  }
  return "?";
}

bool strategy_from_name(const std::string& s, StrategyKind* out) {
  if (s == "random") {
    *out = StrategyKind::kRandom;
    return true;
  }
  if (s == "replay") {
    *out = StrategyKind::kReplay;
    return true;
  }
  return false;
}

}  // namespace hazsim
