#include "native/bench.h"

#include <fmt/format.h>

#include <algorithm>

#include "hazptr/baselines.h"
#include "hazptr/registry.h"
#include "native/refscale.h"

namespace hazsim::native {

namespace {

// hazsim compare's default designs, in its order.
const std::vector<std::string> kDefaultDesigns = {"v5",      "v5-pcpucount",   "listphase-nodebug", "pertask",
                                                  "pertask-bitmap", "refcount", "percpu-ref"};

// The registry's posted designs (hazptr::with_posted_design) and compare's two baselines.
template <class F>
bool with_native_design(const std::string& name, F&& f) {
  using K = NativeKernel;
  if (name == "refcount") return f.template operator()<hazptr::Refcount<K>>();
  if (name == "percpu-ref") return f.template operator()<hazptr::PercpuRef<K>>();
  return hazptr::with_posted_design<K>(name, f);
}

std::string cell(const Figure& f, double scale, int digits) {
  return fmt::format("{:.{}f} [{:.{}f}-{:.{}f}]", f.median() / scale, digits, f.min() / scale, digits,
                     f.max() / scale, digits);
}

}  // namespace

const std::vector<std::string>& native_designs() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& d : hazptr::kDesigns)
      if (hazptr::with_posted_design<NativeKernel>(d.name, []<class D>() {})) v.push_back(d.name);
    v.push_back("refcount");
    v.push_back("percpu-ref");
    return v;
  }();
  return names;
}

bool is_native_design(const std::string& name) {
  const auto& n = native_designs();
  return std::find(n.begin(), n.end(), name) != n.end();
}

