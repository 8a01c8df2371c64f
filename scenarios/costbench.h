// The cost workload behind `hazsim compare`, after refscale: readers pinned one per vCPU (in
// turn) repeat a read-side section (acquire `nesting` hazard pointers on one shared object,
// sometimes sleep holding them, release them) `reader_loops` times, while one writer replaces
// the object `writer_passes` times and waits for each old one with hazptr_synchronize() (or,
// with reclaim = retire, retires them and reclaims them in one batch at the end). The machine's
// cost meter turns the run into cycles per section; passive tasks stand for the rest of a
// system's threads.
#pragma once
#include <fmt/format.h>

#include <deque>
#include <vector>

#include "hazptr/design.h"
#include "sched/machine.h"
#include "sched/sim_kernel.h"
#include "scenarios/params.h"
#include "sim/prng.h"

namespace hazsim {

struct CostOutcome {
  std::string error;  // the design cannot run these parameters
  RunResult run;
  CostTotals totals;
  uint64_t sections = 0;       // reader sections completed
  uint64_t reclaimed = 0;      // objects the writer got back
  uint64_t reclaim_delay = 0;  // writer cycles from unpublishing to getting back, summed
};

template <class D>
class CostBench {
  using K = SimKernel;
  using ctx_type = typename D::ctx_type;
  static constexpr bool kHasRetire = hazptr::DesignWithRetire<D>;

 public:
  CostBench(Machine& m, const Params& p) : m_(m), p_(p) {}

  static std::string incompatibility(const Params& p) {
    if (p.str("reclaim") == "retire" && !kHasRetire) return "reclaim = retire needs hazptr_retire()";
    return "";
  }

  void setup() {
    design_.hazptr_init();
    m_.set_task_init([](void* self, void* data) { static_cast<CostBench*>(self)->design_.init_task(data); }, this);
    if constexpr (D::has_switch_hook)
      m_.add_switch_hook([](void* self) { static_cast<CostBench*>(self)->design_.hazptr_note_context_switch(); }, this);
    gp_ = K::alloc_static<void*>("the published pointer");
    for (int i = 0; i < kPool; ++i) pool_[i] = m_.static_alloc(64, 64, "shared object");
    K::write_once(gp_, pool_[0]);
    int cpus = m_.nr_cpus();
    int64_t nr = p_.num("nreaders");
    int nreaders = int(nr < 0 ? -nr * cpus : nr);
    if (p_.flag("writer")) {
      args_.push_back({this, 0});
      m_.create_task("cost_writer", &CostBench::writer_entry, &args_.back(), cpus - 1, true);
    }
    for (int i = 0; i < nreaders; ++i) {
      args_.push_back({this, i});
      m_.create_task(fmt::format("cost_reader/{}", i), &CostBench::reader_entry, &args_.back(), i % cpus, true);
    }
    for (int64_t i = 0; i < p_.num("passive_tasks"); ++i) m_.create_passive_task(fmt::format("passive/{}", i));
  }

  CostOutcome outcome(const RunResult& r) const {
    CostOutcome o;
    o.run = r;
    o.totals = m_.cost_totals();
    o.sections = sections_;
    o.reclaimed = reclaimed_;
    o.reclaim_delay = reclaim_delay_;
    return o;
  }

 private:
  struct Arg {
    CostBench* self;
    int index;
  };
  static constexpr int kPool = 4;

  static void reader_entry(void* a) { static_cast<Arg*>(a)->self->reader(static_cast<Arg*>(a)->index); }
  static void writer_entry(void* a) { static_cast<Arg*>(a)->self->writer(); }

  void reader(int index) {
    Prng rng(uint64_t(p_.num("seed")) * 1000003 + uint64_t(index));
    int nesting = int(p_.num("nesting"));
    // The kernel's ctx is on the reader's own stack: its own lines, never shared with another reader.
    size_t bytes = (sizeof(ctx_type) * size_t(nesting) + 63) / 64 * 64;
    auto* ctxs = static_cast<ctx_type*>(m_.static_alloc(bytes, 64, "the reader's on-stack hazptr_ctx"));
    std::vector<void*> held(static_cast<size_t>(nesting));
    uint32_t sleep_ppm = p_.ppm("reader_sleep");
    for (int64_t loop = 0; loop < p_.num("reader_loops"); ++loop) {
      m_.span_begin("reader_section");
      for (int d = 0; d < nesting; ++d) held[size_t(d)] = design_.hazptr_acquire(&ctxs[d], gp_);
      if (rng.chance_ppm(sleep_ppm)) m_.sleep_ns(1000);  // the context switch runs the hook
      for (int d = nesting; d-- > 0;) design_.hazptr_release(&ctxs[d], held[size_t(d)]);
      m_.span_end("reader_section");
      ++sections_;
    }
  }

  void writer() {
    bool retire = p_.str("reclaim") == "retire";
    bool cold = p_.str("sync_cache") == "cold";
    // Warm, as bench-native measures it: every timed synchronize follows another, so the first
    // pass is not the one that brings the scanned lines in. The warm-up scans for an object no
    // reader can hold (never published).
    if (!cold && !retire) design_.hazptr_synchronize(pool_[kPool - 1]);
    std::vector<uint64_t> retired_at;
    for (int64_t pass = 1; pass <= p_.num("writer_passes"); ++pass) {
      void* old = K::read_once(gp_);
      K::write_once(gp_, pool_[pass % kPool]);  // Store A: the old object is unpublished
      uint64_t unpublished = m_.task_cycles();
      if (retire) {
        if constexpr (kHasRetire) {
          m_.span_begin("hazptr_retire");
          design_.hazptr_retire(old);
          m_.span_end("hazptr_retire");
          retired_at.push_back(unpublished);
        }
      } else {
        if (cold) m_.cost_flush_caches();  // as bench-native's cold synchronize: nothing cached
        m_.span_begin("hazptr_synchronize");
        design_.hazptr_synchronize(old);
        m_.span_end("hazptr_synchronize");
        reclaim_delay_ += m_.task_cycles() - unpublished;
        ++reclaimed_;
      }
      m_.sleep_ns(uint64_t(p_.num("writer_delay_ns")));
    }
    if constexpr (kHasRetire) {
      if (!retire) return;
      m_.span_begin("hazptr_reclaim_batch");
      design_.hazptr_reclaim_batch([](void*, void*) {}, nullptr);
      m_.span_end("hazptr_reclaim_batch");
      for (uint64_t at : retired_at) reclaim_delay_ += m_.task_cycles() - at, ++reclaimed_;
    }
  }

  Machine& m_;
  const Params& p_;
  D design_;
  void** gp_ = nullptr;
  void* pool_[kPool] = {};
  std::deque<Arg> args_;
  uint64_t sections_ = 0, reclaimed_ = 0, reclaim_delay_ = 0;
};

}  // namespace hazsim
