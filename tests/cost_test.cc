// The cost model on cases small enough to count by hand, and the scaling the comparison rests on:
// the per-task scan grows linearly with tasks, the per-CPU scan with CPUs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "kapi/task_struct_layout.h"
#include "scenarios/cost_runner.h"
#include "sched/sim_kernel.h"
#include "tests/task_harness.h"

namespace hazsim {
namespace {

// The model hazsim had first: latencies in sequence, direct-mapped, an unbounded LLC.
CostProfile inorder() {
  CostProfile p;
  std::string err;
  EXPECT_TRUE(load_cost_profile("skylake-sp-inorder", &p, &err)) << err;
  return p;
}

TEST(CostMeter, LineStatesByHand) {
  for (const CostProfile& p : {inorder(), default_cost_profile()}) {
    CostMeter cm;
    cm.set_profile(p);
    uint64_t misses = 0, transfers = 0;
    uint32_t from_llc = p.dram ? p.dram : p.llc_hit;  // nothing cached yet: memory if there is one
    EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), from_llc) << p.name;  // cold
    EXPECT_EQ(cm.access(0, 8, false, &misses, &transfers), p.l1_hit);            // same line
    EXPECT_EQ(cm.access(0, 16, true, &misses, &transfers), p.l1_hit);            // sole sharer: silent upgrade
    EXPECT_EQ(cm.access(1, 0, false, &misses, &transfers), p.transfer);          // modified in cpu0
    EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), p.l1_hit);            // both share it now
    EXPECT_EQ(cm.access(1, 0, true, &misses, &transfers), p.transfer);           // RFO: invalidate cpu0's copy
    EXPECT_EQ(cm.access(1, 0, true, &misses, &transfers), p.l1_hit);
    EXPECT_EQ(cm.access(0, 128, true, &misses, &transfers), from_llc);  // another pair's line, nobody has it
    EXPECT_EQ(misses, 4u);
    EXPECT_EQ(transfers, 2u);
  }
}

TEST(CostMeter, DirectMappedCapacity) {
  CostMeter cm;
  CostProfile p = inorder();
  cm.set_profile(p);
  uint64_t misses = 0, transfers = 0;
  uint64_t conflicting = uint64_t(p.private_lines) * kCostLineBytes;  // maps to the same set as line 0
  cm.access(0, 0, false, &misses, &transfers);
  EXPECT_EQ(cm.access(0, conflicting, false, &misses, &transfers), p.llc_hit);
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), p.llc_hit);  // evicted meanwhile
}

// x86-server's L2 is 16-way LRU, L1 8-way inside it; the LLC is bounded, with memory behind it.
TEST(CostMeter, SetAssociativeLevelsAndMemory) {
  const CostProfile& p = default_cost_profile();
  CostMeter cm;
  uint64_t misses = 0, transfers = 0;
  uint64_t l1_stride = uint64_t(p.l1_lines / p.l1_ways) * kCostLineBytes;       // same L1 set
  uint64_t l2_stride = uint64_t(p.private_lines / p.private_ways) * kCostLineBytes;  // same L2 set
  for (uint32_t w = 0; w < p.l1_ways; ++w) cm.access(0, w * l1_stride, false, &misses, &transfers);
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), p.l1_hit);  // all eight still in L1
  cm.access(0, p.l1_ways * l1_stride, false, &misses, &transfers);   // a ninth: the LRU one (line 1) leaves L1
  EXPECT_EQ(cm.access(0, l1_stride, false, &misses, &transfers), p.l2_hit);
  // Sixteen lines of one L2 set stay; a seventeenth evicts the least recently used to the LLC.
  CostMeter c2;
  for (uint32_t w = 0; w <= p.private_ways; ++w) c2.access(0, w * l2_stride, false, &misses, &transfers);
  EXPECT_EQ(c2.access(0, 0, false, &misses, &transfers), p.llc_hit);
  // After a flush nothing is cached anywhere: memory.
  c2.flush();
  EXPECT_EQ(c2.access(0, 0, false, &misses, &transfers), p.dram);
  EXPECT_EQ(c2.access(0, 0, false, &misses, &transfers), p.l1_hit);
}

