// SPDX-License-Identifier: GPL-2.0
/*
 * The textbook design of include/linux/hazptr.h. The one ordering it needs is Michael's: the
 * reader's store of the address to its slot (Store B) before its reload of the pointer (Load A),
 * against the updater's unpublishing store (Store A) before its scan of the slots (Load B).
 */
#include <linux/atomic.h>
#include <linux/hazptr.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>

DEFINE_PER_CPU(struct hazptr_pool, hazptr_pool);

static void **hazptr_claim_slot(void)
{
	struct hazptr_pool *pool;
	unsigned int i;

	guard(preempt)();
	pool = this_cpu_ptr(&hazptr_pool);
	for (i = 0; i < NR_HAZPTR_POOL_SLOTS; i++)
		if (!cmpxchg(&pool->slots[i], NULL, HAZPTR_CLAIMED))
			return &pool->slots[i];
	return NULL;
}

void *hazptr_acquire(struct hazptr_ctx *ctx, void *const *addr_p)
{
	void **slot = hazptr_claim_slot();
	void *addr, *again;

	if (WARN_ON_ONCE(!slot))
		return NULL;
	addr = READ_ONCE(*addr_p);
	for (;;) {
		WRITE_ONCE(*slot, addr ? addr : HAZPTR_CLAIMED);	/* Store B */
		/* Memory ordering: Store B before Load A. */
		smp_mb();
		again = READ_ONCE(*addr_p);	/* Load A */
		if (again == addr)
			break;
		addr = again;
	}
	if (!addr) {
		smp_store_release(slot, NULL);
		return NULL;
	}
	ctx->slot = slot;
	return addr;
}

void hazptr_release(struct hazptr_ctx *ctx, void *addr)
{
	if (!addr)
		return;
	/* The reader's accesses to *addr before the slot is seen free. */
	smp_store_release(ctx->slot, NULL);
}

void hazptr_synchronize(void *addr)
{
	unsigned int i;
	int cpu;

	lockdep_assert_preemption_enabled();
	if (!addr)
		return;
	/* Memory ordering: Store A before Load B. */
	smp_mb();
	for_each_possible_cpu(cpu) {
		struct hazptr_pool *pool = per_cpu_ptr(&hazptr_pool, cpu);

		for (i = 0; i < NR_HAZPTR_POOL_SLOTS; i++)
			smp_cond_load_acquire(&pool->slots[i], VAL != addr);	/* Load B */
	}
}

void __init hazptr_init(void)
{
}
