// The machine: the simulated kernel running on the simulated hardware. It owns the vCPUs
// (sim/vcpu.h), simulated memory (sim/arena.h) and the memory system (sim/memory_system.h), the
// decision stream (explore/decision_source.h), the event log, the ghost state (oracles/), and
// the kernel on top: tasks on fibers, runqueues, preempt_count, interrupts, sleep and wakeup in
// virtual time, migration, the context-switch hook chain.
//
// Every shared access of the kernel-API layer calls access(): that is the step boundary where the
// decision stream picks the vCPU that runs next and may deliver an interrupt or preempt. Code
// between two accesses runs atomically, like one instruction sequence on a real CPU.
//
// The implementation is one file per part: machine.cc (set-up, the run loop, task and idle
// entry), steps.cc (decisions, vCPU choice, arming), memory.cc (the allocator, the checks of every
// address and list node; memory_host.h: the machine as the memory system's host), scheduler.cc,
// interrupts.cc, softirq.cc (softirqs, timer_lists), timers.cc, locks.cc (raw spinlocks,
// mutexes), ghost.cc, progress.cc and failure.cc (the oracles' hooks), cost.cc (the cost meter).
#pragma once
#include <algorithm>
#include <array>
#include <deque>
#include <cstring>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <string>
#include <vector>

#include "explore/coverage.h"
#include "explore/decision_source.h"
#include "explore/line_coverage.h"
#include "oracles/ghost_holds.h"
#include "oracles/oracle.h"
#include "oracles/run_reports.h"
#include "sched/cpu.h"
#include "sched/lock_owners.h"
#include "sched/machine_config.h"
#include "sched/memory_host.h"
#include "sched/mutation.h"
#include "sched/rcu_callback.h"
#include "sched/task.h"
#include "sched/timer_queue.h"
#include "sim/access.h"
#include "sim/arena.h"
#include "sim/cost_account.h"
#include "sim/event_log.h"
#include "sim/fiber.h"
#include "sim/field_layout.h"
#include "sim/memory_model.h"
#include "sim/memory_system.h"
#include "sim/schedule_file.h"  // kMaxChoices

namespace hazsim {

class Machine {
 public:
  Machine();
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // The machine that the running fiber belongs to (one per host thread).
  static Machine& current() { return *tl_current_; }
  static Machine* current_or_null() { return tl_current_; }

