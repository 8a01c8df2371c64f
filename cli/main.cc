// hazsim: run, replay and fuzz hazard-pointer designs on the deterministic simulated machine.
// Exit codes: 0 success, 1 an oracle fired, 2 bad input, 3 a replay diverged.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "cli/compare.h"
#include "cli/report.h"
#include "cli/trace.h"
#include "hazptr/registry.h"
#include "scenarios/campaign_coverage.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"
#include "scenarios/shrink.h"
#include "explore/bounded.h"
#include "sim/schedule_file.h"

using namespace hazsim;

namespace {

constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitDiverged = 3;

std::atomic<bool> g_interrupted{false};

int usage_error(const std::string& msg) {
  fmt::print(stderr, "hazsim: error: {}\n", msg);
  return kExitUsage;
}

// Options shared by run and fuzz: they override the scenario file.
struct RunOptions {
  std::string scenario;
  std::string design, memory_model, strategy;
  int64_t seed = -1, cpus = -1;
  std::vector<std::string> sets;
  bool quiet = false;

  void add_to(CLI::App* app) {
    app->add_option("--design", design, "hazard-pointer design (hazsim list)");
    app->add_option("--seed", seed, "seed (run: the run's; fuzz: the first of consecutive seeds)");
    app->add_option("--cpus", cpus, "number of vCPUs");
    app->add_option("--memory-model", memory_model, "memory model: sc, tso or pso");
    app->add_option("--strategy", strategy, "exploration strategy: random, pct:D, bounded:K, arm or portfolio (fuzz's default)");
    app->add_option("--set", sets, "override a parameter: --set key=value (repeatable)");
    app->add_flag("-q,--quiet", quiet, "print only the end line and the schedule hash");
  }

  // The scenario's parameters with every override applied; false with *err one line.
  bool resolve(Params* p, std::string* err) const {
    if (!load_scenario(scenario, p, err)) return false;
    auto set = [&](const std::string& k, const std::string& v) {
      if (!p->set(k, v, err)) return false;
      return true;
    };
    for (const auto& kv : sets) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) {
        *err = fmt::format("--set '{}': expected key=value", kv);
        return false;
      }
      if (!set(kv.substr(0, eq), kv.substr(eq + 1))) return false;
    }
    if (!design.empty() && !set("design", design)) return false;
    if (!memory_model.empty() && !set("memory_model", memory_model)) return false;
    if (!strategy.empty() && !set("strategy", strategy)) return false;
    if (seed >= 0 && !set("seed", std::to_string(seed))) return false;
    if (cpus >= 0 && !set("cpus", std::to_string(cpus))) return false;
    return true;
  }

  // The command line that reruns one seed exactly.
  std::string rerun_command(const Params& p) const {
    std::string cmd = fmt::format("hazsim run {} --design {} --seed {}", scenario, p.str("design"), p.str("seed"));
    Params base;
    std::string e;
    load_scenario(scenario, &base, &e);
    for (const auto& [k, v] : p.items())
      if (k != "design" && k != "seed" && k != "scenario" && v != base.str(k)) cmd += fmt::format(" --set {}={}", k, v);
    return cmd;
  }
};

ScheduleFile schedule_of(const Params& p, const ScenarioOutcome& o) {
  ScheduleFile s;
  s.params = p.items();
  s.failed = o.run.failed;
  s.oracle = oracle_name(o.run.failure.oracle);
  s.steps = o.run.steps;
  s.hash = o.run.hash;
  s.decisions = o.decisions;
  return s;
}

bool shrink_and_save(const Params& p, const std::vector<uint16_t>& decisions, const std::string& out_path,
                     const ShrinkOptions& opts, bool narrate, std::string* err);

