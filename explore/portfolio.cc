// Strategy `portfolio`, fuzz's default: no single strategy finds every kind of bug fastest
// (README "Strategies"), so consecutive seeds take turns.
#include "explore/strategy.h"

namespace hazsim {

const char* portfolio_member(uint64_t seed) {
  static constexpr const char* kMembers[] = {"random", "pct:2", "arm", "pct:3"};
  return kMembers[seed % (sizeof kMembers / sizeof kMembers[0])];
}

}  // namespace hazsim
