// Traces of a real failure follow their formats' rules: the ftrace text as Perfetto's systrace
// parser reads it (header, line syntax, event names, balanced B/E marks), the Chrome JSON as JSON
// with the trace-event fields.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <cstring>
#include <regex>
#include <sstream>

#include "cli/litmus_sketch.h"
#include "cli/trace.h"
#include "scenarios/litmus.h"
#include "scenarios/library.h"
#include "scenarios/runner.h"

namespace hazsim {
namespace {

struct Traced {
  std::vector<Event> events;
  ScenarioOutcome outcome;
};

void trace_run(Machine& m, const std::string& scn, const std::string& design, int seed, Traced* out) {
  Params p;
  std::string err;
  ASSERT_TRUE(load_scenario(scn, &p, &err)) << err;
  p.set("design", design, &err);
  p.set("seed", std::to_string(seed), &err);
  m.set_full_trace(&out->events);
  out->outcome = run_scenario(m, p);
  m.set_full_trace(nullptr);
}

// A timer callback's run as ftrace shows one: the local timer interrupt on the idle vCPU, then
// the TIMER softirq that its exit runs, balanced, on the same vCPU, each with its context flags.
TEST(Trace, TimerSoftirqsAppearAsTheKernelTracesThem) {
  Machine m;
  Traced t;
  trace_run(m, "SOFTIRQ", "v5", 1, &t);
  ASSERT_TRUE(t.outcome.error.empty()) << t.outcome.error;
  std::string text = ftrace_text(t.events, m);
  std::istringstream in(text);
  std::string line;
  int timers = 0, entries = 0, exits = 0;
  // The context column: the timer interrupt's lines in a hardirq with interrupts off (d.h..),
  // the softirq's in a softirq (..s..).
  const std::regex flags(R"(\] (\S{5}) )");
  while (std::getline(in, line)) {
    std::smatch f;
    if (line.find("local_timer_entry") != std::string::npos && std::regex_search(line, f, flags)) {
      // H: the tick came in while the vCPU served a softirq.
      EXPECT_TRUE(f[1].str()[0] == 'd' && (f[1].str()[2] == 'h' || f[1].str()[2] == 'H')) << line;
    }
    if (line.find("softirq_entry") != std::string::npos && std::regex_search(line, f, flags)) {
      EXPECT_TRUE(f[1].str()[2] == 's' || f[1].str()[2] == 'H') << line;
    }
    timers += line.find("local_timer_entry: vector=236") != std::string::npos;
    if (line.find("softirq_entry: vec=1 [action=TIMER]") != std::string::npos) {
      ++entries;
      EXPECT_NE(line.find("[002]"), std::string::npos) << "SOFTIRQ's timers go to the idle vCPU 2: " << line;
    }
    exits += line.find("softirq_exit: vec=1 [action=TIMER]") != std::string::npos;
  }
  EXPECT_GT(timers, 0);
  EXPECT_GT(entries, 0);
  EXPECT_EQ(entries, exits);
  EXPECT_GE(timers, entries) << "each softirq run follows a tick";
}

TEST(Trace, FtraceOfAFailureFollowsTheSystraceFormat) {
  Machine m;
  Traced t;
  trace_run(m, "TORTURE", "v4", 1, &t);
  ASSERT_TRUE(t.outcome.run.failed);
  std::string text = ftrace_text(t.events, m, {&t.outcome.run.failure, false});
  std::istringstream in(text);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "# tracer: nop");
  // TASK-PID [CPU] flags TIMESTAMP: event: args (Perfetto's systrace line parser)
  const std::regex re(R"(^\s*(\S+)-(\d+)\s+\[(\d{3})\] [dX.][Nnp.][Hhs.][0-9a-f.]\. (\d+\.\d{9}): (\w+): (.*)$)");
  const std::regex sched_switch(
      R"(^prev_comm=\S+ prev_pid=\d+ prev_prio=\d+ prev_state=(R|R\+|S|D|X) ==> next_comm=\S+ next_pid=\d+ next_prio=\d+$)");
  const std::regex sched_waking(R"(^comm=\S+ pid=\d+ prio=\d+ target_cpu=\d{3}$)");
  // Perfetto's systrace point: B|pid|name (the rest of the line), E|pid, C|pid|name|value.
  const std::regex mark(R"(^(B\|\d+\|[^|]+|E\|\d+|C\|\d+\|[^|]+\|\d+)$)");
  std::map<std::string, int> counts;
  std::map<std::string, int> open_marks;  // per pid
  double last_ts = 0;
  int lines = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::smatch mm;
    ASSERT_TRUE(std::regex_match(line, mm, re)) << line;
    ++lines;
    double ts = std::stod(mm[4]);
    EXPECT_GE(ts, last_ts) << line;
    last_ts = ts;
    std::string event = mm[5], args = mm[6];
    ++counts[event];
    if (event == "sched_switch") {
      EXPECT_TRUE(std::regex_match(args, sched_switch)) << line;
    }
    // Perfetto's importer reads sched_waking's key=value words and needs pid= to be a number.
    if (event == "sched_waking") {
      EXPECT_TRUE(std::regex_match(args, sched_waking)) << line;
    }
    if (event == "tracing_mark_write") {
      EXPECT_TRUE(std::regex_match(args, mark)) << line;
      std::string pid = mm[2];
      if (args[0] == 'B') ++open_marks[pid];
      if (args[0] == 'E') {
        EXPECT_GE(--open_marks[pid], 0) << "an E without its B: " << line;
      }
    }
    EXPECT_TRUE(event == "sched_switch" || event == "sched_waking" || event == "sched_migrate_task" ||
                event == "tracing_mark_write" || event == "irq_handler_entry" || event == "irq_handler_exit")
        << event;
  }
  EXPECT_GT(lines, 50);
  EXPECT_GT(counts["sched_switch"], 5);
  EXPECT_GT(counts["tracing_mark_write"], 20);
  EXPECT_NE(text.find("prev_state=R+"), std::string::npos) << "no preemption in the trace";
  EXPECT_NE(text.find("B|"), std::string::npos);
  EXPECT_NE(text.find("|hazptr_acquire"), std::string::npos);
  EXPECT_NE(text.find("|hazptr_release"), std::string::npos);
  EXPECT_NE(text.find("|hazptr_note_context_switch"), std::string::npos);
  // The failure is an event at its time, on the failing task's track.
  const Failure& f = t.outcome.run.failure;
  size_t at = text.find(fmt::format("B|{}|FAILURE: {} at {}", f.pid, oracle_name(f.oracle), f.site));
  ASSERT_NE(at, std::string::npos);
  size_t line_start = text.rfind('\n', at) + 1;
  EXPECT_NE(text.substr(line_start, at - line_start).find(fmt::format("{}.{:09}:", f.now_ns / 1000000000,
                                                                        f.now_ns % 1000000000)),
            std::string::npos);
}

