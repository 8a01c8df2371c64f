// The baselines hazard pointers are meant to replace, run through the same cost workload
// (hazsim compare) with the designs' interface. Not kernel code of the series; the shapes follow
// the kernel's idioms:
//   refcount    one shared atomic counter (refcount_inc / refcount_dec on the object's count; in
//               refscale every reader reads the same object, so it is one line for all)
//   percpu-ref  percpu_ref_get/put in per-CPU mode as lib/percpu-refcount.h has them: an RCU
//               read-side section around the mode test and this_cpu_add/sub of the local counter
//               (no lock prefix, no barrier); synchronize sums the counters until zero, which is
//               percpu_ref's switch to atomic mode without its RCU grace period (not modelled:
//               counted as free), so it is cheaper here than in the kernel, and it does not
//               protect (bench-native's check shows a reader seeing its object retired).
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
  // struct percpu_ref: the per-CPU counters' address with the mode in its low bits
  // (__PERCPU_REF_ATOMIC 1, __PERCPU_REF_DEAD 2); neither set: per-CPU mode.
  struct percpu_ref {
    unsigned long percpu_count_ptr;
  };
  static constexpr unsigned long __PERCPU_REF_ATOMIC_DEAD = 3;

 public:
  void hazptr_init() {
    counters_ = K::template alloc_percpu<long>("percpu_ref counters");
    ref_ = K::template alloc_static<percpu_ref>("struct percpu_ref");
    STORE(ref_->percpu_count_ptr, reinterpret_cast<unsigned long>(counters_.base));
  }

  // percpu_ref_get(): rcu_read_lock(), the mode test of __ref_is_percpu(), this_cpu_add() of the
  // local counter (no lock prefix, no barrier), rcu_read_unlock().
  void* hazptr_acquire(hazptr_ctx*, void* const* addr_p) {
    rcu_read_lock();
    if (!(READ_ONCE(ref_->percpu_count_ptr) & __PERCPU_REF_ATOMIC_DEAD)) this_cpu_add(counters_, 1L);
    rcu_read_unlock();
    return READ_ONCE(*addr_p);
  }
  // percpu_ref_put(): the same with this_cpu_sub().
  void hazptr_release(hazptr_ctx*, void* addr) {
    if (!addr) return;
    rcu_read_lock();
    if (!(READ_ONCE(ref_->percpu_count_ptr) & __PERCPU_REF_ATOMIC_DEAD)) this_cpu_add(counters_, -1L);
    rcu_read_unlock();
  }
  void hazptr_synchronize(void* addr) {
    int cpu;
    if (!addr) return;
    smp_mb();
    for (;;) {
      long sum = 0;
      for_each_possible_cpu(cpu) sum += READ_ONCE(*per_cpu_ptr(counters_, cpu));
      if (sum == 0) return;
      cpu_relax();
    }
  }

 private:
  kapi::PerCpu<long> counters_;
  percpu_ref* ref_ = nullptr;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
