// Strategy `arm`: site arming in the manner of FoundationDB's BUGGIFY. Each run arms a random
// subset of sites (`arm_ppm` of them); at an armed site, preemptions, interrupt deliveries,
// migrations and drains fire with `fire_ppm`, elsewhere with the ordinary knobs, and the vCPU may
// stall (Choice::kStall). Which sites are armed depends only on the seed and the site's stable
// hash, so a replay of an arm run makes its stall choices at the same sites.
#pragma once
#include <cstdint>

#include "explore/random.h"

namespace hazsim {

class SiteArming {
 public:
  static constexpr uint32_t kStallChoices = 16;  // stalls of 2, 4, ... 32,768 steps

  void set(uint64_t seed, uint32_t arm_ppm, uint32_t fire_ppm) {
    salt_ = mix64(seed ^ 0x6172'6d65'6420'7369ull);
    arm_ppm_ = arm_ppm;
    fire_ppm_ = fire_ppm;
  }
  void clear() { arm_ppm_ = 0; }  // a machine runs many strategies in turn: nothing may stay
  bool on() const { return arm_ppm_ != 0; }
  bool armed(uint64_t site_hash) const { return mix64(site_hash ^ salt_) % 1000000 < arm_ppm_; }

  // A choice at an armed site (n >= 2); kStall's value is log-uniform over the lengths.
  uint32_t choice(Prng& rng, const RandomKnobs& knobs, Choice c, uint32_t n) const {
    if (c == Choice::kCpu || c == Choice::kDrainEntry) return random_choice(rng, knobs, c, n);
    // weak: an armed load returns the oldest value it is still allowed to see.
    if (c == Choice::kReadFrom) return rng.chance_ppm(fire_ppm_) ? n - 1 : random_choice(rng, knobs, c, n);
    return rng.chance_ppm(fire_ppm_) ? 1 + rng.below(n - 1) : 0;
  }

  static uint64_t mix64(uint64_t z) {  // splitmix64's finaliser
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t salt_ = 0;
  uint32_t arm_ppm_ = 0, fire_ppm_ = 0;
};

}  // namespace hazsim
