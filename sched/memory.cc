// Memory as the kernel-API layer sees it: stores through the vCPU's store buffer and their drains
// (sim/memory_model.h), the heap and stack frames in the arena, and the checks of every address
// (KASAN-like) and of list nodes (CONFIG_DEBUG_LIST, made exact).
#include "sched/machine.h"

#include <array>
#include <fmt/format.h>

#include "kapi/types.h"
#include "oracles/describe.h"

namespace hazsim {

void Machine::reset_memory_model() {
  sbs_.reset();
  rcu_callbacks_.clear();  // a grace period does not outlive its run
  native_pending_ = NativePending{};
  static_regions_.clear();
  region_names_.clear();
  shared_stacks_ = false;
  holds_tracked_ = true;
  weak_ = cfg_.memory_model == MemoryModel::kWeak;
  if (weak_) {
    weak_mem_.reset(uint32_t(cfg_.cpus));
    open_loads_.reset(uint32_t(cfg_.cpus));
  }
}

void Machine::buffer_store(void* p, uint64_t bits, uint8_t size, bool release) {
  Cpu* c = running_cpu_;
  if (!static_regions_.empty() && on_task_stack(p)) [[unlikely]] {  // see set_shared_stacks()
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
    } else if (ghost_.lingering()) [[unlikely]] {
      ghost_.passed(c->curr, step_);  // a plain store of a release may overtake the reader's loads
    }
  }
  sbs_.push(c->sb, BufferedStore{p, bits, size, 0, slot, c->curr->pid, step_, c->curr->last_site},
            release && (cfg_.memory_model == MemoryModel::kPSO || weak_));
}

// A load under weak: from this vCPU's own buffer if it holds the location, else one of the
// messages the location's history still offers this vCPU (the stream chooses; 0 = the newest).
uint64_t Machine::weak_load_word(const void* p, size_t size, bool acquire) {
  uint64_t out = 0;
  Cpu* c = running_cpu_;
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
  if ((a & 7) + size > 8 || !arena_.contains(p)) {  // not a word of simulated memory: as it is
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
    k = decide(Choice::kReadFrom, o.n, c->curr->last_site, CoverEvent::kStale);
    uint64_t superseded = 0;
    got = weak_mem_.read(uint32_t(c->id), o, k, acquire, &superseded);
    // The hold dates from when the value it saw was still the newest (its Load A, for the ghost).
    if (k != 0 && p == ghost_.watched() && c->curr->watched_load >= superseded)
      c->curr->watched_load = superseded - 1;
  }
  std::memcpy(&out, reinterpret_cast<const char*>(&got) + (a & 7), size);
  if (size == 8 && o.n != 0) {
    const void* target = reinterpret_cast<const void*>(out);
    if (arena_.contains(target))
      if (const AllocInfo* ai = arena_.find(target)) {
        uintptr_t lo = uintptr_t(arena_.base() + ai->offset);
        weak_mem_.note_pointer(uint32_t(c->id), lo, lo + ai->size, a, o, k);
      }
  }
  return out;
}

void Machine::weak_rmw_observe(const void* p, bool acquire) {
  Cpu* c = running_cpu_;
  uint64_t ignored;
  if (c->sb.n != 0 && c->sb.forward(p, &ignored, 8) != StoreBuffer::Forward::kMemory)
    drain_all(c);  // an RMW not fenced before (relaxed, acquire) still follows c's own stores to p
  if (c->sb.n != 0 && c->sb.e[0].group != c->sb.group) {
    // Its store goes straight to memory: the stores an smp_wmb() or a release ordered before it
    // must be there first.
    while (c->sb.n != 0 && c->sb.e[0].group != c->sb.group && !(stop_ && failed_)) drain_at(c, 0);
    weak_mem_.order_point(uint32_t(c->id));
  }
  if (arena_.contains(p)) weak_mem_.observe_newest(uint32_t(c->id), uintptr_t(p) & ~uintptr_t(7), acquire);
}

