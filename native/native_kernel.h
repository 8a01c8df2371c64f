// NativeKernel: the kernel-API policy on real threads, so that the designs of hazptr/, the same
// templates the simulator runs, can be timed on the host (hazsim bench-native, issue 14).
//
// Each primitive is what the kernel emits for it on x86-64 and arm64 (native/barriers.h):
// READ_ONCE/WRITE_ONCE and plain C accesses are single relaxed accesses (the kernel's volatile
// MOVs; relaxed atomics here, so that the C++ compiler neither tears nor fuses them), acquire and
// release are gcc's __atomic ACQUIRE/RELEASE (MOV or LDAR/STLR), value-returning atomics are
// fully ordered locked RMWs. Locks take the kernel's fast paths: raw_spin_lock() one
// cmpxchg-acquire (qspinlock), raw_spin_unlock() a release store, mutex_lock()/mutex_unlock() a
// cmpxchg-acquire/-release of the owner word (contended waiters yield instead of sleeping).
// preempt_disable() and rcu_read_lock() touch thread-local counters, as the kernel's per-CPU
// __preempt_count and CONFIG_PREEMPT_RCU's current->rcu_read_lock_nesting. What user mode cannot
// do is left out and said: turning interrupts or preemption off (one thread per CPU instead,
// Host::run_pinned), grace periods (kfree_rcu() frees at the end), lockdep and DEBUG_LIST (off,
// as in a production kernel).
#pragma once
#include <sched.h>

#include <cstdio>

#include "kapi/kernel_api.h"
#include "native/barriers.h"
#include "native/host.h"

namespace hazsim::native {

struct NativeKernel {
  using Site = kapi::Site;

