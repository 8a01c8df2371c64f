// The named scenario files of scenarios/configs, built into the binary, and CFLIST.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/params.h"

namespace hazsim {

struct ScenarioText {
  const char* name;
  const char* text;
};
extern const ScenarioText kScenarioTexts[];
extern const size_t kScenarioTextCount;

// Names of the scenarios (CFLIST excluded).
std::vector<std::string> scenario_names();

// Loads a scenario by name, or from a file when `name` is a path; false with *err one line.
bool load_scenario(const std::string& name, Params* out, std::string* err);

// The (scenario, design) pairs of CFLIST.
bool load_cflist(std::vector<std::pair<std::string, std::string>>* out, std::string* err);

}  // namespace hazsim
