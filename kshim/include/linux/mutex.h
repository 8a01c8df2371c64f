/* hazsim's <linux/mutex.h>: the machine's sleeping mutex (an owner word taken with cmpxchg; a
 * contended locker sleeps until the unlocker wakes it). mutex_lock() might sleep. */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/cleanup.h>

struct mutex {
	long owner; /* the layout of kapi::mutex: the holder's pid, 0 if free */
};

#define __MUTEX_INITIALIZER(name) { 0 }
#define DEFINE_MUTEX(name) struct mutex name = __MUTEX_INITIALIZER(name)
#define mutex_init(m) do { (m)->owner = 0; } while (0)
#define mutex_lock(m) hazsim_ops->hz_mutex_lock((m), HAZSIM_SITE())
#define mutex_unlock(m) hazsim_ops->hz_mutex_unlock((m), HAZSIM_SITE())
#define mutex_is_locked(m) (READ_ONCE((m)->owner) != 0)

DEFINE_LOCK_GUARD_1(mutex, struct mutex, hazsim_ops->hz_mutex_lock(_T->lock, _T->site),
		    hazsim_ops->hz_mutex_unlock(_T->lock, _T->site))

#endif /* _LINUX_MUTEX_H */
