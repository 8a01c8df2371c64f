#ifndef _LINUX_POISON_H
#define _LINUX_POISON_H

/* The values of kapi/types.h (POISON_POINTER_DELTA = 0): the machine reports an access through
 * them as a use of a deleted list entry. */
#define LIST_POISON1 ((void *)0x100)
#define LIST_POISON2 ((void *)0x122)

#endif /* _LINUX_POISON_H */
