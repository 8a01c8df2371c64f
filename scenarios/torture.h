// The torture workload, after kernel/rcu/hazptrtorture.c (paulmckrcu/linux, 2026): one writer
// replaces hazptr_torture_current from a pool and calls hazptr_synchronize(old); each retired
// element's pipe count is bumped on every later writer pass, and a reader that sees a count above
// 1 while holding the element has caught synchronize returning too early. Readers are
// overcommitted, keep their ctx on the stack or on the heap, and may sleep or yield while holding;
// a high-priority kthread spins on each CPU in turn to force preemption.
#pragma once
#include <fmt/format.h>
#include <algorithm>
#include <deque>
#include <vector>

#include "hazptr/design.h"
#include "sched/machine.h"
#include "sched/sim_kernel.h"
#include "scenarios/slot_leaks.h"
#include "scenarios/torture_knobs.h"
#include "scenarios/stack_frame.h"
#include "sim/prng.h"

namespace hazsim {

inline constexpr int HAZPTR_TORTURE_PIPE_LEN = 10;

struct TortureStats {
  std::vector<long> reader_pipe = std::vector<long>(HAZPTR_TORTURE_PIPE_LEN + 1, 0);
  long writer_passes = 0;
  long reader_passes = 0;
  long alloc = 0, alloc_fail = 0, freed = 0;
  long irq_reads = 0, timer_reads = 0;
  long irq_acquires = 0, irq_releases = 0, deferred = 0, double_releases = 0;
  long reclaim_batches = 0, batch_reclaimed = 0;
};

template <class D>
class Torture {
  using K = SimKernel;

 public:
  // struct hazptr_torture
  struct hazptr_torture {
    void* obj_hazptr;
    int htort_pipe_count;
    kapi::list_head htort_free;
  };
  using ctx_type = typename D::ctx_type;

  Torture(Machine& m, const Params& p) : m_(m), k_(p) {
    seed_ = uint64_t(p.num("seed"));
    nesting_ = int(p.num("nesting"));
    stack_ctx_ = p.str("ctx") == "stack";
    free_mode_ = p.str("recycle") == "free";
    broken_ = k_.broken;
    retire_mode_ = p.str("reclaim") == "retire";
  }

  // Boot: the design's init, the shared pointer and pool, and the tasks.
  void setup() {
    design_.hazptr_init();
    m_.set_task_init(&Torture::design_fork, this, hazptr::DesignWithExit<D> ? &Torture::design_exit : nullptr);
    if constexpr (D::has_switch_hook)
      m_.add_switch_hook([](void* self) { static_cast<Torture*>(self)->design_.hazptr_note_context_switch(); },
                         this);
    current_ = K::alloc_static<hazptr_torture*>("hazptr_torture_current");
    m_.ghost_watch(current_);
    if (!free_mode_) {
      for (int64_t i = 0; i < k_.pool; ++i)
        freelist_.push_back(m_.described<hazptr_torture>(m_.static_alloc(sizeof(hazptr_torture), 8, "hazptr_tortures[]")));
      pool_size_ = freelist_.size();
    }
    int cpus = m_.nr_cpus();
    int64_t nr = k_.nreaders;
    int nreaders = int(nr < 0 ? -nr * cpus : nr);
    // With idle_cpus the torture's tasks are pinned to the other vCPUs, so the last ones run only
    // their idle tasks (and the interrupts irq_reader sends them).
    const int busy = cpus - int(k_.idle_cpus);
    const bool pin = k_.idle_cpus > 0;
    if (k_.writer) {
      args_.push_back({this, 0});
      m_.create_task("hazptr_torture_writer", &Torture::writer_entry, &args_.back(), pin ? 0 : -1, pin);
    }
    for (int i = 0; i < nreaders; ++i) {
      args_.push_back({this, i});
      m_.create_task(fmt::format("hazptr_torture_reader/{}", i), &Torture::reader_entry, &args_.back(), i % busy,
                     pin);
    }
    readers_left_ = nreaders;
    if (k_.defer_modulus > 0 && !stack_ctx_) pending_ = K::alloc_percpu<kapi::llist_head>("hazptr_pending");
    if (k_.defer_modulus > 0 && !stack_ctx_) {
      args_.push_back({this, 0});
      m_.create_task("hazptr_torture_do_pending", &Torture::do_pending_entry, &args_.back());
    }
    if (retire_mode_) {
      args_.push_back({this, 0});
      m_.create_task("hazptr_reclaim_worker", &Torture::reclaim_entry, &args_.back());
    }
    if (k_.preempt_kthread && cpus > 1) {
      args_.push_back({this, 0});
      m_.create_task("hazptr_torture_preempt", &Torture::preempt_entry, &args_.back(), 0, true, 1);
    }
    for (int64_t i = 0; i < k_.passive_tasks; ++i) m_.create_passive_task(fmt::format("passive/{}", i));
    m_.add_final_check([](void* self) { static_cast<Torture*>(self)->final_check(); }, this);
  }

