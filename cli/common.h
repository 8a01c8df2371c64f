// What the subcommands share: exit codes, the options of run and fuzz, schedule files of runs,
// printing a run, and shrinking a failure into a file.
#pragma once
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <string>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/params.h"
#include "scenarios/runner.h"
#include "scenarios/shrink.h"
#include "sim/schedule_file.h"

namespace hazsim::cli {

inline constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitDiverged = 3;
// A campaign found failures but could not save every schedule that reproduces them.
inline constexpr int kExitLostArtifacts = 4;
// AddressSanitizer or UBSan stopped hazsim (cli/sanitizer_exit.cc): a defect of hazsim, not a finding.
inline constexpr int kExitSanitizer = 5;

// Set by SIGINT and SIGTERM during a campaign.
extern std::atomic<bool> g_interrupted;
// SIGINT and SIGTERM set g_interrupted (and say so on stderr); a second one ends hazsim at once.
void catch_interrupts();

// The strategy a run used: for portfolio, the member its seed picked (explore/portfolio.cc).
std::string strategy_of_run(const Params& p);

// "hazsim: error: MSG" on stderr; returns kExitUsage.
int usage_error(const std::string& msg);

// Options shared by run and fuzz: they override the scenario file.
struct RunOptions {
  std::string scenario;
  std::string design, memory_model, strategy;
  std::string seed, cpus;  // checked by the parameter table (range, whole token), as --set is
  std::string workload;
  std::vector<std::string> sets;
  bool quiet = false;

  void add_to(CLI::App* app) {
    app->add_option("--design", design, "hazard-pointer design (hazsim list)");
    app->add_option("--seed", seed, "seed (run: the run's; fuzz: the first of consecutive seeds)");
    app->add_option("--cpus", cpus, "number of vCPUs");
    app->add_option("--memory-model", memory_model, "memory model: sc, tso, pso or weak");
    app->add_option("--strategy", strategy, "exploration strategy: random, pct:D, bounded:K, arm or portfolio (fuzz's default)");
    app->add_option("--workload", workload, "a workload in kernel C (FILE.c), run with --design kernel:DIR");
    app->add_option("--set", sets, "override a parameter: --set key=value (repeatable)");
    app->add_flag("-q,--quiet", quiet, "print only the end line and the schedule hash");
  }

  // The scenario's parameters with every override applied; false with *err one line.
  bool resolve(Params* p, std::string* err) const {
    if (!load_scenario(scenario, p, err)) return false;
    auto set = [&](const std::string& k, const std::string& v) {
      if (!p->set(k, v, err)) return false;
      return true;
    };
    for (const auto& kv : sets) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) {
        *err = fmt::format("--set '{}': expected key=value", kv);
        return false;
      }
      if (!set(kv.substr(0, eq), kv.substr(eq + 1))) return false;
    }
    if (!design.empty() && !set("design", design)) return false;
    if (!memory_model.empty() && !set("memory_model", memory_model)) return false;
    if (!strategy.empty() && !set("strategy", strategy)) return false;
    if (!seed.empty() && !set("seed", seed)) return false;
    if (!cpus.empty() && !set("cpus", cpus)) return false;
    if (!workload.empty() && !set("workload", workload)) return false;
    return true;
  }

  // The command line that reruns one seed exactly.
  std::string rerun_command(const Params& p) const {
    std::string cmd = fmt::format("hazsim run {} --design {} --seed {}", scenario, p.str("design"), p.str("seed"));
    Params base;
    std::string e;
    load_scenario(scenario, &base, &e);
    for (const auto& [k, v] : p.items())
      if (k != "design" && k != "seed" && k != "scenario" && v != base.str(k)) cmd += fmt::format(" --set {}={}", k, v);
    return cmd;
  }
};

ScheduleFile schedule_of(const Params& p, const ScenarioOutcome& o);
// The start line, the torture's status lines, the failure report and the end line of a run.
void print_run(const Params& p, const ScenarioOutcome& o, bool quiet);
// A warning on stderr when mutate= is set and `applied` (how often it changed a barrier) is 0.
void warn_if_mutation_unused(const Params& p, uint64_t applied);
// FILE.sched -> FILE<suffix>, beside it (".min.sched", ".json").
std::string sibling_path(const std::string& file, const char* suffix);
bool load_schedule_file(const std::string& file, ScheduleFile* s, Params* p, std::string* err);
std::string size_text(const RunResult& r);
// Shrinks, writes the result, and tells it. Returns false (with *err) if the input does not fail.
bool shrink_and_save(const Params& p, const std::vector<uint16_t>& decisions, const std::string& out_path,
                     const ShrinkOptions& opts, bool narrate, std::string* err);

}  // namespace hazsim::cli
