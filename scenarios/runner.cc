#include "scenarios/runner.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <memory>

#include "hazptr/registry.h"
#include "kshim/loader.h"
#include "scenarios/kernel_workload.h"
#include "sched/sim_kernel.h"

namespace hazsim {

// The step bounds of a scenario that does not set them grow with its size, so that a large
// scenario's no-progress means a livelock and not a bound made for four vCPUs. The size is
// max(vCPUs, readers/2)/4, so its unit is the default TORTURE (4 vCPUs, 2 readers each, 20
// writer passes; ~150k steps a run, measured), for which the bounds are 4M steps a run, 400k
// of a synchronize's own, 1.5M waiting runnable, 1M with interrupts off. Starvation and the watchdog count the machine's steps, of which a vCPU
// gets a 1/cpus share, so they grow with the size. A synchronize's own steps grow with the CPUs
// it scans, but from far below its bound (up to ~30k at 64 vCPUs, measured with --set
// sync_bound), so its bound grows from size 8 on. The run's work grows faster than the size
// (readers keep reading while the writer's longer scans run): measured 3.3-5.6M steps at 64
// vCPUs, ~30x the 4-vCPU run, and 87M at 256; so size^1.5 (64x and 512x).
void derive_bounds(const Params& p, MachineConfig* c) {
  const int64_t cpus = p.num("cpus"), nr = p.num("nreaders");
  const int64_t readers = nr < 0 ? -nr * cpus : nr;
  const double size = double(std::max<int64_t>(4, std::max(cpus, readers / 2))) / 4.0;
  const int64_t passes = p.num("writer") ? p.num("writer_passes") / 20 : p.num("reader_passes") / 40;
  const double work = size * std::sqrt(size) * double(std::max<int64_t>(1, passes));
  auto pick = [&](const char* key, double unit, uint8_t bit, uint64_t* out) {
    int64_t v = p.num(key);
    *out = v != 0 ? uint64_t(v) : uint64_t(unit);
    if (v == 0) c->derived |= bit;
  };
  pick("max_steps", 4e6 * work, MachineConfig::kDerivedMaxSteps, &c->max_steps);
  pick("sync_bound", 4e5 * std::max(1.0, size / 8), MachineConfig::kDerivedSync, &c->sync_bound);
  pick("starve_bound", 1.5e6 * size, MachineConfig::kDerivedStarve, &c->starve_bound);
  pick("lockup_steps", 1e6 * size, MachineConfig::kDerivedLockup, &c->lockup_steps);
  c->bounds_cpus = cpus, c->bounds_readers = readers;
  c->bounds_passes = p.num("writer") ? p.num("writer_passes") : 0;
}

MachineConfig machine_config(const Params& p) {
  // A campaign's runs differ by their seed only: their configuration is derived once per thread.
  thread_local uint64_t version = 0;
  thread_local MachineConfig cached;
  if (p.version_without_seed() == version) return cached;
  MachineConfig c;
  c.cpus = int(p.num("cpus"));
  memory_model_from_name(p.str("memory_model"), &c.memory_model);
  derive_bounds(p, &c);
  if (p.num("max_choices") != 0) c.max_choices = uint64_t(p.num("max_choices"));
  c.step_ns = uint32_t(p.num("step_ns"));
  c.tick_ns = uint64_t(p.num("tick_ns"));
  c.preempt = p.str("preempt") == "none"        ? PreemptModel::kNone
              : p.str("preempt") == "voluntary" ? PreemptModel::kVoluntary
                                                : PreemptModel::kFull;
  c.panic_on_warn = p.num("panic_on_warn") != 0;
  c.quarantine = p.num("quarantine");
  c.poison_uninit = p.str("kmalloc_fill") == "poison";
  parse_mutation(p.str("mutate"), &c.mutation);
  c.dpor_schedule = is_dpor_strategy(p.str("strategy"));
  c.drains_first = c.dpor_schedule && c.memory_model != MemoryModel::kSC;
  version = p.version_without_seed();
  cached = c;
  return c;
}

RandomKnobs random_knobs(const Params& p) {
  thread_local uint64_t version = 0;  // as machine_config(): derived once per campaign and thread
  thread_local RandomKnobs cached;
  if (p.version_without_seed() == version) return cached;
  RandomKnobs k;
  k.switch_ppm = p.ppm("switch_prob");
  k.preempt_ppm = p.ppm("preempt_prob");
  k.irq_ppm = p.ppm("irq_prob");
  k.migrate_ppm = p.ppm("migrate_prob");
  k.drain_ppm = p.ppm("drain_prob");
  k.stale_ppm = p.ppm("stale_prob");
  version = p.version_without_seed();
  cached = k;
  return k;
}

// The run's decision stream: replay, the bounded explorer, or the strategy the parameters name.
static void start_decisions(Machine& m, const Params& p, const MachineConfig& cfg, const std::vector<uint16_t>* replay,
                     const std::vector<uint16_t>* explore_prefix, const std::vector<uint16_t>* corpus_prefix,
                     uint64_t corpus_salt, const KeyedScript* keyed) {
  StrategyKind kind;
  int depth;
  parse_strategy(p.str("strategy"), &kind, &depth);
  if (kind == StrategyKind::kPortfolio) parse_strategy(portfolio_member(uint64_t(p.num("seed"))), &kind, &depth);
  if (keyed || replay) {
    if (!keyed) m.decisions().start_replay(replay);
    else if (keyed->choices) m.decisions().start_keyed(keyed->choices);
    else m.decisions().start_keyed_learning(keyed->learn);
    if (kind == StrategyKind::kArm)  // the replay stalls at the sites the run armed
      m.decisions().set_arming(uint64_t(p.num("seed")), p.ppm("arm_sites"), p.ppm("arm_fire_prob"));
  } else if (kind == StrategyKind::kDpor) {
    m.decisions().start_dpor();  // the run the search (explore_dpor) holds next
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
}

ScenarioOutcome run_scenario(Machine& m, const Params& p, const std::vector<uint16_t>* replay,
                             const std::vector<uint16_t>* explore_prefix,
                             const std::vector<uint16_t>* corpus_prefix, uint64_t corpus_salt,
                             const KeyedScript* keyed) {
  ScenarioOutcome out;
  const bool c_workload = p.str("workload") != "torture";
  if (c_workload && !kshim::is_kernel_design(p.str("design"))) {
    out.error = fmt::format("workload {} is kernel C: it runs with a kernel: design (--design kernel:DIR), whose "
                            "hazptr_*() it calls, or as a small test of its own (--design none)",
                            p.str("workload"));
    return out;
  }
  if (kshim::is_kernel_design(p.str("design"))) {
    hazptr::tl_kernel_object = kshim::load_kernel_design(p.str("design"), p.str("kconfig"),
                                                         c_workload ? p.str("workload") : "", &out.error);
    if (!hazptr::tl_kernel_object) return out;
    if (c_workload && !hazptr::tl_kernel_object->glue->workload_init) {
      out.error = fmt::format("workload {} defines no module_init() (or hazsim_workload_init())", p.str("workload"));
      return out;
    }
  }
  bool known = hazptr::with_design<SimKernel>(p.str("design"), [&]<class D>() {
    if constexpr (std::is_same_v<D, hazptr::KernelSourceDesign<SimKernel>>) {
      if (c_workload) {
        MachineConfig cfg = machine_config(p);
        cfg.task_data_size = D::task_data_size;
        m.reset(cfg);
        start_decisions(m, p, cfg, replay, explore_prefix, corpus_prefix, corpus_salt, keyed);
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
      out.error = "design " + p.str("design") + " with scenario " + p.str("scenario") + ": " + out.error;
      return;
    }
    MachineConfig cfg = machine_config(p);
    cfg.task_data_size = D::task_data_size;
    m.reset(cfg);
    start_decisions(m, p, cfg, replay, explore_prefix, corpus_prefix, corpus_salt, keyed);
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
  if (keyed) out.keyed = m.decisions().keyed_noted();
  return out;
}

}  // namespace hazsim