// --accesses: the design calls' marked accesses as trace_printk() lines under the function's name,
// with the object and the value in words (never a host address), each inside a traced section.
TEST(Trace, AccessesShowTheDesignsLoadsAndStoresWithValues) {
  Machine m;
  Traced t;
  trace_run(m, "TORTURE", "v4", 1, &t);
  std::string plain = ftrace_text(t.events, m), text = ftrace_text(t.events, m, {nullptr, true});
  const std::regex access(R"(^\s*\S+-\d+\s+\[\d{3}\] \S{5} \d+\.\d{9}: (hazptr_\w+): (load|store|rmw) line \d+( \[[^\]]+\])? (=|<-) (\S+).*$)");
  std::istringstream in(text);
  std::string line;
  int n = 0, pointers = 0;
  while (std::getline(in, line)) {
    std::smatch mm;
    if (!std::regex_match(line, mm, access)) continue;
    ++n;
    std::string value = mm[5];
    pointers += value.rfind("arena+", 0) == 0;
    EXPECT_TRUE(value.rfind("arena+", 0) == 0 || value.rfind("&", 0) == 0 || value.size() <= 12) << line;
  }
  EXPECT_GT(n, 100);
  EXPECT_GT(pointers, 10);
  EXPECT_EQ(plain.find(": load line "), std::string::npos) << "accesses only with --accesses";
}