  const TortureStats& stats() const { return stats_; }

  // Why this design cannot run these parameters, or "" if it can.
  static std::string incompatibility(const Params& p) {
    bool wants_detach = p.num("irq_acquire") > 0 || p.num("irq_release") > 0 || p.num("defer_modulus") > 0;
    if (wants_detach && !hazptr::detach_available<D>())
      return "this design has no hazptr_detach(), which irq_acquire, irq_release and defer_modulus need "
             "(designs with it: twophase, listphase)";
    if (p.str("reclaim") == "retire") {
      if (!kHasRetire) return "reclaim = retire needs hazptr_retire() (designs with it: pertask, pertask-bitmap)";
      if (p.str("recycle") != "free") return "reclaim = retire needs recycle = free";
    }
    if (p.num("idle_cpus") >= p.num("cpus")) return "idle_cpus must leave at least one vCPU for the torture's tasks";
    if (p.num("idle_cpus") > 0 && (p.flag("preempt_kthread") || p.num("defer_modulus") > 0))
      return "idle_cpus needs preempt_kthread = 0 and defer_modulus = 0 (those kthreads visit every vCPU)";
    if (p.num("defer_modulus") > 0 && p.str("ctx") == "stack")
      return "defer_modulus needs ctx = heap: an on-stack ctx cannot outlive its reader (hazptrtorture forbids it too)";
    return "";
  }

  // "Reader Pipe:" as hazptr_torture_stats_print() prints it, with "!!!" when an entry past the
  // first two is non-zero.
  std::string reader_pipe_line() const {
    bool bad = false;
    for (int i = 2; i <= HAZPTR_TORTURE_PIPE_LEN; ++i) bad |= stats_.reader_pipe[size_t(i)] != 0;
    std::string s = bad ? "!!! Reader Pipe: " : "Reader Pipe: ";
    for (long v : stats_.reader_pipe) s += fmt::format(" {}", v);
    return s;
  }

 private:
  struct Arg {
    Torture* self;
    int id;
  };

  static void writer_entry(void* a) { static_cast<Arg*>(a)->self->writer(); }
  static void reader_entry(void* a) { static_cast<Arg*>(a)->self->reader(static_cast<Arg*>(a)->id); }
  static void preempt_entry(void* a) { static_cast<Arg*>(a)->self->preempt_kthread(); }
  static void do_pending_entry(void* a) { static_cast<Arg*>(a)->self->do_pending(); }
  static void reclaim_entry(void* a) { static_cast<Arg*>(a)->self->reclaim_worker(); }