  template <class T>
  static T read_once(const T* p, Site = Site::current()) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
  }
  template <class T, class V>
  static void write_once(T* p, V v, Site = Site::current()) {
    __atomic_store_n(p, T(v), __ATOMIC_RELAXED);
  }
  template <class T>
  static T load(const T* p, Site s = Site::current()) {
    return read_once(p, s);
  }
  template <class T, class V>
  static void store(T* p, V v, Site s = Site::current()) {
    write_once(p, v, s);
  }
  template <class T, class V>
  static void store_release(T* p, V v, Site = Site::current()) {
    __atomic_store_n(p, T(v), __ATOMIC_RELEASE);
  }
  template <class T>
  static T load_acquire(const T* p, Site = Site::current()) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
  }
  // smp_cond_load_acquire(): relaxed loads with cpu_relax() until cond, then
  // smp_acquire__after_ctrl_dep() (smp_rmb()).
  template <class T, class F>
  static T cond_load_acquire(const T* p, F cond, Site = Site::current()) {
    for (;;) {
      T v = __atomic_load_n(p, __ATOMIC_RELAXED);
      if (cond(v)) {
        smp_rmb_insn();
        return v;
      }
      cpu_relax_insn();
    }
  }
  static void smp_mb(Site = Site::current()) { smp_mb_insn(); }
  static void smp_wmb(Site = Site::current()) { smp_wmb_insn(); }
  static void smp_rmb(Site = Site::current()) { smp_rmb_insn(); }
  static void cpu_relax(Site = Site::current()) { cpu_relax_insn(); }

  template <class T, class V>
  static T xchg(T* p, V v, Site = Site::current()) {
    return __atomic_exchange_n(p, T(v), __ATOMIC_SEQ_CST);
  }
  template <class T, class V, class W>
  static T cmpxchg(T* p, V expected, W desired, Site = Site::current()) {
    T old = T(expected);
    __atomic_compare_exchange_n(p, &old, T(desired), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return old;
  }
  template <class T, class V>
  static T add_return(T* p, V v, Site = Site::current()) {
    return __atomic_add_fetch(p, T(v), __ATOMIC_SEQ_CST);
  }

  static void preempt_disable() {
    ++tl_thread.preempt_count;
    compiler_barrier();
  }
  static void preempt_enable(Site = Site::current()) {
    compiler_barrier();
    --tl_thread.preempt_count;  // the kernel tests need_resched here: never set on a pinned thread
  }
  static int preempt_count() { return tl_thread.preempt_count; }
  static bool in_hardirq() { return false; }
  static bool in_softirq() { return false; }
  static bool in_serving_softirq() { return false; }
  static bool in_interrupt() { return false; }
  static bool in_task() { return true; }
  static void local_irq_save(unsigned long& flags) { flags = irq_flags_insn(); }
  static void local_irq_restore(unsigned long&, Site = Site::current()) { compiler_barrier(); }

  static void raw_spin_lock(kapi::raw_spinlock_t* l, Site = Site::current()) {
    preempt_disable();
    for (;;) {
      int unlocked = 0;
      if (__atomic_compare_exchange_n(&l->locked, &unlocked, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
      while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) != 0) cpu_relax_insn();
    }
  }
  static void raw_spin_unlock(kapi::raw_spinlock_t* l, Site s = Site::current()) {
    store_release(&l->locked, 0, s);
    preempt_enable(s);
  }
  static void raw_spin_lock_irqsave(kapi::raw_spinlock_t* l, unsigned long& flags, Site s = Site::current()) {
    local_irq_save(flags);
    raw_spin_lock(l, s);
  }
  static void raw_spin_unlock_irqrestore(kapi::raw_spinlock_t* l, unsigned long& flags, Site s = Site::current()) {
    raw_spin_unlock(l, s);
    local_irq_restore(flags, s);
  }
  static void mutex_lock(kapi::mutex* mx, Site = Site::current()) {
    for (;;) {
      long unowned = 0;
      if (__atomic_compare_exchange_n(&mx->owner, &unowned, long(tl_thread.pid), false, __ATOMIC_ACQUIRE,
                                      __ATOMIC_RELAXED))
        return;
      sched_yield();
    }
  }
  static void mutex_unlock(kapi::mutex* mx, Site = Site::current()) {
    long owner = tl_thread.pid;
    __atomic_compare_exchange_n(&mx->owner, &owner, 0L, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
  }

  static int smp_processor_id() { return tl_thread.cpu; }
  static int nr_cpu_ids() { return Host::current().nr_cpus(); }
  static void rcu_read_lock() {
    ++tl_thread.rcu_nesting;
    compiler_barrier();
  }
  static void rcu_read_unlock() {
    compiler_barrier();
    if (--tl_thread.rcu_nesting == 0 && __atomic_load_n(&tl_thread.rcu_special, __ATOMIC_RELAXED)) [[unlikely]]
      std::fputs("hazsim: rcu_read_unlock_special set on a native thread\n", stderr);
  }
  static void kfree_rcu(void* p, Site = Site::current()) { Host::current().defer_free(p); }
  static void kfree(void* p, Site = Site::current()) { std::free(p); }
  static void* kzalloc(size_t size, const char*) { return std::calloc(1, size); }
  static void note_line(uint32_t) {}

  template <class T>
  static kapi::PerCpu<T> alloc_percpu(const char*) {
    // Each CPU's copy on a page of its own: the kernel's per-CPU units are far apart, and two
    // CPUs' copies on adjacent lines would meet in the adjacent-line prefetcher.
    kapi::PerCpu<T> pc;
    pc.stride = (sizeof(T) + 4095) / 4096 * 4096;
    pc.base = static_cast<T*>(Host::current().alloc(pc.stride * size_t(nr_cpu_ids()), 4096));
    return pc;
  }
  template <class T>
  static T* this_cpu_ptr(const kapi::PerCpu<T>& pc) {
    return pc.ptr(tl_thread.cpu);
  }
  template <class T>
  static T* per_cpu_ptr(const kapi::PerCpu<T>& pc, int cpu) {
    return pc.ptr(cpu);
  }
  // this_cpu_add(): a load and a store of this CPU's copy (x86 folds them into one add to memory);
  // the thread is pinned, so nothing runs between them on this CPU.
  template <class T, class V>
  static void this_cpu_add(const kapi::PerCpu<T>& pc, V v, Site = Site::current()) {
    T* p = pc.ptr(tl_thread.cpu);
    __atomic_store_n(p, T(__atomic_load_n(p, __ATOMIC_RELAXED) + T(v)), __ATOMIC_RELAXED);
  }
  template <class T>
  static T* alloc_static(const char*) {
    return static_cast<T*>(Host::current().alloc(sizeof(T), kapi::kCacheLine));
  }
  template <class T>
  static T* current_task_data() {
    return static_cast<T*>(tl_thread.task_data);
  }
  static int current_pid() { return tl_thread.pid; }
  // for_each_process_thread(): the task list in its order, each task's link a dependent load.
  template <class T, class F>
  static void for_each_task_data(F fn) {
    Host& h = Host::current();
    for (char* t = h.first_task(); t; t = h.next_task(t)) fn(static_cast<T*>(h.task_data(t)));
  }

  template <class F>
  static bool warn_once(bool cond, F&& message, Site = Site::current()) {
    if (cond) [[unlikely]]
      Host::current().warn(std::string(message()).c_str());
    return cond;
  }
  static bool warn_on_once(bool cond, const char* text, Site s = Site::current()) { return warn_on(cond, text, true, s); }
  static bool warn_on(bool cond, const char* text, bool, Site = Site::current()) {
    if (cond) [[unlikely]]
      Host::current().warn(text);
    return cond;
  }
  static void lockdep_assert_preemption_enabled(Site = Site::current()) {}
  static bool list_add_valid(const kapi::list_head*, Site = Site::current()) { return true; }
  static bool list_del_valid(const kapi::list_head*, Site = Site::current()) { return true; }
};

static_assert(kapi::KernelApi<NativeKernel>);

}  // namespace hazsim::native
