// Who holds and who waits, as the simulated kernel keeps it: the owners of raw spinlocks (so a
// handler that spins on a lock its own CPU's interrupted context holds is reported, as lockdep
// would) and the tasks asleep on each sleeping lock, first come first woken.
#pragma once
#include <vector>

namespace hazsim {

struct Task;

struct LockOwner {
  const void* lock;
  int pid;
  int cpu;
  int irq_level;  // the context it was taken in: 0 task, 1 softirq, 2 and up hardirqs
};

class LockOwners {
 public:
  void clear() { owners_.clear(); }
  void add(const LockOwner& o) { owners_.push_back(o); }
  // The newest owner record of `lock` goes (a lock is released by its last taker).
  void remove(const void* lock) {
    for (size_t i = owners_.size(); i-- > 0;)
      if (owners_[i].lock == lock) {
        owners_.erase(owners_.begin() + long(i));
        return;
      }
  }
  auto begin() const { return owners_.begin(); }
  auto end() const { return owners_.end(); }

 private:
  std::vector<LockOwner> owners_;
};

class WaitLists {
 public:
  void clear() { waiters_.clear(); }
  void add(const void* key, Task* t) { waiters_.push_back({key, t}); }
  // The task that waited longest on `key`, no longer waiting; nullptr if none.
  Task* take_first(const void* key) {
    for (size_t i = 0; i < waiters_.size(); ++i)
      if (waiters_[i].key == key) {
        Task* t = waiters_[i].task;
        waiters_.erase(waiters_.begin() + long(i));
        return t;
      }
    return nullptr;
  }

 private:
  struct Waiter {
    const void* key;
    Task* task;
  };
  std::vector<Waiter> waiters_;  // in arrival order
};

}  // namespace hazsim