void print_run(const Params& p, const ScenarioOutcome& o, bool quiet) {
  if (!quiet) {
    fmt::print("{}\n", start_line(p));
    fmt::print("hazsim-torture: {}\n", o.reader_pipe);
    fmt::print("hazsim-torture: writer passes {}, reader passes {}, IPI reads {}, IPI acquires {}, IPI releases {}, "
               "deferred {}, reclaim batches {} freeing {}; {} steps, {} ns virtual, {} context switches, {} preemptions, "
               "{} migrations, {} interrupts\n",
               o.stats.writer_passes, o.stats.reader_passes, o.stats.irq_reads, o.stats.irq_acquires,
               o.stats.irq_releases, o.stats.deferred, o.stats.reclaim_batches, o.stats.batch_reclaimed, o.run.steps,
               o.run.now_ns,
               o.run.context_switches, o.run.preemptions, o.run.migrations, o.run.irqs);
    if (o.run.failed) fmt::print("{}", failure_report(o));
  } else if (o.run.failed) {
    fmt::print("hazsim-torture: !!! {} [oracle: {}]\n", o.run.failure.message, oracle_name(o.run.failure.oracle));
  }
  fmt::print("{}\n", end_line(p, o.run.failed));
  fmt::print("schedule-hash: {:016x}\n", o.run.hash);
}

int cmd_list(bool params) {
  if (params) {
    fmt::print("Parameters (scenario files: `key = value`; command line: --set key=value):\n");
    for (const auto& s : Params::specs())
      fmt::print("  {:<20} default {:<8} {}{}\n", s.key, s.def, s.help,
                 std::string(s.choices).empty() ? "" : fmt::format(" [{}]", s.choices));
    return kExitOk;
  }
  fmt::print("Scenarios (scenarios/configs):\n");
  for (const auto& n : scenario_names()) fmt::print("  {}\n", n);
  fmt::print("Designs:\n");
  for (const auto& d : hazptr::kDesigns) fmt::print("  {:<14} {}  [{}]\n", d.name, d.summary, d.source);
  fmt::print("Strategies:\n  random         uniform choices with the *_prob parameters\n"
             "  pct:D          PCT (Burckhardt et al., ASPLOS 2010): random task priorities, D-1 change points\n"
             "  bounded:K      every schedule with at most K eventful choices (fuzz; small scenarios)\n"
             "  arm            site arming (BUGGIFY): armed sites fire events more and may stall their vCPU\n"
             "  portfolio      the seed picks random, pct:2, arm or pct:3 (fuzz's default)\n"
             "  replay         the choices of a schedule file (hazsim replay)\n");
  fmt::print("Memory models:\n  sc             sequential consistency\n"
             "  tso            FIFO store buffer per vCPU, store-to-load forwarding (x86)\n"
             "  pso            tso, and stores to different locations may drain out of order\n");
  fmt::print("Default matrix (CFLIST):\n");
  std::vector<std::pair<std::string, std::string>> cf;
  std::string err;
  if (load_cflist(&cf, &err))
    for (const auto& [s, d] : cf) fmt::print("  {} {}\n", s, d);
  return kExitOk;
}

int cmd_run(const RunOptions& o, const std::string& save) {
  Params p;
  std::string err;
  if (!o.resolve(&p, &err)) return usage_error(err);
  Machine m;
  ScenarioOutcome out = run_scenario(m, p);
  if (!out.error.empty()) return usage_error(out.error);
  print_run(p, out, o.quiet);
  if (!save.empty()) {
    if (!write_file(save, format_schedule(schedule_of(p, out)), &err)) return usage_error(err);
    fmt::print("schedule saved: {}\n", save);
  }
  if (out.run.failed) fmt::print("replay: {}\n", save.empty() ? o.rerun_command(p) : "hazsim replay " + save);
  return out.run.failed ? kExitFailure : kExitOk;
}

// FILE.sched -> FILE<suffix>, beside it.
std::string sibling_path(const std::string& file, const char* suffix) {
  auto dot = file.rfind(".sched");
  return (dot == std::string::npos ? file : file.substr(0, dot)) + suffix;
}

bool load_schedule_file(const std::string& file, ScheduleFile* s, Params* p, std::string* err) {
  std::string text;
  if (!read_file(file, &text, err)) return false;
  if (!parse_schedule(text, file, s, err)) return false;
  for (const auto& [k, v] : s->params)
    if (!p->set(k, v, err)) {
      *err = fmt::format("{}: {}", file, *err);
      return false;
    }
  return true;
}

