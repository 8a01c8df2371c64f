// Per-task hazard pointers (Joel Fernandes's counter-proposal to v4).
//
// Models kernelorg-mirror/linux_kernel_git_jfern_linux kernel/hazptr.c at
// 36c9657aa76a3fe58ca4986b1ce18d2c87ffc2ac. The index holds include/linux/hazptr_types.h only at
// af6328ce0eac; its structures (16 slots per task, 8-slot overflow chunks, in_use_count) are the
// ones that hazptr.c uses. No scheduler hook; sleeping while holding is allowed.
//
// hazptr_fork_init() is the design's fork hook and hazptr_exit() its do_exit() hook (the tree's
// copy_process() and do_exit() call them; the machine does, sched/fork_exit.cc); the task walk
// is an RCU read-side section and the chunks go with kfree_rcu() (sched/rcu.cc). A task_struct
// itself is never freed: the machine keeps it readable, as RCU keeps it for a walk under way.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

#include "kapi/kernel_api.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

// IN_USE_BITMAP is an option raised in the v4 thread, not posted code: a per-task bitmap of the
// fixed slots in use (bit 16: some overflow slot in use) instead of in_use_count, so acquire finds
// a free slot without loading the slots and synchronize loads only the slots in use. Off in
// `pertask`, on in `pertask-bitmap`.
template <class K, bool IN_USE_BITMAP = false>
class HazptrPerTask {
 public:
  static constexpr int NR_HAZPTR_SLOTS = 16;         /* In every task_struct */
  static constexpr int NR_HAZPTR_OVERFLOW_SLOTS = 8; /* In each overflow chunk */

  struct hazptr_slot {
    void* addr;
  };

  /* More slots when the fixed ones are taken: a list of GFP_ATOMIC chunks. */
  struct hazptr_overflow {
    hazptr_slot slots[NR_HAZPTR_OVERFLOW_SLOTS];
    hazptr_overflow* next;
    void* rcu[2]; /* struct rcu_head, for kfree_rcu in exit */
  };

  /* The fields the design adds to task_struct. */
  struct hazptr_task_ctx {
    unsigned int in_use_count; /* Slots in use (single-writer); with IN_USE_BITMAP, the bitmap */
    hazptr_slot slots[NR_HAZPTR_SLOTS];
    hazptr_overflow* overflow;
  };

  /* One per protection, on the caller's stack. */
  struct hazptr_ctx {
    hazptr_slot* slot; /* Which slot holds the address */
  };

  using ctx_type = hazptr_ctx;
  static constexpr size_t task_data_size = sizeof(hazptr_task_ctx);
  static constexpr bool has_switch_hook = false;

#define current_hazptr_ctx (K::template current_task_data<hazptr_task_ctx>())

  /* Find or allocate a free slot: fixed slots, then overflow chunks, then a new chunk. */
  static constexpr unsigned kOverflowBit = 1u << NR_HAZPTR_SLOTS;

  // Option IN_USE_BITMAP: the bit that marks `slot` in use.
  static unsigned slot_bit(hazptr_task_ctx* tctx, hazptr_slot* slot) {
    ptrdiff_t i = slot - tctx->slots;
    return i >= 0 && i < NR_HAZPTR_SLOTS ? 1u << unsigned(i) : kOverflowBit;
  }

  hazptr_slot* hazptr_get_free_slot(hazptr_task_ctx* tctx) {
    hazptr_overflow* chunk;
    int i;

    if constexpr (IN_USE_BITMAP) {
      /* option: the first clear bit names a free fixed slot, no slot loads needed */
      unsigned mask = LOAD(tctx->in_use_count);
      for (i = 0; i < NR_HAZPTR_SLOTS; i++)
        if (!(mask & (1u << unsigned(i)))) return &tctx->slots[i];
    } else {
      /* A free fixed slot, */
      for (i = 0; i < NR_HAZPTR_SLOTS; i++) {
        if (!LOAD(tctx->slots[i].addr)) return &tctx->slots[i];
      }
    }

    /* else a free slot in a chunk, */
    for (chunk = LOAD(tctx->overflow); chunk; chunk = LOAD(chunk->next)) {
      for (i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++) {
        if (!LOAD(chunk->slots[i].addr)) return &chunk->slots[i];
      }
    }

    /* else a new chunk. */
    chunk = static_cast<hazptr_overflow*>(K::kzalloc(sizeof(*chunk), "struct hazptr_overflow (GFP_ATOMIC)"));
    if (!chunk) {
      WARN_ON_ONCE(1 /* "hazptr: overflow alloc failed" */);
      return nullptr;
    }

    /* It goes first on the list. */
    STORE(chunk->next, LOAD(tctx->overflow));
    STORE(tctx->overflow, chunk);
    return &chunk->slots[0];
  }

  void* hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_task_ctx* tctx = current_hazptr_ctx;
    hazptr_slot* slot;
    void *addr, *addr2;

