// libFuzzer target for the cost-profile parser (hazsim calibrate's files, compare --profile): any
// input either parses, and then prints and parses back to the same profile, or is refused with
// one line; never a crash. Built and run by tests/fuzz_parsers.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/cost_profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  hazsim::CostProfile p, back;
  std::string err;
  if (!hazsim::parse_cost_profile(text, "input", &p, &err)) {
    if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();  // one line, always
    return 0;
  }
  if (!hazsim::parse_cost_profile(hazsim::cost_profile_text(p), "input", &back, &err)) __builtin_trap();
  if (hazsim::cost_profile_text(back) != hazsim::cost_profile_text(p)) __builtin_trap();
  return 0;
}