  // --- set-up (before run) ---
  void reset(const MachineConfig& cfg);
  DecisionSource& decisions() { return decisions_; }
  // Note which (site, event) pairs each run offers and hits (see explore/coverage.h); off by default
  // because it costs a table lookup per decision.
  // The same switch counts design lines (kapi/line_note.h): how often each ran in the last run, in
  // which contexts (explore/line_coverage.h).
  void set_coverage(bool on) { coverage_ = on; }
  const LineCounts& line_counts() const { return lines_; }
  // A design line runs now (its kernel-notation operation): no step, no access, no decision.
  void note_line(uint32_t line) {
    if (coverage_) [[unlikely]]
      note_line_ran(line);
  }
  // Exhaustive exploration of small tests (litmus): a store into a store buffer commutes with
  // every step of the other vCPUs and with every drain, so it needs no vCPU or drain choice of
  // its own (a partial-order reduction); the stores left buffered at the end drain in an order
  // the stream chooses. Off by default (schedules of scenarios stay as they are).
  void set_store_reduction(bool on) { mem_.set_store_reduction(on); }
  // The sites of the last run with their offered/hit bits (coverage, or an arm run).
  const SiteTable& sites() const { return sites_; }
  // Every event of the next run is appended here too (nullptr: only the last 64 are kept).
  void set_full_trace(std::vector<Event>* trace) { log_.set_full_trace(trace); }
  // Creates a task. cpu = -1 places it round-robin; pinned tasks never migrate.
  Task* create_task(std::string name, TaskFn fn, void* arg, int cpu = -1, bool pinned = false, int prio = 0);
  // A task that exists (and must be scanned by a per-task design) but never runs and owns no
  // fiber: thousands of them cost only their task_struct fields.
  Task* create_passive_task(std::string name);
  // Calls fn(data) for the design's fields of every task that has not exited, in creation order
  // (for_each_process_thread, idle tasks excluded). A task forked while the walk is under way is
  // seen if the walk has not passed the end yet, as a walk of the RCU task list sees one linked at
  // its tail; one that exits before the walk reaches it is not (its task_struct stays readable).
  template <class F>
  void for_each_task_data(F fn) {
    for (size_t i = 0; i < tasks_.size(); ++i) {
      Task* t = tasks_[i].get();
      if (t->is_idle || t->state == TaskState::kDead) continue;
      if (cost_.on() && t->list_node && running_cpu_) [[unlikely]]
        cost_walk(t->list_node, t->data);
      if (t->data) fn(t->data);
    }
  }
  // Scheduler hook run for the outgoing task in __schedule(), interrupts off.
  void add_switch_hook(void (*fn)(void*), void* ctx);
  // Called for every task created, to initialise the design's per-task fields (the design's
  // fork hook), before the task is on the task list. Idle tasks exist from reset(); they are
  // initialised here too. `exit` (may be null) is the design's do_exit() hook, run by the exiting
  // task itself (current) before it is unhashed.
  void set_task_init(void (*fn)(void* ctx, void* data), void* ctx, void (*exit)(void* ctx) = nullptr);
  // fork() from a running task: the child's task_struct is set up (set_task_init's hook, in the
  // parent's context, so its stores are the parent's steps), then linked into the task list with
  // the ordering of copy_process()'s tasklist_lock and wake_up_new_task(): a full barrier.
  Task* fork_task(std::string name, TaskFn fn, void* arg, int cpu = -1, bool pinned = false);

  // RCU as the designs use it (sched/rcu.cc). rcu_read_lock()/unlock() are no step (preemptible
  // RCU's counter in the task); kfree_rcu(p) frees p at the first scheduler tick after every
  // read-side section that was under way at the call has ended: a grace period, whose end also
  // makes every vCPU's stores visible everywhere (each CPU passed a quiescent state).
  void rcu_read_lock();
  void rcu_read_unlock();
  void kfree_rcu(void* p, const Site& site = Site::current());
  // End-of-run checks (leaks): called after every task finished, if nothing failed yet.
  void add_final_check(void (*fn)(void*), void* ctx) { final_checks_.push_back({fn, ctx}); }

  RunResult run();
  // What an event's address lies in, as the arena (or a static region) names it now: "GFP_ATOMIC
  // struct hazptr_ctx+32"; "" for no address or between objects.
  std::string event_object(const Event& e) const;

  // --- the step boundary: every shared access comes through here ---
  // Returns false when the access must not be performed (the run is stopping).
  inline bool access(AccessKind kind, const void* addr, size_t size, const Site& site);

  // The value the access access() just let through read or wrote, for its event (reports and
  // traces show it). Nothing runs between the two, so the event is the machine's last access.
  template <class T>
  void note_value(const T& v);
  // p (the start of an allocation, or nullptr) holds T, or an array of T `stride` bytes apart:
  // reports name its fields (sim/field_layout.h). Returns p as a T*.
  template <class T>
  T* described(void* p, size_t stride = sizeof(T)) {
    if (p != nullptr && arena_.contains(p)) arena_.set_layout(p, layout_of<T>(), uint32_t(stride));
    return static_cast<T*>(p);
  }
  // An allocation and an offset in it as reports name them: "hazptr_percpu_slots[2].slots[0].addr",
  // "on-stack struct hazptr_pending.hpp_hc.slot of hazptr_torture_reader/2", or WHAT+OFFSET when no
  // field is known.
  std::string object_text(const AllocInfo& a, uint64_t offset_in_it) const;
  // What a value noted in an event is, in words that do not depend on the host: an object in
  // the arena or a static region ("arena+0x1780 (on-stack struct hazptr_pending+8)"), or a number.
  std::string value_text(uint64_t value) const;

