// Cost of a step in kernel-source mode against the C++ model of the same commit: TORTURE under
// `random`, v5 and v4 without the hook (kconfig PREEMPT_HAZPTR=n), each source run right after its
// model in every round so both see the same machine noise; wall time per step, median of rounds,
// and the ratio of the medians. The two make different steps (the source makes its own plain
// accesses), so the figure is per step, and the step counts are printed.
//   bazel run //bench:kernel_step_bench -- [rounds] [seeds] [KERNEL_SRC]
// KERNEL_SRC defaults to ../shared/kernel-src beside the workspace.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace {

struct Round {
  double ns_per_step = 0;
  uint64_t steps = 0;
};

Round run_round(hazsim::Machine& m, const std::string& design, const char* kconfig, int seeds) {
  hazsim::Params p;
  std::string err;
  if (!hazsim::load_scenario("TORTURE", &p, &err) || !p.set("design", design, &err) ||
      !p.set("kconfig", kconfig, &err) || !p.set("strategy", "random", &err)) {
    std::fprintf(stderr, "kernel_step_bench: %s\n", err.c_str());
    std::exit(2);
  }
  Round r;
  auto t0 = std::chrono::steady_clock::now();
  for (int seed = 1; seed <= seeds; ++seed) {
    p.set("seed", std::to_string(seed), &err);
    hazsim::ScenarioOutcome o = hazsim::run_scenario(m, p);
    if (!o.error.empty()) {
      std::fprintf(stderr, "kernel_step_bench: %s\n", o.error.c_str());
      std::exit(2);
    }
    r.steps += o.run.steps;
  }
  r.ns_per_step = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(r.steps);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  int seeds = argc > 2 ? std::atoi(argv[2]) : 10;
  std::filesystem::path src;
  if (argc > 3) {
    src = argv[3];
  } else {
    const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    src = std::filesystem::path(ws ? ws : ".") / ".." / "shared" / "kernel-src";
  }
  if (rounds < 1 || seeds < 1 || !std::filesystem::exists(src / "v5-paulmckrcu-eb1a6621")) {
    std::fprintf(stderr, "usage: kernel_step_bench [rounds >= 1] [seeds >= 1] [KERNEL_SRC holding v5-paulmckrcu-eb1a6621/]\n");
    return 2;
  }
  struct Pair {
    const char* name;
    const char* model;
    std::string source;
    const char* kconfig;
  };
  const Pair pairs[] = {
      {"v5", "v5", "kernel:" + (src / "v5-paulmckrcu-eb1a6621").string(), "none"},
      {"v4 (PREEMPT_HAZPTR=n)", "v4-nopreempt", "kernel:" + (src / "v4-jfern-efd5265b").string(), "PREEMPT_HAZPTR=n"},
  };
  hazsim::Machine m;
  for (const Pair& pr : pairs) {
    run_round(m, pr.source, pr.kconfig, 1);  // compiles (or loads) the object outside the timing
    std::vector<double> model, source;
    Round lm, ls;
    for (int i = 0; i < rounds; ++i) {
      lm = run_round(m, pr.model, "none", seeds);
      ls = run_round(m, pr.source, pr.kconfig, seeds);
      model.push_back(lm.ns_per_step);
      source.push_back(ls.ns_per_step);
    }
    std::printf("TORTURE/%-22s model %5.1f ns/step (%llu steps)  source %5.1f ns/step (%llu steps)  source/model %.2f"
                "  (median of %d rounds of %d seeds)\n",
                pr.name, median(model), static_cast<unsigned long long>(lm.steps), median(source),
                static_cast<unsigned long long>(ls.steps), median(source) / median(model), rounds, seeds);
  }
  return 0;
}
