// A cost profile: the cost model's constants for one kind of machine, in core cycles, each with
// its source (issue 14). Named profiles are built in (sim/cost_profile.cc); `hazsim calibrate`
// writes one measured on the host, as `key = value  # how` lines, which load_cost_profile() reads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hazsim {

struct CostProfile {
  std::string name;
  double clock_ghz = 0;         // for turning cycles into ns (0: not known)
  uint32_t instruction = 1;     // cycles per issue group
  uint32_t issue_width = 1;     // accesses issued per cycle (out of order; 1 in sequence)
  uint32_t l1_hit = 0;          // load-to-use latency of each level
  uint32_t l2_hit = 0;
  uint32_t llc_hit = 0;
  uint32_t dram = 0;            // 0: the last-level cache is unbounded and memory never reached
  uint32_t transfer = 0;        // a line another CPU holds modified, or a store to a line others share
  uint32_t full_fence = 0;      // smp_mb() beyond its wait for earlier accesses
  uint32_t atomic = 0;          // a value-returning atomic, beyond its wait
  uint32_t pause = 0;           // cpu_relax()
  uint32_t store_forward = 0;   // a load taking a buffered store's data (out of order only)
  uint32_t l1_lines = 0, l1_ways = 0;            // the private levels, set-associative, LRU
  uint32_t private_lines = 0, private_ways = 0;  // (L2, inclusive of L1)
  uint32_t llc_lines = 0, llc_ways = 0;          // shared; 0 lines: unbounded
  bool out_of_order = false;    // independent accesses overlap (core_timing.h); false: in sequence
  uint32_t window = 0;          // cycles an out-of-order core runs ahead of an incomplete load
  uint32_t pair_prefetch = 0;   // 1: a line L2 fetches brings the other line of its 128-byte pair
  // Address translation: a per-CPU TLB of tlb_entries pages of tlb_page_bytes, tlb_ways-way; a
  // miss adds tlb_miss cycles to the access (a page walk). tlb_miss 0: translation is free.
  uint32_t tlb_entries = 0, tlb_ways = 0, tlb_page_bytes = 0, tlb_miss = 0;
  // A passive task's task_struct, bytes: its list link and design fields sit inside it
  // (kapi/task_struct_layout.h), so a walk spans as many pages as the kernel's. 0: each on a
  // line of its own, packed.
  uint32_t task_struct_bytes = 0;
};

// The least task_struct_bytes a profile may give (other than 0).
inline constexpr uint32_t kMinTaskStructBytes = 2048;

// The profile hazsim compare uses unless told otherwise.
const CostProfile& default_cost_profile();
// The built-in profiles' names, for help and errors.
std::vector<std::string> cost_profile_names();
// A built-in profile's name, or a profile file (hazsim calibrate's format); false with *err one
// line naming the problem (FILE:LINE for a bad line).
bool load_cost_profile(const std::string& name_or_file, CostProfile* out, std::string* err);
// A profile file's text (`name` for messages); load_cost_profile() reads the file and calls it.
bool parse_cost_profile(const std::string& text, const std::string& name, CostProfile* out, std::string* err);
// The profile as a file would give it (every key): parse_cost_profile() reads it back the same.
std::string cost_profile_text(const CostProfile& p);

}  // namespace hazsim
