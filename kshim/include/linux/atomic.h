/* hazsim's <linux/atomic.h>: xchg() and cmpxchg() are the machine's value-returning atomics (fully
 * ordered); atomic_t's read-modify-writes are cmpxchg() loops over them. */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

#include <linux/compiler.h>

#define xchg(ptr, v) \
	((__typeof__(*(ptr)))(uintptr_t)hazsim_ops->hz_xchg((ptr), sizeof(*(ptr)), (uint64_t)(uintptr_t)(v), HAZSIM_SITE()))
#define cmpxchg(ptr, old, new) \
	((__typeof__(*(ptr)))(uintptr_t)hazsim_ops->hz_cmpxchg((ptr), sizeof(*(ptr)), (uint64_t)(uintptr_t)(old), \
							     (uint64_t)(uintptr_t)(new), HAZSIM_SITE()))

#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) READ_ONCE((v)->counter)
#define atomic_set(v, i) WRITE_ONCE((v)->counter, (i))
#define atomic_add_return(i, v) \
	({ \
		atomic_t *__v = (v); \
		int __old, __new; \
		do { \
			__old = atomic_read(__v); \
			__new = __old + (i); \
		} while (cmpxchg(&__v->counter, __old, __new) != __old); \
		__new; \
	})
#define atomic_sub_return(i, v) atomic_add_return(-(i), (v))
#define atomic_inc_return(v) atomic_add_return(1, (v))
#define atomic_dec_return(v) atomic_add_return(-1, (v))
#define atomic_inc(v) ((void)atomic_add_return(1, (v)))
#define atomic_dec(v) ((void)atomic_add_return(-1, (v)))
#define atomic_add(i, v) ((void)atomic_add_return((i), (v)))
#define atomic_dec_and_test(v) (atomic_add_return(-1, (v)) == 0)

#endif /* _LINUX_ATOMIC_H */
