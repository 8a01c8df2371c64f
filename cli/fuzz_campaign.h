// What fuzz's two kinds of campaign share (cli/fuzz.cc: consecutive seeds; cli/fuzz_exhaustive.cc:
// bounded:K and dpor): the totals of one (scenario, design) pair and how a failure's schedule file
// is kept. Internal to hazsim fuzz.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/buckets.h"
#include "cli/common.h"
#include "cli/fuzz.h"
#include "scenarios/campaign_coverage.h"
#include "scenarios/design_lines.h"

namespace hazsim::cli {

struct FuzzTotals {
  std::string error;
  long runs = 0, failures = 0, corpus_runs = 0;
  long lost = 0;         // failing schedules that could not be written
  std::string lost_why;  // the first write error
  uint64_t mutations_applied = 0;
  std::map<std::string, long> by_oracle;
  CampaignCoverage coverage;
  DesignLines lines;  // summed as runs finish: a sum does not depend on the order
  // For the pair's log (--results): "RUN: MESSAGE [oracle: O]; where its schedule is", the first
  // kMaxFailureLines of them, and how many more.
  static constexpr size_t kMaxFailureLines = 10000;
  std::vector<std::string> failure_lines;
  long failure_lines_dropped = 0;
  void note_failure(std::string line) {
    if (failure_lines.size() < kMaxFailureLines) failure_lines.push_back(std::move(line));
    else ++failure_lines_dropped;
  }
  size_t corpus = 0;
};

// A schedule file that could not be written: counted, the first error kept.
void note_lost(FuzzTotals* t, bool saved, const std::string& why);
// A failure's schedule file, if its bucket keeps it (cli/buckets.h: the lowest positions, so the
// same files for any --jobs; a kept file of a later position is removed): the line fuzz prints
// under the failure.
std::string keep_failure(FuzzTotals* t, Buckets* buckets, const Params& p, const ScenarioOutcome& out, long position,
                         const std::string& path, bool* saved);

// bounded:K: every schedule with at most K eventful choices, depth first, one thread; dpor: one
// schedule per equivalence class (explore/dpor.h). Ctrl-C, SIGTERM and --max-total-time stop
// them before their next schedule, like the other campaigns.
FuzzTotals fuzz_exhaustive(const Params& p, const CampaignOptions& c, Buckets* buckets);

}  // namespace hazsim::cli
