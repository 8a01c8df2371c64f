// How a task's cycles advance under the cost model: in sequence (each access pays its latency
// before the next issues, the model hazsim had first), or out of order, as the cores the kernel
// runs on execute (issue 14):
//   - every access takes an issue slot (issue_width of them a cycle); a load's latency runs
//     alongside what follows it, so independent loads overlap (memory-level parallelism), up to
//     the reorder window;
//   - a load or store whose address comes from an earlier load (an address dependency: within a
//     few hundred bytes of a pointer value a recent load returned) starts when that load is done,
//     so a pointer chase pays its latencies in sequence;
//   - stores retire into the store buffer; their misses complete in the background, in order; a
//     load of a word stored lately waits for the stored data plus the forwarding latency;
//   - smp_mb() and value-returning atomics wait for every earlier load and store, then pay their
//     own cost (x86's locked instructions drain the store buffer).
// A section's time is taken when its loads are done (settle()).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "sim/cost_profile.h"

namespace hazsim {

class CoreTiming {
 public:
  uint64_t now() const { return issue_; }
  // The time once every load issued so far is done (a span's end waits for its own work).
  uint64_t settle() {
    issue_ = std::max(issue_, loads_done_);
    return issue_;
  }

  // An access to no memory the model tracks: its issue slot only.
  void instruction(const CostProfile& p) { advance(p); }

  void load(const CostProfile& p, uint32_t latency, uint64_t addr) { load_after(p, latency, addr, 0); }

  // A load whose address is also known only at `ready` (when the load it came from is done).
  void load_after(const CostProfile& p, uint32_t latency, uint64_t addr, uint64_t ready) {
    if (!p.out_of_order) {
      issue_ += p.instruction + latency;
      last_load_done_ = issue_;
      return;
    }
    uint64_t done = std::max({issue_, ready_for(addr), ready}) + latency;
    // A load of a word this task stored lately takes the store's data: it waits for that data
    // and the forwarding (so `x++; x--;` through memory is a chain, as refscale's loops are).
    for (const auto& f : forwards_)
      if (f.word == addr / 8) done = std::max(done, f.data_ready + p.store_forward);
    advance(p);
    if (done > issue_ + p.window) issue_ = done - p.window;  // the window is full: issue waits
    loads_done_ = std::max(loads_done_, done);
    last_load_done_ = done;
  }

  void store(const CostProfile& p, uint32_t latency, uint64_t addr) {
    if (!p.out_of_order) {
      issue_ += p.instruction + latency;
      return;
    }
    uint64_t start = std::max(issue_, ready_for(addr));
    // The value stored may come from the last load (read-modify-write through memory).
    forwards_[next_forward_++ % forwards_.size()] = {addr / 8, std::max(issue_, last_load_done_)};
    advance(p);
    // A store whose line is in L1 commits from the store buffer in a cycle: L1's figure is a
    // load's load-to-use, which a committing store does not wait for. A miss waits for its line.
    uint32_t commit = latency <= p.l1_hit ? 1 : latency;
    stores_done_ = std::max(stores_done_, start + commit);  // drains in order behind earlier stores
  }

  // smp_mb() or a locked RMW: earlier loads and stores complete first, then `cost`.
  void full_barrier(const CostProfile& p, uint32_t cost) {
    if (p.out_of_order) issue_ = std::max({issue_, loads_done_, stores_done_});
    issue_ += cost;
    loads_done_ = stores_done_ = issue_;
  }

  // Cycles in which nothing else issues (PAUSE).
  void stall(uint32_t cycles) { issue_ += cycles; }

  // The last load returned a pointer into tracked memory (`addr`, an arena offset): accesses
  // through it depend on that load.
  void pointer_loaded(uint64_t addr) { pointer_ready(addr, last_load_done_); }
  void pointer_ready(uint64_t addr, uint64_t ready) {
    ptrs_[next_ptr_++ % ptrs_.size()] = {addr, ready};
  }
  // The completion of the last load (a walk chains its links through it).
  uint64_t last_load_done() const { return last_load_done_; }
  // A link of a list walk: its address came from the previous link's load, so the links are a
  // chain of latencies; returns when this one is done (what is reached through it waits for it).
  uint64_t walk_link(const CostProfile& p, uint32_t latency, uint64_t addr) {
    load_after(p, latency, addr, chain_);
    chain_ = last_load_done_;
    return chain_;
  }

 private:
  // One access's issue slot: `issue_width` accesses share a cycle (a superscalar core's load and
  // store ports); in sequence, each takes `instruction` cycles.
  void advance(const CostProfile& p) {
    if (++slot_ < p.issue_width) return;
    slot_ = 0;
    issue_ += p.instruction;
  }

  // How far from a pointer an access still goes through it: container_of() offsets and the
  // fields of the structure it points into.
  static constexpr uint64_t kBefore = 256, kAfter = 512;

  uint64_t ready_for(uint64_t addr) const {
    uint64_t ready = 0;
    for (const auto& p : ptrs_)
      if (addr + kBefore >= p.addr && addr < p.addr + kAfter) ready = std::max(ready, p.ready);
    return ready;
  }

  struct Ptr {
    uint64_t addr = UINT64_MAX / 4;  // far from every arena offset until set
    uint64_t ready = 0;
  };
  uint64_t issue_ = 0, loads_done_ = 0, stores_done_ = 0, last_load_done_ = 0, chain_ = 0;
  std::array<Ptr, 8> ptrs_{};
  unsigned next_ptr_ = 0;
  struct Forward {
    uint64_t word = UINT64_MAX;
    uint64_t data_ready = 0;
  };
  std::array<Forward, 8> forwards_{};
  unsigned next_forward_ = 0;
  uint32_t slot_ = 0;
};

}  // namespace hazsim