int cmd_shrink(const std::string& file, std::string out, double max_time) {
  ScheduleFile s;
  Params p;
  std::string err;
  if (!load_schedule_file(file, &s, &p, &err)) return usage_error(err);
  if (out.empty()) out = sibling_path(file, ".min.sched");
  ShrinkOptions opts;
  opts.max_seconds = max_time;
  if (!shrink_and_save(p, s.decisions, out, opts, true, &err)) return usage_error(fmt::format("{}: {}", file, err));
  return kExitFailure;  // the shrunk schedule fails, as its input did
}

int cmd_trace(const std::string& file, const std::string& format, std::string out) {
  ScheduleFile s;
  Params p;
  std::string err;
  if (!load_schedule_file(file, &s, &p, &err)) return usage_error(err);
  Machine m;
  std::vector<Event> events;
  m.set_full_trace(&events);
  ScenarioOutcome o = run_scenario(m, p, &s.decisions);
  m.set_full_trace(nullptr);
  if (!o.error.empty()) return usage_error(o.error);
  std::string text = format == "json" ? chrome_json(events, m) : ftrace_text(events, m);
  if (out.empty()) out = sibling_path(file, format == "json" ? ".json" : ".ftrace.txt");
  if (out == "-") {
    fmt::print("{}", text);
    return kExitOk;
  }
  if (!write_file(out, text, &err)) return usage_error(err);
  fmt::print("hazsim-trace: {} events of a {} run written to {} ({})\n", events.size(),
             o.run.failed ? "failing" : "passing", out,
             format == "json" ? "open it in Perfetto or chrome://tracing" : "open it in Perfetto: ui.perfetto.dev");
  return kExitOk;
}

int cmd_replay(const std::string& file, bool quiet) {
  std::string err;
  ScheduleFile s;
  Params p;
  if (!load_schedule_file(file, &s, &p, &err)) return usage_error(err);
  Machine m;
  ScenarioOutcome out = run_scenario(m, p, &s.decisions);
  if (!out.error.empty()) return usage_error(out.error);
  print_run(p, out, quiet);
  std::vector<std::string> why;
  if (out.diverged) why.push_back("a recorded choice did not fit the rerun");
  if (out.consumed != s.decisions.size())
    why.push_back(fmt::format("the rerun made {} choices, the file records {}", out.consumed, s.decisions.size()));
  if (out.run.failed != s.failed || std::string(oracle_name(out.run.failure.oracle)) != s.oracle)
    why.push_back(fmt::format("the rerun ended in {} ({}), the file in {} ({})", out.run.failed ? "FAILURE" : "SUCCESS",
                              oracle_name(out.run.failure.oracle), s.failed ? "FAILURE" : "SUCCESS", s.oracle));
  if (out.run.steps != s.steps) why.push_back(fmt::format("{} steps, the file {}", out.run.steps, s.steps));
  if (out.run.hash != s.hash) why.push_back(fmt::format("schedule hash {:016x}, the file {:016x}", out.run.hash, s.hash));
  if (!why.empty()) {
    std::string all;
    for (const auto& w : why) all += (all.empty() ? "" : "; ") + w;
    fmt::print(stderr, "hazsim: replay of {} diverged: {}\n", file, all);
    return kExitDiverged;
  }
  fmt::print("replay: identical to the recorded run ({} choices)\n", s.decisions.size());
  return out.run.failed ? kExitFailure : kExitOk;
}

std::string size_text(const RunResult& r) {
  return fmt::format("{} steps, {} preemptions, {} interrupts, {} migrations, {} drains, {} vCPU switches", r.steps,
                     r.preemptions, r.irqs, r.migrations, r.drains, r.cpu_switches);
}

