// hazsim: run, replay and fuzz hazard-pointer designs on the deterministic simulated machine.
// Exit codes: 0 success, 1 an oracle fired, 2 bad input, 3 a replay diverged.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <thread>

#include "cli/bench_native.h"
#include "cli/common.h"
#include "cli/compare.h"
#include "cli/fuzz.h"
#include "cli/litmus.h"
#include "cli/litmus_sketch.h"
#include "cli/report.h"
#include "cli/results.h"
#include "cli/source_digest.h"
#include "cli/trace.h"
#include "cli/trace_dat.h"
#include "hazptr/registry.h"
#include "scenarios/config_list.h"
#include "scenarios/library.h"

using namespace hazsim;
using namespace hazsim::cli;

namespace {

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
  fmt::print("  FILE.c         a small test in kernel C, run with design none (scenarios/small/classic_hp.c; README "
             "\"Writing a small test\")\n");
  fmt::print("  FILE.cc        a small test in C++ with <hazsim/test.h>, run with design none "
             "(scenarios/small/classic_hp.cc)\n");
  fmt::print("Designs:\n");
  for (const auto& d : hazptr::kDesigns) fmt::print("  {:<14} {}  [{}]\n", d.name, d.summary, d.source);
  fmt::print("  {:<14} a tree's own include/linux/hazptr.h and kernel/hazptr.c, compiled as they are (glue: v4, v5, "
             "textbook; README \"Testing your own patch\")\n",
             "kernel:DIR");
  fmt::print("  {:<14} no design: a small test's own code (hazsim run FILE.c)\n", "none");
  fmt::print("Strategies:\n  random         uniform choices with the *_prob parameters\n"
             "  pct:D          PCT (Burckhardt et al., ASPLOS 2010): random task priorities, D-1 change points\n"
             "  bounded:K      every schedule with at most K eventful choices (fuzz; small scenarios)\n"
             "  dpor           every schedule up to equivalence: source-DPOR (fuzz; small tests)\n"
             "  dpor:K         dpor over the schedules with at most K preemptions, K = 0, 1, ... in turn\n"
             "  arm            site arming (BUGGIFY): armed sites fire events more and may stall their vCPU\n"
             "  portfolio      the seed picks random, pct:2, arm or pct:3 (fuzz's default)\n"
             "  replay         the choices of a schedule file (hazsim replay)\n");
  fmt::print("Memory models:\n  sc             sequential consistency\n"
             "  tso            FIFO store buffer per vCPU, store-to-load forwarding (x86)\n"
             "  pso            tso, and stores to different locations may drain out of order\n"
             "  weak           pso, and loads may return older values as far as barriers, acquire/release,\n"
             "                 dependencies and coherence allow (arm64, POWER, the LKMM; README)\n");
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

int cmd_shrink(const std::string& file, std::string out, double max_time) {
  ScheduleFile s;
  Params p;
  std::string err;
  if (!load_schedule_file(file, &s, &p, &err)) return usage_error(err);
  if (out.empty()) out = sibling_path(file, ".min.sched");
  ShrinkOptions opts;
  opts.max_seconds = max_time;
  opts.stop = &g_interrupted;
  catch_interrupts();  // Ctrl-C ends the shrink and writes the smallest schedule so far
  if (!shrink_and_save(p, s.decisions, out, opts, true, &err)) return usage_error(fmt::format("{}: {}", file, err));
  return kExitFailure;  // the shrunk schedule fails, as its input did
}

int cmd_trace(const std::string& file, const std::string& format, std::string out, bool accesses) {
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
  std::string text;
  if (format == "events") {
    text = "#      step vCPU   pid  event                    site  [object]\n";
    for (const Event& e : events) text += event_row(e, m.event_object(e), e.valued ? m.value_text(e.value) : "") + "\n";
  } else
    text = format == "json"     ? chrome_json(events, m, o.run.failed ? &o.run.failure : nullptr)
                     : format == "litmus" ? litmus_sketch(events, m, "sketch-" + p.str("scenario") + "-" + p.str("design"),
                                                          o.run.failed ? oracle_name(o.run.failure.oracle) : "a passing run")
                     : format == "trace.dat"
                         ? trace_dat(ftrace_records(events, m, {o.run.failed ? &o.run.failure : nullptr, accesses}),
                                     m.nr_cpus())
                         : ftrace_text(events, m, {o.run.failed ? &o.run.failure : nullptr, accesses});
  const char* ext = format == "json"     ? ".json"
                    : format == "litmus" ? ".litmus"
                    : format == "events" ? ".events.txt"
                    : format == "trace.dat" ? ".dat"
                                         : ".ftrace.txt";
  if (out.empty()) out = sibling_path(file, ext);
  if (out == "-") {
    fmt::print("{}", text);
    return kExitOk;
  }
  if (!write_file(out, text, &err)) return usage_error(err);
  fmt::print("hazsim-trace: {} events of a {} run written to {} ({})\n", events.size(),
             o.run.failed ? "failing" : "passing", out,
             format == "json"     ? "open it in Perfetto or chrome://tracing"
             : format == "litmus" ? "a litmus sketch: complete it, then herd7 or hazsim litmus"
             : format == "events" ? "one event per line: grep it for an address or a pid"
             : format == "trace.dat" ? "trace-cmd report -t FILE, or open it in KernelShark"
                                  : "open it in Perfetto: ui.perfetto.dev");
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
    // Name what changed between the hazsim that wrote the file and this one, if anything did:
    // otherwise a divergence after an upgrade looks like nondeterminism.
    std::string made_by;
    if (s.generation != kScheduleGeneration)
      made_by = fmt::format("the file was written by schedule generation {}, this hazsim is generation {} (schedules "
                            "changed on purpose between them: rerun its seed to get this generation's schedule); ",
                            s.generation, kScheduleGeneration);
    else if (!s.source.empty() && s.source != source_digest())
      made_by = fmt::format("the file was written from other sources (digest {}, this build {}): if they changed a "
                            "design, the machine or a scenario, the divergence may be that change; ",
                            s.source, source_digest());
    fmt::print(stderr, "hazsim: replay of {} diverged: {}{}\n", file, made_by, all);
    return kExitDiverged;
  }
  fmt::print("replay: identical to the recorded run ({} choices)\n", s.decisions.size());
  return out.run.failed ? kExitFailure : kExitOk;
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
  run->add_option("SCENARIO", run_opts.scenario, "scenario name or file, or a small test FILE.c or FILE.cc")->required();
  run_opts.add_to(run);
  run->add_option("--save", save, "write the schedule file here");

