// SPDX-License-Identifier: GPL-2.0
/*
 * A workload in kernel C for hazsim's tests: readers in timer callbacks. A kthread on each of the
 * first CPUs keeps arming a timer_list on the next CPU; the callback, in TIMER_SOFTIRQ there,
 * acquires the published object, checks it is still there and releases it before it returns.
 * The updater replaces the object, waits with hazptr_synchronize() and only then frees the old
 * one: a design whose synchronize returns too early lets a callback touch a freed object
 * (hazsim's use-after-free oracle).
 */
#include <hazsim/workload.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hazptr.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timer.h>

struct tr_obj {
	int value;
};

struct tr_reader {
	struct timer_list timer;
	int fired;
};

static struct tr_obj *tr_published;
static atomic_t tr_senders_left;

static void tr_read(struct timer_list *t)
{
	struct tr_reader *r = from_timer(r, t, timer);
	struct hazptr_ctx ctx;
	struct tr_obj *obj;

	WARN_ON(!in_serving_softirq() || in_hardirq() || in_task());
	obj = hazptr_acquire(&ctx, (void *const *)&tr_published);
	if (obj) {
		udelay(1);	/* holds it a while: the updater may scan meanwhile */
		hazsim_expect_protected(obj);
		WARN_ON(READ_ONCE(obj->value) < 0);
		hazptr_release(&ctx, obj);
	}
	WRITE_ONCE(r->fired, 1);
}

static int tr_sender(void *data)
{
	int target = (int)(long)data, i;
	struct tr_reader r;

	timer_setup(&r.timer, tr_read, 0);
	for (i = 0; i < 20; i++) {
		WRITE_ONCE(r.fired, 0);
		r.timer.expires = jiffies;	/* due now: the next tick's softirq runs it */
		add_timer_on(&r.timer, target);
		while (!READ_ONCE(r.fired))
			udelay(1);
	}
	del_timer_sync(&r.timer);
	WARN_ON(timer_pending(&r.timer));
	atomic_dec(&tr_senders_left);
	return 0;
}

static int tr_updater(void *data)
{
	int i;

	(void)data;
	for (i = 1; i <= 20 || atomic_read(&tr_senders_left) > 0; i++) {
		struct tr_obj *new = kzalloc(sizeof(*new), GFP_KERNEL);
		struct tr_obj *old = READ_ONCE(tr_published);

		WRITE_ONCE(new->value, i);
		rcu_assign_pointer(tr_published, new);
		hazptr_synchronize(old);
		kfree(old);
		udelay(2);
	}
	return 0;
}

static int __init tr_init(void)
{
	int cpu;

	tr_published = kzalloc(sizeof(*tr_published), GFP_KERNEL);
	for (cpu = 0; cpu + 1 < (int)nr_cpu_ids; cpu++) {
		atomic_inc(&tr_senders_left);
		kthread_run_on_cpu(tr_sender, (void *)(long)(cpu + 1), cpu, "tr_sender");
	}
	kthread_run_on_cpu(tr_updater, NULL, 0, "tr_updater");
	return 0;
}
module_init(tr_init);
