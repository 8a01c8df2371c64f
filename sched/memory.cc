// Memory as the kernel sees it, over the hardware's memory system (sim/memory_system.h, whose
// host the machine is): the heap and stack frames in the arena, and the checks of every address
// (KASAN-like) and of list nodes (CONFIG_DEBUG_LIST, made exact).
#include "sched/machine.h"

#include <fmt/format.h>

#include "sim/memory_system_impl.h"

#include "kapi/types.h"
#include "oracles/describe.h"

namespace hazsim {

template class MemorySystem<MachineMemoryHost>;

void Machine::reset_memory_model() {
  mem_.reset(cfg_.memory_model, cpus_.size());
  for (size_t i = 0; i < cpus_.size(); ++i) mem_.set_cpu(i, &cpus_[i]);
  rcu_callbacks_.clear();  // a grace period does not outlive its run
  shared_stacks_ = false;
  holds_tracked_ = true;
}

void MachineMemoryHost::drain_fault(const VCpu& c, const BufferedStore& e) {
  if (m_.stop_) return;
  const Arena& arena = m_.arena_;
  m_.fail(arena.contains(e.addr) ? Oracle::kUseAfterFree : Oracle::kWildAccess,
          fmt::format("a store buffered by cpu {} (pid {}, step {}) drained into {} ({})", c.id, e.pid, e.step,
                      arena.contains(e.addr) ? shadow_name(arena.check(e.addr, e.size)) : "non-simulated memory",
                      m_.describe_addr(e.addr)),
          e.site);
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
  if (const StaticRegions::Region* r = mem_.regions().find(p, 1)) [[unlikely]]
    return fmt::format("{}{}", StaticRegions::label(*r),
                       uintptr_t(p) == r->lo ? std::string() : fmt::format("+{}", uintptr_t(p) - r->lo));
  return hazsim::describe_addr(arena_, p);
}

void* Machine::kmalloc(size_t size, const char* what, Shadow kind, bool zero, const Site& site) {
  Task* t = current_task();
  bool reused = false;
  void* p = arena_.allocate(size, 8, kind, t ? t->pid : -1, step_, what, &reused, site);
  if (!p) {
    fail(Oracle::kNoProgress, fmt::format("simulated memory exhausted allocating {} bytes for {}", size, what));
    return p;
  }
  if (dpor_) [[unlikely]]
    dpor_touch(p, size);
  const bool poison = cfg_.poison_uninit && !zero;
  if (!reused && !poison) return p;  // fresh memory is zero
  // The allocator writes the object before handing it out (or leaves it to its poison); under
  // weak no vCPU may read what the object's previous life stored there: the fill is a message
  // every vCPU has (stronger than hardware, whose allocator's own ordering gives that).
  std::memset(p, poison ? 0x6b : 0, size);
  if (reused) mem_.refilled(p, size);
  return p;
}

void Machine::kfree(void* p, const Site& site) {
  if (p == nullptr || !draining_access(AccessKind::kStore, site)) return;
  fence_full();  // the allocator's atomics; the freeing CPU's own stores precede the free
  if (dpor_) [[unlikely]] {
    const AllocInfo* b = arena_.find(p);
    dpor_touch(p, b ? b->size : 1);
  }
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
  if (dpor_) [[unlikely]]
    dpor_touch(p, size);
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

}  // namespace hazsim
