#include "cli/fuzz.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/buckets.h"
#include "cli/fuzz_campaign.h"
#include "cli/results.h"
#include "scenarios/campaign_coverage.h"
#include "scenarios/config_list.h"
#include "scenarios/design_lines.h"
#include "sim/files.h"

namespace hazsim::cli {

namespace {

// A spin-wait hint to the core (PAUSE, YIELD), as the kernel's cpu_relax().
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Coverage guidance: runs that hit a new (site, event) pair join the corpus; every fourth run
// retraces the first part of a random or arm corpus entry (its seed, a prefix of its choices) and
// goes on with fresh choices from there. The schedule file of such a run has that seed and all its
// choices, so it replays like any other.
// A corpus is copied for each merged round (scenarios/campaign_coverage.h: later rounds read an
// earlier one's), so entries are shared and never changed.
struct Corpus {
  static constexpr size_t kMax = 256;
  struct Entry {
    std::string seed;
    std::vector<uint16_t> decisions;
  };
  std::vector<std::shared_ptr<const Entry>> entries;

  // Run i as an extension: sets p's seed to the entry's and returns the prefix (empty: a fresh run).
  std::vector<uint16_t> prefix_for(long i, Params* p) const {
    if (entries.empty() || i % 4 != 3) return {};
    uint64_t h = uint64_t(i) * 0x9E3779B97F4A7C15ull;
    const Entry& e = *entries[(h >> 32) % entries.size()];
    std::string err;
    p->set("seed", e.seed, &err);
    return std::vector<uint16_t>(e.decisions.begin(), e.decisions.begin() + long(h % (e.decisions.size() + 1)));
  }
  // Only fresh random and arm runs can be extended: PCT's choices are its own.
  static bool extensible(const Params& p) {
    StrategyKind k;
    int d;
    std::string strategy = p.str("strategy");
    if (strategy == "portfolio") strategy = portfolio_member(p.seed());
    parse_strategy(strategy, &k, &d);
    return k == StrategyKind::kRandom || k == StrategyKind::kArm;
  }
  void add(long i, std::string seed, std::vector<uint16_t> decisions) {
    auto e = std::make_shared<const Entry>(Entry{std::move(seed), std::move(decisions)});
    if (entries.size() < kMax) entries.push_back(std::move(e));
    else entries[size_t(i) % kMax] = std::move(e);
  }
};

// One campaign on one (scenario, design): consecutive seeds, each failure saved at once. With
// jobs > 1, threads take seeds from one counter, each with its own machine: every seed's run is
// the same whichever thread runs it.
FuzzTotals fuzz_one(const RunOptions& o, const Params& base, const CampaignOptions& c, Buckets* buckets) {
  const long runs = c.runs;
  const double max_seconds = c.max_seconds;
  const std::string& artifacts = c.artifacts;
  const bool summary_only = c.cflist;
  FuzzTotals t;
  std::mutex mu;  // guards t, printing and the shrink decision
  std::atomic<long> next{0};
  std::atomic<bool> stop{false};
  auto start = std::chrono::steady_clock::now();
  auto last_status = start;
  bool tty = isatty(STDERR_FILENO);
  uint64_t seed0 = base.seed();
  std::error_code ec;
  std::filesystem::create_directories(artifacts, ec);

  // Bazel test sharding: shard k of n runs seeds k, k+n, k+2n, ... of the campaign.
  long shards = 1, shard = 0;
  if (const char* n = std::getenv("TEST_TOTAL_SHARDS")) {
    shards = std::max(1L, std::atol(n));
    if (const char* k = std::getenv("TEST_SHARD_INDEX")) shard = std::atol(k);
  }
  // Coverage and the corpus advance in rounds (scenarios/campaign_coverage.h), so a campaign is
  // the same for any --jobs.
  constexpr long kRound = kCampaignRound;
  struct Finished {
    long i;
    std::string seed;
    bool extensible;  // a fresh random or arm run: may join the corpus
    std::vector<uint16_t> decisions;
    std::vector<SiteEntry> sites;
  };
  std::map<long, Finished> finished;  // by position k, not yet merged
  std::map<long, long> finished_in_round;  // how many of `finished` each round (k / kRound) has
  long merged = 0;                    // positions below this are merged
  std::condition_variable round_done;
  Corpus corpus;
  // The corpus after each merged round that a position still running or to come may read.
  std::map<long, std::shared_ptr<const Corpus>> seen{{0, std::make_shared<const Corpus>()}};
  auto merge_rounds = [&](bool rest) {  // with mu held
    for (;;) {
      long end = merged + kRound;
      auto count = finished_in_round.find(merged / kRound);
      bool complete = count != finished_in_round.end() && count->second == kRound;
      if (!complete && !(rest && !finished.empty())) return;
      if (count != finished_in_round.end()) finished_in_round.erase(count);
      for (long k = merged; k < end; ++k) {
        auto it = finished.find(k);
        if (it == finished.end()) continue;
        if (t.coverage.merge(it->second.sites) && it->second.extensible)
          corpus.add(it->second.i, std::move(it->second.seed), std::move(it->second.decisions));
        finished.erase(it);
      }
      merged = end;
      seen.emplace(merged / kRound, std::make_shared<const Corpus>(corpus));
      seen.erase(seen.begin(), seen.lower_bound(corpus_rounds_seen(merged)));
      round_done.notify_all();
    }
  };
  // A failing run of a chunk, with mu held: counted, its file kept if its bucket keeps it, printed,
  // and (the first of its oracle) shrunk. `p` is a worker's parameters, given the run's seed here.
  auto report_failure = [&](Params& p, const std::string& run_seed, long i, bool extended, const ScenarioOutcome& out) {
    std::string err;
    p.set("seed", run_seed, &err);  // an extension runs from its corpus entry's seed
    ++t.failures;
    long& of_kind = t.by_oracle[oracle_name(out.run.failure.oracle)];
    ++of_kind;
    std::string run_name = !extended ? "seed" + p.str("seed")
                                     : fmt::format("run{}-extends-seed{}", seed0 + uint64_t(i), p.str("seed"));
    std::string path = fmt::format("{}/{}-{}-{}.sched", artifacts, path_component(p.str("scenario")),
                                   path_component(p.str("design")), run_name);
    bool saved = false;
    std::string where = keep_failure(&t, buckets, p, out, i, path, &saved);
    t.note_failure(fmt::format("{}: {} [oracle: {}]; {}", run_name, out.run.failure.message,
                               oracle_name(out.run.failure.oracle), where));
    if (!summary_only || t.failures == 1)
      fmt::print("hazsim-fuzz: !!! {} {} {} [{}]: {} [oracle: {}]\n    {}\n", p.str("scenario"), p.str("design"),
                 run_name, strategy_of_run(p), out.run.failure.message, oracle_name(out.run.failure.oracle), where);
    std::fflush(stdout);
    // Shrink the first failure of each kind (a new oracle), keeping both files; mu held keeps the
    // shrink report in one piece.
    if (saved && c.shrink_seconds > 0 && of_kind == 1) {
      ShrinkOptions so;
      so.max_seconds = c.shrink_seconds;
      so.stop = &g_interrupted;
      std::string min_path = sibling_path(path, ".min.sched");
      if (!shrink_and_save(p, out.decisions, min_path, so, false, &err))
        fmt::print("hazsim-fuzz: could not shrink {}: {}\n", path, err);
      std::fflush(stdout);
    }
  };
  // When runs are short, a worker claims up to kChunk consecutive positions (up to the next
  // multiple of kChunk: all in one round, so they read the same corpus), runs them, and reports them
  // under mu together. Taken once per run, the lock made --jobs 2 run a small test (a few
  // microseconds a run) no faster than one job. Long runs are claimed one at a time: a chunk holds
  // its positions' reports back, and with many workers later positions would wait for their rounds.
  constexpr long kChunk = 8;
  constexpr double kShortRun = 50e-6;  // seconds of one worker
  static_assert(kRound % kChunk == 0);
  std::atomic<bool> short_runs{false};
  auto claim = [&](long* n) {
    long k = next.load();
    do {
      *n = short_runs ? kChunk - k % kChunk : 1;
    } while (!next.compare_exchange_weak(k, k + *n));
    return k;
  };
  struct Done {  // a run of the chunk, as the report takes it
    long k;  // its position; the run's index is f.i
    bool extended;  // from a corpus prefix
    uint64_t mutations_applied;
    Finished f;
    std::optional<ScenarioOutcome> failed;  // a failing run's outcome (its report, file and shrink)
  };
  auto worker = [&] {
    Machine m;
    m.set_coverage(true);
    Params p = base;  // set once, each run its seed (a copy per run was a tenth of a small test's run)
    std::vector<Done> done;
    std::unique_lock<std::mutex> lock(mu);
    // This worker's design-line counts, merged into the campaign's when it ends (a merge walks
    // every enrolled line).
    struct WorkerLines {
      DesignLines lines;
      std::unique_lock<std::mutex>& lock;
      DesignLines& total;
      ~WorkerLines() {
        if (!lock.owns_lock()) lock.lock();
        total.merge(lines);
      }
    } worker_lines{{}, lock, t.lines};
    DesignLines& lines = worker_lines.lines;
    // A blocked worker sleeps in the kernel, and a futex wait and wake cost more than a small
    // test's run: try for a while before blocking.
    auto relock = [&] {
      for (int tries = 0; tries < 20000; ++tries)
        if (lock.try_lock()) return;
        else cpu_relax();
      lock.lock();
    };
    for (;;) {
      if (g_interrupted || stop) return;
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (max_seconds > 0 && elapsed >= max_seconds) return;
      long n = 1;
      const long k0 = claim(&n);
      if (runs > 0 && k0 * shards + shard >= runs) return;
      while (merged < corpus_rounds_seen(k0) * kRound && !stop && !g_interrupted)
        round_done.wait_for(lock, std::chrono::milliseconds(100));  // a signal cannot notify
      if (stop || g_interrupted) {
        stop = true;  // these positions will not run: nobody may wait for their round
        round_done.notify_all();
        return;
      }
      const std::shared_ptr<const Corpus> corpus_seen = seen.at(corpus_rounds_seen(k0));
      lock.unlock();
      done.clear();
      std::string error;
      bool abandoned = false;  // a position of the campaign left unrun (a stop, the time, an error)
      for (long k = k0; k < k0 + n; ++k) {
        const long i = k * shards + shard;
        if (runs > 0 && i >= runs) break;
        abandoned = g_interrupted || stop ||
                    (max_seconds > 0 &&
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= max_seconds);
        if (abandoned) break;
        p.set_seed(seed0 + uint64_t(i));
        const std::vector<uint16_t> prefix = corpus_seen->prefix_for(i, &p);
        ScenarioOutcome out =
            run_scenario(m, p, nullptr, nullptr, prefix.empty() ? nullptr : &prefix, seed0 + uint64_t(i));
        if (!out.error.empty()) {
          error = out.error;
          abandoned = true;
          break;
        }
        Done d{k, !prefix.empty(), out.run.mutations_applied,
               Finished{i, p.str("seed"), prefix.empty() && Corpus::extensible(p), {}, {}}, std::nullopt};
        if (d.f.extensible)  // a failure's decisions are still needed (its file, its shrink)
          d.f.decisions = out.run.failed ? out.decisions : std::move(out.decisions);
        m.sites().for_each([&](const SiteEntry& e) {
          if (e.in_design && e.offered) d.f.sites.push_back(e);
        });
        lines.merge(m.line_counts());
        if (out.run.failed) {
          d.failed = std::move(out);
          if (c.stop_on_first) stop = true;  // the runs under way on other threads finish
        }
        done.push_back(std::move(d));
      }
      relock();
      for (Done& d : done) {
        ++t.runs;
        t.mutations_applied += d.mutations_applied;
        t.corpus_runs += d.extended;
        const std::string run_seed = d.f.seed;
        const long run_index = d.f.i;
        finished.emplace(d.k, std::move(d.f));
        ++finished_in_round[d.k / kRound];
        if (d.failed) report_failure(p, run_seed, run_index, d.extended, *d.failed);
      }
      merge_rounds(false);
      const auto now = std::chrono::steady_clock::now();
      const double secs = std::chrono::duration<double>(now - start).count();
      short_runs = t.runs >= 64 && secs * c.jobs < kShortRun * double(t.runs);
      if (!error.empty()) t.error = error;
      if (abandoned) {
        stop = true;  // nobody may wait for the rounds of the positions left
        round_done.notify_all();
        return;
      }
      if (now - last_status > std::chrono::seconds(tty ? 1 : 10)) {
        last_status = now;
        if (tty)
          fmt::print(stderr, "\r#{} runs {} failures {} ({:.0f} runs/s)   ", o.scenario, t.runs, t.failures,
                     t.runs / secs);
        else
          fmt::print(stderr, "hazsim-fuzz: {} {}: {} runs, {} failures, {:.1f} s\n", base.str("scenario"),
                     base.str("design"), t.runs, t.failures, secs);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < c.jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& th : threads) th.join();
  merge_rounds(true);
  if (tty) fmt::print(stderr, "\r\033[K");
  t.corpus = corpus.entries.size();
  return t;
}

// The campaign's (scenario, design) entries: SCENARIO, CFLIST, --configs or --configs-file. With
// --design D[,D...] on a list, every scenario of it (once, in order) with each design given.
bool campaign_entries(const RunOptions& o, const CampaignOptions& c, std::vector<ConfigEntry>* out, std::string* err) {
  int sources = int(c.cflist) + int(!c.configs.empty()) + int(!c.configs_file.empty()) + int(!o.scenario.empty());
  if (sources != 1) {
    *err = sources == 0 ? "fuzz needs a SCENARIO, --cflist, --configs or --configs-file"
                        : "fuzz takes one of SCENARIO, --cflist, --configs and --configs-file";
    return false;
  }
  if (!o.scenario.empty()) {
    out->push_back({o.scenario, o.design, 1});
    return true;
  }
  if (c.cflist) {
    std::vector<std::pair<std::string, std::string>> pairs;
    if (!load_cflist(&pairs, err)) return false;
    for (auto& [scn, design] : pairs) out->push_back({scn, design, 1});
  } else if (!c.configs.empty()) {
    if (!parse_config_tokens(c.configs, out, err)) return false;
  } else {
    std::string text;
    if (!read_file(c.configs_file, &text, err)) return false;
    if (!parse_config_lines(text, c.configs_file, out, err)) return false;
    if (out->empty()) {
      *err = c.configs_file + ": names no scenario";
      return false;
    }
  }
  if (o.design.empty()) return true;
  std::vector<std::string> designs;
  for (size_t from = 0; from <= o.design.size();) {
    size_t comma = std::min(o.design.find(',', from), o.design.size());
    if (comma > from) designs.push_back(o.design.substr(from, comma - from));
    from = comma + 1;
  }
  std::vector<ConfigEntry> scenarios;
  for (const ConfigEntry& e : *out) {
    auto same = [&](const ConfigEntry& s) { return s.scenario == e.scenario; };
    if (std::find_if(scenarios.begin(), scenarios.end(), same) == scenarios.end()) scenarios.push_back(e);
  }
  out->clear();
  for (const ConfigEntry& e : scenarios)
    for (const std::string& d : designs) out->push_back({e.scenario, d, e.times});
  return true;
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
  std::string path = fmt::format("{}/{}-{}-coverage.txt", artifacts, path_component(p.str("scenario")),
                                 path_component(p.str("design"))),
              err;
  bool saved = write_file(path, t.coverage.table(), &err);
  fmt::print("hazsim-fuzz: coverage: {} of {} (site, event) pairs in design code hit; {} runs extended {} corpus "
             "entries; {} never hit{}\n",
             t.coverage.hit_pairs(), t.coverage.offered_pairs(), t.corpus_runs, t.corpus, missed.size(),
             saved ? " (table: " + path + ")" : "");
  for (size_t i = 0; i < missed.size() && i < show; ++i) fmt::print("    never: {}\n", missed[i]);
  if (missed.size() > show && show > 0) fmt::print("    ... and {} more\n", missed.size() - show);
}

// The design lines a campaign ran: a line, the first `show` lines never run (the table in a file).
// Kernel designs (kernel:DIR) have no enrolled lines: nothing is printed for them.
std::string design_lines_text(const DesignLines& lines, const std::string& path, size_t show) {
  std::vector<DesignLines::Line> all = lines.lines();
  if (all.empty()) return "";
  std::vector<std::string> never = lines.never_run();
  std::string err;
  bool saved = write_file(path, lines.table(), &err);
  std::string s = fmt::format("hazsim-fuzz: design lines: {} of {} ran; {} never{}\n", all.size() - never.size(),
                              all.size(), never.size(), saved ? " (table: " + path + ")" : "");
  for (size_t i = 0; i < never.size() && i < show; ++i) s += fmt::format("    never ran: {}\n", never[i]);
  if (never.size() > show && show > 0) s += fmt::format("    ... and {} more\n", never.size() - show);
  return s;
}

}  // namespace

int cmd_fuzz(const RunOptions& o, const CampaignOptions& opts) {
  std::string err;
  std::vector<ConfigEntry> entries;
  if (!campaign_entries(o, opts, &entries, &err)) return usage_error(err);
  // A campaign of several (scenario, design) pairs prints a line per pair and a closing table;
  // a design that cannot run a scenario it was paired with by the command line is said and skipped.
  CampaignOptions c = opts;
  c.cflist = opts.cflist || !opts.configs.empty() || !opts.configs_file.empty();
  // --results DIR: this campaign's files go to a directory of its own, the buckets stay in DIR.
  if (!c.results.empty()) {
    c.artifacts = make_campaign_dir(c.results, &err);
    if (c.artifacts.empty()) return usage_error(err);
  }
  const std::string buckets_dir = c.results.empty() ? c.artifacts : c.results;
  const bool cflist = c.cflist;
  const bool matrix = cflist && (!o.design.empty() || !opts.configs.empty() || !opts.configs_file.empty());
  const std::string& artifacts = c.artifacts;
  // Bazel's sharding: a shard index outside the shard count would run no seed and pass.
  if (const char* n = std::getenv("TEST_TOTAL_SHARDS")) {
    int64_t shards = 0, shard = 0;
    const char* k = std::getenv("TEST_SHARD_INDEX");
    if (!parse_int(n, &shards) || shards < 1 || (k && (!parse_int(k, &shard) || shard < 0 || shard >= shards)))
      return usage_error(fmt::format("TEST_SHARD_INDEX='{}' must be from 0 to TEST_TOTAL_SHARDS-1 (TEST_TOTAL_SHARDS='{}')",
                                     k ? k : "", n));
  }
  // --duration is the whole campaign's: each entry gets its share, by its N*.
  long total_times = 0;
  for (const ConfigEntry& e : entries) total_times += e.times;
  struct Planned {
    RunOptions ro;
    Params p;
    CampaignOptions c;
  };
  std::vector<Planned> plan;
  for (const ConfigEntry& e : entries) {
    RunOptions ro = o;
    ro.scenario = e.scenario;
    if (!e.design.empty()) ro.design = e.design;
    Params p;
    if (!ro.resolve(&p, &err)) return usage_error(err);
    if (!strategy_given(ro) && p.str("strategy") == "random") p.set("strategy", "portfolio", &err);
    // bazel test --runs_per_test: one seed range per run; the sum wraps modulo 2^63.
    if (const char* r = std::getenv("TEST_RANDOM_SEED")) {
      int64_t v;
      if (!parse_int(r, &v)) return usage_error(fmt::format("TEST_RANDOM_SEED='{}' is not an integer", r));
      uint64_t seed = (p.seed() + uint64_t(v) * 1000003u) & uint64_t(INT64_MAX);
      p.set("seed", std::to_string(seed), &err);
    }
    CampaignOptions ec = c;
    ec.runs = c.runs * e.times;
    ec.max_seconds = c.duration > 0 ? c.duration * e.times / double(total_times) : c.max_seconds * e.times;
    plan.push_back({ro, p, ec});
  }
  Buckets buckets(c.max_kept);
  if (!buckets.load(buckets_dir, &err)) return usage_error(err);
  // Under `bazel test`: say that sharding is honoured, and let --runs_per_test vary the seeds.
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE")) std::fclose(std::fopen(status, "w"));
  catch_interrupts();
  long total_failures = 0, total_lost = 0;
  std::string lost_why;
  std::vector<std::string> summary;
  std::vector<PairRecord> records;
  std::map<std::string, DesignLines> lines_by_design;  // over every scenario of the campaign
  for (auto& [ro, p, pc] : plan) {
    if (g_interrupted) break;
    auto start = std::chrono::steady_clock::now();
    bool bounded = p.str("strategy").rfind("bounded:", 0) == 0 || is_dpor_strategy(p.str("strategy"));
    FuzzTotals t = bounded ? fuzz_exhaustive(p, pc, &buckets) : fuzz_one(ro, p, pc, &buckets);
    if (!t.error.empty() && matrix) {
      fmt::print("hazsim-fuzz: {} {}: not run: {}\n", p.str("scenario"), p.str("design"), t.error);
      continue;
    }
    if (!t.error.empty()) return usage_error(t.error);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string kinds;
    for (const auto& [k, n] : t.by_oracle) kinds += fmt::format("{}{}: {}", kinds.empty() ? "" : ", ", k, n);
    summary.push_back(fmt::format("hazsim-fuzz: {:<12} {:<17} {:>6} runs {:>6} failures{} {:.1f} s ({:.0f} runs/s){}",
                                  p.str("scenario"), p.str("design"), t.runs, t.failures,
                                  kinds.empty() ? "" : " (" + kinds + ")", secs, secs > 0 ? t.runs / secs : 0.0,
                                  g_interrupted ? " [interrupted]" : ""));
    records.push_back({p.str("scenario"), p.str("design"), t.runs, t.failures, secs, t.by_oracle, bool(g_interrupted)});
    if (!cflist) fmt::print("{}\n", summary.back());
    if (!bounded) report_coverage(p, t, artifacts, cflist ? 0 : 10);
    if (!bounded && !cflist)
      fmt::print("{}", design_lines_text(t.lines,
                                         fmt::format("{}/{}-{}-lines.txt", artifacts, path_component(p.str("scenario")),
                                                     path_component(p.str("design"))),
                                         10));
    if (!c.results.empty()) {  // the pair's log: its line and every failure
      std::string log = summary.back() + "\n", lerr;
      for (const std::string& f : t.failure_lines) log += "    " + f + "\n";
      if (t.failure_lines_dropped > 0) log += fmt::format("    ... and {} more\n", t.failure_lines_dropped);
      if (!write_file(fmt::format("{}/{}-{}.log", artifacts, path_component(p.str("scenario")),
                                  path_component(p.str("design"))),
                      log, &lerr))
        fmt::print("hazsim-fuzz: could not write the pair's log: {}\n", lerr);
    }
    lines_by_design[p.str("design")].merge(t.lines);
    if (t.runs > 0) warn_if_mutation_unused(p, t.mutations_applied);
    total_failures += t.failures;
    if (t.lost > 0 && total_lost == 0) lost_why = t.lost_why;
    total_lost += t.lost;
    if (c.stop_on_first && t.failures > 0) {
      if (cflist) fmt::print("hazsim-fuzz: stopped at the first failure (--stop-on-first)\n");
      break;
    }
  }
  // The closing report: the table of pairs (a single pair's line was printed already), the design
  // lines over every scenario, the buckets; with --results all of it is also summary.txt.
  std::string table = "hazsim-fuzz: summary\n", rest;
  for (const auto& line : summary) table += line + "\n";
  if (cflist)
    for (const auto& [design, lines] : lines_by_design) {
      std::string text = design_lines_text(lines, fmt::format("{}/{}-lines.txt", artifacts, path_component(design)), 5);
      if (!text.empty()) rest += fmt::format("hazsim-fuzz: {} over every scenario:\n{}", design, text);
    }
  if (!buckets.empty()) {
    std::string berr;
    bool saved = buckets.save(buckets_dir, &berr);
    rest += fmt::format("hazsim-fuzz: failure buckets{}:\n", saved ? " (all campaigns of this directory: " + buckets_dir +
                                                                          "/buckets.txt)"
                                                                    : " (not saved: " + berr + ")");
    for (const std::string& line : buckets.lines()) rest += line + "\n";
  }
  if (total_failures > total_lost) rest += fmt::format("hazsim-fuzz: failing schedules are in {}/\n", artifacts);
  fmt::print("{}{}", cflist ? table : "", rest);
  const std::string closing = table + rest;
  if (!c.results.empty()) {
    std::string serr;
    if (write_summaries(artifacts, closing, records, buckets, bool(g_interrupted), &serr))
      fmt::print("hazsim-fuzz: results: {}/ (hazsim summary {})\n", artifacts, c.results);
    else
      fmt::print("hazsim-fuzz: !!! could not write the campaign's summary: {}\n", serr);
  }
  if (total_lost > 0) {
    // A campaign whose reproducers are gone must not look like one that kept them.
    fmt::print("hazsim-fuzz: !!! {} of {} failing schedules could not be saved ({}); rerun their seeds with a "
               "writable --artifacts\n",
               total_lost, total_failures, lost_why);
    return kExitLostArtifacts;
  }
  return total_failures > 0 ? kExitFailure : kExitOk;
}

}  // namespace hazsim::cli
