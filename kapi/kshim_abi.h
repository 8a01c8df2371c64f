/* The C ABI between kernel C run in the machine and hazsim's runtime.
 *
 * Kernel C (a tree's kernel/hazptr.c and include/linux/hazptr.h, unmodified) is compiled by the
 * system gcc against hazsim's own kernel headers (kshim/include) into a shared object that the
 * machine loads (kshim/loader.cc). Its marked accesses, barriers, locks and preemption calls come
 * from the shim macros as calls through `struct hazsim_ops`; its plain accesses come from gcc's
 * -fsanitize=thread instrumentation (the __tsan_* entry points of kshim/include/hazsim/entry.c),
 * as KCSAN gets them in the kernel. kshim/runtime.cc implements the ops on the machine
 * (sched/sim_kernel.h), so a C access means what the same access of a C++ model means.
 *
 * This header is read by C (the shim) and C++ (the runtime, hazptr/kernel_source.h). */
#ifndef HAZSIM_KSHIM_ABI_H
#define HAZSIM_KSHIM_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a structure below changes: the loader refuses an object built for another. */
#define HAZSIM_KSHIM_ABI 5

/* A source site of a marked access. Laid out as libstdc++'s std::source_location data, so the
 * runtime hands it on as the access's Site: its line enters the schedule hash and the reports,
 * as a C++ model's lines do (kshim/runtime.cc checks the layout once). */
struct hazsim_site {
	const char *file;
	const char *func;
	unsigned int line;
	unsigned int column;
};

enum hazsim_order { HAZSIM_ONCE = 0, HAZSIM_ACQUIRE = 1, HAZSIM_RELEASE = 2 };
/* What hz_context() is asked: <linux/preempt.h>'s in_interrupt(), in_hardirq(), in_softirq(),
 * in_serving_softirq() and in_task(). */
enum hazsim_context { HAZSIM_IN_INTERRUPT = 0, HAZSIM_IN_HARDIRQ = 1, HAZSIM_IN_SOFTIRQ = 2,
		      HAZSIM_IN_SERVING_SOFTIRQ = 3, HAZSIM_IN_TASK = 4 };

/* <linux/timer.h>'s struct timer_list, as the shim has it: the C code sets function (timer_setup())
 * and expires (in jiffies, HZ=1000 of virtual time); the machine keeps its own state of the timer,
 * found by the struct's address, for the run. */
struct timer_list {
	void (*function)(struct timer_list *);
	unsigned long expires;
	unsigned int flags;
};
enum hazsim_barrier { HAZSIM_MB = 0, HAZSIM_WMB = 1, HAZSIM_RMB = 2, HAZSIM_RELAX = 3, HAZSIM_CTRL_DEP = 4 };