  // The reclaim worker: one batched scan per interval, until the writer is done and nothing is
  // left to reclaim.
  void reclaim_worker() {
    if constexpr (kHasRetire) {
      for (;;) {
        bool last = writer_done_;
        design_.hazptr_reclaim_batch(
            [](void* self, void* obj) {
              auto* t = static_cast<Torture*>(self);
              t->m_.ghost_check_reclaim(obj);
              t->torture_free(static_cast<hazptr_torture*>(obj));
              ++t->stats_.batch_reclaimed;
            },
            this);
        ++stats_.reclaim_batches;
        if (last && design_.retired_count() == 0) break;
        m_.sleep_ns(uint64_t(k_.reclaim_interval_ns));
      }
    }
  }

  bool must_stop() const { return stop_; }

  hazptr_torture* torture_alloc() {
    if (free_mode_) {
      ++stats_.alloc;
      return m_.described<hazptr_torture>(m_.kmalloc(sizeof(hazptr_torture), "struct hazptr_torture"));
    }
    if (freelist_.empty()) {
      ++stats_.alloc_fail;
      return nullptr;
    }
    ++stats_.alloc;
    hazptr_torture* p = freelist_.front();
    freelist_.pop_front();
    return p;
  }

  void torture_free(hazptr_torture* p) {
    if (broken_ == Broken::kLeakRetired && !leaked_one_) {
      leaked_one_ = true;  // deliberately forgotten: the leak check must notice
      return;
    }
    ++stats_.freed;
    if (free_mode_)
      m_.kfree(p);
    else
      freelist_.push_back(p);
  }

  // hazptr_torture_pipe_update_one(): true when the element has gone all the way down the pipe.
  bool pipe_update_one(hazptr_torture* rp) {
    int i = K::load(&rp->htort_pipe_count);
    if (i > HAZPTR_TORTURE_PIPE_LEN) i = HAZPTR_TORTURE_PIPE_LEN;
    K::write_once(&rp->htort_pipe_count, i + 1);
    return i + 1 >= HAZPTR_TORTURE_PIPE_LEN;
  }

  void pipe_update(hazptr_torture* old_rp) {
    if (old_rp) removed_.insert(removed_.begin(), old_rp);
    for (size_t k = 0; k < removed_.size();) {
      if (pipe_update_one(removed_[k])) {
        hazptr_torture* rp = removed_[k];
        removed_.erase(removed_.begin() + long(k));
        torture_free(rp);
      } else {
        ++k;
      }
    }
  }

  void sync(hazptr_torture* old) {
    if (broken_ == Broken::kSkipSync) return;
    m_.ghost_sync_begin(old);
    m_.span_begin("hazptr_synchronize");
    design_.hazptr_synchronize(old);
    m_.span_end("hazptr_synchronize");
    m_.ghost_sync_end(old);
  }

  // Replace the current element: Store A, then synchronize and advance the pipe.
  void replace(hazptr_torture* rp) {
    hazptr_torture* old_rp = K::read_once(current_);
    K::store_release(current_, rp); /* Store A */
    K::smp_wmb();                   /* Mods to old_rp must follow smp_store_release() */
    if (old_rp) {
      K::write_once(&old_rp->htort_pipe_count, K::load(&old_rp->htort_pipe_count) + 1);
      if (retire_mode_) {
        if constexpr (kHasRetire) design_.hazptr_retire(old_rp);  // the reclaim worker frees it
        return;
      }
      sync(old_rp);
      if (free_mode_)
        torture_free(old_rp);  // the canonical use: synchronize, then kfree at once
      else
        pipe_update(old_rp);
    }
  }

  void writer() {
    Prng rng(seed_ * 0x9e3779b97f4a7c15ULL + 1);
    for (int64_t pass = 0; pass < k_.writer_passes; ++pass) {
      stutter_wait();
      m_.sleep_ns(uint64_t(k_.writer_delay_ns) / 2 + rng.below(uint32_t(k_.writer_delay_ns / 2 + 1)));
      hazptr_torture* rp = torture_alloc();
      if (rp == nullptr) continue;
      K::store(&rp->htort_pipe_count, 0);
      if (broken_ == Broken::kSleepInAtomic && pass == 1) {
        K::preempt_disable();
        m_.sleep_ns(100);  // deliberately sleeping with preemption off
        K::preempt_enable();
      }
      replace(rp);
      ++stats_.writer_passes;
    }
    stop_ = true;
    // Cleanup, as the module's exit does: unpublish, wait, and return everything.
    replace(nullptr);
    writer_done_ = true;
    while (!removed_.empty()) {
      hazptr_torture* rp = removed_.back();
      removed_.pop_back();
      torture_free(rp);
    }
  }

