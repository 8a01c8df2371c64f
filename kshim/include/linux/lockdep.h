/* hazsim's <linux/lockdep.h>: the assertions the machine can check. */
#ifndef _LINUX_LOCKDEP_H
#define _LINUX_LOCKDEP_H

#include <linux/compiler.h>

#define lockdep_assert_preemption_enabled() hazsim_ops->hz_lockdep_assert_preemption_enabled(HAZSIM_SITE())
/* Lock ownership is not asserted (the machine has no lockdep): these check nothing. */
#define lockdep_assert_held(l) ((void)(l))
#define lockdep_assert_irqs_disabled() ((void)0)

#endif /* _LINUX_LOCKDEP_H */
