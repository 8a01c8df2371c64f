// Hazard pointers, v5 ("[RFC PATCH v5 0/2] Hazard Pointers", posted 2026-02-23).
//
// Models paulmckrcu/linux kernel/hazptr.c at eb1a6621e0f519ec1a7d01baabaddcb17408688c. The index
// this project reads from holds include/linux/hazptr.h only at a later commit (04b88652be5b,
// which adds hazptr_detach() and CONFIG_HAZPTR_DEBUG); the header functions below are taken from
// it without those two additions, which matches the v5 cover letter: 4 {slot, ctx} items per
// CPU, wildcard acquire with Store C, the hook folded in (no Kconfig option) and setting
// ctx->slot to the backup, two overflow lists per CPU under a mutex with add_idx, irqsave locks.
//
// Plain C accesses to shared memory are written LOAD()/STORE(); comments marked "kernel:" carry
// the kernel's barrier labels.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kapi/kernel_api.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

// PCPU_SLOT_COUNT is an option raised in the v4 thread, not posted code: a per-CPU count of used
// per-CPU slots, raised before Store B and dropped after the release store, so that synchronize
// can skip a CPU whose count reads zero (Store A; smp_mb(); load count pairs with count++;
// Store B; smp_mb(); Load A). Off in `v5`, on in `v5-pcpucount`.
template <class K, bool PCPU_SLOT_COUNT = false>
class HazptrV5 {
 public:
  /* Four 16-byte {slot, ctx} items: a CPU's slots are one 64-byte line. */
  static constexpr unsigned NR_HAZPTR_PERCPU_SLOTS = 4;
  static inline void* const HAZPTR_WILDCARD = reinterpret_cast<void*>(0x1UL);

  struct hazptr_slot {
    void* addr;
  };

  struct hazptr_overflow_list;

  struct hazptr_backup_slot {
    kapi::hlist_node overflow_node;
    hazptr_slot slot;
    /* Links the backup slot into its CPU's overflow list. */
    hazptr_overflow_list* overflow_list;
  };

  struct hazptr_ctx {
    hazptr_slot* slot;
    /* Taken when no per-CPU slot is free. */
    hazptr_backup_slot backup_slot;
    kapi::hlist_node preempt_node;
  };

  struct hazptr_slot_ctx {
    hazptr_ctx* ctx;
  };

  struct hazptr_slot_item {
    hazptr_slot slot;
    hazptr_slot_ctx ctx;
  };

  struct no_count {};
  struct alignas(kapi::kCacheLine) hazptr_percpu_slots {
    hazptr_slot_item items[NR_HAZPTR_PERCPU_SLOTS];
    /* option PCPU_SLOT_COUNT only (on the next cache line); the posted struct is one line */
    [[no_unique_address]] std::conditional_t<PCPU_SLOT_COUNT, long, no_count> used;
  };
  static_assert(PCPU_SLOT_COUNT || sizeof(hazptr_percpu_slots) == kapi::kCacheLine,
                "v5: the 4 {slot, ctx} items fill one 64-byte cache line");

  // Option PCPU_SLOT_COUNT: count a per-CPU slot in before its Store B, out after it is cleared.
  void count_in(hazptr_slot* slot, hazptr_ctx* ctx) {
    if constexpr (PCPU_SLOT_COUNT)
      if (!hazptr_slot_is_backup(ctx, slot)) {
        hazptr_percpu_slots* ps = this_cpu_ptr(hazptr_percpu_slots_);
        WRITE_ONCE(ps->used, LOAD(ps->used) + 1);
      }
  }
  void count_out(hazptr_slot* slot, hazptr_ctx* ctx) {
    if constexpr (PCPU_SLOT_COUNT)
      if (!hazptr_slot_is_backup(ctx, slot)) {
        hazptr_percpu_slots* ps = this_cpu_ptr(hazptr_percpu_slots_);
        WRITE_ONCE(ps->used, LOAD(ps->used) - 1);
      }
  }

