// `busted`: hazptr_synchronize() returns at once, like rcutorture's rcu_busted. It is the proof
// that the testbed's checks can fail: every strategy and scenario must catch it.
// Readers use listphase's slots and hazptr_detach() (without CONFIG_HAZPTR_DEBUG), so busted can
// run every scenario and only synchronize is broken.
#pragma once
#include "hazptr/phased.h"

namespace hazsim::hazptr {

template <class K>
class HazptrBusted : public HazptrPhased<K, true, false> {
 public:
  void hazptr_synchronize(void* addr) { (void)addr; }
};

}  // namespace hazsim::hazptr
