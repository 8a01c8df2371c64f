/* Glue of the v5 series (paulmckrcu/linux: kernel/hazptr.c @ eb1a6621e0f5, the v5-era header @
 * 99809e3bc68e): 4 {slot, ctx} items per CPU, two overflow lists per CPU. Chosen when the tree's
 * include/linux/hazptr.h has `struct hazptr_slot_item`. */
#define HAZSIM_GLUE_VERSION "v5"

/* The patch adds nothing to task_struct. */
#define HAZSIM_TASK_INIT(t) ((void)(t))

/* Called by __schedule() on every pass, schedule_idle() included, interrupts off. */
#define HAZSIM_HOOK hazptr_note_context_switch

#define HAZSIM_SLOTS(fn, arg) \
	do { \
		int cpu; \
		for_each_possible_cpu(cpu) { \
			struct hazptr_percpu_slots *ps = per_cpu_ptr(&hazptr_percpu_slots, cpu); \
			struct hazptr_overflow_list_flip *flip = per_cpu_ptr(&percpu_overflow_list_flip, cpu); \
			for (unsigned int idx = 0; idx < NR_HAZPTR_PERCPU_SLOTS; idx++) \
				fn(arg, cpu, "per-CPU slot", ps->items[idx].slot.addr); \
			for (int i = 0; i < 2; i++) { \
				struct hazptr_backup_slot *b; \
				hlist_for_each_entry(b, &flip->array[i].head, overflow_node) \
					fn(arg, cpu, "chained backup slot", b->slot.addr); \
			} \
		} \
	} while (0)