  void check_pipe(hazptr_torture* htp) {
    K::preempt_disable();
    int pipe_count = K::read_once(&htp->htort_pipe_count);
    if (pipe_count > HAZPTR_TORTURE_PIPE_LEN) pipe_count = HAZPTR_TORTURE_PIPE_LEN;
    ++stats_.reader_pipe[size_t(pipe_count)];
    if (pipe_count > 1)
      m_.fail(Oracle::kPipeCount,
              fmt::format("!!! reader saw pipe count {} on {} it holds: the element was retired, synchronized "
                          "and recycled while protected (too-short hazptr_synchronize)",
                          pipe_count, m_.describe_addr(htp)));
    K::preempt_enable();
  }

  // struct hazptr_pending: a ctx and what it protects, handed between contexts by the
  // irq_acquire, irq_release and deferral paths.
  struct hazptr_pending {
    kapi::llist_node hpp_node;
    ctx_type hpp_hc;
    hazptr_torture* hpp_htp;
  };

  static constexpr bool kHasDetach = hazptr::DesignWithDetach<D>;
  static constexpr bool kHasRetire = hazptr::DesignWithRetire<D>;

  void detach(hazptr_pending* hppp) {
    if constexpr (kHasDetach) {
      design_.hazptr_detach(&hppp->hpp_hc);
      m_.ghost_detached(&hppp->hpp_hc);
    }
  }

  hazptr_torture* readlock(hazptr_pending* hppp) {
    m_.span_begin("hazptr_acquire");
    auto* htp = static_cast<hazptr_torture*>(design_.hazptr_acquire(&hppp->hpp_hc, reinterpret_cast<void* const*>(current_)));
    m_.span_end("hazptr_acquire");
    m_.ghost_acquired(htp, &hppp->hpp_hc);
    return htp;
  }

  void readunlock(hazptr_pending* hppp) {
    // Use ends where release begins (it may be preempted once the slot is clear): ghost_released().
    m_.ghost_released(hppp->hpp_htp, &hppp->hpp_hc);
    m_.span_begin("hazptr_release");
    design_.hazptr_release(&hppp->hpp_hc, hppp->hpp_htp);
    m_.ghost_release_returned();
    m_.span_end("hazptr_release");
  }

  bool one_in(Prng& rng, int64_t n) { return n > 0 && rng.below(uint32_t(n)) == 0; }

  // hazptr_torture_acquire(): acquire in an IPI handler on another CPU, then detach there.
  static void irq_acquire_entry(void* a) {
    auto* hppp = static_cast<hazptr_pending*>(a);
    Torture* self = tl_self_;
    hppp->hpp_htp = self->readlock(hppp);
    if (hppp->hpp_htp) self->detach(hppp);
    ++self->stats_.irq_acquires;
  }

  // hazptr_torture_release(): release in an IPI handler.
  static void irq_release_entry(void* a) {
    Torture* self = tl_self_;
    self->readunlock(static_cast<hazptr_pending*>(a));
    ++self->stats_.irq_releases;
  }

  void free_pending(hazptr_pending* hppp) {
    if (!stack_ctx_) m_.kfree(hppp);
  }

