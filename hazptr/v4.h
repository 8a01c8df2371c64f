// Hazard pointers, v4 ("[RFC PATCH v4 0/4] Hazard Pointers", posted 2025-12-17).
//
// Models kernelorg-mirror/linux_kernel_git_jfern_linux at efd5265b7822fcf515e11c16816b086dc3d3e3a6:
//   include/linux/hazptr.h  (slots, ctx, acquire, release, the PREEMPT_HAZPTR hook)
//   kernel/hazptr.c         (synchronize, overflow lists, backup-slot chaining)
// Modelled as posted, quirks included; in particular hazptr_note_context_switch() moves the
// address into the backup slot but does not point ctx->slot at it (v5 does).
//
// Functions keep the kernel's names and order; comments marked "kernel:" carry the kernel's
// barrier labels. Plain C accesses to shared memory are written LOAD()/STORE().
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "kapi/kernel_api.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

using kapi::list_head;
using kapi::PerCpu;
using kapi::raw_spinlock_t;

template <class K, bool CONFIG_PREEMPT_HAZPTR>
class HazptrV4 {
 public:
  /* Eight pointer-sized slots: a CPU's slots are one 64-byte line. */
  static constexpr unsigned NR_HAZPTR_PERCPU_SLOTS = 8;

  struct hazptr_slot {
    void* addr;
  };

  struct hazptr_backup_slot {
    list_head node;
    hazptr_slot slot;
    /* Whose overflow list it was chained on. */
    int cpu;
  };

  struct no_preempt_node {};
  struct hazptr_ctx {
    hazptr_slot* slot;
    /* Taken when no per-CPU slot is free. */
    hazptr_backup_slot backup_slot;
    [[no_unique_address]] std::conditional_t<CONFIG_PREEMPT_HAZPTR, list_head, no_preempt_node> preempt_node;
  };

  struct alignas(kapi::kCacheLine) hazptr_percpu_slots {
    hazptr_slot slots[NR_HAZPTR_PERCPU_SLOTS];
  };

  // kernel/hazptr.c
  struct overflow_list {
    raw_spinlock_t lock; /* Guards head and gen. */
    list_head head;      /* The chained backup slots. */
    uint64_t gen;        /* Bumped by every chain and unchain. */
  };

  // The field CONFIG_PREEMPT_HAZPTR adds to task_struct.
  struct task_hazptr {
    list_head hazptr_ctx_list;
  };

  using ctx_type = hazptr_ctx;
  static constexpr size_t task_data_size = CONFIG_PREEMPT_HAZPTR ? sizeof(task_hazptr) : 0;
  static constexpr bool has_switch_hook = CONFIG_PREEMPT_HAZPTR;

  // ---- kernel/hazptr.c ----

  /*
   * Piecewise iteration on the overflow list, waiting until addr is not present; the lock is
   * dropped between items and busy-wait iterations, and the generation re-checked each time it is
   * retaken: a change restarts the whole traversal.
   */
  void hazptr_synchronize_overflow_list(overflow_list* overflow_list, void* addr) {
    hazptr_backup_slot* backup_slot;
    uint64_t snapshot_gen;

    raw_spin_lock(&overflow_list->lock);
  retry:
    snapshot_gen = LOAD(overflow_list->gen);
    list_for_each_entry(backup_slot, &overflow_list->head, node) {
      /* Spin while this slot holds addr. */
      while (smp_load_acquire(&backup_slot->slot.addr) == addr) { /* kernel: Load B */
        raw_spin_unlock(&overflow_list->lock);
        cpu_relax();
        raw_spin_lock(&overflow_list->lock);
        if (LOAD(overflow_list->gen) != snapshot_gen) goto retry;
      }
      raw_spin_unlock(&overflow_list->lock);
      /* Drop the lock between entries; a changed gen means the list changed: start over. */
      raw_spin_lock(&overflow_list->lock);
      if (LOAD(overflow_list->gen) != snapshot_gen) goto retry;
    }
    raw_spin_unlock(&overflow_list->lock);
  }