  // --- memory under the run's model (after access() said the access may proceed) ---
  // The memory system does the work (sim/memory_system.h); these give it the running vCPU.
  template <class T>
  T load_mem(const T* p) {
    return mem_.load(running_cpu_, p);
  }
  template <class T>
  T load_mem_acquire(const T* p) {
    return mem_.load_acquire(running_cpu_, p);
  }
  template <class T>
  void store_mem(T* p, T v, bool release) {
    mem_.store(running_cpu_, p, v, release);
  }
  void fence_full() {
    mem_.fence_full(running_cpu_);
    if (dpor_ && mem_.weak()) [[unlikely]]
      dpor_strong_fence();  // every caller: smp_mb(), a task's exit, kfree(), an IPI
  }
  void fence_wmb() { mem_.fence_wmb(running_cpu_); }
  void fence_rmb() { mem_.fence_rmb(running_cpu_); }
  void fence_lock() { mem_.fence_lock(running_cpu_); }
  void rmw_observe(const void* p, bool acquire) { mem_.rmw_observe(running_cpu_, p, acquire); }
  template <class T>
  void rmw_write(T* p, T v, bool full = true) {
    mem_.rmw_write(running_cpu_, p, v, full);
  }
  void spin_hint() { mem_.spin_hint(running_cpu_); }

  bool weak() const { return mem_.weak(); }
  bool mutated(MutationKind k, const Site& site) {
    if (cfg_.mutation.kind != k) [[likely]]
      return false;
    bool hit = cfg_.mutation.matches(site);
    mutations_applied_ += hit;
    return hit;
  }

  // --- kernel services for the kernel-API layer ---
  Cpu& this_cpu() { return *running_cpu_; }
  int smp_processor_id() const { return running_cpu_ ? running_cpu_->id : 0; }
  int nr_cpus() const { return int(cpus_.size()); }
  Task* current_task() { return running_cpu_ ? running_cpu_->curr : nullptr; }
  bool in_irq() const { return running_cpu_ && running_cpu_->in_irq > 0; }
  bool irqs_disabled() const { return running_cpu_ && running_cpu_->irq_off > 0; }

  void preempt_disable() {
    if (Task* t = current_task()) ++t->preempt_count;
  }
  void preempt_enable(const Site& site = Site::current());
  void local_irq_disable() {
    if (running_cpu_) ++running_cpu_->irq_off;
  }
  void local_irq_enable(const Site& site = Site::current());

  // Sleeping (virtual time) and voluntary scheduling.
  void sleep_ns(uint64_t ns, const Site& site = Site::current());
  void yield_cpu(const Site& site = Site::current());  // schedule() while runnable
  // cond_resched(): under CONFIG_PREEMPT nothing (not even a step); under voluntary and none a
  // preemption point, taken if need_resched is set (the tick) or the stream chooses to.
  void cond_resched(const Site& site = Site::current()) {
    if (cfg_.preempt == PreemptModel::kFull || stop_ || !running_cpu_) [[likely]]
      return;
    cond_resched_slow(site);
  }
  // Block until woken by wake_up_task (mutexes and wait queues).
  void block(const char* what, const Site& site = Site::current());
  void wake_up_task(Task* t);
  // Move the running task to another vCPU (sched_setaffinity of itself), as the preemption kthread does.
  void migrate_current_to(int cpu, const Site& site = Site::current());
  // Run fn(arg) in interrupt context on `cpu` (an IPI). With wait, spin until it has run.
  void smp_call_function_single(int cpu, void (*fn)(void*), void* arg, bool wait,
                                const Site& site = Site::current());

