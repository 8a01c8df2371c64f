#include "explore/strategy.h"

#include <tuple>

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
  if (s == "arm") {
    *out = StrategyKind::kArm;
    return true;
  }
  if (s == "dpor") {
    *out = StrategyKind::kDpor;
    *depth = -1;
    return true;
  }
  if (s == "portfolio") {
    *out = StrategyKind::kPortfolio;
    return true;
  }
  for (auto [prefix, kind, min] : {std::tuple{"pct:", StrategyKind::kPct, 1}, std::tuple{"bounded:", StrategyKind::kBounded, 0},
                                    std::tuple{"dpor:", StrategyKind::kDpor, 0}}) {
    std::string pre = prefix;
    if (s.rfind(pre, 0) != 0 || s.size() <= pre.size() || s.size() > pre.size() + 3) continue;
    int d = 0;
    for (char c : s.substr(pre.size())) {
      if (c < '0' || c > '9') return false;
      d = d * 10 + (c - '0');
    }
    if (d < min || d > 100) return false;
    *out = kind;
    *depth = d;
    return true;
  }
  return false;
}

}  // namespace hazsim
