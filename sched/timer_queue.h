// Timers in virtual time: the sleepers' deadlines and the timer_lists' expiries, earliest first
// (a binary heap; equal deadlines fire in the order they were armed, so runs replay).
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace hazsim {

struct Task;

// A timer_list: add_timer_on() makes fn(timer) run in TIMER_SOFTIRQ on `cpu` once virtual time
// passes its expiry; the tick interrupt that finds it expired raises the softirq there.
struct TimerList {
  void (*fn)(TimerList*) = nullptr;
  void* data = nullptr;  // for the callback (the kernel's from_timer() container)
  bool pending = false;  // timer_pending()
  bool running = false;  // its callback runs now (del_timer_sync() waits for it)
  int cpu = -1;          // where it expires; -1: never armed
  uint64_t expires = 0;  // virtual ns
};

class TimerQueue {
 public:
  struct Timer {
    uint64_t at;
    uint64_t seq;
    Task* task;       // a sleeper to wake (nullptr: a timer_list)
    TimerList* list;  // the timer_list to expire
  };
  void clear() {
    heap_.clear();
    seq_ = 0;
  }
  bool empty() const { return heap_.empty(); }
  uint64_t first() const { return heap_.empty() ? UINT64_MAX : heap_.front().at; }  // UINT64_MAX: none
  void push(uint64_t at, Task* t, TimerList* list) {
    heap_.push_back({at, seq_++, t, list});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  // The earliest timer if it is due at `now` (removed), else false.
  bool pop_due(uint64_t now, Timer* out) {
    if (heap_.empty() || heap_.front().at > now) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    *out = heap_.back();
    heap_.pop_back();
    return true;
  }

 private:
  static bool later(const Timer& a, const Timer& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  std::vector<Timer> heap_;
  uint64_t seq_ = 0;
};

}  // namespace hazsim