// The pair prefetcher: a line fetched into L2 brings the other line of its 128-byte pair, which then
// hits in L2 and counts no miss; off, the same access goes to memory. It never takes a line
// another vCPU holds modified.
TEST(CostMeter, PairPrefetchCompletesThePairUnlessAnotherCpuOwnsIt) {
  for (uint32_t pair : {1u, 0u}) {
    CostProfile p = default_cost_profile();
    p.pair_prefetch = pair;
    CostMeter cm;
    cm.set_profile(p);
    uint64_t misses = 0, transfers = 0;
    EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), p.dram);
    EXPECT_EQ(cm.access(0, 64, false, &misses, &transfers), pair ? p.l2_hit : p.dram);
    EXPECT_EQ(misses, pair ? 1u : 2u);
    EXPECT_EQ(cm.access(0, 128, false, &misses, &transfers), p.dram);  // the next pair: not brought
  }
  CostMeter cm;
  cm.set_profile(default_cost_profile());
  const CostProfile& p = cm.profile();
  uint64_t misses = 0, transfers = 0;
  cm.access(1, 64, true, &misses, &transfers);  // cpu1 holds line 1 modified (and line 0 prefetched)
  EXPECT_EQ(cm.access(0, 0, false, &misses, &transfers), p.llc_hit);
  EXPECT_EQ(cm.access(0, 64, false, &misses, &transfers), p.transfer);  // not prefetched from cpu1
}

// A TLB of four pages: a page's first access pays tlb_miss on top of its line's latency, later
// ones on the same page do not, and a fifth page evicts the least recently used. tlb_miss 0 (the
// built-in profiles): translation costs nothing.
TEST(CostMeter, TlbMissesAddToTheAccess) {
  CostProfile p = default_cost_profile();
  p.tlb_miss = 100, p.tlb_entries = 4, p.tlb_ways = 4, p.tlb_page_bytes = 4096;
  CostMeter cm;
  cm.set_profile(p);
  uint64_t misses = 0, transfers = 0;
  for (uint64_t page = 0; page < 4; ++page)
    EXPECT_EQ(cm.access(0, page * 4096, false, &misses, &transfers), p.dram + 100) << page;
  EXPECT_EQ(cm.access(0, 8, false, &misses, &transfers), p.l1_hit);  // page 0: now the most recent
  EXPECT_EQ(cm.access(0, 4 * 4096, false, &misses, &transfers), p.dram + 100);  // evicts page 1
  EXPECT_EQ(cm.access(0, 2 * 4096 + 8, false, &misses, &transfers), p.l1_hit);
  EXPECT_EQ(cm.access(0, 4096 + 8, false, &misses, &transfers), p.l1_hit + 100);  // line cached, page not
  cm.flush();  // the lines go, the translations stay (as clflush leaves them)
  EXPECT_EQ(cm.access(0, 4096, false, &misses, &transfers), p.dram);
  CostMeter free_translation;
  free_translation.set_profile(default_cost_profile());
  for (uint64_t page = 0; page < 8; ++page)
    EXPECT_EQ(free_translation.access(0, page * 4096, false, &misses, &transfers), p.dram) << page;
}

// The LLC's sets come from a hash of the line: lines a power-of-two stride apart (one per 8 KiB
// task_struct), four times as many as its ways, stay in it, where a modulo index would put them
// all in one set and keep only the last eleven. L2 is indexed by the line, as a core's is.
TEST(CostMeter, TheLlcHashesItsSets) {
  CostProfile p = default_cost_profile();
  p.llc_lines = 1024 * p.llc_ways;  // small, so that the test's lines are few (the meter keeps state per line)
  CostMeter cm;
  cm.set_profile(p);
  uint64_t misses = 0, transfers = 0;
  uint64_t llc_sets = p.llc_lines / p.llc_ways;
  uint64_t stride = llc_sets * kCostLineBytes;  // one LLC set apart, were it indexed by the line
  uint32_t n = 4 * p.llc_ways;
  for (uint32_t i = 0; i < n; ++i) cm.access(0, i * stride, false, &misses, &transfers);
  uint32_t from_llc = 0;
  for (uint32_t i = 0; i < n; ++i) from_llc += cm.access(0, i * stride, false, &misses, &transfers) == p.llc_hit;
  EXPECT_GE(from_llc, n - 2);  // (a hash may still put a few together)
}

