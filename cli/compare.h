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
};

// Returns the exit code (0, or 2 with one line on stderr for bad input).
int cmd_compare(const CompareOptions& o);

}  // namespace hazsim
