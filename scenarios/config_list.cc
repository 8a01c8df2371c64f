#include "scenarios/config_list.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "sim/text.h"

namespace hazsim {

namespace {

// "[N*]SCENARIO": N from 1 to 1000.
bool parse_entry(const std::string& token, ConfigEntry* e, std::string* why) {
  e->scenario = token;
  e->times = 1;
  auto star = token.find('*');
  if (star == std::string::npos) return true;
  int n = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + star, n);
  if (ec != std::errc() || end != token.data() + star || n < 1 || n > 1000 || star + 1 == token.size()) {
    *why = fmt::format("'{}' is not N*SCENARIO with N from 1 to 1000", printable(token));
    return false;
  }
  e->times = n;
  e->scenario = token.substr(star + 1);
  return true;
}

}  // namespace

bool parse_config_lines(const std::string& text, const std::string& source, std::vector<ConfigEntry>* out,
                        std::string* err) {
  std::istringstream in(text);
  std::string line, why;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::istringstream w(line);
    std::string first, design, extra;
    if (!(w >> first)) continue;
    ConfigEntry e;
    if (!parse_entry(first, &e, &why)) {
      *err = fmt::format("{}:{}: {}", source, n, why);
      return false;
    }
    if ((w >> design) && (w >> extra)) {
      *err = fmt::format("{}:{}: expected '[N*]SCENARIO [DESIGN]'", source, n);
      return false;
    }
    e.design = design;
    out->push_back(e);
  }
  return true;
}

bool parse_config_tokens(const std::string& text, std::vector<ConfigEntry>* out, std::string* err) {
  std::istringstream in(text);
  std::string token, why;
  size_t before = out->size();
  while (in >> token) {
    ConfigEntry e;
    if (!parse_entry(token, &e, &why)) {
      *err = "--configs: " + why;
      return false;
    }
    out->push_back(e);
  }
  if (out->size() == before) {
    *err = "--configs names no scenario";
    return false;
  }
  return true;
}

bool parse_duration(const std::string& text, double* seconds, std::string* err) {
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string unit(end, text.data() + text.size());
  double scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (ec != std::errc() || n <= 0 || scale == 0) {
    *err = fmt::format("--duration '{}' is not N, Ns, Nm, Nh or Nd with N a positive whole number", printable(text));
    return false;
  }
  *seconds = double(n) * scale;
  if (*seconds > 100.0 * 365 * 86400) {
    *err = fmt::format("--duration '{}' is more than a century", printable(text));
    return false;
  }
  return true;
}

}  // namespace hazsim