// Shrinks, writes the result, and tells it. Returns false (with *err) if the input does not fail.
bool shrink_and_save(const Params& p, const std::vector<uint16_t>& decisions, const std::string& out_path,
                     const ShrinkOptions& opts, bool narrate, std::string* err) {
  Machine m;
  ShrinkResult r = shrink_schedule(m, p, decisions, opts);
  if (!r.reproduced) {
    *err = "the schedule does not fail when rerun, so there is nothing to shrink";
    return false;
  }
  if (!write_file(out_path, format_schedule(schedule_of(p, r.shrunk)), err)) return false;
  fmt::print("hazsim-shrink: {} runs{}: before {}\n", r.runs, r.exhausted ? "" : " (budget reached)",
             size_text(r.original.run));
  fmt::print("hazsim-shrink: after  {}\n", size_text(r.shrunk.run));
  fmt::print("hazsim-shrink: still fails the same way: {} at {}\n", oracle_name(r.shrunk.run.failure.oracle),
             r.shrunk.run.failure.site);
  fmt::print("hazsim-shrink: written to {} (replay: hazsim replay {})\n", out_path, out_path);
  if (narrate) {
    std::vector<Event> trace;
    m.set_full_trace(&trace);
    ScenarioOutcome again = run_scenario(m, p, &r.shrunk.decisions);
    m.set_full_trace(nullptr);
    fmt::print("hazsim-shrink: the shortest schedule, in words:\n{}", schedule_narrative(trace, m, again));
  }
  return true;
}

struct FuzzTotals {
  std::string error;
  long runs = 0, failures = 0, corpus_runs = 0;
  std::map<std::string, long> by_oracle;
  CampaignCoverage coverage;
  size_t corpus = 0;
};

// Coverage guidance: runs that hit a new (site, event) pair join the corpus; every fourth run
// retraces the first part of a random or arm corpus entry (its seed, a prefix of its choices) and
// goes on with fresh choices from there. The schedule file of such a run has that seed and all its
// choices, so it replays like any other.
struct Corpus {
  static constexpr size_t kMax = 256;
  struct Entry {
    std::string seed;
    std::vector<uint16_t> decisions;
  };
  std::vector<Entry> entries;

  // Run i as an extension: sets p's seed to the entry's and returns the prefix (empty: a fresh run).
  std::vector<uint16_t> prefix_for(long i, Params* p) const {
    if (entries.empty() || i % 4 != 3) return {};
    uint64_t h = uint64_t(i) * 0x9E3779B97F4A7C15ull;
    const Entry& e = entries[(h >> 32) % entries.size()];
    std::string err;
    p->set("seed", e.seed, &err);
    return std::vector<uint16_t>(e.decisions.begin(), e.decisions.begin() + long(h % (e.decisions.size() + 1)));
  }
  // Only fresh random and arm runs can be extended: PCT's choices are its own.
  static bool extensible(const Params& p) {
    StrategyKind k;
    int d;
    std::string strategy = p.str("strategy");
    if (strategy == "portfolio") strategy = portfolio_member(uint64_t(p.num("seed")));
    parse_strategy(strategy, &k, &d);
    return k == StrategyKind::kRandom || k == StrategyKind::kArm;
  }
  void add(long i, std::string seed, std::vector<uint16_t> decisions) {
    Entry e{std::move(seed), std::move(decisions)};
    if (entries.size() < kMax) entries.push_back(std::move(e));
    else entries[size_t(i) % kMax] = std::move(e);
  }
};

