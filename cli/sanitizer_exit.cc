// The exit code of a sanitizer's abort. AddressSanitizer and UBSan exit 1 by default, which is the
// code of an oracle failure: a campaign's caller could not tell a hazsim defect from a finding.
// These hooks, read by the sanitizer runtimes at start-up, make it kExitSanitizer (cli/common.h);
// ASAN_OPTIONS / UBSAN_OPTIONS set in the environment still override them key by key. In a build
// without sanitizers nothing calls them.
#include "cli/common.h"

static_assert(hazsim::cli::kExitSanitizer == 5, "the strings below spell the code");

extern "C" {
[[gnu::used, gnu::visibility("default")]] const char* __asan_default_options() { return "exitcode=5"; }
[[gnu::used, gnu::visibility("default")]] const char* __ubsan_default_options() {
  return "exitcode=5:print_stacktrace=1";
}
}
