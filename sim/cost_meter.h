// The cost meter: cycles per vCPU and per task under sim/cost_model.h, with a cache-line model
// (an owner holding a line modified, or a set of vCPUs sharing it, per 64-byte line of simulated
// memory), and totals per named section (the spans the workloads and schedule() mark). Off unless
// a workload asks for it (hazsim compare): fuzzing does not pay for it.
#pragma once
#include <array>
#include <algorithm>
#include <bitset>
#include <climits>
#include <cstdint>
#include <vector>

#include "sim/cost_model.h"

namespace hazsim {

inline constexpr int kCostMaxCpus = 256;

struct SectionCost {
  const char* name = nullptr;  // the span's name (pointer identity: names are literals)
  uint64_t count = 0;
  uint64_t cycles = 0;
  uint64_t misses = 0;  // lines fetched: from the LLC or from another vCPU
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

class CostMeter {
 public:
  // Cycles one access by `cpu` costs (line state updated); addr_off is the arena offset.
  uint32_t access(int cpu, uint64_t addr_off, bool is_store, uint64_t* misses, uint64_t* transfers) {
    size_t line = size_t(addr_off / cost::kLineBytes);
    if (line >= lines_.size()) [[unlikely]]
      lines_.resize(std::max(line + 1, lines_.size() * 2));  // doubling: amortised, rare
    Line& l = lines_[line];
    uint32_t c = cost::kInstruction;
    auto me = size_t(cpu);
    // Capacity: the vCPU's private cache keeps one line per set; one mapped there since was
    // evicted (its copy written back if modified, so the next reader fetches it from the LLC).
    if (size_t(cpu) >= tags_.size()) tags_.resize(size_t(cpu) + 1);
    auto& tags = tags_[size_t(cpu)];
    if (tags.empty()) tags.assign(cost::kPrivateLines, UINT32_MAX);
    uint32_t& tag = tags[line % cost::kPrivateLines];
    if (tag != uint32_t(line)) {
      if (tag != UINT32_MAX && tag < lines_.size()) evict(cpu, lines_[tag]);
      tag = uint32_t(line);
      if (l.owner == cpu) l.owner = -1;
      l.sharers.reset(me);
    }
    if (l.owner == cpu || (!is_store && l.sharers.test(me))) return c + cost::kL1Hit;
    bool others = l.owner >= 0 || (l.sharers.count() - (l.sharers.test(me) ? 1 : 0)) > 0;
    bool from_other = l.owner >= 0 || (is_store && others);
    if (is_store && !others && l.sharers.test(me)) {
      c += cost::kL1Hit;  // exclusive in this cache: a silent upgrade
    } else {
      c += from_other ? cost::kTransfer : cost::kLlcHit;
      ++*misses;
      if (from_other) ++*transfers;
    }
    if (is_store) {
      l.owner = int16_t(cpu);
      l.sharers.reset();
    } else {
      if (l.owner >= 0) l.sharers.set(size_t(l.owner));
      l.owner = -1;
      l.sharers.set(me);
    }
    return c;
  }
  void reset() {
    lines_.clear();
    for (auto& t : tags_) std::fill(t.begin(), t.end(), UINT32_MAX);
  }

 private:
  struct Line {
    int16_t owner = -1;  // vCPU holding it modified, or -1
    std::bitset<kCostMaxCpus> sharers;
  };
  static void evict(int cpu, Line& l) {
    if (l.owner == cpu) l.owner = -1;
    l.sharers.reset(size_t(cpu));
  }

  std::vector<Line> lines_;
  std::vector<std::vector<uint32_t>> tags_;  // per vCPU: the line held in each set
};

}  // namespace hazsim
