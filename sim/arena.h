// Simulated memory: every object the designs share lives here, so that each access can be checked
// against its shadow state (live, freed, dead stack frame) and hashed by offset, which does not
// change between runs, builds or machines the way host addresses do.
//
// Memory is never reused within a run: a freed object stays poisoned until the run ends, so a
// use after free is caught however late it comes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

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

struct AllocInfo {
  uint64_t offset = 0;
  uint32_t size = 0;
  int owner_pid = -1;  // task that allocated it
  uint64_t alloc_step = 0;
  uint64_t free_step = 0;  // when freed or when its frame ended
  int free_pid = -1;
  const char* what = "";
};

class Arena {
 public:
  static constexpr size_t kGranule = 8;

  explicit Arena(size_t capacity = size_t(256) << 20);
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Forgets every allocation; shadow is cleared only over what the last run used.
  void reset();

  // Returns zeroed, `align`-aligned memory, or nullptr when the arena is exhausted.
  void* allocate(size_t size, size_t align, Shadow kind, int pid, uint64_t step, const char* what);
  // Marks an allocation dead (kFreedHeap or kDeadStack). Returns false if p is not the start of a
  // live allocation of a matching kind.
  bool retire(void* p, Shadow dead_kind, int pid, uint64_t step);

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

  // The allocation containing p (live or dead), for reports; nullptr if none.
  const AllocInfo* find(const void* p) const;

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
  std::vector<AllocInfo> allocs_;  // sorted by offset (allocation is a bump pointer)
};

}  // namespace hazsim
