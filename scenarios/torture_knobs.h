// The torture's parameters, read once from Params when the workload is built, so that nothing on
// a step's path looks a parameter up by name.
#pragma once
#include <cstdint>

#include "scenarios/params.h"

namespace hazsim {

// broken = ...: a deliberately broken workload, to show the checks fire.
enum class Broken : uint8_t { kNone, kSkipSync, kSkipRelease, kLeakRetired, kSleepInAtomic };

struct TortureKnobs {
  explicit TortureKnobs(const Params& p)
      : nreaders(p.num("nreaders")),
        pool(p.num("pool")),
        passive_tasks(p.num("passive_tasks")),
        idle_cpus(p.num("idle_cpus")),
        defer_modulus(p.num("defer_modulus")),
        irq_acquire(p.num("irq_acquire")),
        irq_release(p.num("irq_release")),
        release_twice(p.num("release_twice")),
        writer_passes(p.num("writer_passes")),
        reader_passes(p.num("reader_passes")),
        reader_lifetime(p.num("reader_lifetime")),
        writer_delay_ns(p.num("writer_delay_ns")),
        reader_udelay_ns(p.num("reader_udelay_ns")),
        reader_sleep_ns(p.num("reader_sleep_ns")),
        reader_rest_ns(p.num("reader_rest_ns")),
        do_pending_ns(p.num("do_pending_ns")),
        stutter_ns(p.num("stutter_ns")),
        timer_delay_ns(p.num("timer_delay_ns")),
        preempt_duration_ns(p.num("preempt_duration_ns")),
        preempt_interval_ns(p.num("preempt_interval_ns")),
        reclaim_interval_ns(p.num("reclaim_interval_ns")),
        writer(p.flag("writer")),
        irq_reader(p.flag("irq_reader")),
        timer_reader(p.flag("timer_reader")),
        preempt_kthread(p.flag("preempt_kthread")),
        reader_sleep_ppm(p.ppm("reader_sleep")),
        reader_udelay_ppm(p.ppm("reader_udelay")),
        reader_yield_ppm(p.ppm("reader_yield")),
        broken(broken_from(p.str("broken"))) {}

  int64_t nreaders, pool, passive_tasks, idle_cpus, defer_modulus, irq_acquire, irq_release, release_twice;
  int64_t writer_passes, reader_passes, reader_lifetime;
  int64_t writer_delay_ns, reader_udelay_ns, reader_sleep_ns, reader_rest_ns, do_pending_ns, stutter_ns, timer_delay_ns;
  int64_t preempt_duration_ns, preempt_interval_ns, reclaim_interval_ns;
  bool writer, irq_reader, timer_reader, preempt_kthread;
  uint32_t reader_sleep_ppm, reader_udelay_ppm, reader_yield_ppm;
  Broken broken;

 private:
  static Broken broken_from(const std::string& s) {  // Params has checked it is one of these
    if (s == "skip-sync") return Broken::kSkipSync;
    if (s == "skip-release") return Broken::kSkipRelease;
    if (s == "leak-retired") return Broken::kLeakRetired;
    if (s == "sleep-in-atomic") return Broken::kSleepInAtomic;
    return Broken::kNone;
  }
};

}  // namespace hazsim
