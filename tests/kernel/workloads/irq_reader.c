// SPDX-License-Identifier: GPL-2.0
/*
 * A workload in kernel C for hazsim's tests: readers in interrupt context. A kthread on each of
 * the first CPUs keeps sending an IPI to the next CPU; the handler acquires the published object,
 * checks it is still there, and releases it before it returns (as the v5 header asks of
 * interrupt handlers). The updater replaces the object, waits with hazptr_synchronize() and only
 * then frees the old one: a design whose synchronize returns too early lets a handler touch a
 * freed object (hazsim's use-after-free oracle).
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

struct irq_obj {
	int value;
};

static struct irq_obj *irq_published;
static atomic_t irq_senders_left;

static void irq_read(void *info)
{
	struct hazptr_ctx ctx;
	struct irq_obj *obj;

	(void)info;
	obj = hazptr_acquire(&ctx, (void *const *)&irq_published);
	if (!obj)
		return;
	udelay(1);	/* holds it a while: the updater may scan meanwhile */
	hazsim_expect_protected(obj);
	WARN_ON(READ_ONCE(obj->value) < 0);
	hazptr_release(&ctx, obj);
}

static int irq_sender(void *data)
{
	int target = (int)(long)data, i;

	for (i = 0; i < 30; i++) {
		smp_call_function_single(target, irq_read, NULL, 1);
		udelay(1);
	}
	atomic_dec(&irq_senders_left);
	return 0;
}

static int irq_updater(void *data)
{
	int i;

	(void)data;
	for (i = 1; i <= 20 || atomic_read(&irq_senders_left) > 0; i++) {
		struct irq_obj *new = kzalloc(sizeof(*new), GFP_KERNEL);
		struct irq_obj *old = READ_ONCE(irq_published);

		WRITE_ONCE(new->value, i);
		rcu_assign_pointer(irq_published, new);
		hazptr_synchronize(old);
		kfree(old);
		msleep(1);
	}
	return 0;
}

static int __init irq_reader_init(void)
{
	int cpu;

	irq_published = kzalloc(sizeof(*irq_published), GFP_KERNEL);
	for (cpu = 0; cpu + 1 < (int)nr_cpu_ids; cpu++) {
		atomic_inc(&irq_senders_left);
		kthread_run_on_cpu(irq_sender, (void *)(long)(cpu + 1), cpu, "irq_sender");
	}
	kthread_run_on_cpu(irq_updater, NULL, 0, "irq_updater");
	return 0;
}
module_init(irq_reader_init);
