// The cost meter as a run uses it (hazsim compare): whether it is on, the caches and lines
// (sim/cost_meter.h) and the totals, and what an access, a barrier or a lock costs the task that
// makes it, on that task's own core model (sim/core_timing.h). The machine checks on() before
// each call, so a run without costs pays one predictable branch.
#pragma once
#include <cstdint>

#include "sim/core_timing.h"
#include "sim/cost_meter.h"

namespace hazsim {

class CostAccount {
 public:
  bool on() const { return on_; }
  void set_on(bool on) { on_ = on; }
  void set_profile(const CostProfile& p) { meter_.set_profile(p); }
  const CostProfile& profile() const { return meter_.profile(); }
  const CostTotals& totals() const { return totals_; }
  void reset() {
    meter_.reset();
    totals_ = CostTotals{};
  }
  // Every cache emptied: what runs next starts cold (costbench's sync_cache = cold).
  void flush() { meter_.flush(); }

  // An access by vCPU `cpu` to the line at arena offset `off`: its latency as the caches and the
  // other vCPUs' copies give it, charged to the task's core (misses and transfers counted there).
  void access(CoreTiming& t, int cpu, uint64_t off, bool store, uint64_t* misses, uint64_t* transfers) {
    uint32_t latency = meter_.access(cpu, off, store, misses, transfers);
    if (store)
      t.store(profile(), latency, off);
    else
      t.load(profile(), latency, off);
  }
  // A task-list walk's link (tasks.next came from the previous task's link: a pointer chase);
  // returns the cycle its value is ready.
  uint64_t walk_link(CoreTiming& t, int cpu, uint64_t off, uint64_t* misses, uint64_t* transfers) {
    return t.walk_link(profile(), meter_.access(cpu, off, false, misses, transfers), off);
  }
  void instruction(CoreTiming& t) { t.instruction(profile()); }
  // What an access does beyond reaching its line: smp_mb(), a value-returning atomic, a PAUSE.
  void fence(CoreTiming& t) { t.full_barrier(profile(), profile().full_fence); }
  void atomic(CoreTiming& t) { t.full_barrier(profile(), profile().atomic); }
  void pause(CoreTiming& t) { t.stall(profile().pause); }
  // Accesses to words only this CPU or task touches, for the cost model only, no step: the
  // per-CPU __preempt_count, current->rcu_read_lock_nesting and its unlock-special test
  // (CONFIG_PREEMPT_RCU). The kernel updates them with one memory-destination instruction, which
  // cores run back to back without the forwarding latency a separate load and store pay
  // (measured on this repository's host: four in a row 4.6 cycles, where a load-add-store chain
  // takes 7 each), so each access is an issue slot only.
  void local_words(CoreTiming& t, unsigned accesses) {
    for (unsigned i = 0; i < accesses; ++i) t.instruction(profile());
  }
  void raw_lock(bool contended, uint64_t spin_cycles) {
    ++totals_.raw_lock_acquires;
    if (contended) ++totals_.raw_lock_contended, totals_.raw_lock_spin_cycles += spin_cycles;
  }
  void mutex_wait() { ++totals_.mutex_waits; }
  // A named section (a span) ended: its cycles, misses and transfers join its totals.
  void section(const char* name, uint64_t cycles, uint64_t misses, uint64_t transfers) {
    SectionCost* sc = nullptr;
    for (auto& s : totals_.sections)
      if (s.name == name) sc = &s;
    if (!sc) {
      totals_.sections.push_back(SectionCost{name});
      sc = &totals_.sections.back();
    }
    ++sc->count;
    sc->cycles += cycles;
    sc->misses += misses;
    sc->transfers += transfers;
  }

 private:
  bool on_ = false;
  CostMeter meter_;
  CostTotals totals_;
};

}  // namespace hazsim