  void hazptr_synchronize_cpu_slots(int cpu, void* addr) {
    hazptr_percpu_slots* percpu_slots = per_cpu_ptr(hazptr_percpu_slots_, cpu);
    unsigned int idx;

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot* slot = &percpu_slots->slots[idx];

      /* Spin while this slot holds addr. */
      smp_cond_load_acquire(&slot->addr, VAL != addr); /* kernel: Load B */
    }
  }

  /* Returns once no slot holds addr; called where preemption is enabled. */
  void hazptr_synchronize(void* addr) {
    int cpu;

    lockdep_assert_preemption_enabled();

    /* (Store A, the caller unpublishing addr, came before this call.) */
    if (!addr) return;
    /* smp_mb(): Store A ordered before Load B. */
    smp_mb();
    /* Every possible CPU: */
    for_each_possible_cpu(cpu) {
      /* its per-CPU slots, */
      hazptr_synchronize_cpu_slots(cpu, addr);
      /* then the backup slots on its overflow list. */
      hazptr_synchronize_overflow_list(per_cpu_ptr(percpu_overflow_list_, cpu), addr);
    }
  }

  hazptr_slot* hazptr_chain_backup_slot(hazptr_ctx* ctx) {
    overflow_list* overflow_list = this_cpu_ptr(percpu_overflow_list_);
    hazptr_slot* slot = &ctx->backup_slot.slot;

    STORE(slot->addr, nullptr);

    raw_spin_lock(&overflow_list->lock);
    STORE(overflow_list->gen, LOAD(overflow_list->gen) + 1);
    list_add(&ctx->backup_slot.node, &overflow_list->head);
    STORE(ctx->backup_slot.cpu, smp_processor_id());
    raw_spin_unlock(&overflow_list->lock);
    return slot;
  }

  void hazptr_unchain_backup_slot(hazptr_ctx* ctx) {
    overflow_list* overflow_list = per_cpu_ptr(percpu_overflow_list_, LOAD(ctx->backup_slot.cpu));

    raw_spin_lock(&overflow_list->lock);
    STORE(overflow_list->gen, LOAD(overflow_list->gen) + 1);
    list_del(&ctx->backup_slot.node);
    raw_spin_unlock(&overflow_list->lock);
  }

  void hazptr_init() {
    int cpu;

    hazptr_percpu_slots_ = K::template alloc_percpu<hazptr_percpu_slots>("hazptr_percpu_slots");
    percpu_overflow_list_ = K::template alloc_percpu<overflow_list>("percpu_overflow_list");
    for_each_possible_cpu(cpu) {
      overflow_list* overflow_list = per_cpu_ptr(percpu_overflow_list_, cpu);

      /* raw_spin_lock_init(): the per-CPU area starts zeroed, which is the unlocked state. */
      INIT_LIST_HEAD(&overflow_list->head);
    }
  }

  // ---- include/linux/hazptr.h ----

  hazptr_slot* hazptr_get_free_percpu_slot() {
    hazptr_percpu_slots* percpu_slots = this_cpu_ptr(hazptr_percpu_slots_);
    unsigned int idx;

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot* slot = &percpu_slots->slots[idx];

      if (!READ_ONCE(slot->addr)) return slot;
    }
    /* None free. */
    return nullptr;
  }

  static bool hazptr_slot_is_backup(hazptr_ctx* ctx, hazptr_slot* slot) { return slot == &ctx->backup_slot.slot; }

  // INIT_LIST_HEAD(&p->hazptr_ctx_list) at task creation.
  void init_task(void* data) {
    if constexpr (CONFIG_PREEMPT_HAZPTR) INIT_LIST_HEAD(&static_cast<task_hazptr*>(data)->hazptr_ctx_list);
  }

  void hazptr_chain_task_ctx(hazptr_ctx* ctx) {
    if constexpr (CONFIG_PREEMPT_HAZPTR) {
#define current (K::template current_task_data<task_hazptr>())
      list_add(&ctx->preempt_node, &current->hazptr_ctx_list);
#undef current
    }
  }

  void hazptr_unchain_task_ctx(hazptr_ctx* ctx) {
    if constexpr (CONFIG_PREEMPT_HAZPTR) list_del(&ctx->preempt_node);
  }

  // Called by __schedule() for the task being switched out, interrupts off.
  void hazptr_note_context_switch() {
    if constexpr (CONFIG_PREEMPT_HAZPTR) {
#define current (K::template current_task_data<task_hazptr>())
      hazptr_ctx* ctx;

      list_for_each_entry(ctx, &current->hazptr_ctx_list, preempt_node) {
        hazptr_slot* slot;

        if (hazptr_slot_is_backup(ctx, LOAD(ctx->slot))) continue;
        slot = hazptr_chain_backup_slot(ctx);
        /*
         * The protected address moves to the backup slot; correct only because synchronize reads
         * the per-CPU slots (load-acquire) before it walks the overflow lists, so it sees the
         * address in one place or the other.
         */
        WRITE_ONCE(slot->addr, LOAD(LOAD(ctx->slot)->addr));
        /* Release: the backup slot is written before the per-CPU slot empties. */
        smp_store_release(&LOAD(ctx->slot)->addr, nullptr);
      }
#undef current
    }
  }

  /*
   * Reads *addr_p and publishes what it read in a slot until a re-read agrees; returns that
   * address (NULL if *addr_p was NULL), with the slot used recorded in ctx->slot.
   */
  void* hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_slot* slot = nullptr;
    void *addr, *addr2;

    STORE(ctx->slot, nullptr);
    /* The first read: which address to publish. */
    addr = READ_ONCE(*addr_p);
    for (;;) {
      if (!addr) return nullptr;

      guard(preempt)();
      hazptr_chain_task_ctx(ctx);
      if (likely(!hazptr_slot_is_backup(ctx, slot))) {
        slot = hazptr_get_free_percpu_slot();
        /* No per-CPU slot free: chain the ctx's backup slot instead. */
        if (unlikely(!slot)) slot = hazptr_chain_backup_slot(ctx);
      }
      WRITE_ONCE(slot->addr, addr); /* kernel: Store B */

      /* smp_mb(): Store B ordered before Load A. */
      smp_mb();

      /* Load A: the re-read, once the slot is published. */
      addr2 = READ_ONCE(*addr_p); /* kernel: Load A */
      if (likely(ptr_eq(addr2, addr))) {
        STORE(ctx->slot, slot);
        /* Protected: leave the loop (the guard re-enables preemption). */
        break;
      }
      /* *addr_p moved on meanwhile: empty the slot and go again with the new value. */
      WRITE_ONCE(slot->addr, nullptr);
      if (!addr2) {
        if (hazptr_slot_is_backup(ctx, slot)) hazptr_unchain_backup_slot(ctx);
        hazptr_unchain_task_ctx(ctx);
        /* It became NULL: nothing to protect. */
        return nullptr;
      }
      addr = addr2;
      hazptr_unchain_task_ctx(ctx);
      /* (The guard re-enables preemption before the next try.) */
    }
    /* addr2, not addr: the caller's accesses then depend on the re-read (address dependency). */
    return addr2;
  }

  /* Empties the slot ctx records. */
  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_slot* slot;

    if (!addr) return;
    guard(preempt)();
    slot = LOAD(ctx->slot);
    WARN_ON_ONCE(LOAD(slot->addr) != addr);
    smp_store_release(&slot->addr, nullptr);
    if (unlikely(hazptr_slot_is_backup(ctx, slot))) hazptr_unchain_backup_slot(ctx);
    hazptr_unchain_task_ctx(ctx);
  }

  // ---- for the testbed's end-of-run leak check (not kernel code) ----
  // Calls f(description, value) for every per-CPU slot and every chained backup slot.
  template <class F>
  void for_each_slot(F f) {
    int cpu;
    for_each_possible_cpu(cpu) {
      hazptr_percpu_slots* ps = per_cpu_ptr(hazptr_percpu_slots_, cpu);
      for (unsigned idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) f(cpu, "per-CPU slot", LOAD(ps->slots[idx].addr));
      overflow_list* ol = per_cpu_ptr(percpu_overflow_list_, cpu);
      hazptr_backup_slot* b;
      list_for_each_entry(b, &ol->head, node) f(cpu, "chained backup slot", LOAD(b->slot.addr));
    }
  }

 private:
  PerCpu<hazptr_percpu_slots> hazptr_percpu_slots_;
  PerCpu<overflow_list> percpu_overflow_list_;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