  // Softirqs and timer_list timers (sched/softirq.cc). Softirq handlers run on top of whatever
  // the CPU runs (the idle task too), with SOFTIRQ_OFFSET in the count and interrupts on, so a
  // hardirq may nest on top of one; they run at the exit of the hardirq that leaves interrupt
  // context (irq_exit()) and at the local_bh_enable() that re-enables them.
  // in_interrupt(): hardirq or softirq count (a local_bh_disable() section counts, as in the kernel).
  bool in_interrupt() const { return running_cpu_ && (running_cpu_->in_irq > 0 || running_cpu_->softirq_count > 0); }
  bool in_softirq() const { return running_cpu_ && running_cpu_->softirq_count > 0; }
  bool in_serving_softirq() const { return running_cpu_ && (running_cpu_->softirq_count & kSoftirqOffset) != 0; }
  void local_bh_disable() {
    if (running_cpu_) running_cpu_->softirq_count += kSoftirqDisableOffset;
  }
  void local_bh_enable(const Site& site = Site::current());
  // raise_softirq() of a handler: fn(arg) runs in softirq context on this CPU. Raised from task
  // context (where the kernel wakes ksoftirqd) it runs at a later step the stream chooses, as an
  // interrupt on this CPU would run it.
  void raise_softirq(void (*fn)(void*), void* arg, const Site& site = Site::current());
  // A timer_list (sched/timer_queue.h).
  using TimerList = hazsim::TimerList;
  void add_timer_on(TimerList* t, int cpu, uint64_t delay_ns, const Site& site = Site::current());
  // mod_timer(): (re)arms it, pending or not, to expire after delay_ns on the CPU it was last
  // armed on (this CPU if never); returns whether it was pending. del_timer(): disarms it, and
  // returns whether it was pending; a callback already running goes on (del_timer_sync() waits).
  bool mod_timer(TimerList* t, uint64_t delay_ns, const Site& site = Site::current());
  bool del_timer(TimerList* t);

  // Sleeping locks: tasks waiting for `key` (a mutex) sleep until wake_one(key).
  void wait_on(const void* key, const char* what, const Site& site = Site::current());
  void wake_one(const void* key);
  // might_sleep(): reports sleeping-in-atomic even when the lock is free this time.
  void might_sleep(const Site& site = Site::current());

  // Raw spinlock ghost bookkeeping (the lock word itself is accessed through the layer).
  void note_lock_acquired(void* lock);
  void note_lock_released(void* lock);
  // Reports a lockdep-style self-deadlock if the lock's owner is a context this CPU interrupted.
  void check_lock_self_deadlock(void* lock, const Site& site);

  // Simulated memory.
  // kmalloc(), or on-stack memory (kStack); `zero`: kzalloc(), zeroed whatever poison_uninit says.
  void* kmalloc(size_t size, const char* what, Shadow kind = Shadow::kHeap, bool zero = false,
                const Site& site = Site::current());
  void kfree(void* p, const Site& site = Site::current());
  void* static_alloc(size_t size, size_t align, const char* what) {
    return arena_.allocate(size, align, Shadow::kStatic, -1, step_, what);
  }
  void* stack_alloc(size_t size, const char* what, const Site& site = Site::current()) {
    return kmalloc(size, what, Shadow::kStack, false, site);
  }
  bool in_simulated_memory(const void* p) const { return mem_.in_simulated_memory(p); }
  // hazsim_expect_protected(p) of a kernel-C workload: p must be live simulated memory now (no
  // step); reported as the access to it would be (a use after free of a freed object).
  bool expect_live(const void* p, const Site& site) { return check_address(p, 1, site); }
  // Shared static memory outside the arena: the global variables of a loaded kernel object
  // (kshim/), registered for one run after reset(). Accesses to it are checked, hashed by region
  // and offset (not by host address, which changes with every load) and named in reports.
  void add_static_region(void* p, size_t size, const char* name) { mem_.regions().add(p, size, name); }
  // Kernel-C workloads keep hazptr_ctx on their own stacks, where other tasks read it (a chained
  // backup slot): with this on, every task's stack is shared memory too, its accesses steps, as a
  // stack region (sim/static_regions.h) whose stores are never buffered (sim/memory_system.h).
  void set_shared_stacks(bool on) { shared_stacks_ = on; }
  // Kernel-C workloads make no ghost holds: hazsim sees only their task exits, and a run that
  // reaches max_steps says so instead of calling it a livelock.
  void set_holds_tracked(bool on) { holds_tracked_ = on; }