  // hazptr_torture_reader_tail()'s release: in this task, or detached and released in an IPI.
  void release(hazptr_pending* hppp, Prng& rng, bool may_irq) {
    if (may_irq && one_in(rng, k_.irq_release) && m_.nr_cpus() > 1) {
      K::preempt_disable();
      detach(hppp);
      m_.smp_call_function_single(K::smp_processor_id() + 1, &Torture::irq_release_entry, hppp, true);
      K::preempt_enable();
    } else {
      readunlock(hppp);
      // What the two-phase header permits ("though unwise"): hazptr_release() again on the same
      // ctx, with no hazptr_acquire() between. The ghost hold is gone already: a second release
      // that clears what another reader now holds in that slot is seen by that reader's checks.
      if (one_in(rng, k_.release_twice)) {
        design_.hazptr_release(&hppp->hpp_hc, hppp->hpp_htp);
        ++stats_.double_releases;
      }
    }
    free_pending(hppp);
  }

  void reader(int id) {
    tl_self_ = this;
    Prng rng(seed_ * 0xbf58476d1ce4e5b9ULL + uint64_t(id) * 7919 + 3);
    // hazptrtorture's on-stack flavour keeps `struct hazptr_pending hpp` in the reader's frame.
    StackFrame<hazptr_pending> frame(stack_ctx_ ? size_t(nesting_) : 1, "on-stack struct hazptr_pending");
    std::vector<hazptr_pending*> held(static_cast<size_t>(nesting_), nullptr);
    long passes = 0;
    while (!must_stop()) {
      stutter_wait();
      int got = 0;
      for (int k = 0; k < nesting_; ++k) {
        auto* hppp = stack_ctx_ ? frame.get(size_t(k))
                                : m_.described<hazptr_pending>(m_.kmalloc(sizeof(hazptr_pending), "kmalloc'ed struct hazptr_pending"));
        if (k == 0 && one_in(rng, k_.irq_acquire) && m_.nr_cpus() > 1) {
          K::preempt_disable();
          m_.smp_call_function_single(K::smp_processor_id() + 1, &Torture::irq_acquire_entry, hppp, true);
          K::preempt_enable();
        } else {
          hppp->hpp_htp = readlock(hppp);
        }
        if (!hppp->hpp_htp) {
          free_pending(hppp);
          break;
        }
        held[size_t(got++)] = hppp;
      }
      if (got == 0) {
        m_.sleep_ns(uint64_t(k_.writer_delay_ns));  // schedule_timeout_interruptible()
        if (!k_.writer && ++passes >= k_.reader_passes) break;
        continue;
      }
      if (rng.chance_ppm(k_.reader_udelay_ppm)) udelay(uint64_t(k_.reader_udelay_ns));
      if (rng.chance_ppm(k_.reader_sleep_ppm)) m_.sleep_ns(uint64_t(k_.reader_sleep_ns));
      if (rng.chance_ppm(k_.reader_yield_ppm) && K::preempt_count() == 0) m_.yield_cpu();
      // The IPI to an idle vCPU is sent after the release: the sender waits for the handler, and
      // a hold of its own would make every scan wait for it anyway, hiding what the handler holds.
      const bool irq = k_.irq_reader && m_.nr_cpus() > 1 && rng.chance_ppm(100000);
      if (irq && k_.idle_cpus == 0)
        m_.smp_call_function_single(K::smp_processor_id() + 1, &Torture::irq_reader_entry, this, true);
      for (int k = 0; k < got; ++k) check_pipe(held[size_t(k)]->hpp_htp);
      if (broken_ == Broken::kSkipRelease && passes == 2) return;  // deliberately exits holding
      for (int k = got; k-- > 0;) {
        if (k == 0 && !stack_ctx_ && one_in(rng, k_.defer_modulus)) {
          defer(held[0], rng);
          continue;
        }
        release(held[size_t(k)], rng, k == 0);
      }
      if (irq && k_.idle_cpus > 0)
        m_.smp_call_function_single(m_.nr_cpus() - 1 - int(rng.below(uint32_t(k_.idle_cpus))),
                                    &Torture::irq_reader_entry, this, true);
      if (k_.timer_reader && m_.nr_cpus() > 1 && rng.chance_ppm(100000)) timer_read(rng);
      ++passes;
      ++stats_.reader_passes;
      m_.cond_resched();  // as the torture's reader loop does (only preempt=none|voluntary makes it a switch)
      if ((!k_.writer && passes >= k_.reader_passes) || respawned(passes)) break;
      if (k_.reader_rest_ns > 0) m_.sleep_ns(uint64_t(k_.reader_rest_ns));
    }
    if (--readers_left_ == 0 && !k_.writer) stop_ = true;
  }

