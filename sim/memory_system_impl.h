// The out-of-line half of the memory system (sim/memory_system.h): drains, weak loads, RMWs and
// kshim's native plain accesses. Included only where MemorySystem is instantiated for its host
// (sched/memory.cc).
#pragma once
#include <array>
#include <cstring>
#include <utility>

#include "sim/memory_system.h"

namespace hazsim {

template <class Host>
void MemorySystem<Host>::reset(MemoryModel model, size_t ncpus) {
  static_assert(MemoryHost<Host>);
  model_ = model;
  weak_ = model == MemoryModel::kWeak;
  cpus_.assign(ncpus, nullptr);
  sbs_.reset();
  native_pending_ = NativePending{};
  regions_.clear();
  n_drains_ = 0;
  if (weak_) {
    weak_mem_.reset(uint32_t(cpus_.size()));
    open_loads_.reset(uint32_t(cpus_.size()));
  }
}

template <class Host>
void MemorySystem<Host>::buffer_store(VCpu* c, void* p, uint64_t bits, uint8_t size, bool release) {
  if (!regions_.empty() && on_task_stack(p)) [[unlikely]] {  // see Machine::set_shared_stacks()
    std::memcpy(p, &bits, size);
    return;
  }
  if (c->sb.n == StoreBuffer::kCapacity) drain_at(c, 0);  // a full buffer stalls until its oldest drains
  uint8_t slot = WeakMemory::kNoSlot;
  if (weak_) {
    if (release) {
      if (c->sb.n == 0) weak_mem_.order_point(uint32_t(c->id));
      slot = weak_mem_.snapshot_release(uint32_t(c->id));
      loads_ordered(c);
    } else {
      host_.store_may_pass_loads(*c);  // a plain store of a release may overtake the reader's loads
    }
  }
  const StoreOrigin who = host_.origin(*c);
  sbs_.push(c->sb, BufferedStore{p, bits, size, 0, slot, who.pid, who.step, who.site},
            release && (model_ == MemoryModel::kPSO || weak_));
}

// A load under weak: from c's own buffer if it holds the location, else one of the messages the
// location's history still offers c (the stream chooses; 0 = the newest).
template <class Host>
uint64_t MemorySystem<Host>::weak_load_word(VCpu* c, const void* p, size_t size, bool acquire) {
  uint64_t out = 0;
  if (c == nullptr) {
    std::memcpy(&out, p, size);
    return out;
  }
  if (c->sb.n != 0) {
    StoreBuffer::Forward f = c->sb.forward(p, &out, size);
    if (f == StoreBuffer::Forward::kForwarded) return out;
    if (f == StoreBuffer::Forward::kMustDrain) drain_all(c);
  }
  uintptr_t a = uintptr_t(p), word = a & ~uintptr_t(7);
  if ((a & 7) + size > 8 || !has_history(p)) {  // not a word with a history: memory as it is
    std::memcpy(&out, p, size);
    return out;
  }
  if (!acquire) open_loads_.note(uint32_t(c->id), a);  // an acquire is ordered before what follows
  uint64_t mem;
  std::memcpy(&mem, reinterpret_cast<const void*>(word), 8);
  WeakMemory::Options o = weak_mem_.options(uint32_t(c->id), word, a, mem);
  uint64_t got = mem;
  uint32_t k = 0;
  if (o.n != 0) {
    k = host_.choose_at(*c, Choice::kReadFrom, o.n);
    uint64_t superseded = 0;
    got = weak_mem_.read(uint32_t(c->id), o, k, acquire, &superseded);
    // The hold dates from when the value it saw was still the newest (its Load A, for the ghost).
    if (k != 0 && p == host_.watched()) host_.watched_read_stale(*c, superseded);
  }
  std::memcpy(&out, reinterpret_cast<const char*>(&got) + (a & 7), size);
  if (size == 8 && o.n != 0) {
    const void* target = reinterpret_cast<const void*>(out);
    if (arena_.contains(target)) {
      if (const AllocInfo* ai = arena_.find(target)) {
        uintptr_t lo = uintptr_t(arena_.base() + ai->offset);
        weak_mem_.note_pointer(uint32_t(c->id), lo, lo + ai->size, a, o, k);
      }
    } else if (const StaticRegions::Region* r = regions_.find(target, 1); r != nullptr && !r->stack) {
      weak_mem_.note_pointer(uint32_t(c->id), r->lo, r->hi, a, o, k);  // a pointer to a global
    }
  }
  return out;
}

template <class Host>
void MemorySystem<Host>::weak_rmw_observe(VCpu* c, const void* p, bool acquire) {
  uint64_t ignored;
  if (c->sb.n != 0 && c->sb.forward(p, &ignored, 8) != StoreBuffer::Forward::kMemory)
    drain_all(c);  // an RMW not fenced before (relaxed, acquire) still follows c's own stores to p
  if (c->sb.n != 0 && c->sb.e[0].group != c->sb.group) {
    // Its store goes straight to memory: the stores an smp_wmb() or a release ordered before it
    // must be there first.
    while (c->sb.n != 0 && c->sb.e[0].group != c->sb.group && !host_.halted()) drain_at(c, 0);
    weak_mem_.order_point(uint32_t(c->id));
  }
  if (has_history(p)) weak_mem_.observe_newest(uint32_t(c->id), uintptr_t(p) & ~uintptr_t(7), acquire);
}

template <class Host>
void MemorySystem<Host>::weak_rmw_write(VCpu* c, void* p, uint64_t bits, size_t size, bool full) {
  uintptr_t a = uintptr_t(p), word = a & ~uintptr_t(7);
  if ((a & 7) + size > 8 || !has_history(p)) {
    std::memcpy(p, &bits, size);
  } else {
    uint64_t before, after;
    std::memcpy(&before, reinterpret_cast<const void*>(word), 8);
    std::memcpy(p, &bits, size);
    std::memcpy(&after, reinterpret_cast<const void*>(word), 8);
    weak_mem_.commit_rmw(uint32_t(c->id), word, before, after, full, host_.step());
  }
  if (full) {
    weak_mem_.fence_mb(uint32_t(c->id));
    loads_ordered(c);
  } else {
    host_.store_may_pass_loads(*c);  // a relaxed RMW's store may overtake them too
  }
}

template <class Host>
void MemorySystem<Host>::drain_through_last_release(VCpu* c) {
  uint32_t last = 0;
  for (uint32_t i = 0; i < c->sb.n; ++i)
    if (c->sb.e[i].view_slot != WeakMemory::kNoSlot) last = i + 1;
  while (last-- > 0 && !host_.halted()) drain_at(c, 0);
}

template <class Host>
void MemorySystem<Host>::forwarded_load(VCpu* c, const void* p, void* out, size_t size) {
  StoreBuffer::Forward f = c->sb.forward(p, out, size);
  if (f == StoreBuffer::Forward::kForwarded) return;
  if (f == StoreBuffer::Forward::kMustDrain) drain_all(c);  // a partial overlap waits for the buffer
  std::memcpy(out, p, size);
}

template <class Host>
uint32_t MemorySystem<Host>::drain_entry(const VCpu* c) {
  if (model_ != MemoryModel::kPSO && !weak_) return 0;  // tso: the oldest
  std::array<uint32_t, StoreBuffer::kCapacity> eligible;
  uint32_t ne = c->sb.drainable(&eligible);
  return eligible[host_.choose(Choice::kDrainEntry, ne)];
}

template <class Host>
void MemorySystem<Host>::maybe_drain(VCpu* c, AccessKind kind) {
  if (store_reduction_ && kind == AccessKind::kStore && model_ != MemoryModel::kSC) return;
  uint32_t v = host_.choose_at(*c, Choice::kDrain, sbs_.nonempty() + 1);
  if (v == 0) return;
  VCpu* target = nullptr;
  for (VCpu* t : cpus_)
    if (t->sb.n != 0 && --v == 0) {
      target = t;
      break;
    }
  uint32_t idx = drain_entry(target);
  ++n_drains_;
  drain_at(target, idx);
}

template <class Host>
bool MemorySystem<Host>::drain_chosen(VCpu* c) {
  uint32_t v = host_.choose_at(*c, Choice::kDrain, sbs_.nonempty() + 1);
  if (v == 0) return false;
  for (VCpu* t : cpus_)
    if (t->sb.n != 0 && --v == 0) {
      drain_oldest(t);
      break;
    }
  return true;
}

template <class Host>
void MemorySystem<Host>::drain_at(VCpu* c, uint32_t idx) {
  BufferedStore e = sbs_.take(c->sb, idx);
  // A kernel object's global variable (a static region) is shared memory outside the arena, with
  // no shadow: the store reaches it, and under weak it becomes a message as an arena store does.
  const bool in_arena = arena_.contains(e.addr);
  const bool region = !in_arena && regions_.find(e.addr, e.size) != nullptr;
  host_.drain_event(*c, e, in_arena ? arena_.offset_of(e.addr) : region ? regions_.outside_offset(e.addr) : 0);
  if (!region && (!in_arena || arena_.check(e.addr, e.size) != Shadow::kStatic)) {
    if (e.view_slot != WeakMemory::kNoSlot) weak_mem_.free_slot(uint32_t(c->id), e.view_slot);
    host_.drain_fault(*c, e);
    return;
  }
  if (e.addr == host_.watched()) host_.watched_store_reaches_memory(e.addr, e.size);
  if (!weak_) [[likely]] {
    std::memcpy(e.addr, &e.value, e.size);
    return;
  }
  uintptr_t a = uintptr_t(e.addr), word = a & ~uintptr_t(7);
  if ((a & 7) + e.size > 8) {
    std::memcpy(e.addr, &e.value, e.size);  // not word-aligned: memory only (loads then read memory)
    return;
  }
  uint64_t before, after;
  std::memcpy(&before, reinterpret_cast<const void*>(word), 8);
  std::memcpy(e.addr, &e.value, e.size);
  std::memcpy(&after, reinterpret_cast<const void*>(word), 8);
  weak_mem_.commit(uint32_t(c->id), word, before, after, e.group, e.view_slot, host_.step());
}

template <class Host>
void MemorySystem<Host>::drain_rest() {
  if (!store_reduction_) {
    for (VCpu* c : cpus_) drain_all(c);
    return;
  }
  while (sbs_.pending() != 0 && !host_.halted()) {
    uint32_t v = host_.choose(Choice::kDrain, sbs_.nonempty());
    VCpu* target = nullptr;
    for (VCpu* t : cpus_)
      if (t->sb.n != 0 && v-- == 0) {
        target = t;
        break;
      }
    drain_at(target, drain_entry(target));
  }
}

template <class Host>
void MemorySystem<Host>::drain_all(VCpu* c) {
  while (c->sb.n != 0 && !host_.halted()) drain_at(c, 0);
}

template <class Host>
void MemorySystem<Host>::refilled(void* p, size_t size) {
  if (!weak_) return;
  for (uintptr_t w = uintptr_t(p) & ~uintptr_t(7); w < uintptr_t(p) + size; w += 8) {
    uint64_t now;
    std::memcpy(&now, reinterpret_cast<const void*>(w), 8);
    weak_mem_.overwritten(w, now, host_.step());
  }
}

template <class Host>
void MemorySystem<Host>::native_access(VCpu* c, const void* p, size_t size, bool store) {
  const uintptr_t a = uintptr_t(p);
  const bool in_word = size <= 8 && (a & 7) + size <= 8;
  if (on_task_stack(p)) return;  // never buffered, never reordered (see Machine::set_shared_stacks())
  if (!in_word) {
    // Too wide for a buffer entry or a message: ordered after c's buffered stores.
    if (c->sb.n != 0) drain_all(c);
    if (weak_ && !store && has_history(p)) weak_mem_.observe_newest(uint32_t(c->id), a & ~uintptr_t(7), false);
    return;
  }
  if (store) {
    if (!in_simulated_memory(p)) return;
    native_pending_ = NativePending{uint32_t(size), true, a, 0};
    std::memcpy(&native_pending_.before, p, size);
    return;
  }
  uint64_t v = 0;
  if (weak_ && has_history(p)) {
    if (p == host_.watched()) host_.watched_load();
    v = weak_load_word(c, p, size, false);  // a choice of the stream, as a marked load's
  } else {
    if (c->sb.n == 0) return;
    StoreBuffer::Forward f = c->sb.forward(p, &v, size);
    if (f == StoreBuffer::Forward::kMemory) return;
    if (f == StoreBuffer::Forward::kMustDrain) {  // a partial overlap waits for the buffer
      drain_all(c);
      return;
    }
  }
  if (std::memcmp(p, &v, size) == 0) return;
  native_pending_ = NativePending{uint32_t(size), false, a, 0};
  std::memcpy(&native_pending_.before, p, size);
  std::memcpy(const_cast<void*>(p), &v, size);
}

template <class Host>
void MemorySystem<Host>::settle_native(VCpu* c) {
  const NativePending np = native_pending_;
  native_pending_.n = 0;
  uint64_t bits = 0;
  std::memcpy(&bits, reinterpret_cast<const void*>(np.addr), np.n);  // what the C code stored, or was shown
  std::memcpy(reinterpret_cast<void*>(np.addr), &np.before, np.n);    // memory as it is
  if (np.store) buffer_store(c, reinterpret_cast<void*>(np.addr), bits, uint8_t(np.n), false);
}

}  // namespace hazsim
