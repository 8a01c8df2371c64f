/* Glue of the v4 series (kernelorg-mirror/linux_kernel_git_jfern_linux @ efd5265b7822): 8 per-CPU
 * slots, one overflow list per CPU; with CONFIG_PREEMPT_HAZPTR (the default here; kconfig
 * PREEMPT_HAZPTR=n turns it off) the hook walks the task's list of contexts. Chosen when the tree's
 * include/linux/hazptr.h has `hazptr_ctx_list`. */
#define HAZSIM_GLUE_VERSION "v4"

#if !defined(HAZSIM_CONFIG_PREEMPT_HAZPTR_N) && !defined(CONFIG_PREEMPT_HAZPTR)
#define CONFIG_PREEMPT_HAZPTR 1
#endif

#ifdef CONFIG_PREEMPT_HAZPTR
/* What the patch adds to task_struct, initialised in init_task and at fork. */
#define HAZSIM_TASK_FIELDS struct list_head hazptr_ctx_list;
#define HAZSIM_TASK_INIT(t) INIT_LIST_HEAD(&(t)->hazptr_ctx_list)
/* Called by __schedule() on every pass, schedule_idle() included, interrupts off. */
#define HAZSIM_HOOK hazptr_note_context_switch
#else
#define HAZSIM_TASK_INIT(t) ((void)(t))
#endif

#define HAZSIM_SLOTS(fn, arg) \
	do { \
		int cpu; \
		for_each_possible_cpu(cpu) { \
			struct hazptr_percpu_slots *ps = per_cpu_ptr(&hazptr_percpu_slots, cpu); \
			struct overflow_list *ol = per_cpu_ptr(&percpu_overflow_list, cpu); \
			struct hazptr_backup_slot *b; \
			for (unsigned int idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) \
				fn(arg, cpu, "per-CPU slot", ps->slots[idx].addr); \
			list_for_each_entry(b, &ol->head, node) \
				fn(arg, cpu, "chained backup slot", b->slot.addr); \
		} \
	} while (0)
