// Host faults: design code that dereferences a pointer the kernel API never sees (a plain C++
// dereference of a wild or NULL pointer), or that recurses without bound, must end its run with a
// report and a schedule file, not crash hazsim. Accesses through the kernel API never get here:
// access() checks them first, deterministically (null-deref, wild-access, use-after-free), and
// step_begin() reports a stack that is nearly used up (stack-overflow). What is left is caught
// here: every fiber starts under sigsetjmp in guarded_entry(), and the SIGSEGV/SIGBUS handler,
// on an alternate stack (an overflowed stack leaves none), records the failure and jumps back.
// The fiber's frames are abandoned; the run has stopped, and the other fibers unwind as usual.
//
// A loop that makes no shared access never reaches a step, so no oracle of the machine can see
// it: a timer on the thread's CPU time (SIGVTALRM, every 100 ms) notices a task fiber whose step
// count has not moved for host_hang_ms and ends its run the same way, with a lockup report at the
// task's last step (the step count, and so the schedule up to the report, is deterministic; only
// when it fires is host time).
//
// Under AddressSanitizer no handler is installed: that build's own report of the fault is the
// one its users want, and ASan's fiber bookkeeping does not survive a jump out of a handler.
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <csetjmp>
#include <cstdlib>
#include <fmt/format.h>
#include <mutex>

#include "sched/machine.h"

namespace hazsim {

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCatchHostFaults = false;
constexpr uintptr_t kStackMargin = 64 * 1024;  // ASan's frames are large
#else
constexpr bool kCatchHostFaults = true;
constexpr uintptr_t kStackMargin = 16 * 1024;  // room for the report and the unwinding after it
#endif
void on_host_fault(int sig, siginfo_t* info, void*);
void on_hang_tick(int, siginfo_t*, void*);

uint64_t thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

// The thread's hang timer: SIGVTALRM to this thread every 100 ms of its CPU time.
struct HangTimer {
  timer_t id{};
  bool ok = false;
  HangTimer() {
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGVTALRM;
    ev._sigev_un._tid = pid_t(syscall(SYS_gettid));
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &id) != 0) return;
    itimerspec its{};
    its.it_interval.tv_nsec = its.it_value.tv_nsec = 100 * 1000 * 1000;
    ok = timer_settime(id, 0, &its, nullptr) == 0;
  }
  ~HangTimer() {
    if (ok) timer_delete(id);
  }
};

// What the hang check last saw on this thread: the step count, and the CPU time it was seen at.
thread_local uint64_t tl_seen_step = ~0ull, tl_seen_at_ms = 0;

// The alternate signal stack of one host thread, for as long as the thread lives.
struct AltStack {
  static constexpr size_t kSize = 64 * 1024;
  void* mem = nullptr;
  AltStack() {
    mem = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
      mem = nullptr;
      return;
    }
    stack_t ss{};
    ss.ss_sp = mem;
    ss.ss_size = kSize;
    sigaltstack(&ss, nullptr);
  }
  ~AltStack() {
    if (!mem) return;
    stack_t ss{};
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
    munmap(mem, kSize);
  }
};

}  // namespace

struct HostFaults {
  static bool in_task_fiber(const Machine& m) {
    return m.running_cpu_ != nullptr && Fiber::running() == &m.running_cpu_->curr->fiber;
  }
  [[noreturn]] static void fault(Machine& m, int sig, int code, const void* addr) { m.host_fault(sig, code, addr); }
  static void arm_this_thread() {
    static std::once_flag once;
    std::call_once(once, [] {
      struct sigaction sa {};
      sa.sa_sigaction = on_host_fault;
      // SA_NODEFER: the handler leaves by siglongjmp without restoring the signal mask, so the
      // signal must not be blocked while it runs.
      sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
      sigemptyset(&sa.sa_mask);
      sigaction(SIGSEGV, &sa, nullptr);
      sigaction(SIGBUS, &sa, nullptr);
      struct sigaction tick {};
      tick.sa_sigaction = on_hang_tick;
      tick.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
      sigemptyset(&tick.sa_mask);
      sigaction(SIGVTALRM, &tick, nullptr);
    });
    static thread_local AltStack alt;
    static thread_local HangTimer timer;
    (void)alt;
    (void)timer;
  }
  // The step count of the machine, for the hang check (a plain read: the handler runs on the
  // same thread, between two instructions of the fiber it interrupted).
  static uint64_t steps(const Machine& m) { return m.step_; }
  static uint32_t hang_ms(const Machine& m) { return m.cfg_.host_hang_ms; }
  [[noreturn]] static void hang(Machine& m, uint64_t ms) { m.host_hang(ms); }
};

