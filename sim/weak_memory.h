// The `weak` memory model's state beyond the store buffers: what each vCPU has seen of memory.
//
// The hardware it stands for is the "store buffers + invalidate queues" machine of McKenney's
// "Memory Barriers: a Hardware View for Software Hackers", made as weak as arm64 and POWER and
// the LKMM allow. Stores wait in the vCPU's store buffer and leave it as under pso. A store that
// leaves the buffer becomes a *message* of its location (a word of simulated memory): the
// location's messages are its coherence order, and memory holds the newest. Another vCPU takes
// the invalidation late: until something orders it, its loads of that location may still return
// an older message, so two vCPUs can see two stores in different orders (IRIW) and loads to
// different locations are satisfied out of order (MP without smp_rmb()). Which message a load
// returns is a decision of the stream (Choice::kReadFrom, 0 = the newest).
//
// What a vCPU must see is kept as views: vectors with one entry per writing vCPU, "every store of
// vCPU w up to its n-th to reach memory". A message carries the view its writer's barriers gave
// it; a load may return a message only if no newer message of the location is in the loading
// vCPU's view, and never one older than its last access to that location (coherence).
//   - reading a message adds what it carries to `pend`; smp_rmb() moves `pend` into `cur`;
//   - smp_load_acquire() moves what its own message carries into `cur`;
//   - smp_store_release() carries everything the vCPU has seen or read (`cur`, `obs`) and its
//     own earlier stores (A-cumulative); smp_wmb() makes later stores carry the earlier ones;
//   - smp_mb() drains the buffer; then every store that has propagated to the vCPU (what it has
//     read, and what those messages carried) propagates to every vCPU: it joins `forced`, the
//     stores earlier strong fences pushed everywhere, and `cur` becomes that whole set, which
//     later stores carry. Not every store that has reached memory: a store that reached memory
//     before the one this vCPU overwrote, in a chain it never read, may still be unseen
//     (Z6.0+release+acqrel+mb, which the LKMM allows). fence_sync() does take every one;
//   - a load through a pointer read from memory (an address dependency) sees at least what the
//     message holding the pointer carried, for every access to the object it points into.
// Where this is stronger than the LKMM, README.md ("The weak memory model") says so; it is
// never weaker.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hazsim {

class WeakMemory {
 public:
  static constexpr uint32_t kHistory = 4;   // messages kept per location; older ones are gone
  static constexpr uint32_t kDeps = 8;      // pointers remembered per vCPU for address dependencies
  static constexpr uint32_t kSlots = 32;    // release views of buffered stores per vCPU (= buffer size)
  static constexpr uint8_t kNoSlot = 0xff;

  void reset(uint32_t ncpus);

  // The messages vCPU c may read at `word` (8-aligned): the newest `n` of the location, newest
  // first. n == 0: the location has no history (memory is the only answer). `addr` is the
  // address actually loaded, for address dependencies; `mem` the word memory holds now.
  struct Options {
    uint32_t loc = 0;
    uint32_t n = 0;
    uint32_t newest = 0;  // coherence index of option 0
  };
  Options options(uint32_t c, uintptr_t word, uintptr_t addr, uint64_t mem);
  // c reads option k of o: coherence moves on, what the message carries is pended (or, for an
  // acquire, applied). Returns the word; *superseded_step is the step at which the message was
  // overwritten in memory (0 for the newest).
  uint64_t read(uint32_t c, const Options& o, uint32_t k, bool acquire, uint64_t* superseded_step);
  // The word just read by c holds a pointer into [lo, hi): loads from there depend on it.
  void note_pointer(uint32_t c, uintptr_t lo, uintptr_t hi, uintptr_t addr_loaded, const Options& o, uint32_t k);

  // A store of vCPU c reaches memory at `word`: `before` is what memory held, `after` what it
  // holds now. `group` is its store-buffer group, `slot` its release view (kNoSlot: none).
  void commit(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, uint32_t group, uint8_t slot,
              uint64_t step);
  // An RMW's store (it reads and writes the newest message at once). `full`: a value-returning
  // atomic, after smp_mb(); otherwise an acquiring one (a lock), which orders nothing before it.
  void commit_rmw(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, bool full, uint64_t step);
  // smp_wmb() or a release store with c's buffer empty: every earlier store of c has reached
  // memory, and the stores that follow carry them (with stores buffered, the group does this).
  void order_point(uint32_t c) { lower_seq_[c] = gseq_[c]; }
  // smp_store_release(): the view the store carries, kept until it drains.
  uint8_t snapshot_release(uint32_t c);
  // A buffered release that will never reach memory (it drained into freed memory) gives its
  // view slot back.
  void free_slot(uint32_t c, uint8_t slot) { free_slots_[c] |= 1u << slot; }
  // smp_mb() (after the buffer drained), and the end of a fully ordered RMW: the LKMM's strong
  // fence (see the comment at the top).
  void fence_mb(uint32_t c);
  // Every store that has reached memory becomes visible to c (stronger than any fence of the
  // LKMM): for an RCU grace period, where every CPU has passed a quiescent state with its full
  // barriers, and for csd_lock_wait()'s waiter, which sees what the handler's CPU wrote.
  void fence_sync(uint32_t c);
  void fence_rmb(uint32_t c) { join(view(c, kCur), view(c, kPend)); }
  // An RMW read the newest message of `word`: coherence moves on; for an acquiring one (a lock)
  // what the message carries applies to c's later accesses.
  void observe_newest(uint32_t c, uintptr_t word, bool acquire);

