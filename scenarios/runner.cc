#include "scenarios/runner.h"

#include <memory>

#include "hazptr/registry.h"
#include "sched/sim_kernel.h"

namespace hazsim {

MachineConfig machine_config(const Params& p) {
  MachineConfig c;
  c.cpus = int(p.num("cpus"));
  memory_model_from_name(p.str("memory_model"), &c.memory_model);
  c.max_steps = uint64_t(p.num("max_steps"));
  c.sync_bound = uint64_t(p.num("sync_bound"));
  c.starve_bound = uint64_t(p.num("starve_bound"));
  c.step_ns = uint32_t(p.num("step_ns"));
  parse_mutation(p.str("mutate"), &c.mutation);
  return c;
}

RandomKnobs random_knobs(const Params& p) {
  RandomKnobs k;
  k.switch_ppm = p.ppm("switch_prob");
  k.preempt_ppm = p.ppm("preempt_prob");
  k.irq_ppm = p.ppm("irq_prob");
  k.migrate_ppm = p.ppm("migrate_prob");
  k.drain_ppm = p.ppm("drain_prob");
  k.stale_ppm = p.ppm("stale_prob");
  return k;
}

ScenarioOutcome run_scenario(Machine& m, const Params& p, const std::vector<uint16_t>* replay,
                             const std::vector<uint16_t>* explore_prefix,
                             const std::vector<uint16_t>* corpus_prefix, uint64_t corpus_salt) {
  ScenarioOutcome out;
  bool known = hazptr::with_design<SimKernel>(p.str("design"), [&]<class D>() {
    out.error = Torture<D>::incompatibility(p);
    if (!out.error.empty()) {
      out.error = "design " + p.str("design") + " with scenario " + p.str("scenario") + ": " + out.error;
      return;
    }
    MachineConfig cfg = machine_config(p);
    cfg.task_data_size = D::task_data_size;
    m.reset(cfg);
    StrategyKind kind;
    int depth;
    parse_strategy(p.str("strategy"), &kind, &depth);
    if (kind == StrategyKind::kPortfolio) parse_strategy(portfolio_member(uint64_t(p.num("seed"))), &kind, &depth);
    if (replay) {
      m.decisions().start_replay(replay);
      if (kind == StrategyKind::kArm)  // the replay stalls at the sites the run armed
        m.decisions().set_arming(uint64_t(p.num("seed")), p.ppm("arm_sites"), p.ppm("arm_fire_prob"));
    } else if (kind == StrategyKind::kBounded) {
      static const std::vector<uint16_t> kNone;
      m.decisions().start_explore(explore_prefix ? explore_prefix : &kNone, ~0u, uint32_t(depth));
    } else {
      RandomKnobs k = random_knobs(p);
      uint64_t seed = uint64_t(p.num("seed"));
      if (cfg.memory_model == MemoryModel::kWeak) k = with_ordering_window(k, seed);
      if (kind == StrategyKind::kPct)
        m.decisions().start_pct(seed, k, depth, uint64_t(p.num("pct_steps")));
      else if (kind == StrategyKind::kArm)
        m.decisions().start_arm(seed, k, p.ppm("arm_sites"), p.ppm("arm_fire_prob"));
      else
        m.decisions().start_random(seed, k);
      if (corpus_prefix && kind != StrategyKind::kPct) m.decisions().set_prefix(corpus_prefix, corpus_salt);
    }
    auto workload = std::make_unique<Torture<D>>(m, p);
    workload->setup();
    out.run = m.run();
    out.stats = workload->stats();
    out.reader_pipe = workload->reader_pipe_line();
  });
  if (!known)
    out.error = p.str("design") + " is a baseline for hazsim compare (cost only), not a design the torture can check";
  if (!out.error.empty()) return out;
  out.decisions = m.decisions().recorded();
  out.diverged = m.decisions().diverged();
  out.consumed = m.decisions().consumed();
  return out;
}

}  // namespace hazsim
