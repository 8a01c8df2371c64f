/* The kernel/hazptr.c of --design none (kshim/glue/none_tree.h): the functions the glue wraps,
 * which the machine never calls for a test (it runs the test's module_init() and kthreads only). */
#include <linux/hazptr.h>

static void hazptr_init(void)
{
}

static void *hazptr_acquire(struct hazptr_ctx *ctx, void *const *addr_p)
{
	(void)ctx;
	(void)addr_p;
	return 0;
}

static void hazptr_release(struct hazptr_ctx *ctx, void *addr)
{
	(void)ctx;
	(void)addr;
}

static void hazptr_synchronize(void *addr)
{
	(void)addr;
}