  std::string replay_file;
  bool replay_quiet = false;
  auto* replay = app.add_subcommand("replay", "rerun a schedule file; exits 3 if the rerun diverges");
  replay->add_option("FILE", replay_file, "schedule file")->required();
  replay->add_flag("-q,--quiet", replay_quiet, "print only the end line and the schedule hash");

  RunOptions fuzz_opts;
  fuzz_opts.quiet = true;
  CampaignOptions campaign;
  // Under `bazel test`, failing schedules go where Bazel keeps a test's outputs.
  if (const char* undeclared = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) campaign.artifacts = undeclared;
  auto* fuzz = app.add_subcommand("fuzz", "many runs from consecutive seeds; failures saved as schedule files");
  fuzz->add_option("SCENARIO", fuzz_opts.scenario, "scenario name or file, or a small test FILE.c or FILE.cc");
  fuzz_opts.add_to(fuzz);
  fuzz->add_option("--runs", campaign.runs, "runs per scenario (0: until --max-total-time or interrupted)");
  fuzz->add_option("--max-total-time", campaign.max_seconds, "seconds per scenario, 0 for no limit");
  fuzz->add_option("--artifacts", campaign.artifacts, "directory for failing schedules");
  fuzz->add_flag("--cflist", campaign.cflist,
                 "run every (scenario, design) pair of CFLIST (with --design D[,D...]: its scenarios with each D)");
  fuzz->add_option("--configs", campaign.configs,
                   "scenarios to run, as kvm.sh's --configs: \"TORTURE 2*IRQ NESTING\" (N*: N times the runs and time)");
  fuzz->add_option("--configs-file", campaign.configs_file, "a file of '[N*]SCENARIO [DESIGN]' lines, as CFLIST");
  std::string duration;
  fuzz->add_option("--duration", duration,
                   "the whole campaign's time, shared by its scenarios: N, Ns, Nm, Nh or Nd (runs until then)");
  fuzz->add_option("--jobs", campaign.jobs, "threads (cores) to run seeds on")->check(CLI::Range(1, 256));
  fuzz->add_option("--shrink-time", campaign.shrink_seconds,
                   "seconds to shrink the first failure of each kind (0: do not shrink); both files are kept");
  fuzz->add_option("--max-artifacts", campaign.max_kept,
                   "schedule files kept per failure bucket (the rest are counted; 0: keep every one)");
  fuzz->add_option("--results", campaign.results,
                   "a directory of campaigns: this one's files go to DIR/<UTC time>/ with a log per pair and "
                   "summary.txt/.json, the failure buckets to DIR/buckets.txt (hazsim summary DIR)");
  fuzz->add_flag("--stop-on-first", campaign.stop_on_first,
                 "end the campaign at its first failure (runs already under way on other --jobs finish)");

  std::string summary_dir;
  auto* summary = app.add_subcommand("summary", "print a campaign's summary again (fuzz --results DIR)");
  summary->add_option("DIR", summary_dir, "a results directory (its newest campaign) or one campaign's directory")
      ->required();

