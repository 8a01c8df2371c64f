// Every oracle reports through here: the first failure of a run is kept and the run stops.
#include "sched/machine.h"

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
  failure_.step = step_;
  failure_.now_ns = now_;
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
