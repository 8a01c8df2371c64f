// Shared memory outside the arena: the global variables of a loaded kernel object (kshim/) and,
// for kernel-C workloads, every task's stack (Machine::set_shared_stacks()). Registered for one
// run. Accesses to a region are checked and named like the arena's, and hashed by the region's
// index and offset, never by host address, which changes with every load and every build.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hazsim {

class StaticRegions {
 public:
  struct Region {
    uintptr_t lo = 0, hi = 0;
    const char* name = "";
    bool stack = false;  // a task stack: never buffered, offsets not hashed (see outside_offset())
    // A task stack's owner, named only when a report asks (label()): formatting a name for every
    // task of every run was a tenth of a small test's run.
    const std::string* owner = nullptr;
    int owner_pid = 0;
  };

  void clear() { regions_.clear(); }
  bool empty() const { return regions_.empty(); }
  // `name` must outlive the run (a kernel object's symbol).
  void add(void* p, size_t size, const char* name, bool stack = false) {
    regions_.push_back({uintptr_t(p), uintptr_t(p) + size, name, stack});
  }
  // A task's stack: `owner` (the task's name) must outlive the run.
  void add_stack(void* p, size_t size, const std::string* owner, int owner_pid) {
    regions_.push_back({uintptr_t(p), uintptr_t(p) + size, "the stack of", true, owner, owner_pid});
  }
  // What a report calls the region: "gp", "the stack of reader0 (pid 1)".
  static std::string label(const Region& r) {
    if (r.owner == nullptr) return r.name;
    return std::string(r.name) + " " + *r.owner + " (pid " + std::to_string(r.owner_pid) + ")";
  }
  // The region holding all of [p, p+size), or nullptr.
  const Region* find(const void* p, size_t size) const {
    for (const Region& r : regions_)
      if (uintptr_t(p) >= r.lo && uintptr_t(p) + size <= r.hi) return &r;
    return nullptr;
  }
  bool on_stack(const void* p) const {
    const Region* r = find(p, 1);
    return r != nullptr && r->stack;
  }
  // What the event log and the hash record for an address outside the arena: the region's index
  // (from 1) in the top 16 bits and the offset in it (0 for a stack, whose frames below the C
  // code are hazsim's own and differ by build), else the address itself (NULL plus a field
  // offset, or a wild pointer).
  uint64_t outside_offset(const void* p) const {
    if (const Region* r = find(p, 1))
      return (uint64_t(r - regions_.data() + 1) << 48) | (r->stack ? 0 : uintptr_t(p) - r->lo);
    return uint64_t(uintptr_t(p));
  }
  // The label of the region an outside_offset() value lies in ("" for a plain address).
  std::string name_of(uint64_t recorded) const {
    if (recorded >> 48 == 0 || recorded >> 48 >= 0x8000) return "";
    size_t i = size_t(recorded >> 48) - 1;
    return i < regions_.size() ? label(regions_[i]) : "";
  }

 private:
  std::vector<Region> regions_;
};

}  // namespace hazsim