  // A plain access of instrumented kernel C (kshim/), right after access() let it through, and the
  // C code's next call into the machine (sim/memory_system.h).
  void native_access(const void* p, size_t size, bool store) {
    if (running_cpu_ == nullptr || mem_.model() == MemoryModel::kSC) return;
    mem_.native_done(running_cpu_);
    mem_.native_access(running_cpu_, p, size, store);
  }
  void native_done() { mem_.native_done(running_cpu_); }
  // Ends an on-stack object's frame: poisoned from now on; reports a list node still linked in it.
  void stack_free(void* p, size_t size, const Site& site = Site::current());

  // List ghost state (CONFIG_DEBUG_LIST, made exact).
  bool list_add_valid(const void* node, const Site& site);
  bool list_del_valid(const void* node, const Site& site);

  // Ghost state of hazard-pointer holds, maintained by the workloads around the design calls.
  // A hold dates from the reader's last load of the published pointer (its Load A), the point
  // where it saw the old value: set that pointer's address with ghost_watch().
  void ghost_watch(const void* published) { ghost_.watch(published); }
  // `key` is the hazptr_ctx: a hold is released through the same ctx, maybe by another context.
  void ghost_acquired(const void* p, const void* key);
  void ghost_released(const void* p, const void* key);
  // The design's release has returned (see GhostHold::releaser: load buffering under weak).
  void ghost_release_returned() {
    if (ghost_.lingering()) [[unlikely]]
      ghost_.release_returned(current_task());
  }
  // hazptr_detach(): the hold no longer belongs to the task that acquired it.
  void ghost_detached(const void* key);
  void ghost_sync_begin(const void* p);
  void ghost_sync_end(const void* p, const Site& site = Site::current());
  // A retired object is about to be freed by a batched reclaim: no reader whose Load A saw it
  // before it was unpublished may still hold it.
  void ghost_check_reclaim(const void* p, const Site& site = Site::current());

  // Named sections for traces (acquire, release, synchronize, the hook): events only, not steps.
  // Each task keeps its open sections, innermost last: a failure names them as its call chain.
  void span_begin(const char* name);
  void span_end(const char* name);

  // --- the cost meter (sim/cost_account.h), for hazsim compare ---
  void set_cost(bool on) { cost_.set_on(on); }
  void set_cost_profile(const CostProfile& p) { cost_.set_profile(p); }
  const CostProfile& cost_profile() const { return cost_.profile(); }
  const CostTotals& cost_totals() const { return cost_.totals(); }
  // What the running task's access costs beyond reaching its line; and a pointer value its last
  // load returned, for address dependencies; its accesses to words of its own (CostAccount).
  inline void cost_fence();
  inline void cost_atomic();
  inline void cost_pause();
  inline void cost_pointer_loaded(const void* value);
  inline void cost_local_words(unsigned accesses);
  void cost_flush_caches() { cost_.flush(); }
  uint64_t task_cycles() { return running_cpu_ ? running_cpu_->curr->timing.now() : 0; }
  inline void note_lock_cost(bool contended, uint64_t spin_cycles);
  void note_mutex_wait() { cost_.mutex_wait(); }

  // Failure: records the first one and stops the run (throws RunAborted inside a fiber).
  void fail(Oracle o, std::string message, const Site& site = Site::current());
  // The same, without throwing: for destructors; the fiber stops at its next access.
  void report(Oracle o, std::string message, const Site& site = Site::current());
  // A WARN*() fired. Under panic_on_warn it is the run's failure (fail()); otherwise it is
  // recorded and returns, so the design goes on past it. `once`: WARN_ON_ONCE and WARN_ONCE,
  // which the kernel reports only the first time at each call site.
  void warn(std::string message, bool once, const Site& site = Site::current());
  bool stopping() const { return stop_; }

  uint64_t step() const { return step_; }
  uint64_t now_ns() const { return now_; }
  const std::vector<std::unique_ptr<Task>>& tasks() const { return tasks_; }
  std::string describe_addr(const void* p) const;
  const EventLog& log() const { return log_; }

