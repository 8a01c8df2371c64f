/* hazsim's <linux/slab.h>: the machine's heap, where a use after kfree() is reported. */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/compiler.h>

#define GFP_KERNEL 0u
#define GFP_ATOMIC 1u
#define GFP_NOWAIT 2u
#define __GFP_ZERO 0x100u

/* kmalloc() memory holds zeros or, under the machine's poison_uninit, 0x6b bytes; kzalloc(),
 * kcalloc() and __GFP_ZERO always zeros. */
#define kmalloc(size, flags) hazsim_ops->hz_kmalloc((size), ((flags) & __GFP_ZERO) != 0, HAZSIM_SITE())
#define kzalloc(size, flags) hazsim_ops->hz_kmalloc((size), 1, HAZSIM_SITE())
#define kcalloc(n, size, flags) hazsim_ops->hz_kmalloc((n) * (size), 1, HAZSIM_SITE())
#define kfree(p) hazsim_ops->hz_kfree((p), HAZSIM_SITE())

#endif /* _LINUX_SLAB_H */
