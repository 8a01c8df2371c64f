// Cost of one machine step on the default workload: TORTURE on v5, under `random`, under the
// fuzzing default `portfolio`, and under the portfolio with (site, event) coverage on as `hazsim
// fuzz` runs it, in nanoseconds of wall time per step (median of rounds). It also
// prints the total steps and a checksum of the runs' schedule hashes, so that two builds run side
// by side (bench/compare_builds.sh) can be shown to have run the same schedules.
//   bazel run //bench:step_bench -- [rounds] [seeds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace {

struct Round {
  double ns_per_step;
  uint64_t steps, checksum;
};

Round run_round(hazsim::Machine& m, const char* strategy, bool coverage, int seeds) {
  m.set_coverage(coverage);
  hazsim::Params p;
  std::string err;
  if (!hazsim::load_scenario("TORTURE", &p, &err) || !p.set("design", "v5", &err) || !p.set("strategy", strategy, &err)) {
    std::fprintf(stderr, "step_bench: %s\n", err.c_str());
    std::exit(2);
  }
  Round r{0, 0, 0};
  auto t0 = std::chrono::steady_clock::now();
  for (int seed = 1; seed <= seeds; ++seed) {
    p.set("seed", std::to_string(seed), &err);
    hazsim::ScenarioOutcome o = hazsim::run_scenario(m, p);
    r.steps += o.run.steps;
    r.checksum = r.checksum * 0x100000001b3ull ^ o.run.hash;
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
  r.ns_per_step = ns / double(r.steps);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  int seeds = argc > 2 ? std::atoi(argv[2]) : 20;
  if (rounds < 1 || seeds < 1) {
    std::fprintf(stderr, "usage: step_bench [rounds >= 1] [seeds >= 1]\n");
    return 2;
  }
  hazsim::Machine m;
  struct Config {
    const char* name;
    const char* strategy;
    bool coverage;
  };
  for (Config c : {Config{"random", "random", false}, Config{"portfolio", "portfolio", false},
                   Config{"fuzz", "portfolio", true}}) {
    std::vector<double> ns;
    Round last{};
    for (int i = 0; i < rounds; ++i) {
      last = run_round(m, c.strategy, c.coverage, seeds);
      ns.push_back(last.ns_per_step);
    }
    std::sort(ns.begin(), ns.end());
    std::printf("TORTURE/v5 %-9s %6.1f ns/step (median of %d; min %.1f, max %.1f)  steps %llu  checksum %016llx\n",
                c.name, ns[ns.size() / 2], rounds, ns.front(), ns.back(), static_cast<unsigned long long>(last.steps),
                static_cast<unsigned long long>(last.checksum));
  }
  return 0;
}
