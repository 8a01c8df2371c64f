#include "sched/decisions.h"

namespace hazsim {

bool parse_strategy(const std::string& s, StrategyKind* out, int* depth) {
  *depth = 1;
  if (s == "random") {
    *out = StrategyKind::kRandom;
    return true;
  }
  if (s == "replay") {
    *out = StrategyKind::kReplay;
    return true;
  }
  if (s.rfind("pct:", 0) == 0 && s.size() > 4 && s.size() <= 6) {
    int d = 0;
    for (char c : s.substr(4)) {
      if (c < '0' || c > '9') return false;
      d = d * 10 + (c - '0');
    }
    if (d < 1 || d > 100) return false;
    *out = StrategyKind::kPct;
    *depth = d;
    return true;
  }
  return false;
}

}  // namespace hazsim
