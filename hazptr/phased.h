// Hazard pointers, the later -rcu versions (2026): a global wildcard flipping between 1 and 2, and
// hazptr_detach() with the CONFIG_HAZPTR_DEBUG ownership checks (modelled with the option on).
//
//   twophase  "hazptr: Implement two-phase wildcard scan" (0b8114b25f17): models
//             analogdevicesinc/linux kernel/hazptr.c at d6e22c7f2b6621f1b690b390412506ddf3d112f0
//             and include/linux/hazptr.h at 0b8114b25f17 (the stored version of that tree).
//             The overflow list a backup joins is chosen by the wildcard; synchronize scans in two
//             wildcard periods, each over every CPU's slots and one of its lists.
//   listphase paulmckrcu/linux kernel/hazptr.c at 3aa18794d06695b29d42e6cf24e0851c73ab0393: an
//             overflow-list phase separate from the wildcard, under one global phase lock;
//             synchronize scans both wildcard periods over all per-CPU slots, then two list
//             periods over all overflow lists. That tree's header is not in the index; the
//             header functions (unchanged by the list-phase commit's .c changes) are shared with
//             twophase.
// Both are registered with CONFIG_HAZPTR_DEBUG on, and as -nodebug variants with it off.
//
// Plain C accesses to shared memory are written LOAD()/STORE(); comments marked "kernel:" carry
// the kernel's barrier labels.
#pragma once
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>

#include "kapi/kernel_api.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

