// Designs by name. The registry is generic over the kernel-API policy K so that hazptr/ depends
// only on kapi/; scenarios instantiate it with the simulator's policy.
#pragma once
#include <string_view>

#include "hazptr/busted.h"
#include "hazptr/pertask.h"
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
    {"pertask", "kernelorg-mirror/linux_kernel_git_jfern_linux@36c9657aa76a",
     "16 slots in each task plus 8-slot overflow chunks, in_use_count; synchronize walks every task, "
     "skipping idle ones; no hook, readers may sleep"},
    {"busted", "(testbed)", "hazptr_synchronize() returns at once; every check must catch it"},
};

// Calls f.template operator()<Design>() for the named design; false if the name is unknown.
template <class K, class F>
bool with_design(std::string_view name, F&& f) {
  if (name == "v4") return f.template operator()<HazptrV4<K, true>>(), true;
  if (name == "v4-nopreempt") return f.template operator()<HazptrV4<K, false>>(), true;
  if (name == "v5") return f.template operator()<HazptrV5<K>>(), true;
  if (name == "pertask") return f.template operator()<HazptrPerTask<K>>(), true;
  if (name == "busted") return f.template operator()<HazptrBusted<K>>(), true;
  return false;
}

}  // namespace hazsim::hazptr
