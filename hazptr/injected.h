// Deliberately injected bugs, for measuring how fast each exploration strategy finds a bug of a
// known depth (bench/strategy_bench) and for showing that a check fires. Each variant is a
// design (mostly listphase without CONFIG_HAZPTR_DEBUG) with one entry point rewritten; the
// rewritten lines are the original's but for the marked change.
// These are testbed designs, not kernel code.
#pragma once
#include "hazptr/pertask.h"
#include "hazptr/phased.h"
#include "hazptr/v4.h"

#include "kapi/kernel_code_begin.h"

namespace hazsim::hazptr {

template <class K>
using InjectedBase = HazptrPhased<K, true, false>;

// The context-switch hook clears the per-CPU slot before it has copied the address into the
// backup slot: for a moment neither slot protects the object, and a scan passing the per-CPU
// slot after the clear and the backup slot before the copy misses the reader.
template <class K>
class HazptrPromoteReordered : public InjectedBase<K> {
  using Base = InjectedBase<K>;
  using typename Base::hazptr_ctx;
  using typename Base::hazptr_percpu_slots;
  using typename Base::hazptr_slot;
  using typename Base::hazptr_slot_item;

 public:
  void hazptr_note_context_switch() {
    hazptr_percpu_slots* percpu_slots = this_cpu_ptr(this->hazptr_percpu_slots_);
    unsigned int idx;

    for (idx = 0; idx < Base::NR_HAZPTR_PERCPU_SLOTS; idx++) {
      hazptr_slot_item* item = &percpu_slots->items[idx];
      hazptr_slot* slot = &item->slot;

      if (!LOAD(slot->addr)) continue;
      promote_reordered(LOAD(item->ctx.ctx), slot);
    }
  }

 private:
  void promote_reordered(hazptr_ctx* ctx, hazptr_slot* slot) {
    hazptr_slot* backup_slot = this->hazptr_chain_backup_slot(ctx);
    void* addr = LOAD(slot->addr);

    smp_store_release(&slot->addr, nullptr);  // INJECTED: cleared first ...
    WRITE_ONCE(backup_slot->addr, addr);      // ... and copied after
    STORE(ctx->slot, backup_slot);
  }
};

// Releasing a backup slot clears it but does not unchain it: the ctx, usually on the reader's
// stack, stays on the overflow list after its frame is gone.
template <class K>
class HazptrReleaseNoUnchain : public InjectedBase<K> {
  using Base = InjectedBase<K>;
  using typename Base::hazptr_ctx;
  using typename Base::hazptr_slot;

 public:
  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_slot* slot;

    if (!addr) return;
    guard(preempt)();
    slot = LOAD(ctx->slot);
    smp_store_release(&slot->addr, nullptr);
    // INJECTED: no hazptr_unchain_backup_slot(ctx) for a backup slot
  }
};

// Releasing a backup slot unchains it without bumping the list generation: a synchronize that
// dropped the list lock while waiting on that slot walks on from the removed node.
template <class K>
class HazptrNoGenBump : public InjectedBase<K> {
  using Base = InjectedBase<K>;
  using typename Base::hazptr_ctx;
  using typename Base::hazptr_overflow_list;
  using typename Base::hazptr_slot;

 public:
  void hazptr_release(hazptr_ctx* ctx, void* addr) {
    hazptr_slot* slot;

    if (!addr) return;
    guard(preempt)();
    slot = LOAD(ctx->slot);
    smp_store_release(&slot->addr, nullptr);
    if (unlikely(Base::hazptr_slot_is_backup(ctx, slot))) {
      hazptr_overflow_list* overflow_list = LOAD(ctx->backup_slot.overflow_list);

      guard(raw_spinlock_irqsave)(&overflow_list->lock);
      // INJECTED: no STORE(overflow_list->gen, LOAD(overflow_list->gen) + 1)
      hlist_del(&ctx->backup_slot.overflow_node);
    }
  }
};

// v4's acquire without its guard(preempt): the context-switch hook can run between
// hazptr_chain_task_ctx() and the store of ctx->slot, find the ctx on the task's list with
// ctx->slot still NULL, and dereference it (LOAD(ctx->slot)->addr). The kernel would oops; hazsim
// must report a null-deref with a schedule file (issue 12), not crash.
template <class K>
class HazptrAcquireNoGuard : public HazptrV4<K, true> {
  using Base = HazptrV4<K, true>;
  using typename Base::hazptr_ctx;
  using typename Base::hazptr_slot;

 public:
  void* hazptr_acquire(hazptr_ctx* ctx, void* const* addr_p) {
    hazptr_slot* slot = nullptr;
    void *addr, *addr2;

    STORE(ctx->slot, nullptr);
    addr = READ_ONCE(*addr_p);
    for (;;) {
      if (!addr) return nullptr;

      // INJECTED: no guard(preempt)()
      this->hazptr_chain_task_ctx(ctx);
      if (likely(!Base::hazptr_slot_is_backup(ctx, slot))) {
        slot = this->hazptr_get_free_percpu_slot();
        if (unlikely(!slot)) slot = this->hazptr_chain_backup_slot(ctx);
      }
      WRITE_ONCE(slot->addr, addr);
      smp_mb();
      addr2 = READ_ONCE(*addr_p);
      if (likely(ptr_eq(addr2, addr))) {
        STORE(ctx->slot, slot);
        break;
      }
      WRITE_ONCE(slot->addr, nullptr);
      if (!addr2) {
        if (Base::hazptr_slot_is_backup(ctx, slot)) this->hazptr_unchain_backup_slot(ctx);
        this->hazptr_unchain_task_ctx(ctx);
        return nullptr;
      }
      addr = addr2;
      this->hazptr_unchain_task_ctx(ctx);
    }
    return addr2;
  }
};

// The per-task design whose hazptr_exit() frees the overflow chunks with kfree() instead of
// kfree_rcu(): a synchronize that is walking the exiting task's chunks reads freed memory. It
// shows that the task walk and the grace period are modelled (FORK fails with it, not without).
template <class K>
class HazptrExitNoRcu : public HazptrPerTask<K> {
  using Base = HazptrPerTask<K>;
  using typename Base::hazptr_overflow;
  using typename Base::hazptr_task_ctx;

 public:
  void hazptr_exit() {
    hazptr_task_ctx* tctx = K::template current_task_data<hazptr_task_ctx>();
    hazptr_overflow *chunk, *next;

    chunk = LOAD(tctx->overflow);
    STORE(tctx->overflow, nullptr);
    while (chunk) {
      next = LOAD(chunk->next);
      K::kfree(chunk);  // INJECTED: kfree(), not kfree_rcu()
      chunk = next;
    }
  }
};

}  // namespace hazsim::hazptr

#include "kapi/kernel_code_end.h"
