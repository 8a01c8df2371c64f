// Strategy `random`: every choice is drawn independently, with the probability its knob gives.
#pragma once
#include <cstdint>

#include "sim/choice.h"
#include "sim/prng.h"

namespace hazsim {

// Probabilities in parts per million, so they are exact in files and across machines.
struct RandomKnobs {
  uint32_t switch_ppm = 300000;   // chance the next access is another vCPU's
  uint32_t preempt_ppm = 3000;    // chance of preemption at a preemptible access
  uint32_t irq_ppm = 200000;      // chance a pending interrupt is delivered at an access
  uint32_t migrate_ppm = 100000;  // chance an enqueued task moves to another vCPU
  uint32_t drain_ppm = 200000;    // chance, at a step, that some buffered store drains (tso, pso, weak)
  uint32_t stale_ppm = 300000;    // weak: chance a load that may return an older value does
  bool stale_oldest = false;      // weak: such a load returns the oldest value it may (else any older one)
};

// Under weak, each run also opens an ordering window of its own, chosen by its seed: a barrier
// bug needs a store to stay buffered, or a load to see an old value, while another vCPU runs a
// whole scan, and the default knobs make both short. A quarter of the runs keep the defaults;
// the others keep stores buffered 20x longer, make loads return the oldest value they may, or
// both. (Only weak: the schedules of sc, tso and pso stay as they were.)
inline RandomKnobs with_ordering_window(RandomKnobs k, uint64_t seed) {
  uint64_t z = (seed + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;  // not seed % 4: portfolio uses that
  uint32_t w = uint32_t((z ^ (z >> 31)) >> 62);
  if (w & 1) k.drain_ppm /= 20;
  if (w & 2) k.stale_ppm = 900000, k.stale_oldest = true;
  return k;
}

// n >= 2. Inlined: at most call sites the kind is a constant and the switch folds away.
[[gnu::always_inline]] inline uint32_t random_choice(Prng& rng, const RandomKnobs& k, Choice c, uint32_t n) {
  switch (c) {
    case Choice::kCpu: return rng.chance_ppm(k.switch_ppm) ? 1 + rng.below(n - 1) : 0;
    case Choice::kIrq: return rng.chance_ppm(k.irq_ppm) ? 1 : 0;
    case Choice::kPreempt: return rng.chance_ppm(k.preempt_ppm) ? 1 : 0;
    case Choice::kMigrate: return rng.chance_ppm(k.migrate_ppm) ? 1 + rng.below(n - 1) : 0;
    case Choice::kDrain: return rng.chance_ppm(k.drain_ppm) ? 1 + rng.below(n - 1) : 0;
    case Choice::kDrainEntry: return rng.below(n);
    case Choice::kStall: return 0;  // only armed sites stall
    case Choice::kReadFrom:
      if (!rng.chance_ppm(k.stale_ppm)) return 0;
      return k.stale_oldest ? n - 1 : 1 + rng.below(n - 1);
  }
  return 0;
}

}  // namespace hazsim
