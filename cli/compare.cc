#include "cli/compare.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>
#include <tuple>

#include "scenarios/cost_runner.h"
#include "sim/schedule_file.h"

namespace hazsim {

namespace {

const std::vector<std::string> kDefaultDesigns = {"v5",      "v5-pcpucount",   "listphase-nodebug", "pertask",
                                                  "pertask-bitmap", "refcount", "percpu-ref"};
// Sync cost against tasks and against CPUs; reader cost against readers (refscale's 1, 8, 32).
// Overflow-list use and the hook's cost against how often readers sleep holding a pointer.
const std::vector<std::string> kDefaultSweeps = {"passive_tasks=0,1000,10000,100000", "cpus=2,8,32,128,256",
                                                 "nreaders=1,8,32", "reader_sleep=0,0.01,0.1,0.5"};
// The base every point starts from: a small machine, one reader per vCPU, few syncs.
const std::vector<std::pair<const char*, const char*>> kBase = {
    {"cpus", "8"},          {"nreaders", "-1"},     {"reader_loops", "100"}, {"writer_passes", "20"},
    {"reader_sleep", "0.01"}, {"writer_delay_ns", "2000"}, {"preempt_prob", "0.001"}, {"seed", "1"},
    {"max_steps", "100000000"}, {"sync_bound", "50000000"}, {"starve_bound", "50000000"}};
// What a sweep over a key fixes besides (unless --set says otherwise): the synchronize sweeps run
// without readers, so they measure the scan and not the wait for a reader to release; the reader
// sweep runs on 32 vCPUs, as refscale's did.
const std::vector<std::pair<const char*, std::pair<const char*, const char*>>> kSweepBase = {
    {"passive_tasks", {"nreaders", "0"}}, {"cpus", {"nreaders", "0"}}, {"nreaders", {"cpus", "32"}}};

struct Sweep {
  std::string key;
  std::vector<std::string> values;
};

struct Point {
  size_t sweep;
  std::string value, design;
  std::vector<CostOutcome> outs;  // one per seed
  const CostOutcome& out() const { return outs.front(); }
  bool failed() const {
    for (const auto& o : outs)
      if (o.run.failed) return true;
    return false;
  }
};

bool parse_sweep(const std::string& s, Sweep* out, std::string* err) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
    *err = fmt::format("--sweep '{}': expected key=v1,v2,...", s);
    return false;
  }
  out->key = s.substr(0, eq);
  std::string rest = s.substr(eq + 1);
  size_t start = 0;
  for (;;) {
    size_t comma = rest.find(',', start);
    std::string v = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (v.empty()) {
      *err = fmt::format("--sweep '{}': an empty value", s);
      return false;
    }
    out->values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

double per(uint64_t total, uint64_t n) { return n ? double(total) / double(n) : 0.0; }

struct Row {
  double reader, sync, sync_lines, hook, reclaim_delay;
  uint64_t hooks, lock_acq, contended, spin, mutex_waits;
};

Row row_of(const CostOutcome& o) {
  auto sec = [&](const char* n) {
    const SectionCost* s = o.totals.find(n);
    return s ? *s : SectionCost{};
  };
  SectionCost rd = sec("reader_section"), sy = sec("hazptr_synchronize"), hk = sec("hazptr_note_context_switch");
  SectionCost rt = sec("hazptr_retire"), rb = sec("hazptr_reclaim_batch");
  Row r{};
  r.reader = per(rd.cycles, rd.count);
  uint64_t objects = sy.count + rt.count;  // with a retire list, the batch's scan serves every object
  r.sync = per(sy.cycles + rt.cycles + rb.cycles, objects);
  r.sync_lines = per(sy.misses + rt.misses + rb.misses, objects);
  r.hook = per(hk.cycles, hk.count);
  r.hooks = hk.count;
  r.reclaim_delay = per(o.reclaim_delay, o.reclaimed);
  r.lock_acq = o.totals.raw_lock_acquires;
  r.contended = o.totals.raw_lock_contended;
  r.spin = o.totals.raw_lock_spin_cycles;
  r.mutex_waits = o.totals.mutex_waits;
  return r;
}

// A figure over the seeds: median, least and greatest.
struct Spread {
  double median = 0, min = 0, max = 0;
};
template <class F>
Spread spread(const Point& p, F field) {
  std::vector<double> v;
  for (const auto& o : p.outs)
    if (o.error.empty()) v.push_back(field(row_of(o)));
  Spread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.min = v.front();
  s.max = v.back();
  return s;
}
double reader_of(const Row& r) { return r.reader; }
double sync_of(const Row& r) { return r.sync; }

std::string spread_text(const Spread& s, int digits) {
  std::string lo = fmt::format("{:.{}f}", s.min, digits), hi = fmt::format("{:.{}f}", s.max, digits);
  if (lo == hi) return fmt::format("{:.{}f}", s.median, digits);  // every seed the same, as printed
  return fmt::format("{:.{}f} ({}-{})", s.median, digits, lo, hi);
}

// A string literal for a gnuplot script: single-quoted, with a quote written twice.
std::string gnuplot_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

// Runs a program with an argument vector (no shell), its output discarded; true if it exited 0.
bool run_quietly(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// One SVG per (sweep, metric) with a line per design, drawn by gnuplot if it is installed.
bool plot(const std::string& dir, const Sweep& sw, const std::vector<std::string>& designs,
          const std::vector<Point>& points, size_t sweep_index, const char* metric, const char* ylabel,
          std::string* svg) {
  std::string svg_path = fmt::format("{}/{}-{}.svg", dir, metric, sw.key);
  std::string base = fmt::format("{}/plot-data/{}-{}", dir, metric, sw.key);  // gnuplot's inputs, kept
  std::error_code ec;
  std::filesystem::create_directories(dir + "/plot-data", ec);
  std::string script = fmt::format(
      "set terminal svg size 800,500 dynamic font 'sans,12'\nset termoption noenhanced\nset output {}\n"
      "set title '{} against {} (log axes; 0 drawn at 1; median and range over the seeds)'\n"
      "set xlabel '{}'\nset ylabel '{}'\nset key outside right\nset grid\n",
      gnuplot_quoted(svg_path), ylabel, sw.key, sw.key, ylabel);
  bool numeric_log = sw.key == "passive_tasks" || sw.key == "cpus";
  if (numeric_log) script += "set logscale xy\n";
  else script += "set logscale y\n";
  std::string plots;
  for (const auto& d : designs) {
    std::string data;
    for (const auto& p : points) {
      if (p.sweep != sweep_index || p.design != d || p.failed()) continue;
      Spread y = std::string(metric) == "sync" ? spread(p, sync_of) : spread(p, reader_of);
      double x = std::atof(p.value.c_str());
      if (numeric_log && x <= 0) x = std::string(sw.key) == "passive_tasks" ? 1 : x;  // log axis: 0 tasks at 1
      if (y.median > 0) data += fmt::format("{} {} {} {}\n", x, y.median, std::max(y.min, 1e-9), y.max);
    }
    std::string dat = fmt::format("{}-{}.dat", base, d);
    std::string err;
    if (data.empty() || !write_file(dat, data, &err)) continue;
    // The median with the seeds' range as error bars.
    plots += fmt::format("{}{} using 1:2:3:4 with yerrorlines title {}", plots.empty() ? "plot " : ", ",
                         gnuplot_quoted(dat), gnuplot_quoted(d));
  }
  if (plots.empty()) return false;
  std::string gp = base + ".gp", err;
  if (!write_file(gp, script + plots + "\n", &err)) return false;
  *svg = svg_path;
  return run_quietly({"gnuplot", gp});
}

}  // namespace

int cmd_compare(const CompareOptions& o) {
  auto fail = [](const std::string& msg) {
    fmt::print(stderr, "hazsim: error: {}\n", msg);
    return 2;
  };
  std::vector<std::string> designs = o.designs.empty() ? kDefaultDesigns : o.designs;
  std::vector<Sweep> sweeps;
  std::string err;
  for (const auto& s : o.sweeps.empty() ? kDefaultSweeps : o.sweeps) {
    Sweep sw;
    if (!parse_sweep(s, &sw, &err)) return fail(err);
    sweeps.push_back(sw);
  }
  Params base;
  for (const auto& [k, v] : kBase) base.set(k, v, &err);
  if (!o.profile.empty() && !base.set("cost_profile", o.profile, &err)) return fail(err);
  for (const auto& kv : o.sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return fail(fmt::format("--set '{}': expected key=value", kv));
    if (!base.set(kv.substr(0, eq), kv.substr(eq + 1), &err)) return fail(err);
  }
  if (o.seeds < 1 || o.seeds > 1000) return fail(fmt::format("--seeds {}: from 1 to 1000", o.seeds));
  uint64_t first_seed = uint64_t(base.num("seed"));
  // Every point's parameters, checked before anything runs.
  std::vector<Point> points;
  std::vector<Params> params;
  for (size_t si = 0; si < sweeps.size(); ++si)
    for (const auto& v : sweeps[si].values)
      for (const auto& d : designs) {
        Params p = base;
        for (const auto& [key, fixed] : kSweepBase) {
          bool user_set = false;
          for (const auto& kv : o.sets) user_set |= kv.rfind(std::string(fixed.first) + "=", 0) == 0;
          if (sweeps[si].key == key && !user_set) p.set(fixed.first, fixed.second, &err);
        }
        if (!p.set("design", d, &err) || !p.set(sweeps[si].key, v, &err)) return fail(err);
        points.push_back({si, v, d, std::vector<CostOutcome>(size_t(o.seeds))});
        params.push_back(p);
      }
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return fail(fmt::format("--out {}: {}", o.out_dir, ec.message()));

  fmt::print("hazsim-compare: {} designs, {} sweeps, {} points x {} seeds on {} threads (cycles under cost profile "
             "{}; figures: median (least-greatest) over the seeds)\n",
             designs.size(), sweeps.size(), points.size(), o.seeds, o.jobs, base.str("cost_profile"));
  std::fflush(stdout);
  std::atomic<size_t> next{0};
  std::mutex mu;
  size_t runs = points.size() * size_t(o.seeds);
  auto worker = [&] {
    Machine m;
    for (size_t i; (i = next++) < runs;) {
      size_t point = i / size_t(o.seeds), seed = i % size_t(o.seeds);
      Params p = params[point];
      std::string e;
      p.set("seed", std::to_string(first_seed + seed), &e);
      CostOutcome out = run_cost(m, p);
      std::lock_guard<std::mutex> lock(mu);
      points[point].outs[seed] = std::move(out);
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < o.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  // The table and the CSV: reader and sync as median (least-greatest) over the seeds; the other
  // columns are the first seed's run.
  std::string csv =
      "sweep,value,design,reader_cycles,reader_min,reader_max,sync_cycles,sync_min,sync_max,seeds,sync_lines,"
      "hook_cycles,hooks,raw_lock_acquires,raw_lock_contended,lock_spin_cycles,mutex_waits,reclaim_delay_cycles,"
      "result\n";
  std::string md;
  for (size_t si = 0; si < sweeps.size(); ++si) {
    fmt::print("\n{} (cycles; reader = one acquire+release section, sync = one hazptr_synchronize)\n", sweeps[si].key);
    fmt::print("{:>8} {:<18} {:>20} {:>26} {:>7} {:>8} {:>6} {:>8} {:>7} {:>9} {:>6} {:>10}\n", sweeps[si].key,
               "design", "reader", "sync", "lines", "hook", "hooks", "locks", "contend", "spin", "mutex", "reclaim");
    for (const auto& p : points) {
      if (p.sweep != si) continue;
      if (!p.out().error.empty()) {
        fmt::print("{:>8} {:<18} cannot run: {}\n", p.value, p.design, p.out().error);
        continue;
      }
      Row r = row_of(p.out());
      Spread rd = spread(p, reader_of), sy = spread(p, sync_of);
      std::string result = "ok";
      for (const auto& o2 : p.outs)
        if (o2.run.failed) result = fmt::format("FAILED {}", oracle_name(o2.run.failure.oracle));
      fmt::print("{:>8} {:<18} {:>20} {:>26} {:>7.1f} {:>8.1f} {:>6} {:>8} {:>7} {:>9} {:>6} {:>10.0f}{}\n", p.value,
                 p.design, spread_text(rd, 1), spread_text(sy, 0), r.sync_lines, r.hook, r.hooks, r.lock_acq,
                 r.contended, r.spin, r.mutex_waits, r.reclaim_delay, p.failed() ? "  " + result : "");
      csv += fmt::format("{},{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{},{:.1f},{:.1f},{},{},{},{},{},{:.1f},{}\n",
                         sweeps[si].key, p.value, p.design, rd.median, rd.min, rd.max, sy.median, sy.min, sy.max,
                         o.seeds, r.sync_lines, r.hook, r.hooks, r.lock_acq, r.contended, r.spin, r.mutex_waits,
                         r.reclaim_delay, result);
    }
    // Markdown: one table per figure, a row per value, a column per design.
    for (auto [metric, label, digits] : {std::tuple{"sync", "hazptr_synchronize(), cycles", 0},
                                         std::tuple{"reader", "reader section, cycles", 1}}) {
      bool any = false;  // a sweep without readers has no reader figures: no table
      for (const auto& p : points)
        if (p.sweep == si && p.out().error.empty())
          any |= (std::string(metric) == "sync" ? spread(p, sync_of) : spread(p, reader_of)).max > 0;
      if (!any) continue;
      md += fmt::format("\n{} against {}:\n\n| {} |", label, sweeps[si].key, sweeps[si].key);
      std::string sep = "|---:|";
      for (const auto& d : designs) md += fmt::format(" {} |", d), sep += "---:|";
      md += "\n" + sep + "\n";
      for (const auto& v : sweeps[si].values) {
        md += fmt::format("| {} |", v);
        for (const auto& d : designs)
          for (const auto& p : points)
            if (p.sweep == si && p.value == v && p.design == d)
              md += " " +
                    (!p.out().error.empty() ? std::string("-")
                     : p.failed()           ? std::string("failed")
                                            : spread_text(std::string(metric) == "sync" ? spread(p, sync_of)
                                                                                        : spread(p, reader_of),
                                                          digits)) +
                    " |";
        md += "\n";
      }
    }
  }
  if (!o.markdown.empty() && !write_file(o.markdown, md, &err)) return fail(err);
  std::string csv_path = o.out_dir + "/compare.csv";
  if (!write_file(csv_path, csv, &err)) return fail(err);
  fmt::print("\nhazsim-compare: table written to {}\n", csv_path);
  bool have_gnuplot = run_quietly({"gnuplot", "--version"});
  for (size_t si = 0; si < sweeps.size(); ++si)
    for (auto [metric, label] : {std::pair{"sync", "synchronize cycles"}, std::pair{"reader", "reader section cycles"}}) {
      std::string svg;
      if (!have_gnuplot) break;
      if (plot(o.out_dir, sweeps[si], designs, points, si, metric, label, &svg))
        fmt::print("hazsim-compare: plot {}\n", svg);
    }
  if (!have_gnuplot) fmt::print("hazsim-compare: gnuplot is not installed (apt-get install gnuplot-nox): no plots\n");
  return 0;
}

}  // namespace hazsim
