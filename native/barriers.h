// The kernel's barrier instructions on the host, where they differ from what a C++ fence would
// emit: x86-64's smp_mb() is a locked add to the stack (arch/x86/include/asm/barrier.h), not
// MFENCE, and its smp_rmb()/smp_wmb() are compiler barriers; arm64's are DMB ISH, ISHLD, ISHST
// (arch/arm64/include/asm/barrier.h). Acquire loads and release stores need no asm: gcc's
// __atomic_*_n with ACQUIRE/RELEASE emit the kernel's instructions (MOV on x86-64, LDAR/STLR
// on arm64). Other architectures fall back to C++ fences and say so in the host description.
#pragma once

namespace hazsim::native {

inline void compiler_barrier() { asm volatile("" ::: "memory"); }

inline void smp_mb_insn() {
#if defined(__x86_64__)
  asm volatile("lock addl $0,-4(%%rsp)" ::: "memory", "cc");
#elif defined(__aarch64__)
  asm volatile("dmb ish" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

inline void smp_rmb_insn() {
#if defined(__x86_64__)
  compiler_barrier();
#elif defined(__aarch64__)
  asm volatile("dmb ishld" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
#endif
}

inline void smp_wmb_insn() {
#if defined(__x86_64__)
  compiler_barrier();
#elif defined(__aarch64__)
  asm volatile("dmb ishst" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_RELEASE);
#endif
}

// cpu_relax(): PAUSE on x86-64 (`rep; nop`), YIELD on arm64.
inline void cpu_relax_insn() {
#if defined(__x86_64__)
  asm volatile("rep; nop" ::: "memory");
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#else
  compiler_barrier();
#endif
}

// local_irq_save()'s flag read on x86-64 (PUSHF; POP). The CLI after it, and the restore, cannot
// run in user mode and are left out; on arm64 even reading DAIF traps at EL0, so nothing is done.
inline unsigned long irq_flags_insn() {
  unsigned long flags = 0;
#if defined(__x86_64__)
  asm volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
#endif
  return flags;
}

inline const char* barrier_flavour() {
#if defined(__x86_64__)
  return "x86-64: smp_mb() = lock addl $0,-4(%rsp); rmb/wmb compiler barriers; PAUSE";
#elif defined(__aarch64__)
  return "arm64: smp_mb() = dmb ish; rmb = dmb ishld; wmb = dmb ishst; YIELD";
#else
  return "generic: C++ fences (not the kernel's instructions for this architecture)";
#endif
}

}  // namespace hazsim::native