// How latencies become cycles out of order (sim/core_timing.h).
TEST(CoreTiming, IndependentLoadsOverlapChainsAndFencesDoNot) {
  const CostProfile& p = default_cost_profile();
  CoreTiming overlap;
  for (int i = 0; i < 8; ++i) overlap.load(p, p.dram, uint64_t(i) * 4096);  // eight independent misses
  uint64_t per = p.instruction;  // cycles per issue_width accesses
  EXPECT_EQ(overlap.now(), 8u / p.issue_width * per);                                   // issue went on
  EXPECT_EQ(overlap.settle(), (7u / p.issue_width) * per + p.dram);  // all done one latency after the last issued
  CoreTiming chain;
  for (int i = 0; i < 8; ++i) {
    chain.load(p, p.dram, uint64_t(i) * 4096);
    chain.pointer_loaded(uint64_t(i + 1) * 4096);  // the next load goes through what this one returned
  }
  EXPECT_EQ(chain.settle(), 8u * p.dram);  // a pointer chase pays every latency in turn
  CoreTiming stores;
  for (int i = 0; i < 4; ++i) stores.store(p, p.transfer, uint64_t(i) * 4096);
  EXPECT_EQ(stores.now(), 4u / p.issue_width * per);  // retired into the store buffer
  stores.full_barrier(p, p.full_fence);               // smp_mb() waits for them to drain
  EXPECT_EQ(stores.now(), (3u / p.issue_width) * per + p.transfer + p.full_fence);
  CoreTiming hit;  // a store to a line in L1 commits in a cycle: the fence waits that long, not L1's load-to-use
  hit.store(p, p.l1_hit, 0);
  hit.full_barrier(p, p.full_fence);
  EXPECT_EQ(hit.now(), 1u + p.full_fence);
  CoreTiming in_order;
  const CostProfile old = inorder();
  for (int i = 0; i < 3; ++i) in_order.load(old, old.llc_hit, uint64_t(i) * 4096);
  EXPECT_EQ(in_order.now(), 3u * (old.instruction + old.llc_hit));
}

TEST(CoreTiming, TheWindowBoundsHowFarIssueRunsAhead) {
  const CostProfile& p = default_cost_profile();
  CoreTiming t;
  t.load(p, 10 * p.window, 0);  // a load far longer than the window
  for (uint32_t i = 0; i < 2 * p.window; ++i) t.load(p, p.l1_hit, 4096 * (i + 1));
  EXPECT_GE(t.now(), 10u * p.window - p.window);  // issue stalled until the window could hold it
}

// One scan of 8 slots in one line that another vCPU wrote: one transfer, then seven hits. The
// task writes the slots on cpu0, migrates to cpu1 and scans them there, through the machine.
TEST(CostMeter, SlotScanOfALineAnotherCpuWrote) {
  Machine m;
  m.set_cost(true);
  const CostProfile p = inorder();
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
        m.set_cost_profile(p);
        slots = static_cast<uint64_t*>(m.static_alloc(64, 64, "8 slots"));
      });
  ASSERT_FALSE(r.failed) << r.failure.message;
  uint32_t hit = p.instruction + p.l1_hit;
  EXPECT_EQ(write, p.instruction + p.llc_hit + 7 * hit);
  EXPECT_EQ(scan, p.instruction + p.transfer + 7 * hit);
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

// Profiles: the built-in ones by name, a file's keys over x86-server, and one clear line for
// each kind of bad file.
TEST(CostProfile, FilesParseAndBadOnesSayWhere) {
  CostProfile p;
  std::string err;
  ASSERT_TRUE(parse_cost_profile("clock_ghz = 3.2  # measured\nl1_hit = 4.7\n\n# a comment\ndram = 403.5\n", "f",
                                 &p, &err))
      << err;
  EXPECT_EQ(p.l1_hit, 5u);  // rounded
  EXPECT_EQ(p.dram, 404u);
  EXPECT_DOUBLE_EQ(p.clock_ghz, 3.2);
  EXPECT_EQ(p.l2_hit, default_cost_profile().l2_hit);  // not given: x86-server's
  CostProfile back;
  ASSERT_TRUE(parse_cost_profile(cost_profile_text(p), "f", &back, &err)) << err;
  EXPECT_EQ(cost_profile_text(back), cost_profile_text(p));
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& b : {Bad{"l1_hit 5\n", "f:1: expected key = value"}, Bad{"\nnope = 1\n", "f:2: unknown key 'nope'"},
                       Bad{"dram = -3\n", "expected a number >= 0"}, Bad{"dram = 5x\n", "expected a number >= 0"},
                       Bad{"l1_ways = 7\n", "l1_lines (512) must be a multiple of l1_ways (7)"},
                       Bad{"out_of_order = 2\n", "out_of_order: 0 or 1"}, Bad{"issue_width = 0\n", "at least 1"},
                       Bad{"l1_lines = 65536\nl1_ways = 8\n", "L2 includes L1"},
                       Bad{"tlb_miss = 9\ntlb_entries = 64\ntlb_ways = 8\ntlb_page_bytes = 5000\n", "power of two"},
                       Bad{"tlb_miss = 9\ntlb_entries = 60\ntlb_ways = 8\ntlb_page_bytes = 4096\n",
                           "tlb_entries (60) must be a multiple of tlb_ways (8)"},
                       Bad{"pair_prefetch = 2\n", "at most 1"}, Bad{"task_struct_bytes = 1000\n", "below 2048"}}) {
    EXPECT_FALSE(parse_cost_profile(b.text, "f", &p, &err)) << b.text;
    EXPECT_NE(err.find(b.says), std::string::npos) << b.text << " -> " << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
  EXPECT_FALSE(load_cost_profile("/nonexistent/profile", &p, &err));
  EXPECT_NE(err.find("not a built-in profile"), std::string::npos) << err;
  for (const auto& name : cost_profile_names()) EXPECT_TRUE(load_cost_profile(name, &p, &err)) << name;
}