    STORE(ctx->slot, nullptr);

    /* The first read: which address to publish. */
    addr = READ_ONCE(*addr_p);
    for (;;) {
      if (!addr) return nullptr;

      slot = hazptr_get_free_slot(tctx);
      if (!slot) return nullptr; /* OOM */

      /* The count goes up before the slot is written (smp_wmb below). */
      if constexpr (IN_USE_BITMAP)
        WRITE_ONCE(tctx->in_use_count, LOAD(tctx->in_use_count) | slot_bit(tctx, slot)); /* option */
      else
        WRITE_ONCE(tctx->in_use_count, LOAD(tctx->in_use_count) + 1);
      smp_wmb();
      WRITE_ONCE(slot->addr, addr); /* Store B */

      /* smp_mb(): Store B ordered before Load A. */
      smp_mb();

      /* Load A: did *addr_p stay the same? */
      addr2 = READ_ONCE(*addr_p); /* Load A */
      if (likely(addr2 == addr)) {
        STORE(ctx->slot, slot);
        return addr2; /* Success */
      }

      /* It moved on: empty the slot, try again. */
      smp_store_release(&slot->addr, nullptr);
      smp_wmb();
      put_in_use(tctx, slot);

      if (!addr2) return nullptr; /* Now NULL */

      addr = addr2; /* Go again with the new value */
    }
  }

  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_task_ctx* tctx = current_hazptr_ctx;
    hazptr_slot* slot = LOAD(ctx->slot);

    if (!addr || !slot) return;

    WARN_ON_ONCE(LOAD(slot->addr) != addr);

    /* The slot empties before the count goes down. */
    smp_store_release(&slot->addr, nullptr);
    smp_wmb();
    put_in_use(tctx, slot);
  }

  void put_in_use(hazptr_task_ctx* tctx, hazptr_slot* slot) {
    if constexpr (IN_USE_BITMAP) {
      /* option: an overflow slot keeps its bit while any overflow slot is still in use */
      unsigned bit = slot_bit(tctx, slot);
      if (bit == kOverflowBit && overflow_in_use(tctx)) return;
      WRITE_ONCE(tctx->in_use_count, LOAD(tctx->in_use_count) & ~bit);
    } else {
      WRITE_ONCE(tctx->in_use_count, LOAD(tctx->in_use_count) - 1);
    }
  }

  bool overflow_in_use(hazptr_task_ctx* tctx) {
    for (hazptr_overflow* chunk = LOAD(tctx->overflow); chunk; chunk = LOAD(chunk->next))
      for (int i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++)
        if (LOAD(chunk->slots[i].addr)) return true;
    return false;
  }

  /*
   * Wait for all hazard-pointer references to addr to clear. Level 1: skip tasks whose
   * in_use_count is 0; level 2: scan the fixed slots and the overflow chunks.
   */
  void hazptr_synchronize(void* addr) {
    if (!addr) return;

    /* It spins on slots: only where preemption is enabled. */
    lockdep_assert_preemption_enabled();

    /* smp_mb(): Store A ordered before the scan's loads. */
    smp_mb();

    rcu_read_lock(); /* for_each_process_thread(g, t) { */
    K::template for_each_task_data<hazptr_task_ctx>([&](hazptr_task_ctx* tctx) {
      hazptr_overflow* chunk;
      int i;

      /* Level 1: a task whose count reads zero holds nothing. */
      unsigned in_use = READ_ONCE(tctx->in_use_count);
      if (in_use == 0) return; /* continue */

      /* Paired with acquire's smp_wmb() between its count increment and its slot store. */
      smp_rmb();

      /* Level 2a: the fixed slots (IN_USE_BITMAP: those whose bit is set). */
      for (i = 0; i < NR_HAZPTR_SLOTS; i++) {
        if (IN_USE_BITMAP && !(in_use & (1u << unsigned(i)))) continue;
        while (smp_load_acquire(&tctx->slots[i].addr) == addr) cpu_relax(); /* Load B */
      }
      if (IN_USE_BITMAP && !(in_use & kOverflowBit)) return;

      /* Level 2b: the chunks. */
      for (chunk = READ_ONCE(tctx->overflow); chunk; chunk = READ_ONCE(chunk->next)) {
        for (i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++) {
          while (smp_load_acquire(&chunk->slots[i].addr) == addr) cpu_relax(); /* Load B */
        }
      }
    });
    /* } */ rcu_read_unlock();

    /* smp_mb(): the scan's loads ordered before what the caller does next. */
    smp_mb();
  }

  // ---- option from the v4 thread, not posted code: a retire list reclaimed in batches ----
  // hazptr_retire() queues an object already unpublished (Store A done); a worker calls
  // hazptr_reclaim_batch(), which takes the whole list, orders it before one scan of every task's
  // slots (smp_mb(), as synchronize does), and frees every retired object no slot holds. One scan
  // serves the whole batch instead of one synchronize per object.
  using reclaim_fn = void (*)(void* arg, void* obj);

  void hazptr_retire(void* obj) {
    raw_spin_lock(&retire_->lock);
    retired_.push_back(obj);  // the list itself is host-side; its lock is simulated
    raw_spin_unlock(&retire_->lock);
  }

  // Returns how many objects it freed; the rest stay queued.
  size_t hazptr_reclaim_batch(reclaim_fn reclaim, void* arg) {
    std::vector<void*> batch;
    raw_spin_lock(&retire_->lock);
    batch.swap(retired_);
    raw_spin_unlock(&retire_->lock);
    if (batch.empty()) return 0;

    /* Memory ordering: every Store A before the batch was taken, before Load B of the scan. */
    smp_mb();
    std::vector<void*> held;
    rcu_read_lock(); /* the task walk, as in hazptr_synchronize() */
    K::template for_each_task_data<hazptr_task_ctx>([&](hazptr_task_ctx* tctx) {
      if (READ_ONCE(tctx->in_use_count) == 0) return;
      smp_rmb();
      for (int i = 0; i < NR_HAZPTR_SLOTS; i++)
        if (void* v = smp_load_acquire(&tctx->slots[i].addr)) held.push_back(v); /* Load B */
      for (hazptr_overflow* chunk = READ_ONCE(tctx->overflow); chunk; chunk = READ_ONCE(chunk->next))
        for (int i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++)
          if (void* v = smp_load_acquire(&chunk->slots[i].addr)) held.push_back(v); /* Load B */
    });
    rcu_read_unlock();
    smp_mb();
    std::sort(held.begin(), held.end());
    size_t freed = 0;
    std::vector<void*> keep;
    for (void* obj : batch) {
      if (std::binary_search(held.begin(), held.end(), obj)) {
        keep.push_back(obj);
      } else {
        reclaim(arg, obj);
        ++freed;
      }
    }
    if (!keep.empty()) {
      raw_spin_lock(&retire_->lock);
      retired_.insert(retired_.end(), keep.begin(), keep.end());
      raw_spin_unlock(&retire_->lock);
    }
    return freed;
  }

  size_t retired_count() const { return retired_.size(); }

  /* hazptr_fork_init(): plain stores into the child's task_struct, before anyone can find it. */
  void init_task(void* data) {
    hazptr_task_ctx* tctx = static_cast<hazptr_task_ctx*>(data);
    int i;

    STORE(tctx->in_use_count, 0u);
    STORE(tctx->overflow, nullptr);
    for (i = 0; i < NR_HAZPTR_SLOTS; i++) STORE(tctx->slots[i].addr, nullptr);
  }

  /* hazptr_exit(): do_exit() of current. */
  void hazptr_exit() {
    hazptr_task_ctx* tctx = current_hazptr_ctx;
    hazptr_overflow *chunk, *next;
    int i;

    /* A task that exits holding a slot is a caller's bug: say so, then let scans stop waiting. */
    if (WARN_ON(LOAD(tctx->in_use_count) != 0)) {
      for (i = 0; i < NR_HAZPTR_SLOTS; i++) STORE(tctx->slots[i].addr, nullptr);
      for (chunk = LOAD(tctx->overflow); chunk; chunk = LOAD(chunk->next)) {
        for (i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++) STORE(chunk->slots[i].addr, nullptr);
      }
      STORE(tctx->in_use_count, 0u);
    }

    /* Unlink the chunks, then free them after a grace period: a scan may be walking them. */
    chunk = LOAD(tctx->overflow);
    STORE(tctx->overflow, nullptr);
    while (chunk) {
      next = LOAD(chunk->next);
      kfree_rcu(chunk, rcu);
      chunk = next;
    }
  }
  void hazptr_init() { retire_ = K::template alloc_static<retire_list>("hazptr retire list lock"); }
  void hazptr_note_context_switch() {}

  // ---- for the testbed's end-of-run leak check (not kernel code) ----
  template <class F>
  void for_each_slot(F f) {
    K::template for_each_task_data<hazptr_task_ctx>([&](hazptr_task_ctx* tctx) {
      for (int i = 0; i < NR_HAZPTR_SLOTS; i++) f(-1, "per-task slot", LOAD(tctx->slots[i].addr));
      for (hazptr_overflow* chunk = LOAD(tctx->overflow); chunk; chunk = LOAD(chunk->next))
        for (int i = 0; i < NR_HAZPTR_OVERFLOW_SLOTS; i++) f(-1, "per-task overflow slot", LOAD(chunk->slots[i].addr));
      if (LOAD(tctx->in_use_count) != 0) f(-1, "in_use_count (non-zero)", reinterpret_cast<void*>(uintptr_t(1)));
    });
  }

#undef current_hazptr_ctx

 private:
  struct retire_list {
    kapi::raw_spinlock_t lock;
  };
  retire_list* retire_ = nullptr;
  std::vector<void*> retired_;
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
