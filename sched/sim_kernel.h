// SimKernel: the kernel-API policy on the simulated machine. Every function that touches shared
// memory is a step boundary (Machine::access), then performs the access on simulated memory.
// Under sc, tso and pso loads stay in order, so acquire and smp_rmb() are plain; under weak each
// primitive has its LKMM meaning (sim/weak_memory.h).
#pragma once
#include <fmt/format.h>

#include "kapi/kernel_api.h"
#include "oracles/kernel_spelling.h"
#include "sched/machine.h"

namespace hazsim {

struct SimKernel {
  using Site = kapi::Site;
  static Machine& m() { return Machine::current(); }

  template <class T>
  static T read_once(const T* p, Site s = Site::current()) {
    if (!m().access(AccessKind::kLoad, p, sizeof(T), s)) return T{};
    T v = m().load_mem(p);
    m().note_value(v);
    if constexpr (std::is_pointer_v<T>) m().cost_pointer_loaded(v);  // accesses through it depend on this load
    return v;
  }
  template <class T, class V>
  static void write_once(T* p, V v, Site s = Site::current()) {
    if (m().access(AccessKind::kStore, p, sizeof(T), s)) {
      m().note_value(T(v));
      m().store_mem(p, T(v), false);
    }
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
  static void store_release(T* p, V v, Site s = Site::current()) {
    if (m().access(AccessKind::kStore, p, sizeof(T), s)) {
      m().note_value(T(v));
      m().store_mem(p, T(v), !m().mutated(MutationKind::kPlainRelease, s));
    }
  }
  template <class T>
  static T load_acquire(const T* p, Site s = Site::current()) {
    if (!m().access(AccessKind::kLoad, p, sizeof(T), s)) return T{};
    T v = m().mutated(MutationKind::kPlainAcquire, s) ? m().load_mem(p) : m().load_mem_acquire(p);
    m().note_value(v);
    return v;
  }
  // smp_cond_load_acquire(): spin, one shared load per iteration, until cond(VAL), then
  // smp_acquire__after_ctrl_dep(), which is smp_rmb() (no instruction of its own, so no step).
  template <class T, class F>
  static T cond_load_acquire(const T* p, F cond, Site s = Site::current()) {
    for (;;) {
      T v = read_once(p, s);
      if (cond(v) || m().stopping()) {
        if (!m().mutated(MutationKind::kPlainAcquire, s)) m().fence_rmb();
        return v;
      }
      cpu_relax(s);  // as smp_cond_load_relaxed() does between loads
    }
  }
  static void smp_mb(Site s = Site::current()) {
    if (m().mutated(MutationKind::kDropMb, s)) return;
    if (m().mb_access(s)) m().fence_full();
    m().cost_fence();
  }
  static void smp_wmb(Site s = Site::current()) {
    if (m().mutated(MutationKind::kDropWmb, s)) return;
    if (m().access(AccessKind::kFence, nullptr, 0, s)) m().fence_wmb();
  }
  static void smp_rmb(Site s = Site::current()) {
    if (m().access(AccessKind::kFence, nullptr, 0, s) && !m().mutated(MutationKind::kDropRmb, s)) m().fence_rmb();
  }
  static void cpu_relax(Site s = Site::current()) {
    if (m().access(AccessKind::kRelax, nullptr, 0, s)) m().spin_hint();
    m().cost_pause();
  }

  // Value-returning atomics are full barriers: the vCPU's buffered stores drain first, and an
  // RMW reads the newest value (memory holds it).
  template <class T, class V>
  static T xchg(T* p, V v, Site s = Site::current()) {
    if (!m().access(AccessKind::kRmw, p, sizeof(T), s)) return T{};
    m().fence_full();
    m().cost_atomic();
    T old = *p;
    m().note_value(old);
    m().rmw_observe(p, true);
    m().rmw_write(p, T(v));
    return old;
  }
  template <class T, class V, class W>
  static T cmpxchg(T* p, V expected, W desired, Site s = Site::current()) {
    if (!m().access(AccessKind::kRmw, p, sizeof(T), s)) return T{};
    m().fence_full();
    m().cost_atomic();
    T old = *p;
    m().note_value(old);
    m().rmw_observe(p, true);
    if (old == T(expected)) m().rmw_write(p, T(desired));
    return old;
  }
  // The lock's cmpxchg: under weak an acquire only (raw_spin_lock() and mutex_lock() are not
  // full barriers in the LKMM); under sc, tso and pso a locked RMW, as x86's.
  template <class T, class V, class W>
  static T cmpxchg_acquire(T* p, V expected, W desired, Site s = Site::current()) {
    if (!m().access(AccessKind::kRmw, p, sizeof(T), s)) return T{};
    m().fence_lock();
    m().cost_atomic();
    T old = *p;
    m().note_value(old);
    m().rmw_observe(p, true);
    if (old == T(expected)) m().rmw_write(p, T(desired), false);
    return old;
  }
  template <class T, class V>
  static T add_return(T* p, V v, Site s = Site::current()) {
    if (!m().access(AccessKind::kRmw, p, sizeof(T), s)) return T{};
    m().fence_full();
    m().cost_atomic();
    m().rmw_observe(p, true);
    m().rmw_write(p, T(*p + v));
    m().note_value(*p);
    return *p;
  }

  static void preempt_disable() {
    m().preempt_disable();
    m().cost_local_words(2);  // __preempt_count read and written
  }
  static void preempt_enable(Site s = Site::current()) {
    m().cost_local_words(2);  // __preempt_count read and written
    m().preempt_enable(s);
  }
  static int preempt_count() { return m().current_task() ? m().current_task()->preempt_count : 0; }

  // <linux/preempt.h>'s context tests, as the kernel answers them: in_interrupt() counts hardirqs,
  // softirqs being served and local_bh_disable() sections; in_softirq() the last two.
  static bool in_hardirq() { return m().in_irq(); }
  static bool in_softirq() { return m().in_softirq(); }
  static bool in_serving_softirq() { return m().in_serving_softirq(); }
  static bool in_interrupt() { return m().in_interrupt(); }
  static bool in_task() { return !m().in_irq() && !m().in_serving_softirq(); }
  static void local_bh_disable() { m().local_bh_disable(); }
  static void local_bh_enable(Site s = Site::current()) { m().local_bh_enable(s); }
  static void local_irq_save(unsigned long& flags) {
    flags = m().irqs_disabled();
    m().local_irq_disable();
  }
  static void local_irq_restore(unsigned long& flags, Site s = Site::current()) {
    (void)flags;
    m().local_irq_enable(s);
  }

  static void raw_spin_lock(kapi::raw_spinlock_t* l, Site s = Site::current()) {
    preempt_disable();
    uint64_t before = m().task_cycles();
    bool contended = false;
    while (cmpxchg_acquire(&l->locked, 0, 1, s) != 0) {
      contended = true;
      if (m().stopping()) return;
      m().check_lock_self_deadlock(l, s);
      while (read_once(&l->locked, s) != 0 && !m().stopping()) cpu_relax(s);
    }
    m().note_lock_acquired(l);
    m().note_lock_cost(contended, m().task_cycles() - before);
  }
  static void raw_spin_unlock(kapi::raw_spinlock_t* l, Site s = Site::current()) {
    // The unlocking store is a step where an interrupt may arrive: until it is done the lock is
    // still held, and the ghost owner must say so.
    store_release(&l->locked, 0, s);
    m().note_lock_released(l);
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

  // A sleeping mutex: the owner word is taken with cmpxchg; a contended locker sleeps on the
  // mutex's wait list until the unlocker wakes it, then tries again.
  static void mutex_lock(kapi::mutex* mx, Site s = Site::current()) {
    m().might_sleep(s);
    long me = m().current_task()->pid;
    while (cmpxchg_acquire(&mx->owner, 0L, me, s) != 0) {
      if (m().stopping()) return;
      m().note_mutex_wait();
      m().wait_on(mx, "a mutex", s);
    }
  }
  static void mutex_unlock(kapi::mutex* mx, Site s = Site::current()) {
    store_release(&mx->owner, 0L, s);
    m().wake_one(mx);
  }

  static int smp_processor_id() { return m().smp_processor_id(); }
  static int nr_cpu_ids() { return m().nr_cpus(); }
  // RCU (sched/rcu.cc): read-side sections are no step; kfree_rcu() frees after a grace period.
  static void rcu_read_lock() {
    m().rcu_read_lock();
    m().cost_local_words(2);  // rcu_read_lock_nesting read and written
  }
  static void rcu_read_unlock() {
    m().cost_local_words(3);  // rcu_read_lock_nesting read and written, rcu_read_unlock_special read
    m().rcu_read_unlock();
  }
  static void kfree_rcu(void* p, Site s = Site::current()) { m().kfree_rcu(p, s); }
  static void kfree(void* p, Site s = Site::current()) { m().kfree(p, s); }
  // A design line runs (kapi/line_note.h): counted when the machine collects coverage.
  static void note_line(uint32_t line) { m().note_line(line); }

  template <class T>
  static kapi::PerCpu<T> alloc_percpu(const char* what) {
    kapi::PerCpu<T> pc;
    pc.stride = (sizeof(T) + kapi::kCacheLine - 1) / kapi::kCacheLine * kapi::kCacheLine;
    pc.base = m().described<T>(m().static_alloc(pc.stride * size_t(m().nr_cpus()), kapi::kCacheLine, what), pc.stride);
    return pc;
  }
  template <class T>
  static T* this_cpu_ptr(const kapi::PerCpu<T>& pc) {
    return pc.ptr(m().smp_processor_id());
  }
  // this_cpu_add(): one instruction on x86, which preemption cannot split; here a load and a
  // store with preemption off between them, as the generic this_cpu operations have it (no
  // preempt_count traffic for the cost model: x86 has none).
  template <class T, class V>
  static void this_cpu_add(const kapi::PerCpu<T>& pc, V v, Site s = Site::current()) {
    m().preempt_disable();
    T* p = pc.ptr(m().smp_processor_id());
    write_once(p, T(read_once(p, s) + T(v)), s);
    m().preempt_enable(s);
  }
  template <class T>
  static T* per_cpu_ptr(const kapi::PerCpu<T>& pc, int cpu) {
    return pc.ptr(cpu);
  }
  template <class T>
  static T* alloc_static(const char* what) {
    return m().described<T>(m().static_alloc(sizeof(T), kapi::kCacheLine, what));
  }

  // `current`'s fields that a design adds to task_struct.
  template <class T>
  static T* current_task_data() {
    return static_cast<T*>(m().current_task()->data);
  }

  // current->pid (in an interrupt: the interrupted task's)
  static int current_pid() { return m().current_task() ? m().current_task()->pid : -1; }
  // WARN_ONCE(cond, fmt, ...): `message()` formats the text; as in the kernel, it and the
  // arguments it reads are evaluated only when the warning fires.
  template <class F>
  static bool warn_once(bool cond, F&& message, Site s = Site::current()) {
    if (cond) [[unlikely]]
      m().warn("WARNING: " + std::string(message()), true, s);
    return cond;
  }

  template <class T, class F>
  static void for_each_task_data(F fn) {
    m().for_each_task_data([&](void* d) { fn(static_cast<T*>(d)); });
  }
  // kzalloc(size, GFP_ATOMIC): zeroed whatever the machine's poison_uninit says.
  static void* kzalloc(size_t size, const char* what, Site s = Site::current()) {
    return m().kmalloc(size, what, Shadow::kHeap, true, s);
  }

  static bool warn_on_once(bool cond, const char* text, Site s = Site::current()) { return warn_on(cond, text, 1, s); }
  // WARN_ON() (once = false) and WARN_ON_ONCE(); under panic_on_warn=0 the caller goes on past it.
  static bool warn_on(bool cond, const char* text, bool once, Site s = Site::current()) {
    if (cond) [[unlikely]] {
      Task* t = m().current_task();
      m().warn(fmt::format("WARNING: {}({}) fired in {} (pid {}) on cpu {}", once ? "WARN_ON_ONCE" : "WARN_ON",
                           kernel_spelling(text),
                           t ? t->name : "?", t ? t->pid : -1, m().smp_processor_id()),
               once, s);
    }
    return cond;
  }
  static void lockdep_assert_preemption_enabled(Site s = Site::current()) {
    Task* t = m().current_task();
    if (t && (t->preempt_count != 0 || m().irqs_disabled() || m().in_interrupt()))
      m().fail(Oracle::kSyncNotPreemptible,
               fmt::format("lockdep_assert_preemption_enabled() failed: {} (pid {}) has preempt_count={}{}{}", t->name,
                           t->pid, t->preempt_count, m().irqs_disabled() ? ", interrupts disabled" : "",
                           m().in_irq()       ? ", in interrupt"
                           : m().in_softirq() ? ", in softirq or with softirqs disabled"
                                              : ""),
               s);
  }
  // Raw simulated memory of the boot-time kind (kernel C's per-CPU areas).
  static void* alloc_bytes(size_t size, size_t align, const char* what) { return m().static_alloc(size, align, what); }
  static void add_static_region(void* p, size_t size, const char* name) { m().add_static_region(p, size, name); }
  // Kernel C returned to the machine: its last plain store is done (kshim/, Machine::native_access()).
  static void native_done() { m().native_done(); }
  static bool list_add_valid(const kapi::list_head* n, Site s = Site::current()) { return m().list_add_valid(n, s); }
  static bool list_del_valid(const kapi::list_head* n, Site s = Site::current()) { return m().list_del_valid(n, s); }
};

static_assert(kapi::KernelApi<SimKernel>);

}  // namespace hazsim
