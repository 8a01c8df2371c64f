/* hazsim's <linux/sched.h>: current is the machine's running task (in an interrupt, the task it
 * interrupted). task_struct holds only what the design's patch adds to it, from its glue
 * (HAZSIM_TASK_FIELDS, kshim/glue/<version>.h); the machine gives every task that much simulated
 * memory, zeroed, and runs the glue's fork-time init on it. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/smp.h>

struct task_struct {
#ifdef HAZSIM_TASK_FIELDS
	HAZSIM_TASK_FIELDS
#else
	char __hazsim_no_fields;
#endif
};

#define current ((struct task_struct *)hazsim_ops->hz_current_task())

/* schedule() while runnable (a workload's yield); cond_resched() is a preemption point under
 * preempt=voluntary and none. */
#define schedule() hazsim_ops->hz_schedule(HAZSIM_SITE())
#define cond_resched() hazsim_ops->hz_cond_resched(HAZSIM_SITE())

#endif /* _LINUX_SCHED_H */
