#include "cli/common.h"

#include <unistd.h>

#include <csignal>

#include "cli/report.h"
#include "cli/source_digest.h"
#include "explore/strategy.h"

namespace hazsim::cli {

std::atomic<bool> g_interrupted{false};

void catch_interrupts() {
  // Only async-signal-safe calls here: an atomic exchange, write(2), signal(2), raise(3).
  auto handler = [](int sig) {
    if (g_interrupted.exchange(true)) {  // the second one: quit now
      std::signal(sig, SIG_DFL);
      std::raise(sig);
      return;
    }
    static const char note[] =
        "\nhazsim: interrupted: finishing the runs under way and keeping every failure found (again to quit now)\n";
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, note, sizeof note - 1);
  };
  std::signal(SIGINT, handler);
  std::signal(SIGTERM, handler);
}

std::string strategy_of_run(const Params& p) {
  std::string s = p.str("strategy");
  return s == "portfolio" ? std::string(portfolio_member(p.seed())) : s;
}

int usage_error(const std::string& msg) {
  fmt::print(stderr, "hazsim: error: {}\n", msg);
  return kExitUsage;
}

ScheduleFile schedule_of(const Params& p, const ScenarioOutcome& o) {
  ScheduleFile s;
  s.params = p.items();
  s.failed = o.run.failed;
  s.oracle = oracle_name(o.run.failure.oracle);
  s.steps = o.run.steps;
  s.hash = o.run.hash;
  s.decisions = o.decisions;
  s.source = source_digest();
  return s;
}

void warn_if_mutation_unused(const Params& p, uint64_t applied) {
  if (p.str("mutate") == "none" || applied != 0) return;
  fmt::print(stderr, "hazsim: warning: mutate={} changed nothing: no such barrier or release ran in a function of "
             "that name\n", p.str("mutate"));
}

void print_run(const Params& p, const ScenarioOutcome& o, bool quiet) {
  warn_if_mutation_unused(p, o.run.mutations_applied);
  if (!quiet && p.str("workload") != "torture") {
    fmt::print("{}\n", start_line(p));
    fmt::print("hazsim-workload: {}: {} steps, {} ns virtual, {} context switches, {} preemptions, {} migrations, {} "
               "interrupts\n",
               p.str("workload"), o.run.steps, o.run.now_ns, o.run.context_switches, o.run.preemptions, o.run.migrations,
               o.run.irqs);
    if (o.run.failed) fmt::print("{}", failure_report(o));
  } else if (!quiet) {
    fmt::print("{}\n", start_line(p));
    fmt::print("hazsim-torture: {}\n", o.reader_pipe);
    fmt::print("hazsim-torture: writer passes {}, reader passes {}, IPI reads {}, timer reads {}, IPI acquires {}, "
               "IPI releases {}, deferred {}, reclaim batches {} freeing {}; {} steps, {} ns virtual, {} context "
               "switches, {} preemptions, {} migrations, {} interrupts\n",
               o.stats.writer_passes, o.stats.reader_passes, o.stats.irq_reads, o.stats.timer_reads, o.stats.irq_acquires,
               o.stats.irq_releases, o.stats.deferred, o.stats.reclaim_batches, o.stats.batch_reclaimed, o.run.steps,
               o.run.now_ns,
               o.run.context_switches, o.run.preemptions, o.run.migrations, o.run.irqs);
    if (o.run.failed) fmt::print("{}", failure_report(o));
    if (o.run.failed && p.str("strategy") == "portfolio")
      fmt::print("hazsim-torture: strategy: portfolio's member for seed {} is {}\n", p.str("seed"), strategy_of_run(p));
  } else if (o.run.failed) {
    fmt::print("hazsim-torture: !!! {} [oracle: {}]\n", o.run.failure.message, oracle_name(o.run.failure.oracle));
  }
  fmt::print("{}\n", end_line(p, o.run.failed));
  fmt::print("schedule-hash: {:016x}\n", o.run.hash);
}

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

std::string size_text(const RunResult& r) {
  return fmt::format("{} steps, {} preemptions, {} interrupts, {} migrations, {} drains, {} vCPU switches", r.steps,
                     r.preemptions, r.irqs, r.migrations, r.drains, r.cpu_switches);
}

bool shrink_and_save(const Params& p, const std::vector<uint16_t>& decisions, const std::string& out_path,
                     const ShrinkOptions& opts, bool narrate, std::string* err) {
  Machine m;
  ShrinkResult r = shrink_schedule(m, p, decisions, opts);
  if (!r.reproduced) {
    *err = "the schedule does not fail when rerun, so there is nothing to shrink";
    return false;
  }
  if (!write_file(out_path, format_schedule(schedule_of(p, r.shrunk)), err)) return false;
  fmt::print("hazsim-shrink: {} runs{}: before {}\n", r.runs,
             r.exhausted ? "" : r.interrupted ? " (interrupted)" : " (budget reached)",
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

}  // namespace hazsim::cli
