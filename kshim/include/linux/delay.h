/* hazsim's <linux/delay.h>: msleep(ms) sleeps ms + 1 jiffies (HZ=1000) in virtual time, as the
 * kernel's schedule_timeout() does; udelay() busy-waits, one cpu_relax() per step, as the
 * torture's does. */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/compiler.h>

#define msleep(ms) hazsim_ops->hz_msleep((ms), HAZSIM_SITE())
#define udelay(us) hazsim_ops->hz_udelay((us), HAZSIM_SITE())
#define ndelay(ns) hazsim_ops->hz_udelay(((ns) + 999) / 1000, HAZSIM_SITE())

#endif /* _LINUX_DELAY_H */