// One campaign on one (scenario, design): consecutive seeds, each failure saved at once. With
// jobs > 1, threads take seeds from one counter, each with its own machine: every seed's run is
// the same whichever thread runs it.
FuzzTotals fuzz_one(const RunOptions& o, const Params& base, long runs, double max_seconds,
                    const std::string& artifacts, bool summary_only, double shrink_seconds, int jobs) {
  FuzzTotals t;
  std::mutex mu;  // guards t, printing and the shrink decision
  std::atomic<long> next{0};
  std::atomic<bool> stop{false};
  auto start = std::chrono::steady_clock::now();
  auto last_status = start;
  bool tty = isatty(STDERR_FILENO);
  uint64_t seed0 = uint64_t(base.num("seed"));
  std::error_code ec;
  std::filesystem::create_directories(artifacts, ec);

  // Bazel test sharding: shard k of n runs seeds k, k+n, k+2n, ... of the campaign.
  long shards = 1, shard = 0;
  if (const char* n = std::getenv("TEST_TOTAL_SHARDS")) {
    shards = std::max(1L, std::atol(n));
    if (const char* k = std::getenv("TEST_SHARD_INDEX")) shard = std::atol(k);
  }
  // Coverage and the corpus advance in rounds: a run sees the corpus as it stood when its round
  // began, and a round's runs are merged in order once all of them have finished, so a campaign
  // is the same for any --jobs.
  constexpr long kRound = 32;
  struct Finished {
    long i;
    std::string seed;
    bool extensible;  // a fresh random or arm run: may join the corpus
    std::vector<uint16_t> decisions;
    std::vector<SiteEntry> sites;
  };
  std::map<long, Finished> finished;  // by position k, not yet merged
  long merged = 0;                    // positions below this are merged
  std::condition_variable round_done;
  Corpus corpus;
  auto merge_rounds = [&](bool rest) {  // with mu held
    for (;;) {
      long end = merged + kRound;
      bool complete = true;
      for (long k = merged; k < end && complete; ++k) complete = finished.count(k) != 0;
      if (!complete && !(rest && !finished.empty())) return;
      for (long k = merged; k < end; ++k) {
        auto it = finished.find(k);
        if (it == finished.end()) continue;
        if (t.coverage.merge(it->second.sites) && it->second.extensible)
          corpus.add(it->second.i, std::move(it->second.seed), std::move(it->second.decisions));
        finished.erase(it);
      }
      merged = end;
      round_done.notify_all();
    }
  };
  auto worker = [&] {
    Machine m;
    m.set_coverage(true);
    for (;;) {
      if (g_interrupted || stop) return;
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (max_seconds > 0 && elapsed >= max_seconds) return;
      long k = next++;
      long i = k * shards + shard;
      if (runs > 0 && i >= runs) return;
      Params p = base;
      std::string err;
      p.set("seed", std::to_string(seed0 + uint64_t(i)), &err);
      std::vector<uint16_t> prefix;
      {
        std::unique_lock<std::mutex> lock(mu);
        while (merged < k / kRound * kRound && !stop && !g_interrupted)
          round_done.wait_for(lock, std::chrono::milliseconds(100));  // a signal cannot notify
        if (stop || g_interrupted) {
          stop = true;  // this position will not run: nobody may wait for its round
          round_done.notify_all();
          return;
        }
        prefix = corpus.prefix_for(i, &p);
      }
      ScenarioOutcome out =
          run_scenario(m, p, nullptr, nullptr, prefix.empty() ? nullptr : &prefix, seed0 + uint64_t(i));
      bool shrink_this = false;
      std::string path;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!out.error.empty()) {
          t.error = out.error;
          stop = true;
          return;
        }
        ++t.runs;
        t.corpus_runs += !prefix.empty();
        Finished f{i, p.str("seed"), prefix.empty() && Corpus::extensible(p), out.decisions, {}};
        m.sites().for_each([&](const SiteEntry& e) {
          if (e.in_design && e.offered) f.sites.push_back(e);
        });
        finished.emplace(k, std::move(f));
        merge_rounds(false);
        if (out.run.failed) {
          ++t.failures;
          long& of_kind = t.by_oracle[oracle_name(out.run.failure.oracle)];
          ++of_kind;
          std::string run_name = prefix.empty() ? "seed" + p.str("seed")
                                                : fmt::format("run{}-extends-seed{}", seed0 + uint64_t(i), p.str("seed"));
          path = fmt::format("{}/{}-{}-{}.sched", artifacts, p.str("scenario"), p.str("design"), run_name);
          std::string werr;
          bool saved = write_file(path, format_schedule(schedule_of(p, out)), &werr);
          if (!summary_only || t.failures == 1)
            fmt::print("hazsim-fuzz: !!! {} {} {}: {} [oracle: {}]\n    {}\n", p.str("scenario"), p.str("design"),
                       run_name, out.run.failure.message, oracle_name(out.run.failure.oracle),
                       saved ? "replay: hazsim replay " + path : "could not save: " + werr);
          std::fflush(stdout);
          // Shrink the first failure of each kind (a new oracle), keeping both files.
          shrink_this = saved && shrink_seconds > 0 && of_kind == 1;
        }
        auto now = std::chrono::steady_clock::now();
        if (now - last_status > std::chrono::seconds(tty ? 1 : 10)) {
          last_status = now;
          double secs = std::chrono::duration<double>(now - start).count();
          if (tty)
            fmt::print(stderr, "\r#{} runs {} failures {} ({:.0f} runs/s)   ", o.scenario, t.runs, t.failures,
                       t.runs / secs);
          else
            fmt::print(stderr, "hazsim-fuzz: {} {}: {} runs, {} failures, {:.1f} s\n", base.str("scenario"),
                       base.str("design"), t.runs, t.failures, secs);
        }
      }
      if (shrink_this) {
        ShrinkOptions so;
        so.max_seconds = shrink_seconds;
        std::string min_path = sibling_path(path, ".min.sched"), serr;
        std::lock_guard<std::mutex> lock(mu);  // keeps the shrink report in one piece
        if (!shrink_and_save(p, out.decisions, min_path, so, false, &serr))
          fmt::print("hazsim-fuzz: could not shrink {}: {}\n", path, serr);
        std::fflush(stdout);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& th : threads) th.join();
  merge_rounds(true);
  if (tty) fmt::print(stderr, "\r\033[K");
  t.corpus = corpus.entries.size();
  return t;
}

