// A campaign's results directory (fuzz --results DIR), as kvm.sh's res/: each campaign gets
// DIR/YYYY.MM.DD-HH.MM.SS/ with its schedules, a log per (scenario, design), the coverage and
// design-line tables, summary.txt (what fuzz printed at its end) and summary.json (the same for
// machines); DIR/buckets.txt holds the failure buckets of every campaign in DIR, so a bucket an
// earlier one saw is known. `hazsim summary DIR` prints a campaign's summary again.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cli/buckets.h"

namespace hazsim::cli {

// Creates DIR/<UTC timestamp>/ (a suffix if that exists); "" with *err on failure.
std::string make_campaign_dir(const std::string& root, std::string* err);

struct PairRecord {
  std::string scenario, design;
  long runs = 0, failures = 0;
  double seconds = 0;
  std::map<std::string, long> by_oracle;
  bool interrupted = false;
};

// summary.txt (`text`) and summary.json in `dir`.
bool write_summaries(const std::string& dir, const std::string& text, const std::vector<PairRecord>& pairs,
                     const Buckets& buckets, bool interrupted, std::string* err);

// hazsim summary DIR: DIR is a campaign's directory, or a results directory (its newest campaign).
int cmd_summary(const std::string& dir);

}  // namespace hazsim::cli
