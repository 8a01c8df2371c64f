#include "cli/report.h"

#include <fmt/format.h>

namespace hazsim {

namespace {
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

std::string bare_function(const char* f) {
  std::string fn = f;
  auto paren = fn.find('(');
  if (paren != std::string::npos) fn = fn.substr(0, paren);
  auto space = fn.rfind(' ');
  if (space != std::string::npos) fn = fn.substr(space + 1);
  auto colons = fn.rfind("::");
  if (colons != std::string::npos) fn = fn.substr(colons + 2);
  return fn;
}
}  // namespace

std::string start_line(const Params& p) { return "hazsim-torture:--- Start of test: " + params_text(p); }

std::string end_line(const Params& p, bool failed) {
  return fmt::format("hazsim-torture:--- End of test: {}: {}", failed ? "FAILURE" : "SUCCESS", params_text(p));
}

std::string failure_report(const ScenarioOutcome& o) {
  const Failure& f = o.run.failure;
  std::string s = fmt::format("hazsim-torture: !!! {} [oracle: {}]\n", f.message, oracle_name(f.oracle));
  s += fmt::format("hazsim-torture: !!! where: {} (pid {}) on cpu {}, at {}, step {}, t={} ns\n",
                   f.task.empty() ? "(no task)" : f.task, f.pid, f.cpu, f.site, f.step, f.now_ns);
  s += fmt::format("hazsim-torture: the last {} events (step, vCPU, pid, event, site):\n", o.run.last_events.size());
  for (const Event& e : o.run.last_events) {
    std::string what = access_kind_name(e.kind);
    if (e.kind == AccessKind::kSwitch) what += fmt::format(" pid {}", e.addr);
    else if (e.kind == AccessKind::kMigrate) what += fmt::format(" cpu {}", e.addr);
    else if (e.kind == AccessKind::kWake) what += fmt::format(" pid {}", e.addr);
    else if (e.kind == AccessKind::kSleep) what += fmt::format(" {} ns", e.addr);
    else if (e.kind <= AccessKind::kRmw && e.addr != 0) what += fmt::format(" arena+{:#x}", e.addr);
    s += fmt::format("hazsim-torture:   {:>9} cpu{:<3} {:>5}  {:<24} {}:{}\n", e.step, e.cpu, e.pid, what,
                     bare_function(e.func), e.line);
  }
  return s;
}

}  // namespace hazsim