  // hazptr_torture_defer(): detach and hand the ctx to a CPU's pending list.
  void defer(hazptr_pending* hppp, Prng& rng) {
    K::preempt_disable();
    detach(hppp);
    kapi::llist_add<K>(&hppp->hpp_node, K::per_cpu_ptr(pending_, int(rng.below(uint32_t(m_.nr_cpus())))));
    ++stats_.deferred;
    K::preempt_enable();
  }

  // hazptr_torture_do_pending(): release the deferred hazard pointers of each CPU in turn, and
  // all of them once the test is stopping.
  void do_pending() {
    tl_self_ = this;
    Prng rng(seed_ * 0x94d049bb133111ebULL + 11);
    int cpu = 0;
    for (;;) {
      // Decided before the sweep: a reader that defers and exits during it is seen next time.
      bool last = must_stop() && readers_left_ == 0;
      bool all = must_stop();
      for (int c = 0; c < m_.nr_cpus(); ++c) {
        if (!all && c != cpu) continue;
        // llist_for_each_entry_safe() over llist_del_all(): the next node is read before the release
        for (kapi::llist_node *n = kapi::llist_del_all<K>(K::per_cpu_ptr(pending_, c)), *next; n; n = next) {
          auto* hppp = reinterpret_cast<hazptr_pending*>(reinterpret_cast<char*>(n) - offsetof(hazptr_pending, hpp_node));
          next = K::load(&n->next);
          check_pipe(hppp->hpp_htp);
          release(hppp, rng, true);
        }
      }
      cpu = (cpu + 1) % m_.nr_cpus();
      if (last) break;
      m_.sleep_ns(uint64_t(k_.do_pending_ns));
    }
  }

  // stutter_wait(): every other stutter period the torture tasks stand still.
  void stutter_wait() {
    int64_t period = k_.stutter_ns;
    if (period <= 0) return;
    uint64_t now = m_.now_ns();
    if ((now / uint64_t(period)) % 2 == 1) m_.sleep_ns((now / uint64_t(period) + 1) * uint64_t(period) - now);
  }

  // An IPI handler that reads: acquire and release without leaving interrupt context.
  static void irq_reader_entry(void* self) { static_cast<Torture*>(self)->irq_reader(); }
  void irq_reader() {
    auto* hppp = m_.described<hazptr_pending>(m_.kmalloc(sizeof(hazptr_pending), "GFP_ATOMIC struct hazptr_ctx"));
    hppp->hpp_htp = readlock(hppp);
    if (hppp->hpp_htp) {
      // On an idle vCPU the handler holds for a while, so that a scan can pass meanwhile.
      if (k_.idle_cpus > 0) udelay(uint64_t(k_.reader_udelay_ns));
      check_pipe(hppp->hpp_htp);
      readunlock(hppp);
      ++stats_.irq_reads;
    }
    m_.kfree(hppp);
  }

