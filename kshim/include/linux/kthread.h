/* hazsim's <linux/kthread.h>: a workload's tasks, created at boot (from its module_init() or
 * hazsim_workload_init()). The run ends when every task has returned. */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/sched.h>

/* The name is used as it is (no format arguments). Returns a non-NULL cookie, never a task the
 * workload may use. */
#define kthread_run(fn, data, name) \
	({ \
		hazsim_ops->hz_kthread_run((fn), (data), (name), -1, HAZSIM_SITE()); \
		(struct task_struct *)1; \
	})
/* A task that stays on `cpu` (kthread_create_on_cpu() and wake_up_process() in one). */
#define kthread_run_on_cpu(fn, data, cpu, name) \
	({ \
		hazsim_ops->hz_kthread_run((fn), (data), (name), (cpu), HAZSIM_SITE()); \
		(struct task_struct *)1; \
	})

#endif /* _LINUX_KTHREAD_H */
