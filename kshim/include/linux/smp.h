/* hazsim's <linux/smp.h>: the vCPUs are every possible and online CPU. */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/preempt.h>

#define smp_processor_id() hazsim_ops->hz_smp_processor_id()
#define raw_smp_processor_id() hazsim_ops->hz_smp_processor_id()
#define nr_cpu_ids ((unsigned int)hazsim_ops->hz_nr_cpu_ids())
#define num_possible_cpus() nr_cpu_ids
#define num_online_cpus() nr_cpu_ids
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < (int)nr_cpu_ids; (cpu)++)
#define for_each_online_cpu(cpu) for_each_possible_cpu(cpu)
#define for_each_present_cpu(cpu) for_each_possible_cpu(cpu)

/* func(info) in interrupt context on `cpu` (an IPI); with wait, spins until it has run. */
#define smp_call_function_single(cpu, func, info, wait) \
	hazsim_ops->hz_smp_call_function_single((cpu), (func), (info), (wait), HAZSIM_SITE())

#endif /* _LINUX_SMP_H */
