/* hazsim's <linux/timer.h>: timer_list callbacks run in TIMER_SOFTIRQ on the timer's CPU once
 * virtual time passes `expires` (jiffies, HZ=1000), on top of whatever runs there, as the
 * machine's timers do for the C++ workloads (sched/softirq.cc). struct timer_list itself is in
 * <hazsim/kshim_abi.h>. */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/container_of.h>
#include <linux/jiffies.h>

#define timer_setup(timer, callback, fl) \
	do { \
		(timer)->function = (callback); \
		(timer)->expires = 0; \
		(timer)->flags = (fl); \
	} while (0)

#define from_timer(var, callback_timer, timer_fieldname) \
	container_of(callback_timer, __typeof__(*(var)), timer_fieldname)
#define timer_container_of(var, callback_timer, timer_fieldname) from_timer(var, callback_timer, timer_fieldname)

#define add_timer_on(timer, cpu) ((void)hazsim_ops->hz_timer_arm((timer), (cpu), HAZSIM_SITE()))
#define add_timer(timer) ((void)hazsim_ops->hz_timer_arm((timer), -1, HAZSIM_SITE()))
#define mod_timer(timer, exp) \
	({ struct timer_list *__t = (timer); __t->expires = (exp); hazsim_ops->hz_timer_arm(__t, -1, HAZSIM_SITE()); })
#define timer_pending(timer) hazsim_ops->hz_timer_pending(timer)
#define del_timer(timer) hazsim_ops->hz_timer_del((timer), 0, HAZSIM_SITE())
#define del_timer_sync(timer) hazsim_ops->hz_timer_del((timer), 1, HAZSIM_SITE())
#define timer_delete(timer) del_timer(timer)
#define timer_delete_sync(timer) del_timer_sync(timer)

#endif /* _LINUX_TIMER_H */
