#include "scenarios/small_test.h"

#include <fmt/format.h>

#include <sstream>

#include "sim/files.h"
#include "sim/text.h"

namespace hazsim {

namespace {

// The settings of one line: what follows "hazsim:" in a // or /* */ comment (or a " * " line of
// one), up to "*/"; false if the line has none.
bool settings_of(const std::string& line, std::string* out) {
  size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos) return false;
  std::string_view rest(line);
  rest.remove_prefix(start);
  if (rest.starts_with("//") || rest.starts_with("/*"))
    rest.remove_prefix(2);
  else if (rest.starts_with("*") && !rest.starts_with("*/"))
    rest.remove_prefix(1);
  else
    return false;
  size_t lead = rest.find_first_not_of(" \t");
  if (lead == std::string_view::npos || rest.substr(lead).substr(0, 7) != "hazsim:") return false;
  rest.remove_prefix(lead + 7);
  if (size_t close = rest.find("*/"); close != std::string_view::npos) rest = rest.substr(0, close);
  *out = std::string(rest);
  return true;
}

}  // namespace

bool apply_small_test_settings(const std::string& text, const std::string& path, Params* p, std::string* err) {
  std::istringstream in(text);
  int n = 0;
  std::string e;
  for (std::string line, settings; std::getline(in, line);) {
    ++n;
    if (!settings_of(line, &settings)) continue;
    std::istringstream words(settings);
    for (std::string kv; words >> kv;) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) {
        *err = fmt::format("{}:{}: hazsim: expected key=value settings, got '{}'", path, n, printable(kv));
        return false;
      }
      const std::string key = kv.substr(0, eq);
      if (key == "design" || key == "workload" || key == "scenario") {
        *err = fmt::format("{}:{}: hazsim: a small test cannot set {} (it is the test itself)", path, n, key);
        return false;
      }
      if (!p->set(key, kv.substr(eq + 1), &e)) {
        *err = fmt::format("{}:{}: hazsim: {}", path, n, e);
        return false;
      }
    }
  }
  return true;
}

bool load_small_test(const std::string& path, Params* out, std::string* err) {
  std::string text;
  if (!read_file(path, &text, err)) return false;
  Params p;
  std::string e;
  std::string base = path.substr(path.find_last_of('/') + 1);
  if (!p.set("scenario", base, &e)) p.set("scenario", "file", &e);
  if (!p.set("design", "none", err) || !p.set("workload", path, err)) return false;
  if (!apply_small_test_settings(text, path, &p, err)) return false;
  *out = p;
  return true;
}

}  // namespace hazsim
