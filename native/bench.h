// hazsim bench-native: the sweep over designs, reader counts and task counts, its figures as
// medians and ranges, and the refscale-like report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "native/host.h"

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
};

// Runs the sweep; false and *err if an option is out of range or a design warned.
bool run_native_bench(const BenchOptions& o, BenchResult* out, std::string* err);
// The report as refscale prints it: host, then one table per measurement.
std::string format_native_bench(const BenchResult& r);
// One line per figure: design,measure,x,median_ns,min_ns,max_ns,runs.
std::string native_bench_csv(const BenchResult& r);

}  // namespace hazsim::native
