// libFuzzer target for a results directory's buckets.txt (cli/buckets.h), which a campaign reads
// back to mark the buckets it has seen before: any input is either refused with one line or
// accepted, and what is accepted is written back as a file that reads back to itself (the same
// titles, sites and counts); never a crash, a hang or a count that wraps.
// Built and run by tests/fuzz_parsers.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/buckets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size), err;
  hazsim::cli::Buckets b(3);
  if (!b.parse(text, "buckets.txt", &err)) {
    if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  std::string written = b.text();
  hazsim::cli::Buckets again(3);
  if (!again.parse(written, "buckets.txt", &err) || again.text() != written) __builtin_trap();
  return 0;
}