  // A timer_list on another vCPU (an idle one under idle_cpus) whose callback reads in
  // TIMER_SOFTIRQ as irq_reader's IPI handler does, on top of whatever runs there. The reader
  // sleeps until it has run (the wait of del_timer_sync()), holding nothing: the timer lives in
  // its frame, and a hold of its own would make every scan wait anyway.
  struct TimerRead {
    Machine::TimerList timer;
    Torture* self;
    bool done;
  };
  void timer_read(Prng& rng) {
    const int cpu = k_.idle_cpus > 0 ? m_.nr_cpus() - 1 - int(rng.below(uint32_t(k_.idle_cpus)))
                                     : (K::smp_processor_id() + 1) % m_.nr_cpus();
    TimerRead tr{{}, this, false};
    tr.timer.data = &tr;
    tr.timer.fn = [](Machine::TimerList* t) {
      auto* r = static_cast<TimerRead*>(t->data);
      r->self->irq_reader();
      ++r->self->stats_.timer_reads;
      r->done = true;
    };
    m_.add_timer_on(&tr.timer, cpu, uint64_t(k_.timer_delay_ns));
    while (!tr.done && !m_.stopping()) m_.sleep_ns(uint64_t(k_.timer_delay_ns));
  }

  // udelay(): a busy wait, one cpu_relax() per step, no barrier and no context switch.
  void udelay(uint64_t ns) {
    uint64_t until = m_.now_ns() + ns;
    while (m_.now_ns() < until && !must_stop()) K::cpu_relax();
  }

  // rcu_torture_preempt(): spin at high priority on each CPU in turn.
  void preempt_kthread() {
    while (!must_stop()) {
      for (int cpu = 0; cpu < m_.nr_cpus() && !must_stop(); ++cpu) {
        m_.migrate_current_to(cpu);
        udelay(uint64_t(k_.preempt_duration_ns));
      }
      m_.sleep_ns(uint64_t(k_.preempt_interval_ns));
    }
  }

  void final_check() {
    check_slots_free(m_, design_);
    if (m_.stopping()) return;
    long outstanding = free_mode_ ? stats_.alloc - stats_.freed : long(pool_size_ - freelist_.size());
    if (outstanding > 0)
      m_.fail(Oracle::kLeak, fmt::format("leak: {} retired torture element(s) never freed or returned to the pool",
                                         outstanding));
  }

  // The design's fork and do_exit() hooks (Machine::set_task_init).
  static void design_fork(void* self, void* data) { static_cast<Torture*>(self)->design_.init_task(data); }
  static void design_exit(void* self) {
    if constexpr (hazptr::DesignWithExit<D>) static_cast<Torture*>(self)->design_.hazptr_exit();
  }

  // reader_lifetime: a reader that has made that many passes forks its successor (a new task on
  // this CPU, with this task's affinity, as fork() gives) and exits, so tasks come and go while
  // a per-task synchronize walks the task list.
  bool respawned(long passes) {
    if (k_.reader_lifetime == 0 || passes < k_.reader_lifetime || must_stop()) return false;
    args_.push_back({this, next_reader_id_++});
    ++readers_left_;
    m_.fork_task(fmt::format("hazptr_torture_reader/{}", args_.back().id), &Torture::reader_entry, &args_.back(),
                 K::smp_processor_id(), k_.idle_cpus > 0);
    return true;
  }

  Machine& m_;
  const TortureKnobs k_;
  D design_;
  uint64_t seed_ = 0;
  int nesting_ = 1;
  bool stack_ctx_ = true;
  bool free_mode_ = false;
  bool retire_mode_ = false;
  Broken broken_ = Broken::kNone;
  bool leaked_one_ = false;
  hazptr_torture** current_ = nullptr;  // hazptr_torture_current
  std::deque<hazptr_torture*> freelist_;
  size_t pool_size_ = 0;
  std::vector<hazptr_torture*> removed_;  // hazptr_torture_removed
  std::deque<Arg> args_;  // tasks keep pointers to their Arg: addresses must stay put
  kapi::PerCpu<kapi::llist_head> pending_;  // DEFINE_PER_CPU(struct llist_head, hazptr_pending)
  static inline thread_local Torture* tl_self_ = nullptr;  // for IPI handlers, which get one argument
  bool stop_ = false;  // torture_must_stop()
  bool writer_done_ = false;
  int readers_left_ = 0;
  int next_reader_id_ = 1 << 16;  // forked readers' ids (their PRNG streams), apart from the first readers'
  TortureStats stats_;
};

}  // namespace hazsim
