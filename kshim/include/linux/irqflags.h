/* hazsim's <linux/irqflags.h>: interrupts off nest on the vCPU (a count), as the machine's
 * local_irq_save()/local_irq_restore() do for the C++ models. */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H

#include <linux/cleanup.h>

#define local_irq_save(flags) do { (flags) = hazsim_ops->hz_irq_save(); } while (0)
#define local_irq_restore(flags) hazsim_ops->hz_irq_restore((flags), HAZSIM_SITE())
#define local_irq_disable() ((void)hazsim_ops->hz_irq_save())
#define local_irq_enable() hazsim_ops->hz_irq_restore(0, HAZSIM_SITE())
#define irqs_disabled() hazsim_ops->hz_irqs_disabled()

DEFINE_LOCK_GUARD_0(irqsave, local_irq_save(_T->flags), hazsim_ops->hz_irq_restore(_T->flags, _T->site),
		    unsigned long flags)
DEFINE_LOCK_GUARD_0(irq, local_irq_disable(), hazsim_ops->hz_irq_restore(0, _T->site))

#endif /* _LINUX_IRQFLAGS_H */
