#include "cli/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <string_view>

#include "oracles/describe.h"

namespace hazsim {

namespace {
// An event's address as the machine hashed it: an arena offset, or (from bit 48 up) the index of
// a static region outside the arena (a kernel object's global, a task stack) and the offset in it.
std::string event_address(uint64_t addr) {
  if (addr >> 48 != 0 && addr >> 48 < 0x8000)
    return fmt::format("static#{}+{:#x}", (addr >> 48) - 1, addr & ((uint64_t(1) << 48) - 1));
  return fmt::format("arena+{:#x}", addr);
}

// The start and end lines name the parameters a reader needs to tell runs apart: those that differ
// from the defaults, plus the identity of the run.
std::string params_text(const Params& p) {
  Params defaults;
  std::string s;
  for (const auto& [k, v] : p.items()) {
    bool identity = k == "scenario" || k == "design" || k == "seed" || k == "cpus" || k == "memory_model" ||
                    k == "strategy";
    if (identity || v != defaults.str(k)) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, v);
  }
  return s;
}

// Who a failure happened to: the task, its pid and vCPU; for a check of the machine's own (the
// end-of-run leak check, a deadlock) no task, and the vCPU only if there is one.
std::string who(const std::string& task, int pid, int cpu) {
  if (!task.empty())
    return cpu >= 0 ? fmt::format("{} (pid {}) on cpu {}", task, pid, cpu) : fmt::format("{} (pid {})", task, pid);
  return cpu >= 0 ? fmt::format("cpu {}, no task", cpu) : "no task (a check of the whole machine)";
}

}  // namespace

std::string start_line(const Params& p) { return "hazsim-torture:--- Start of test: " + params_text(p); }

std::string end_line(const Params& p, bool failed) {
  return fmt::format("hazsim-torture:--- End of test: {}: {}", failed ? "FAILURE" : "SUCCESS", params_text(p));
}

std::string failure_report(const ScenarioOutcome& o) {
  const Failure& f = o.run.failure;
  std::string s;
  // panic_on_warn=0: the WARNs the run went on past come first, then what followed.
  for (const Failure& w : o.run.warnings)
    s += fmt::format("hazsim-torture: WARN at step {} (panic_on_warn=0: the run went on): {} at {}, {}\n", w.step,
                     w.message, w.site, who(w.task, w.pid, w.cpu));
  if (o.run.warnings_fired > o.run.warnings.size())
    s += fmt::format("hazsim-torture: ... and {} more WARNs\n", o.run.warnings_fired - o.run.warnings.size());
  if (!o.run.warnings.empty() && f.oracle == Oracle::kWarn && f.step == o.run.warnings.front().step)
    s += "hazsim-torture: the run went on to its end and no other oracle fired: its failure is the first WARN\n";
  else if (!o.run.warnings.empty())
    s += "hazsim-torture: after the WARNs above:\n";
  s += fmt::format("hazsim-torture: !!! {} [oracle: {}]\n", f.message, oracle_name(f.oracle));
  s += fmt::format("hazsim-torture: !!! where: {}, at {}, step {}, t={} ns\n", who(f.task, f.pid, f.cpu), f.site,
                   f.step, f.now_ns);
  if (std::string below = f.callers(); !below.empty())
    s += fmt::format("hazsim-torture: !!! in: {} < {}\n", f.site, below);
  s += fmt::format("hazsim-torture: the last {} events (step, vCPU, pid, event, site, object):\n",
                   o.run.last_events.size());
  const RunResult& run = o.run;
  for (size_t i = 0; i < run.last_events.size(); ++i)
    s += "hazsim-torture:   " +
         event_row(run.last_events[i], i < run.last_event_objects.size() ? run.last_event_objects[i] : "",
                   i < run.last_event_values.size() ? run.last_event_values[i] : "") +
         "\n";
  return s;
}

std::string event_row(const Event& e, const std::string& object, const std::string& value) {
  std::string what = access_kind_name(e.kind);
  if (e.kind == AccessKind::kSwitch) what += fmt::format(" pid {}", e.addr);
  else if (e.kind == AccessKind::kMigrate) what += fmt::format(" cpu {}", e.addr);
  else if (e.kind == AccessKind::kWake) what += fmt::format(" pid {}", e.addr);
  else if (e.kind == AccessKind::kSleep) what += fmt::format(" {} ns", e.addr);
  else if (e.kind == AccessKind::kHolds) what += fmt::format(" {} now", e.addr);  // only in full traces
  else if (e.kind <= AccessKind::kRmw && e.addr != 0) what += " " + event_address(e.addr);
  std::string row = fmt::format("{:>9} cpu{:<3} {:>5}  {:<24} {}:{}", e.step, e.cpu, e.pid, what,
                                bare_function_name(e.func), e.line);
  if (!object.empty()) row += fmt::format("  [{}]", object);
  if (!value.empty()) row += fmt::format(" {} {}", e.kind == AccessKind::kStore ? "<-" : "=", value);
  return row;
}

