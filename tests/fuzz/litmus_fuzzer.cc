// libFuzzer target for the litmus-test parser: any input either parses into a test with at least
// one thread, or is refused with one line; never a crash or a hang (nesting is bounded). Built and
// run by tests/fuzz_parsers.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenarios/litmus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  hazsim::litmus::Test t;
  std::string err;
  if (!hazsim::litmus::parse(text, &t, &err)) {
    if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();  // one line, always
    return 0;
  }
  if (t.procs.empty() || t.name.empty()) __builtin_trap();
  return 0;
}
