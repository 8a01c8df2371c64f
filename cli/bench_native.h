// hazsim bench-native: time the designs natively on this host (native/), refscale's way.
#pragma once
#include <string>

namespace hazsim::cli {

struct BenchNativeOptions {
  std::string designs, readers, tasks;  // comma-separated; empty: the defaults of native/bench.h
  int cpus = 0;
  long long loops = 1000000;
  int runs = 9;
  long long task_size = 0;
  std::string csv;    // also write the figures here
  bool model = false;  // also the cost model's figures for the same shapes
  std::string profile = "x86-server";  // ... under this cost profile (a name or calibrate's file)
};

int cmd_bench_native(const BenchNativeOptions& o);
// hazsim calibrate: the profile printed, or written to `out`.
int cmd_calibrate(const std::string& out, bool quick);

}  // namespace hazsim::cli
