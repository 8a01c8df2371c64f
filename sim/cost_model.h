// The cost model's constants, in CPU cycles, each with its source. They describe one x86-64 server
// socket (the designs' target; barriers as x86 implements them: smp_wmb()/smp_rmb(), release and
// acquire cost nothing beyond the access). Figures from published tables are rounded; the model
// is for comparing designs on the same machine, not for predicting absolute latencies.
#pragma once
#include <cstdint>

namespace hazsim::cost {

// Every access: the instruction itself, at about one per cycle.
inline constexpr uint32_t kInstruction = 1;
// Load or store to a line this vCPU already holds (L1 hit). Intel 64 and IA-32 Architectures
// Optimization Reference Manual (2023), Skylake microarchitecture: L1D load-to-use 4-5 cycles.
inline constexpr uint32_t kL1Hit = 4;
// A line no other vCPU holds modified: fetched from the shared last-level cache. Same manual,
// Skylake server L3 hit latency, rounded (about 40-70 depending on the slice; 40 taken).
inline constexpr uint32_t kLlcHit = 40;
// A line another vCPU holds modified, or a store to a line others share (read-for-ownership with
// invalidation): a cache-to-cache transfer on the same socket. David, Guerraoui and Trigonakis,
// "Everything You Always Wanted to Know About Synchronization but Were Afraid to Ask", SOSP 2013,
// Table 2 (Intel Xeon, same die, Modified state: about 109 cycles).
inline constexpr uint32_t kTransfer = 110;
// smp_mb(): MFENCE or a locked instruction. Agner Fog, Instruction tables (2022), Skylake MFENCE:
// about 33 cycles.
inline constexpr uint32_t kFullFence = 33;
// A value-returning atomic (xchg, cmpxchg, add_return) on a line already held. Agner Fog,
// Instruction tables, Skylake LOCK CMPXCHG / LOCK XADD: about 18 cycles.
inline constexpr uint32_t kAtomic = 18;
// cpu_relax(): PAUSE. Intel Optimization Reference Manual: about 140 cycles from Skylake on.
inline constexpr uint32_t kPause = 140;

inline constexpr uint32_t kLineBytes = 64;
// Lines a vCPU's private caches hold: Skylake-SP's 1 MiB L2 per core (same manual) = 16,384 lines,
// modelled direct-mapped (a line evicted by another that maps to its set is fetched again).
inline constexpr uint32_t kPrivateLines = 16384;

}  // namespace hazsim::cost
