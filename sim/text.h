// Small text helpers shared by the parsers.
#pragma once
#include <string>

namespace hazsim {

// s without leading and trailing spaces, tabs and carriage returns.
inline std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  size_t b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace hazsim