// bounded:K: every schedule with at most K eventful choices, depth first, one thread.
FuzzTotals fuzz_bounded(const Params& p, long runs, const std::string& artifacts) {
  FuzzTotals t;
  std::error_code ec;
  std::filesystem::create_directories(artifacts, ec);
  Machine m;
  ExploreResult r = explore_all(m.decisions(), runs > 0 ? uint64_t(runs) : UINT64_MAX, [&](const std::vector<uint16_t>& prefix) {
    if (g_interrupted || !t.error.empty()) return;
    ScenarioOutcome out = run_scenario(m, p, nullptr, &prefix);
    if (!out.error.empty()) {
      t.error = out.error;
      return;
    }
    ++t.runs;
    if (!out.run.failed) return;
    ++t.failures;
    ++t.by_oracle[oracle_name(out.run.failure.oracle)];
    std::string path = fmt::format("{}/{}-{}-{}-run{}.sched", artifacts, p.str("scenario"), p.str("design"),
                                   p.str("strategy"), t.runs);
    for (char& c : path)
      if (c == ':') c = '-';
    std::string werr;
    bool saved = write_file(path, format_schedule(schedule_of(p, out)), &werr);
    if (t.failures <= 3)
      fmt::print("hazsim-fuzz: !!! {} {} {} schedule {}: {} [oracle: {}]\n    {}\n", p.str("scenario"), p.str("design"),
                 p.str("strategy"), t.runs, out.run.failure.message, oracle_name(out.run.failure.oracle),
                 saved ? "replay: hazsim replay " + path : "could not save: " + werr);
  });
  fmt::print("hazsim-fuzz: {}: {} schedules with at most {} events; {}\n", p.str("strategy"), r.runs,
             p.str("strategy").substr(8),
             r.exhausted ? "the space is exhausted" : "stopped before the space was exhausted (--runs)");
  return t;
}

// fuzz runs the portfolio unless the command line names a strategy.
bool strategy_given(const RunOptions& o) {
  if (!o.strategy.empty()) return true;
  for (const auto& kv : o.sets)
    if (kv.rfind("strategy=", 0) == 0) return true;
  return false;
}

// The campaign's coverage: a line, the first `show` pairs never hit, and the whole table in a file.
void report_coverage(const Params& p, const FuzzTotals& t, const std::string& artifacts, size_t show) {
  std::vector<std::string> missed = t.coverage.never_hit();
  std::string path = fmt::format("{}/{}-{}-coverage.txt", artifacts, p.str("scenario"), p.str("design")), err;
  bool saved = write_file(path, t.coverage.table(), &err);
  fmt::print("hazsim-fuzz: coverage: {} of {} (site, event) pairs in design code hit; {} runs extended {} corpus "
             "entries; {} never hit{}\n",
             t.coverage.hit_pairs(), t.coverage.offered_pairs(), t.corpus_runs, t.corpus, missed.size(),
             saved ? " (table: " + path + ")" : "");
  for (size_t i = 0; i < missed.size() && i < show; ++i) fmt::print("    never: {}\n", missed[i]);
  if (missed.size() > show && show > 0) fmt::print("    ... and {} more\n", missed.size() - show);
}