// A small JSON checker: values, objects, arrays, strings with escapes, numbers, literals.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& s) : s_(s) {}
  bool valid() {
    ws();
    if (!value()) return false;
    ws();
    return i_ == s_.size();
  }

 private:
  void ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (s_.compare(i_, n, w) != 0) return false;
    i_ += n;
    return true;
  }
  bool str() {
    if (s_[i_] != '"') return false;
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] == '\\') ++i_;
      else if (s_[i_] == '"') return ++i_, true;
    }
    return false;
  }
  bool num() {
    size_t b = i_;
    if (s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' || s_[i_] == 'e' ||
                              s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
      ++i_;
    return i_ > b;
  }
  bool value() {
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '{') return container('}', true);
    if (c == '[') return container(']', false);
    if (c == '"') return str();
    if (c == 't') return lit("true");
    if (c == 'f') return lit("false");
    if (c == 'n') return lit("null");
    return num();
  }
  bool container(char close, bool object) {
    ++i_;
    ws();
    if (i_ < s_.size() && s_[i_] == close) return ++i_, true;
    for (;;) {
      ws();
      if (object) {
        if (!str()) return false;
        ws();
        if (i_ >= s_.size() || s_[i_++] != ':') return false;
        ws();
      }
      if (!value()) return false;
      ws();
      if (i_ >= s_.size()) return false;
      if (s_[i_] == close) return ++i_, true;
      if (s_[i_++] != ',') return false;
    }
  }
  const std::string& s_;
  size_t i_ = 0;
};

TEST(Trace, JsonCheckerRejectsBrokenJson) {
  EXPECT_TRUE(JsonChecker(R"({"a":[1,2.5,{"b":"c\"d"}],"e":true})").valid());
  EXPECT_FALSE(JsonChecker(R"({"a":[1,2})").valid());
  EXPECT_FALSE(JsonChecker(R"({"a" 1})").valid());
  EXPECT_FALSE(JsonChecker(R"([1,2,])").valid());
}

TEST(Trace, ChromeJsonOfAFailureIsTraceEventJson) {
  Machine m;
  Traced t;
  trace_run(m, "IRQ", "v4", 1, &t);
  ASSERT_TRUE(t.outcome.run.failed);
  std::string json = chrome_json(t.events, m, &t.outcome.run.failure);
  EXPECT_TRUE(JsonChecker(json).valid());
  EXPECT_EQ(json.rfind("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 0), 0u);
  for (const char* needle : {R"("ph":"X")", R"("ph":"B")", R"("ph":"E")", R"("ph":"i")", R"("ph":"C")",
                             R"("name":"thread_name")", R"("name":"vCPU 0")", R"("name":"irq: IPI","cat":"irq","ph":"B")",
                             R"("cat":"failure")"})
    EXPECT_NE(json.find(needle), std::string::npos) << needle;
  // Every event but the metadata has a category.
  std::istringstream lines(json);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(R"("ph":)") != std::string::npos && line.find(R"("ph":"M")") == std::string::npos) {
      EXPECT_NE(line.find(R"("cat":")"), std::string::npos) << line;
    }
  }
  size_t b = 0, e = 0;
  for (size_t pos = 0; (pos = json.find(R"("ph":"B")", pos)) != std::string::npos; ++pos) ++b;
  for (size_t pos = 0; (pos = json.find(R"("ph":"E")", pos)) != std::string::npos; ++pos) ++e;
  EXPECT_EQ(b, e) << "a span the failure left open is closed at the trace's end";
}

// The litmus sketch of a failure is a litmus test the parser accepts, with one thread per task
// involved and the design functions named at each access.
TEST(Trace, LitmusSketchOfAFailureParses) {
  Machine m;
  Traced t;
  trace_run(m, "TORTURE", "busted", 1, &t);
  ASSERT_TRUE(t.outcome.run.failed);
  std::string text = litmus_sketch(t.events, m, "sketch", "sync-returned-early");
  litmus::Test parsed;
  std::string err;
  ASSERT_TRUE(litmus::parse(text, &parsed, &err)) << err << "\n" << text;
  EXPECT_GE(parsed.procs.size(), 1u);
  EXPECT_LE(parsed.procs.size(), 4u);
  EXPECT_NE(text.find("/* hazptr_"), std::string::npos) << text;
}

}  // namespace
}  // namespace hazsim
