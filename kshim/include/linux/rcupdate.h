/* hazsim's <linux/rcupdate.h>: only the publication primitives a hazard-pointer workload uses to
 * publish and read a pointer (no grace periods: hazsim has no RCU). */
#ifndef _LINUX_RCUPDATE_H
#define _LINUX_RCUPDATE_H

#include <linux/compiler.h>

#define rcu_assign_pointer(p, v) smp_store_release(&(p), (v))
#define rcu_dereference_raw(p) READ_ONCE(p)

#endif /* _LINUX_RCUPDATE_H */
