#include "cli/ftrace_records.h"

#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

TaskNames::TaskNames(const Machine& m) {
  for (const auto& t : m.tasks())
    if (!t->is_idle) by_pid_[t->pid] = t->name;
}

std::string TaskNames::comm(int pid, int cpu) const {
  if (pid <= 0) return fmt::format("swapper/{}", cpu < 0 ? 0 : cpu);
  auto it = by_pid_.find(pid);
  std::string n = it == by_pid_.end() ? fmt::format("pid{}", pid) : it->second;
  // hazptrtorture's names all start alike; keep the part that tells them apart.
  if (n.rfind("hazptr_torture_", 0) == 0) n = "htort_" + n.substr(15);
  for (char& c : n)
    if (c == ' ') c = '_';
  return n.substr(0, 15);
}

std::vector<FtraceRecord> ftrace_records(const std::vector<Event>& events, const Machine& m,
                                         const FtraceOptions& options) {
  using Type = FtraceRecord::Type;
  TaskNames names(m);
  std::vector<FtraceRecord> out;
  std::vector<int> curr(size_t(m.nr_cpus()), 0);   // pid on each vCPU
  std::vector<int> leaving(size_t(m.nr_cpus()), 0);  // how its task leaves: a prev_state
  auto add = [&](Type type, const Event& e, int pid) -> FtraceRecord& {
    FtraceRecord& r = out.emplace_back();
    r.type = type, r.pid = pid < 0 ? 0 : pid, r.cpu = e.cpu, r.ns = e.now, r.flags = e.flags;
    r.comm = names.comm(pid, e.cpu);
    // The kernel traces irq_handler_entry/exit inside the hardirq (interrupts off) and the
    // softirq events inside the softirq; hazsim records them just outside.
    if (e.kind == AccessKind::kIrqEnter || e.kind == AccessKind::kIrqExit) r.flags |= kFlagHardirq | kFlagIrqsOff;
    if (e.kind == AccessKind::kSoftirqEnter || e.kind == AccessKind::kSoftirqExit) r.flags |= kFlagSoftirq;
    return r;
  };
  auto print = [&](const Event& e, int pid, std::string func, std::string text) {
    FtraceRecord& r = add(Type::kPrint, e, pid);
    r.func = std::move(func);
    r.text = std::move(text);
  };
  const Failure* failure = options.failure;
  uint8_t last_flags = 0;
  auto failure_event = [&] {
    if (failure == nullptr) return;
    Event at;
    at.cpu = int16_t(failure->cpu < 0 ? 0 : failure->cpu);
    at.now = failure->now_ns;
    at.flags = last_flags;
    int pid = failure->pid < 0 ? 0 : failure->pid;
    std::string what = fmt::format("FAILURE: {} at {}", oracle_name(failure->oracle), failure->site);
    for (char& ch : what)
      if (ch == '|' || ch == '\n') ch = ' ';
    print(at, pid, "tracing_mark_write", fmt::format("B|{}|{}", pid, what));
    print(at, pid, "tracing_mark_write", fmt::format("E|{}", pid));
    failure = nullptr;
  };
  std::map<int, int> open_spans;  // per pid
  for (const Event& e : events) {
    if (e.cpu < 0) continue;
    if (failure && e.now > failure->now_ns) failure_event();
    last_flags = e.flags;
    size_t c = size_t(e.cpu);
    if (e.kind == AccessKind::kSpanBegin) ++open_spans[e.pid];
    if (e.kind == AccessKind::kSpanEnd && open_spans[e.pid] > 0) --open_spans[e.pid];
    if (options.accesses && e.valued && e.kind <= AccessKind::kRmw && open_spans[e.pid] > 0) {
      std::string object = m.event_object(e);
      print(e, e.pid, bare_function_name(e.func),
            fmt::format("{} line {}{} {} {}", access_kind_name(e.kind), e.line, object.empty() ? "" : " [" + object + "]",
                        e.kind == AccessKind::kStore ? "<-" : "=", m.value_text(e.value)));
    }
    switch (e.kind) {
      case AccessKind::kPreempt: leaving[c] = FtraceRecord::kPreempted; break;
      case AccessKind::kSleep: leaving[c] = e.addr ? FtraceRecord::kSleeping : FtraceRecord::kUninterruptible; break;
      case AccessKind::kExit: leaving[c] = FtraceRecord::kDead; break;
      case AccessKind::kSwitch: {
        FtraceRecord& r = add(Type::kSwitch, e, curr[c]);
        r.other_pid = int(e.addr);
        r.other_comm = names.comm(r.other_pid, e.cpu);
        r.state = curr[c] <= 0 ? 0 : leaving[c];
        curr[c] = r.other_pid;
        leaving[c] = 0;
        break;
      }
      case AccessKind::kWake: {
        FtraceRecord& r = add(Type::kWaking, e, e.pid);
        r.other_pid = int(e.addr);
        r.other_comm = names.comm(r.other_pid, e.cpu);
        r.value = e.cpu;
        break;
      }
      case AccessKind::kMigrate: {
        FtraceRecord& r = add(Type::kMigrate, e, e.pid);
        r.other_pid = e.pid;
        r.other_comm = r.comm;
        r.value = int64_t(e.addr);
        break;
      }
      // The local timer as x86's apic timer event shows it; a softirq raised from task context
      // (hazsim's stand-in for ksoftirqd's wakeup) as an irq of its own name.
      case AccessKind::kIrqEnter:
        add(e.addr == kIrqLocalTimer ? Type::kTimerEntry : Type::kIrqEntry, e, e.pid).text =
            e.addr == kIrqSoftirqKick ? "softirq-raise" : "IPI";
        break;
      case AccessKind::kIrqExit: add(e.addr == kIrqLocalTimer ? Type::kTimerExit : Type::kIrqExit, e, e.pid); break;
      case AccessKind::kSoftirqEnter:
      case AccessKind::kSoftirqExit:
        add(e.kind == AccessKind::kSoftirqEnter ? Type::kSoftirqEntry : Type::kSoftirqExit, e, e.pid).value =
            int64_t(e.addr);
        break;
      case AccessKind::kSpanBegin: print(e, e.pid, "tracing_mark_write", fmt::format("B|{}|{}", e.pid, e.func)); break;
      case AccessKind::kSpanEnd: print(e, e.pid, "tracing_mark_write", fmt::format("E|{}", e.pid)); break;
      case AccessKind::kHolds:
        print(e, e.pid, "tracing_mark_write", fmt::format("C|{}|hazard pointers held|{}", 1, e.addr));
        break;
      default: break;
    }
  }
  failure_event();
  return out;
}

}  // namespace hazsim
