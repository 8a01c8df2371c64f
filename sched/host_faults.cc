// Host faults: design code that dereferences a pointer the kernel API never sees (a plain C++
// dereference of a wild or NULL pointer), or that recurses without bound, must end its run with a
// report and a schedule file, not crash hazsim. Accesses through the kernel API never get here:
// access() checks them first, deterministically (null-deref, wild-access, use-after-free), and
// step_begin() reports a stack that is nearly used up (stack-overflow). What is left is caught
// here: every fiber starts under sigsetjmp in guarded_entry(), and the SIGSEGV/SIGBUS handler,
// on an alternate stack (an overflowed stack leaves none), records the failure and jumps back.
// The fiber's frames are abandoned; the run has stopped, and the other fibers unwind as usual.
//
// Under AddressSanitizer no handler is installed: that build's own report of the fault is the
// one its users want, and ASan's fiber bookkeeping does not survive a jump out of a handler.
#include <signal.h>
#include <sys/mman.h>
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
    });
    static thread_local AltStack alt;
    (void)alt;
  }
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
}  // namespace

void Machine::prepare_fiber(Task* t) {
  if constexpr (kCatchHostFaults) HostFaults::arm_this_thread();
  FiberStack s = stacks_.get();
  t->fiber.prepare(s, &Machine::guarded_entry, t);
  t->stack_floor = uintptr_t(s.base) + uintptr_t(sysconf(_SC_PAGESIZE)) + kStackMargin;
  if (shared_stacks_) {
    region_names_.push_back(fmt::format("the stack of {}", task_label(t)));
    add_static_region(reinterpret_cast<void*>(t->stack_floor), uintptr_t(s.top()) - t->stack_floor,
                      region_names_.back().c_str(), true);
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
  else if (a >= lo && a < lo + uintptr_t(sysconf(_SC_PAGESIZE)))
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

void Machine::stack_overflow(Task* t, const Site& site) {
  fail(Oracle::kStackOverflow,
       fmt::format("BUG: kernel stack overflow: {} on cpu {} has under {} KiB of its {} KiB stack left (unbounded "
                   "recursion?)",
                   task_label(t), running_cpu_->id, kStackMargin / 1024, t->fiber.stack().size / 1024),
       site);
}

}  // namespace hazsim
