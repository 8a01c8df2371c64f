// SPDX-License-Identifier: GPL-2.0
/*
 * A workload in kernel C for hazsim's tests: a deferred release. Readers acquire the published
 * object into a context in the heap and hand the pair to a releaser kthread, which checks it is
 * still there a little later and releases it from its own task (the textbook design allows it;
 * the posted v4 and v5 do not: they need hazptr_detach() for this). The updater frees the old
 * object only after hazptr_synchronize().
 */
#include <hazsim/workload.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hazptr.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

struct dr_obj {
	int value;
};

struct dr_handoff {
	struct hazptr_ctx ctx;
	struct dr_obj *obj;
};

static struct dr_obj *dr_published;
static struct dr_handoff *dr_pending;	/* one hand-off at a time */
static atomic_t dr_readers_left;

static int dr_reader(void *data)
{
	int i;

	(void)data;
	for (i = 0; i < 15; i++) {
		struct dr_handoff *h = kzalloc(sizeof(*h), GFP_KERNEL);

		h->obj = hazptr_acquire(&h->ctx, (void *const *)&dr_published);
		if (!h->obj) {
			kfree(h);
			continue;
		}
		hazsim_expect_protected(h->obj);
		while (cmpxchg(&dr_pending, NULL, h) != NULL)
			udelay(1);
	}
	atomic_dec(&dr_readers_left);
	return 0;
}

static int dr_releaser(void *data)
{
	(void)data;
	while (atomic_read(&dr_readers_left) > 0 || READ_ONCE(dr_pending)) {
		struct dr_handoff *h = xchg(&dr_pending, NULL);

		if (!h) {
			udelay(1);
			continue;
		}
		udelay(1);
		hazsim_expect_protected(h->obj);
		WARN_ON(READ_ONCE(h->obj->value) <= 0);
		hazptr_release(&h->ctx, h->obj);
		kfree(h);
	}
	return 0;
}

static int dr_updater(void *data)
{
	int i;

	(void)data;
	for (i = 1; i <= 20 || atomic_read(&dr_readers_left) > 0; i++) {
		struct dr_obj *new = kzalloc(sizeof(*new), GFP_KERNEL);
		struct dr_obj *old = READ_ONCE(dr_published);

		WRITE_ONCE(new->value, i);
		rcu_assign_pointer(dr_published, new);
		hazptr_synchronize(old);
		kfree(old);
		udelay(2);
	}
	return 0;
}

static int __init deferred_release_init(void)
{
	int r;

	dr_published = kzalloc(sizeof(*dr_published), GFP_KERNEL);
	WRITE_ONCE(dr_published->value, 1);
	for (r = 0; r < 3; r++) {
		atomic_inc(&dr_readers_left);
		kthread_run(dr_reader, NULL, "dr_reader");
	}
	kthread_run(dr_releaser, NULL, "dr_releaser");
	kthread_run(dr_updater, NULL, "dr_updater");
	return 0;
}
module_init(deferred_release_init);
