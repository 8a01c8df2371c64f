// The memory system of the simulated hardware: what a load returns and where a store waits under
// the run's memory model (sim/memory_model.h), for every vCPU. It owns the store buffers' counts,
// the weak model's message histories (sim/weak_memory.h) and open loads (sim/open_loads.h), and
// the shared memory outside the arena (sim/static_regions.h); it reads and writes the arena's
// memory and checks a drained store's target against its shadow.
//
// It is hardware: it chooses nothing and reports nothing itself. Its host (the machine, which
// runs the kernel on top) makes every choice through the decision stream and turns a store that
// drains into freed memory into a report; the host also watches ordering points for the ghost
// state (a hold whose release a plain store overtook). The host is a template parameter, so each
// of those calls is a direct, inlinable call on the step's path, never a virtual one.
//
// The hot operations are inline here; the rest (drains, weak loads, RMWs, kshim's native plain
// accesses) are in sim/memory_system_impl.h, instantiated once for the machine (sched/memory.cc).
#pragma once
#include <concepts>
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/access.h"
#include "sim/arena.h"
#include "sim/choice.h"
#include "sim/memory_model.h"
#include "sim/open_loads.h"
#include "sim/static_regions.h"
#include "sim/vcpu.h"
#include "sim/weak_memory.h"

namespace hazsim {

// Who made a buffered store, for the report of a drain that goes wrong.
struct StoreOrigin {
  int pid;
  uint64_t step;
  Site site;
};

// What the memory system asks of the machine above it.
template <class H>
concept MemoryHost = requires(H& h, const H& ch, VCpu& c, const BufferedStore& e, Choice k, uint32_t n,
                              const void* p, uint64_t u) {
  // A choice among n of the decision stream (0 without a draw when n < 2), with no site attached
  // (which entry of a buffer drains) ...
  { h.choose(k, n) } -> std::same_as<uint32_t>;
  // ... and one about an event at the site of the task running on c (whether a buffer drains,
  // which message a load reads), which coverage and arming see.
  { h.choose_at(c, k, n) } -> std::same_as<uint32_t>;
  // The run has failed and is stopping: drains that a fence would wait for stop too.
  { ch.halted() } -> std::same_as<bool>;
  { ch.step() } -> std::same_as<uint64_t>;
  // Who makes a store that c buffers now (its task, step and site), for a drain's report.
  { ch.origin(c) } -> std::same_as<StoreOrigin>;
  // A buffered store of c leaves its buffer (recorded as `where`, see outside_offset()).
  h.drain_event(c, e, u);
  // ... into memory that is not live (freed, a dead frame, a redzone) or not simulated at all.
  h.drain_fault(c, e);
  // ... into the published pointer the ghost state watches (GhostHolds::watched()).
  { ch.watched() } -> std::same_as<const void*>;
  h.watched_load();  // the running task loads it (its Load A, if the hold follows)
  h.watched_store_reaches_memory(p, n);
  // Under weak: a load of the watched pointer on c read a message that `u` superseded.
  h.watched_read_stale(c, u);
  // Under weak: c's open loads were ordered before its later accesses (a barrier) ...
  h.loads_ordered(c);
  // ... or a plain store (or a relaxed RMW) of c may become visible before them.
  h.store_may_pass_loads(c);
};

template <class Host>
class MemorySystem {
 public:
  MemorySystem(Host& host, Arena& arena) : host_(host), arena_(arena) {}

  // A new run: buffers empty, histories new, no regions; `ncpus` vCPUs, each given by set_cpu()
  // before the run (the vector keeps its storage from run to run).
  void reset(MemoryModel model, size_t ncpus);
  void set_cpu(size_t i, VCpu* c) { cpus_[i] = c; }
  MemoryModel model() const { return model_; }
  bool weak() const { return weak_; }
  // Litmus exhaustion: a buffered store needs no drain choice of its own
  // (Machine::set_store_reduction()).
  void set_store_reduction(bool on) { store_reduction_ = on; }
  bool store_reduction() const { return store_reduction_; }

