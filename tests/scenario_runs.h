// One run of a named scenario with a design, a seed and parameter overrides, on a given machine:
// what the tests that run scenarios seed by seed share (a bad name or value fails the test).
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim::testing {

using Overrides = std::vector<std::pair<std::string, std::string>>;

inline ScenarioOutcome run_seed(Machine& m, const std::string& scenario, const std::string& design, uint64_t seed,
                                const Overrides& sets = {}) {
  Params p;
  std::string err;
  EXPECT_TRUE(load_scenario(scenario, &p, &err)) << err;
  EXPECT_TRUE(p.set("design", design, &err)) << err;
  EXPECT_TRUE(p.set("seed", std::to_string(seed), &err)) << err;
  for (const auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << k << ": " << err;
  return run_scenario(m, p);
}

}  // namespace hazsim::testing
