// Shrinking with and without keyed choices (explore/keyed_replay.h), side by side on the same
// failing schedules: the first failing seed of each case, shrunk once with only the positional
// passes (what shrink did before) and once with the keyed pass first, the same budget each. Prints
// the scheduling events (preemptions + interrupts + migrations + drains + vCPU switches), steps
// and runs of each (at most MAX_RUNS runs and 30 s each), and the median ratio of events.
//   bazel run -c opt //bench:shrink_compare [-- MAX_RUNS]
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "scenarios/shrink.h"

namespace {

struct Case {
  const char* scenario;
  const char* design;
  std::vector<std::pair<const char*, const char*>> sets;
};

const std::vector<Case> kCases = {
    {"TORTURE", "busted", {}},
    {"TORTURE", "v4", {}},
    {"WEAK", "v4-nopreempt", {{"mutate", "drop-mb@hazptr_acquire"}}},
    {"TORTURE", "inj-no-gen-bump", {}},
    {"TORTURE", "inj-release-no-unchain", {}},
    {"TORTURE", "inj-promote-reordered", {{"strategy", "arm"}}},
    {"IRQ", "v4-nopreempt", {}},
    {"TORTURE", "v4", {{"seed", "11"}}},
    {"NESTING", "busted", {}},
};

}  // namespace

int main(int argc, char** argv) {
  using namespace hazsim;
  uint64_t max_runs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 3000;
  fmt::print("{:<44} {:>8} {:>22} {:>22}\n", "case (first failing seed)", "input", "positional: events/steps/runs",
             "keyed: events/steps/runs");
  std::vector<double> ratios;
  for (const Case& c : kCases) {
    Machine m;
    Params p;
    std::string err;
    if (!load_scenario(c.scenario, &p, &err) || !p.set("design", c.design, &err)) return fmt::print("{}\n", err), 2;
    for (auto& [k, v] : c.sets) p.set(k, v, &err);
    ScenarioOutcome failing;
    int seed = int(p.num("seed"));
    for (int tries = 0; tries < 400 && !failing.run.failed; ++tries, ++seed) {
      p.set("seed", std::to_string(seed), &err);
      failing = run_scenario(m, p);
    }
    if (!failing.run.failed) continue;
    ShrinkOptions opts;
    opts.max_runs = max_runs;
    opts.max_seconds = 30;
    opts.keyed = false;
    ShrinkResult positional = shrink_schedule(m, p, failing.decisions, opts);
    opts.keyed = true;
    ShrinkResult keyed = shrink_schedule(m, p, failing.decisions, opts);
    auto cell = [](const ShrinkResult& r) {
      return fmt::format("{}/{}/{}", size_of(r.shrunk.run).events, r.shrunk.run.steps, r.runs);
    };
    std::string name = fmt::format("{} {} seed {}{}", c.scenario, c.design, p.num("seed"), c.sets.empty() ? "" : " *");
    fmt::print("{:<44} {:>8} {:>22} {:>22}\n", name, size_of(failing.run).events, cell(positional), cell(keyed));
    ratios.push_back(double(size_of(keyed.shrunk.run).events + 1) / double(size_of(positional.shrunk.run).events + 1));
  }
  std::sort(ratios.begin(), ratios.end());
  if (!ratios.empty())
    fmt::print("median (keyed events + 1) / (positional events + 1): {:.2f} over {} cases (* = with --set)\n",
               ratios[ratios.size() / 2], ratios.size());
}
