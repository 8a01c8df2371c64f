// A design condition as the kernel's source spells it, for WARN messages: hazsim writes a plain C
// access to shared memory LOAD(x) so that the machine sees it (kapi/kernel_code_begin.h), and the
// kernel writes it x. `WARN_ON_ONCE(LOAD(slot->addr) != addr)` is reported as
// `WARN_ON_ONCE(slot->addr != addr)`, the line a reviewer finds in kernel/hazptr.c.
#pragma once
#include <string>
#include <string_view>

namespace hazsim {

inline std::string kernel_spelling(std::string_view text) {
  std::string out;
  auto ident = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, 5) == "LOAD(" && (i == 0 || !ident(text[i - 1]))) {
      size_t depth = 1, j = i + 5;
      for (; j < text.size() && depth > 0; ++j) {
        if (text[j] == '(') ++depth;
        if (text[j] == ')') --depth;
      }
      if (depth == 0) {  // LOAD( ... ) closed: its argument, itself spelled the kernel's way
        out += kernel_spelling(text.substr(i + 5, j - 1 - (i + 5)));
        i = j;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace hazsim
