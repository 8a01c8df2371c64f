// A simulated kernel task: its fiber, scheduling state, preempt_count, and the ghost and cost
// bookkeeping the machine keeps per task.
#pragma once
#include <array>
#include <csetjmp>
#include <cstdint>
#include <string>

#include "sim/access.h"
#include "sim/core_timing.h"
#include "sim/fiber.h"

namespace hazsim {

enum class TaskState : uint8_t { kRunnable, kRunning, kSleeping, kBlocked, kDead };

using TaskFn = void (*)(void* arg);

struct Task {
  int pid = 0;
  std::string name;
  TaskFn fn = nullptr;
  void* arg = nullptr;
  Fiber fiber;
  uintptr_t stack_floor = 0;  // a frame below this is reported as a stack overflow
  sigjmp_buf fault_jmp;       // where a host fault in this fiber ends up (sched/host_faults.cc)
  bool started = false;
  bool finished = false;
  bool is_idle = false;
  TaskState state = TaskState::kRunnable;
  int cpu = 0;
  int pinned_cpu = -1;  // -1: may migrate
  int prio = 0;         // higher runs first (the torture's preemption kthread is high)
  int preempt_count = 1;  // a new task starts inside schedule_tail, as in the kernel
  int raw_locks_held = 0;
  int rcu_nesting = 0;        // rcu_read_lock() depth (sched/rcu.cc)
  uint64_t rcu_sections = 0;  // read-side sections it has left: a grace period waits for this to move
  int migrate_to = -1;  // set by migrate_current_to for the next pass through schedule()
  uint64_t wake_at = 0;
  uint64_t runnable_since = 0;  // step it last became runnable
  uint64_t slice_start = 0;     // virtual time __schedule() last picked it (the tick's slice)
  uint64_t last_step = 0;       // the step of its last access
  bool dpor_mb = false;         // dpor: its pending step ends in a full barrier (Machine::draining_access)
  uint64_t sync_begin = 0;      // step its current hazptr_synchronize began (0: none)
  uint64_t sync_steps = 0;      // steps this task itself has made since then (sync_bound counts these)
  uint64_t watched_load = 0;    // step of its last load of the published pointer (Load A)
  const void* sync_addr = nullptr;
  Task* rq_next = nullptr;
  void* data = nullptr;  // the design's per-task fields (task_struct extension), in the arena
  void* list_node = nullptr;  // cost meter only: the line for_each_process_thread() reads
  const char* wait_what = "";  // what a blocked task waits for, for reports
  Site last_site{};
  // Its open spans (named sections: acquire, release, synchronize, the hook), innermost last, for
  // a failure's call chain; with the cost meter on, each with its starting figures. And the cost
  // meter's cycles, lines fetched and transfers of this task.
  CoreTiming timing;
  uint64_t misses = 0, transfers = 0;
  struct SpanMark {
    const char* name;
    uint64_t cycles, misses, transfers;
  };
  std::array<SpanMark, 4> spans{};
  int span_depth = 0;
};

struct RunAborted {};  // unwinds a fiber's stack when the run stops

}  // namespace hazsim
