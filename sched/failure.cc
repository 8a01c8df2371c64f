// Every oracle reports through here: the first failure of a run is kept and the run stops. WARNs
// too, unless panic_on_warn=0 lets the run go on past them.
#include "sched/machine.h"

#include <algorithm>
#include <exception>
#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

void Machine::report(Oracle o, std::string message, const Site& site) {
  if (failed_) return;
  failed_ = true;
  stop_ = true;
  failure_.oracle = o;
  failure_.message = std::move(message);
  Task* t = current_task();
  failure_.pid = t ? t->pid : -1;
  failure_.task = t ? t->name : "";
  failure_.cpu = running_cpu_ ? running_cpu_->id : -1;
  failure_.site = site_text(site);
  failure_.chain = call_chain(t);
  failure_.step = step_;
  failure_.now_ns = now_;
}

// A task's open sections, innermost first, as a call trace lists its frames.
std::string Machine::call_chain(const Task* t) const {
  std::string chain;
  if (t)
    for (int d = std::min(t->span_depth, int(t->spans.size())); d-- > 0;)
      chain += (chain.empty() ? "" : " < ") + std::string(t->spans[size_t(d)].name);
  return chain;
}

void Machine::warn(std::string message, bool once, const Site& site) {
  if (cfg_.panic_on_warn) return fail(Oracle::kWarn, std::move(message), site);
  if (failed_) return;
  std::string where = site_text(site);
  if (once) {
    if (std::find(warned_sites_.begin(), warned_sites_.end(), where) != warned_sites_.end()) return;
    warned_sites_.push_back(where);
  }
  ++n_warnings_;
  log_.fold(0x5741524eu);  // "WARN": a run that warned differs from one that did not
  if (warnings_.size() == kMaxWarnings) return;
  Failure& w = warnings_.emplace_back();
  w.oracle = Oracle::kWarn;
  w.message = std::move(message);
  Task* t = current_task();
  w.pid = t ? t->pid : -1;
  w.task = t ? t->name : "";
  w.cpu = running_cpu_ ? running_cpu_->id : -1;
  w.site = std::move(where);
  w.chain = call_chain(t);
  w.step = step_;
  w.now_ns = now_;
}

void Machine::reset_failure() {
  failure_ = Failure{};
  failed_ = false;
  warnings_.clear();
  warned_sites_.clear();
  n_warnings_ = 0;
}

void Machine::settle_warnings(RunResult* r) {
  if (!failed_ && !warnings_.empty()) {
    failed_ = true;
    failure_ = warnings_.front();
  }
  r->warnings = warnings_;
  r->warnings_fired = n_warnings_;
}

void Machine::fail(Oracle o, std::string message, const Site& site) {
  report(o, std::move(message), site);
  if (running_cpu_ != nullptr && std::uncaught_exceptions() == 0 && !tearing_down_) throw RunAborted{};
}

std::string Machine::task_label(const Task* t) const {
  if (!t) return "?";
  return fmt::format("{} (pid {})", t->name, t->pid);
}

}  // namespace hazsim

namespace hazsim {

// A report's reader should not have to map arena offsets by hand. Names only, never host
// pointers; an object freed and reused since the event is named as it is now; arena offset 0 is
// not named (an event records NULL as 0 too).
std::string Machine::event_object(const Event& e) const {
  if (e.kind > AccessKind::kRmw || e.addr == 0) return "";
  if (e.addr >> 48 != 0 && e.addr >> 48 < 0x8000) {
    return mem_.regions().name_of(e.addr);
  }
  if (e.addr >= arena_.used()) return "";
  const AllocInfo* a = arena_.find(arena_.base() + e.addr);
  if (!a) return "";
  return a->offset == e.addr ? std::string(a->what) : fmt::format("{}+{}", a->what, e.addr - a->offset);
}

void Machine::collect_last_events(RunResult* r) const {
  r->last_events = log_.last_events();
  r->last_event_objects.clear();
  for (const Event& e : r->last_events) r->last_event_objects.push_back(event_object(e));
}

}  // namespace hazsim