namespace {

// The failing task's own story, the first thing a reader of a shrunk schedule wants: its steps
// (a run of consecutive accesses in one function is one line), the sections it entered and left,
// and what was done to it (switched in, preempted, interrupted, migrated, put to sleep), ending
// with the failure. Only its last kStoryLines lines: the end of a long schedule is what matters.
constexpr size_t kStoryLines = 30;

// "step     2015" or "steps    2016-2017", padded to one width.
std::string steps_column(uint64_t first, uint64_t last) {
  return fmt::format("{:<21}", first == last ? fmt::format("step  {:>7}", first) : fmt::format("steps {:>7}-{}", first, last));
}

std::vector<std::string> failing_task_story(const std::vector<Event>& events, int pid,
                                            const std::function<std::string(int, int)>& name) {
  std::vector<std::string> lines;
  struct Run {
    uint64_t first = 0, last = 0;
    uint32_t lo = 0, hi = 0, accesses = 0;
    int cpu = -1;
    const char* func = nullptr;
  } run;
  auto flush = [&] {
    if (run.accesses == 0) return;
    std::string fn = bare_function_name(run.func);
    std::string where = run.lo == run.hi ? fmt::format("{}:{}", fn, run.lo) : fmt::format("{}:{}-{}", fn, run.lo, run.hi);
    lines.push_back(fmt::format("{} cpu{}: {} ({} access{})", steps_column(run.first, run.last), run.cpu, where,
                                run.accesses, run.accesses == 1 ? "" : "es"));
    run = Run{};
  };
  auto event = [&](const Event& e, const std::string& what) {
    flush();
    lines.push_back(fmt::format("{} cpu{}: {}", steps_column(e.step, e.step), e.cpu, what));
  };
  for (const Event& e : events) {
    bool own = e.pid == pid;
    if (own && e.kind <= AccessKind::kIdle) {
      if (run.accesses > 0 && (run.cpu != e.cpu || std::string_view(run.func) != e.func)) flush();
      if (run.accesses == 0) run.first = e.step, run.lo = run.hi = e.line, run.cpu = e.cpu, run.func = e.func;
      run.last = e.step, run.lo = std::min(run.lo, e.line), run.hi = std::max(run.hi, e.line), ++run.accesses;
      continue;
    }
    std::string where = fmt::format("{}:{}", bare_function_name(e.func), e.line);
    switch (e.kind) {
      case AccessKind::kSwitch:
        if (int(e.addr) == pid) event(e, "runs (switched in)");
        else if (own) event(e, fmt::format("switched out for {}", name(int(e.addr), e.cpu)));
        break;
      case AccessKind::kPreempt:
        if (own) event(e, "PREEMPTED at " + where);
        break;
      case AccessKind::kIrqEnter:
        if (own) event(e, "INTERRUPTED at " + where);
        break;
      case AccessKind::kIrqExit:
        if (own) event(e, "back from the interrupt");
        break;
      case AccessKind::kSoftirqEnter:
        if (own) event(e, "a SOFTIRQ runs on top of it at " + where);
        break;
      case AccessKind::kMigrate:
        if (own) event(e, fmt::format("MIGRATES to cpu{}", e.addr));
        break;
      case AccessKind::kSleep:
        if (own) event(e, "sleeps at " + where);
        break;
      case AccessKind::kWake:
        if (int(e.addr) == pid) event(e, fmt::format("woken by {}", name(e.pid, e.cpu)));
        break;
      case AccessKind::kStall:
        if (own) event(e, fmt::format("its vCPU STALLS for {} steps at {}", e.addr, where));
        break;
      case AccessKind::kSpanBegin:
        if (own) event(e, fmt::format("enters {}", e.func));
        break;
      case AccessKind::kSpanEnd:
        if (own) event(e, fmt::format("leaves {}", e.func));
        break;
      default:
        break;
    }
  }
  flush();
  return lines;
}

}  // namespace

