/* hazsim's <asm/barrier.h>: the barriers and acquire/release with their LKMM meaning, on the
 * machine's memory model (--memory-model). */
#ifndef _ASM_BARRIER_H
#define _ASM_BARRIER_H

#include <hazsim/kshim.h>

#define mb() hazsim_ops->hz_barrier(HAZSIM_MB, HAZSIM_SITE())
#define rmb() hazsim_ops->hz_barrier(HAZSIM_RMB, HAZSIM_SITE())
#define wmb() hazsim_ops->hz_barrier(HAZSIM_WMB, HAZSIM_SITE())
#define smp_mb() hazsim_ops->hz_barrier(HAZSIM_MB, HAZSIM_SITE())
#define smp_rmb() hazsim_ops->hz_barrier(HAZSIM_RMB, HAZSIM_SITE())
#define smp_wmb() hazsim_ops->hz_barrier(HAZSIM_WMB, HAZSIM_SITE())
/* Value-returning atomics are already fully ordered on the machine; the non-returning ones the
 * shim provides are too. */
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()
#define smp_acquire__after_ctrl_dep() hazsim_ops->hz_barrier(HAZSIM_CTRL_DEP, HAZSIM_SITE())
#define cpu_relax() hazsim_ops->hz_barrier(HAZSIM_RELAX, HAZSIM_SITE())

#define smp_store_release(p, v) __hazsim_store(*(p), v, HAZSIM_RELEASE)
#define smp_load_acquire(p) __hazsim_load(*(p), HAZSIM_ACQUIRE)

/* One marked load per iteration until cond_expr (of VAL) holds, with cpu_relax() between; the
 * loop also ends when the run stops, so a stopped run unwinds. */
#define smp_cond_load_relaxed(ptr, cond_expr) \
	({ \
		__typeof__(ptr) __PTR = (ptr); \
		__typeof__(*(ptr)) VAL; \
		for (;;) { \
			VAL = READ_ONCE(*__PTR); \
			if ((cond_expr) || hazsim_ops->hz_stopping()) \
				break; \
			cpu_relax(); \
		} \
		VAL; \
	})

#define smp_cond_load_acquire(ptr, cond_expr) \
	({ \
		__typeof__(*(ptr)) __hazsim_val = smp_cond_load_relaxed(ptr, cond_expr); \
		smp_acquire__after_ctrl_dep(); \
		__hazsim_val; \
	})

#endif /* _ASM_BARRIER_H */
