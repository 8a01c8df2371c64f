// A sanitizer's abort exits kExitSanitizer (5), not 1, the code of an oracle failure
// (cli/sanitizer_exit.cc). Meaningful only in the AddressSanitizer build (--config=asan, which
// ./hazsim test runs); the optimised build skips it.
#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>

#include "cli/common.h"
#include "tests/sanitizers.h"

namespace {

using hazsim::testing::kAsan;

[[gnu::noinline]] int read_after_free() {
  int* p = new int(7);
  delete p;
  return *static_cast<volatile int*>(p);
}

[[gnu::noinline]] int overflow(int x) { return x + 1; }

TEST(SanitizerExit, AddressSanitizerAbortExitsFive) {
  if (!kAsan) GTEST_SKIP() << "not an AddressSanitizer build";
  EXPECT_EXIT(std::exit(read_after_free()), testing::ExitedWithCode(hazsim::cli::kExitSanitizer),
              "heap-use-after-free");
}

TEST(SanitizerExit, UndefinedBehaviourSanitizerAbortExitsFive) {
  if (!kAsan) GTEST_SKIP() << "not a sanitizer build";
  volatile int big = INT_MAX;
  EXPECT_EXIT(std::exit(overflow(big) == 0), testing::ExitedWithCode(hazsim::cli::kExitSanitizer),
              "signed integer overflow");
}

}  // namespace
