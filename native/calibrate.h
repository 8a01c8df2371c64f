// hazsim calibrate: this host's constants for the cost model, measured natively (issue 14): the
// core clock, load-to-use latency at each level of the memory hierarchy (a pointer chase through a
// random cycle of lines, on 2 MiB pages), smp_mb(), a locked RMW, PAUSE, and a cache-line transfer
// between two CPUs. Written as a profile (sim/cost_profile.h reads it) that `hazsim compare
// --profile FILE` and `bench-native --model --profile FILE` use.
#pragma once
#include <string>

#include "native/host.h"

namespace hazsim::native {

struct Calibration {
  HostInfo host;
  double clock_ghz = 0;     // cycles per ns, from a chain of dependent adds
  double l1_hit = 0;        // cycles, load-to-use
  double l2_hit = 0;
  double llc_hit = 0;
  double dram = 0;
  double transfer = 0;      // a line another CPU holds modified (0: one online CPU)
  double full_fence = 0;    // smp_mb() as the kernel emits it
  double atomic = 0;        // a value-returning atomic on a line already held
  double pause = 0;         // cpu_relax()
  double issue_width = 0;   // independent L1-hit loads per cycle
  double store_forward = 0; // a load taking a buffered store's data
  size_t llc_bytes = 0;     // the LLC's size: the host's, or measured when it gives none
  bool llc_unclear = false; // no set past L2 chased faster than memory: llc_hit is memory's
  double tlb_miss = 0;      // cycles a load one per 4 KiB page pays beyond the same lines packed
  size_t tlb_entries = 0;   // the most 4 KiB pages a chase spans for under a quarter of tlb_miss
  double pair_ns = 0;       // cycles a load of a flushed line takes after its pair's other line
};

// Below this tlb_miss (cycles), translation is taken as free.
inline constexpr double kTlbMissFloor = 10;

// Measures; `quick` uses fewer and shorter rounds (the tests). Each figure is the median of its rounds.
Calibration calibrate(bool quick = false);
// The profile text: `key = value` lines with a comment on how each was measured.
std::string profile_text(const Calibration& c);

}  // namespace hazsim::native
