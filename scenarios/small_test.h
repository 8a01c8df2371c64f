// A small test written in kernel C (hazsim run FILE.c): its module_init() creates its threads
// with kthread_run(), their code uses the kernel API, and what must hold is said with WARN_ON(),
// BUG_ON() and hazsim_expect_protected() (docs/kernel-c.md). It runs as the workload of design
// `none` (no hazard-pointer design: the test is its own code, kshim/glue/none_tree.h). The
// machine it wants is said in the file, in comments of the form
//   // hazsim: cpus=2 memory_model=tso preempt=none
// (any parameter of hazsim list, space-separated); the command line overrides them.
#pragma once
#include <string>
#include <string_view>

#include "scenarios/params.h"

namespace hazsim {

// A file of kernel C (FILE.c) or of C++ with <hazsim/test.h> (FILE.cc, .cpp, .cxx).
inline bool is_small_test(const std::string& name) {
  for (const char* ext : {".c", ".cc", ".cpp", ".cxx"})
    if (name.size() > std::string_view(ext).size() && name.ends_with(ext)) return true;
  return false;
}

// The parameters of the test in `path`: the defaults, design none, the file as the workload, and
// its `hazsim:` lines; false with *err one line (FILE:LINE: what is wrong).
bool load_small_test(const std::string& path, Params* out, std::string* err);
// The `hazsim:` settings of a test's text applied to *p (`path` names it in errors).
bool apply_small_test_settings(const std::string& text, const std::string& path, Params* p, std::string* err);

}  // namespace hazsim
