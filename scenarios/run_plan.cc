#include "scenarios/run_plan.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "kshim/loader.h"
#include "sched/mutation.h"
#include "sim/memory_model.h"

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
static void derive_bounds(const Params& p, MachineConfig* c) {
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

// The kernel object a kernel: design runs (built and loaded once per process and thread by the
// loader), or the error that stops every run of these parameters.
static void load_design(const Params& p, RunPlan* r) {
  const std::string& workload = p.str("workload");
  r->c_workload = workload != "torture";
  if (!kshim::is_kernel_design(r->design)) {
    if (r->c_workload)
      r->error = fmt::format("workload {} is kernel C: it runs with a kernel: design (--design kernel:DIR), whose "
                             "hazptr_*() it calls, or as a small test of its own (--design none)",
                             workload);
    return;
  }
  r->kernel_object = kshim::load_kernel_design(r->design, p.str("kconfig"), r->c_workload ? workload : "", &r->error);
  if (r->kernel_object && r->c_workload && !r->kernel_object->glue->workload_init)
    r->error = fmt::format("workload {} defines no module_init() (or hazsim_workload_init())", workload);
}

const RunPlan& run_plan(const Params& p) {
  thread_local uint64_t version = 0;
  thread_local RunPlan plan;
  if (p.version_without_seed() == version) return plan;
  RunPlan r;
  r.design = p.str("design");
  load_design(p, &r);
  r.config = machine_config(p);
  r.knobs = random_knobs(p);
  parse_strategy(p.str("strategy"), &r.kind, &r.depth);
  r.arm_sites_ppm = p.ppm("arm_sites");
  r.arm_fire_ppm = p.ppm("arm_fire_prob");
  r.pct_steps = uint64_t(p.num("pct_steps"));
  plan = std::move(r);
  version = p.version_without_seed();
  return plan;
}

}  // namespace hazsim
