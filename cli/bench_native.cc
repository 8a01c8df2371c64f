#include "cli/bench_native.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <vector>

#include "cli/common.h"
#include "native/bench.h"
#include "native/calibrate.h"
#include "scenarios/cost_runner.h"
#include "sim/cost_profile.h"

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

// The nominal clock from /proc/cpuinfo ("cpu MHz"), in GHz; 0 if it says none.
double nominal_ghz() {
  FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (!f) return 0;
  char line[256];
  double mhz = 0;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "cpu MHz : %lf", &mhz) == 1) break;
  std::fclose(f);
  return mhz / 1000;
}

// The cost model's cycles per event for the same shape as a native figure: one run of
// scenarios/costbench.h (seed 1; no reader sleeps, no preemption, as the native loops).
bool model_cycles(const std::string& design, const std::string& profile, int cpus, int readers, int tasks, bool cold,
                  const char* section, double* cycles, std::string* err) {
  Params p;
  std::vector<std::pair<std::string, std::string>> sets = {
      {"design", design},
      {"cpus", std::to_string(cpus)},
      {"nreaders", std::to_string(readers)},
      {"writer", readers ? "0" : "1"},
      {"reader_loops", "1000"},
      {"writer_passes", "20"},
      {"reader_sleep", "0"},
      {"preempt_prob", "0"},
      {"passive_tasks", std::to_string(std::max(tasks - 1, 0))},
      {"seed", "1"},
      {"cost_profile", profile},
      {"sync_cache", cold ? "cold" : "warm"},
      {"max_steps", "1000000000"},
      {"sync_bound", "1000000000"},
      {"starve_bound", "1000000000"}};
  for (const auto& [k, v] : sets)
    if (!p.set(k, v, err)) return false;
  Machine m;
  CostOutcome o = run_cost(m, p);
  if (!o.error.empty()) {
    *err = o.error;
    return false;
  }
  const SectionCost* sc = o.totals.find(section);
  *cycles = sc && sc->count ? double(sc->cycles) / double(sc->count) : 0;
  return true;
}

// What the designs' fast paths cost against the first design's, in the model and natively: the
// thread's questions are about these differences (the used-slot count, per-task slots), so their
// sign matters more than either figure. A native difference within a cycle has no sign.
std::string reader_differences(const native::BenchResult& r, const std::vector<std::vector<double>>& model, double ghz) {
  const native::BenchOptions& o = r.options;
  if (o.designs.size() < 2) return "";
  std::string s = fmt::format(
      "\nReader sections against {}'s, cycles: the difference in the model and natively, whether they agree in sign, "
      "and their ratio\n\n| design | readers | model | native | same sign | model/native |\n"
      "|---|---:|---:|---:|---|---:|\n",
      o.designs[0]);
  for (size_t d = 1; d < o.designs.size(); ++d)
    for (size_t i = 0; i < o.readers.size(); ++i) {
      double m = model[d][i] - model[0][i];
      double n = (r.reader[d][i].median() - r.reader[0][i].median()) * ghz;
      bool flat = std::abs(n) < 1;
      s += fmt::format("| {} | {} | {:+.1f} | {:+.1f} | {} | {} |\n", o.designs[d], o.readers[i], m, n,
                       flat ? "- (native within a cycle)" : (m > 0) == (n > 0) ? "yes" : "no",
                       flat ? std::string("-") : fmt::format("{:.2f}", m / n));
    }
  return s;
}

// Model against native, in cycles: the native figure times the profile's measured clock, else the
// nominal one.
bool model_table(const native::BenchResult& r, const std::string& profile_name, std::string* out, std::string* err) {
  const native::BenchOptions& o = r.options;
  CostProfile profile;
  if (!load_cost_profile(profile_name, &profile, err)) return false;
  // Native ns into cycles: at the profile's clock when it was measured here (calibrate's), else
  // at the nominal clock of /proc/cpuinfo.
  bool measured = profile.clock_ghz > 0 && profile.name != "x86-server";
  double ghz = measured ? profile.clock_ghz : nominal_ghz();
  if (ghz <= 0) {
    *err = "--model: neither the profile nor /proc/cpuinfo gives a clock to turn native ns into cycles";
    return false;
  }
  std::string s = fmt::format(
      "\nThe cost model (profile {}) against native, cycles per event (native: the median ns x {:.2f} GHz, {}); "
      "model/native\n\n| design | measure | model | native | model/native |\n|---|---|---:|---:|---:|\n",
      profile.name, ghz, measured ? "the profile's measured clock" : "the nominal clock of /proc/cpuinfo");
  std::vector<std::vector<double>> reader_model(o.designs.size(), std::vector<double>(o.readers.size(), 0));
  for (size_t d = 0; d < o.designs.size(); ++d) {
    auto row = [&](const std::string& what, double model, const native::Figure& f) {
      double nat = f.median() * ghz;
      if (nat <= 0)  // a clock read's own time is taken off, and this took no longer than that
        s += fmt::format("| {} | {} | {:.0f} | below the clock | - |\n", o.designs[d], what, model);
      else
        s += fmt::format("| {} | {} | {:.0f} | {:.0f} | {:.2f} |\n", o.designs[d], what, model, nat, model / nat);
    };
    for (size_t i = 0; i < o.readers.size(); ++i) {
      double c = 0;
      if (!model_cycles(o.designs[d], profile_name, r.possible_cpus, o.readers[i], 0, false, "reader_section", &c,
                        err))
        return false;
      row(fmt::format("reader, {} readers", o.readers[i]), c, r.reader[d][i]);
      reader_model[d][i] = c;
    }
    for (size_t i = 0; i < o.tasks.size(); ++i) {
      for (bool cold : {true, false}) {
        double c = 0;
        if (!model_cycles(o.designs[d], profile_name, r.possible_cpus, 0, o.tasks[i], cold, "hazptr_synchronize", &c,
                          err))
          return false;
        row(fmt::format("sync {}, {} tasks", cold ? "cold" : "warm", o.tasks[i]), c,
            (cold ? r.sync_cold : r.sync_warm)[d][i]);
      }
    }
  }
  s += reader_differences(r, reader_model, ghz);
  *out = s;
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
  CostProfile profile;
  if (c.model && !load_cost_profile(c.profile, &profile, &err)) return usage_error(err);
  native::BenchResult r;
  if (!native::run_native_bench(o, &r, &err)) return usage_error(err);
  fmt::print("{}", native::format_native_bench(r));
  if (c.model) {
    std::string table;
    if (!model_table(r, c.profile, &table, &err)) return usage_error(err);
    fmt::print("{}", table);
  }
  if (!c.csv.empty()) {
    if (!write_file(c.csv, native::native_bench_csv(r), &err)) return usage_error(err);
    fmt::print("\nfigures written: {}\n", c.csv);
  }
  return kExitOk;
}

int cmd_calibrate(const std::string& out, bool quick) {
  std::string text = native::profile_text(native::calibrate(quick));
  if (out.empty()) {
    fmt::print("{}", text);
    return kExitOk;
  }
  std::string err;
  if (!write_file(out, text, &err)) return usage_error(err);
  fmt::print("{}profile written: {} (hazsim compare --profile {})\n", text, out, out);
  return kExitOk;
}

}  // namespace hazsim::cli
