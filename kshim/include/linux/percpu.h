/* hazsim's <linux/percpu.h>: DEFINE_PER_CPU() variables live in the object's section
 * `hazsim_percpu`, a template; each machine copies it once per vCPU into simulated memory, and
 * per_cpu_ptr() adds the vCPU's offset, as the kernel's per-CPU areas do. */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/cache.h>
#include <linux/smp.h>

#define __hazsim_percpu_section __attribute__((__section__("hazsim_percpu")))
#define DEFINE_PER_CPU(type, name) __hazsim_percpu_section __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __hazsim_percpu_section __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name) DEFINE_PER_CPU(type, name) __attribute__((__aligned__(64)))
#define DECLARE_PER_CPU_ALIGNED(type, name) DECLARE_PER_CPU(type, name)

#define per_cpu_ptr(ptr, cpu) ((__typeof__(ptr))hazsim_ops->hz_per_cpu_ptr((const void *)(ptr), (cpu)))
#define this_cpu_ptr(ptr) per_cpu_ptr(ptr, smp_processor_id())
#define raw_cpu_ptr(ptr) this_cpu_ptr(ptr)
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), (cpu)))
#define this_cpu_read(var) READ_ONCE(*this_cpu_ptr(&(var)))
#define this_cpu_write(var, val) WRITE_ONCE(*this_cpu_ptr(&(var)), (val))

#endif /* _LINUX_PERCPU_H */
