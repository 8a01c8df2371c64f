// Load buffering under the `weak` model: the loads each vCPU has made that nothing has yet
// ordered before its later stores. The LKMM lets such a load be satisfied after a later store of
// the same CPU has become visible (LB), unless a barrier, an acquire, a release or a dependency
// orders the two. The machine cannot see data and control dependencies in C++ code, so it lets
// only stores known to depend on none of these loads pass them (see Machine::ghost_released());
// this record says which loads are still open. Any ordering point closes them all, which is
// stronger than the LKMM where the point orders less (an smp_rmb(), a lock): never weaker.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace hazsim {

class OpenLoads {
 public:
  static constexpr uint32_t kPerCpu = 8;  // the newest loads; an older one counts as ordered (stronger)

  void reset(uint32_t ncpus) { cpus_.assign(ncpus, PerCpu{}); }
  void note(uint32_t c, uintptr_t addr) {
    PerCpu& p = cpus_[c];
    p.addr[p.n++ % kPerCpu] = addr;
  }
  // A barrier (or anything the machine treats as one) orders every open load of c.
  void close(uint32_t c) { cpus_[c].n = 0; }
  // Whether c has an open load of [lo, hi).
  bool any_in(uint32_t c, uintptr_t lo, uintptr_t hi) const {
    const PerCpu& p = cpus_[c];
    for (uint32_t i = 0; i < p.n && i < kPerCpu; ++i)
      if (p.addr[i] >= lo && p.addr[i] < hi) return true;
    return false;
  }

 private:
  struct PerCpu {
    std::array<uintptr_t, kPerCpu> addr{};
    uint32_t n = 0;
  };
  std::vector<PerCpu> cpus_;
};

}  // namespace hazsim