double Figure::median() const {
  if (runs.empty()) return 0;
  std::vector<double> v = runs;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double Figure::min() const { return runs.empty() ? 0 : *std::min_element(runs.begin(), runs.end()); }
double Figure::max() const { return runs.empty() ? 0 : *std::max_element(runs.begin(), runs.end()); }

bool run_native_bench(const BenchOptions& opt, BenchResult* out, std::string* err) {
  BenchOptions o = opt;
  out->host = describe_host();
  if (o.designs.empty()) o.designs = kDefaultDesigns;
  if (o.readers.empty()) {
    o.readers = {1};
    if (out->host.online_cpus > 1) o.readers.push_back(out->host.online_cpus);
  }
  for (const auto& d : o.designs)
    if (!is_native_design(d)) {
      *err = fmt::format("design '{}' cannot be timed natively (these can: {})", d, [] {
        std::string s;
        for (const auto& n : native_designs()) s += (s.empty() ? "" : ", ") + n;
        return s;
      }());
      return false;
    }
  int most_readers = *std::max_element(o.readers.begin(), o.readers.end());
  for (int r : o.readers)
    if (r < 1) {
      *err = fmt::format("--readers {}: at least 1", r);
      return false;
    }
  if (most_readers > out->host.online_cpus) {
    *err = fmt::format("--readers {}: this host has {} online CPUs, and each reader needs one of its own",
                       most_readers, out->host.online_cpus);
    return false;
  }
  for (int t : o.tasks)
    if (t < 0 || t > 1000000) {
      *err = fmt::format("--tasks {}: between 0 and 1000000", t);
      return false;
    }
  if (o.possible_cpus == 0) o.possible_cpus = out->host.online_cpus;
  if (o.possible_cpus < most_readers || o.possible_cpus > 4096) {
    *err = fmt::format("--cpus {}: between the most readers ({}) and 4096", o.possible_cpus, most_readers);
    return false;
  }
  if (o.loops < 1 || o.runs < 1) {
    *err = "--loops and --runs: at least 1";
    return false;
  }
  out->options = o;
  out->possible_cpus = o.possible_cpus;
  out->task_size = Host::task_size_for(o.task_size, 0);
  out->reader.assign(o.designs.size(), std::vector<Figure>(o.readers.size()));
  out->sync_cold.assign(o.designs.size(), std::vector<Figure>(o.tasks.size()));
  out->sync_warm = out->sync_cold;
  bool check = o.check_replacements > 0 && out->host.online_cpus >= 2;
  if (check) out->checks.resize(o.designs.size());
  for (size_t d = 0; d < o.designs.size(); ++d) {
    bool ok = true;
    with_native_design(o.designs[d], [&]<class D>() {
      // percpu-ref's synchronize sums the counters without the RCU grace period that percpu_ref's
      // switch to atomic mode relies on, so it does not protect (hazptr/baselines.h): natively on
      // x86-64 a reader's this_cpu_inc() still in its store buffer lets the updater read a zero
      // sum while the reader's load of the pointer went ahead. It is timed, not checked.
      if (check && o.designs[d] != "percpu-ref") {
        ok = check_protection<D>(o.check_replacements, &out->checks[d], err);
        if (ok && out->checks[d].retired_seen) {
          *err = fmt::format("the protection check failed natively: {} of {} reader sections found their object "
                             "retired",
                             out->checks[d].retired_seen, out->checks[d].sections);
          ok = false;
        }
      }
      for (size_t r = 0; r < o.readers.size() && ok; ++r)
        ok = time_reader_sections<D>(o.readers[r], o.possible_cpus, out->task_size, o.loops, o.runs, &out->reader[d][r].runs, err);
      for (size_t t = 0; t < o.tasks.size() && ok; ++t) {
        ok = time_synchronize<D>(o.tasks[t], o.possible_cpus, out->task_size, true, o.runs,
                                 &out->sync_cold[d][t].runs, err) &&
             time_synchronize<D>(o.tasks[t], o.possible_cpus, out->task_size, false, o.runs,
                                 &out->sync_warm[d][t].runs, err);
      }
      return true;
    });
    if (!ok) {
      *err = o.designs[d] + ": " + *err;
      return false;
    }
  }
  return true;
}

std::string format_native_bench(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::string s;
  s += "hazsim bench-native: the designs of hazptr/ compiled for this host's threads (native/native_kernel.h)\n";
  s += fmt::format("host: {}, {} online CPUs; caches {}; {}\n", r.host.cpu_model, r.host.online_cpus, r.host.caches,
                   r.host.kernel);
  s += fmt::format("barriers: {}\n", r.host.barriers);
  s += fmt::format("possible CPUs (per-CPU areas, for_each_possible_cpu): {}; task_struct: {} bytes ({})\n",
                   r.possible_cpus, r.task_size,
                   o.task_size ? "--task-size" : r.host.task_struct_size ? "this host's, /proc/slabinfo" : "default");
  if (r.checks.empty())
    s += "protection check: not run (it needs two online CPUs)\n";
  else {
    uint64_t sections = 0, replacements = 0;
    for (const auto& c : r.checks) sections += c.sections, replacements = std::max(replacements, c.replacements);
    s += fmt::format("protection check: each design (not percpu-ref, whose synchronize leaves out RCU) ran {} "
                     "synchronizes against a reader on the other CPU: {} reader sections, none found its object "
                     "retired\n",
                     replacements, sections);
  }
  s += fmt::format("figures: median [min-max] of {} runs\n\n", o.runs);

  auto header = [&](const char* first) {
    std::string h = fmt::format("| {} |", first), sep = "|---:|";
    for (const auto& d : o.designs) h += fmt::format(" {} |", d), sep += "---:|";
    return h + "\n" + sep + "\n";
  };
  s += fmt::format("Reader section (acquire + release), ns; {} sections per reader per run, one reader per CPU\n\n",
                   o.loops);
  s += header("readers");
  for (size_t i = 0; i < o.readers.size(); ++i) {
    s += fmt::format("| {} |", o.readers[i]);
    for (size_t d = 0; d < o.designs.size(); ++d) s += " " + cell(r.reader[d][i], 1, 2) + " |";
    s += "\n";
  }
  auto base = std::find(o.designs.begin(), o.designs.end(), "percpu-ref");
  if (base != o.designs.end()) {
    size_t b = size_t(base - o.designs.begin());
    s += "\nRatio of medians to percpu-ref (refscale's comparison)\n\n" + header("readers");
    for (size_t i = 0; i < o.readers.size(); ++i) {
      s += fmt::format("| {} |", o.readers[i]);
      for (size_t d = 0; d < o.designs.size(); ++d)
        s += fmt::format(" {:.2f} |", r.reader[d][i].median() / std::max(r.reader[b][i].median(), 1e-9));
      s += "\n";
    }
  }
  for (int cold = 1; cold >= 0; --cold) {
    s += fmt::format(
        "\nhazptr_synchronize() with no reader holding, us (less a clock read's own time), {}; against tasks on the "
        "list\n\n",
        cold ? "cold (every line the run allocated flushed from the caches first)" : "warm (right after another call)");
    s += header("tasks");
    for (size_t i = 0; i < o.tasks.size(); ++i) {
      s += fmt::format("| {} |", o.tasks[i]);
      for (size_t d = 0; d < o.designs.size(); ++d)
        s += " " + cell((cold ? r.sync_cold : r.sync_warm)[d][i], 1000, 2) + " |";
      s += "\n";
    }
  }
  return s;
}

std::string native_bench_csv(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::string s = "design,measure,x,median_ns,min_ns,max_ns,runs\n";
  auto line = [&](const std::string& d, const char* what, int x, const Figure& f) {
    s += fmt::format("{},{},{},{:.3f},{:.3f},{:.3f},{}\n", d, what, x, f.median(), f.min(), f.max(), f.runs.size());
  };
  for (size_t d = 0; d < o.designs.size(); ++d) {
    for (size_t i = 0; i < o.readers.size(); ++i) line(o.designs[d], "reader", o.readers[i], r.reader[d][i]);
    for (size_t i = 0; i < o.tasks.size(); ++i) line(o.designs[d], "sync_cold", o.tasks[i], r.sync_cold[d][i]);
    for (size_t i = 0; i < o.tasks.size(); ++i) line(o.designs[d], "sync_warm", o.tasks[i], r.sync_warm[d][i]);
  }
  return s;
}

}  // namespace hazsim::native
