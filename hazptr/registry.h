// Designs by name. The registry is generic over the kernel-API policy K so that hazptr/ depends
// only on kapi/; scenarios instantiate it with the simulator's policy.
#pragma once
#include <string_view>

#include "hazptr/busted.h"
#include "hazptr/design.h"
#include "hazptr/injected.h"
#include "hazptr/kernel_source.h"
#include "hazptr/pertask.h"
#include "hazptr/phased.h"
#include "hazptr/v4.h"
#include "hazptr/v5.h"

namespace hazsim::hazptr {

struct DesignInfo {
  const char* name;
  const char* source;  // repository @ commit modelled
  const char* summary;
};

inline constexpr DesignInfo kDesigns[] = {
    {"v4", "kernelorg-mirror/linux_kernel_git_jfern_linux@efd5265b7822",
     "8 per-CPU slots, on-stack ctx with backup slot on per-CPU overflow lists, CONFIG_PREEMPT_HAZPTR hook"},
    {"v4-nopreempt", "kernelorg-mirror/linux_kernel_git_jfern_linux@efd5265b7822",
     "v4 without CONFIG_PREEMPT_HAZPTR: a preempted or sleeping reader keeps its per-CPU slot"},
    {"v5", "paulmckrcu/linux@eb1a6621e0f5",
     "4 {slot, ctx} items per CPU, wildcard acquire with Store C, hook promotes and sets ctx->slot, two "
     "overflow lists per CPU under a mutex, irqsave list locks"},
    {"twophase", "analogdevicesinc/linux@d6e22c7f2b66 (0b8114b25f17)",
     "v5 with a global wildcard flipping 1/2 under a mutex, the list chosen by the wildcard, two scan "
     "periods; hazptr_detach() and CONFIG_HAZPTR_DEBUG"},
    {"listphase", "paulmckrcu/linux@3aa18794d066",
     "twophase with a separate overflow-list phase under one phase lock: slots in two wildcard periods, "
     "then lists in two list periods"},
    {"twophase-nodebug", "analogdevicesinc/linux@d6e22c7f2b66 (0b8114b25f17)", "twophase without CONFIG_HAZPTR_DEBUG"},
    {"listphase-nodebug", "paulmckrcu/linux@3aa18794d066", "listphase without CONFIG_HAZPTR_DEBUG"},
    {"pertask", "kernelorg-mirror/linux_kernel_git_jfern_linux@36c9657aa76a",
     "16 slots in each task plus 8-slot overflow chunks, in_use_count; synchronize walks every task, "
     "skipping idle ones; no hook, readers may sleep"},
    {"v5-pcpucount", "v5 + option from the v4 thread",
     "v5 with a per-CPU count of used slots; synchronize skips CPUs whose count is zero"},
    {"pertask-bitmap", "pertask + option from the v4 thread",
     "pertask with a per-task bitmap of slots in use instead of in_use_count"},
    {"busted", "(testbed)", "hazptr_synchronize() returns at once (listphase slots otherwise); every check must catch it"},
    {"inj-promote-reordered", "(testbed: injected bug)",
     "listphase-nodebug whose hook clears the per-CPU slot before copying into the backup slot"},
    {"inj-release-no-unchain", "(testbed: injected bug)",
     "listphase-nodebug whose release of a backup slot leaves the ctx on the overflow list"},
    {"inj-no-gen-bump", "(testbed: injected bug)",
     "listphase-nodebug whose release unchains a backup slot without bumping the list generation"},
    {"inj-acquire-no-guard", "(testbed: injected bug)",
     "v4 whose acquire runs without guard(preempt): the hook may find ctx->slot still NULL"},
    {"inj-exit-no-rcu", "(testbed: injected bug)",
     "pertask whose hazptr_exit() frees the overflow chunks with kfree(), not kfree_rcu()"},
};

// The posted designs and the options raised in the v4 thread, which any kernel-API policy can
// instantiate (the simulator's, and bench-native's native one): calls f.template
// operator()<Design>() for the named one; false if the name is not one of them.
template <class K, class F>
bool with_posted_design(std::string_view name, F&& f) {
  auto call = [&]<class D>() {
    f.template operator()<D>();
    return true;
  };
  if (name == "v4") return call.template operator()<HazptrV4<K, true>>();
  if (name == "v4-nopreempt") return call.template operator()<HazptrV4<K, false>>();
  if (name == "v5") return call.template operator()<HazptrV5<K>>();
  if (name == "twophase") return call.template operator()<HazptrPhased<K, false>>();
  if (name == "listphase") return call.template operator()<HazptrPhased<K, true>>();
  if (name == "twophase-nodebug") return call.template operator()<HazptrPhased<K, false, false>>();
  if (name == "listphase-nodebug") return call.template operator()<HazptrPhased<K, true, false>>();
  if (name == "pertask") return call.template operator()<HazptrPerTask<K>>();
  if (name == "v5-pcpucount") return call.template operator()<HazptrV5<K, true>>();
  if (name == "pertask-bitmap") return call.template operator()<HazptrPerTask<K, true>>();
  return false;
}

// Calls f.template operator()<Design>() for the named design; false if the name is unknown.
// Every design it names provides the interface of hazptr/design.h, checked here at compile time.
// "kernel:DIR" is the object the loader (kshim/loader.h) made of DIR, set in tl_kernel_object.
template <class K, class F>
bool with_design(std::string_view name, F&& f) {
  auto run = [&]<class D>() {
    static_assert(CheckedDesign<D>, "a design must provide what hazptr/design.h lists");
    static_assert(HookConsistent<D>, "has_switch_hook without hazptr_note_context_switch()");
    f.template operator()<D>();
    return true;
  };
  if (with_posted_design<K>(name, run)) return true;
  if (name == "busted") return run.template operator()<HazptrBusted<K>>();
  if (name == "inj-promote-reordered") return run.template operator()<HazptrPromoteReordered<K>>();
  if (name == "inj-release-no-unchain") return run.template operator()<HazptrReleaseNoUnchain<K>>();
  if (name == "inj-no-gen-bump") return run.template operator()<HazptrNoGenBump<K>>();
  if (name == "inj-acquire-no-guard") return run.template operator()<HazptrAcquireNoGuard<K>>();
  if (name == "inj-exit-no-rcu") return run.template operator()<HazptrExitNoRcu<K>>();
  // "none": a small test in kernel C with no design of its own, compiled the same way.
  if ((name.starts_with("kernel:") || name == "none") && tl_kernel_object && tl_kernel_object->name == name) {
    KernelSourceDesign<K>::bind(tl_kernel_object);
    return run.template operator()<KernelSourceDesign<K>>();
  }
  return false;
}

}  // namespace hazsim::hazptr
