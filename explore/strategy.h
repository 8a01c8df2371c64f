// The strategies by name.
#pragma once
#include <cstdint>
#include <string>

namespace hazsim {

enum class StrategyKind : uint8_t { kRandom, kReplay, kExplore, kPct, kBounded, kArm, kPortfolio, kKeyed, kDpor };

// "random", "replay", "pct:D" (D >= 1, the bug depth PCT targets), "bounded:K" (every schedule
// with at most K eventful choices), "arm" (site arming), "portfolio" or "dpor" (every schedule,
// one per equivalence class: explore/dpor.h); *depth is D or K.
bool parse_strategy(const std::string& s, StrategyKind* out, int* depth);

// Strategy `portfolio` rotates strategies across runs: the one a run with this seed uses.
const char* portfolio_member(uint64_t seed);

}  // namespace hazsim
