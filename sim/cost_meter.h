// The cost meter: which level of the memory hierarchy serves each access, under a cost profile
// (sim/cost_profile.h). Per 64-byte line of simulated memory: the vCPU holding it modified, or
// the vCPUs sharing it. Per vCPU: a private L1 inside a private L2, set-associative with LRU (and
// the pair prefetcher, and a TLB, when the profile has them);
// shared: a last-level cache (unbounded, or set-associative with memory behind it). Totals per
// named section (the spans the workloads and schedule() mark). Off unless a workload asks for it
// (hazsim compare): fuzzing does not pay for it. How the latencies turn into a task's cycles is
// sim/core_timing.h's.
#pragma once
#include <algorithm>
#include <bitset>
#include <climits>
#include <cstdint>
#include <vector>

#include "sim/cost_profile.h"

namespace hazsim {

inline constexpr int kCostMaxCpus = 256;
inline constexpr uint32_t kCostLineBytes = 64;

struct SectionCost {
  const char* name = nullptr;  // the span's name (pointer identity: names are literals)
  uint64_t count = 0;
  uint64_t cycles = 0;
  uint64_t misses = 0;  // lines fetched: from the LLC, memory or another vCPU
  uint64_t transfers = 0;
};

struct CostTotals {
  std::vector<SectionCost> sections;
  uint64_t raw_lock_acquires = 0;
  uint64_t raw_lock_contended = 0;       // acquisitions that found the lock held
  uint64_t raw_lock_spin_cycles = 0;     // cycles spent waiting for held raw spinlocks
  uint64_t mutex_waits = 0;              // times a mutex_lock() slept
  const SectionCost* find(const char* name) const;
};

// A set-associative cache of line numbers with LRU replacement. Its set is the line number modulo
// the sets, as a core's private caches index them; `hashed`, a hash of the line number, as Intel's
// last-level cache picks a slice from a hash of the address bits (Maurice et al., "Reverse
// Engineering Intel Last-Level Cache Complex Addressing Using Performance Counters", RAID 2015),
// so that objects at a power-of-two stride do not all fall into a few sets.
class SetAssocCache {
 public:
  void configure(uint32_t lines, uint32_t ways, bool hashed = false);
  bool configured() const { return !tags_.empty(); }
  // True if present (and now most recently used).
  bool lookup(uint32_t line);
  bool contains(uint32_t line) const;  // as lookup(), leaving the LRU order alone
  // Puts a line in; returns the line it evicted, or UINT32_MAX.
  uint32_t insert(uint32_t line);
  void invalidate(uint32_t line);
  void clear();

 private:
  size_t set_of(uint32_t line) const {
    if (!hashed_) return size_t(line % sets_) * ways_;
    uint32_t h = line;  // MurmurHash3's finaliser: every bit of the line moves every bit of h
    h ^= h >> 16, h *= 0x85ebca6bu, h ^= h >> 13, h *= 0xc2b2ae35u, h ^= h >> 16;
    return size_t(h % sets_) * ways_;
  }
  uint32_t sets_ = 0, ways_ = 0, clock_ = 0;
  bool hashed_ = false;
  std::vector<uint32_t> tags_, used_;
};

class CostMeter {
 public:
  void set_profile(const CostProfile& p) { profile_ = p; }
  const CostProfile& profile() const { return profile_; }
  // The latency of one access by `cpu` (line states updated); addr_off is the arena offset.
  uint32_t access(int cpu, uint64_t addr_off, bool is_store, uint64_t* misses, uint64_t* transfers);
  // Every cache empty and no line held: the next accesses come from memory (a cold start). The
  // TLB stays as it was.
  void flush();
  void reset();

 private:
  struct Line {
    int16_t owner = -1;  // vCPU holding it modified, or -1
    std::bitset<kCostMaxCpus> sharers;
  };
  struct Private {
    SetAssocCache l1, l2;
    SetAssocCache tlb;  // pages, when the profile prices translation
  };
  static void drop(int cpu, Line& l) {
    if (l.owner == cpu) l.owner = -1;
    l.sharers.reset(size_t(cpu));
  }
  uint32_t from_llc(uint32_t line);
  uint32_t reach(int cpu, Private& pc, uint64_t addr_off, bool is_store, uint64_t* misses, uint64_t* transfers);
  void fill_l2(int cpu, Private& pc, uint32_t line);
  void prefetch_pair(int cpu, Private& pc, uint32_t line);

  CostProfile profile_ = default_cost_profile();
  std::vector<Line> lines_;
  std::vector<Private> private_;  // per vCPU
  SetAssocCache llc_;
};

}  // namespace hazsim