  // --- loads and stores of a marked or plain access, c the running vCPU (nullptr outside a run) ---
  template <class T>
  T load(VCpu* c, const T* p) {
    static_assert(sizeof(T) <= 8);
    if (p == host_.watched()) [[unlikely]]
      host_.watched_load();
    if (weak_) [[unlikely]]
      return weak_load(c, p, false);
    if (c == nullptr || c->sb.n == 0) [[likely]]
      return *p;
    T v;
    forwarded_load(c, p, &v, sizeof(T));
    return v;
  }
  // smp_load_acquire(): under weak, what the message read carries applies to every later access.
  template <class T>
  T load_acquire(VCpu* c, const T* p) {
    if (!weak_) [[likely]]
      return load(c, p);
    if (p == host_.watched()) [[unlikely]]
      host_.watched_load();
    return weak_load(c, p, true);
  }
  template <class T>
  void store(VCpu* c, T* p, T v, bool release) {
    static_assert(sizeof(T) <= 8);
    if (model_ == MemoryModel::kSC || c == nullptr) [[likely]] {
      if (p == host_.watched()) [[unlikely]]
        host_.watched_store_reaches_memory(p, uint32_t(sizeof(T)));
      *p = v;
      return;
    }
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    buffer_store(c, p, bits, sizeof(T), release);
  }
  // A store under tso, pso or weak waits in c's buffer. Not one to a task stack (a stack region):
  // the host's own writes to a stack (calls, spills) go straight to memory, and a buffered store
  // draining after its frame died would overwrite them. So a store to a task stack reaches memory
  // at once, maybe before c's earlier buffered stores to other locations (a store-store
  // reordering the LKMM allows without a barrier, and x86 does not: under tso that is weaker than
  // the hardware); loads of it are never reordered.
  void buffer_store(VCpu* c, void* p, uint64_t bits, uint8_t size, bool release);

  // --- barriers and atomics ---
  // smp_mb(), RMW atomics, locks: c's buffered stores reach memory, and under weak smp_mb() is
  // the LKMM's strong fence (WeakMemory::fence_mb()).
  void fence_full(VCpu* c) {
    if (c == nullptr) return;
    if (c->sb.n != 0) drain_all(c);
    if (weak_) [[unlikely]] {
      weak_mem_.fence_mb(uint32_t(c->id));
      loads_ordered(c);
    }
  }
  // What a grace period or a waited-for IPI gives c under weak: every store in memory.
  void fence_sync(VCpu* c) {
    if (weak_) {
      weak_mem_.fence_sync(uint32_t(c->id));
      loads_ordered(c);
    }
  }
  // smp_wmb(): under pso and weak, later stores may not drain before earlier ones.
  void fence_wmb(VCpu* c) {
    if (c == nullptr) return;
    if (weak_) [[unlikely]] {
      if (c->sb.n == 0) weak_mem_.order_point(uint32_t(c->id));
      loads_ordered(c);  // stronger than the LKMM: see sim/open_loads.h
    }
    c->sb.order_later_stores();
  }
  // smp_rmb(): under weak, later loads see what earlier loads' messages carried.
  void fence_rmb(VCpu* c) {
    if (weak_ && c != nullptr) [[unlikely]] {
      weak_mem_.fence_rmb(uint32_t(c->id));
      loads_ordered(c);  // stronger than the LKMM: see sim/open_loads.h
    }
  }
  // Before an acquiring RMW (a lock): a full barrier, except under weak, where only the stores
  // up to c's last release (an unlock) must reach memory first (po-unlock-lock-po).
  void fence_lock(VCpu* c) {
    if (!weak_) [[likely]]
      return fence_full(c);
    if (c != nullptr) {
      drain_through_last_release(c);
      loads_ordered(c);  // stronger than the LKMM: see sim/open_loads.h
    }
  }
  // The read half of an RMW at p (which reads the newest value): coherence moves on, and for an
  // acquiring RMW what that value's store carried applies to later accesses.
  void rmw_observe(VCpu* c, const void* p, bool acquire) {
    if (weak_ && c != nullptr) [[unlikely]]
      weak_rmw_observe(c, p, acquire);
  }
  // The write half of an RMW. `full`: a value-returning atomic, ordered both ways.
  template <class T>
  void rmw_write(VCpu* c, T* p, T v, bool full) {
    if (!weak_ || c == nullptr) [[likely]] {
      *p = v;
      return;
    }
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    weak_rmw_write(c, p, bits, sizeof(T), full);
  }
  // cpu_relax(): under weak, the location c spins on shows the newest value next.
  void spin_hint(VCpu* c) {
    if (weak_ && c != nullptr) [[unlikely]]
      weak_mem_.catch_up_last_load(uint32_t(c->id));
  }
  // Under weak: c's open loads are ordered before its later accesses.
  void loads_ordered(VCpu* c) {
    open_loads_.close(uint32_t(c->id));
    host_.loads_ordered(*c);
  }

