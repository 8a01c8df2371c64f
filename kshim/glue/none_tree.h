/* The include/linux/hazptr.h of --design none: a small test that is its own code (hazsim run
 * FILE.c). It declares no hazptr_*() function, so a test that calls one is told at compile time
 * that it needs a design (--design kernel:DIR).
 *
 * hazsim-glue: none
 */
#ifndef _LINUX_HAZPTR_H
#define _LINUX_HAZPTR_H

struct hazptr_ctx {
	void *unused;
};

#endif /* _LINUX_HAZPTR_H */
