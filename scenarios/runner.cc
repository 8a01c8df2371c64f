#include "scenarios/runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>

#include "hazptr/registry.h"
#include "scenarios/kernel_workload.h"
#include "scenarios/run_plan.h"
#include "sched/sim_kernel.h"

namespace hazsim {

// The run's decision stream: replay, the bounded explorer, or the strategy the parameters name.
static void start_decisions(Machine& m, const RunPlan& plan, uint64_t seed, const std::vector<uint16_t>* replay,
                            const std::vector<uint16_t>* explore_prefix, const std::vector<uint16_t>* corpus_prefix,
                            uint64_t corpus_salt, const KeyedScript* keyed) {
  StrategyKind kind = plan.kind;
  int depth = plan.depth;
  if (kind == StrategyKind::kPortfolio) parse_strategy(portfolio_member(seed), &kind, &depth);
  if (keyed || replay) {
    if (!keyed) m.decisions().start_replay(replay);
    else if (keyed->choices) m.decisions().start_keyed(keyed->choices);
    else m.decisions().start_keyed_learning(keyed->learn);
    if (kind == StrategyKind::kArm)  // the replay stalls at the sites the run armed
      m.decisions().set_arming(seed, plan.arm_sites_ppm, plan.arm_fire_ppm);
  } else if (kind == StrategyKind::kDpor) {
    m.decisions().start_dpor();  // the run the search (explore_dpor) holds next
  } else if (kind == StrategyKind::kBounded) {
    static const std::vector<uint16_t> kNone;
    m.decisions().start_explore(explore_prefix ? explore_prefix : &kNone, ~0u, uint32_t(depth));
  } else {
    RandomKnobs k = plan.knobs;
    if (plan.config.memory_model == MemoryModel::kWeak) k = with_ordering_window(k, seed);
    if (kind == StrategyKind::kPct)
      m.decisions().start_pct(seed, k, depth, plan.pct_steps);
    else if (kind == StrategyKind::kArm)
      m.decisions().start_arm(seed, k, plan.arm_sites_ppm, plan.arm_fire_ppm);
    else
      m.decisions().start_random(seed, k);
    if (corpus_prefix && kind != StrategyKind::kPct) m.decisions().set_prefix(corpus_prefix, corpus_salt);
  }
}

ScenarioOutcome run_scenario(Machine& m, const Params& p, const std::vector<uint16_t>* replay,
                             const std::vector<uint16_t>* explore_prefix,
                             const std::vector<uint16_t>* corpus_prefix, uint64_t corpus_salt,
                             const KeyedScript* keyed) {
  ScenarioOutcome out;
  const RunPlan& plan = run_plan(p);
  if (!plan.error.empty()) {
    out.error = plan.error;
    return out;
  }
  if (plan.kernel_object) hazptr::tl_kernel_object = plan.kernel_object;
  const uint64_t seed = p.seed();
  bool known = hazptr::with_design<SimKernel>(plan.design, [&]<class D>() {
    if constexpr (std::is_same_v<D, hazptr::KernelSourceDesign<SimKernel>>) {
      if (plan.c_workload) {
        MachineConfig cfg = plan.config;
        cfg.task_data_size = D::task_data_size;
        m.reset(cfg);
        start_decisions(m, plan, seed, replay, explore_prefix, corpus_prefix, corpus_salt, keyed);
        auto workload = std::make_unique<KernelCWorkload<D>>(m);
        workload->setup();
        out.run = m.run();
        return;
      }
    }
    out.error = Torture<D>::incompatibility(p);
    if constexpr (std::is_same_v<D, hazptr::KernelSourceDesign<SimKernel>>)
      if (!out.error.empty() && !hazptr::tl_kernel_object->unwired_api.empty())
        out.error += fmt::format(" (the tree has {}, which kernel: mode does not wire to the workloads yet)",
                                 fmt::join(hazptr::tl_kernel_object->unwired_api, " and "));
    if (!out.error.empty()) {
      out.error = "design " + plan.design + " with scenario " + p.str("scenario") + ": " + out.error;
      return;
    }
    MachineConfig cfg = plan.config;
    cfg.task_data_size = D::task_data_size;
    m.reset(cfg);
    start_decisions(m, plan, seed, replay, explore_prefix, corpus_prefix, corpus_salt, keyed);
    auto workload = std::make_unique<Torture<D>>(m, p);
    workload->setup();
    out.run = m.run();
    out.stats = workload->stats();
    out.reader_pipe = workload->reader_pipe_line();
  });
  if (!known)
    out.error = plan.design + " is a baseline for hazsim compare (cost only), not a design the torture can check";
  if (!out.error.empty()) return out;
  out.decisions = m.decisions().recorded();
  out.diverged = m.decisions().diverged();
  out.consumed = m.decisions().consumed();
  if (keyed) out.keyed = m.decisions().keyed_noted();
  return out;
}

}  // namespace hazsim