template <class K, bool LIST_PHASE, bool CONFIG_HAZPTR_DEBUG = true>
class HazptrPhased {
 public:
  /* Four 16-byte {slot, ctx} items: a CPU's slots are one 64-byte line. */
  static constexpr unsigned NR_HAZPTR_PERCPU_SLOTS = 4;

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
    /* CONFIG_HAZPTR_DEBUG */
    bool detach_task, detach_cpu; /* Set by hazptr_detach(): no owner check. */
    int acquire_pid, acquire_cpu; /* Who acquired, and where. */
    unsigned long acquire_caller; /* The acquire's call site. */
  };

  struct hazptr_slot_ctx {
    hazptr_ctx* ctx;
  };

  struct hazptr_slot_item {
    hazptr_slot slot;
    hazptr_slot_ctx ctx;
  };

  struct alignas(kapi::kCacheLine) hazptr_percpu_slots {
    hazptr_slot_item items[NR_HAZPTR_PERCPU_SLOTS];
  };

  // ---- kernel/hazptr.c ----

  struct hazptr_overflow_list {
    kapi::raw_spinlock_t lock; /* Guards head and gen. */
    kapi::hlist_head head;     /* The chained backup slots. */
    uint64_t gen;              /* Bumped by every chain and unchain. */
  };

  /* Additions go to one list while the scan works on the other (see the kernel's comment). */
  struct hazptr_overflow_list_flip {
    hazptr_overflow_list array[2];
  };

  // The globals: the wildcard (and, for listphase, the list phase) with the mutex guarding flips.
  struct globals {
    kapi::mutex phase_lock;                  /* hazptr_wildcard_lock / hazptr_phase_lock */
    void* hazptr_wildcard;                   /* (void *) 1UL or 2UL */
    unsigned int hazptr_overflow_list_phase; /* listphase only */
  };

  using ctx_type = hazptr_ctx;
  static constexpr size_t task_data_size = 0;
  static constexpr bool has_switch_hook = true;
  static constexpr bool has_detach = true;

  static void* flip_wildcard(void* wildcard) {
    return (reinterpret_cast<unsigned long>(wildcard) == 1UL) ? reinterpret_cast<void*>(2UL)
                                                              : reinterpret_cast<void*>(1UL);
  }

  static unsigned int flip_list_phase(unsigned int phase) { return 1 - phase; }

  static bool is_wildcard(void* addr) {
    return reinterpret_cast<unsigned long>(addr) == 1UL || reinterpret_cast<unsigned long>(addr) == 2UL;
  }

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
    WRITE_ONCE(slot->addr, READ_ONCE(g_->hazptr_wildcard)); /* kernel: Store B */

    /* smp_mb(): Store B ordered before Load A. */
    smp_mb();

    /* Load A: the pointer read only once the wildcard is published. */
    addr = READ_ONCE(*addr_p); /* kernel: Load A */

    /* Store C narrows the wildcard to the address read (NULL empties the slot). */
    WRITE_ONCE(slot->addr, addr); /* kernel: Store C */
    STORE(ctx->slot, slot);
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
      /* Spin while this slot holds addr. */
      for (;;) {
        void* load_addr = smp_load_acquire(&backup_slot->slot.addr); /* kernel: Load B */

        /* A backup slot never holds a wildcard. */
        WARN_ON_ONCE(is_wildcard(load_addr));
        if (load_addr != addr) break;
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

  void hazptr_synchronize_cpu_slots(int cpu, void* addr, void* scan_wildcard) {
    hazptr_percpu_slots* percpu_slots = per_cpu_ptr(hazptr_percpu_slots_, cpu);
    unsigned int idx;

    for (idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot_item* item = &percpu_slots->items[idx];

      /* Spin while this slot holds addr or the scanned wildcard. */
      smp_cond_load_acquire(&item->slot.addr, VAL != addr && VAL != scan_wildcard); /* kernel: Load B */
    }
  }

  // twophase: one period scans every CPU's slots for scan_wildcard, and its list scan_wildcard-1.
  void hazptr_scan_period(void* addr, void* scan_wildcard) {
    unsigned int scan_idx = unsigned(reinterpret_cast<unsigned long>(scan_wildcard) - 1);
    int cpu;

    for_each_possible_cpu(cpu) {
      hazptr_overflow_list_flip* overflow_list_flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);

      hazptr_synchronize_cpu_slots(cpu, addr, scan_wildcard);
      hazptr_synchronize_overflow_list(&overflow_list_flip->array[scan_idx], addr);
    }
  }

  // listphase: per-CPU slots and overflow lists are scanned in separate periods.
  void hazptr_scan_cpu_slots_period(void* addr, void* scan_wildcard) {
    int cpu;

    for_each_possible_cpu(cpu) hazptr_synchronize_cpu_slots(cpu, addr, scan_wildcard);
  }

  void hazptr_scan_overflow_list_period(void* addr, unsigned int scan_idx) {
    int cpu;

    for_each_possible_cpu(cpu) {
      hazptr_overflow_list_flip* overflow_list_flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);

      hazptr_synchronize_overflow_list(&overflow_list_flip->array[scan_idx], addr);
    }
  }

  /* Returns once no slot holds addr; may sleep (the phase mutex). */
  void hazptr_synchronize(void* addr) {
    void* scan_wildcard;

    lockdep_assert_preemption_enabled();

    /* (Store A, the caller unpublishing addr, came before this call.) */
    if (!addr) return;
    /* smp_mb(): Store A ordered before Load B. */
    smp_mb();

    guard(mutex)(&g_->phase_lock);
    if constexpr (!LIST_PHASE) {
      scan_wildcard = flip_wildcard(LOAD(g_->hazptr_wildcard));
      hazptr_scan_period(addr, scan_wildcard);
      WRITE_ONCE(g_->hazptr_wildcard, scan_wildcard); /* Readers now tag with the other value. */
      hazptr_scan_period(addr, flip_wildcard(scan_wildcard));
    } else {
      unsigned int scan_list_phase;

      /* First the per-CPU slots of every CPU, */
      scan_wildcard = flip_wildcard(LOAD(g_->hazptr_wildcard));
      hazptr_scan_cpu_slots_period(addr, scan_wildcard);
      WRITE_ONCE(g_->hazptr_wildcard, scan_wildcard); /* Readers now tag with the other value. */
      hazptr_scan_cpu_slots_period(addr, flip_wildcard(scan_wildcard));

      /* then the overflow lists: the promotion (below) relies on this order. */
      scan_list_phase = flip_list_phase(LOAD(g_->hazptr_overflow_list_phase));
      hazptr_scan_overflow_list_period(addr, scan_list_phase);
      WRITE_ONCE(g_->hazptr_overflow_list_phase, scan_list_phase); /* Additions now go to the other list. */
      hazptr_scan_overflow_list_period(addr, flip_list_phase(scan_list_phase));
    }
  }

  hazptr_slot* hazptr_chain_backup_slot(hazptr_ctx* ctx) {
    hazptr_overflow_list_flip* overflow_list_flip = this_cpu_ptr(percpu_overflow_list_flip_);
    unsigned int list_idx = LIST_PHASE ? READ_ONCE(g_->hazptr_overflow_list_phase)
                                       : unsigned(reinterpret_cast<unsigned long>(READ_ONCE(g_->hazptr_wildcard)) - 1);
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
    g_ = K::template alloc_static<globals>("hazptr_wildcard and its lock");
    STORE(g_->hazptr_wildcard, reinterpret_cast<void*>(1UL));
    for_each_possible_cpu(cpu) {
      hazptr_overflow_list_flip* overflow_list_flip = per_cpu_ptr(percpu_overflow_list_flip_, cpu);

      for (int i = 0; i < 2; i++) INIT_HLIST_HEAD(&overflow_list_flip->array[i].head);
    }
  }

  // ---- include/linux/hazptr.h ----

  static bool hazptr_slot_is_backup(hazptr_ctx* ctx, hazptr_slot* slot) { return slot == &ctx->backup_slot.slot; }

  /* Used by the context-switch hook. */
  void hazptr_promote_to_backup_slot(hazptr_ctx* ctx, hazptr_slot* slot) {
    hazptr_slot* backup_slot;

    backup_slot = hazptr_chain_backup_slot(ctx);
    /* The protected address moves to the backup slot, */
    WRITE_ONCE(backup_slot->addr, LOAD(slot->addr));
    /* written there before the per-CPU slot empties (release). */
    smp_store_release(&slot->addr, nullptr);
    /* The ctx now points at its backup slot. */
    STORE(ctx->slot, backup_slot);
  }

  /* Its release may then happen in another task or CPU. */
  void hazptr_detach(hazptr_ctx* ctx) {
    hazptr_slot* slot;

    guard(preempt)();
    if constexpr (CONFIG_HAZPTR_DEBUG) {
      STORE(ctx->detach_task, true);
      STORE(ctx->detach_cpu, true);
    }
    slot = LOAD(ctx->slot);
    if (unlikely(hazptr_slot_is_backup(ctx, slot))) return;
    hazptr_promote_to_backup_slot(ctx, slot);
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
      if constexpr (CONFIG_HAZPTR_DEBUG) STORE(LOAD(item->ctx.ctx)->detach_cpu, true);
      hazptr_promote_to_backup_slot(LOAD(item->ctx.ctx), slot);
    }
  }

  void* hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_percpu_slots* percpu_slots;
    hazptr_slot_item* slot_item;
    hazptr_slot* slot;
    void* addr;

    guard(preempt)();
    percpu_slots = this_cpu_ptr(hazptr_percpu_slots_);
    slot_item = &percpu_slots->items[0];
    slot = &slot_item->slot;
    if constexpr (CONFIG_HAZPTR_DEBUG) {
      STORE(ctx->detach_cpu, false);
      STORE(ctx->detach_task, false);
      STORE(ctx->acquire_pid, K::current_pid());
      STORE(ctx->acquire_cpu, smp_processor_id());
      STORE(ctx->acquire_caller, 0UL);
    }
    if (unlikely(LOAD(slot->addr))) return __hazptr_acquire(ctx, addr_p);
    WRITE_ONCE(slot->addr, READ_ONCE(g_->hazptr_wildcard)); /* kernel: Store B */

    /* smp_mb(): Store B ordered before Load A. */
    smp_mb();

    /* Load A: the pointer read only once the wildcard is published. */
    addr = READ_ONCE(*addr_p); /* kernel: Load A */

    /* Store C narrows the wildcard to the address read (NULL empties the slot). */
    WRITE_ONCE(slot->addr, addr); /* kernel: Store C */
    STORE(slot_item->ctx.ctx, ctx);
    STORE(ctx->slot, slot);
    return addr;
  }

  /* CONFIG_HAZPTR_DEBUG; preemption is off here. */
  void hazptr_release_debug(hazptr_ctx* ctx, void* addr) {
    if constexpr (!CONFIG_HAZPTR_DEBUG) return;
    int pid = K::current_pid(), cpu = smp_processor_id();
    bool warn_remote_cpu = !LOAD(ctx->detach_cpu) && LOAD(ctx->acquire_cpu) != cpu,
         warn_remote_task = !LOAD(ctx->detach_task) && LOAD(ctx->acquire_pid) != pid;

    K::warn_once(warn_remote_cpu || warn_remote_task, [&] {
      // The message's two loads in argument order: C++ leaves it open, and a schedule must not
      // depend on the compiler that built hazsim.
      int acquire_pid = LOAD(ctx->acquire_pid), acquire_cpu = LOAD(ctx->acquire_cpu);
      return fmt::format("Hazard Pointer (addr={}) released on remote {} without {}. Acquire: pid={}, cpu={}. "
                         "Release: pid={}, cpu={}.",
                         addr, warn_remote_task ? "task" : "cpu",
                         warn_remote_task ? "being detached from task" : "context switch", acquire_pid,
                         acquire_cpu, pid, cpu); });
  }

  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_slot* slot;

    if (!addr) return;
    guard(preempt)();
    hazptr_release_debug(ctx, addr);
    slot = LOAD(ctx->slot);
    smp_store_release(&slot->addr, nullptr);
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

 protected:  // the injected-bug variants (hazptr/injected.h) reach in
  kapi::PerCpu<hazptr_percpu_slots> hazptr_percpu_slots_;
  kapi::PerCpu<hazptr_overflow_list_flip> percpu_overflow_list_flip_;
  globals* g_ = nullptr;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