 private:
  void check_no_early_holder(const void* p, uint64_t unpublished, const std::string& what, const std::string& tail,
                             const Site& site);
  bool stopped();
  bool outside_run_access(const void* addr, size_t size, const Site& site);
  inline bool check_address(const void* addr, size_t size, const Site& site);
  bool bad_address(const void* addr, size_t size, const Site& site);
  void stack_overflow(Task* t, const Site& site);

  inline void step_begin(AccessKind kind, const void* addr, const Site& site);

  inline void record(AccessKind kind, uint64_t addr, const Site& site);
  inline void record_name(AccessKind kind, const char* name);
  // The running vCPU's context as Event::flags (sim/access.h) encodes it.
  inline uint8_t trace_flags() const;

  uint32_t decide(Choice c, uint32_t n) { return n < 2 ? 0 : decisions_.choose(c, n); }
  // A choice about an event at a site: noted for coverage, and armed sites fire more (arm).
  inline uint32_t decide(Choice c, uint32_t n, const Site& site, CoverEvent ev);
  uint32_t decide_at_site(Choice c, uint32_t n, const Site& site, CoverEvent ev);
  // Whether this run armed the site, worked out once per site and run.
  inline bool site_armed(SiteEntry& e);

  // Every vCPU of the machine is a Cpu: what the memory system hands back is one.
  static const Cpu& cpu(const VCpu& c) { return static_cast<const Cpu&>(c); }
  // Which context runs on c, for lock owners: 0 task, 1 softirq, 2 and up hardirqs.
  static int context_level(const Cpu* c) { return 2 * c->in_irq + (c->softirq_count & kSoftirqOffset); }
  // The running task may be switched out here: a task, preemption and interrupts on.
  bool can_switch(const Cpu* c) const {
    return c->curr->preempt_count == 0 && c->irq_off == 0 && c->in_irq == 0 && c->softirq_count == 0 &&
           !c->curr->is_idle;
  }
  // Involuntary preemption may happen here (only CONFIG_PREEMPT has it).
  bool preemptible(const Cpu* c) const { return can_switch(c) && cfg_.preempt == PreemptModel::kFull; }
  void move_to_cpu(uint32_t v);  // to the vCPU v places after this one among those with work
  void maybe_deliver_irq(Cpu* c, AccessKind kind);
  void raise_softirq_vec(void (*fn)(void*), void* arg, uint8_t vec, const Site& site);
  void do_softirq(Cpu* c);  // __do_softirq(): runs what is pending, interrupts on
  void expire_timer_list(TimerList* t);
  void arm_timer_list(TimerList* t, uint64_t delay_ns);
  static void timer_interrupt(void* timer);
  void queue_irq(Cpu* d, Ipi ipi, const Site& site);
  inline void maybe_preempt(Cpu* c);
  // PCT orders the vCPUs; the kernel's own tick preemption stays random. At a change point the
  // running task is preempted as well, and loses its priority.
  inline uint32_t preempt_choice(Cpu* c);
  // Which eligible vCPU runs next: the stream's choice, or under PCT the one whose task has the
  // highest priority. `base` is the index that value 0 names. A spin-wait hint (kRelax) yields:
  // under PCT it leaves the choice to the random stream, so a spinner cannot starve the vCPU it
  // waits for, which on real hardware runs in parallel.
  inline uint32_t cpu_choice(uint32_t base, AccessKind kind = AccessKind::kLoad);
  uint32_t cpu_choice_slow(uint32_t base, AccessKind kind);
  // dpor (explore/dpor.h): the vCPU choice by vCPU, what each access touches, and the
  // scheduler changes that make a transition dependent with every other (sched/dpor_notes.cc).
  uint32_t dpor_cpu_choice(uint32_t base, AccessKind kind);
  uint32_t buffers_with_stores(Cpu** out);  // the vCPUs whose buffers hold stores (DporExplorer::kMaxArity at most)
  void dpor_access(const Cpu* c, AccessKind kind, const void* addr, size_t size);
  void dpor_touch(const void* addr, size_t size);  // the allocator's: a write of the object
  void dpor_global();
  // A host flag the machine spins on (an IPI's completion) as a location of the running vCPU's
  // transition: the wait blocks until the handler writes it, and the two are dependent.
  void dpor_host_flag(const bool* flag, bool write);
 public:
  // A step followed by fence_full(): smp_mb() (kFence), kfree(), a task's exit. Under dpor with
  // store buffers the vCPU may not take it while its buffer holds stores: its buffer's agent
  // drains them first (Abdulla et al., TACAS 2015), and the barrier finds the buffer empty.
  inline bool draining_access(AccessKind kind, const Site& site);
  bool mb_access(const Site& site) { return draining_access(AccessKind::kFence, site); }