  // Memory at `word` was written behind the stores' back (set-up code, or the allocator filling
  // a reused object) and holds `value`: a message every vCPU has, older ones unreadable.
  void overwritten(uintptr_t word, uint64_t value, uint64_t step);

  // Whether stores of other vCPUs have reached memory that c has not taken yet: invalidations are
  // pending on c, and its loads may return older values (design-line coverage reports it).
  bool behind(uint32_t c) const {
    const uint32_t* cur = &cpu_views_[(size_t(c) * kCpuViews + kCur) * n_];
    for (uint32_t i = 0; i < n_; ++i)
      if (i != c && cur[i] < gseq_[i]) return true;
    return false;
  }

  // A spin-wait hint (cpu_relax()): the line the vCPU spins on catches up with memory, as the
  // invalidation a real spinner waits for arrives. Coherence only: no other location is ordered.
  void catch_up_last_load(uint32_t c) {
    uint32_t l = last_load_[c];
    if (l < locs_.size()) floors(l)[c] = locs_[l].newest;
  }


 private:
  struct Msg {
    uint64_t word = 0;
    uint64_t step = 0;   // when it reached memory
    uint32_t seq = 0;    // the writer's n-th store to reach memory
    int32_t writer = -1;  // -1: before the run or outside it (everyone has it)
  };
  struct Loc {
    uintptr_t word = 0;
    uint32_t newest = 0;  // coherence index of the newest message; index i lives in msgs[i % kHistory]
    uint32_t table_slot = 0;
    std::array<Msg, kHistory> msgs{};
  };
  struct Dep {
    uintptr_t lo = 0, hi = 0;
  };
  enum CpuView : uint32_t { kCur, kPend, kObs, kFence, kCpuViews };

  uint32_t* view(uint32_t c, CpuView v) { return &cpu_views_[(size_t(c) * kCpuViews + v) * n_]; }
  uint32_t* slot_view(uint32_t c, uint32_t s) { return &slot_views_[(size_t(c) * kSlots + s) * n_]; }
  uint32_t* dep_view(uint32_t c, uint32_t d) { return &dep_views_[(size_t(c) * kDeps + d) * n_]; }
  uint32_t* floors(uint32_t loc) { return &loc_views_[size_t(loc) * (kHistory + 1) * n_]; }
  uint32_t* msg_view(uint32_t loc, uint32_t cidx) { return floors(loc) + (1 + cidx % kHistory) * n_; }
  void join(uint32_t* into, const uint32_t* from) {
    for (uint32_t i = 0; i < n_; ++i)
      if (from[i] > into[i]) into[i] = from[i];
  }
  uint32_t find(uintptr_t word) const;  // loc index, or UINT32_MAX
  uint32_t create(uintptr_t word, uint64_t mem);
  void overwrite(uint32_t loc, uint64_t value, uint64_t step);
  // Adds c's message `after` to the location (created with `before` if new); returns its view.
  uint32_t* append(uint32_t c, uintptr_t word, uint64_t before, uint64_t after, uint64_t step);
  const uint32_t* dep_for(uint32_t c, uintptr_t addr);

  uint32_t n_ = 0;
  std::vector<uint32_t> cpu_views_, slot_views_, dep_views_, loc_views_;
  std::vector<uint32_t> gseq_;        // stores of each vCPU that reached memory
  std::vector<uint32_t> forced_;      // stores a strong fence has propagated to every vCPU
  std::vector<uint32_t> drain_group_, lower_seq_;  // per vCPU: the group draining, and the stores before it
  std::vector<uint32_t> free_slots_;  // per vCPU bitmask
  std::vector<Dep> deps_;             // per vCPU, kDeps each
  std::vector<uint32_t> dep_next_;
  std::vector<uint32_t> last_load_;  // per vCPU: the location of its last load from history
  std::vector<Loc> locs_;
  std::vector<uint32_t> table_;       // open addressing: loc index + 1, 0 = empty
};

}  // namespace hazsim
