/* What a workload in kernel C may call beyond the kernel's API: hazsim's ghost checks.
 *
 * hazsim_expect_protected(p): p must still be a live object here (the caller holds a hazard
 * pointer to it); reported as a use after free if it was freed. */
#ifndef HAZSIM_WORKLOAD_H
#define HAZSIM_WORKLOAD_H

#include <hazsim/kshim.h>

HAZSIM_EXTERN_C void hazsim_workload_init(void);

#define hazsim_expect_protected(p) hazsim_ops->hz_expect_protected((p), HAZSIM_SITE())

#endif /* HAZSIM_WORKLOAD_H */