 private:
  // The end of a run: what is still buffered drains (MachineConfig::drains_first: each drain a
  // choice among the buffers with stores, under dpor a choice of agent).
  void drain_rest();
  void dpor_drain(int owner, const void* addr, size_t size);
  void dpor_strong_fence();
  void dpor_timer();
  int dpor_drain_agent_ = -1;  // the store buffer draining as an agent of its own, or -1
  // Shrinking's keyed replay asks these (explore/keyed_replay.h's ChoiceContext).
  static uint64_t choice_where(const void* machine);
  static int64_t cpu_target_of(const void* machine, uint32_t v);
  bool reduced_store(AccessKind kind) const {
    return mem_.store_reduction() && kind == AccessKind::kStore && cfg_.memory_model != MemoryModel::kSC;
  }
  void arm_step(Cpu* c);
  bool costing() const { return cost_.on() && running_cpu_ != nullptr; }
  void cost_access(AccessKind kind, const void* addr);
  // A task-list walk's link (its address from the previous link) and the fields reached through it.
  void cost_walk(const void* link, const void* data);
  void place_passive_task(Task* t);
  void cost_span_begin();  // the open span's starting cycles, misses and transfers
  void cost_span_end();
  void preempt_schedule(Cpu* c);
  void cond_resched_slow(const Site& site);
  void periodic_checks();
  void check_lockups();
  // Progress is a change of the ghost holds or of the live tasks: under dpor, of shared state.
  void note_progress() {
    last_progress_step_ = step_;
    if (dpor_) [[unlikely]]
      dpor_global();
  }
  void reset_progress() {
    next_check_step_ = kCheckEvery;
    last_progress_step_ = 0;
    live_at_last_check_ = 0;
  }
  std::string bound_text(const char* name, uint64_t value, uint8_t bit) const;
  std::string holder_state(const Task* t) const;
  void sync_too_long(Task* t, const Site& site);

  enum class SchedWhy : uint8_t { kPreempt, kSleep, kYield, kIdle, kExit };
  void schedule(SchedWhy why, const Site& site);
  void run_switch_hooks();
  Task* pick_next(Cpu* c);
  void dequeue(Cpu* c, Task* prev, Task* t);  // t follows prev (nullptr: t is the head) on c's runqueue
  void enqueue(Cpu* c, Task* t);
  void enqueue_task(Task* t, bool may_migrate);
  void update_eligible(Cpu* c);
  void switch_fibers(Task* prev, Task* next);  // prev is running on this host thread
  void resume_cpu_from(Fiber& from, Cpu* c);
  void idle_wait();
  void finish_task_switch();
  void after_resume();
  void fire_timers();
  void scheduler_tick();
  void balance_idle_cpus();
  void start_slice(Cpu* c, Task* next) {  // __schedule() picked `next` (maybe the same task again)
    c->need_resched = false;
    next->slice_start = now_;
  }
  bool advance_to_next_timer();
  void add_timer(Task* t);
  void push_timer(uint64_t at, Task* t, TimerList* list);
  void task_exit(Task* t);
  void main_loop();
  void teardown();
  void run_final_checks();
  void reset_memory_model();  // after cfg_ and cpus_ are set
  std::string task_label(const Task* t) const;
  void report_no_progress(const std::string& why);

