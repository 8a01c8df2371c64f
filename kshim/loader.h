// Kernel source in the machine: `--design kernel:DIR` compiles DIR's include/linux/hazptr.h and
// kernel/hazptr.c, unmodified, with the system gcc against hazsim's kernel headers (kshim/include)
// and the glue of their version (kshim/glue), with gcc's thread-sanitizer instrumentation so that
// every plain access is a step, and loads the object into the process.
//
// The object is cached by the hash of everything that goes into it (the two files, the shim, the
// glue, gcc's version and flags) under $HAZSIM_CACHE_DIR, else $XDG_CACHE_HOME/hazsim, else
// ~/.cache/hazsim; loaded once per process and shared by every machine (its mutable state is per
// machine, in simulated memory: the loader refuses an object with other global variables).
#pragma once
#include <string>
#include <string_view>

#include "hazptr/kernel_source.h"

namespace hazsim::kshim {

inline constexpr std::string_view kKernelPrefix = "kernel:";
// A small test in kernel C with no hazard-pointer design (hazsim run FILE.c): compiled as a
// kernel: design whose tree is built in (kshim/glue/none_tree.h), with the test as its workload.
inline constexpr std::string_view kNoDesign = "none";
inline bool is_kernel_design(std::string_view name) { return name.starts_with(kKernelPrefix) || name == kNoDesign; }

// The loaded object of design "kernel:DIR" (or "none") built with `kconfig` (the kconfig parameter: "none",
// or NAME=y|n,...) and, unless `workload` is empty, the kernel-C workload file linked in; or
// nullptr with *error one line saying why (a compile error is gcc's first, with its file and
// line; a missing kernel facility is named).
const hazptr::KernelObject* load_kernel_design(const std::string& design, const std::string& kconfig,
                                               const std::string& workload, std::string* error);

// Which glue a tree's header asks for ("v4", "v5"), or "" if none fits.
std::string detect_glue(const std::string& header_text);

}  // namespace hazsim::kshim
