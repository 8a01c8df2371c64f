// A design compiled from kernel C: the tree's own include/linux/hazptr.h and kernel/hazptr.c,
// built by kshim/loader.cc against hazsim's kernel headers and loaded into the process. This
// adapter gives the workloads the same Design interface (hazptr/design.h) as the C++ models, by
// calling the object's glue (kapi/kshim_abi.h); every access the C code makes comes back into
// the machine through the shim.
#pragma once
#include <cstddef>
#include <cstring>
#include <string>

#include "kapi/kshim_abi.h"

namespace hazsim::hazptr {

// A loaded object (one per tree and glue, shared by every machine of the process: its only
// mutable state is per machine, in simulated memory).
struct KernelObject {
  const hazsim_glue* glue = nullptr;
  std::string name;    // the design's name: kernel:DIR
  const void* loader = nullptr;  // the loader's data (the table of plain-access sites)
};

// The object the next KernelSourceDesign of this thread runs (set by the scenario runner).
inline thread_local const KernelObject* tl_kernel_object = nullptr;

// What one machine holds of a loaded object: its copy of the per-CPU section, one per vCPU.
struct KernelInstance {
  const KernelObject* object = nullptr;
  const char* percpu_start = nullptr;
  size_t percpu_size = 0, percpu_stride = 0;
  char* percpu_base = nullptr;
};
inline thread_local KernelInstance* tl_kernel_instance = nullptr;

template <class K>
class KernelSourceDesign {
 public:
  // struct hazptr_ctx is the C code's; the loader refuses a tree whose ctx does not fit.
  static constexpr size_t kCtxBytes = 256, kCtxAlign = 64;
  struct alignas(kCtxAlign) ctx_type {
    unsigned char bytes[kCtxBytes];
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
    inst_.percpu_size = size_t(glue_->percpu_end - glue_->percpu_start);
    inst_.percpu_stride = (inst_.percpu_size + 63) / 64 * 64;
    int cpus = K::nr_cpu_ids();
    inst_.percpu_base = static_cast<char*>(
        K::alloc_bytes(inst_.percpu_stride * size_t(cpus) + 64, 64, "DEFINE_PER_CPU (kernel object)"));
    for (int cpu = 0; cpu < cpus; ++cpu)
      if (inst_.percpu_size != 0)
        std::memcpy(inst_.percpu_base + inst_.percpu_stride * size_t(cpu), inst_.percpu_start, inst_.percpu_size);
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