int cmd_fuzz(const RunOptions& o, long runs, double max_seconds, const std::string& artifacts, bool cflist,
             double shrink_seconds, int jobs) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string err;
  if (cflist) {
    if (!load_cflist(&pairs, &err)) return usage_error(err);
  } else {
    if (o.scenario.empty()) return usage_error("fuzz needs a SCENARIO or --cflist");
    pairs.emplace_back(o.scenario, o.design);
  }
  std::vector<std::pair<RunOptions, Params>> plan;
  for (const auto& [scn, design] : pairs) {
    RunOptions ro = o;
    ro.scenario = scn;
    if (!design.empty()) ro.design = design;
    Params p;
    if (!ro.resolve(&p, &err)) return usage_error(err);
    if (!strategy_given(ro) && p.str("strategy") == "random") p.set("strategy", "portfolio", &err);
    if (const char* r = std::getenv("TEST_RANDOM_SEED"))  // bazel test --runs_per_test: one seed range per run
      p.set("seed", std::to_string(p.num("seed") + std::atol(r) * 1000003L), &err);
    plan.emplace_back(ro, p);
  }
  // Under `bazel test`: say that sharding is honoured, and let --runs_per_test vary the seeds.
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE")) std::fclose(std::fopen(status, "w"));
  std::signal(SIGINT, [](int) { g_interrupted = true; });
  std::signal(SIGTERM, [](int) { g_interrupted = true; });
  long total_failures = 0;
  std::vector<std::string> summary;
  for (auto& [ro, p] : plan) {
    if (g_interrupted) break;
    auto start = std::chrono::steady_clock::now();
    bool bounded = p.str("strategy").rfind("bounded:", 0) == 0;
    FuzzTotals t = bounded ? fuzz_bounded(p, runs, artifacts)
                           : fuzz_one(ro, p, runs, max_seconds, artifacts, cflist, shrink_seconds, jobs);
    if (!t.error.empty()) return usage_error(t.error);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string kinds;
    for (const auto& [k, n] : t.by_oracle) kinds += fmt::format("{}{}: {}", kinds.empty() ? "" : ", ", k, n);
    summary.push_back(fmt::format("hazsim-fuzz: {:<12} {:<17} {:>6} runs {:>6} failures{} {:.1f} s ({:.0f} runs/s){}",
                                  p.str("scenario"), p.str("design"), t.runs, t.failures,
                                  kinds.empty() ? "" : " (" + kinds + ")", secs, secs > 0 ? t.runs / secs : 0.0,
                                  g_interrupted ? " [interrupted]" : ""));
    if (!cflist) fmt::print("{}\n", summary.back());
    if (!bounded) report_coverage(p, t, artifacts, cflist ? 0 : 10);
    total_failures += t.failures;
  }
  if (cflist) {
    fmt::print("hazsim-fuzz: summary\n");
    for (const auto& line : summary) fmt::print("{}\n", line);
  }
  if (total_failures > 0) fmt::print("hazsim-fuzz: failing schedules are in {}/\n", artifacts);
  return total_failures > 0 ? kExitFailure : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hazsim: a deterministic simulated machine for the Linux kernel's hazard-pointer designs"};
  app.require_subcommand(1);

  bool list_params = false;
  auto* list = app.add_subcommand("list", "scenarios, designs, strategies, memory models, parameters");
  list->add_flag("--params", list_params, "list every parameter with its default");

  RunOptions run_opts;
  std::string save;
  auto* run = app.add_subcommand("run", "one run; exits 1 if an oracle fired");
  run->add_option("SCENARIO", run_opts.scenario, "scenario name or file")->required();
  run_opts.add_to(run);
  run->add_option("--save", save, "write the schedule file here");

  std::string replay_file;
  bool replay_quiet = false;
  auto* replay = app.add_subcommand("replay", "rerun a schedule file; exits 3 if the rerun diverges");
  replay->add_option("FILE", replay_file, "schedule file")->required();
  replay->add_flag("-q,--quiet", replay_quiet, "print only the end line and the schedule hash");

  RunOptions fuzz_opts;
  fuzz_opts.quiet = true;
  long runs = 100;
  double max_total_time = 0;
  // Under `bazel test`, failing schedules go where Bazel keeps a test's outputs.
  const char* undeclared = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  std::string artifacts = undeclared ? undeclared : "hazsim-artifacts";
  bool cflist = false;
  auto* fuzz = app.add_subcommand("fuzz", "many runs from consecutive seeds; failures saved as schedule files");
  fuzz->add_option("SCENARIO", fuzz_opts.scenario, "scenario name or file");
  fuzz_opts.add_to(fuzz);
  fuzz->add_option("--runs", runs, "runs per scenario (0: until --max-total-time or interrupted)");
  fuzz->add_option("--max-total-time", max_total_time, "seconds per scenario, 0 for no limit");
  fuzz->add_option("--artifacts", artifacts, "directory for failing schedules");
  fuzz->add_flag("--cflist", cflist, "run every (scenario, design) pair of CFLIST");
  double shrink_seconds = 5;
  int jobs = 1;
  fuzz->add_option("--jobs", jobs, "threads (cores) to run seeds on")->check(CLI::Range(1, 256));
  fuzz->add_option("--shrink-time", shrink_seconds,
                   "seconds to shrink the first failure of each kind (0: do not shrink); both files are kept");

  std::string trace_file, trace_format = "ftrace", trace_out;
  auto* trace = app.add_subcommand("trace", "replay a schedule file and write its trace (ftrace text or Chrome JSON)");
  trace->add_option("FILE", trace_file, "schedule file")->required();
  trace->add_option("--format", trace_format, "ftrace or json")->check(CLI::IsMember({"ftrace", "json"}));
  trace->add_option("-o,--output", trace_out, "where to write it (default beside FILE; - for stdout)");

  std::string shrink_file, shrink_out;
  double shrink_max_time = 30;
  auto* shrink = app.add_subcommand("shrink", "the fewest preemptions, interrupts and steps that still fail the same way");
  shrink->add_option("FILE", shrink_file, "failing schedule file")->required();
  shrink->add_option("-o,--output", shrink_out, "where to write the result (default FILE with .min.sched)");
  shrink->add_option("--max-time", shrink_max_time, "seconds to spend at most");

  CompareOptions cmp;
  cmp.jobs = int(std::max(1u, std::thread::hardware_concurrency()));
  std::string cmp_designs;
  auto* compare = app.add_subcommand("compare", "cost of the designs and baselines over sweeps: table, CSV, SVG plots");
  compare->add_option("--designs", cmp_designs, "comma-separated designs and baselines (refcount, percpu-ref)");
  compare->add_option("--sweep", cmp.sweeps, "key=v1,v2,... (repeatable; default: passive_tasks, cpus, nreaders)");
  compare->add_option("--set", cmp.sets, "override a base parameter: --set key=value (repeatable)");
  compare->add_option("--out", cmp.out_dir, "directory for compare.csv and the plots");
  compare->add_option("--jobs", cmp.jobs, "threads")->check(CLI::Range(1, 256));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(std::string(e.what()) + " (hazsim --help)");
  }

  if (runs < 0) return usage_error("--runs must be >= 0");
  if (list->parsed()) return cmd_list(list_params);
  if (run->parsed()) return cmd_run(run_opts, save);
  if (replay->parsed()) return cmd_replay(replay_file, replay_quiet);
  if (fuzz->parsed())
    return cmd_fuzz(fuzz_opts, runs, max_total_time, artifacts, cflist, cflist ? 0 : shrink_seconds, jobs);
  if (shrink->parsed()) return cmd_shrink(shrink_file, shrink_out, shrink_max_time);
  if (trace->parsed()) return cmd_trace(trace_file, trace_format, trace_out);
  if (compare->parsed()) {
    for (size_t start = 0; !cmp_designs.empty();) {
      size_t comma = cmp_designs.find(',', start);
      cmp.designs.push_back(cmp_designs.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return cmd_compare(cmp);
  }
  return kExitUsage;
}