namespace {
void on_host_fault(int sig, siginfo_t* info, void*) {
  Machine* m = Machine::current_or_null();
  if (m == nullptr || !HostFaults::in_task_fiber(*m)) {
    // Not design code on a fiber: a defect of hazsim itself. Restore the default action; the
    // faulting instruction runs again on return and ends the process as it would have.
    signal(sig, SIG_DFL);
    return;
  }
  HostFaults::fault(*m, sig, info->si_code, info->si_addr);
}

void on_hang_tick(int, siginfo_t*, void*) {
  Machine* m = Machine::current_or_null();
  const uint64_t now = thread_cpu_ms();
  if (m == nullptr || !HostFaults::in_task_fiber(*m) || HostFaults::steps(*m) != tl_seen_step) {
    tl_seen_step = m ? HostFaults::steps(*m) : ~0ull;
    tl_seen_at_ms = now;
    return;
  }
  if (now - tl_seen_at_ms >= HostFaults::hang_ms(*m)) {
    tl_seen_step = ~0ull;
    HostFaults::hang(*m, now - tl_seen_at_ms);
  }
}
}  // namespace

void Machine::prepare_fiber(Task* t) {
  if constexpr (kCatchHostFaults) HostFaults::arm_this_thread();
  FiberStack s = stacks_.get();
  t->fiber.prepare(s, &Machine::guarded_entry, t);
  t->stack_floor = uintptr_t(s.base) + uintptr_t(host_page_size()) + kStackMargin;
  if (shared_stacks_) {
    mem_.regions().add_stack(reinterpret_cast<void*>(t->stack_floor), uintptr_t(s.top()) - t->stack_floor, &t->name,
                             t->pid);
  }
}

void Machine::guarded_entry(void* arg) {
  Task* t = static_cast<Task*>(arg);
  if (sigsetjmp(t->fault_jmp, 0) == 0) {
    if (t->is_idle) idle_entry(t);
    task_entry(t);  // both end in exit_to(): they never return here
  }
  // host_fault() jumped here: the failure is recorded and the run is stopping.
  t->finished = true;
  t->fiber.exit_to(Fiber::thread_main());
}

void Machine::host_fault(int sig, int code, const void* addr) {
  Task* t = running_cpu_->curr;
  const uintptr_t a = uintptr_t(addr), lo = uintptr_t(t->fiber.stack().base);
  const char* what = sig == SIGBUS ? "SIGBUS" : "SIGSEGV";
  std::string who = fmt::format("{} on cpu {}", task_label(t), running_cpu_->id);
  if (code == SI_KERNEL)  // a general-protection fault: a non-canonical address (e.g. 0xdead...)
    report(Oracle::kWildAccess,
           fmt::format("wild access: {} dereferenced a non-canonical address (general protection fault), in a "
                       "dereference the kernel API did not see (host {})",
                       who, what),
           t->last_site);
  else if (a >= lo && a < lo + uintptr_t(host_page_size()))
    report(Oracle::kStackOverflow,
           fmt::format("BUG: stack guard page was hit at {}: {} overflowed its {} KiB stack (host {})", addr, who,
                       t->fiber.stack().size / 1024, what),
           t->last_site);
  else if (a < kNullPage)
    report(Oracle::kNullDeref,
           fmt::format("BUG: kernel NULL pointer dereference, address: {:#018x}, by {}, in a dereference the kernel "
                       "API did not see (host {})",
                       a, who, what),
           t->last_site);
  else
    report(Oracle::kWildAccess,
           fmt::format("wild access: {} faulted at {} outside simulated memory, in a dereference the kernel API did "
                       "not see (host {})",
                       who, addr, what),
           t->last_site);
  siglongjmp(t->fault_jmp, 1);
}

void Machine::host_hang(uint64_t cpu_ms) {
  Task* t = running_cpu_->curr;
  report(Oracle::kLockup,
         fmt::format("soft lockup: {} on cpu {} ran {} ms of host CPU time without a step after its last one: a loop "
                     "that makes no shared access (nothing else runs on the machine until it makes one, so it "
                     "cannot end unless it is only slow: host_hang_ms)",
                     task_label(t), running_cpu_->id, cpu_ms),
         t->last_site);
  siglongjmp(t->fault_jmp, 1);
}

void Machine::stack_overflow(Task* t, const Site& site) {
  fail(Oracle::kStackOverflow,
       fmt::format("BUG: kernel stack overflow: {} on cpu {} has under {} KiB of its {} KiB stack left (unbounded "
                   "recursion?)",
                   task_label(t), running_cpu_->id, kStackMargin / 1024, t->fiber.stack().size / 1024),
       site);
}

}  // namespace hazsim
