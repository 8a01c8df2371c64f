// A workload written in kernel C (--workload FILE.c), compiled into the same object as the tree
// it runs with (a kernel: design). Its module_init() (or hazsim_workload_init()) creates the
// tasks at boot with kthread_run(); they use the tree's API, msleep(), udelay(), schedule(),
// smp_call_function_single(), kmalloc()/kfree(). What must hold is said with the kernel's
// WARN_ON()/BUG_ON() and hazsim_expect_protected(), and checked by the machine's oracles (a use
// after free of what the workload frees, deadlock, no progress, lockdep); at the end every slot
// of the design must be free. The run ends when every task has returned.
#pragma once
#include "hazptr/kernel_source.h"
#include "sched/sim_kernel.h"
#include "scenarios/slot_leaks.h"

namespace hazsim {

template <class D>
class KernelCWorkload {
 public:
  explicit KernelCWorkload(Machine& m) : m_(m) {}

  void setup() {
    m_.set_shared_stacks(true);  // struct hazptr_ctx lives on the C code's stacks
    m_.set_holds_tracked(false);
    design_.hazptr_init();
    m_.set_task_init([](void* self, void* data) { static_cast<KernelCWorkload*>(self)->design_.init_task(data); },
                     this);
    if constexpr (D::has_switch_hook)
      m_.add_switch_hook(
          [](void* self) { static_cast<KernelCWorkload*>(self)->design_.hazptr_note_context_switch(); }, this);
    m_.add_final_check([](void* self) { static_cast<KernelCWorkload*>(self)->final_check(); }, this);
    hazptr::tl_kernel_object->glue->workload_init();
    SimKernel::native_done();
  }

 private:
  void final_check() { check_slots_free(m_, design_); }

  Machine& m_;
  D design_;
};

}  // namespace hazsim