// The profile changes the model's answer the way its constants say: an in-order core pays each
// access's latency in turn, so the same reader section costs more than out of order.
TEST(CostProfile, OutOfOrderSectionsCostLessThanInSequence) {
  auto reader = [](const char* profile) {
    Params p;
    std::string err;
    for (auto [k, v] : std::vector<std::pair<const char*, const char*>>{{"design", "v5"},
                                                                        {"cpus", "2"},
                                                                        {"nreaders", "1"},
                                                                        {"writer", "0"},
                                                                        {"reader_sleep", "0"},
                                                                        {"cost_profile", profile}})
      EXPECT_TRUE(p.set(k, v, &err)) << err;
    Machine m;
    CostOutcome o = run_cost(m, p);
    const SectionCost* s = o.totals.find("reader_section");
    return s ? double(s->cycles) / double(s->count) : 0;
  };
  double ooo = reader("x86-server"), seq = reader("skylake-sp-inorder");
  EXPECT_GT(ooo, 0);
  EXPECT_GT(seq, 1.5 * ooo);
}

// A profile's task_struct size places each passive task's link and fields in a stand-in of that
// size, exactly that far from the previous one (as a slab cache's objects and native timing's), at
// kapi/task_struct_layout.h's offsets; without one, each is a line of its own.
TEST(CostLayout, PassiveTasksSitInTaskStructsOfTheProfilesSize) {
  for (uint32_t bytes : {5824u, 8192u, 0u}) {
    Machine m;
    MachineConfig cfg;
    cfg.cpus = 2;
    cfg.task_data_size = 16;
    m.reset(cfg);
    CostProfile p = default_cost_profile();
    p.task_struct_bytes = bytes;
    m.set_cost_profile(p);
    m.set_cost(true);
    Task* a = m.create_passive_task("a");
    Task* b = m.create_passive_task("b");
    auto at = [](const void* x) { return reinterpret_cast<uintptr_t>(x); };
    if (bytes) {
      EXPECT_EQ(at(b->list_node) - at(a->list_node), bytes);
      EXPECT_EQ(at(a->data) - at(a->list_node), kapi::kTaskDataOffset - kapi::kTaskLinkOffset);
    } else {
      EXPECT_LT(at(b->list_node) - at(a->list_node), 4 * kCostLineBytes);  // packed
    }
  }
}

// A warm walk of 10,000 task_structs of 5,824 bytes (this repository's host, a Zen 5 guest) whose
// 20,000 lines fit neither L2 but easily the LLC: each task costs an LLC hit, not memory. (When
// the stand-ins were one line further apart than their size, the lines fell into a quarter of
// the LLC's sets and the warm walk cost what the cold one did.)
TEST(CostLayout, AWarmWalkOfTaskStructsHitsTheLlc) {
  CostProfile p = default_cost_profile();
  p.l1_lines = 768, p.l1_ways = 12, p.private_lines = 16384, p.private_ways = 8;
  p.llc_lines = 65536, p.llc_ways = 16, p.task_struct_bytes = 5824;
  char path[] = "/tmp/hazsim-cost-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = cost_profile_text(p);
  ASSERT_EQ(write(fd, text.data(), text.size()), ssize_t(text.size()));
  close(fd);
  double warm = sync_cycles("pertask", {{"passive_tasks", "10000"}, {"cost_profile", path}});
  double cold = sync_cycles("pertask", {{"passive_tasks", "10000"}, {"cost_profile", path}, {"sync_cache", "cold"}});
  unlink(path);
  EXPECT_LT(warm, 10000.0 * (p.llc_hit + p.l2_hit));
  EXPECT_GT(warm, 10000.0 * p.llc_hit);
  EXPECT_GT(cold, 10000.0 * p.dram);
}

// sync_cache=cold empties every cache before each synchronize: the per-task walk then pays memory.
TEST(CostProfile, ColdSynchronizePaysMemory) {
  double warm = sync_cycles("pertask", {{"passive_tasks", "1000"}});
  double cold = sync_cycles("pertask", {{"passive_tasks", "1000"}, {"sync_cache", "cold"}});
  EXPECT_GT(cold, 2 * warm);
  EXPECT_GT(cold, 1000.0 * default_cost_profile().dram);  // a chain of memory latencies, one per task at least
}

}  // namespace
}  // namespace hazsim
