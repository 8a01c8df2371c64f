#include "kshim/runtime.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fmt/format.h>

#include "hazptr/kernel_source.h"
#include "sched/sim_kernel.h"

namespace hazsim::kshim {

static_assert(sizeof(Site) == sizeof(const hazsim_site*) && std::is_trivially_copyable_v<Site>,
              "a C site is handed on as a std::source_location");

Site site_of(const hazsim_site* s) { return std::bit_cast<Site>(s); }

bool site_layout_ok() {
  static const hazsim_site probe{"probe.c", "probe_fn", 4242, 7};
  Site s = site_of(&probe);
  return s.line() == 4242 && s.column() == 7 && std::strcmp(s.file_name(), "probe.c") == 0 &&
         std::strcmp(s.function_name(), "probe_fn") == 0;
}

const hazsim_site* PlainSites::find(const void* ra) const {
  uint64_t off = uint64_t(uintptr_t(ra) - base);
  auto it = std::lower_bound(offsets.begin(), offsets.end(), off);
  if (it == offsets.end() || *it != off) [[unlikely]]
    return &unknown;
  return &sites[size_t(it - offsets.begin())];
}

namespace {

using K = SimKernel;

// Every entry from C first settles the C code's last plain access (Machine::native_access()):
// memory gets back what the model says it holds.
Machine& enter() {
  Machine& m = Machine::current();
  m.native_done();
  return m;
}

template <class T>
uint64_t load_as(const volatile void* p, int order, const Site& s) {
  const T* q = const_cast<const T*>(static_cast<const volatile T*>(p));
  return uint64_t(order == HAZSIM_ACQUIRE ? K::load_acquire(q, s) : K::read_once(q, s));
}

template <class T>
void store_as(volatile void* p, uint64_t v, int order, const Site& s) {
  T* q = const_cast<T*>(static_cast<volatile T*>(p));
  if (order == HAZSIM_RELEASE)
    K::store_release(q, T(v), s);
  else
    K::write_once(q, T(v), s);
}

void bad_size(Machine& m, const char* what, unsigned size, const Site& s) {
  m.fail(Oracle::kWildAccess, fmt::format("{} of {} bytes: the machine's marked accesses are of 1, 2, 4 or 8", what, size),
         s);
}

uint64_t op_load(const volatile void* p, unsigned size, int order, const hazsim_site* cs) {
  Machine& m = enter();
  Site s = site_of(cs);
  switch (size) {
    case 1: return load_as<uint8_t>(p, order, s);
    case 2: return load_as<uint16_t>(p, order, s);
    case 4: return load_as<uint32_t>(p, order, s);
    case 8: return load_as<uint64_t>(p, order, s);
  }
  bad_size(m, "READ_ONCE()", size, s);
  return 0;
}

void op_store(volatile void* p, unsigned size, uint64_t v, int order, const hazsim_site* cs) {
  Machine& m = enter();
  Site s = site_of(cs);
  switch (size) {
    case 1: return store_as<uint8_t>(p, v, order, s);
    case 2: return store_as<uint16_t>(p, v, order, s);
    case 4: return store_as<uint32_t>(p, v, order, s);
    case 8: return store_as<uint64_t>(p, v, order, s);
  }
  bad_size(m, "WRITE_ONCE()", size, s);
}

uint64_t op_xchg(volatile void* p, unsigned size, uint64_t v, const hazsim_site* cs) {
  Machine& m = enter();
  Site s = site_of(cs);
  if (size == 4) return K::xchg(const_cast<uint32_t*>(static_cast<volatile uint32_t*>(p)), uint32_t(v), s);
  if (size == 8) return K::xchg(const_cast<uint64_t*>(static_cast<volatile uint64_t*>(p)), v, s);
  bad_size(m, "xchg()", size, s);
  return 0;
}

uint64_t op_cmpxchg(volatile void* p, unsigned size, uint64_t old, uint64_t val, const hazsim_site* cs) {
  Machine& m = enter();
  Site s = site_of(cs);
  if (size == 4)
    return K::cmpxchg(const_cast<uint32_t*>(static_cast<volatile uint32_t*>(p)), uint32_t(old), uint32_t(val), s);
  if (size == 8) return K::cmpxchg(const_cast<uint64_t*>(static_cast<volatile uint64_t*>(p)), old, val, s);
  bad_size(m, "cmpxchg()", size, s);
  return 0;
}

void op_barrier(int which, const hazsim_site* cs) {
  Machine& m = enter();
  Site s = site_of(cs);
  switch (which) {
    case HAZSIM_MB: return K::smp_mb(s);
    case HAZSIM_WMB: return K::smp_wmb(s);
    case HAZSIM_RMB: return K::smp_rmb(s);
    case HAZSIM_RELAX: return K::cpu_relax(s);
    case HAZSIM_CTRL_DEP:  // smp_acquire__after_ctrl_dep(): smp_rmb() with no instruction of its own
      if (!m.mutated(MutationKind::kPlainAcquire, s)) m.fence_rmb();
      return;
  }
}

// The site of a call the loader mapped by its return address: the instrumentation's (a plain
// access) and a C++ test's new and delete (hz_site_at).
const hazsim_site* plain_site(const void* ra) {
  const auto* o = hazptr::tl_kernel_instance->object;
  return static_cast<const PlainSites*>(o->loader)->find(ra);
}

// A plain access is a step when it is to simulated memory (the heap, per-CPU areas, task_structs,
// on-stack contexts) or into the NULL page; the fiber's own stack and host data are not shared.
void op_plain(const volatile void* vp, unsigned size, int is_store, const void* ra) {
  Machine& m = enter();
  const void* p = const_cast<const void*>(vp);
  if (!m.in_simulated_memory(p) && uintptr_t(p) >= kNullPage) return;
  Site s = site_of(plain_site(ra));
  if (m.access(is_store ? AccessKind::kStore : AccessKind::kLoad, p, size, s)) m.native_access(p, size, is_store != 0);
}

int op_stopping() { return Machine::current().stopping(); }
void op_preempt_disable() { enter().preempt_disable(); }
void op_preempt_enable(const hazsim_site* cs) { enter().preempt_enable(site_of(cs)); }
int op_preempt_count() { return K::preempt_count(); }
unsigned long op_irq_save() {
  enter();
  unsigned long flags = 0;
  K::local_irq_save(flags);
  return flags;
}
void op_irq_restore(unsigned long flags, const hazsim_site* cs) {
  enter();
  K::local_irq_restore(flags, site_of(cs));
}
int op_irqs_disabled() { return Machine::current().irqs_disabled(); }
void op_spin_lock(void* l, const hazsim_site* cs) {
  enter();
  K::raw_spin_lock(static_cast<kapi::raw_spinlock_t*>(l), site_of(cs));
}
void op_spin_unlock(void* l, const hazsim_site* cs) {
  enter();
  K::raw_spin_unlock(static_cast<kapi::raw_spinlock_t*>(l), site_of(cs));
}
void op_mutex_lock(void* mx, const hazsim_site* cs) {
  enter();
  K::mutex_lock(static_cast<kapi::mutex*>(mx), site_of(cs));
}
void op_mutex_unlock(void* mx, const hazsim_site* cs) {
  enter();
  K::mutex_unlock(static_cast<kapi::mutex*>(mx), site_of(cs));
}
int op_smp_processor_id() { return K::smp_processor_id(); }
int op_nr_cpu_ids() { return K::nr_cpu_ids(); }

void* op_per_cpu_ptr(const void* p, int cpu) {
  const hazptr::KernelInstance* in = hazptr::tl_kernel_instance;
  const auto& vars = in->object->percpu;
  size_t off = size_t(static_cast<const char*>(p) - in->percpu_start);
  if (cpu >= 0 && cpu < K::nr_cpu_ids()) [[likely]]
    for (size_t i = 0; i < vars.size(); ++i)
      if (off - vars[i].offset < vars[i].size) return in->base[i] + in->stride[i] * size_t(cpu) + (off - vars[i].offset);
  Machine::current().fail(Oracle::kWildAccess,
                          fmt::format("per_cpu_ptr() of cpu {} for an address that is not in a DEFINE_PER_CPU() "
                                      "variable of the object",
                                      cpu));
  return const_cast<void*>(p);
}

void* op_current_task() {
  Task* t = Machine::current().current_task();
  return t ? t->data : nullptr;
}

void op_warn(const char* cond, int once, const hazsim_site* cs) {
  enter();
  K::warn_on(true, cond, once != 0, site_of(cs));
}

void op_bug(const char* cond, const hazsim_site* cs) {
  Machine& m = enter();
  Task* t = m.current_task();
  m.fail(Oracle::kWarn, fmt::format("kernel BUG at {}:{}: BUG_ON({}) in {} (pid {}) on cpu {}", cs->file, cs->line,
                                    cond, t ? t->name : "?", t ? t->pid : -1, m.smp_processor_id()),
         site_of(cs));
}

void op_lockdep_assert_preemption_enabled(const hazsim_site* cs) {
  enter();
  K::lockdep_assert_preemption_enabled(site_of(cs));
}
int op_list_add_valid(const void* n, const hazsim_site* cs) { return enter().list_add_valid(n, site_of(cs)); }
int op_list_del_valid(const void* n, const hazsim_site* cs) { return enter().list_del_valid(n, site_of(cs)); }
void* op_kmalloc(size_t size, int zero, const hazsim_site* cs) {
  return enter().kmalloc(size, "kmalloc() (kernel C)", Shadow::kHeap, zero != 0, site_of(cs));
}
void op_kfree(const void* p, const hazsim_site* cs) { enter().kfree(const_cast<void*>(p), site_of(cs)); }

void op_kthread_run(int (*fn)(void*), void* data, const char* name, int cpu, const hazsim_site* cs) {
  Machine& m = enter();
  hazptr::KernelInstance* in = hazptr::tl_kernel_instance;
  if (m.current_task() != nullptr) {
    m.fail(Oracle::kWarn, fmt::format("kthread_run({}) from a running task: hazsim creates a kernel-C workload's "
                                      "tasks at boot only (call it from module_init())",
                                      name),
           site_of(cs));
    return;
  }
  if (cpu >= K::nr_cpu_ids()) {
    m.fail(Oracle::kWarn, fmt::format("kthread_run_on_cpu({}, cpu {}): the machine has {} vCPUs", name, cpu,
                                      K::nr_cpu_ids()),
           site_of(cs));
    return;
  }
  in->kthreads.emplace_back(fn, data);
  m.create_task(
      name,
      [](void* a) {
        auto* k = static_cast<std::pair<int (*)(void*), void*>*>(a);
        k->first(k->second);
        K::native_done();
      },
      &in->kthreads.back(), cpu, cpu >= 0);
}

// msleep(ms) is schedule_timeout(msecs_to_jiffies(ms) + 1): at least one jiffy (HZ=1000), even
// for msleep(0), so a loop that sleeps lets the others run.
void op_msleep(unsigned ms, const hazsim_site* cs) { enter().sleep_ns((uint64_t(ms) + 1) * 1000000, site_of(cs)); }

// A busy wait, one cpu_relax() per step, as the torture's udelay().
void op_udelay(unsigned long us, const hazsim_site* cs) {
  Machine& m = enter();
  const uint64_t until = m.now_ns() + uint64_t(us) * 1000;
  while (m.now_ns() < until && !m.stopping()) K::cpu_relax(site_of(cs));
}

void op_schedule(const hazsim_site* cs) { enter().yield_cpu(site_of(cs)); }
void op_cond_resched(const hazsim_site* cs) { enter().cond_resched(site_of(cs)); }

int op_smp_call_function_single(int cpu, void (*fn)(void*), void* info, int wait, const hazsim_site* cs) {
  Machine& m = enter();
  if (cpu < 0 || cpu >= K::nr_cpu_ids()) return -6;  // -ENXIO, as the kernel's for an offline CPU
  hazptr::KernelInstance* in = hazptr::tl_kernel_instance;
  in->ipis.emplace_back(fn, info);
  m.smp_call_function_single(
      cpu,
      [](void* a) {
        auto* call = static_cast<std::pair<void (*)(void*), void*>*>(a);
        call->first(call->second);
        K::native_done();  // the handler's last plain store, before the interrupt returns
      },
      &in->ipis.back(), wait != 0, site_of(cs));
  return 0;
}

void op_expect_protected(const void* p, const hazsim_site* cs) { enter().expect_live(p, site_of(cs)); }

int op_context(int which) {
  switch (which) {
    case HAZSIM_IN_INTERRUPT: return K::in_interrupt();
    case HAZSIM_IN_HARDIRQ: return K::in_hardirq();
    case HAZSIM_IN_SOFTIRQ: return K::in_softirq();
    case HAZSIM_IN_SERVING_SOFTIRQ: return K::in_serving_softirq();
    default: return K::in_task();
  }
}
void op_local_bh_disable() {
  enter();
  K::local_bh_disable();
}
void op_local_bh_enable(const hazsim_site* cs) {
  enter();
  K::local_bh_enable(site_of(cs));
}
constexpr uint64_t kNsPerJiffy = 1'000'000;  // HZ=1000
unsigned long op_jiffies() { return static_cast<unsigned long>(Machine::current().now_ns() / kNsPerJiffy); }

// The machine's timer behind a C timer_list, by its address, for the run: its callback calls the
// C function the struct names when it runs (the kernel reads timer->function then too).
Machine::TimerList& machine_timer(timer_list* t) {
  std::shared_ptr<void>& slot = hazptr::tl_kernel_instance->timers[t];
  if (!slot) slot = std::make_shared<Machine::TimerList>();
  Machine::TimerList& mt = *static_cast<Machine::TimerList*>(slot.get());
  if (mt.fn == nullptr) {
    mt.data = t;
    mt.fn = [](Machine::TimerList* m) {
      auto* c = static_cast<timer_list*>(m->data);
      c->function(c);
      K::native_done();  // the callback's last plain store, before the softirq returns
    };
  }
  return mt;
}

int op_timer_arm(timer_list* t, int cpu, const hazsim_site* cs) {
  Machine& m = enter();
  if (t->function == nullptr) {
    m.fail(Oracle::kWarn, "kernel BUG: a timer_list armed without a function (timer_setup() not called?)",
           site_of(cs));
    return 0;
  }
  if (cpu >= K::nr_cpu_ids()) {
    m.fail(Oracle::kWarn, fmt::format("add_timer_on(cpu {}): the machine has {} vCPUs", cpu, K::nr_cpu_ids()),
           site_of(cs));
    return 0;
  }
  Machine::TimerList& mt = machine_timer(t);
  const unsigned long now = op_jiffies();
  // An expiry in the past (or now) expires at the next tick's softirq: here, the next step.
  const uint64_t delay = long(t->expires - now) > 0 ? uint64_t(t->expires - now) * kNsPerJiffy : 0;
  if (cpu >= 0) {
    m.add_timer_on(&mt, cpu, delay, site_of(cs));
    return 0;
  }
  return m.mod_timer(&mt, delay, site_of(cs));
}

int op_timer_del(timer_list* t, int sync, const hazsim_site* cs) {
  Machine& m = enter();
  auto& timers = hazptr::tl_kernel_instance->timers;
  auto it = timers.find(t);
  if (it == timers.end()) return 0;  // never armed
  auto* mt = static_cast<Machine::TimerList*>(it->second.get());
  const bool was = m.del_timer(mt);
  if (sync) {
    // The kernel's del_timer_sync() WARNs in hardirq context (it could wait for ever there).
    if (K::in_hardirq()) K::warn_on(true, "del_timer_sync() in hardirq context", false, site_of(cs));
    while (mt->running && !m.stopping()) K::cpu_relax(site_of(cs));
  }
  return was;
}

int op_timer_pending(const timer_list* t) {
  auto& timers = hazptr::tl_kernel_instance->timers;
  auto it = timers.find(t);
  return it != timers.end() && static_cast<const Machine::TimerList*>(it->second.get())->pending;
}

const hazsim_ops kOps = {
    op_load, op_store, op_xchg, op_cmpxchg, op_barrier, op_plain, op_stopping, op_preempt_disable,
    op_preempt_enable, op_preempt_count, op_irq_save, op_irq_restore, op_irqs_disabled,
    op_spin_lock, op_spin_unlock, op_mutex_lock, op_mutex_unlock, op_smp_processor_id, op_nr_cpu_ids,
    op_per_cpu_ptr, op_current_task, op_warn, op_bug, op_lockdep_assert_preemption_enabled, op_list_add_valid,
    op_list_del_valid, op_kmalloc, op_kfree, op_kthread_run, op_msleep, op_udelay, op_schedule, op_cond_resched,
    op_smp_call_function_single, op_expect_protected, op_context, op_local_bh_disable, op_local_bh_enable,
    op_jiffies, op_timer_arm, op_timer_del, op_timer_pending, plain_site,
};

}  // namespace

const hazsim_ops* machine_ops() { return &kOps; }

}  // namespace hazsim::kshim
