// Timers in virtual time: sleeping tasks wake when the clock passes their deadline, and expired
// timer_lists raise TIMER_SOFTIRQ on their CPU (sched/softirq.cc).
#include "sched/machine.h"

#include <algorithm>

namespace hazsim {

void Machine::add_timer(Task* t) { push_timer(t->wake_at, t, nullptr); }

void Machine::push_timer(uint64_t at, Task* t, TimerList* list) {
  timers_.push_back({at, timer_seq_++, t, list});
  std::push_heap(timers_.begin(), timers_.end(),
                 [](const Timer& a, const Timer& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; });
  next_timer_ = std::min(timers_.front().at, next_tick_);
}

// next_timer_ is the earlier of the first sleeper's deadline and the next scheduler tick.
void Machine::fire_timers() {
  if (now_ >= next_tick_) scheduler_tick();
  auto later = [](const Timer& a, const Timer& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; };
  while (!timers_.empty() && timers_.front().at <= now_) {
    std::pop_heap(timers_.begin(), timers_.end(), later);
    Timer tm = timers_.back();
    timers_.pop_back();
    if (tm.list != nullptr) {
      if (tm.list->pending && tm.list->expires == tm.at) expire_timer_list(tm.list);
    } else if (tm.task->state == TaskState::kSleeping && tm.task->wake_at == tm.at) {
      wake_up_task(tm.task);
    }
  }
  next_timer_ = std::min(timers_.empty() ? UINT64_MAX : timers_.front().at, next_tick_);
}

bool Machine::advance_to_next_timer() {
  if (timers_.empty()) return false;
  now_ = std::max(now_, timers_.front().at);
  fire_timers();
  return true;
}

}  // namespace hazsim
