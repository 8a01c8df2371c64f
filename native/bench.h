// hazsim bench-native: the sweep over designs, reader counts and task counts, its figures as
// medians and ranges, and the refscale-like report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "native/host.h"
#include "native/protection.h"

namespace hazsim::native {

// The designs and baselines that can be timed natively: the posted designs (and the options of
// the v4 thread) and hazsim compare's baselines. Testbed and injected designs are left out, and
// so are kernel:DIR trees (their glue is the simulator's).
const std::vector<std::string>& native_designs();
bool is_native_design(const std::string& name);

struct BenchOptions {
  std::vector<std::string> designs;  // empty: compare's defaults
  std::vector<int> readers;          // empty: 1 and every online CPU
  std::vector<int> tasks = {1, 1000, 10000};
  int possible_cpus = 0;             // 0: the online CPUs (at least the readers)
  int64_t loops = 1000000;           // sections per reader per run
  int runs = 9;                      // runs per figure: median and range
  uint64_t check_replacements = 20000;  // the protection check before timing (0: none)
  size_t task_size = 0;              // 0: this host's task_struct (/proc/slabinfo) or 8 KiB
};

struct Figure {
  std::vector<double> runs;  // ns, one per run
  double median() const;
  double min() const;
  double max() const;
};

struct BenchResult {
  HostInfo host;
  size_t task_size = 0;
  int possible_cpus = 0;
  BenchOptions options;
  // [design][reader count index] and [design][task count index]
  std::vector<std::vector<Figure>> reader, sync_cold, sync_warm;
  std::vector<ProtectionCheck> checks;  // [design]; empty if not run (one online CPU, or 0 replacements)
};

// Runs the sweep; false and *err if an option is out of range, a design warned, or a reader of
// the protection check saw a retired object (the figures would not be of a working design).
bool run_native_bench(const BenchOptions& o, BenchResult* out, std::string* err);
// The report as refscale prints it: host, then one table per measurement.
std::string format_native_bench(const BenchResult& r);
// One line per figure: design,measure,x,median_ns,min_ns,max_ns,runs.
std::string native_bench_csv(const BenchResult& r);

}  // namespace hazsim::native
