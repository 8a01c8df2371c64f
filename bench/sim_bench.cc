// The simulator's speed: what decides how many schedules a user explores.
//   bazel run //bench:sim_bench        (or ./hazsim bench)
// Figures: one machine step against a bare Boost.Context switch, steps per second, and runs per
// second of the default scenario.
#include <benchmark/benchmark.h>
#include <boost/context/fiber.hpp>

#include "sched/sim_kernel.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "sim/fiber.h"

// Last: Boost.Fiber defines a cpu_relax() macro of its own.
#include <boost/fiber/all.hpp>

namespace hazsim {
namespace {

// A bare switch with boost::context::fiber: one resume and the return, per iteration = 2 switches.
void BM_BoostContextFiberSwitch(benchmark::State& state) {
  namespace ctx = boost::context;
  bool done = false;
  ctx::fiber f{[&done](ctx::fiber&& back) {
    while (!done) back = std::move(back).resume();
    return std::move(back);
  }};
  for (auto _ : state) f = std::move(f).resume();
  done = true;
  f = std::move(f).resume();
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_BoostContextFiberSwitch);

// The same ping-pong through hazsim's fcontext fibers (what the machine uses).
struct PingPong {
  Fiber a;
  bool done = false;
};
thread_local PingPong* tl_pp;
void BM_HazsimFiberSwitch(benchmark::State& state) {
  StackPool pool(64 * 1024);
  PingPong pp;
  tl_pp = &pp;
  pp.a.prepare(pool.get(), [](void*) {
    while (!tl_pp->done) Fiber::switch_to(tl_pp->a, Fiber::thread_main());
    tl_pp->a.exit_to(Fiber::thread_main());
  }, nullptr);
  for (auto _ : state) Fiber::switch_to(Fiber::thread_main(), pp.a);
  pp.done = true;
  Fiber::switch_to(Fiber::thread_main(), pp.a);
  pool.put(pp.a.stack());
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_HazsimFiberSwitch);

// Boost.Fiber's scheduler: two fibers yielding to each other, per iteration = 2 switches.
void BM_BoostFiberYield(benchmark::State& state) {
  bool done = false;
  boost::fibers::fiber other([&] {
    while (!done) boost::this_fiber::yield();
  });
  for (auto _ : state) boost::this_fiber::yield();
  done = true;
  other.join();
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_BoostFiberYield);

// One machine step: tasks on `cpus` vCPUs doing READ_ONCE in a loop; switch_prob chooses how often
// the next step belongs to another vCPU (and so costs a fiber switch).
void BM_MachineStep(benchmark::State& state) {
  const int cpus = int(state.range(0));
  const uint32_t switch_ppm = uint32_t(state.range(1));
  const long kSteps = 200000;
  Machine m;
  uint64_t steps = 0;
  for (auto _ : state) {
    MachineConfig cfg;
    cfg.cpus = cpus;
    m.reset(cfg);
    RandomKnobs k;
    k.switch_ppm = switch_ppm;
    m.decisions().start_random(1, k);
    static thread_local long* word;
    word = static_cast<long*>(m.static_alloc(sizeof(long), 8, "word"));
    for (int c = 0; c < cpus; ++c)
      m.create_task("stepper", [](void*) {
        for (long i = 0; i < kSteps; ++i) SimKernel::read_once(word);
      }, nullptr, c, true);
    RunResult r = m.run();
    steps += r.steps;
  }
  state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MachineStep)->Args({1, 0})->Args({4, 0})->Args({4, 300000})->Args({4, 1000000})->Unit(benchmark::kMillisecond);

// The memory models' cost per step: tasks alternating a store to their own word and a load of the
// next task's (so weak has histories to choose from), under each model.
void BM_MachineStepModel(benchmark::State& state, MemoryModel model) {
  const long kSteps = 100000;
  Machine m;
  uint64_t steps = 0;
  for (auto _ : state) {
    MachineConfig cfg;
    cfg.cpus = 4;
    cfg.memory_model = model;
    m.reset(cfg);
    m.decisions().start_random(1, RandomKnobs{});
    static thread_local long* words;
    words = static_cast<long*>(m.static_alloc(sizeof(long) * 4 * 8, 64, "words"));
    for (int c = 0; c < cfg.cpus; ++c)
      m.create_task("stepper", [](void* a) {
        long* w = words + reinterpret_cast<intptr_t>(a) * 8;
        for (long i = 0; i < kSteps / 2; ++i) {
          SimKernel::write_once(w, i);
          (void)SimKernel::read_once(words + (reinterpret_cast<intptr_t>(a) + 1) % 4 * 8);
        }
      }, reinterpret_cast<void*>(intptr_t(c)), c, true);
    steps += m.run().steps;
  }
  state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_MachineStepModel, sc, MemoryModel::kSC)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MachineStepModel, tso, MemoryModel::kTSO)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MachineStepModel, pso, MemoryModel::kPSO)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_MachineStepModel, weak, MemoryModel::kWeak)->Unit(benchmark::kMillisecond);

// Whole runs of the default scenario (TORTURE) on a design that completes it.
void BM_TortureRun(benchmark::State& state, const char* design, const char* model) {
  Params p;
  std::string err;
  load_scenario("TORTURE", &p, &err);
  p.set("design", design, &err);
  p.set("memory_model", model, &err);
  Machine m;
  uint64_t steps = 0, seed = 1;
  for (auto _ : state) {
    p.set("seed", std::to_string(seed++), &err);
    steps += run_scenario(m, p).run.steps;
  }
  state.counters["runs/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["steps/s"] = benchmark::Counter(double(steps), benchmark::Counter::kIsRate);
  state.counters["steps/run"] = double(steps) / double(state.iterations());
}
BENCHMARK_CAPTURE(BM_TortureRun, v4_nopreempt_sc, "v4-nopreempt", "sc")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TortureRun, v4_nopreempt_tso, "v4-nopreempt", "tso")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TortureRun, v4_nopreempt_pso, "v4-nopreempt", "pso")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TortureRun, v4_nopreempt_weak, "v4-nopreempt", "weak")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TortureRun, busted_sc, "busted", "sc")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hazsim

BENCHMARK_MAIN();
