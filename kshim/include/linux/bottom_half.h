/* hazsim's <linux/bottom_half.h>: softirqs off nest on the vCPU (SOFTIRQ_DISABLE_OFFSET in its
 * softirq count); the local_bh_enable() that turns them back on runs what was raised meanwhile. */
#ifndef _LINUX_BH_H
#define _LINUX_BH_H

#include <hazsim/kshim.h>

#define local_bh_disable() hazsim_ops->hz_local_bh_disable()
#define local_bh_enable() hazsim_ops->hz_local_bh_enable(HAZSIM_SITE())

#endif /* _LINUX_BH_H */
