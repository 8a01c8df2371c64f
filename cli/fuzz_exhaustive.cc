#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "cli/fuzz_campaign.h"
#include "explore/bounded.h"
#include "explore/dpor.h"

namespace hazsim::cli {

FuzzTotals fuzz_exhaustive(const Params& p, const CampaignOptions& c, Buckets* buckets) {
  const long runs = c.runs;
  const double max_seconds = c.max_seconds;
  const std::string& artifacts = c.artifacts;
  FuzzTotals t;
  std::error_code ec;
  std::filesystem::create_directories(artifacts, ec);
  Machine m;
  auto start = std::chrono::steady_clock::now();
  auto out_of_time = [&] {
    return max_seconds > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= max_seconds;
  };
  auto stop = [&] { return g_interrupted || !t.error.empty() || out_of_time() || (c.stop_on_first && t.failures > 0); };
  const bool dpor = is_dpor_strategy(p.str("strategy"));
  auto run_once = [&](const std::vector<uint16_t>* prefix) {
    ScenarioOutcome out = run_scenario(m, p, nullptr, prefix);
    if (!out.error.empty()) {
      t.error = out.error;
      return;
    }
    ++t.runs;
    t.mutations_applied += out.run.mutations_applied;
    if (!out.run.failed) return;
    ++t.failures;
    ++t.by_oracle[oracle_name(out.run.failure.oracle)];
    std::string strategy = p.str("strategy");
    for (char& ch : strategy)
      if (ch == ':') ch = '-';
    std::string path = fmt::format("{}/{}-{}-{}-run{}.sched", artifacts, path_component(p.str("scenario")),
                                   path_component(p.str("design")), path_component(strategy), t.runs);
    bool saved = false;
    std::string where = keep_failure(&t, buckets, p, out, t.runs, path, &saved);
    t.note_failure(fmt::format("schedule {}: {} [oracle: {}]; {}", t.runs, out.run.failure.message,
                               oracle_name(out.run.failure.oracle), where));
    if (t.failures <= 3)
      fmt::print("hazsim-fuzz: !!! {} {} {} schedule {}: {} [oracle: {}]\n    {}\n", p.str("scenario"), p.str("design"),
                 p.str("strategy"), t.runs, out.run.failure.message, oracle_name(out.run.failure.oracle), where);
  };
  const uint64_t max_runs = runs > 0 ? uint64_t(runs) : UINT64_MAX;
  StrategyKind kind;
  int depth = -1;
  parse_strategy(p.str("strategy"), &kind, &depth);
  const uint32_t bound = depth < 0 ? DporExplorer::kUnbounded : uint32_t(depth);
  ExploreResult r = dpor ? explore_dpor(m.decisions(), max_runs, [&] { run_once(nullptr); }, stop, bound)
                         : explore_all(m.decisions(), max_runs, [&](const std::vector<uint16_t>& prefix) {
                             run_once(&prefix);
                           }, stop);
  if (t.error.empty() && !r.error.empty()) {
    t.error = r.error;
    return t;
  }
  const char* why = r.exhausted  ? "the space is exhausted"
                    : !r.stopped ? "stopped before the space was exhausted (--runs)"
                    : g_interrupted ? "stopped before the space was exhausted (interrupted)"
                    : out_of_time() ? "stopped before the space was exhausted (--max-total-time)"
                    : t.failures > 0 ? "stopped before the space was exhausted (--stop-on-first)"
                                    : "stopped before the space was exhausted";
  if (dpor) {
    // dpor:K: each bound's search runs again the schedules of the ones before it.
    std::string levels, whole = why;
    if (bound != DporExplorer::kUnbounded) {
      levels = r.bound == 0 ? " (bound 0)" : fmt::format(" (bounds 0 to {} in turn)", r.bound);
      if (r.exhausted && r.pruned)
        whole = fmt::format("exhausted within {} preemption{} (schedules with more were left out)", r.bound,
                            r.bound == 1 ? "" : "s");
      else if (r.exhausted)
        whole = fmt::format("the space is exhausted (bound {} left no schedule out)", r.bound);
    }
    fmt::print("hazsim-fuzz: {}: {} schedules{}, at least one per class of equivalent schedules ({} redundant: "
               "equivalent to an earlier one); {}\n", p.str("strategy"), r.runs, levels, r.redundant, whole);
    if (r.timed > 0)
      fmt::print("hazsim-fuzz: {}: a timer or the scheduler tick fired in {} of them: where it lands depends on the "
                 "step count, so for those the reduction is not exact (use bounded:K or fuzz as well)\n",
                 p.str("strategy"), r.timed);
  } else {
    fmt::print("hazsim-fuzz: {}: {} schedules with at most {} events; {}\n", p.str("strategy"), r.runs,
               p.str("strategy").substr(8), why);
  }
  return t;
}

}  // namespace hazsim::cli
