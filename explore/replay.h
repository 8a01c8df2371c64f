// Strategy `replay`, and the prefixes other strategies follow: a recorded sequence of choices
// read in order. Past its end every choice is 0 (uneventful).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hazsim {

struct ScriptCursor {
  const std::vector<uint16_t>* script = nullptr;
  size_t pos = 0;
  bool diverged = false;  // a recorded value did not fit the choice it was read for

  void start(const std::vector<uint16_t>* s) {
    script = s;
    pos = 0;
    diverged = false;
  }
  bool more() const { return script != nullptr && pos < script->size(); }

  // Replay: the next recorded value; one out of range is a divergence and reads as 0.
  uint32_t replay(uint32_t n) {
    if (pos >= script->size()) {
      ++pos;
      return 0;
    }
    uint32_t v = (*script)[pos++];
    if (v >= n) {
      diverged = true;
      return 0;
    }
    return v;
  }
  // A corpus prefix (more() is true): a value that no longer fits is 0, and is no divergence.
  uint32_t prefix(uint32_t n) {
    uint32_t v = (*script)[pos++];
    return v < n ? v : 0;
  }
};

}  // namespace hazsim
