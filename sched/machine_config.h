// What a run of the machine is set up with (MachineConfig) and what it reports (RunResult).
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oracles/oracle.h"
#include "sched/mutation.h"
#include "sim/event_log.h"
#include "sim/memory_model.h"
#include "sim/schedule_file.h"  // kMaxChoices

namespace hazsim {

// CONFIG_PREEMPT (full), CONFIG_PREEMPT_VOLUNTARY, CONFIG_PREEMPT_NONE.
enum class PreemptModel : uint8_t { kFull, kVoluntary, kNone };

// The page at address 0 is never mapped: an access below this is NULL plus a field offset.
inline constexpr uintptr_t kNullPage = 4096;

struct MachineConfig {
  int cpus = 4;
  // full: preemption at any preemptible step and at preempt_enable(); voluntary: also at
  // might_sleep(), and not otherwise; none: only where the task calls schedule() or sleeps.
  PreemptModel preempt = PreemptModel::kFull;
  MemoryModel memory_model = MemoryModel::kSC;
  uint64_t max_steps = 5'000'000;
  uint64_t sync_bound = 500'000;     // steps of its own one hazptr_synchronize may take
  uint64_t starve_bound = 2'000'000;  // steps a runnable task may wait
  uint64_t lockup_steps = 1'000'000;  // steps a vCPU may keep interrupts off (hard-lockup watchdog)
  // The decision record's bound, in choices (2 bytes each; about 2.4 per step): a run that reaches
  // it ends with a no-progress report saying so, instead of growing without limit under a huge
  // max_steps. Under half of kMaxChoices, so the record (checked every kCheckEvery steps) always
  // fits a schedule file, and 2^20 under a power of two, so its vector never doubles past 256 MiB
  // (a run that reaches it peaks near 530 MB: the outcome copies the record, bounded.cc needs the
  // machine's own after the run).
  uint64_t max_choices = kMaxRecordedChoices;
  static constexpr uint64_t kMaxRecordedChoices = kMaxChoices / 2 - (uint64_t(1) << 20);
  uint64_t tick_ns = 100'000;         // the scheduler tick and slice, in virtual time (UINT64_MAX: none)
  uint32_t step_ns = 2;               // virtual time per step
  // A task that runs this long in host CPU time without a step loops with no shared access (a
  // design's `for (;;)` on a local): the run ends with a lockup report (host_faults.cc).
  uint32_t host_hang_ms = 3000;
  // true: the first WARN is the run's failure (a kernel booted with panic_on_warn=1). false: each
  // WARN is recorded and the run goes on, as the kernel goes on, so what follows is seen.
  bool panic_on_warn = true;
  // Memory that is reused (sim/arena.h): freed heap objects come back from later kmallocs of their
  // size class once `quarantine` bytes of later frees have passed them (0: at once); negative:
  // never, so a use after free is caught however late (the default).
  int64_t quarantine = -1;
  // What kmalloc()ed memory and on-stack objects hold before they are written: zeros (as
  // init_on_alloc=1), or SLUB's POISON_FREE byte 0x6b (slub_debug=P). kzalloc() always zeroes.
  bool poison_uninit = false;
  // For reports: which bounds were derived from the scenario's size (bits kDerived*), and from what.
  static constexpr uint8_t kDerivedMaxSteps = 1, kDerivedSync = 2, kDerivedStarve = 4, kDerivedLockup = 8;
  uint8_t derived = 0;
  int64_t bounds_cpus = 0, bounds_readers = 0, bounds_passes = 0;  // formatted only when reported
  std::string bounds_origin() const {
    return fmt::format("{} vCPUs, {} readers, {} writer passes", bounds_cpus, bounds_readers, bounds_passes);
  }
  size_t task_data_size = 0;          // the design's per-task fields
  // Strategy dpor (and the replay of its schedules) shape the schedule as the search needs: under
  // sc no vCPU choice before a fence (it touches nothing); under tso, pso and weak (drains_first)
  // buffered stores drain by choices of their own before the vCPU choice, any number of them (a
  // store buffer is an agent of the search), instead of at most one after it.
  bool dpor_schedule = false;
  bool drains_first = false;
  Mutation mutation;
};

struct RunResult {
  bool failed = false;
  Failure failure;
  uint64_t steps = 0;
  uint64_t now_ns = 0;
  uint64_t hash = 0;
  uint64_t context_switches = 0;
  uint64_t preemptions = 0;
  uint64_t irqs = 0;
  uint64_t migrations = 0;
  uint64_t drains = 0;          // buffered stores drained by a choice (not by a barrier)
  uint64_t cpu_switches = 0;    // steps where the choice moved to another vCPU
  uint64_t mutations_applied = 0;  // barriers dropped or releases made plain by mutate=
  std::vector<Event> last_events;  // oldest first, on failure
  // For each of last_events, the object its address lies in as the arena names it at the end of
  // the run ("GFP_ATOMIC struct hazptr_ctx+32"), or "" (no address, or between objects).
  std::vector<std::string> last_event_objects;
  std::vector<std::string> last_event_values;  // what each access read or wrote (Machine::value_text)
  // Under panic_on_warn=0: the WARNs the run went on past (the first RunReports::kMaxWarnings),
  // oldest first, and how many fired. A run with WARNs and no other failure fails with the first.
  std::vector<Failure> warnings;
  uint64_t warnings_fired = 0;
};

}  // namespace hazsim
