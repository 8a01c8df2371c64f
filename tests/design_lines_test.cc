// Design-line coverage (kapi/line_note.h, explore/line_coverage.h, scenarios/design_lines.h):
// every kernel-notation line of a design is enrolled whether or not it runs, a run counts the
// lines it ran and the contexts it ran them in, and counting changes no schedule.
#include <gtest/gtest.h>

#include <algorithm>

#include "scenarios/design_lines.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "tests/scenario_runs.h"

namespace hazsim {
namespace {

struct Campaign {
  DesignLines lines;
  long writer_passes = 0;
  std::vector<uint64_t> hashes;
};

Campaign campaign(const std::string& scn, const std::string& design, int seeds, bool coverage = true,
                  std::vector<std::pair<std::string, std::string>> sets = {}) {
  Campaign c;
  Machine m;
  m.set_coverage(coverage);
  for (int seed = 1; seed <= seeds; ++seed) {
    ScenarioOutcome o = testing::run_seed(m, scn, design, uint64_t(seed), sets);
    EXPECT_TRUE(o.error.empty()) << o.error;
    EXPECT_FALSE(o.run.failed) << scn << " " << design << " seed " << seed << ": " << o.run.failure.message;
    c.lines.merge(m.line_counts());
    c.writer_passes += o.stats.writer_passes;
    c.hashes.push_back(o.run.hash);
  }
  return c;
}

const DesignLines::Line* first_line_of(const std::vector<DesignLines::Line>& lines, const std::string& func) {
  for (const auto& l : lines)
    if (l.func == func) return &l;
  return nullptr;
}

uint8_t contexts_of(const std::vector<DesignLines::Line>& lines, const std::string& func) {
  uint8_t bits = 0;
  for (const auto& l : lines)
    if (l.func == func) bits |= l.contexts;
  return bits;
}

// Each writer pass of TORTURE unpublishes one element and synchronizes on it: the first line of
// v5's hazptr_synchronize() (its lockdep assertion) runs once per pass, counted by the workload.
TEST(DesignLines, ALineRunsAsOftenAsTheWorkloadCallsIt) {
  Campaign c = campaign("TORTURE", "v5", 3);
  auto lines = c.lines.lines();
  const DesignLines::Line* sync = first_line_of(lines, "hazptr_synchronize");
  ASSERT_NE(sync, nullptr);
  EXPECT_GT(c.writer_passes, 0);
  EXPECT_EQ(sync->runs, uint64_t(c.writer_passes));
  // hazptr_init() runs once per run, at boot, before any CPU runs a task.
  const DesignLines::Line* init = first_line_of(lines, "hazptr_init");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->contexts, 0) << line_contexts_text(init->contexts);
}

// TORTURE's readers hold one pointer at a time, so v5's fast path always finds its first per-CPU
// slot free: the slow path (__hazptr_acquire) never runs and is reported so. NESTING's readers
// hold ten at once and run it.
TEST(DesignLines, LinesThatNeverRanAreNamed) {
  auto never = campaign("TORTURE", "v5", 3).lines.never_run();
  EXPECT_TRUE(std::any_of(never.begin(), never.end(),
                          [](const std::string& s) { return s.find("(__hazptr_acquire)") != std::string::npos; }));
  auto nesting = campaign("NESTING", "v5", 3).lines;
  EXPECT_NE(first_line_of(nesting.lines(), "__hazptr_acquire")->runs, 0u);
  EXPECT_TRUE(nesting.never_run().empty()) << nesting.table();
}

// The per-task design's overflow chunks are reached only past its 16 fixed slots: NESTING (10
// deep) never allocates one, NESTING-DEEP (20 deep) does.
TEST(DesignLines, OnlyDeepNestingReachesThePerTaskOverflowChunks) {
  auto chunk_lines_run = [](const DesignLines& d) {
    uint64_t runs = 0;
    for (const auto& l : d.lines())
      if (l.func == "overflow_in_use") runs += l.runs;
    return runs;
  };
  EXPECT_EQ(chunk_lines_run(campaign("NESTING", "pertask-bitmap", 2).lines), 0u);
  EXPECT_GT(chunk_lines_run(campaign("NESTING-DEEP", "pertask-bitmap", 2).lines), 0u);
}

// The contexts: v5's acquire runs in hardirq context under IRQ, in softirq context under SOFTIRQ
// (a timer's callback), never in either under TORTURE; lines run with stores buffered only where
// the model buffers them.
TEST(DesignLines, ContextsSayWhereALineRan) {
  const uint8_t hardirq = line_context_bit(LineContext::kHardirq), softirq = line_context_bit(LineContext::kSoftirq),
                buffered = line_context_bit(LineContext::kBuffered), task = line_context_bit(LineContext::kTask);
  uint8_t torture = contexts_of(campaign("TORTURE", "v5", 2).lines.lines(), "hazptr_acquire");
  EXPECT_EQ(torture & (hardirq | softirq | buffered), 0) << line_contexts_text(torture);
  EXPECT_NE(torture & task, 0);
  uint8_t irq = contexts_of(campaign("IRQ", "v5", 3).lines.lines(), "hazptr_acquire");
  EXPECT_NE(irq & hardirq, 0) << line_contexts_text(irq);
  uint8_t soft = contexts_of(campaign("SOFTIRQ", "v5", 2).lines.lines(), "hazptr_acquire");
  EXPECT_NE(soft & softirq, 0) << line_contexts_text(soft);
  uint8_t tso = 0;
  for (const auto& l : campaign("TORTURE", "v5", 2, true, {{"memory_model", "tso"}}).lines.lines()) tso |= l.contexts;
  EXPECT_NE(tso & buffered, 0) << line_contexts_text(tso);
  // Pending invalidations exist only under weak.
  const uint8_t stale = line_context_bit(LineContext::kInvalidationsPending);
  EXPECT_EQ(tso & stale, 0) << line_contexts_text(tso);
  uint8_t weak = 0;
  for (const auto& l : campaign("TORTURE", "v5", 2, true, {{"memory_model", "weak"}}).lines.lines()) weak |= l.contexts;
  EXPECT_NE(weak & stale, 0) << line_contexts_text(weak);
}

// Counting is no step and no decision: the same seeds make the same schedules with it on or off.
TEST(DesignLines, CountingChangesNoSchedule) {
  for (const char* scn : {"TORTURE", "IRQ"})
    EXPECT_EQ(campaign(scn, "v5", 3, true).hashes, campaign(scn, "v5", 3, false).hashes) << scn;
}

}  // namespace
}  // namespace hazsim
