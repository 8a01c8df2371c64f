/* The glue every design version shares, compiled in one translation unit after the tree's
 * kernel/hazptr.c (so that it reaches the file's static per-CPU variables) with the version's
 * header (kshim/glue/<version>.h) included first. It wraps the API's inline functions and gives
 * the machine what the rest of the tree would: hazptr_init() at boot, the task_struct fields and
 * their init at fork, the __schedule() hook, and the list of slots for the end-of-run checks. */
#include <hazsim/kshim.h>

/* A workload in kernel C, linked into the same object (module_init() or its own definition). */
extern void hazsim_workload_init(void) __attribute__((weak));

/* Defined by the linker when some DEFINE_PER_CPU() exists. */
extern char __start_hazsim_percpu[] __attribute__((weak));
extern char __stop_hazsim_percpu[] __attribute__((weak));

static void *hazsim_glue_acquire(void *ctx, void *const *addr_p)
{
	return hazptr_acquire((struct hazptr_ctx *)ctx, addr_p);
}

static void hazsim_glue_release(void *ctx, void *addr)
{
	hazptr_release((struct hazptr_ctx *)ctx, addr);
}

static void hazsim_glue_synchronize(void *addr)
{
	hazptr_synchronize(addr);
}

static void hazsim_glue_init(void)
{
	hazptr_init();
}

static void hazsim_glue_init_task(void *task)
{
	struct task_struct *t = (struct task_struct *)task;

	(void)t;
	HAZSIM_TASK_INIT(t);
}

/* The loader defines HAZSIM_TREE_HAS_DETACH when the tree's header declares hazptr_detach(). */
#ifdef HAZSIM_TREE_HAS_DETACH
static void hazsim_glue_detach(void *ctx)
{
	hazptr_detach((struct hazptr_ctx *)ctx);
}
#define HAZSIM_DETACH_FN hazsim_glue_detach
#else
#define HAZSIM_DETACH_FN NULL
#endif

#ifdef HAZSIM_HOOK
static void hazsim_glue_hook(void)
{
	HAZSIM_HOOK();
}
#define HAZSIM_HOOK_FN hazsim_glue_hook
#else
#define HAZSIM_HOOK_FN NULL
#endif

/* Reads slots as they are in memory, with no step and no check: the machine calls it when the
 * run is over. */
__attribute__((no_sanitize_thread)) static void hazsim_glue_slots(hazsim_slot_fn fn, void *arg)
{
	HAZSIM_SLOTS(fn, arg);
}

#ifdef HAZSIM_TASK_FIELDS
#define HAZSIM_TASK_SIZE sizeof(struct task_struct)
#else
#define HAZSIM_TASK_SIZE 0
#endif

/* Not instrumented: it sets the pointer the instrumentation calls through. */
__attribute__((visibility("default"), no_sanitize_thread)) const struct hazsim_glue *hazsim_glue_bind(const struct hazsim_ops *ops)
{
	static const struct hazsim_glue glue = {
		.abi = HAZSIM_KSHIM_ABI,
		.version = HAZSIM_GLUE_VERSION,
		.ctx_size = sizeof(struct hazptr_ctx),
		.ctx_align = _Alignof(struct hazptr_ctx),
		.task_size = HAZSIM_TASK_SIZE,
		.init = hazsim_glue_init,
		.init_task = hazsim_glue_init_task,
		.acquire = hazsim_glue_acquire,
		.release = hazsim_glue_release,
		.synchronize = hazsim_glue_synchronize,
		.note_context_switch = HAZSIM_HOOK_FN,
		.for_each_slot = hazsim_glue_slots,
		.percpu_start = __start_hazsim_percpu,
		.percpu_end = __stop_hazsim_percpu,
		.workload_init = hazsim_workload_init,
		.detach = HAZSIM_DETACH_FN,
	};

	hazsim_ops = ops;
	return &glue;
}
