#include "scenarios/cost_runner.h"
#include "scenarios/run_plan.h"

#include <memory>

#include "hazptr/baselines.h"
#include "hazptr/design.h"
#include "hazptr/registry.h"
#include "kshim/loader.h"
#include "scenarios/runner.h"

namespace hazsim {

namespace {

template <hazptr::Design D>  // the baselines too: compare needs no more than the Design concept
CostOutcome run_cost_of(Machine& m, const Params& p) {
  CostOutcome out;
  out.error = CostBench<D>::incompatibility(p);
  if (!out.error.empty()) return out;
  MachineConfig cfg = machine_config(p);
  cfg.task_data_size = D::task_data_size;
  m.reset(cfg);
  m.decisions().start_random(uint64_t(p.num("seed")), random_knobs(p));
  CostProfile profile;
  if (!load_cost_profile(p.str("cost_profile"), &profile, &out.error)) return out;
  m.set_cost_profile(profile);
  m.set_cost(true);
  auto bench = std::make_unique<CostBench<D>>(m, p);
  bench->setup();
  RunResult r = m.run();
  m.set_cost(false);
  return bench->outcome(r);
}

}  // namespace

CostOutcome run_cost(Machine& m, const Params& p) {
  const std::string& name = p.str("design");
  if (name == "refcount") return run_cost_of<hazptr::Refcount<SimKernel>>(m, p);
  if (name == "percpu-ref") return run_cost_of<hazptr::PercpuRef<SimKernel>>(m, p);
  CostOutcome out;
  if (name == kshim::kNoDesign) {
    out.error = "design none is a small test's own code, not a design whose costs compare can measure";
    return out;
  }
  if (kshim::is_kernel_design(name)) {
    hazptr::tl_kernel_object = kshim::load_kernel_design(name, p.str("kconfig"), "", &out.error);
    if (!hazptr::tl_kernel_object) return out;
  }
  if (!hazptr::with_design<SimKernel>(name, [&]<class D>() { out = run_cost_of<D>(m, p); }))
    out.error = "unknown design " + name;
  return out;
}

}  // namespace hazsim