void Machine::weak_rmw_write(void* p, uint64_t bits, size_t size, bool full) {
  uintptr_t a = uintptr_t(p), word = a & ~uintptr_t(7);
  if ((a & 7) + size > 8 || !arena_.contains(p)) {
    std::memcpy(p, &bits, size);
  } else {
    uint64_t before, after;
    std::memcpy(&before, reinterpret_cast<const void*>(word), 8);
    std::memcpy(p, &bits, size);
    std::memcpy(&after, reinterpret_cast<const void*>(word), 8);
    weak_mem_.commit_rmw(uint32_t(running_cpu_->id), word, before, after, full, step_);
  }
  if (full) {
    weak_mem_.fence_mb(uint32_t(running_cpu_->id));
    loads_ordered(running_cpu_);
  } else if (ghost_.lingering()) [[unlikely]] {
    ghost_.passed(running_cpu_->curr, step_);  // a relaxed RMW's store may overtake them too
  }
}

void Machine::drain_through_last_release(Cpu* c) {
  uint32_t last = 0;
  for (uint32_t i = 0; i < c->sb.n; ++i)
    if (c->sb.e[i].view_slot != WeakMemory::kNoSlot) last = i + 1;
  while (last-- > 0 && !(stop_ && failed_)) drain_at(c, 0);
}

void Machine::forwarded_load(const void* p, void* out, size_t size) {
  StoreBuffer::Forward f = running_cpu_->sb.forward(p, out, size);
  if (f == StoreBuffer::Forward::kForwarded) return;
  if (f == StoreBuffer::Forward::kMustDrain) drain_all(running_cpu_);  // a partial overlap waits for the buffer
  std::memcpy(out, p, size);
}

void Machine::maybe_drain(AccessKind kind) {
  if (reduced_store(kind)) return;
  uint32_t v = decide(Choice::kDrain, sbs_.nonempty() + 1, running_cpu_->curr->last_site, CoverEvent::kDrain);
  if (v == 0) return;
  Cpu* target = nullptr;
  for (Cpu& c : cpus_)
    if (c.sb.n != 0 && --v == 0) {
      target = &c;
      break;
    }
  uint32_t idx = 0;
  if (cfg_.memory_model == MemoryModel::kPSO || weak_) {
    std::array<uint32_t, StoreBuffer::kCapacity> eligible;
    uint32_t ne = target->sb.drainable(&eligible);
    idx = eligible[decide(Choice::kDrainEntry, ne)];
  }
  ++n_drains_;
  drain_at(target, idx);
}

void Machine::drain_at(Cpu* c, uint32_t idx) {
  BufferedStore e = sbs_.take(c->sb, idx);
  // A kernel object's global variable (a static region) is shared memory outside the arena: the
  // store reaches it, and under weak it is memory only (loads of it read memory).
  const bool region = !arena_.contains(e.addr) && static_region(e.addr, e.size) != nullptr;
  log_.record(step_, now_, c->id, e.pid, AccessKind::kDrain,
              arena_.contains(e.addr) ? arena_.offset_of(e.addr) : region ? outside_offset(e.addr) : 0, e.site);
  if (region) [[unlikely]] {
    if (e.view_slot != WeakMemory::kNoSlot) weak_mem_.free_slot(uint32_t(c->id), e.view_slot);
    std::memcpy(e.addr, &e.value, e.size);
    return;
  }
  if (!arena_.contains(e.addr) || arena_.check(e.addr, e.size) != Shadow::kStatic) {
    if (e.view_slot != WeakMemory::kNoSlot) weak_mem_.free_slot(uint32_t(c->id), e.view_slot);
    if (!stop_)
      fail(arena_.contains(e.addr) ? Oracle::kUseAfterFree : Oracle::kWildAccess,
           fmt::format("a store buffered by cpu {} (pid {}, step {}) drained into {} ({})", c->id, e.pid, e.step,
                       arena_.contains(e.addr) ? shadow_name(arena_.check(e.addr, e.size)) : "non-simulated memory",
                       describe_addr(e.addr)),
           e.site);
    return;
  }
  if (e.addr == ghost_.watched()) ghost_.note_store_reaches_memory(e.addr, e.size, step_);
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
  weak_mem_.commit(uint32_t(c->id), word, before, after, e.group, e.view_slot, step_);
}