  // ---- kernel/hazptr.c ----

  struct hazptr_overflow_list {
    kapi::raw_spinlock_t lock; /* Guards head and gen. */
    kapi::hlist_head head;     /* The chained backup slots. */
    uint64_t gen;              /* Bumped by every chain and unchain. */
  };

  /*
   * Two lists per CPU: additions always go to the list that is not being scanned, so only
   * removals can make a scan retry, and they are bounded by the number of elements.
   */
  struct hazptr_overflow_list_flip {
    kapi::mutex lock;     /* Serialises the flips of add_idx. */
    unsigned int add_idx; /* Which of the two lists takes new backup slots. */
    hazptr_overflow_list array[2];
  };

  using ctx_type = hazptr_ctx;
  static constexpr size_t task_data_size = 0;
  static constexpr bool has_switch_hook = true;

  hazptr_slot* hazptr_get_free_percpu_slot(hazptr_ctx* ctx) {
    hazptr_percpu_slots* percpu_slots = this_cpu_ptr(hazptr_percpu_slots_);
    unsigned int idx;

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot_item* item = &percpu_slots->items[idx];
      hazptr_slot* slot = &item->slot;

      if (!LOAD(slot->addr)) {
        STORE(item->ctx.ctx, ctx);
        return slot;
      }
    }
    /* None free. */
    return nullptr;
  }

  /* acquire's slow path (item 0 taken), preemption off. */
  void* __hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_slot* slot = hazptr_get_free_percpu_slot(ctx);
    void* addr;

    /* No per-CPU slot free: chain the ctx's backup slot instead. */
    if (unlikely(!slot)) slot = hazptr_chain_backup_slot(ctx);
    count_in(slot, ctx);
    WRITE_ONCE(slot->addr, HAZPTR_WILDCARD); /* kernel: Store B */

    /* smp_mb(): Store B ordered before Load A. */
    smp_mb();

    /* Load A: the pointer read only once the wildcard is published. */
    addr = READ_ONCE(*addr_p); /* kernel: Load A */

    /*
     * Store C needs no ordering: it only narrows the wildcard down to the address read (or to
     * NULL, which empties the slot).
     */
    WRITE_ONCE(slot->addr, addr); /* kernel: Store C */
    STORE(ctx->slot, slot);
    if (!addr) count_out(slot, ctx);
    if (!addr && hazptr_slot_is_backup(ctx, slot)) hazptr_unchain_backup_slot(ctx);
    return addr;
  }

  void hazptr_synchronize_overflow_list(hazptr_overflow_list* overflow_list, void* addr) {
    hazptr_backup_slot* backup_slot;
    uint64_t snapshot_gen;
    unsigned long flags;

    raw_spin_lock_irqsave(&overflow_list->lock, flags);
  retry:
    snapshot_gen = LOAD(overflow_list->gen);
    hlist_for_each_entry(backup_slot, &overflow_list->head, overflow_node) {
      /* Spin while this slot holds addr or the wildcard. */
      for (;;) {
        void* load_addr = smp_load_acquire(&backup_slot->slot.addr); /* kernel: Load B */

        if (load_addr != addr && load_addr != HAZPTR_WILDCARD) break;
        raw_spin_unlock_irqrestore(&overflow_list->lock, flags);
        cpu_relax();
        raw_spin_lock_irqsave(&overflow_list->lock, flags);
        if (LOAD(overflow_list->gen) != snapshot_gen) goto retry;
      }
      raw_spin_unlock_irqrestore(&overflow_list->lock, flags);
      /* Drop the lock between entries; a changed gen means the list changed: start over. */
      raw_spin_lock_irqsave(&overflow_list->lock, flags);
      if (LOAD(overflow_list->gen) != snapshot_gen) goto retry;
    }
    raw_spin_unlock_irqrestore(&overflow_list->lock, flags);
  }

  void hazptr_synchronize_cpu_slots(int cpu, void* addr) {
    hazptr_percpu_slots* percpu_slots = per_cpu_ptr(hazptr_percpu_slots_, cpu);
    unsigned int idx;

    if constexpr (PCPU_SLOT_COUNT)
      if (READ_ONCE(percpu_slots->used) == 0) return; /* option: no slot in use on this CPU */

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot_item* item = &percpu_slots->items[idx];

      /* Spin while this slot holds addr or the wildcard. */
      smp_cond_load_acquire(&item->slot.addr, VAL != addr && VAL != HAZPTR_WILDCARD); /* kernel: Load B */
    }
  }

  /* Returns once no slot holds addr (or the wildcard); may sleep (the flip mutex). */
  void hazptr_synchronize(void* addr) {
    int cpu;

    lockdep_assert_preemption_enabled();

    /* (Store A, the caller unpublishing addr, came before this call.) */
    if (!addr) return;
    /* smp_mb(): Store A ordered before Load B. */
    smp_mb();
    /* Every possible CPU: */
    for_each_possible_cpu(cpu) {
      hazptr_overflow_list_flip* overflow_list_flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);
      unsigned int scan_idx;

      /* its per-CPU items, */
      hazptr_synchronize_cpu_slots(cpu, addr);

      /*
       * then its two overflow lists: the one not taking additions first, then the other after a
       * flip, so that new backup slots never keep a scan from finishing.
       */
      guard(mutex)(&overflow_list_flip->lock);
      scan_idx = LOAD(overflow_list_flip->add_idx) ^ 1;
      hazptr_synchronize_overflow_list(&overflow_list_flip->array[scan_idx], addr);
      /* The scanned list takes additions from now on. */
      WRITE_ONCE(overflow_list_flip->add_idx, scan_idx);
      hazptr_synchronize_overflow_list(&overflow_list_flip->array[scan_idx ^ 1], addr);
    }
  }

  hazptr_slot* hazptr_chain_backup_slot(hazptr_ctx* ctx) {
    hazptr_overflow_list_flip* overflow_list_flip = this_cpu_ptr(percpu_overflow_list_flip_);
    unsigned int list_idx = READ_ONCE(overflow_list_flip->add_idx);
    hazptr_overflow_list* overflow_list = &overflow_list_flip->array[list_idx];
    hazptr_slot* slot = &ctx->backup_slot.slot;

    STORE(slot->addr, nullptr);
    guard(raw_spinlock_irqsave)(&overflow_list->lock);
    STORE(overflow_list->gen, LOAD(overflow_list->gen) + 1);
    hlist_add_head(&ctx->backup_slot.overflow_node, &overflow_list->head);
    STORE(ctx->backup_slot.overflow_list, overflow_list);
    return slot;
  }

  void hazptr_unchain_backup_slot(hazptr_ctx* ctx) {
    hazptr_overflow_list* overflow_list = LOAD(ctx->backup_slot.overflow_list);

    guard(raw_spinlock_irqsave)(&overflow_list->lock);
    STORE(overflow_list->gen, LOAD(overflow_list->gen) + 1);
    hlist_del(&ctx->backup_slot.overflow_node);
  }

  void hazptr_init() {
    int cpu;

    hazptr_percpu_slots_ = K::template alloc_percpu<hazptr_percpu_slots>("hazptr_percpu_slots");
    percpu_overflow_list_flip_ = K::template alloc_percpu<hazptr_overflow_list_flip>("percpu_overflow_list_flip");
    for_each_possible_cpu(cpu) {
      hazptr_overflow_list_flip* overflow_list_flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);

      /* mutex_init(), raw_spin_lock_init(): the per-CPU area starts zeroed, which is unlocked. */
      for (int i = 0; i < 2; i++) INIT_HLIST_HEAD(&overflow_list_flip->array[i].head);
    }
  }

  // ---- include/linux/hazptr.h ----

  static bool hazptr_slot_is_backup(hazptr_ctx* ctx, hazptr_slot* slot) { return slot == &ctx->backup_slot.slot; }

  /* Used by the context-switch hook. */
  void hazptr_promote_to_backup_slot(hazptr_ctx* ctx, hazptr_slot* slot) {
    hazptr_slot* backup_slot;

    backup_slot = hazptr_chain_backup_slot(ctx);
    /*
     * The protected address moves to the backup slot; correct only because synchronize reads the
     * per-CPU items (load-acquire) before it walks the overflow lists, so it sees the address in
     * one place or the other.
     */
    WRITE_ONCE(backup_slot->addr, LOAD(slot->addr));
    /* Release: the backup slot is written before the per-CPU slot empties. */
    smp_store_release(&slot->addr, nullptr);
    count_out(slot, ctx);
    /* The ctx now points at its backup slot. */
    STORE(ctx->slot, backup_slot);
  }

  void init_task(void*) {}

  // Called by __schedule() for the task being switched out, interrupts off.
  void hazptr_note_context_switch() {
    hazptr_percpu_slots* percpu_slots = this_cpu_ptr(hazptr_percpu_slots_);
    unsigned int idx;

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot_item* item = &percpu_slots->items[idx];
      hazptr_slot* slot = &item->slot;

      if (!LOAD(slot->addr)) continue;
      hazptr_promote_to_backup_slot(LOAD(item->ctx.ctx), slot);
    }
  }

  /* Publishes the wildcard, reads *addr_p, narrows the slot to it; returns it (may be NULL). */
  void* hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_percpu_slots* percpu_slots;
    hazptr_slot_item* slot_item;
    hazptr_slot* slot;
    void* addr;

    guard(preempt)();
    percpu_slots = this_cpu_ptr(hazptr_percpu_slots_);
    slot_item = &percpu_slots->items[0];
    slot = &slot_item->slot;
    if (unlikely(LOAD(slot->addr))) return __hazptr_acquire(ctx, addr_p);
    count_in(slot, ctx);
    WRITE_ONCE(slot->addr, HAZPTR_WILDCARD); /* kernel: Store B */

    /* smp_mb(): Store B ordered before Load A. */
    smp_mb();

    /* Load A: the pointer read only once the wildcard is published. */
    addr = READ_ONCE(*addr_p); /* kernel: Load A */

    /*
     * Store C needs no ordering: it only narrows the wildcard down to the address read (or to
     * NULL, which empties the slot).
     */
    WRITE_ONCE(slot->addr, addr); /* kernel: Store C */
    STORE(slot_item->ctx.ctx, ctx);
    STORE(ctx->slot, slot);
    if (!addr) count_out(slot, ctx);
    return addr;
  }

  /* Empties the slot ctx records (per-CPU or backup). */
  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_slot* slot;

    if (!addr) return;
    guard(preempt)();
    slot = LOAD(ctx->slot);
    smp_store_release(&slot->addr, nullptr);
    count_out(slot, ctx);
    if (unlikely(hazptr_slot_is_backup(ctx, slot))) hazptr_unchain_backup_slot(ctx);
  }

  // ---- for the testbed's end-of-run leak check (not kernel code) ----
  template <class F>
  void for_each_slot(F f) {
    int cpu;
    for_each_possible_cpu(cpu) {
      hazptr_percpu_slots* ps = per_cpu_ptr(hazptr_percpu_slots_, cpu);
      for (unsigned idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) f(cpu, "per-CPU slot", LOAD(ps->items[idx].slot.addr));
      hazptr_overflow_list_flip* flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);
      for (int i = 0; i < 2; i++) {
        hazptr_backup_slot* b;
        hlist_for_each_entry(b, &flip->array[i].head, overflow_node) f(cpu, "chained backup slot", LOAD(b->slot.addr));
      }
    }
  }

 private:
  kapi::PerCpu<hazptr_percpu_slots> hazptr_percpu_slots_;
  kapi::PerCpu<hazptr_overflow_list_flip> percpu_overflow_list_flip_;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
