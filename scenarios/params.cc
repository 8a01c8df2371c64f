#include "scenarios/params.h"

#include <fmt/format.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include "hazptr/registry.h"
#include "scenarios/cost_runner.h"
#include "scenarios/small_test.h"
#include "sched/machine.h"
#include "sim/cost_profile.h"
#include "sim/text.h"

namespace hazsim {

const std::vector<ParamSpec>& Params::specs() {
  static const std::string kMaxChoicesHelp =
      fmt::format("bound of the run's decision record, about 2.4 choices (5 bytes) per step (0: {}, {} MiB)",
                  MachineConfig::kMaxRecordedChoices, MachineConfig::kMaxRecordedChoices * 2 >> 20);
  static const std::vector<ParamSpec> kSpecs = {
      {"scenario", "custom", ParamType::kChoice, 0, 0, "", "scenario name (informational)"},
      {"design", "v4", ParamType::kDesign, 0, 0, "",
       "hazard-pointer design (hazsim list), kernel:DIR to compile a tree's own hazptr.c, or none (a small test in "
       "kernel C)"},
      {"kconfig", "none", ParamType::kKconfig, 0, 0, "",
       "kernel: designs: CONFIG_ options for the tree, as NAME=y or NAME=n, comma-separated (none: the "
       "glue's defaults, e.g. PREEMPT_HAZPTR=y for v4)"},
      {"workload", "torture", ParamType::kWorkload, 0, 0, "",
       "the workload the tasks run: torture, or a kernel-C file (FILE.c, with a kernel: design) or C++ test (FILE.cc)"},
      {"cpus", "4", ParamType::kInt, 1, 256, "", "number of vCPUs"},
      {"memory_model", "sc", ParamType::kChoice, 0, 0, "sc tso pso weak",
       "sc, tso (FIFO store buffers), pso (stores may also drain out of order), or weak (loads may also "
       "return older values, as arm64, POWER and the LKMM allow)"},
      {"strategy", "random", ParamType::kStrategy, 0, 0, "",
       "exploration strategy: random, pct:D (PCT aiming at bugs of depth D), bounded:K (every schedule "
       "with at most K eventful choices; for small scenarios), arm (site arming, as BUGGIFY), portfolio "
       "(the seed picks random, pct:2, arm or pct:3; fuzz's default), dpor (every schedule up to equivalence; "
       "small tests) or dpor:K (those with at most K preemptions)"},
      {"arm_sites", "0.25", ParamType::kProb, 0, 0, "", "arm: fraction of sites armed in a run"},
      {"arm_fire_prob", "0.01", ParamType::kProb, 0, 0, "",
       "arm: chance an event fires at an armed site (elsewhere the *_prob parameters hold)"},
      {"pct_steps", "60000", ParamType::kInt, 1, INT64_MAX, "", "pct: the run length its change points are drawn from"},
      {"seed", "1", ParamType::kInt, 0, INT64_MAX, "", "seed of the decision stream and the workload"},
      {"nreaders", "-1", ParamType::kInt, -64, 4096, "", "reader tasks; negative: that many per CPU"},
      {"writer", "1", ParamType::kBool, 0, 1, "", "run the writer that replaces and synchronizes"},
      {"reader_loops", "100", ParamType::kInt, 1, 100000000, "", "cost workload: read-side sections per reader"},
      {"writer_passes", "20", ParamType::kInt, 1, 1000000, "", "replacements the writer makes"},
      {"reader_passes", "40", ParamType::kInt, 1, 1000000, "", "reader passes when there is no writer"},
      {"reader_lifetime", "0", ParamType::kInt, 0, 1000000, "",
       "passes after which a reader forks its successor and exits, so tasks come and go during scans (0: never)"},
      {"ctx", "stack", ParamType::kChoice, 0, 0, "stack heap",
       "where readers keep their hazptr_ctx: stack (hazptr-stack) or heap (hazptr, kmalloc per read)"},
      {"nesting", "1", ParamType::kInt, 1, 64, "", "hazard pointers a reader holds at once"},
      {"pool", "100", ParamType::kInt, 2, 100000, "", "torture elements (10 * HAZPTR_TORTURE_PIPE_LEN)"},
      {"recycle", "pool", ParamType::kChoice, 0, 0, "pool free",
       "retired elements go down the pipe back to the pool (pipe-count check), or are kfree'd right after synchronize (use-after-free check)"},
      {"reclaim", "sync", ParamType::kChoice, 0, 0, "sync retire",
       "sync: hazptr_synchronize() per element; retire: hazptr_retire() and a worker's batched scan "
       "(an option from the v4 thread; per-task designs; recycle = free)"},
      {"reclaim_interval_ns", "4000", ParamType::kInt, 1, 1000000000, "", "the reclaim worker's sleep between batches"},
      {"reader_sleep", "0.05", ParamType::kProb, 0, 0, "", "chance a reader sleeps while holding"},
      {"reader_sleep_ns", "2000", ParamType::kInt, 0, 1000000000, "", "how long it sleeps"},
      {"reader_yield", "0.02", ParamType::kProb, 0, 0, "",
       "chance a reader calls schedule() while holding (torture_preempt_schedule)"},
      {"reader_udelay", "0.1", ParamType::kProb, 0, 0, "",
       "chance a reader busy-waits while holding (hazptr_read_delay's udelay: no barrier, no switch)"},
      {"reader_udelay_ns", "200", ParamType::kInt, 0, 1000000000, "", "how long it busy-waits"},
      {"reader_rest_ns", "0", ParamType::kInt, 0, 1000000000, "",
       "readers sleep this long after each pass, holding nothing (0: no rest)"},
      {"writer_delay_ns", "1000", ParamType::kInt, 0, 1000000000, "", "writer sleep between replacements"},
      {"preempt_kthread", "1", ParamType::kBool, 0, 1, "",
       "a high-priority task that spins on each CPU in turn (rcu_torture_preempt)"},
      {"preempt_duration_ns", "2000", ParamType::kInt, 0, 1000000000, "", "how long it spins on a CPU"},
      {"preempt_interval_ns", "4000", ParamType::kInt, 0, 1000000000, "", "its sleep between CPUs"},
      {"passive_tasks", "0", ParamType::kInt, 0, 1000000, "",
       "tasks that exist but never run (a per-task design must still scan them)"},
      {"cost_profile", "x86-server", ParamType::kCostProfile, 0, 0, "",
       "cost workload: the cost model's constants: x86-server, skylake-sp-inorder, or a file of hazsim calibrate"},
      {"sync_cache", "warm", ParamType::kChoice, 0, 0, "warm cold",
       "cost workload: cold empties every cache before each hazptr_synchronize() (bench-native's cold)"},
      {"irq_acquire", "0", ParamType::kInt, 0, 1000000, "",
       "acquire in an IPI handler on the next CPU, then hazptr_detach(), once per this many reads (0: never)"},
      {"irq_release", "0", ParamType::kInt, 0, 1000000, "",
       "hazptr_detach(), then release in an IPI handler on the next CPU, once per this many reads (0: never)"},
      {"release_twice", "0", ParamType::kInt, 0, 1000000, "",
       "call hazptr_release() a second time on the same ctx once per this many task releases, as the two-phase "
       "header permits (0: never)"},
      {"defer_modulus", "0", ParamType::kInt, 0, 1000000, "",
       "hazptr_detach() and hand the release to the do_pending kthread once per this many reads (ctx = heap)"},
      {"do_pending_ns", "3000", ParamType::kInt, 1, 1000000000, "", "the do_pending kthread's sleep between CPUs"},
      {"stutter_ns", "0", ParamType::kInt, 0, 1000000000, "",
       "every other period of this length the torture tasks stand still (0: no stutter)"},
      {"idle_cpus", "0", ParamType::kInt, 0, 255, "",
       "the last this many vCPUs run no torture task (the others' tasks are pinned): irq_reader's IPIs go there, "
       "on top of the idle task"},
      {"irq_reader", "0", ParamType::kBool, 0, 1, "",
       "readers also acquire and release inside an IPI handler on another CPU"},
      {"timer_reader", "0", ParamType::kBool, 0, 1, "",
       "readers also arm a timer_list on another CPU (an idle one under idle_cpus) whose callback acquires and "
       "releases in TIMER_SOFTIRQ, and sleep until it ran"},
      {"timer_delay_ns", "1000", ParamType::kInt, 1, 1000000000, "", "the timer's expiry after add_timer_on()"},
      {"switch_prob", "0.3", ParamType::kProb, 0, 0, "", "random: chance the next access is another vCPU's"},
      {"preempt_prob", "0.003", ParamType::kProb, 0, 0, "", "random: chance of preemption at an access"},
      {"irq_prob", "0.2", ParamType::kProb, 0, 0, "", "random: chance a pending IPI is delivered at an access"},
      {"migrate_prob", "0.1", ParamType::kProb, 0, 0, "", "random: chance an enqueued task changes vCPU"},
      {"drain_prob", "0.2", ParamType::kProb, 0, 0, "",
       "random, tso/pso/weak: chance at a step that one buffered store drains"},
      {"stale_prob", "0.3", ParamType::kProb, 0, 0, "",
       "random, weak: chance a load that may return an older value than memory holds does"},
      {"max_steps", "0", ParamType::kInt, 0, INT64_MAX, "",
       "step bound of the whole run (0: derived from the scenario's size, README)"},
      {"max_choices", "0", ParamType::kInt, 0, int64_t(MachineConfig::kMaxRecordedChoices), "",
       kMaxChoicesHelp.c_str()},
      {"sync_bound", "0", ParamType::kInt, 0, INT64_MAX, "",
       "steps of its own one hazptr_synchronize may take, no-progress beyond (0: derived)"},
      {"starve_bound", "0", ParamType::kInt, 0, INT64_MAX, "", "steps a runnable task may wait (0: derived)"},
      {"step_ns", "2", ParamType::kInt, 1, 1000000, "", "virtual nanoseconds per step"},
      {"preempt", "full", ParamType::kChoice, 0, 0, "full voluntary none",
       "the preemption model: CONFIG_PREEMPT (at any preemptible step), CONFIG_PREEMPT_VOLUNTARY (only at "
       "might_sleep()), CONFIG_PREEMPT_NONE (only at schedule() and sleeps)"},
      {"tick_ns", "100000", ParamType::kInt, 1, INT64_MAX, "",
       "the scheduler tick and time slice, in virtual time: a task that ran a slice while another waits on its "
       "runqueue is preempted at its next preemptible step, under every strategy"},
      {"lockup_steps", "0", ParamType::kInt, 0, INT64_MAX, "",
       "steps a vCPU may keep interrupts off before the hard-lockup watchdog reports it (0: derived)"},
      {"panic_on_warn", "1", ParamType::kBool, 0, 1, "",
       "1: the first WARN ends the run as its failure, as under the kernel's panic_on_warn=1; 0: each WARN is "
       "reported and the run goes on past it, so what the kernel would do next is seen (a run with WARNs and no "
       "other failure fails with the first)"},
      {"quarantine", "-1", ParamType::kInt, -1, INT64_MAX, "",
       "memory reuse: a kfree'd object comes back from a later kmalloc of its size class once this many bytes of "
       "later frees have passed it, as past KASAN's quarantine (0: at once); until then an access to it is a use "
       "after free. -1: freed memory is never reused"},
      {"kmalloc_fill", "zero", ParamType::kChoice, 0, 0, "zero poison",
       "what kmalloc()ed memory and on-stack objects hold before they are written: zero (as init_on_alloc=1) or "
       "poison (0x6b bytes, SLUB's POISON_FREE under slub_debug=P); kzalloc() always zeroes"},
      {"broken", "none", ParamType::kChoice, 0, 0, "none skip-sync skip-release leak-retired sleep-in-atomic",
       "a deliberately broken workload, to show the checks fire"},
      {"mutate", "none", ParamType::kMutation, 0, 0, "",
       "a deliberately broken design: drop-mb@FUNC, drop-wmb@FUNC, drop-rmb@FUNC, plain-release@FUNC or "
       "plain-acquire@FUNC changes that barrier in function FUNC only"},
  };
  return kSpecs;
}

Params::Params() {
  for (const auto& s : specs()) values_.emplace_back(s.key, s.def);
  parse_int(str("seed"), &seed_);
}

// The whole token, and nothing else: strtoll alone would skip leading white space (a newline in a
// --set value was accepted, then written unescaped into the schedule) and stop at an embedded NUL.
bool parse_int(const std::string& s, int64_t* out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

// Exact decimal parsing: "0.003" is 3000 ppm on every machine, no floating point involved.
bool parse_prob_ppm(const std::string& s, uint32_t* out) {
  size_t i = 0;
  uint64_t whole = 0;
  bool any_digit = false;
  if (i >= s.size() || !(std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) return false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    whole = whole * 10 + uint64_t(s[i++] - '0');
    any_digit = true;
    if (whole > 1) return false;  // a probability: no wrap-around of a long integer part
  }
  uint64_t frac = 0;
  int digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      any_digit = true;
      if (digits < 6) {
        frac = frac * 10 + uint64_t(s[i] - '0');
        ++digits;
      } else if (s[i] != '0') {
        return false;  // finer than one in a million
      }
      ++i;
    }
  }
  if (i != s.size() || !any_digit) return false;  // "." alone is no number
  while (digits < 6) frac *= 10, ++digits;
  uint64_t ppm = whole * 1000000 + frac;
  if (ppm > 1000000) return false;
  *out = uint32_t(ppm);
  return true;
}

