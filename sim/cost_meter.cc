#include "sim/cost_meter.h"

#include <cstring>

namespace hazsim {

const SectionCost* CostTotals::find(const char* name) const {
  for (const auto& s : sections)
    if (std::strcmp(s.name, name) == 0) return &s;
  return nullptr;
}

void SetAssocCache::configure(uint32_t lines, uint32_t ways, bool hashed) {
  hashed_ = hashed;
  ways_ = std::max(ways, 1u);
  sets_ = std::max(lines / ways_, 1u);
  tags_.assign(size_t(sets_) * ways_, UINT32_MAX);
  used_.assign(tags_.size(), 0);
  clock_ = 0;
}

bool SetAssocCache::lookup(uint32_t line) {
  size_t base = set_of(line);
  for (size_t w = base; w < base + ways_; ++w)
    if (tags_[w] == line) {
      used_[w] = ++clock_;
      return true;
    }
  return false;
}

uint32_t SetAssocCache::insert(uint32_t line) {
  size_t base = set_of(line), victim = base;
  for (size_t w = base; w < base + ways_; ++w) {
    if (tags_[w] == UINT32_MAX) {
      victim = w;
      break;
    }
    if (used_[w] < used_[victim]) victim = w;
  }
  uint32_t evicted = tags_[victim];
  tags_[victim] = line;
  used_[victim] = ++clock_;
  return evicted;
}

bool SetAssocCache::contains(uint32_t line) const {
  size_t base = set_of(line);
  for (size_t w = base; w < base + ways_; ++w)
    if (tags_[w] == line) return true;
  return false;
}

void SetAssocCache::invalidate(uint32_t line) {
  size_t base = set_of(line);
  for (size_t w = base; w < base + ways_; ++w)
    if (tags_[w] == line) tags_[w] = UINT32_MAX;
}

void SetAssocCache::clear() {
  std::fill(tags_.begin(), tags_.end(), UINT32_MAX);
  std::fill(used_.begin(), used_.end(), 0);
}

// A line no other vCPU holds: from the LLC, or from memory when the LLC is bounded and lost it.
uint32_t CostMeter::from_llc(uint32_t line) {
  if (profile_.llc_lines == 0 || profile_.dram == 0) return profile_.llc_hit;
  if (!llc_.configured()) llc_.configure(profile_.llc_lines, profile_.llc_ways, true);
  if (llc_.lookup(line)) return profile_.llc_hit;
  llc_.insert(line);
  return profile_.dram;
}

// Capacity: a line L2 evicts leaves this vCPU (its copy written back if modified, so the next
// reader fetches it from the LLC), and L1 with it (L2 includes L1).
void CostMeter::fill_l2(int cpu, Private& pc, uint32_t line) {
  uint32_t evicted = pc.l2.insert(line);
  if (evicted == UINT32_MAX) return;
  pc.l1.invalidate(evicted);
  if (evicted < lines_.size()) drop(cpu, lines_[evicted]);
}

// The pair prefetcher: the other line of a fetched line's 128-byte pair comes into L2 too, shared,
// unless another vCPU holds it modified (a prefetch takes no line away). It costs the access nothing
// and counts as no miss.
void CostMeter::prefetch_pair(int cpu, Private& pc, uint32_t line) {
  if (line >= lines_.size()) lines_.resize(std::max(size_t(line) + 1, lines_.size() * 2));
  Line& l = lines_[line];
  if ((l.owner >= 0 && l.owner != cpu) || pc.l2.contains(line)) return;
  from_llc(line);
  fill_l2(cpu, pc, line);
  l.sharers.set(size_t(cpu));
}

uint32_t CostMeter::access(int cpu, uint64_t addr_off, bool is_store, uint64_t* misses, uint64_t* transfers) {
  auto me = size_t(cpu);
  if (me >= private_.size()) private_.resize(me + 1);
  Private& pc = private_[me];
  if (!pc.l2.configured()) {
    pc.l1.configure(profile_.l1_lines, profile_.l1_ways);
    pc.l2.configure(profile_.private_lines, profile_.private_ways);
    if (profile_.tlb_miss != 0) pc.tlb.configure(profile_.tlb_entries, profile_.tlb_ways);
  }
  uint32_t translate = 0;
  if (profile_.tlb_miss != 0 && profile_.tlb_page_bytes != 0) {  // (a parsed profile has both)
    auto page = uint32_t(addr_off / profile_.tlb_page_bytes);
    if (!pc.tlb.lookup(page)) {
      pc.tlb.insert(page);
      translate = profile_.tlb_miss;
    }
  }
  return translate + reach(cpu, pc, addr_off, is_store, misses, transfers);
}

uint32_t CostMeter::reach(int cpu, Private& pc, uint64_t addr_off, bool is_store, uint64_t* misses,
                          uint64_t* transfers) {
  auto line = uint32_t(addr_off / kCostLineBytes);
  if (line >= lines_.size()) [[unlikely]]
    lines_.resize(std::max(size_t(line) + 1, lines_.size() * 2));  // doubling: amortised, rare
  auto me = size_t(cpu);
  if (!pc.l2.lookup(line)) {
    fill_l2(cpu, pc, line);
    drop(cpu, lines_[line]);
    if (profile_.pair_prefetch != 0) prefetch_pair(cpu, pc, line ^ 1);
  }
  bool in_l1 = pc.l1.lookup(line);
  if (!in_l1) pc.l1.insert(line);
  uint32_t hit = in_l1 ? profile_.l1_hit : profile_.l2_hit;
  Line& l = lines_[line];
  if (l.owner == cpu || (!is_store && l.sharers.test(me))) return hit;
  bool others = l.owner >= 0 || (l.sharers.count() - (l.sharers.test(me) ? 1 : 0)) > 0;
  bool from_other = l.owner >= 0 || (is_store && others);
  uint32_t c;
  if (is_store && !others && l.sharers.test(me)) {
    c = hit;  // exclusive in this cache: a silent upgrade
  } else {
    c = from_other ? profile_.transfer : from_llc(line);
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

void CostMeter::flush() {
  for (auto& l : lines_) l = Line{};
  // The TLB keeps its pages: a cold start here is bench-native's, whose clflush of every line
  // leaves the translations alone.
  for (auto& pc : private_) pc.l1.clear(), pc.l2.clear();
  llc_.clear();
}

void CostMeter::reset() {
  lines_.clear();
  private_.clear();
  llc_ = SetAssocCache{};
}

}  // namespace hazsim
