// The baselines hazard pointers are meant to replace, run through the same cost workload
// (hazsim compare) with the designs' interface. Not kernel code of the series; the shapes follow
// the kernel's idioms:
//   refcount    one shared atomic counter (refcount_inc / refcount_dec on the object's count; in
//               refscale every reader reads the same object, so it is one line for all)
//   percpu-ref  percpu_ref_get/put in per-CPU mode: preemption off around this_cpu_inc/dec of the
//               local counter (no lock prefix, no barrier); synchronize sums the counters until
//               zero, which is percpu_ref's switch to atomic mode without its RCU grace period
//               (not modelled: counted as free), so it is cheaper here than in the kernel.
// Neither protects objects the way the oracles check; compare runs them without the torture.
#pragma once
#include <cstddef>

#include "kapi/kernel_api.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

// What the workloads ask of every design, for a baseline that needs no context and no hook.
struct BaselineShape {
  struct hazptr_ctx {
    void* unused;
  };
  using ctx_type = hazptr_ctx;
  static constexpr size_t task_data_size = 0;
  static constexpr bool has_switch_hook = false;
  void init_task(void*) {}
};

template <class K>
class Refcount : public BaselineShape {
 public:
  void hazptr_init() { count_ = K::template alloc_static<long>("refcount"); }

  void* hazptr_acquire(hazptr_ctx*, void* const* addr_p) {
    K::add_return(count_, 1L);  // refcount_inc(): a locked RMW on the shared line
    return READ_ONCE(*addr_p);
  }
  void hazptr_release(hazptr_ctx*, void* addr) {
    if (addr) K::add_return(count_, -1L);  // refcount_dec()
  }
  void hazptr_synchronize(void* addr) {
    if (!addr) return;
    smp_mb();
    while (READ_ONCE(*count_) != 0) cpu_relax();
  }

 private:
  long* count_ = nullptr;
};

template <class K>
class PercpuRef : public BaselineShape {
  struct counter {
    long count;
  };

 public:
  void hazptr_init() { counters_ = K::template alloc_percpu<counter>("percpu_ref counters"); }

  void* hazptr_acquire(hazptr_ctx*, void* const* addr_p) {
    guard(preempt)();
    counter* c = this_cpu_ptr(counters_);
    STORE(c->count, LOAD(c->count) + 1);  // this_cpu_inc(): one unlocked add on the local line
    return READ_ONCE(*addr_p);
  }
  void hazptr_release(hazptr_ctx*, void* addr) {
    if (!addr) return;
    guard(preempt)();
    counter* c = this_cpu_ptr(counters_);
    STORE(c->count, LOAD(c->count) - 1);  // this_cpu_dec()
  }
  void hazptr_synchronize(void* addr) {
    int cpu;
    if (!addr) return;
    smp_mb();
    for (;;) {
      long sum = 0;
      for_each_possible_cpu(cpu) sum += READ_ONCE(per_cpu_ptr(counters_, cpu)->count);
      if (sum == 0) return;
      cpu_relax();
    }
  }

 private:
  kapi::PerCpu<counter> counters_;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
