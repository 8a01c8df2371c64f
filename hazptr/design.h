// What a hazard-pointer design provides to the workloads, stated once and checked at compile time
// (every design of registry.h is asserted against it there). A design is a class template over
// the kernel-API policy K (kapi/kernel_api.h) whose member functions carry the kernel's names.
#pragma once
#include <concepts>
#include <cstddef>

namespace hazsim::hazptr {

// Called by Design::for_each_slot for every slot the design has: (cpu or -1, what, value).
struct SlotVisitor {
  void operator()(int, const char*, void*) const {}
};

template <class D>
concept Design = requires(D d, typename D::ctx_type* ctx, void* const* published, void* p, void* task_data) {
  // struct hazptr_ctx: the reader's context, on its stack or in the heap; the workload allocates
  // it in simulated memory, so a design that keeps a pointer to a dead one is caught.
  typename D::ctx_type;
  // Bytes the design adds to task_struct (per-task slots, the v4 hook's ctx list): the machine
  // gives every task, idle tasks included, that much simulated memory, zeroed.
  { D::task_data_size } -> std::convertible_to<size_t>;
  // CONFIG_PREEMPT_HAZPTR-like designs: hazptr_note_context_switch() is run by __schedule() for
  // the outgoing task, with interrupts off, before the runqueue lock.
  { D::has_switch_hook } -> std::convertible_to<bool>;
  // Boot (hazptr_init()) and fork (the design's fields of a new task_struct).
  d.hazptr_init();
  d.init_task(task_data);
  // The reader side: protect *published (Load A, Store B, the reload) and release it.
  { d.hazptr_acquire(ctx, published) } -> std::same_as<void*>;
  d.hazptr_release(ctx, p);
  // The updater side: returns once no reader that could have seen p before it was unpublished
  // still holds it.
  d.hazptr_synchronize(p);
};

// A design the torture can check (the baselines of baselines.h are Designs for hazsim compare
// only): it also lists every slot, for the end-of-run leak check and reports.
template <class D>
concept CheckedDesign = Design<D> && requires(D d) { d.for_each_slot(SlotVisitor{}); };

template <class D>
concept DesignWithHook = Design<D> && D::has_switch_hook && requires(D d) { d.hazptr_note_context_switch(); };

// hazptr_detach(): hand a held slot over to another context (the DETACH workload's deferred and
// interrupt-context releases need it).
template <class D>
concept DesignWithDetach = Design<D> && requires(D d, typename D::ctx_type* ctx) { d.hazptr_detach(ctx); };

// Whether hazptr_detach() may be called on this run: a design that has it, unless it says at run
// time that it has not (a kernel source whose tree lacks it).
template <class D>
bool detach_available() {
  if constexpr (!DesignWithDetach<D>)
    return false;
  else if constexpr (requires { D::detach_available(); })
    return D::detach_available();
  else
    return true;
}

// Batched reclaim (the per-task design's retire list): hazptr_retire() queues an object, and the
// reclaim worker frees in batches, one scan per batch.
template <class D>
concept DesignWithRetire =
    Design<D> && requires(D d, void* p, typename D::reclaim_fn reclaim, void* arg) {
      d.hazptr_retire(p);
      { d.hazptr_reclaim_batch(reclaim, arg) } -> std::convertible_to<size_t>;
      { d.retired_count() } -> std::convertible_to<size_t>;
    };

// hazptr_exit(): the design's part of do_exit(), run by the exiting task (the per-task design
// gives back its slots and frees its overflow chunks).
template <class D>
concept DesignWithExit = Design<D> && requires(D d) { d.hazptr_exit(); };

// A design that says it has the hook must provide it.
template <class D>
concept HookConsistent = !D::has_switch_hook || DesignWithHook<D>;

}  // namespace hazsim::hazptr
