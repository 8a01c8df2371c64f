/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A textbook hazard-pointer design (M. M. Michael, IEEE TPDS 15(6), 2004) written in kernel C
 * for hazsim's tests of its kernel-source mode: each CPU has a pool of slots; a reader claims a
 * free slot of the CPU it runs on with cmpxchg() and keeps it wherever it migrates, so a hold
 * survives preemption and sleeping with no context-switch hook.
 *
 * hazsim-glue: textbook
 */
#ifndef _LINUX_HAZPTR_H
#define _LINUX_HAZPTR_H

#include <linux/percpu.h>
#include <linux/types.h>

#define NR_HAZPTR_POOL_SLOTS 64
/* A claimed slot that protects nothing yet: never an address hazptr_synchronize() waits for. */
#define HAZPTR_CLAIMED ((void *)0x1UL)

struct hazptr_pool {
	void *slots[NR_HAZPTR_POOL_SLOTS];
} ____cacheline_aligned;

DECLARE_PER_CPU(struct hazptr_pool, hazptr_pool);

struct hazptr_ctx {
	void **slot;
};

/* Load *addr_p and protect it; NULL if it is NULL. */
void *hazptr_acquire(struct hazptr_ctx *ctx, void *const *addr_p);
/* Drop the protection hazptr_acquire() gave addr. */
void hazptr_release(struct hazptr_ctx *ctx, void *addr);
/* Wait until no slot holds addr (which the caller has already unpublished). */
void hazptr_synchronize(void *addr);
void hazptr_init(void);

#endif /* _LINUX_HAZPTR_H */
