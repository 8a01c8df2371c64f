/* hazsim's <linux/cleanup.h>: guard() and scoped_guard() on gcc's cleanup attribute, as in the
 * kernel. A guard remembers the site of the guard() line, so the release at the end of the scope
 * is reported (and hashed) at that line, as a C++ model's guard does. */
#ifndef _LINUX_CLEANUP_H
#define _LINUX_CLEANUP_H

#include <linux/compiler.h>

/* DEFINE_CLASS(name, type, exit, init, init_args...): a constructor from init_args and a
 * destructor that runs `exit` on the value _T. */
#define DEFINE_CLASS(_name, _type, _exit, _init, _init_args...) \
	typedef _type class_##_name##_t; \
	static inline void class_##_name##_destructor(_type *p) \
	{ \
		_type _T = *p; \
		_exit; \
	} \
	static inline _type class_##_name##_constructor(_init_args) \
	{ \
		_type t = _init; \
		return t; \
	}

#define CLASS(_name, var) \
	class_##_name##_t var __cleanup(class_##_name##_destructor) = \
		(hazsim_guard_site = HAZSIM_SITE(), class_##_name##_constructor)

/* DEFINE_GUARD(name, type, lock, unlock): a guard over a pointer _T. */
#define DEFINE_GUARD(_name, _type, _lock, _unlock) \
	DEFINE_CLASS(_name, _type, if (_T) { _unlock; }, ({ _lock; _T; }), _type _T)

/* DEFINE_LOCK_GUARD_1(name, type, lock, unlock, extra fields...): _T->lock is the lock, _T->site
 * the guard's line; DEFINE_LOCK_GUARD_0 has no lock. */
#define __HAZSIM_LOCK_GUARD(_name, _lock_type, _ctor_params, _lock_value, _lock, _unlock, ...) \
	typedef struct { \
		_lock_type *lock; \
		const struct hazsim_site *site; \
		__VA_ARGS__; \
	} class_##_name##_t; \
	static inline void class_##_name##_destructor(class_##_name##_t *_T) \
	{ \
		if (_T->lock) { \
			_unlock; \
		} \
	} \
	static inline class_##_name##_t class_##_name##_constructor(_ctor_params) \
	{ \
		class_##_name##_t _t = { .lock = _lock_value, .site = hazsim_guard_site }, *_T = &_t; \
		_lock; \
		return _t; \
	}

#define DEFINE_LOCK_GUARD_1(_name, _type, _lock, _unlock, ...) \
	__HAZSIM_LOCK_GUARD(_name, _type, _type *l, l, _lock, _unlock, __VA_ARGS__)
#define DEFINE_LOCK_GUARD_0(_name, _lock, _unlock, ...) \
	__HAZSIM_LOCK_GUARD(_name, void, void, (void *)1, _lock, _unlock, __VA_ARGS__)

#define guard(_name) CLASS(_name, __UNIQUE_ID(guard))

#define scoped_guard(_name, args...) \
	for (CLASS(_name, scope)(args), *__hazsim_done = NULL; !__hazsim_done; __hazsim_done = (void *)1)

#endif /* _LINUX_CLEANUP_H */
