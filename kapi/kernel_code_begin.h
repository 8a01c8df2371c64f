// Kernel notation for design code. Include after every other header of a design file, and
// kapi/kernel_code_end.h at its end, inside a template over the policy `K`.
//
// Plain C accesses to shared memory (`x = v`, `v = x` in the kernel source) are written
// STORE(x, v) and LOAD(x): the simulator must see them, and a reviewer can still match them
// one-to-one with the kernel lines.
//
// Each operation also notes its line for design-line coverage (kapi/line_note.h); a note is no
// step and no access, so schedules do not depend on it.
#include "kapi/line_note.h"

#define READ_ONCE(x) (HAZSIM_LINE(), K::read_once(&(x)))
#define WRITE_ONCE(x, val) (HAZSIM_LINE(), K::write_once(&(x), (val)))
#define LOAD(x) (HAZSIM_LINE(), K::load(&(x)))
#define STORE(x, val) (HAZSIM_LINE(), K::store(&(x), (val)))
#define smp_mb() (HAZSIM_LINE(), K::smp_mb())
#define smp_wmb() (HAZSIM_LINE(), K::smp_wmb())
#define smp_rmb() (HAZSIM_LINE(), K::smp_rmb())
#define smp_store_release(p, val) (HAZSIM_LINE(), K::store_release((p), (val)))
#define smp_load_acquire(p) (HAZSIM_LINE(), K::load_acquire((p)))
#define smp_cond_load_acquire(p, cond_expr) \
  (HAZSIM_LINE(), K::cond_load_acquire((p), [&](auto VAL) { return bool(cond_expr); }))
#define cpu_relax() (HAZSIM_LINE(), K::cpu_relax())
#define WARN_ON_ONCE(c) (HAZSIM_LINE(), K::warn_on_once(bool(c), #c))
#define WARN_ON(c) (HAZSIM_LINE(), K::warn_on(bool(c), #c, false))
#define rcu_read_lock() (HAZSIM_LINE(), K::rcu_read_lock())
#define rcu_read_unlock() (HAZSIM_LINE(), K::rcu_read_unlock())
#define kfree_rcu(p, field) (HAZSIM_LINE(), K::kfree_rcu((p)))
#define preempt_disable() (HAZSIM_LINE(), K::preempt_disable())
#define preempt_enable() (HAZSIM_LINE(), K::preempt_enable())
#define raw_spin_lock(l) (HAZSIM_LINE(), K::raw_spin_lock(l))
#define raw_spin_unlock(l) (HAZSIM_LINE(), K::raw_spin_unlock(l))
#define raw_spin_lock_irqsave(l, flags) (HAZSIM_LINE(), K::raw_spin_lock_irqsave((l), (flags)))
#define raw_spin_unlock_irqrestore(l, flags) (HAZSIM_LINE(), K::raw_spin_unlock_irqrestore((l), (flags)))
#define mutex_lock(m) (HAZSIM_LINE(), K::mutex_lock(m))
#define mutex_unlock(m) (HAZSIM_LINE(), K::mutex_unlock(m))
#define smp_processor_id() (HAZSIM_LINE(), K::smp_processor_id())
#define this_cpu_ptr(pcpu) (HAZSIM_LINE(), K::this_cpu_ptr(pcpu))
#define per_cpu_ptr(pcpu, cpu) (HAZSIM_LINE(), K::per_cpu_ptr((pcpu), (cpu)))
#define this_cpu_add(pcpu, val) (HAZSIM_LINE(), K::this_cpu_add((pcpu), (val)))
#define for_each_possible_cpu(cpu) for ((cpu) = (HAZSIM_LINE(), 0); (cpu) < K::nr_cpu_ids(); (cpu)++)
#define lockdep_assert_preemption_enabled() (HAZSIM_LINE(), K::lockdep_assert_preemption_enabled())
#define INIT_LIST_HEAD(h) (HAZSIM_LINE(), ::hazsim::kapi::init_list_head<K>((h)))
#define list_add(n, h) (HAZSIM_LINE(), ::hazsim::kapi::list_add<K>((n), (h)))
#define list_add_tail(n, h) (HAZSIM_LINE(), ::hazsim::kapi::list_add_tail<K>((n), (h)))
#define list_del(e) (HAZSIM_LINE(), ::hazsim::kapi::list_del<K>((e)))
#define list_empty(h) (HAZSIM_LINE(), ::hazsim::kapi::list_empty<K>((h)))
#define HAZSIM_ENTRY_T(pos) std::remove_reference_t<decltype(*(pos))>
#define list_for_each_entry(pos, head, member)                                                    \
  for ((pos) = ::hazsim::kapi::list_entry_from<HAZSIM_ENTRY_T(pos)>(                              \
           LOAD((head)->next), offsetof(HAZSIM_ENTRY_T(pos), member));                            \
       &(pos)->member != (head);                                                                  \
       (pos) = ::hazsim::kapi::list_entry_from<HAZSIM_ENTRY_T(pos)>(LOAD((pos)->member.next),     \
                                                                    offsetof(HAZSIM_ENTRY_T(pos), member)))
#define INIT_HLIST_HEAD(h) (HAZSIM_LINE(), ::hazsim::kapi::init_hlist_head<K>((h)))
#define hlist_add_head(n, h) (HAZSIM_LINE(), ::hazsim::kapi::hlist_add_head<K>((n), (h)))
#define hlist_del(n) (HAZSIM_LINE(), ::hazsim::kapi::hlist_del<K>((n)))
#define hlist_for_each_entry(pos, head, member)                                                      \
  for ((pos) = ::hazsim::kapi::hlist_entry_safe_from<HAZSIM_ENTRY_T(pos)>(                            \
           LOAD((head)->first), offsetof(HAZSIM_ENTRY_T(pos), member));                               \
       (pos);                                                                                         \
       (pos) = ::hazsim::kapi::hlist_entry_safe_from<HAZSIM_ENTRY_T(pos)>(LOAD((pos)->member.next),   \
                                                                          offsetof(HAZSIM_ENTRY_T(pos), member)))
#define HAZSIM_CONCAT2(a, b) a##b
#define HAZSIM_CONCAT(a, b) HAZSIM_CONCAT2(a, b)
#define guard(name)                                                                   \
  [[maybe_unused]] const int HAZSIM_CONCAT(hazsim_line_, __COUNTER__) = (HAZSIM_LINE(), 0); \
  ::hazsim::kapi::guard_##name<K> HAZSIM_CONCAT(hazsim_guard_, __COUNTER__) = ::hazsim::kapi::guard_##name<K>
#define likely(x) (HAZSIM_LINE(), __builtin_expect(!!(x), 1))
#define unlikely(x) (HAZSIM_LINE(), __builtin_expect(!!(x), 0))
#define ptr_eq(a, b) (HAZSIM_LINE(), (a) == (b))
