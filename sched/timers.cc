// Timers in virtual time: sleeping tasks wake when the clock passes their deadline, and expired
// timer_lists raise TIMER_SOFTIRQ on their CPU (sched/softirq.cc).
#include "sched/machine.h"

#include <algorithm>

namespace hazsim {

void Machine::add_timer(Task* t) { push_timer(t->wake_at, t, nullptr); }

void Machine::push_timer(uint64_t at, Task* t, TimerList* list) {
  timers_.push(at, t, list);
  next_timer_ = std::min(timers_.first(), next_tick_);
}

// next_timer_ is the earlier of the first sleeper's deadline and the next scheduler tick.
void Machine::fire_timers() {
  if (dpor_) [[unlikely]]
    dpor_timer();  // virtual time is one clock for every vCPU: what a timer does is global
  if (now_ >= next_tick_) scheduler_tick();
  TimerQueue::Timer tm;
  while (timers_.pop_due(now_, &tm)) {
    if (tm.list != nullptr) {
      if (tm.list->pending && tm.list->expires == tm.at) expire_timer_list(tm.list);
    } else if (tm.task->state == TaskState::kSleeping && tm.task->wake_at == tm.at) {
      wake_up_task(tm.task);
    }
  }
  next_timer_ = std::min(timers_.first(), next_tick_);
}

bool Machine::advance_to_next_timer() {
  if (timers_.empty()) return false;
  now_ = std::max(now_, timers_.first());
  fire_timers();
  return true;
}

}  // namespace hazsim