bool Params::set(const std::string& key, const std::string& value, std::string* err) {
  const ParamSpec* spec = nullptr;
  for (const auto& s : specs())
    if (key == s.key) spec = &s;
  if (!spec) {
    *err = fmt::format("unknown parameter '{}' (hazsim list --params shows them)", key);
    return false;
  }
  // A value is written into a schedule file as one `param.KEY = VALUE` line and read back by
  // load_text(), which ends it at a newline, cuts it at '#' and trims it: a value it cannot carry
  // back unchanged would make the saved schedule replay something else.
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f || c == '#') {
      *err = fmt::format("{}: a value may not hold control characters or '#' (got byte 0x{:02x})", key, c);
      return false;
    }
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
    *err = fmt::format("{} = '{}': no leading or trailing spaces", key, value);
    return false;
  }
  switch (spec->type) {
    case ParamType::kInt:
    case ParamType::kBool: {
      int64_t v;
      if (!parse_int(value, &v) || v < spec->min || v > spec->max) {
        *err = fmt::format("{} = '{}': expected an integer from {} to {}", key, value, spec->min, spec->max);
        return false;
      }
      break;
    }
    case ParamType::kProb: {
      uint32_t v;
      if (!parse_prob_ppm(value, &v)) {
        *err = fmt::format("{} = '{}': expected a probability from 0 to 1 (at most 6 decimals)", key, value);
        return false;
      }
      break;
    }
    case ParamType::kDesign: {
      bool known = false;
      for (const auto& d : hazptr::kDesigns) known |= value == d.name;
      for (const char* b : kBaselines) known |= value == b;  // hazsim compare's baselines
      known |= value == "none";  // a small test's own code (hazsim run FILE.c)
      // kernel:DIR, a tree's own source: the loader checks DIR when the scenario runs.
      if (value.starts_with("kernel:")) {
        if (value.size() > 7) break;
        *err = "kernel: takes a directory: --design kernel:DIR (a kernel tree, or a folder with "
               "include/linux/hazptr.h and kernel/hazptr.c)";
        return false;
      }
      if (!known) {
        std::string names;
        for (const auto& d : hazptr::kDesigns) names += std::string(names.empty() ? "" : ", ") + d.name;
        *err = fmt::format("unknown design '{}' (designs: {}; baselines for compare: refcount, percpu-ref)", value,
                           names);
        return false;
      }
      break;
    }
    case ParamType::kCostProfile: {
      CostProfile profile;
      if (!load_cost_profile(value, &profile, err)) return false;
      break;
    }
    case ParamType::kWorkload:
      if (value == "torture" || is_small_test(value)) break;
      *err = fmt::format("workload = '{}': expected torture, a kernel-C file (.c) or a C++ test (.cc)", value);
      return false;
    case ParamType::kKconfig: {
      if (value == "none") break;
      for (size_t start = 0; start <= value.size();) {
        size_t comma = value.find(',', start);
        std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        size_t eq = item.find('=');
        bool name_ok = eq != std::string::npos && eq > 0;
        for (size_t i = 0; name_ok && i < eq; ++i)
          name_ok = (item[i] >= 'A' && item[i] <= 'Z') || (item[i] >= '0' && item[i] <= '9') || item[i] == '_';
        if (!name_ok || (item.substr(eq + 1) != "y" && item.substr(eq + 1) != "n")) {
          *err = fmt::format("kconfig = '{}': expected NAME=y or NAME=n, comma-separated (e.g. PREEMPT_HAZPTR=n)",
                             value);
          return false;
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      break;
    }
    case ParamType::kStrategy: {
      StrategyKind k;
      int d;
      if (!parse_strategy(value, &k, &d) || k == StrategyKind::kReplay) {
        *err = fmt::format("{} = '{}': expected random, pct:D (D from 1 to 100), bounded:K (K from 0 to 100), arm, "
                           "portfolio, dpor or dpor:K (K from 0 to 100); replay is `hazsim replay`",
                           key, value);
        return false;
      }
      break;
    }
    case ParamType::kMutation: {
      Mutation m;
      if (!parse_mutation(value, &m)) {
        *err = fmt::format("{} = '{}': expected none, drop-mb@FUNC, drop-wmb@FUNC or plain-release@FUNC", key, value);
        return false;
      }
      break;
    }
    case ParamType::kChoice: {
      if (std::string(spec->choices).empty()) {
        if (value.empty() || value.find_first_of(" \t=") != std::string::npos) {
          *err = fmt::format("{} = '{}': expected one word", key, value);
          return false;
        }
        break;
      }
      std::istringstream words(spec->choices);
      std::string w;
      bool ok = false;
      while (words >> w) ok |= w == value;
      if (!ok) {
        *err = fmt::format("{} = '{}': expected one of: {}", key, value, spec->choices);
        return false;
      }
      break;
    }
  }
  for (auto& kv : values_)
    if (kv.first == key) kv.second = value;
  if (key != "seed") version_ = next_version();
  else parse_int(value, &seed_);
  return true;
}

void Params::set_seed(uint64_t seed) {
  static const size_t at = [] {
    size_t i = 0;
    while (std::string_view(specs()[i].key) != "seed") ++i;
    return i;
  }();
  const fmt::format_int digits(seed & uint64_t(INT64_MAX));  // its range, as set() checks
  values_[at].second.assign(digits.data(), digits.size());
  seed_ = int64_t(seed & uint64_t(INT64_MAX));
}

uint64_t Params::next_version() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

bool Params::load_text(const std::string& text, const std::string& origin, std::string* err) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto hash = line.find('#');
    if (hash != std::string::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) {
      *err = fmt::format("{}:{}: expected 'key = value', got '{}'", origin, n, line);
      return false;
    }
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    std::string e;
    if (!set(key, value, &e)) {
      *err = fmt::format("{}:{}: {}", origin, n, e);
      return false;
    }
  }
  return true;
}

// values_ holds every key, in spec order: a key's index in specs() is its index there. A run's
// set-up reads some twenty keys; a scan comparing each against sixty names was a tenth of a small
// test's run.
const std::string& Params::str(std::string_view key) const {
  static const std::unordered_map<std::string_view, size_t> index = [] {
    std::unordered_map<std::string_view, size_t> m;
    for (size_t i = 0; i < specs().size(); ++i) m.emplace(specs()[i].key, i);
    return m;
  }();
  static const std::string empty;
  auto it = index.find(key);
  return it == index.end() ? empty : values_[it->second].second;
}

int64_t Params::num(std::string_view key) const {
  int64_t v = 0;
  parse_int(str(key), &v);
  return v;
}

uint32_t Params::ppm(std::string_view key) const {
  uint32_t v = 0;
  parse_prob_ppm(str(key), &v);
  return v;
}

}  // namespace hazsim
