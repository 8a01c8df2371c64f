// `busted`: hazptr_synchronize() returns at once, like rcutorture's rcu_busted. It is the proof
// that the testbed's checks can fail: every strategy and scenario must catch it.
// Readers use the v4 per-CPU slots without the preemption hook, so only synchronize is broken.
#pragma once
#include "hazptr/v4.h"

namespace hazsim::hazptr {

template <class K>
class HazptrBusted : public HazptrV4<K, false> {
 public:
  void hazptr_synchronize(void* addr) { (void)addr; }
};

}  // namespace hazsim::hazptr
