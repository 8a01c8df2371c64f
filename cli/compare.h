// hazsim compare: the cost workload over designs and sweeps, as a table, a CSV and SVG plots.
#pragma once
#include <string>
#include <vector>

namespace hazsim {

struct CompareOptions {
  std::vector<std::string> designs;  // empty: the default set
  std::vector<std::string> sweeps;   // "key=v1,v2,..."; empty: the default sweeps
  std::vector<std::string> sets;     // key=value overrides of the base parameters
  std::string out_dir = "hazsim-compare";
  int jobs = 1;
  int seeds = 5;         // runs per point, seeds seed..seed+N-1: medians and ranges
  std::string profile;   // the cost profile (empty: the base's, x86-server)
  std::string markdown;  // also write the tables here as Markdown
};

// Returns the exit code (0, or 2 with one line on stderr for bad input).
int cmd_compare(const CompareOptions& o);

}  // namespace hazsim
