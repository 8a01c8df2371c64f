// The strategies by name.
#pragma once
#include <cstdint>
#include <string>

namespace hazsim {

enum class StrategyKind : uint8_t { kRandom, kReplay, kExplore, kPct, kBounded, kArm, kPortfolio, kKeyed, kDpor };

// "random", "replay", "pct:D" (D >= 1, the bug depth PCT targets), "bounded:K" (every schedule
// with at most K eventful choices), "arm" (site arming), "portfolio", "dpor" (every schedule,
// one per equivalence class: explore/dpor.h) or "dpor:K" (those with at most K preemptions);
// *depth is D or K (dpor: -1, no bound).
bool parse_strategy(const std::string& s, StrategyKind* out, int* depth);
// "dpor" or "dpor:K".
inline bool is_dpor_strategy(const std::string& s) { return s == "dpor" || s.rfind("dpor:", 0) == 0; }

// Strategy `portfolio` rotates strategies across runs: the one a run with this seed uses.
const char* portfolio_member(uint64_t seed);

}  // namespace hazsim
