// Every oracle reports through here: the first failure of a run is kept and the run stops. WARNs
// too, unless panic_on_warn=0 lets the run go on past them. A failure names the task's open
// sections (spans) as its call chain.
#include "sched/machine.h"

#include <algorithm>
#include <exception>
#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

void Machine::report(Oracle o, std::string message, const Site& site) {
  Failure* f = reports_.first_failure();
  if (f == nullptr) return;
  stop_ = true;
  fill_failure(f, o, std::move(message), site_text(site));
}

// Who and where: the running task, its vCPU and call chain, the step and the virtual time.
void Machine::fill_failure(Failure* f, Oracle o, std::string message, std::string where) {
  f->oracle = o;
  f->message = std::move(message);
  Task* t = current_task();
  f->pid = t ? t->pid : -1;
  f->task = t ? t->name : "";
  f->cpu = running_cpu_ ? running_cpu_->id : -1;
  f->site = std::move(where);
  f->chain = call_chain(t);
  f->step = step_;
  f->now_ns = now_;
}

// A named section (acquire, release, synchronize, the hook) opens or closes: an event for traces,
// the task's call chain for failures, and the section's cost under the cost meter.
void Machine::span_begin(const char* name) {
  Task* t = current_task();
  if (t) {
    if (size_t(t->span_depth) < t->spans.size()) t->spans[size_t(t->span_depth)].name = name;
    ++t->span_depth;
  }
  record_name(AccessKind::kSpanBegin, name);
  if (cost_.on()) [[unlikely]]
    cost_span_begin();
}

void Machine::span_end(const char* name) {
  record_name(AccessKind::kSpanEnd, name);
  if (cost_.on()) [[unlikely]]
    cost_span_end();
  if (Task* t = current_task(); t && t->span_depth > 0) --t->span_depth;
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
  if (reports_.failed()) return;
  std::string where = site_text(site);
  if (!reports_.warning_counts(where, once)) return;
  log_.fold(0x5741524eu);  // "WARN": a run that warned differs from one that did not
  if (Failure* w = reports_.keep_warning()) fill_failure(w, Oracle::kWarn, std::move(message), std::move(where));
}

void Machine::settle_warnings(RunResult* r) {
  reports_.settle();
  r->warnings = reports_.warnings();
  r->warnings_fired = reports_.warnings_fired();
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
  return object_text(*a, e.addr - a->offset);
}

std::string Machine::object_text(const AllocInfo& a, uint64_t off) const {
  std::string field = a.layout ? a.layout->path_at(off, a.stride, a.size) : "";
  std::string s = !field.empty() ? a.what + field : off == 0 ? std::string(a.what) : fmt::format("{}+{}", a.what, off);
  Shadow kind = arena_.shadow_at(arena_.base() + a.offset);
  if ((kind == Shadow::kStack || kind == Shadow::kDeadStack) && a.owner_pid > 0)
    for (const auto& t : tasks_)
      if (t->pid == a.owner_pid) return s + " of " + t->name;
  return s;
}

std::string Machine::value_text(uint64_t v) const {
  const void* p = reinterpret_cast<const void*>(uintptr_t(v));
  if (v != 0 && arena_.contains(p)) {
    uint64_t off = arena_.offset_of(p);
    const AllocInfo* a = arena_.find(p);
    if (!a) return fmt::format("arena+{:#x}", off);
    // A pointer to an object's start names the object, not its first field.
    return fmt::format("arena+{:#x} ({})", off, off == a->offset ? std::string(a->what) : object_text(*a, off - a->offset));
  }
  if (v != 0 && mem_.regions().find(p, 1)) {
    uint64_t recorded = mem_.regions().outside_offset(p);
    uint64_t off = recorded & ((uint64_t(1) << 48) - 1);
    return off == 0 ? fmt::format("&{}", mem_.regions().name_of(recorded))
                    : fmt::format("&{}+{}", mem_.regions().name_of(recorded), off);
  }
  return v < 10 ? fmt::format("{}", v) : fmt::format("{:#x}", v);
}

void Machine::collect_last_events(RunResult* r) const {
  r->last_events = log_.last_events();
  r->last_event_objects.clear();
  r->last_event_values.clear();
  for (const Event& e : r->last_events) {
    r->last_event_objects.push_back(event_object(e));
    r->last_event_values.push_back(e.valued ? value_text(e.value) : "");
  }
}

}  // namespace hazsim
