/* hazsim's <linux/jiffies.h>: HZ=1000 of virtual time, from 0 at boot. */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <hazsim/kshim.h>

#define HZ 1000
#define jiffies (hazsim_ops->hz_jiffies())
#define msecs_to_jiffies(m) ((unsigned long)(m))
#define usecs_to_jiffies(u) (((unsigned long)(u) + 999) / 1000)
#define jiffies_to_msecs(j) ((unsigned int)(j))
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)

#endif /* _LINUX_JIFFIES_H */
