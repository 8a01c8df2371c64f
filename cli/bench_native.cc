#include "cli/bench_native.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "cli/common.h"
#include "native/bench.h"

namespace hazsim::cli {

namespace {

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool parse_ints(const std::string& flag, const std::string& s, std::vector<int>* out, std::string* err) {
  for (const std::string& v : split_commas(s)) {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
      *err = fmt::format("{} '{}': expected whole numbers separated by commas", flag, s);
      return false;
    }
    out->push_back(n);
  }
  return true;
}

}  // namespace

int cmd_bench_native(const BenchNativeOptions& c) {
  native::BenchOptions o;
  std::string err;
  if (!c.designs.empty()) o.designs = split_commas(c.designs);
  if (!c.readers.empty() && !parse_ints("--readers", c.readers, &o.readers, &err)) return usage_error(err);
  if (!c.tasks.empty()) {
    o.tasks.clear();
    if (!parse_ints("--tasks", c.tasks, &o.tasks, &err)) return usage_error(err);
  }
  if (c.task_size < 0 || c.task_size > (1 << 20)) return usage_error("--task-size: between 0 (this host's) and 1 MiB");
  o.possible_cpus = c.cpus;
  o.loops = c.loops;
  o.runs = c.runs;
  o.task_size = size_t(c.task_size);
  native::BenchResult r;
  if (!native::run_native_bench(o, &r, &err)) return usage_error(err);
  fmt::print("{}", native::format_native_bench(r));
  if (!c.csv.empty()) {
    if (!write_file(c.csv, native::native_bench_csv(r), &err)) return usage_error(err);
    fmt::print("\nfigures written: {}\n", c.csv);
  }
  return kExitOk;
}

}  // namespace hazsim::cli