  std::string trace_file, trace_format = "ftrace", trace_out;
  auto* trace = app.add_subcommand("trace", "replay a schedule file and write its trace (ftrace text, trace.dat, Chrome JSON)");
  trace->add_option("FILE", trace_file, "schedule file")->required();
  trace->add_option("--format", trace_format,
                    "ftrace, trace.dat (trace-cmd's binary format: trace-cmd report, KernelShark), json, litmus (a "
                    "sketch of the tasks' last accesses), or events (every access and scheduler event, one per line)")
      ->check(CLI::IsMember({"ftrace", "trace.dat", "json", "litmus", "events"}));
  trace->add_option("-o,--output", trace_out, "where to write it (default beside FILE; - for stdout)");
  bool trace_accesses = false;
  trace->add_flag("--accesses", trace_accesses,
                  "ftrace and trace.dat: also the design calls' marked loads, stores and RMWs with their values, as trace_printk() "
                  "lines under the function's name");

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
  compare->add_option("--seeds", cmp.seeds, "runs per point from consecutive seeds: median and range (default 5)");
  compare->add_option("--profile", cmp.profile,
                      "cost profile: x86-server (default), skylake-sp-inorder, or a file of hazsim calibrate");
  compare->add_option("--markdown", cmp.markdown, "also write the tables as Markdown to this file");

  std::vector<std::string> litmus_files;
  std::string litmus_model = "weak";
  uint64_t litmus_max_runs = 5'000'000;
  auto* litmus = app.add_subcommand("litmus", "run litmus tests (the LKMM's C format) over every schedule, as herd7 reports");
  litmus->add_option("FILE", litmus_files, "litmus test files")->required();
  litmus->add_option("--memory-model", litmus_model, "sc, tso, pso or weak");
  litmus->add_option("--max-runs", litmus_max_runs, "schedules to run at most per test");
  bool litmus_dpor = false;
  litmus->add_flag("--dpor", litmus_dpor, "one schedule per class of equivalent schedules (strategy dpor), not all");

  BenchNativeOptions native;
  auto* bench_native = app.add_subcommand(
      "bench-native", "time the designs natively on this host's threads, as refscale does (same code as simulated)");
  bench_native->add_option("--designs", native.designs, "comma-separated designs and baselines (default: compare's)");
  bench_native->add_option("--readers", native.readers, "reader counts, e.g. 1,2 (default: 1 and every online CPU)");
  bench_native->add_option("--tasks", native.tasks, "task counts for synchronize (default 1,1000,10000)");
  bench_native->add_option("--cpus", native.cpus, "possible CPUs: per-CPU areas a synchronize scans (default: online)");
  bench_native->add_option("--loops", native.loops, "reader sections per reader per run")->check(CLI::Range(1LL, 1000000000LL));
  bench_native->add_option("--runs", native.runs, "runs per figure (median and range)")->check(CLI::Range(1, 1000));
  bench_native->add_option("--task-size", native.task_size, "bytes per task_struct (default: this host's)");
  bench_native->add_option("--csv", native.csv, "also write the figures to this CSV file");
  bench_native->add_flag("--model", native.model, "also the cost model's cycles for the same shapes, and the ratio");
  bench_native->add_option("--profile", native.profile,
                           "the cost profile for --model: x86-server, skylake-sp-inorder or a file of hazsim calibrate");

  std::string calibrate_out;
  bool calibrate_quick = false;
  auto* calibrate = app.add_subcommand("calibrate", "measure this host's cost-model constants natively: a profile");
  calibrate->add_option("-o,--out", calibrate_out, "write the profile here (default: print it)");
  calibrate->add_flag("--quick", calibrate_quick, "fewer, shorter rounds");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(std::string(e.what()) + " (hazsim --help)");
  }

  if (campaign.runs < 0) return usage_error("--runs must be >= 0");
  if (!duration.empty()) {
    std::string err;
    if (!parse_duration(duration, &campaign.duration, &err)) return usage_error(err);
    if (fuzz->count("--max-total-time")) return usage_error("--duration and --max-total-time: give one");
    if (fuzz->count("--runs") == 0) campaign.runs = 0;  // until the time is up, as --max-total-time alone
  }
  // --max-total-time alone runs until the time is up, as libFuzzer does; --runs still caps it.
  if (fuzz->parsed() && campaign.max_seconds > 0 && fuzz->count("--runs") == 0) campaign.runs = 0;
  if (list->parsed()) return cmd_list(list_params);
  if (litmus->parsed()) return cmd_litmus(litmus_files, litmus_model, litmus_max_runs, litmus_dpor);
  if (run->parsed()) return cmd_run(run_opts, save);
  if (replay->parsed()) return cmd_replay(replay_file, replay_quiet);
  if (fuzz->parsed()) {
    // Each job is a whole machine (~65 MB): past the cores it only costs memory.
    unsigned cores = std::thread::hardware_concurrency();
    if (cores > 0 && unsigned(campaign.jobs) > cores)
      fmt::print(stderr, "hazsim: warning: --jobs {} is more than this machine's {} cores\n", campaign.jobs, cores);
    if (campaign.cflist || !campaign.configs.empty() || !campaign.configs_file.empty()) campaign.shrink_seconds = 0;
    return cmd_fuzz(fuzz_opts, campaign);
  }
  if (shrink->parsed()) return cmd_shrink(shrink_file, shrink_out, shrink_max_time);
  if (summary->parsed()) return cmd_summary(summary_dir);
  if (trace->parsed()) return cmd_trace(trace_file, trace_format, trace_out, trace_accesses);
  if (bench_native->parsed()) return cmd_bench_native(native);
  if (calibrate->parsed()) return cmd_calibrate(calibrate_out, calibrate_quick);
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
