// Memory as the kernel-API layer sees it: stores through the vCPU's store buffer and their drains
// (sim/memory_model.h), the heap and stack frames in the arena, and the checks of every address
// (KASAN-like) and of list nodes (CONFIG_DEBUG_LIST, made exact).
#include "sched/machine.h"

#include <array>
#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

void Machine::buffer_store(void* p, uint64_t bits, uint8_t size, bool release) {
  Cpu* c = running_cpu_;
  if (c->sb.n == StoreBuffer::kCapacity) drain_at(c, 0);  // a full buffer stalls until its oldest drains
  sbs_.push(c->sb, BufferedStore{p, bits, size, 0, c->curr->pid, step_, c->curr->last_site},
            release && cfg_.memory_model == MemoryModel::kPSO);
}

void Machine::forwarded_load(const void* p, void* out, size_t size) {
  StoreBuffer::Forward f = running_cpu_->sb.forward(p, out, size);
  if (f == StoreBuffer::Forward::kForwarded) return;
  if (f == StoreBuffer::Forward::kMustDrain) drain_all(running_cpu_);  // a partial overlap waits for the buffer
  std::memcpy(out, p, size);
}

void Machine::maybe_drain() {
  uint32_t v = decide(Choice::kDrain, sbs_.nonempty() + 1, running_cpu_->curr->last_site, CoverEvent::kDrain);
  if (v == 0) return;
  Cpu* target = nullptr;
  for (Cpu& c : cpus_)
    if (c.sb.n != 0 && --v == 0) {
      target = &c;
      break;
    }
  uint32_t idx = 0;
  if (cfg_.memory_model == MemoryModel::kPSO) {
    std::array<uint32_t, StoreBuffer::kCapacity> eligible;
    uint32_t ne = target->sb.drainable(&eligible);
    idx = eligible[decide(Choice::kDrainEntry, ne)];
  }
  ++n_drains_;
  drain_at(target, idx);
}

void Machine::drain_at(Cpu* c, uint32_t idx) {
  BufferedStore e = sbs_.take(c->sb, idx);
  log_.record(step_, now_, c->id, e.pid, AccessKind::kDrain, arena_.contains(e.addr) ? arena_.offset_of(e.addr) : 0,
              e.site);
  if (!arena_.contains(e.addr) || arena_.check(e.addr, e.size) != Shadow::kStatic) {
    if (!stop_)
      fail(arena_.contains(e.addr) ? Oracle::kUseAfterFree : Oracle::kWildAccess,
           fmt::format("a store buffered by cpu {} (pid {}, step {}) drained into {} ({})", c->id, e.pid, e.step,
                       arena_.contains(e.addr) ? shadow_name(arena_.check(e.addr, e.size)) : "non-simulated memory",
                       describe_addr(e.addr)),
           e.site);
    return;
  }
  if (e.addr == ghost_.watched()) ghost_.note_store_reaches_memory(e.addr, e.size, step_);
  std::memcpy(e.addr, &e.value, e.size);
}

void Machine::drain_all(Cpu* c) {
  while (c->sb.n != 0 && !(stop_ && failed_)) drain_at(c, 0);
}

bool Machine::bad_address(const void* addr, size_t size, const Site& site) {
  Task* t = current_task();
  std::string who = t ? fmt::format("{} on cpu {}", task_label(t), running_cpu_->id) : std::string("end-of-run check");
  if (!arena_.contains(addr)) {
    fail(Oracle::kWildAccess,
         fmt::format("wild access: {} touched {} bytes at {} outside simulated memory{}", who, size, addr,
                     (uintptr_t(addr) == 0x100 || uintptr_t(addr) == 0x122 || uintptr_t(addr) == 0x108 ||
                      uintptr_t(addr) == 0x12a)
                         ? " (a LIST_POISON value: the node was list_del'ed)"
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

std::string Machine::describe_addr(const void* p) const { return hazsim::describe_addr(arena_, p); }

void* Machine::kmalloc(size_t size, const char* what, Shadow kind) {
  Task* t = current_task();
  void* p = arena_.allocate(size, 8, kind, t ? t->pid : -1, step_, what);
  if (!p) fail(Oracle::kNoProgress, fmt::format("simulated memory exhausted allocating {} bytes for {}", size, what));
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
  if (!arena_.retire(p, Shadow::kFreedHeap, current_task() ? current_task()->pid : -1, step_))
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
  arena_.retire(p, Shadow::kDeadStack, current_task() ? current_task()->pid : -1, step_);
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
