// What the failure of each finding looks like, whether a C++ model (tests/findings_test) or the
// kernel source of the same commit (tests/kernel_source_test) made it.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "oracles/oracle.h"

namespace hazsim::testing {

// Finding 1 (v4's hook leaves ctx->slot on the per-CPU slot): hazptr_release()'s WARN_ON_ONCE on
// the slot's address, or the hook chaining the same backup node twice.
inline bool is_v4_hook_finding(const Failure& f) {
  bool warn_at_release = f.oracle == Oracle::kWarn && f.site.find("hazptr_release") != std::string::npos &&
                         f.message.find("slot->addr") != std::string::npos &&
                         f.message.find("!= addr") != std::string::npos;
  bool double_chain = f.oracle == Oracle::kListCorruption &&
                      f.site.find("hazptr_chain_backup_slot") != std::string::npos &&
                      f.message.find("double add") != std::string::npos;
  return warn_at_release || double_chain;
}

// Finding 3 (v5's slow path claims an item before its Store B): the hook promotes through the
// interrupt handler's freed ctx.
inline void expect_v5_slow_path_claim(const Failure& f, int seed) {
  EXPECT_EQ(f.oracle, Oracle::kUseAfterFree) << "seed " << seed << ": " << f.message;
  EXPECT_NE(f.message.find("GFP_ATOMIC struct hazptr_ctx"), std::string::npos) << f.message;
  EXPECT_NE(f.site.find("hazptr_chain_backup_slot"), std::string::npos) << f.site;
}

}  // namespace hazsim::testing
