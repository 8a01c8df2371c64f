/* hazsim's <linux/spinlock.h>: the machine's raw spinlocks (a cmpxchg-acquire loop that spins
 * with cpu_relax(), preemption off while held; lockup and self-deadlock checked). spinlock_t is a
 * raw spinlock, as without PREEMPT_RT. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/bottom_half.h>
#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>

typedef struct raw_spinlock {
	int locked; /* the layout of kapi::raw_spinlock_t */
} raw_spinlock_t;

typedef struct spinlock {
	raw_spinlock_t rlock;
} spinlock_t;

#define __RAW_SPIN_LOCK_UNLOCKED(name) { 0 }
#define DEFINE_RAW_SPINLOCK(x) raw_spinlock_t x = __RAW_SPIN_LOCK_UNLOCKED(x)
#define __SPIN_LOCK_UNLOCKED(name) { __RAW_SPIN_LOCK_UNLOCKED(name) }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)
#define raw_spin_lock_init(lock) do { (lock)->locked = 0; } while (0)
#define spin_lock_init(lock) raw_spin_lock_init(&(lock)->rlock)

#define raw_spin_lock(lock) hazsim_ops->hz_spin_lock((lock), HAZSIM_SITE())
#define raw_spin_unlock(lock) hazsim_ops->hz_spin_unlock((lock), HAZSIM_SITE())
#define raw_spin_lock_irqsave(lock, flags) \
	do { \
		(flags) = hazsim_ops->hz_irq_save(); \
		hazsim_ops->hz_spin_lock((lock), HAZSIM_SITE()); \
	} while (0)
#define raw_spin_unlock_irqrestore(lock, flags) \
	do { \
		hazsim_ops->hz_spin_unlock((lock), HAZSIM_SITE()); \
		hazsim_ops->hz_irq_restore((flags), HAZSIM_SITE()); \
	} while (0)
#define raw_spin_lock_irq(lock) \
	do { \
		(void)hazsim_ops->hz_irq_save(); \
		hazsim_ops->hz_spin_lock((lock), HAZSIM_SITE()); \
	} while (0)
#define raw_spin_unlock_irq(lock) \
	do { \
		hazsim_ops->hz_spin_unlock((lock), HAZSIM_SITE()); \
		hazsim_ops->hz_irq_restore(0, HAZSIM_SITE()); \
	} while (0)

#define raw_spin_lock_bh(lock) \
	do { \
		hazsim_ops->hz_local_bh_disable(); \
		hazsim_ops->hz_spin_lock((lock), HAZSIM_SITE()); \
	} while (0)
#define raw_spin_unlock_bh(lock) \
	do { \
		hazsim_ops->hz_spin_unlock((lock), HAZSIM_SITE()); \
		hazsim_ops->hz_local_bh_enable(HAZSIM_SITE()); \
	} while (0)

#define spin_lock(lock) raw_spin_lock(&(lock)->rlock)
#define spin_lock_bh(lock) raw_spin_lock_bh(&(lock)->rlock)
#define spin_unlock_bh(lock) raw_spin_unlock_bh(&(lock)->rlock)
#define spin_unlock(lock) raw_spin_unlock(&(lock)->rlock)
#define spin_lock_irqsave(lock, flags) raw_spin_lock_irqsave(&(lock)->rlock, flags)
#define spin_unlock_irqrestore(lock, flags) raw_spin_unlock_irqrestore(&(lock)->rlock, flags)
#define spin_lock_irq(lock) raw_spin_lock_irq(&(lock)->rlock)
#define spin_unlock_irq(lock) raw_spin_unlock_irq(&(lock)->rlock)

DEFINE_LOCK_GUARD_1(raw_spinlock, raw_spinlock_t, hazsim_ops->hz_spin_lock(_T->lock, _T->site),
		    hazsim_ops->hz_spin_unlock(_T->lock, _T->site))
DEFINE_LOCK_GUARD_1(raw_spinlock_irq, raw_spinlock_t,
		    ((void)hazsim_ops->hz_irq_save(), hazsim_ops->hz_spin_lock(_T->lock, _T->site)),
		    (hazsim_ops->hz_spin_unlock(_T->lock, _T->site), hazsim_ops->hz_irq_restore(0, _T->site)))
DEFINE_LOCK_GUARD_1(raw_spinlock_irqsave, raw_spinlock_t,
		    (_T->flags = hazsim_ops->hz_irq_save(), hazsim_ops->hz_spin_lock(_T->lock, _T->site)),
		    (hazsim_ops->hz_spin_unlock(_T->lock, _T->site), hazsim_ops->hz_irq_restore(_T->flags, _T->site)),
		    unsigned long flags)
DEFINE_LOCK_GUARD_1(spinlock, spinlock_t, hazsim_ops->hz_spin_lock(&_T->lock->rlock, _T->site),
		    hazsim_ops->hz_spin_unlock(&_T->lock->rlock, _T->site))
DEFINE_LOCK_GUARD_1(spinlock_irqsave, spinlock_t,
		    (_T->flags = hazsim_ops->hz_irq_save(), hazsim_ops->hz_spin_lock(&_T->lock->rlock, _T->site)),
		    (hazsim_ops->hz_spin_unlock(&_T->lock->rlock, _T->site), hazsim_ops->hz_irq_restore(_T->flags, _T->site)),
		    unsigned long flags)

#endif /* _LINUX_SPINLOCK_H */
