/* hazsim's C++ front end for small tests (hazsim run FILE.cc): the mechanism of a test in kernel C
 * (compiled by the system compiler against hazsim's kernel headers, loaded as the workload of
 * design none, plain accesses seen by the instrumentation), with what C++ adds:
 *
 *   void hazsim_test() { ... }        the test's boot, in place of module_init(): it creates the
 *                                     threads and the objects they share
 *   hazsim::thread(cpu, "name", f)    a kernel thread on `cpu` (-1: wherever the scheduler puts it)
 *                                     running f(): a function or a lambda, whose captures are
 *                                     copied (capture by value; they are the thread's own memory)
 *   hazsim::irq(cpu, f)               f() in interrupt context on `cpu` (smp_call_function_single()
 *                                     with wait), from a thread
 *   new T{...} / delete p             the machine's heap (kmalloc()/kfree()), so a use after free
 *                                     is reported with the line of the delete
 *
 * The kernel API is the kernel's own (READ_ONCE(), smp_mb(), WARN_ON(), spinlocks...: the same
 * headers as a test in C, all included here). Shared variables are the file's globals, reset before
 * every run; they must be constant-initialised (a constructor would run once, at load). Nothing of
 * the C++ library is there (no std::): -ffreestanding, as in the kernel.
 *
 * Only C++ includes this header; a test in C includes the kernel headers (docs/kernel-c.md). */
#ifndef HAZSIM_TEST_H
#define HAZSIM_TEST_H

#ifndef __cplusplus
#error "<hazsim/test.h> is the C++ front end: a test in C includes the kernel headers it uses"
#endif

#include <asm/barrier.h>
#include <hazsim/workload.h>
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

/* The test's boot: defined by the test. */
void hazsim_test();

/* The threads' callables, copied at creation. Not the test's memory: the names start with
 * __hazsim, so the loader does not make them shared variables, and the instrumentation's accesses
 * to them are no steps. Bump-allocated, emptied at every boot (threads are created at boot only). */
extern "C" {
__attribute__((visibility("hidden"), aligned(16))) char __hazsim_closures[16384];
__attribute__((visibility("hidden"))) unsigned long __hazsim_closures_used;

HAZSIM_EXTERN_C void hazsim_workload_init(void);
void hazsim_workload_init(void)
{
	__hazsim_closures_used = 0;
	hazsim_test();
}
}

/* new and delete are kmalloc() and kfree(). The loader maps each call of these functions to the
 * test's line (as it maps the instrumentation's calls), so the report names the line of the new or
 * delete. Not inlined: the return address is the caller's. Memory from new is not zeroed, as
 * kmalloc()'s is not (poison_uninit fills it). */
void *operator new(decltype(sizeof 0) size) __attribute__((__noinline__, visibility("hidden")));
void *operator new[](decltype(sizeof 0) size) __attribute__((__noinline__, visibility("hidden")));
void operator delete(void *p) noexcept __attribute__((__noinline__, visibility("hidden")));
void operator delete[](void *p) noexcept __attribute__((__noinline__, visibility("hidden")));
void operator delete(void *p, decltype(sizeof 0) size) noexcept __attribute__((__noinline__, visibility("hidden")));
void operator delete[](void *p, decltype(sizeof 0) size) noexcept __attribute__((__noinline__, visibility("hidden")));

void *operator new(decltype(sizeof 0) size)
{
	return hazsim_ops->hz_kmalloc(size, 0, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
void *operator new[](decltype(sizeof 0) size)
{
	return hazsim_ops->hz_kmalloc(size, 0, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
void operator delete(void *p) noexcept
{
	if (p)
		hazsim_ops->hz_kfree(p, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
void operator delete[](void *p) noexcept
{
	if (p)
		hazsim_ops->hz_kfree(p, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
void operator delete(void *p, decltype(sizeof 0)) noexcept
{
	if (p)
		hazsim_ops->hz_kfree(p, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
void operator delete[](void *p, decltype(sizeof 0)) noexcept
{
	if (p)
		hazsim_ops->hz_kfree(p, hazsim_ops->hz_site_at(__builtin_return_address(0)));
}
/* Placement new, for the closures (no <new> here). */
inline void *operator new(decltype(sizeof 0), void *where) noexcept
{
	return where;
}

namespace hazsim {
namespace detail {

/* A copy of f in the closure space; reported (the run does not start) when it is full. */
template <class F>
F *keep(const F &f)
{
	static_assert(__is_trivially_copyable(F),
		      "a thread's function captures only plain values (ints, pointers): they are copied, never destroyed");
	unsigned long at = (__hazsim_closures_used + alignof(F) - 1) / alignof(F) * alignof(F);
	if (at + sizeof(F) > sizeof(__hazsim_closures)) {
		hazsim_ops->hz_bug("the threads' captures fit in 16 KiB (<hazsim/test.h>)", HAZSIM_SITE());
		return nullptr;
	}
	__hazsim_closures_used = at + sizeof(F);
	return new (__hazsim_closures + at) F(f);
}

template <class F>
int run_thread(void *f)
{
	(*static_cast<F *>(f))();
	return 0;
}

template <class F>
void run_irq(void *f)
{
	(*static_cast<F *>(f))();
}

} // namespace detail

/* A kernel thread of the test, started at boot (call it from hazsim_test()); the run ends when
 * every thread has returned. */
template <class F>
void thread(int cpu, const char *name, F f)
{
	hazsim_ops->hz_kthread_run(detail::run_thread<F>, detail::keep(f), name, cpu, HAZSIM_SITE());
}

/* f() in hard-interrupt context on `cpu`, from a thread: an IPI, and the caller spins until it ran
 * (smp_call_function_single(cpu, ..., 1)). f lives in this frame until then, as the kernel's `info`
 * on the caller's stack does: the handler's reads of its captures are reads of that stack. */
template <class F>
void irq(int cpu, F f)
{
	hazsim_ops->hz_smp_call_function_single(cpu, detail::run_irq<F>, &f, 1, HAZSIM_SITE());
}

} // namespace hazsim

#endif /* HAZSIM_TEST_H */
