// A design compiled from kernel C: the tree's own include/linux/hazptr.h and kernel/hazptr.c,
// built by kshim/loader.cc against hazsim's kernel headers and loaded into the process. This
// adapter gives the workloads the same Design interface (hazptr/design.h) as the C++ models, by
// calling the object's glue (kapi/kshim_abi.h); every access the C code makes comes back into
// the machine through the shim.
#pragma once
#include <cstddef>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kapi/kshim_abi.h"

namespace hazsim::hazptr {

// A loaded object: one per tree, kconfig and host thread (each thread loads its own copy, so the
// machines of --jobs never share the object's global variables).
struct KernelObject {
  // A DEFINE_PER_CPU() variable: where it is in the object's per-CPU section.
  struct PerCpuVar {
    size_t offset = 0, size = 0;
    std::string name;
  };
  // A global variable of the kernel code, and its bytes as loaded (restored before every run).
  struct Global {
    char* addr = nullptr;
    std::string name, image;
  };
  const hazsim_glue* glue = nullptr;
  std::vector<PerCpuVar> percpu;  // by offset
  std::vector<Global> globals;
  std::string name;    // the design's name: kernel:DIR
  // What the tree's header offers beyond what the glue wires (a scenario that needs it is refused
  // saying so): "hazptr_retire()".
  std::vector<std::string> unwired_api;
  const void* loader = nullptr;  // the loader's data (the table of plain-access sites)
};

// The object the next KernelSourceDesign of this thread runs (set by the scenario runner).
inline thread_local const KernelObject* tl_kernel_object = nullptr;

// What one machine holds of a loaded object: every per-CPU variable, one copy per vCPU (each on
// its own cache lines, as alloc_percpu() gives the C++ models), starting as the object's copy.
struct KernelInstance {
  const KernelObject* object = nullptr;
  const char* percpu_start = nullptr;
  std::vector<char*> base;      // per variable: the copy of cpu 0
  std::vector<size_t> stride;   // per variable
  // A kernel-C workload's kthreads and IPIs: the C function and its argument, for the run.
  std::deque<std::pair<int (*)(void*), void*>> kthreads;
  std::deque<std::pair<void (*)(void*), void*>> ipis;
  // Its timer_lists (<linux/timer.h>): the runtime's state of each (kshim/runtime.cc), by the C
  // struct's address, for the run.
  std::unordered_map<const void*, std::shared_ptr<void>> timers;
};
inline thread_local KernelInstance* tl_kernel_instance = nullptr;

// Room for the C code's struct hazptr_ctx: the loader refuses a tree whose ctx does not fit. The
// workloads allocate it in simulated memory, which is 8-byte aligned (kmalloc()).
inline constexpr size_t kKernelCtxBytes = 256, kKernelCtxAlign = 8;

template <class K>
class KernelSourceDesign {
 public:
  struct alignas(kKernelCtxAlign) ctx_type {
    unsigned char bytes[kKernelCtxBytes];
  };
  // sizeof(struct task_struct) of the glue: known once the object is loaded (bind()).
  static inline thread_local size_t task_data_size = 0;
  // Every glue names the tree's hook or none; without one the call does nothing.
  static constexpr bool has_switch_hook = true;

  static void bind(const KernelObject* o) {
    tl_kernel_object = o;
    task_data_size = o->glue->task_size;
  }

  KernelSourceDesign() : glue_(tl_kernel_object->glue) {
    inst_.object = tl_kernel_object;
    inst_.percpu_start = glue_->percpu_start;
    const size_t cpus = size_t(K::nr_cpu_ids());
    inst_.base.reserve(tl_kernel_object->percpu.size());
    inst_.stride.reserve(tl_kernel_object->percpu.size());
    for (const auto& v : tl_kernel_object->percpu) {
      size_t stride = (v.size + 63) / 64 * 64;
      char* base = static_cast<char*>(K::alloc_bytes(stride * cpus, 64, v.name.c_str()));
      for (size_t cpu = 0; cpu < cpus; ++cpu) std::memcpy(base + stride * cpu, inst_.percpu_start + v.offset, v.size);
      inst_.base.push_back(base);
      inst_.stride.push_back(stride);
    }
    // The globals start every run as the object had them, and are shared memory of this machine.
    for (const auto& g : tl_kernel_object->globals) {
      std::memcpy(g.addr, g.image.data(), g.image.size());
      K::add_static_region(g.addr, g.image.size(), g.name.c_str());
    }
    tl_kernel_instance = &inst_;
  }
  ~KernelSourceDesign() {
    if (tl_kernel_instance == &inst_) tl_kernel_instance = nullptr;
  }
  KernelSourceDesign(const KernelSourceDesign&) = delete;
  KernelSourceDesign& operator=(const KernelSourceDesign&) = delete;

  void hazptr_init() {
    glue_->init();
    K::native_done();
  }
  void init_task(void* task) {
    if (glue_->task_size != 0) glue_->init_task(task);
    K::native_done();
  }
  void* hazptr_acquire(ctx_type* ctx, void* const* addr_p) {
    void* p = glue_->acquire(ctx, addr_p);
    K::native_done();
    return p;
  }
  void hazptr_release(ctx_type* ctx, void* p) {
    glue_->release(ctx, p);
    K::native_done();
  }
  void hazptr_synchronize(void* p) {
    glue_->synchronize(p);
    K::native_done();
  }
  // hazptr_detach(): the tree's, when its header has one (detach_available() says so).
  static bool detach_available() { return tl_kernel_object->glue->detach != nullptr; }
  void hazptr_detach(ctx_type* ctx) {
    glue_->detach(ctx);
    K::native_done();
  }
  void hazptr_note_context_switch() {
    if (glue_->note_context_switch) glue_->note_context_switch();
    K::native_done();
  }
  template <class F>
  void for_each_slot(F f) {
    glue_->for_each_slot([](void* arg, int cpu, const char* what, void* v) { (*static_cast<F*>(arg))(cpu, what, v); },
                         &f);
  }

 private:
  const hazsim_glue* glue_;
  KernelInstance inst_;
};

}  // namespace hazsim::hazptr
