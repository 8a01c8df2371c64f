#include "scenarios/library.h"

#include <fmt/format.h>

#include <sstream>

#include "scenarios/small_test.h"
#include "sim/schedule_file.h"

namespace hazsim {

std::vector<std::string> scenario_names() {
  std::vector<std::string> v;
  for (size_t i = 0; i < kScenarioTextCount; ++i)
    if (std::string(kScenarioTexts[i].name) != "CFLIST") v.push_back(kScenarioTexts[i].name);
  return v;
}

bool load_scenario(const std::string& name, Params* out, std::string* err) {
  if (is_small_test(name)) return load_small_test(name, out, err);
  Params p;
  for (size_t i = 0; i < kScenarioTextCount; ++i) {
    if (name == kScenarioTexts[i].name && name != "CFLIST") {
      if (!p.load_text(kScenarioTexts[i].text, "scenarios/configs/" + name, err)) return false;
      p.set("scenario", name, err);
      *out = p;
      return true;
    }
  }
  if (name.find('/') != std::string::npos || name.find('.') != std::string::npos) {
    std::string text;
    if (!read_file(name, &text, err)) return false;
    if (!p.load_text(text, name, err)) return false;
    std::string base = name.substr(name.find_last_of('/') + 1);
    std::string e;
    if (!p.set("scenario", base, &e)) p.set("scenario", "file", &e);
    *out = p;
    return true;
  }
  std::string names;
  for (const auto& n : scenario_names()) names += (names.empty() ? "" : ", ") + n;
  *err = fmt::format("unknown scenario '{}' (scenarios: {}; or give a file path)", name, names);
  return false;
}

bool load_cflist(std::vector<std::pair<std::string, std::string>>* out, std::string* err) {
  for (size_t i = 0; i < kScenarioTextCount; ++i) {
    if (std::string(kScenarioTexts[i].name) != "CFLIST") continue;
    std::istringstream in(kScenarioTexts[i].text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (auto h = line.find('#'); h != std::string::npos) line = line.substr(0, h);
      std::istringstream w(line);
      std::string scn, design, extra;
      if (!(w >> scn)) continue;
      if (!(w >> design) || (w >> extra)) {
        *err = fmt::format("scenarios/configs/CFLIST:{}: expected 'SCENARIO DESIGN'", n);
        return false;
      }
      out->emplace_back(scn, design);
    }
    return true;
  }
  *err = "no CFLIST in the scenario library";
  return false;
}

}  // namespace hazsim