void Machine::drain_rest() {
  if (!store_reduction_) {
    for (auto& c : cpus_) drain_all(&c);
    return;
  }
  while (sbs_.pending() != 0 && !failed_) {
    uint32_t v = decide(Choice::kDrain, sbs_.nonempty());
    Cpu* target = nullptr;
    for (Cpu& c : cpus_)
      if (c.sb.n != 0 && v-- == 0) {
        target = &c;
        break;
      }
    uint32_t idx = 0;
    if (cfg_.memory_model == MemoryModel::kPSO || weak_) {
      std::array<uint32_t, StoreBuffer::kCapacity> eligible;
      idx = eligible[decide(Choice::kDrainEntry, target->sb.drainable(&eligible))];
    }
    drain_at(target, idx);
  }
}

void Machine::drain_all(Cpu* c) {
  while (c->sb.n != 0 && !(stop_ && failed_)) drain_at(c, 0);
}

bool Machine::bad_address(const void* addr, size_t size, const Site& site) {
  Task* t = current_task();
  std::string who = t ? fmt::format("{} on cpu {}", task_label(t), running_cpu_->id) : std::string("end-of-run check");
  const uintptr_t a = uintptr_t(addr);
  // Through a list_del'ed node: a poison value, or 8 above it (the node's second field).
  const uintptr_t p1 = uintptr_t(kapi::LIST_POISON1), p2 = uintptr_t(kapi::LIST_POISON2);
  const bool list_poison = a == p1 || a == p2 || a == p1 + 8 || a == p2 + 8;
  if (a < kNullPage && !list_poison) {
    fail(Oracle::kNullDeref,
         fmt::format("BUG: kernel NULL pointer dereference, address: {:#018x}: {} touched {} bytes", a, who, size),
         site);
    return false;
  }
  if (!arena_.contains(addr)) {
    fail(Oracle::kWildAccess,
         fmt::format("wild access: {} touched {} bytes at {} outside simulated memory{}", who, size, addr,
                     list_poison ? " (a LIST_POISON value: the node was list_del'ed)"
                         : ""),
         site);
    return false;
  }
  Shadow s = arena_.check(addr, size);
  Oracle o = (s == Shadow::kFreedHeap || s == Shadow::kDeadStack) ? Oracle::kUseAfterFree : Oracle::kWildAccess;
  fail(o,
       fmt::format("{}: {} touched {} bytes of {} ({})",
                   s == Shadow::kFreedHeap   ? "use after free"
                   : s == Shadow::kDeadStack ? "use of a dead stack frame"
                                             : "out-of-bounds access",
                   who, size, shadow_name(s), describe_addr(addr)),
       site);
  return false;
}

std::string Machine::describe_addr(const void* p) const {
  if (const StaticRegion* r = static_region(p, 1)) [[unlikely]]
    return fmt::format("{}{}", r->name, uintptr_t(p) == r->lo ? std::string() : fmt::format("+{}", uintptr_t(p) - r->lo));
  return hazsim::describe_addr(arena_, p);
}

void Machine::add_static_region(void* p, size_t size, const char* name, bool stack) {
  static_regions_.push_back({uintptr_t(p), uintptr_t(p) + size, name, stack});
}

uint64_t Machine::outside_offset(const void* p) const {
  if (const StaticRegion* r = static_region(p, 1))
    return (uint64_t(r - static_regions_.data() + 1) << 48) | (r->stack ? 0 : uintptr_t(p) - r->lo);
  return uint64_t(uintptr_t(p));
}

void* Machine::kmalloc(size_t size, const char* what, Shadow kind, bool zero, const Site& site) {
  Task* t = current_task();
  bool reused = false;
  void* p = arena_.allocate(size, 8, kind, t ? t->pid : -1, step_, what, &reused, site);
  if (!p) {
    fail(Oracle::kNoProgress, fmt::format("simulated memory exhausted allocating {} bytes for {}", size, what));
    return p;
  }
  const bool poison = cfg_.poison_uninit && !zero;
  if (!reused && !poison) return p;  // fresh memory is zero
  // The allocator writes the object before handing it out (or leaves it to its poison); under
  // weak no vCPU may read what the object's previous life stored there: the fill is a message
  // every vCPU has (stronger than hardware, whose allocator's own ordering gives that).
  std::memset(p, poison ? 0x6b : 0, size);
  if (weak_ && reused) {
    for (uintptr_t w = uintptr_t(p) & ~uintptr_t(7); w < uintptr_t(p) + size; w += 8) {
      uint64_t now;
      std::memcpy(&now, reinterpret_cast<const void*>(w), 8);
      weak_mem_.overwritten(w, now, step_);
    }
  }
  return p;
}

