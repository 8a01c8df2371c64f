#include "cli/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>


namespace hazsim {

namespace {

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

std::string prev_state_text(int state) {
  if (state & FtraceRecord::kPreempted) return "R+";
  if (state & FtraceRecord::kSleeping) return "S";
  if (state & FtraceRecord::kUninterruptible) return "D";
  if (state & FtraceRecord::kDead) return "X";
  return "R";
}

std::string softirq_action(int64_t vec) { return vec == kTimerSoftirq ? "TIMER" : "TASKLET"; }

// The event and its arguments as the kernel's trace file prints them.
std::string body(const FtraceRecord& r) {
  using Type = FtraceRecord::Type;
  switch (r.type) {
    case Type::kSwitch:
      return fmt::format("sched_switch: prev_comm={} prev_pid={} prev_prio=120 prev_state={} ==> next_comm={} "
                         "next_pid={} next_prio=120",
                         r.comm, r.pid, prev_state_text(r.state), r.other_comm, r.other_pid);
    case Type::kWaking:
      return fmt::format("sched_waking: comm={} pid={} prio=120 target_cpu={:03}", r.other_comm, r.other_pid, r.value);
    case Type::kMigrate:
      return fmt::format("sched_migrate_task: comm={} pid={} prio=120 orig_cpu={} dest_cpu={}", r.other_comm,
                         r.other_pid, r.cpu, r.value);
    case Type::kTimerEntry: return "local_timer_entry: vector=236";
    case Type::kTimerExit: return "local_timer_exit: vector=236";
    case Type::kIrqEntry: return "irq_handler_entry: irq=0 name=" + r.text;
    case Type::kIrqExit: return "irq_handler_exit: irq=0 ret=handled";
    case Type::kSoftirqEntry: return fmt::format("softirq_entry: vec={} [action={}]", r.value, softirq_action(r.value));
    case Type::kSoftirqExit: return fmt::format("softirq_exit: vec={} [action={}]", r.value, softirq_action(r.value));
    case Type::kPrint: return r.func + ": " + r.text;
  }
  return "";
}

}  // namespace

std::string ftrace_text(const std::vector<Event>& events, const Machine& m, const FtraceOptions& options) {
  std::vector<FtraceRecord> records = ftrace_records(events, m, options);
  std::string out = "# tracer: nop\n#\n";
  out += fmt::format("# entries-in-buffer/entries-written: {}/{}   #P:{}\n#\n", records.size(), records.size(),
                     m.nr_cpus());
  out += "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n";
  out += "#              | |         |   |||||     |         |\n";
  for (const FtraceRecord& r : records)
    out += fmt::format("{:>16}-{:<7} [{:03}] {} {}: {}\n", r.comm, r.pid, r.cpu, flags_column(r.flags), ts_seconds(r.ns),
                       body(r));
  return out;
}

std::string chrome_json(const std::vector<Event>& events, const Machine& m, const Failure* failure) {
  TaskNames names(m);
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
  for (const auto& [pid, name] : names.by_pid())
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
