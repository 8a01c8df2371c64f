// How fast each exploration strategy finds each bug: for every (bug, strategy), independent
// campaigns of consecutive seeds, each stopped at its first failure or at --cap runs; the table
// gives how many campaigns found the bug and the median runs and seconds to the first failure
// (a median above the cap reads ">cap").
//   bazel run //bench:strategy_bench -- [--campaigns 20] [--cap 1000] [--jobs 2] [--only NAME|PREFIX*]
//   [--strategy S]
// or ./hazsim bench-strategies.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

struct Bug {
  const char* name;
  const char* scenario;
  const char* design;
  std::vector<std::pair<const char*, const char*>> sets;
  const char* what;
};

const std::vector<Bug> kBugs = {
    {"busted", "TORTURE", "busted", {}, "synchronize returns at once"},
    {"release-no-unchain", "TORTURE", "inj-release-no-unchain", {}, "release leaves the backup slot chained"},
    {"no-gen-bump", "TORTURE", "inj-no-gen-bump", {}, "unchain without the generation bump"},
    {"promote-reordered", "TORTURE", "inj-promote-reordered", {}, "hook clears the per-CPU slot before the copy"},
    {"drop-mb-acquire", "WEAK", "v5", {{"memory_model", "tso"}, {"mutate", "drop-mb@hazptr_acquire"}},
     "acquire without the Store B / Load A barrier (tso)"},
    {"v5-irq-claim", "IRQ", "v5", {}, "finding 3: an IPI claims the item the slow path claimed"},
    // Barrier bugs that only a machine reordering loads shows (weak), each with its sc control,
    // under which the same mutation is (correctly) never found.
    {"weak-mb-sync", "TORTURE", "v5", {{"memory_model", "weak"}, {"mutate", "drop-mb@hazptr_synchronize"}},
     "synchronize's smp_mb() (Store A / Load B) removed (weak)"},
    {"weak-mb-acquire", "TORTURE", "v5", {{"memory_model", "weak"}, {"mutate", "drop-mb@hazptr_acquire"}},
     "the reader's smp_mb() (Store B / Load A) removed (weak)"},
    {"weak-acquire-scan", "NESTING", "v5",
     {{"memory_model", "weak"}, {"mutate", "plain-acquire@hazptr_synchronize_cpu_slots"}},
     "the scan's smp_cond_load_acquire() of a per-CPU slot made plain (weak)"},
    {"weak-release-hook", "NESTING", "v5",
     {{"memory_model", "weak"}, {"mutate", "plain-release@hazptr_promote_to_backup_slot"}},
     "the context-switch hook's smp_store_release() made plain (weak)"},
    {"weak-release-release", "TORTURE", "v5", {{"memory_model", "weak"}, {"mutate", "plain-release@hazptr_release"}},
     "hazptr_release()'s smp_store_release() made plain: load buffering (weak)"},
    {"weak-mb-sync-phased", "TORTURE", "listphase",
     {{"memory_model", "weak"}, {"mutate", "drop-mb@hazptr_synchronize"}},
     "the phased synchronize's smp_mb() before the locked flip removed (weak)"},
    {"sc-mb-sync", "TORTURE", "v5", {{"memory_model", "sc"}, {"mutate", "drop-mb@hazptr_synchronize"}},
     "weak-mb-sync under sc: never observable"},
    {"sc-mb-acquire", "TORTURE", "v5", {{"memory_model", "sc"}, {"mutate", "drop-mb@hazptr_acquire"}},
     "weak-mb-acquire under sc: never observable"},
    {"sc-acquire-scan", "NESTING", "v5",
     {{"memory_model", "sc"}, {"mutate", "plain-acquire@hazptr_synchronize_cpu_slots"}},
     "weak-acquire-scan under sc: never observable"},
    {"sc-release-hook", "NESTING", "v5",
     {{"memory_model", "sc"}, {"mutate", "plain-release@hazptr_promote_to_backup_slot"}},
     "weak-release-hook under sc: never observable"},
    {"sc-release-release", "TORTURE", "v5", {{"memory_model", "sc"}, {"mutate", "plain-release@hazptr_release"}},
     "weak-release-release under sc: never observable"},
    {"sc-mb-sync-phased", "TORTURE", "listphase", {{"memory_model", "sc"}, {"mutate", "drop-mb@hazptr_synchronize"}},
     "weak-mb-sync-phased under sc: never observable"},
};
const char* const kStrategies[] = {"random", "pct:2", "pct:3", "arm", "portfolio"};