void Machine::kfree(void* p, const Site& site) {
  if (p == nullptr || !access(AccessKind::kStore, nullptr, 0, site)) return;
  fence_full();  // the allocator's atomics; the freeing CPU's own stores precede the free
  const AllocInfo* a = arena_.find(p);
  if (a && a->offset == arena_.offset_of(p)) {
    if (const void* l = arena_.first_linked(p, a->size))
      fail(Oracle::kListCorruption,
           fmt::format("list corruption: kfree of {} while a list node in it (+{}) is still linked", describe_addr(p),
                       arena_.offset_of(l) - a->offset),
           site);
  }
  if (!arena_.retire(p, Shadow::kFreedHeap, current_task() ? current_task()->pid : -1, step_, site))
    fail(Oracle::kUseAfterFree, fmt::format("invalid or double kfree of {}", describe_addr(p)), site);
}

void Machine::stack_free(void* p, size_t size, const Site& site) {
  if (!stop_) {
    fence_full();  // the frame's own buffered stores precede its end
    if (const void* l = arena_.first_linked(p, size))
      report(Oracle::kListCorruption,
             fmt::format("list corruption: the frame of {} ends while its list node at +{} is still linked: {}",
                         describe_addr(p), arena_.offset_of(l) - arena_.offset_of(p),
                         current_task() ? task_label(current_task()) : ""),
             site);
  }
  arena_.retire(p, Shadow::kDeadStack, current_task() ? current_task()->pid : -1, step_, site);
}

bool Machine::list_add_valid(const void* node, const Site& site) {
  if (!arena_.contains(node)) return true;  // a wild node is reported by the access that follows
  if (arena_.linked(node)) {
    fail(Oracle::kListCorruption,
         fmt::format("list_add double add: {} is already on a list", describe_addr(node)), site);
    return false;
  }
  arena_.set_linked(node, true);
  return true;
}

bool Machine::list_del_valid(const void* node, const Site& site) {
  if (!arena_.contains(node)) return true;
  if (!arena_.linked(node)) {
    fail(Oracle::kListCorruption,
         fmt::format("list_del corruption: {} is not on a list", describe_addr(node)), site);
    return false;
  }
  arena_.set_linked(node, false);
  return true;
}

void Machine::native_access(const void* p, size_t size, bool store) {
  Cpu* c = running_cpu_;
  if (c == nullptr || cfg_.memory_model == MemoryModel::kSC) return;
  native_done();
  const uintptr_t a = uintptr_t(p);
  const bool in_word = size <= 8 && (a & 7) + size <= 8;
  if (on_task_stack(p)) return;  // never buffered, never reordered (see set_shared_stacks())
  if (!in_word) {
    // Too wide for a buffer entry or a message: ordered after this vCPU's buffered stores.
    if (c->sb.n != 0) drain_all(c);
    if (weak_ && !store && arena_.contains(p)) weak_mem_.observe_newest(uint32_t(c->id), a & ~uintptr_t(7), false);
    return;
  }
  if (store) {
    if (!in_simulated_memory(p)) return;
    native_pending_ = NativePending{uint32_t(size), true, a, 0};
    std::memcpy(&native_pending_.before, p, size);
    return;
  }
  uint64_t v = 0;
  if (weak_ && arena_.contains(p)) {
    if (p == ghost_.watched()) note_watched_load();
    v = weak_load_word(p, size, false);  // a choice of the stream, as a marked load's
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

void Machine::settle_native() {
  const NativePending np = native_pending_;
  native_pending_.n = 0;
  uint64_t bits = 0;
  std::memcpy(&bits, reinterpret_cast<const void*>(np.addr), np.n);  // what the C code stored, or was shown
  std::memcpy(reinterpret_cast<void*>(np.addr), &np.before, np.n);    // memory as it is
  if (np.store) buffer_store(reinterpret_cast<void*>(np.addr), bits, uint8_t(np.n), false);
}

}  // namespace hazsim
