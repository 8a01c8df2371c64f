// hazsim fuzz: campaigns over consecutive seeds (or every schedule, for bounded:K), on one
// scenario or on every pair of CFLIST.
#pragma once
#include <string>

#include "cli/common.h"

namespace hazsim::cli {

// How a campaign runs (fuzz's options beyond the run's own).
struct CampaignOptions {
  long runs = 100;           // per (scenario, design); 0: until max_seconds or interrupted
  double max_seconds = 0;    // per (scenario, design); 0: no limit
  std::string artifacts = "hazsim-artifacts";
  bool cflist = false;          // the pairs of CFLIST (with --design: its scenarios, each design)
  std::string configs;          // --configs "TORTURE 2*IRQ NESTING" (scenarios/config_list.h)
  std::string configs_file;     // --configs-file FILE: a CFLIST of the user's
  double duration = 0;          // --duration: the whole campaign's seconds, shared by its entries
  double shrink_seconds = 5;  // the first failure of each kind; 0: no shrinking
  int jobs = 1;
  bool stop_on_first = false;  // end the whole campaign at its first failure
  size_t max_kept = 3;         // schedule files kept per failure bucket (cli/buckets.h); 0: all
  std::string results;         // --results DIR: a directory per campaign in DIR (cli/results.h)
};

int cmd_fuzz(const RunOptions& o, const CampaignOptions& c);

}  // namespace hazsim::cli
