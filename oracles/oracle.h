// What counts as a failure of a run, and how one is described.
#pragma once
#include <cstdint>
#include <string>

namespace hazsim {

enum class Oracle : uint8_t {
  kNone = 0,
  kUseAfterFree,        // access to a freed heap object or a dead stack frame
  kWildAccess,          // access outside simulated memory (e.g. through LIST_POISON)
  kSyncReturnedEarly,   // hazptr_synchronize(p) returned while a prior reader still holds p
  kPipeCount,           // a reader saw a recycled object (torture pipe count above 1)
  kWarn,                // WARN_ON_ONCE fired
  kNoProgress,          // step bound exceeded: livelock, starvation, or an endless synchronize
  kDeadlock,            // every live task blocked with nothing to wake it, or a lock self-deadlock
  kListCorruption,      // double add, delete of an unlinked node, node linked when its memory dies
  kLeak,                // retired object never freed, slot never released, task exits holding
  kSleepInAtomic,       // sleeping with preemption off, irqs off, or a raw spinlock held
  kPreemptImbalance,    // preempt count not back to zero, or underflow
  kSyncNotPreemptible,  // hazptr_synchronize from a non-preemptible context
  kNullDeref,           // an access within the first page: a NULL pointer (plus a field offset)
  kStackOverflow,       // a task's kernel stack ran out (unbounded recursion)
  kLockup,              // a vCPU kept interrupts off past lockup_steps (the hard-lockup watchdog)
};

const char* oracle_name(Oracle o);  // stable identifier, used in schedule files

struct Failure {
  Oracle oracle = Oracle::kNone;
  std::string message;  // what happened, in words
  int pid = -1;
  std::string task;
  int cpu = -1;
  std::string site;
  // The failing task's open sections, innermost first ("hazptr_acquire < hazptr_note_context_switch"
  // when the hook interrupted an acquire), or "".
  std::string chain;
  uint64_t step = 0;
  uint64_t now_ns = 0;

  // The function `site` names ("hazptr/v5.h:233 (hazptr_chain_backup_slot)" ->
  // "hazptr_chain_backup_slot"), or "".
  std::string function() const;
  // The chain below that function: `chain` without the function's own section at its head.
  std::string callers() const;
};

}  // namespace hazsim
