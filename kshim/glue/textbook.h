/* Glue of hazsim's own textbook design (tests/kernel/textbook, and its busted copy): per-CPU pools
 * of slots claimed with cmpxchg(), no hook, nothing in task_struct. Chosen by the header's
 * `hazsim-glue: textbook`. */
#define HAZSIM_GLUE_VERSION "textbook"

#define HAZSIM_TASK_INIT(t) ((void)(t))

#define HAZSIM_SLOTS(fn, arg) \
	do { \
		int cpu; \
		for_each_possible_cpu(cpu) { \
			struct hazptr_pool *pool = per_cpu_ptr(&hazptr_pool, cpu); \
			for (unsigned int i = 0; i < NR_HAZPTR_POOL_SLOTS; i++) \
				fn(arg, cpu, "pool slot", pool->slots[i]); \
		} \
	} while (0)
