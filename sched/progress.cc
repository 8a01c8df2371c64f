// No progress: the step bounds (max_steps, sync_bound, starve_bound) and what a report of one says.
#include "sched/machine.h"

#include <algorithm>
#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

void Machine::periodic_checks() {
  next_check_step_ = std::min(step_ + kCheckEvery, cfg_.max_steps);
  if (step_ >= cfg_.max_steps) {
    report_no_progress(fmt::format("the run did not finish within max_steps={}", cfg_.max_steps));
    return;
  }
  check_lockups();
  for (auto& t : tasks_) {
    if (t->state == TaskState::kRunnable && !t->is_idle && step_ - t->runnable_since > cfg_.starve_bound) {
      const Cpu& c = cpus_[size_t(t->cpu)];
      fail(Oracle::kNoProgress,
           fmt::format("no progress: starvation: {} has been runnable on cpu {} for {} steps (starve_bound={}) "
                       "while {} runs there",
                       task_label(t.get()), t->cpu, step_ - t->runnable_since, cfg_.starve_bound,
                       task_label(c.curr)),
           t->last_site);
    }
  }
}

// The hard-lockup watchdog: a vCPU whose interrupts stayed off (no local_irq_enable(), no return
// from an interrupt or from __schedule() that turned them back on) for lockup_steps of the
// machine. The kernel's detector asks the same question of its timer interrupt, with an NMI.
void Machine::check_lockups() {
  for (auto& c : cpus_) {
    if (c.irq_off == 0 || c.irqs_on != c.watchdog_irqs_on) {
      c.watchdog_irqs_on = c.irqs_on;
      c.watchdog_since = step_;
      continue;
    }
    if (step_ - c.watchdog_since <= cfg_.lockup_steps) continue;
    fail(Oracle::kLockup,
         fmt::format("watchdog: Watchdog detected hard LOCKUP on cpu {}: interrupts off for over {} steps "
                     "(lockup_steps={}) while {} runs there{}",
                     c.id, step_ - c.watchdog_since, cfg_.lockup_steps, task_label(c.curr),
                     c.in_irq ? ", in an interrupt handler" : ""),
         c.curr->last_site);
  }
}

void Machine::sync_too_long(Task* t, const Site& site) {
  std::string holders;
  for (const auto& h : ghost_.holds())
    if (h.addr == t->sync_addr) {
      const Task* ht = static_cast<const Task*>(h.task);
      holders += fmt::format("\n    held by {} since step {} ({})", ht ? task_label(ht) : "?", h.acquired_step,
                             ht ? fmt::format("now at {}", site_text(ht->last_site)) : "");
    }
  fail(Oracle::kNoProgress,
       fmt::format("no progress: hazptr_synchronize({}) in {} has not returned after {} steps of its own, {} of "
                   "the machine (sync_bound={} of its own){}",
                   describe_addr(t->sync_addr), task_label(t), t->sync_steps, step_ - t->sync_begin, cfg_.sync_bound,
                   holders.empty() ? std::string("; no reader holds it") : holders),
       site);
}

void Machine::report_no_progress(const std::string& why) {
  std::string detail;
  for (auto& t : tasks_) {
    if (t->is_idle || t->state == TaskState::kDead) continue;
    const char* st = t->state == TaskState::kRunning    ? "running"
                     : t->state == TaskState::kRunnable ? "runnable"
                     : t->state == TaskState::kSleeping ? "sleeping"
                                                        : "blocked";
    detail += fmt::format("\n    {} {} on cpu {}, last at {}", task_label(t.get()), st, t->cpu, site_text(t->last_site));
  }
  Task* t = current_task();
  fail(Oracle::kNoProgress, fmt::format("no progress: {}; unfinished tasks:{}", why, detail),
       t ? t->last_site : Site::current());
}

}  // namespace hazsim
