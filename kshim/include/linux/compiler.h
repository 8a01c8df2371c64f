/* hazsim's <linux/compiler.h>: READ_ONCE() and WRITE_ONCE() are the machine's marked accesses;
 * a plain access is whatever the compiler emits, seen by the instrumentation. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

#include <hazsim/kshim.h>
#include <linux/types.h>
#include <linux/init.h>

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" : : : "memory")
#define __always_inline inline __attribute__((__always_inline__))
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define __must_check __attribute__((__warn_unused_result__))
#define __percpu
#define __rcu
#define __force
#define __user
#define __iomem
#define __read_mostly
#define __aligned(x) __attribute__((__aligned__(x)))
#define __packed __attribute__((__packed__))
#define __cleanup(func) __attribute__((__cleanup__(func)))

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define READ_ONCE(x) __hazsim_load(x, HAZSIM_ONCE)
#define WRITE_ONCE(x, val) __hazsim_store(x, val, HAZSIM_ONCE)

/* The kernel hides the comparison from the compiler so it cannot substitute one pointer for the
 * other (and lose an address dependency); the machine has no such compiler. */
#define ptr_eq(a, b) ((a) == (b))

#define OPTIMIZER_HIDE_VAR(var) __asm__("" : "=r"(var) : "0"(var))

#include <asm/barrier.h>

#endif /* _LINUX_COMPILER_H */
