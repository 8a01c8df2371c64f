// The cost model on cases small enough to count by hand, and the scaling the comparison rests on:
// the per-task scan grows linearly with tasks, the per-CPU scan with CPUs.
#include <gtest/gtest.h>

#include "scenarios/cost_runner.h"
#include "sched/sim_kernel.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

using namespace cost;

constexpr uint32_t kHit = kInstruction + kL1Hit, kFromLlc = kInstruction + kLlcHit,
                   kFromOther = kInstruction + kTransfer;

TEST(CostMeter, LineStatesByHand) {
  CostMeter cm;
  uint64_t misses = 0, transfers = 0;
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), kFromLlc);   // cold: from the LLC
  EXPECT_EQ(cm.access(0, 8, false, &misses, &transfers), kHit);       // same line
  EXPECT_EQ(cm.access(0, 16, true, &misses, &transfers), kHit);       // sole sharer: silent upgrade
  EXPECT_EQ(cm.access(1, 0, false, &misses, &transfers), kFromOther); // modified in cpu0: transfer
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), kHit);       // both share it now
  EXPECT_EQ(cm.access(1, 0, true, &misses, &transfers), kFromOther);  // RFO: invalidate cpu0's copy
  EXPECT_EQ(cm.access(1, 0, true, &misses, &transfers), kHit);
  EXPECT_EQ(cm.access(0, 64, true, &misses, &transfers), kFromLlc);   // another line, nobody has it
  EXPECT_EQ(misses, 4u);
  EXPECT_EQ(transfers, 2u);
}

TEST(CostMeter, PrivateCacheCapacity) {
  CostMeter cm;
  uint64_t misses = 0, transfers = 0;
  uint64_t conflicting = uint64_t(kPrivateLines) * kLineBytes;  // maps to the same set as line 0
  cm.access(0, 0, false, &misses, &transfers);
  EXPECT_EQ(cm.access(0, conflicting, false, &misses, &transfers), kFromLlc);
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), kFromLlc);  // evicted meanwhile
}

// One scan of 8 slots in one line that another vCPU wrote: one transfer, then seven hits. The
// task writes the slots on cpu0, migrates to cpu1 and scans them there, through the machine.
TEST(CostMeter, SlotScanOfALineAnotherCpuWrote) {
  Machine m;
  m.set_cost(true);
  uint64_t* slots = nullptr;
  uint64_t scan = 0, write = 0;
  MachineConfig cfg;
  cfg.cpus = 2;
  RunResult r = testing::run_tasks(
      m,
      {{[&] {
          uint64_t c0 = m.task_cycles();
          for (int i = 0; i < 8; ++i) SimKernel::write_once(&slots[i], 1);
          write = m.task_cycles() - c0;
          m.migrate_current_to(1);
          uint64_t c1 = m.task_cycles();
          for (int i = 0; i < 8; ++i) SimKernel::read_once(&slots[i]);
          scan = m.task_cycles() - c1;
        },
        0}},
      cfg, 1, [&] {
        RandomKnobs quiet;
        quiet.preempt_ppm = 0;
        m.decisions().start_random(1, quiet);
        slots = static_cast<uint64_t*>(m.static_alloc(64, 64, "8 slots"));
      });
  ASSERT_FALSE(r.failed) << r.failure.message;
  EXPECT_EQ(write, kFromLlc + 7 * kHit);
  EXPECT_EQ(scan, kFromOther + 7 * kHit);
}

double sync_cycles(const char* design, std::vector<std::pair<const char*, std::string>> sets) {
  Params p;
  std::string err;
  for (auto [k, v] : std::vector<std::pair<const char*, std::string>>{
           {"design", design}, {"nreaders", "0"}, {"writer_passes", "10"}, {"preempt_prob", "0"}})
    EXPECT_TRUE(p.set(k, v, &err)) << err;
  for (auto& [k, v] : sets) EXPECT_TRUE(p.set(k, v, &err)) << err;
  Machine m;
  CostOutcome o = run_cost(m, p);
  EXPECT_TRUE(o.error.empty()) << o.error;
  EXPECT_FALSE(o.run.failed) << o.run.failure.message;
  const SectionCost* s = o.totals.find("hazptr_synchronize");
  EXPECT_NE(s, nullptr);
  return s ? double(s->cycles) / double(s->count) : 0;
}

// Linear: equal steps in the swept size add equal cost (within 5%).
void expect_linear(double a, double b, double c, const char* what) {
  double d1 = b - a, d2 = c - b;
  EXPECT_GT(d1, 0) << what;
  EXPECT_NEAR(d2 / d1, 1.0, 0.05) << what << ": " << a << " " << b << " " << c;
}

TEST(CostScaling, PerTaskScanGrowsLinearlyWithTasks) {
  double t[3];
  for (int i = 0; i < 3; ++i) t[i] = sync_cycles("pertask", {{"passive_tasks", std::to_string(1000 * (i + 1))}});
  expect_linear(t[0], t[1], t[2], "pertask against tasks");
  // The per-CPU design does not look at tasks at all.
  EXPECT_EQ(sync_cycles("v5", {{"passive_tasks", "1000"}}), sync_cycles("v5", {{"passive_tasks", "3000"}}));
}

TEST(CostScaling, PerCpuScanGrowsLinearlyWithCpus) {
  double c[3];
  for (int i = 0; i < 3; ++i) c[i] = sync_cycles("v5", {{"cpus", std::to_string(8 * (i + 1))}});
  expect_linear(c[0], c[1], c[2], "v5 against CPUs");
  EXPECT_NEAR(sync_cycles("pertask", {{"cpus", "8"}}), sync_cycles("pertask", {{"cpus", "24"}}), 1.0);
}

// The baselines behave as their shapes say: a shared refcount's line bounces between readers, a
// per-CPU count stays local.
TEST(CostScaling, SharedRefcountBouncesPercpuRefDoesNot) {
  auto reader = [](const char* design, int readers) {
    Params p;
    std::string err;
    p.set("design", design, &err);
    p.set("cpus", "8", &err);
    p.set("nreaders", std::to_string(readers), &err);
    p.set("reader_sleep", "0", &err);
    Machine m;
    CostOutcome o = run_cost(m, p);
    const SectionCost* s = o.totals.find("reader_section");
    return s ? double(s->cycles) / double(s->count) : 0;
  };
  double ref_growth = reader("refcount", 8) / reader("refcount", 1);
  double pcpu_growth = reader("percpu-ref", 8) / reader("percpu-ref", 1);
  EXPECT_GT(ref_growth, 2.0);
  EXPECT_LT(pcpu_growth * 1.5, ref_growth);  // percpu-ref still pays for the writer's scans of its lines
  EXPECT_LT(reader("percpu-ref", 8), reader("refcount", 8));
}

}  // namespace
}  // namespace hazsim