struct Result {
  long runs = -1;  // to the first failure; -1: not found within the cap
  double seconds = 0;
};

std::string median_text(std::vector<Result> rs, bool seconds, long cap) {
  std::sort(rs.begin(), rs.end(), [](const Result& a, const Result& b) {
    long ra = a.runs < 0 ? LONG_MAX : a.runs, rb = b.runs < 0 ? LONG_MAX : b.runs;
    return ra < rb;
  });
  const Result& m = rs[(rs.size() - 1) / 2];
  if (m.runs < 0) return fmt::format(">{}", seconds ? std::string("cap") : std::to_string(cap));
  return seconds ? fmt::format("{:.2f}", m.seconds) : std::to_string(m.runs);
}

int main_impl(int argc, char** argv) {
  long campaigns = 20, cap = 1000;
  int jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string only, only_strategy;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "strategy_bench: {} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--campaigns") campaigns = std::atol(next().c_str());
    else if (a == "--cap") cap = std::atol(next().c_str());
    else if (a == "--jobs") jobs = std::atoi(next().c_str());
    else if (a == "--only") only = next();
    else if (a == "--strategy") only_strategy = next();
    else {
      fmt::print(stderr, "strategy_bench: unknown argument '{}' (--campaigns N --cap N --jobs N --only BUG --strategy S)\n", a);
      return 2;
    }
  }
  if (campaigns < 1 || cap < 1 || jobs < 1) {
    fmt::print(stderr, "strategy_bench: --campaigns, --cap and --jobs must be positive\n");
    return 2;
  }
  fmt::print("{} campaigns per (bug, strategy), at most {} runs each, {} threads\n\n", campaigns, cap, jobs);
  fmt::print("| bug | scenario | strategy | found | median runs | median s |\n|---|---|---|---|---|---|\n");
  for (const Bug& bug : kBugs) {
    if (!only.empty() && only != bug.name && !(only.back() == '*' && std::string(bug.name).rfind(only.substr(0, only.size() - 1), 0) == 0))
      continue;
    for (const char* strategy : kStrategies) {
      if (!only_strategy.empty() && only_strategy != strategy) continue;
      Params base;
      std::string err;
      bool ok = load_scenario(bug.scenario, &base, &err) && base.set("design", bug.design, &err) &&
                base.set("strategy", strategy, &err);
      for (const auto& [k, v] : bug.sets) ok = ok && base.set(k, v, &err);
      if (!ok) {
        fmt::print(stderr, "strategy_bench: {}: {}\n", bug.name, err);
        return 2;
      }
      std::vector<Result> results(static_cast<size_t>(campaigns));
      std::atomic<long> next{0};
      auto worker = [&] {
        Machine m;
        for (long c; (c = next++) < campaigns;) {
          auto start = std::chrono::steady_clock::now();
          for (long r = 0; r < cap; ++r) {
            Params p = base;
            std::string e;
            p.set("seed", std::to_string(1 + c * 100003 + r), &e);
            if (run_scenario(m, p).run.failed) {
              results[size_t(c)] = {r + 1, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
              break;
            }
          }
        }
      };
      std::vector<std::thread> threads;
      for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
      worker();
      for (auto& t : threads) t.join();
      long found = std::count_if(results.begin(), results.end(), [](const Result& r) { return r.runs > 0; });
      fmt::print("| {} | {} | {} | {}/{} | {} | {} |\n", bug.name, bug.scenario, strategy, found, campaigns,
                 median_text(results, false, cap), median_text(results, true, cap));
      std::fflush(stdout);
    }
  }
  fmt::print("\nbugs:\n");
  for (const Bug& bug : kBugs) fmt::print("  {:<20} {} ({} on {})\n", bug.name, bug.what, bug.design, bug.scenario);
  return 0;
}

}  // namespace
}  // namespace hazsim

int main(int argc, char** argv) { return hazsim::main_impl(argc, argv); }
