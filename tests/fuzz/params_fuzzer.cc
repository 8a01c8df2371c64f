// libFuzzer target for the scenario-file and parameter parser (Params::load_text and ::set): any
// input is either refused with one line or accepted, and then every value is one a schedule file
// can carry (no newline, no '#', no control byte) and the `KEY = VALUE` lines of what was read read
// back to the same parameters; never a crash or a hang. The same input as a small test's text
// (its `// hazsim:` settings, scenarios/small_test.h) is applied or refused with one line too, and
// so is it as a campaign's configuration list (--configs-file lines, --configs tokens) and as a
// --duration (scenarios/config_list.h).
// Built and run by tests/fuzz_parsers.sh (it is linked against the scenarios library, so it goes
// through Bazel with clang's fuzz config).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scenarios/config_list.h"
#include "scenarios/params.h"
#include "scenarios/small_test.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  hazsim::Params p;
  std::string err;
  auto refused_in_one_line = [&] { return !err.empty() && err.find('\n') == std::string::npos; };
  std::vector<hazsim::ConfigEntry> configs;
  if (hazsim::parse_config_lines(text, "input", &configs, &err)) {
    for (const auto& c : configs)
      if (c.scenario.empty() || c.times < 1) __builtin_trap();
  } else if (!refused_in_one_line()) {
    __builtin_trap();
  }
  err.clear();
  configs.clear();
  if (hazsim::parse_config_tokens(text, &configs, &err)) {
    for (const auto& c : configs)
      if (c.scenario.empty() || c.times < 1) __builtin_trap();
  } else if (!refused_in_one_line()) {
    __builtin_trap();
  }
  err.clear();
  double seconds = 0;
  if (hazsim::parse_duration(text, &seconds, &err) ? !(seconds > 0) : !refused_in_one_line()) __builtin_trap();
  err.clear();
  hazsim::Params settings;
  if (!hazsim::apply_small_test_settings(text, "input.c", &settings, &err) &&
      (err.empty() || err.find('\n') != std::string::npos))
    __builtin_trap();
  err.clear();
  if (!p.load_text(text, "input", &err)) {
    if (err.empty() || err.find('\n') != std::string::npos) __builtin_trap();  // one line, always
    return 0;
  }
  std::string again;
  for (const auto& [key, value] : p.items()) {
    for (unsigned char c : value)
      if (c < 0x20 || c == 0x7f || c == '#') __builtin_trap();
    again += key + " = " + value + "\n";
  }
  hazsim::Params back;
  if (!back.load_text(again, "again", &err)) __builtin_trap();
  if (back.items() != p.items()) __builtin_trap();
  return 0;
}