  // --- drains ---
  uint32_t pending() const { return sbs_.pending(); }  // buffered stores over all vCPUs
  // At a step of the running vCPU c (pending() != 0): maybe one buffered store of some vCPU
  // drains, as the stream chooses; none for a store under store reduction.
  void maybe_drain(VCpu* c, AccessKind kind);
  void drain_all(VCpu* c);
  // MachineConfig::drains_first: at a step, before the vCPU choice, whether one more buffered store
  // drains (a choice: 0 = none, else 1 + the index of its vCPU among those with stores).
  bool drain_chosen(VCpu* c);
  void drain_oldest(VCpu* target) {  // target's next store to drain (pso, weak: a choice)
    uint32_t idx = drain_entry(target);
    ++n_drains_;
    drain_at(target, idx);
  }
  // Whether a store of [p, p+size) by a vCPU waits in its buffer (else it reaches memory at once).
  bool store_buffered(const void* p, size_t size) const {
    return model_ != MemoryModel::kSC && !on_task_stack(p) && size <= 8 && (uintptr_t(p) & 7) + size <= 8;
  }
  void drain_rest();  // at the end of the run, in an order the stream chooses under reduction
  uint64_t drains() const { return n_drains_; }  // the drains the stream chose this run

  // --- memory the allocator hands out again ---
  // Under weak, the bytes [p, p+size) were just overwritten by the allocator (a reused object):
  // no vCPU may read what the object's previous life stored there.
  void refilled(void* p, size_t size);

  // --- kshim's plain accesses of instrumented C on host memory ---
  // A plain access of instrumented kernel C (kshim/) that the C code makes itself, on host memory,
  // right after access() let it through: what it reads and writes must be what the model allows.
  // Both sides use the same trick: no step of anyone comes between the access and the C code's
  // next call into the machine (native_done()), so memory may hold, for that moment, what this
  // vCPU alone should see. A load of up to a word reads what a marked load would (its own buffered
  // store, or under weak an older message the stream chooses): memory shows that value until
  // native_done() restores it. A store of up to a word waits in the store buffer like a marked
  // one: at native_done() memory gets its old bytes back and the value is buffered. A wider access
  // drains the buffer first and reads or writes memory.
  // Called under tso, pso and weak only, after native_done(); c is not nullptr.
  void native_access(VCpu* c, const void* p, size_t size, bool store);
  // The C code called into the machine again: memory shows what the model has (a plain store
  // goes into c's buffer).
  void native_done(VCpu* c) {
    if (native_pending_.n != 0) [[unlikely]]
      settle_native(c);
  }

  // --- shared memory outside the arena ---
  StaticRegions& regions() { return regions_; }
  const StaticRegions& regions() const { return regions_; }
  bool in_simulated_memory(const void* p) const { return arena_.contains(p) || regions_.find(p, 1) != nullptr; }
  bool on_task_stack(const void* p) const { return !arena_.contains(p) && regions_.on_stack(p); }
  // Whether the weak model keeps a history of the word at p: shared simulated memory, the arena's
  // and a loaded object's globals. A task stack is memory only (its loads are never reordered).
  bool has_history(const void* p) const {
    if (arena_.contains(p)) return true;
    const StaticRegions::Region* r = regions_.find(p, 1);
    return r != nullptr && !r->stack;
  }

  // The weak model's state, for coverage's line contexts and the ghost's open-load check.
  const WeakMemory& weak_memory() const { return weak_mem_; }
  const OpenLoads& open_loads() const { return open_loads_; }

 private:
  template <class T>
  T weak_load(VCpu* c, const T* p, bool acquire) {
    uint64_t w = weak_load_word(c, p, sizeof(T), acquire);
    T v;
    std::memcpy(&v, &w, sizeof(T));
    return v;
  }
  uint64_t weak_load_word(VCpu* c, const void* p, size_t size, bool acquire);
  void forwarded_load(VCpu* c, const void* p, void* out, size_t size);
  void weak_rmw_observe(VCpu* c, const void* p, bool acquire);
  void weak_rmw_write(VCpu* c, void* p, uint64_t bits, size_t size, bool full);
  void drain_through_last_release(VCpu* c);
  void drain_at(VCpu* c, uint32_t idx);
  void settle_native(VCpu* c);
  uint32_t drain_entry(const VCpu* c);  // which of c's entries drains next (pso, weak: a choice)

  Host& host_;
  Arena& arena_;
  MemoryModel model_ = MemoryModel::kSC;
  bool weak_ = false;  // model_ == kWeak
  bool store_reduction_ = false;
  std::vector<VCpu*> cpus_;
  StoreBuffers sbs_;
  WeakMemory weak_mem_;
  OpenLoads open_loads_;  // under weak: loads not yet ordered before later stores
  StaticRegions regions_;
  uint64_t n_drains_ = 0;
  // A native plain access memory does not show as the model has it yet (native_access()): a store
  // not yet in the store buffer, or the value a load was shown in place of memory's.
  struct NativePending {
    uint32_t n = 0;  // its size; 0: none
    bool store = false;
    uintptr_t addr = 0;
    uint64_t before = 0;  // memory's bytes
  } native_pending_;
};

}  // namespace hazsim