struct hazsim_ops {
	/* READ_ONCE()/smp_load_acquire() and WRITE_ONCE()/smp_store_release() of 1, 2, 4 or 8 bytes */
	uint64_t (*hz_load)(const volatile void *p, unsigned int size, int order, const struct hazsim_site *s);
	void (*hz_store)(volatile void *p, unsigned int size, uint64_t v, int order, const struct hazsim_site *s);
	/* value-returning atomics: fully ordered */
	uint64_t (*hz_xchg)(volatile void *p, unsigned int size, uint64_t v, const struct hazsim_site *s);
	uint64_t (*hz_cmpxchg)(volatile void *p, unsigned int size, uint64_t old, uint64_t val,
			    const struct hazsim_site *s);
	void (*hz_barrier)(int which, const struct hazsim_site *s);
	/* a plain access the instrumentation saw: ra is the return address, in the object */
	void (*hz_plain)(const volatile void *p, unsigned int size, int is_store, const void *ra);
	/* the run is stopping: spin loops of the shim end */
	int (*hz_stopping)(void);
	void (*hz_preempt_disable)(void);
	void (*hz_preempt_enable)(const struct hazsim_site *s);
	int (*hz_preempt_count)(void);
	unsigned long (*hz_irq_save)(void);
	void (*hz_irq_restore)(unsigned long flags, const struct hazsim_site *s);
	int (*hz_irqs_disabled)(void);
	void (*hz_spin_lock)(void *lock, const struct hazsim_site *s);
	void (*hz_spin_unlock)(void *lock, const struct hazsim_site *s);
	void (*hz_mutex_lock)(void *mutex, const struct hazsim_site *s);
	void (*hz_mutex_unlock)(void *mutex, const struct hazsim_site *s);
	int (*hz_smp_processor_id)(void);
	int (*hz_nr_cpu_ids)(void);
	/* the copy for `cpu` of a per-CPU variable at `p` in the object's per-CPU section */
	void *(*hz_per_cpu_ptr)(const void *p, int cpu);
	/* current's task_struct (the glue's fields), in simulated memory */
	void *(*hz_current_task)(void);
	/* WARN_ON() (once 0) and WARN_ON_ONCE() (once 1, reported at its first firing per site) */
	void (*hz_warn)(const char *cond, int once, const struct hazsim_site *s);
	void (*hz_bug)(const char *cond, const struct hazsim_site *s);
	void (*hz_lockdep_assert_preemption_enabled)(const struct hazsim_site *s);
	/* CONFIG_DEBUG_LIST's checks, on the ghost state: 0 means do not touch the list */
	int (*hz_list_add_valid)(const void *node, const struct hazsim_site *s);
	int (*hz_list_del_valid)(const void *node, const struct hazsim_site *s);
	void *(*hz_kmalloc)(size_t size, int zero, const struct hazsim_site *s);
	void (*hz_kfree)(const void *p, const struct hazsim_site *s);
	/* workloads in kernel C (<linux/kthread.h>, <linux/delay.h>, <hazsim/workload.h>) */
	void (*hz_kthread_run)(int (*fn)(void *), void *data, const char *name, int cpu, const struct hazsim_site *s);
	void (*hz_msleep)(unsigned int ms, const struct hazsim_site *s);
	void (*hz_udelay)(unsigned long us, const struct hazsim_site *s);
	void (*hz_schedule)(const struct hazsim_site *s);
	void (*hz_cond_resched)(const struct hazsim_site *s);
	int (*hz_smp_call_function_single)(int cpu, void (*fn)(void *), void *info, int wait, const struct hazsim_site *s);
	void (*hz_expect_protected)(const void *p, const struct hazsim_site *s);
	/* softirqs and timers (<linux/preempt.h>, <linux/bottom_half.h>, <linux/timer.h>) */
	int (*hz_context)(int which);
	void (*hz_local_bh_disable)(void);
	void (*hz_local_bh_enable)(const struct hazsim_site *s);
	unsigned long (*hz_jiffies)(void);
	/* arms t to expire at t->expires: on `cpu` (add_timer_on(), BUG if pending), or with cpu -1
	 * where it was last armed, else here (mod_timer(), add_timer()); returns whether it was pending */
	int (*hz_timer_arm)(struct timer_list *t, int cpu, const struct hazsim_site *s);
	/* del_timer() (sync 0) and del_timer_sync() (sync 1: also waits for a running callback) */
	int (*hz_timer_del)(struct timer_list *t, int sync, const struct hazsim_site *s);
	int (*hz_timer_pending)(const struct timer_list *t);
	/* the site of the call that returns to ra (a C++ test's new and delete, <hazsim/test.h>), as
	 * the loader mapped it; a site of no line when the loader did not */
	const struct hazsim_site *(*hz_site_at)(const void *ra);
};

/* Called by hazsim_glue::for_each_slot for every slot: (arg, cpu or -1, what, value). */
typedef void (*hazsim_slot_fn)(void *arg, int cpu, const char *what, void *value);

/* What the glue of a design version (kshim/glue/<version>.c) exports: the design's entry points
 * and what the tree around hazptr.c would say (task_struct fields, boot and fork init, the hook). */
struct hazsim_glue {
	unsigned int abi;
	const char *version;
	size_t ctx_size, ctx_align;
	size_t task_size; /* sizeof(struct task_struct): the fields the patch adds */
	void (*init)(void); /* hazptr_init() at boot */
	void (*init_task)(void *task); /* at fork (and for the idle tasks) */
	void *(*acquire)(void *ctx, void *const *addr_p);
	void (*release)(void *ctx, void *addr);
	void (*synchronize)(void *addr);
	void (*note_context_switch)(void); /* in __schedule(); NULL: the tree has no hook */
	void (*for_each_slot)(hazsim_slot_fn fn, void *arg);
	char *percpu_start, *percpu_end; /* the object's per-CPU section (DEFINE_PER_CPU) */
	void (*workload_init)(void); /* a kernel-C workload's hazsim_workload_init(); NULL: none */
	void (*detach)(void *ctx); /* hazptr_detach(); NULL: the tree has none */
};

/* The object's one export: binds the ops (once) and returns the glue. */
const struct hazsim_glue *hazsim_glue_bind(const struct hazsim_ops *ops);

#ifdef __cplusplus
}
#endif

#endif /* HAZSIM_KSHIM_ABI_H */
