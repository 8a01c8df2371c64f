// The kernel-API layer: the kernel primitives the hazard-pointer designs use (READ_ONCE and
// WRITE_ONCE, the barriers and acquire/release, xchg/cmpxchg, raw spinlocks and mutexes,
// preemption and interrupt control, per-CPU data, current, lists) as a compile-time policy K, with
// the meanings of include/linux/ and tools/memory-model/. A design is a template over K, written
// once in kernel shape; the simulator instantiates it with SimKernel, and a policy over real
// threads could instantiate the same code for timing.
#pragma once
#include <concepts>
#include <source_location>

#include "kapi/types.h"

namespace hazsim::kapi {

using Site = std::source_location;

template <class K>
concept KernelApi = requires(int* ip, void** pp, raw_spinlock_t* l, mutex* mx, unsigned long& flags,
                             list_head* n, PerCpu<int> pc, Site s) {
  { K::read_once(ip, s) } -> std::same_as<int>;
  K::write_once(ip, 1, s);
  { K::load(pp, s) } -> std::same_as<void*>;
  K::store(pp, nullptr, s);
  K::store_release(pp, nullptr, s);
  { K::load_acquire(pp, s) } -> std::same_as<void*>;
  K::smp_mb(s);
  K::smp_wmb(s);
  K::smp_rmb(s);
  K::cpu_relax(s);
  { K::xchg(ip, 1, s) } -> std::same_as<int>;
  { K::cmpxchg(ip, 0, 1, s) } -> std::same_as<int>;
  K::preempt_disable();
  K::preempt_enable(s);
  K::raw_spin_lock(l, s);
  K::raw_spin_unlock(l, s);
  K::raw_spin_lock_irqsave(l, flags, s);
  K::raw_spin_unlock_irqrestore(l, flags, s);
  K::mutex_lock(mx, s);
  K::mutex_unlock(mx, s);
  { K::smp_processor_id() } -> std::same_as<int>;
  { K::nr_cpu_ids() } -> std::same_as<int>;
  { K::this_cpu_ptr(pc) } -> std::same_as<int*>;
  { K::per_cpu_ptr(pc, 0) } -> std::same_as<int*>;
  { K::warn_on_once(true, "", s) } -> std::same_as<bool>;
  { K::warn_on(true, "", false, s) } -> std::same_as<bool>;
  K::lockdep_assert_preemption_enabled(s);
  K::note_line(0u);  // design-line coverage (kapi/line_note.h); a policy may ignore it
  K::rcu_read_lock();
  K::rcu_read_unlock();
  K::kfree_rcu(pp, s);
  { K::list_add_valid(n, s) } -> std::same_as<bool>;
  { K::list_del_valid(n, s) } -> std::same_as<bool>;
};

// guard(preempt)(): preemption off until the end of the scope.
template <class K>
struct guard_preempt {
  explicit guard_preempt(Site s = Site::current()) : site(s) { K::preempt_disable(); }
  // preempt_enable() may reschedule, and a run that stops while this task is switched out unwinds
  // its stack from there: the destructor must let that through.
  ~guard_preempt() noexcept(false) { K::preempt_enable(site); }
  guard_preempt(const guard_preempt&) = delete;
  guard_preempt& operator=(const guard_preempt&) = delete;
  Site site;
};

// guard(mutex)(&lock): the mutex held until the end of the scope.
template <class K>
struct guard_mutex {
  explicit guard_mutex(mutex* m, Site s = Site::current()) : mx(m), site(s) { K::mutex_lock(mx, site); }
  ~guard_mutex() noexcept(false) { K::mutex_unlock(mx, site); }
  guard_mutex(const guard_mutex&) = delete;
  guard_mutex& operator=(const guard_mutex&) = delete;
  mutex* mx;
  Site site;
};

// guard(raw_spinlock_irqsave)(&lock): interrupts off and the lock held until the end of the scope.
template <class K>
struct guard_raw_spinlock_irqsave {
  explicit guard_raw_spinlock_irqsave(raw_spinlock_t* l, Site s = Site::current()) : lock(l), site(s) {
    K::raw_spin_lock_irqsave(lock, flags, site);
  }
  ~guard_raw_spinlock_irqsave() noexcept(false) { K::raw_spin_unlock_irqrestore(lock, flags, site); }
  guard_raw_spinlock_irqsave(const guard_raw_spinlock_irqsave&) = delete;
  guard_raw_spinlock_irqsave& operator=(const guard_raw_spinlock_irqsave&) = delete;
  raw_spinlock_t* lock;
  unsigned long flags = 0;
  Site site;
};

// ---- <linux/list.h>, every link access a shared access; DEBUG_LIST checks as ghost state ----

template <class K>
void init_list_head(list_head* h, Site s = Site::current()) {
  K::write_once(&h->next, h, s);
  K::store(&h->prev, h, s);
}

template <class K>
void list_add_between(list_head* n, list_head* prev, list_head* next, Site s) {
  if (!K::list_add_valid(n, s)) return;
  K::store(&next->prev, n, s);
  K::store(&n->next, next, s);
  K::store(&n->prev, prev, s);
  K::write_once(&prev->next, n, s);
}

template <class K>
void list_add(list_head* n, list_head* head, Site s = Site::current()) {
  list_add_between<K>(n, head, K::load(&head->next, s), s);
}

template <class K>
void list_add_tail(list_head* n, list_head* head, Site s = Site::current()) {
  list_add_between<K>(n, K::load(&head->prev, s), head, s);
}

template <class K>
void list_del(list_head* entry, Site s = Site::current()) {
  if (!K::list_del_valid(entry, s)) return;
  list_head* prev = K::load(&entry->prev, s);
  list_head* next = K::load(&entry->next, s);
  K::store(&next->prev, prev, s);
  K::write_once(&prev->next, next, s);
  K::store(&entry->next, LIST_POISON1, s);
  K::store(&entry->prev, LIST_POISON2, s);
}

template <class K>
bool list_empty(const list_head* head, Site s = Site::current()) {
  return K::read_once(&head->next, s) == head;
}

// ---- <linux/llist.h>: adding is a cmpxchg loop and taking everything an xchg, both fully
// ordered (value-returning atomics), so what the adder wrote before is seen by the taker ----

// llist_add(): true if the list was empty.
template <class K>
bool llist_add(llist_node* n, llist_head* h, Site s = Site::current()) {
  llist_node* first = K::read_once(&h->first, s);
  for (;;) {
    K::store(&n->next, first, s);  // new_last->next = first
    llist_node* seen = K::cmpxchg(&h->first, first, n, s);
    if (seen == first) return first == nullptr;
    first = seen;
  }
}

// llist_del_all(): the whole list, newest first.
template <class K>
llist_node* llist_del_all(llist_head* h, Site s = Site::current()) {
  return K::xchg(&h->first, static_cast<llist_node*>(nullptr), s);
}

// ---- hlist ----

template <class K>
void init_hlist_head(hlist_head* h, Site s = Site::current()) {
  K::store(&h->first, static_cast<hlist_node*>(nullptr), s);
}

template <class K>
void hlist_add_head(hlist_node* n, hlist_head* h, Site s = Site::current()) {
  if (!K::list_add_valid(reinterpret_cast<list_head*>(n), s)) return;
  hlist_node* first = K::load(&h->first, s);
  K::write_once(&n->next, first, s);
  if (first) K::write_once(&first->pprev, &n->next, s);
  K::write_once(&h->first, n, s);
  K::write_once(&n->pprev, &h->first, s);
}

template <class K>
void hlist_del(hlist_node* n, Site s = Site::current()) {
  if (!K::list_del_valid(reinterpret_cast<list_head*>(n), s)) return;
  hlist_node* next = K::load(&n->next, s);
  hlist_node** pprev = K::load(&n->pprev, s);
  K::write_once(pprev, next, s);
  if (next) K::write_once(&next->pprev, pprev, s);
  K::store(&n->next, reinterpret_cast<hlist_node*>(LIST_POISON1), s);
  K::store(&n->pprev, reinterpret_cast<hlist_node**>(LIST_POISON2), s);
}

template <class T>
T* hlist_entry_safe_from(hlist_node* node, size_t member_offset) {
  return node ? reinterpret_cast<T*>(reinterpret_cast<char*>(node) - member_offset) : nullptr;
}

template <class T>
T* list_entry_from(list_head* node, size_t member_offset) {
  return reinterpret_cast<T*>(reinterpret_cast<char*>(node) - member_offset);
}

}  // namespace hazsim::kapi