  static void task_entry(void* arg);
  static void idle_entry(void* arg);
  // Host faults (sched/host_faults.cc): every fiber starts in guarded_entry, which turns a
  // SIGSEGV/SIGBUS of the code it runs into a report that ends the run.
  void prepare_fiber(Task* t);
  static void guarded_entry(void* arg);
  [[noreturn]] void host_fault(int sig, int code, const void* addr);
  [[noreturn]] void host_hang(uint64_t cpu_ms);
  friend struct HostFaults;
  friend class MachineMemoryHost;

  static thread_local Machine* tl_current_;
  static constexpr uint64_t kCheckEvery = 4096;  // steps between the periodic progress checks

  MachineConfig cfg_;
  Arena arena_;
  StackPool stacks_;
  DecisionSource decisions_;
  bool coverage_ = false;
  LineCounts lines_;
  void note_line_ran(uint32_t line);
  void clear_coverage();  // a new run: no site offered or hit, no design line run
  bool site_aware_ = false;  // coverage_ or an arm run: decisions look up their site
  bool arming_ = false;      // an arm run or its replay: armed sites may stall
  bool dpor_ = false;        // a dpor run: transitions report what they touch
  EventLog log_;
  std::vector<Cpu> cpus_;
  std::vector<std::unique_ptr<Task>> tasks_;
  std::vector<int> elig_;  // vCPUs that have something to run
  size_t elig_count_ = 0;
  Cpu* running_cpu_ = nullptr;
  uint64_t step_ = 0;
  uint64_t value_at_ = EventLog::kNoEvent;  // the event of the access access() last let through
  uint64_t now_ = 0;
  MachineMemoryHost mem_host_{*this};
  MemorySystem<MachineMemoryHost> mem_{mem_host_, arena_};
  uint64_t next_check_step_ = 0;
  // The last step where the run visibly progressed: a hold taken or released, a synchronize that
  // returned, a task that exited. No-progress reports say how long ago that was.
  uint64_t last_progress_step_ = 0;
  int live_at_last_check_ = 0;
  int live_ = 0;  // tasks not yet exited (idle tasks excluded)
  bool stop_ = false;
  bool tearing_down_ = false;
  RunReports reports_;  // the first failure and the WARNs (oracles/run_reports.h)
  void settle_warnings(RunResult* r);  // the end of a run: RunReports::settle(), and the WARNs into r
  void fill_failure(Failure* f, Oracle o, std::string message, std::string where);

  TimerQueue timers_;
  uint64_t next_timer_ = UINT64_MAX;
  uint64_t next_tick_ = UINT64_MAX;

  struct Hook {
    void (*fn)(void*);
    void* ctx;
  };
  std::vector<Hook> switch_hooks_;
  std::vector<Hook> final_checks_;
  void (*task_init_)(void*, void*) = nullptr;
  void (*task_exit_)(void*) = nullptr;
  void* task_init_ctx_ = nullptr;
  std::vector<RcuCallback> rcu_callbacks_;  // waiting for their grace periods
  Cpu* run_exit_hook(Task* t);  // returns the vCPU the task runs on afterwards
  void rcu_free_ready();
  void collect_last_events(RunResult* r) const;  // with event_object() of each
  std::string call_chain(const Task* t) const;
  void rcu_grace_period_memory();

  LockOwners lock_owners_;  // raw spinlocks' (sched/lock_owners.h)
  WaitLists waiters_;       // sleeping locks'

  GhostHolds ghost_;

  uint64_t mutations_applied_ = 0;
  uint64_t n_switches_ = 0, n_preempt_ = 0, n_irqs_ = 0, n_migrations_ = 0, n_cpu_switches_ = 0;
  int next_cpu_rr_ = 0;

  // Cold state after the hot members: coverage, arming's stall scratch, the cost meter.
  SiteTable sites_;
  CostAccount cost_;
  std::vector<Cpu*> stall_runnable_;
  bool shared_stacks_ = false;
  bool holds_tracked_ = true;
};

extern template class MemorySystem<MachineMemoryHost>;  // instantiated in sched/memory.cc

}  // namespace hazsim

#include "sched/cost_inline.h"
#include "sched/decide_inline.h"
#include "sched/memory_host_inline.h"
#include "sched/step_inline.h"
