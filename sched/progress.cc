// No progress: the step bounds (max_steps, sync_bound, starve_bound) and what a report of one says.
#include "sched/machine.h"

#include <algorithm>
#include <fmt/format.h>

#include "oracles/describe.h"

namespace hazsim {

std::string Machine::bound_text(const char* name, uint64_t value, uint8_t bit) const {
  if (!(cfg_.derived & bit)) return fmt::format("{}={}", name, value);
  return fmt::format("{}={}, derived from {}", name, value, cfg_.bounds_origin());
}

void Machine::periodic_checks() {
  next_check_step_ = std::min(step_ + kCheckEvery, cfg_.max_steps);
  if (live_ != live_at_last_check_) live_at_last_check_ = live_, note_progress();  // a task exited
  if (step_ >= cfg_.max_steps) {
    // Whose fault: a run that still takes and drops holds or finishes synchronizes near the end
    // is slow, and the bound is what stops it; one where nothing of the kind happened for a long
    // stretch is livelocked.
    const uint64_t quiet = step_ - last_progress_step_;
    std::string verdict =
        !holds_tracked_
            ? fmt::format("no task exited for the last {} steps (hazsim does not see a kernel-C workload's holds "
                          "and synchronizes: raise max_steps if it is only slow)",
                          quiet)
        : quiet < cfg_.max_steps / 10
            ? fmt::format("the run was still progressing {} steps before the bound (a hold taken or released, a "
                          "synchronize returned or a task exited): the bound is too small for this scenario, not a "
                          "bug; raise max_steps",
                          quiet)
            : fmt::format("nothing progressed for the last {} steps (no hold taken or released, no synchronize "
                          "returned, no task exited): a livelock",
                          quiet);
    report_no_progress(fmt::format("the run did not finish within {}; {}",
                                   bound_text("max_steps", cfg_.max_steps, MachineConfig::kDerivedMaxSteps),
                                   verdict));
    return;
  }
  if (decisions_.recorded().size() >= cfg_.max_choices) {
    report_no_progress(fmt::format(
        "the run's decision record reached max_choices={} ({:.1f} MiB) at step {}, before {}: hazsim's memory bound, "
        "not a bug of the design; lower max_steps (a longer run could not be saved as a schedule file)",
        cfg_.max_choices, double(decisions_.recorded().size()) * 2 / (1 << 20), step_,
        bound_text("max_steps", cfg_.max_steps, MachineConfig::kDerivedMaxSteps)));
    return;
  }
  check_lockups();
  for (auto& t : tasks_) {
    if (t->state == TaskState::kRunnable && !t->is_idle && step_ - t->runnable_since > cfg_.starve_bound) {
      const Cpu& c = cpus_[size_t(t->cpu)];
      fail(Oracle::kNoProgress,
           fmt::format("no progress: starvation: {} has been runnable on cpu {} for {} steps ({}) while {} runs "
                       "there{}",
                       task_label(t.get()), t->cpu, step_ - t->runnable_since,
                       bound_text("starve_bound", cfg_.starve_bound, MachineConfig::kDerivedStarve),
                       task_label(c.curr),
                       c.curr->preempt_count || c.irq_off
                           ? fmt::format(" with preempt_count={}{}", c.curr->preempt_count,
                                         c.irq_off ? ", interrupts off" : "")
                           : std::string()),
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
         fmt::format("watchdog: Watchdog detected hard LOCKUP on cpu {}: interrupts off for over {} steps ({}) "
                     "while {} runs there{}",
                     c.id, step_ - c.watchdog_since,
                     bound_text("lockup_steps", cfg_.lockup_steps, MachineConfig::kDerivedLockup), task_label(c.curr),
                     c.in_irq ? ", in an interrupt handler" : (c.softirq_count & kSoftirqOffset) ? ", in a softirq handler" : ""),
         c.curr->last_site);
  }
}

namespace {
const char* state_name(TaskState s) {
  return s == TaskState::kRunning    ? "running"
         : s == TaskState::kRunnable ? "runnable"
         : s == TaskState::kSleeping ? "sleeping"
         : s == TaskState::kBlocked  ? "blocked"
                                     : "exited";
}
}  // namespace

std::string Machine::holder_state(const Task* t) const {
  return fmt::format("{} on cpu {}, last step {} ago at {}", state_name(t->state), t->cpu, step_ - t->last_step,
                     site_text(t->last_site));
}

// Whose fault a synchronize that does not return is: its own (nobody holds the pointer), a holder
// that cannot run or cannot let go, or the bound (a holder that keeps running, as in a large
// scenario with long read-side sections).
void Machine::sync_too_long(Task* t, const Site& site) {
  std::string holders;
  int n = 0, stuck = 0;
  for (const auto& h : ghost_.holds()) {
    if (h.addr != t->sync_addr || !h.live()) continue;
    const Task* ht = static_cast<const Task*>(h.task);
    ++n;
    if (!ht || ht->state == TaskState::kBlocked || ht->state == TaskState::kDead ||
        step_ - ht->last_step > cfg_.sync_bound / 2)
      ++stuck;
    holders += fmt::format("\n    held by {} since step {} ({})", ht ? task_label(ht) : "?", h.acquired_step,
                           ht ? holder_state(ht) : std::string("a context that is gone"));
  }
  std::string verdict =
      n == 0       ? "no reader holds it: the synchronize itself does not end (the design, or a lost wake-up)"
      : stuck != 0 ? "a holder cannot run or let go (blocked, gone, or not run for half the bound): a livelock or "
                     "starvation, not the bound"
                   : "every holder is still running: a long read-side section; if the scenario is large the bound "
                     "may be what is too small";
  fail(Oracle::kNoProgress,
       fmt::format("no progress: hazptr_synchronize({}) in {} has not returned after {} steps of its own, {} of "
                   "the machine ({} of its own); {}{}",
                   describe_addr(t->sync_addr), task_label(t), t->sync_steps, step_ - t->sync_begin,
                   bound_text("sync_bound", cfg_.sync_bound, MachineConfig::kDerivedSync), verdict, holders),
       site);
}

void Machine::report_no_progress(const std::string& why) {
  std::string detail;
  for (auto& t : tasks_) {
    if (t->is_idle || t->state == TaskState::kDead) continue;
    detail += fmt::format("\n    {} {}", task_label(t.get()), holder_state(t.get()));
  }
  Task* t = current_task();
  fail(Oracle::kNoProgress, fmt::format("no progress: {}; unfinished tasks:{}", why, detail),
       t ? t->last_site : Site::current());
}

}  // namespace hazsim
