// The host side of native timing (issue 14): the memory the designs allocate, the task_struct
// stand-ins a per-task synchronize walks, the threads pinned one per CPU, and what each thread
// answers for `current` and smp_processor_id(). One Host exists at a time; NativeKernel
// (native/native_kernel.h) reaches it through Host::current().
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kapi/task_struct_layout.h"

namespace hazsim::native {

// What a thread of a native run is: its CPU among the designs' possible CPUs (pinned to the
// host CPU of the same rank), its pid, and its task_struct's design fields.
struct ThreadState {
  int cpu = 0;
  int pid = 0;
  void* task_data = nullptr;
  int preempt_count = 0;    // preempt_disable() nesting (__preempt_count)
  int rcu_nesting = 0;      // CONFIG_PREEMPT_RCU's current->rcu_read_lock_nesting
  int rcu_special = 0;      // current->rcu_read_unlock_special: never set here (no grace periods)
};
inline thread_local ThreadState tl_thread;

// Zeroed memory on 2 MiB pages where transparent huge pages allow (madvise), as the kernel's
// direct map holds its objects: large pages keep TLB misses out of what is measured.
class HugeMapping {
 public:
  explicit HugeMapping(size_t bytes);
  ~HugeMapping();
  HugeMapping(const HugeMapping&) = delete;
  HugeMapping& operator=(const HugeMapping&) = delete;
  char* data() const { return base_; }
  size_t size() const { return bytes_; }

 private:
  char* map_ = nullptr;  // the mapping base_ is 2 MiB-aligned in
  size_t map_bytes_ = 0;
  char* base_ = nullptr;
  size_t bytes_ = 0;
};

struct HostConfig {
  int possible_cpus = 2;      // nr_cpu_ids: per-CPU areas and for_each_possible_cpu()
  int tasks = 0;              // task_structs on the task list (the threads' own come first)
  size_t task_size = 0;       // bytes per task_struct (0: this host's, from /proc/slabinfo)
  size_t task_data_size = 0;  // the design's fields in task_struct
  uint64_t seed = 1;          // the order of the task list
};

class Host {
 public:
  explicit Host(const HostConfig& c);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  static Host& current() { return *current_; }

  int nr_cpus() const { return cfg_.possible_cpus; }
  size_t task_size() const { return cfg_.task_size; }
  // The bytes per task_struct a Host of these settings uses: `requested` (0: this host's, from
  // /proc/slabinfo, or 8 KiB), at least enough for the design's fields, in whole lines.
  static size_t task_size_for(size_t requested, size_t data_size);
  // Zeroed memory, freed with the host (hazptr_init()'s statics and per-CPU areas).
  void* alloc(size_t size, size_t align);
  // kfree_rcu(): no grace periods run here, so the object is freed with the host.
  void defer_free(void* p);

  // The task list, in walk order (for_each_process_thread()); task i is the i-th allocated.
  char* first_task() const { return first_; }
  char* next_task(const char* t) const {
    return __atomic_load_n(reinterpret_cast<char* const*>(t + kLinkOffset), __ATOMIC_RELAXED);
  }
  char* task(int i) const { return tasks_ + size_t(i) * cfg_.task_size; }
  void* task_data(char* t) const { return t + kDataOffset; }
  int task_count() const { return cfg_.tasks; }

  // The design's memory (per-CPU areas, statics) and the lines of each task_struct a walk reads
  // out of every cache level, so the next synchronize starts cold (CLFLUSH on x86-64; elsewhere a
  // walk of a buffer twice the last-level cache, which evicts everything).
  void flush_caches();

  // A WARN that fired in design code: counted, the first text kept.
  void warn(const char* text);
  uint64_t warnings() const;
  std::string first_warning() const;

  // Runs fn(i) on n threads, thread i pinned to online host CPU i and acting as CPU i with task i
  // as `current`; returns when all are done. Refuses (false, *err) more threads than online CPUs:
  // a per-CPU design relies on preemption being off between taking a slot and filling it.
  bool run_pinned(int n, const std::function<void(int)>& fn, std::string* err);

 private:
  static inline Host* current_ = nullptr;  // inline: nr_cpu_ids() is read in loops of design code
  HostConfig cfg_;
  // Where in a task_struct stand-in the walk's link and the design's fields sit (the cost model's
  // passive tasks use the same offsets).
  static constexpr size_t kLinkOffset = kapi::kTaskLinkOffset, kDataOffset = kapi::kTaskDataOffset;
  std::unique_ptr<HugeMapping> task_memory_;
  char* tasks_ = nullptr;
  char* first_ = nullptr;
  std::vector<std::pair<void*, size_t>> allocations_;
  std::vector<void*> deferred_;
  mutable std::mutex mu_;
  uint64_t warnings_ = 0;
  std::string first_warning_;
};

// This host: CPU model, online CPUs, caches, kernel, task_struct size, barrier flavour.
struct HostInfo {
  std::string cpu_model, kernel, caches, barriers;
  int online_cpus = 0;
  size_t task_struct_size = 0;  // 0 if /proc/slabinfo is not readable
  struct CacheLevel {
    size_t bytes = 0;
    unsigned ways = 0;
  } l1d, l2, llc;  // the data caches, from sysfs (0: not given)
};
HostInfo describe_host();
std::vector<int> online_cpus();

}  // namespace hazsim::native