std::string schedule_narrative(const std::vector<Event>& events, const Machine& m, const ScenarioOutcome& o) {
  std::function<std::string(int, int)> name = [&](int pid, int cpu) {
    if (pid == 0) return fmt::format("swapper/{}", cpu);
    for (const auto& t : m.tasks())
      if (t->pid == pid && !t->is_idle) return t->name;
    return fmt::format("pid {}", pid);
  };
  std::string s, indent;
  if (o.run.failed && o.run.failure.pid > 0) {
    std::vector<std::string> story = failing_task_story(events, o.run.failure.pid, name);
    size_t from = story.size() > kStoryLines ? story.size() - kStoryLines : 0;
    s += fmt::format("  the failing task, {} (pid {}){}:\n", name(o.run.failure.pid, o.run.failure.cpu),
                     o.run.failure.pid,
                     from > 0 ? fmt::format(", its last {} of {} lines", story.size() - from, story.size()) : "");
    for (size_t i = from; i < story.size(); ++i) s += "    " + story[i] + "\n";
    s += fmt::format("    {} cpu{}: the oracle sees it: {} [{}]\n", steps_column(o.run.failure.step, o.run.failure.step),
                     o.run.failure.cpu, o.run.failure.message, oracle_name(o.run.failure.oracle));
    s += "  the whole schedule, in order:\n";
    indent = "  ";
  }
  std::vector<int> on_cpu(size_t(m.nr_cpus()), -1);
  for (const Event& e : events) {
    std::string where = fmt::format("{}:{}", bare_function_name(e.func), e.line);
    switch (e.kind) {
      case AccessKind::kSwitch:
        s += indent + fmt::format("  step {:>7}  cpu{}: switches to {}\n", e.step, e.cpu, name(int(e.addr), e.cpu));
        break;
      case AccessKind::kPreempt:
        s += indent + fmt::format("  step {:>7}  cpu{}: {} is PREEMPTED at {}\n", e.step, e.cpu, name(e.pid, e.cpu), where);
        break;
      case AccessKind::kIrqEnter:
        s += indent + fmt::format("  step {:>7}  cpu{}: INTERRUPT ({}) on top of {} at {}\n", e.step, e.cpu,
                         e.addr == kIrqLocalTimer ? "local timer" : e.addr == kIrqSoftirqKick ? "softirq raised" : "IPI",
                         name(e.pid, e.cpu), where);
        break;
      case AccessKind::kSoftirqEnter:
        s += indent + fmt::format("  step {:>7}  cpu{}: SOFTIRQ ({}) on top of {} at {}\n", e.step, e.cpu,
                         e.addr == kTimerSoftirq ? "TIMER" : "TASKLET", name(e.pid, e.cpu), where);
        break;
      case AccessKind::kMigrate:
        s += indent + fmt::format("  step {:>7}  cpu{}: {} MIGRATES to cpu{}\n", e.step, e.cpu, name(e.pid, e.cpu), e.addr);
        break;
      case AccessKind::kSleep:
        s += indent + fmt::format("  step {:>7}  cpu{}: {} sleeps at {}\n", e.step, e.cpu, name(e.pid, e.cpu), where);
        break;
      case AccessKind::kWake:
        s += indent + fmt::format("  step {:>7}  cpu{}: wakes {}\n", e.step, e.cpu, name(int(e.addr), e.cpu));
        break;
      case AccessKind::kDrain:
        s += indent + fmt::format("  step {:>7}  cpu{}: a store buffered at {} reaches memory ({})\n", e.step, e.cpu, where,
                         event_address(e.addr));
        break;
      case AccessKind::kStall:
        s += indent + fmt::format("  step {:>7}  cpu{}: STALLS for {} steps at {} ({})\n", e.step, e.cpu, e.addr, where,
                         name(e.pid, e.cpu));
        break;
      case AccessKind::kExit:
        s += indent + fmt::format("  step {:>7}  cpu{}: {} exits\n", e.step, e.cpu, name(e.pid, e.cpu));
        break;
      default:
        break;
    }
  }
  if (o.run.failed)
    s += indent + fmt::format("  step {:>7}  cpu{}: the oracle sees it: {} [{}] at {}\n", o.run.failure.step,
                     o.run.failure.cpu, o.run.failure.message, oracle_name(o.run.failure.oracle), o.run.failure.site);
  return s;
}

}  // namespace hazsim
