/* hazsim's <linux/preempt.h>: preempt_count is the machine's, per task; preempt_enable() is a
 * preemption point under preempt=full. */
#ifndef _LINUX_PREEMPT_H
#define _LINUX_PREEMPT_H

#include <linux/cleanup.h>

#define preempt_disable() hazsim_ops->hz_preempt_disable()
#define preempt_enable() hazsim_ops->hz_preempt_enable(HAZSIM_SITE())
#define preempt_disable_notrace() preempt_disable()
#define preempt_enable_notrace() preempt_enable()
#define preempt_count() hazsim_ops->hz_preempt_count()
#define preemptible() (preempt_count() == 0 && !hazsim_ops->hz_irqs_disabled())
#define in_interrupt() hazsim_ops->hz_context(HAZSIM_IN_INTERRUPT)
#define in_irq() hazsim_ops->hz_context(HAZSIM_IN_HARDIRQ)
#define in_hardirq() hazsim_ops->hz_context(HAZSIM_IN_HARDIRQ)
#define in_softirq() hazsim_ops->hz_context(HAZSIM_IN_SOFTIRQ)
#define in_serving_softirq() hazsim_ops->hz_context(HAZSIM_IN_SERVING_SOFTIRQ)
#define in_task() hazsim_ops->hz_context(HAZSIM_IN_TASK)

DEFINE_LOCK_GUARD_0(preempt, hazsim_ops->hz_preempt_disable(), hazsim_ops->hz_preempt_enable(_T->site))
DEFINE_LOCK_GUARD_0(preempt_notrace, hazsim_ops->hz_preempt_disable(), hazsim_ops->hz_preempt_enable(_T->site))

#endif /* _LINUX_PREEMPT_H */
