// libFuzzer target for the schedule-file parser: any input either parses, and then formats and
// parses back to the same choices and parameters, or is refused with one line; never a crash, a
// hang or an allocation beyond the parser's bounds. Built and run by tests/fuzz_parsers.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/schedule_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  hazsim::ScheduleFile s;
  std::string err;
  if (!hazsim::parse_schedule(text, "input", &s, &err)) {
    if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();  // one line, always
    return 0;
  }
  hazsim::ScheduleFile back;
  if (!hazsim::parse_schedule(hazsim::format_schedule(s), "again", &back, &err)) __builtin_trap();
  if (back.decisions != s.decisions || back.params != s.params || back.hash != s.hash ||
      back.generation != s.generation || back.source != s.source) __builtin_trap();
  return 0;
}
