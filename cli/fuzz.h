// hazsim fuzz: campaigns over consecutive seeds (or every schedule, for bounded:K), on one
// scenario or on every pair of CFLIST.
#pragma once
#include <string>

#include "cli/common.h"

namespace hazsim::cli {

int cmd_fuzz(const RunOptions& o, long runs, double max_seconds, const std::string& artifacts, bool cflist,
             double shrink_seconds, int jobs);

}  // namespace hazsim::cli
