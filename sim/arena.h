// Simulated memory: every object the designs share lives here, so that each access can be checked
// against its shadow state (live, freed, dead stack frame) and hashed by offset, which does not
// change between runs, builds or machines the way host addresses do.
//
// By default memory is never reused within a run: a freed object stays poisoned until the run
// ends, so a use after free is caught however late it comes. With reuse on (reset(quarantine) with
// quarantine >= 0), heap objects come in kmalloc's size classes, and a freed one waits in a FIFO
// quarantine (as KASAN's) until the bytes quarantined after it exceed `quarantine`; then the next
// allocation of its class takes it, as SLUB's freelists do, and an access through a stale pointer
// meets the new object.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/access.h"

namespace hazsim {

enum class Shadow : uint8_t {
  kUnallocated = 0,
  kStatic,     // per-CPU and global data of the design or workload
  kHeap,       // a live kmalloc'ed object
  kStack,      // a live on-stack frame object (e.g. an on-stack hazptr_ctx)
  kFreedHeap,  // kfree'd
  kDeadStack,  // its frame has ended
};

const char* shadow_name(Shadow s);

class FieldLayout;

struct AllocInfo {
  uint64_t offset = 0;
  uint32_t size = 0;
  int owner_pid = -1;  // task that allocated it
  uint64_t alloc_step = 0;
  uint64_t free_step = 0;  // when freed or when its frame ended
  int free_pid = -1;
  const char* what = "";
  Site alloc_site{};  // where it was allocated and freed (line 0: not known), as KASAN's stacks
  Site free_site{};
  // The C++ type it holds, if its allocator knew it (sim/field_layout.h), as elements of `stride`
  // bytes (a per-CPU variable's copies, a frame's array): reports name its fields.
  const FieldLayout* layout = nullptr;
  uint32_t stride = 0;
};

class Arena {
 public:
  static constexpr size_t kGranule = 8;

  explicit Arena(size_t capacity = size_t(256) << 20);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Forgets every allocation; shadow is cleared only over what the last run used. Freed heap
  // memory of the next run is reused once `quarantine_bytes` of later frees have passed it (0:
  // at once); negative: never (the default).
  void reset(int64_t quarantine_bytes = -1);

  bool reuses() const { return quarantine_ >= 0; }
  // The kmalloc size class of an object of `size` bytes: 8, 16, 32, 64, 96, 128, 192, 256, ...
  // (powers of two from 256 on), as SLUB's kmalloc caches.
  static size_t size_class(size_t size);

  // Returns `align`-aligned memory, zeroed unless it is a reused heap object (whose old contents
  // are still there: *reused says so), or nullptr when the arena is exhausted.
  void* allocate(size_t size, size_t align, Shadow kind, int pid, uint64_t step, const char* what,
                 bool* reused = nullptr, const Site& site = Site{});
  // Marks an allocation dead (kFreedHeap or kDeadStack). Returns false if p is not the start of a
  // live allocation of a matching kind.
  bool retire(void* p, Shadow dead_kind, int pid, uint64_t step, const Site& site = Site{});

  bool contains(const void* p) const {
    return static_cast<const char*>(p) >= base_ && static_cast<const char*>(p) < base_ + used_;
  }
  uint64_t offset_of(const void* p) const { return uint64_t(static_cast<const char*>(p) - base_); }

  // Shadow of the first granule of [p, p+n) that is not live, or kStatic if all are live.
  Shadow check(const void* p, size_t n) const {
    size_t g0 = offset_of(p) / kGranule;
    size_t g1 = (offset_of(p) + n - 1) / kGranule;
    for (size_t g = g0; g <= g1; ++g) {
      Shadow s = Shadow(shadow_[g]);
      if (s != Shadow::kStatic && s != Shadow::kHeap && s != Shadow::kStack) return s;
    }
    return Shadow::kStatic;
  }

  // The shadow of p's granule as it is (check() folds the live kinds into kStatic).
  Shadow shadow_at(const void* p) const { return Shadow(shadow_[offset_of(p) / kGranule]); }
  // The allocation containing p (live or dead), for reports; nullptr if none.
  const AllocInfo* find(const void* p) const;
  // The allocation starting at p holds objects of this layout, `stride` bytes apart.
  void set_layout(const void* p, const FieldLayout* layout, uint32_t stride) {
    if (AllocInfo* a = const_cast<AllocInfo*>(find(p)); a != nullptr && offset_of(p) == a->offset)
      a->layout = layout, a->stride = stride;
  }

  // Ghost bit per granule: "a list_head starting here is linked into a list".
  bool linked(const void* p) const { return linked_[offset_of(p) / kGranule] != 0; }
  void set_linked(const void* p, bool v) { linked_[offset_of(p) / kGranule] = v; }
  // First linked granule in [p, p+n), or nullptr.
  const void* first_linked(const void* p, size_t n) const;

  size_t used() const { return used_; }
  const char* base() const { return base_; }

 private:
  char* base_ = nullptr;
  size_t capacity_ = 0;
  size_t used_ = 0;
  uint8_t* shadow_ = nullptr;  // a Shadow per granule
  uint8_t* linked_ = nullptr;  // the list ghost bit per granule
  std::vector<AllocInfo> allocs_;  // sorted by offset (a bump pointer; a reused object keeps its entry)
  int64_t quarantine_ = -1;
  struct Quarantined {
    uint32_t alloc;  // index in allocs_
    uint32_t bytes;  // its size class
  };
  std::deque<Quarantined> quarantined_;  // oldest first
  int64_t quarantined_bytes_ = 0;
  std::vector<std::vector<uint32_t>> free_by_class_;  // past the quarantine, per class, last freed last
};

}  // namespace hazsim
