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
};

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
    case Choice::kReadFrom: return rng.chance_ppm(k.stale_ppm) ? 1 + rng.below(n - 1) : 0;
  }
  return 0;
}

}  // namespace hazsim
