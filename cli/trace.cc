#include "cli/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "oracles/describe.h"

namespace hazsim {

namespace {

struct Names {
  explicit Names(const Machine& m) {
    for (const auto& t : m.tasks())
      if (!t->is_idle) by_pid[t->pid] = t->name;
  }
  // ftrace comms have no spaces; the kernel's are at most 15 characters.
  std::string comm(int pid, int cpu) const {
    if (pid <= 0) return fmt::format("swapper/{}", cpu < 0 ? 0 : cpu);
    auto it = by_pid.find(pid);
    std::string n = it == by_pid.end() ? fmt::format("pid{}", pid) : it->second;
    // hazptrtorture's names all start alike; keep the part that tells them apart.
    if (n.rfind("hazptr_torture_", 0) == 0) n = "htort_" + n.substr(15);
    for (char& c : n)
      if (c == ' ') c = '_';
    return n.substr(0, 15);
  }
  std::map<int, std::string> by_pid;
};

std::string ts_seconds(uint64_t ns) { return fmt::format("{}.{:09}", ns / 1000000000, ns % 1000000000); }

// ftrace's five-character context column: irqs off (d), need-resched (N), hardirq (h), softirq
// (s) or a hardirq on top of one (H), the preempt depth in hex, migrate-disable (never, here).
std::string flags_column(uint8_t f) {
  std::string s = ".....";
  if (f & kFlagIrqsOff) s[0] = 'd';
  if (f & kFlagNeedResched) s[1] = 'N';
  if (f & kFlagHardirq) s[2] = f & kFlagSoftirq ? 'H' : 'h';
  else if (f & kFlagSoftirq) s[2] = 's';
  if (uint8_t depth = f & kFlagPreemptMask) s[3] = "0123456789abcdef"[depth];
  return s;
}

}  // namespace

std::string ftrace_text(const std::vector<Event>& events, const Machine& m, const FtraceOptions& options) {
  Names names(m);
  std::vector<std::string> lines;
  std::vector<int> curr(size_t(m.nr_cpus()), 0);              // pid on each vCPU
  std::vector<const char*> prev_state(size_t(m.nr_cpus()), "R");  // how the running task leaves
  const Event* now = nullptr;  // the event being written: its flags are the line's
  auto line = [&](int pid, int cpu, uint64_t ns, const std::string& body) {
    // The kernel traces irq_handler_entry/exit inside the hardirq (interrupts off) and the
    // softirq events inside the softirq; hazsim records them just outside.
    uint8_t f = now->flags;
    if (now->kind == AccessKind::kIrqEnter || now->kind == AccessKind::kIrqExit) f |= kFlagHardirq | kFlagIrqsOff;
    if (now->kind == AccessKind::kSoftirqEnter || now->kind == AccessKind::kSoftirqExit) f |= kFlagSoftirq;
    lines.push_back(fmt::format("{:>16}-{:<7} [{:03}] {} {}: {}", names.comm(pid, cpu), pid < 0 ? 0 : pid,
                                cpu < 0 ? 0 : cpu, flags_column(f), ts_seconds(ns), body));
  };
  std::map<int, int> open_spans;  // per pid
  const Failure* failure = options.failure;
  auto failure_event = [&] {
    if (failure == nullptr) return;
    Event at;
    at.flags = now ? now->flags : 0;
    const Event* was = now;
    now = &at;
    int pid = failure->pid < 0 ? 0 : failure->pid, cpu = failure->cpu < 0 ? 0 : failure->cpu;
    std::string what = fmt::format("FAILURE: {} at {}", oracle_name(failure->oracle), failure->site);
    for (char& ch : what)
      if (ch == '|' || ch == '\n') ch = ' ';
    line(pid, cpu, failure->now_ns, fmt::format("tracing_mark_write: B|{}|{}", pid, what));
    line(pid, cpu, failure->now_ns, fmt::format("tracing_mark_write: E|{}", pid));
    now = was;
    failure = nullptr;
  };
  for (const Event& e : events) {
    if (e.cpu < 0) continue;
    if (failure && e.now > failure->now_ns) failure_event();
    now = &e;
    size_t c = size_t(e.cpu);
    if (e.kind == AccessKind::kSpanBegin) ++open_spans[e.pid];
    if (e.kind == AccessKind::kSpanEnd && open_spans[e.pid] > 0) --open_spans[e.pid];
    if (options.accesses && e.valued && e.kind <= AccessKind::kRmw && open_spans[e.pid] > 0) {
      std::string object = m.event_object(e);
      line(e.pid, e.cpu, e.now,
           fmt::format("{}: {} line {}{} {} {}", bare_function_name(e.func), access_kind_name(e.kind), e.line,
                       object.empty() ? "" : " [" + object + "]", e.kind == AccessKind::kStore ? "<-" : "=",
                       m.value_text(e.value)));
    }
    switch (e.kind) {
      case AccessKind::kPreempt: prev_state[c] = "R+"; break;
      case AccessKind::kSleep: prev_state[c] = e.addr ? "S" : "D"; break;
      case AccessKind::kExit: prev_state[c] = "X"; break;
      case AccessKind::kSwitch: {
        int prev = curr[c], next = int(e.addr);
        line(prev, e.cpu, e.now,
             fmt::format("sched_switch: prev_comm={} prev_pid={} prev_prio=120 prev_state={} ==> next_comm={} "
                         "next_pid={} next_prio=120",
                         names.comm(prev, e.cpu), prev, prev <= 0 ? "R" : prev_state[c], names.comm(next, e.cpu), next));
        curr[c] = next;
        prev_state[c] = "R";
        break;
      }
      case AccessKind::kWake:
        line(e.pid, e.cpu, e.now,
             fmt::format("sched_waking: comm={} pid={} prio=120 target_cpu={:03}", names.comm(int(e.addr), e.cpu),
                         e.addr, e.cpu));
        break;
      case AccessKind::kMigrate:
        line(e.pid, e.cpu, e.now,
             fmt::format("sched_migrate_task: comm={} pid={} prio=120 orig_cpu={} dest_cpu={}",
                         names.comm(e.pid, e.cpu), e.pid, e.cpu, e.addr));
        break;
      // The local timer as x86's apic timer event shows it; a softirq raised from task context
      // (hazsim's stand-in for ksoftirqd's wakeup) as an irq of its own name.
      case AccessKind::kIrqEnter:
        line(e.pid, e.cpu, e.now,
             e.addr == kIrqLocalTimer    ? "local_timer_entry: vector=236"
             : e.addr == kIrqSoftirqKick ? "irq_handler_entry: irq=0 name=softirq-raise"
                                         : "irq_handler_entry: irq=0 name=IPI");
        break;
      case AccessKind::kIrqExit:
        line(e.pid, e.cpu, e.now,
             e.addr == kIrqLocalTimer ? "local_timer_exit: vector=236" : "irq_handler_exit: irq=0 ret=handled");
        break;
      case AccessKind::kSoftirqEnter:
      case AccessKind::kSoftirqExit:
        line(e.pid, e.cpu, e.now,
             fmt::format("softirq_{}: vec={} [action={}]", e.kind == AccessKind::kSoftirqEnter ? "entry" : "exit",
                         e.addr, e.addr == kTimerSoftirq ? "TIMER" : "TASKLET"));
        break;
      case AccessKind::kSpanBegin:
        line(e.pid, e.cpu, e.now, fmt::format("tracing_mark_write: B|{}|{}", e.pid, e.func));
        break;
      case AccessKind::kSpanEnd: line(e.pid, e.cpu, e.now, fmt::format("tracing_mark_write: E|{}", e.pid)); break;
      case AccessKind::kHolds:
        line(e.pid, e.cpu, e.now, fmt::format("tracing_mark_write: C|{}|hazard pointers held|{}", 1, e.addr));
        break;
      default: break;
    }
  }
  failure_event();
  std::string out = "# tracer: nop\n#\n";
  out += fmt::format("# entries-in-buffer/entries-written: {}/{}   #P:{}\n#\n", lines.size(), lines.size(), m.nr_cpus());
  out += "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n";
  out += "#              | |         |   |||||     |         |\n";
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string chrome_json(const std::vector<Event>& events, const Machine& m, const Failure* failure) {
  Names names(m);
  std::vector<std::string> out;
  auto us = [](uint64_t ns) { return fmt::format("{}.{:03}", ns / 1000, ns % 1000); };
  auto quote = [](const std::string& s) {  // a JSON string: quotes, backslashes, control bytes escaped
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\';
      if (c == '\n') q += "\\n";
      else if (uint8_t(c) < 0x20) q += fmt::format("\\u{:04x}", unsigned(uint8_t(c)));
      else q += c;
    }
    return q + "\"";
  };
  // Tracks: pid 1 holds one thread per vCPU (tid = cpu) and one per task (tid = 1000 + pid).
  out.push_back(R"({"name":"process_name","ph":"M","pid":1,"args":{"name":"hazsim machine"}})");
  for (int c = 0; c < m.nr_cpus(); ++c)
    out.push_back(fmt::format(R"({{"name":"thread_name","ph":"M","pid":1,"tid":{},"args":{{"name":"vCPU {}"}}}})", c, c));
  for (const auto& [pid, name] : names.by_pid)
    out.push_back(fmt::format(R"({{"name":"thread_name","ph":"M","pid":1,"tid":{},"args":{{"name":{}}}}})", 1000 + pid,
                              quote("task " + name)));
  std::vector<int> curr(size_t(m.nr_cpus()), 0);
  std::vector<uint64_t> since(size_t(m.nr_cpus()), 0);
  auto close_slice = [&](size_t c, uint64_t now) {
    if (now > since[c] || curr[c] != 0)
      out.push_back(fmt::format(R"({{"name":{},"cat":"sched","ph":"X","pid":1,"tid":{},"ts":{},"dur":{}}})",
                                quote(names.comm(curr[c], int(c))), c, us(since[c]), us(now - since[c])));
  };
  uint64_t last = 0;
  std::map<int, int> open;  // B events not yet ended, per track
  for (const Event& e : events) {
    last = e.now;
    if (e.cpu < 0) continue;
    size_t c = size_t(e.cpu);
    switch (e.kind) {
      case AccessKind::kSwitch:
        close_slice(c, e.now);
        curr[c] = int(e.addr);
        since[c] = e.now;
        break;
      case AccessKind::kPreempt:
      case AccessKind::kMigrate:
      case AccessKind::kDrain:
      case AccessKind::kStall:
        out.push_back(fmt::format(R"({{"name":"{}","cat":"{}","ph":"i","s":"t","pid":1,"tid":{},"ts":{},"args":{{"task":{}}}}})",
                                  access_kind_name(e.kind), e.kind == AccessKind::kDrain ? "memory" : "sched", c,
                                  us(e.now), quote(names.comm(e.pid, e.cpu))));
        break;
      // Interrupts and softirqs as spans on the vCPU, inside the slice of the task they interrupt.
      case AccessKind::kIrqEnter:
      case AccessKind::kIrqExit:
      case AccessKind::kSoftirqEnter:
      case AccessKind::kSoftirqExit: {
        bool irq = e.kind == AccessKind::kIrqEnter || e.kind == AccessKind::kIrqExit;
        bool begin = e.kind == AccessKind::kIrqEnter || e.kind == AccessKind::kSoftirqEnter;
        std::string name = irq ? (e.addr == kIrqLocalTimer ? "irq: local timer" : e.addr == kIrqSoftirqKick ? "irq: softirq raise" : "irq: IPI")
                               : (e.addr == kTimerSoftirq ? "softirq: TIMER" : "softirq: TASKLET");
        out.push_back(fmt::format(R"({{"name":"{}","cat":"{}","ph":"{}","pid":1,"tid":{},"ts":{},"args":{{"task":{}}}}})",
                                  name, irq ? "irq" : "softirq", begin ? "B" : "E", c, us(e.now),
                                  quote(names.comm(e.pid, e.cpu))));
        open[int(c)] += begin ? 1 : -1;
        break;
      }
      case AccessKind::kSpanBegin:
      case AccessKind::kSpanEnd:
        out.push_back(fmt::format(R"({{"name":{},"cat":"hazptr","ph":"{}","pid":1,"tid":{},"ts":{}}})", quote(e.func),
                                  e.kind == AccessKind::kSpanBegin ? "B" : "E", 1000 + e.pid, us(e.now)));
        open[1000 + e.pid] += e.kind == AccessKind::kSpanBegin ? 1 : -1;
        break;
      case AccessKind::kHolds:
        out.push_back(fmt::format(
            R"({{"name":"hazard pointers held","cat":"hazptr","ph":"C","pid":1,"ts":{},"args":{{"held":{}}}}})",
            us(e.now), e.addr));
        break;
      default: break;
    }
  }
  for (size_t c = 0; c < curr.size(); ++c) close_slice(c, last);
  // A run that stopped at a failure may stop inside spans: they end with the trace.
  for (const auto& [tid, n] : open)
    for (int k = 0; k < n; ++k)
      out.push_back(fmt::format(R"({{"cat":"{}","ph":"E","pid":1,"tid":{},"ts":{}}})", tid >= 1000 ? "hazptr" : "irq",
                                tid, us(last)));
  if (failure)  // on the failing task's track, at its time
    out.push_back(fmt::format(
        R"({{"name":{},"cat":"failure","ph":"i","s":"g","pid":1,"tid":{},"ts":{},"args":{{"message":{}}}}})",
        quote(fmt::format("FAILURE: {} at {}", oracle_name(failure->oracle), failure->site)),
        failure->pid > 0 ? 1000 + failure->pid : std::max(failure->cpu, 0), us(failure->now_ns),
        quote(failure->message)));
  std::string json = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  for (size_t i = 0; i < out.size(); ++i) json += out[i] + (i + 1 < out.size() ? ",\n" : "\n");
  return json + "]}\n";
}

}  // namespace hazsim
