/* The object's entry points that are not kernel code: the ops pointer, and the __tsan_* functions
 * gcc's -fsanitize=thread instrumentation calls before each plain access of the kernel code
 * (this file itself is built without it). Each passes the access and its return address, which
 * the runtime maps to the kernel line (the loader's table of call sites). */
#include <hazsim/kshim.h>

const struct hazsim_ops *hazsim_ops;
__thread const struct hazsim_site *hazsim_guard_site;

#define HAZSIM_VISIBLE __attribute__((visibility("hidden")))

/* Every kernel API call of the instrumented code reads hazsim_ops and then the function pointer in
 * the table it points to. Those reads are the shim's, not the kernel's, and passing them on cost a
 * walk of the shared regions each time (a fifth of a small test's run). */
#define HAZSIM_PLAIN(kind, size, is_store) \
	HAZSIM_VISIBLE void __tsan_##kind##size(void *p); \
	void __tsan_##kind##size(void *p) \
	{ \
		if (p == (void *)&hazsim_ops || \
		    (unsigned long)p - (unsigned long)hazsim_ops < sizeof(*hazsim_ops)) \
			return; \
		hazsim_ops->hz_plain(p, size, is_store, __builtin_return_address(0)); \
	}

#define HAZSIM_PLAIN_ALL(size) \
	HAZSIM_PLAIN(read, size, 0) \
	HAZSIM_PLAIN(write, size, 1) \
	HAZSIM_PLAIN(unaligned_read, size, 0) \
	HAZSIM_PLAIN(unaligned_write, size, 1) \
	HAZSIM_PLAIN(volatile_read, size, 0) \
	HAZSIM_PLAIN(volatile_write, size, 1) \
	HAZSIM_PLAIN(unaligned_volatile_read, size, 0) \
	HAZSIM_PLAIN(unaligned_volatile_write, size, 1)

HAZSIM_PLAIN_ALL(1)
HAZSIM_PLAIN_ALL(2)
HAZSIM_PLAIN_ALL(4)
HAZSIM_PLAIN_ALL(8)
HAZSIM_PLAIN_ALL(16)

HAZSIM_VISIBLE void __tsan_read_range(void *p, unsigned long size);
void __tsan_read_range(void *p, unsigned long size)
{
	hazsim_ops->hz_plain(p, (unsigned int)size, 0, __builtin_return_address(0));
}

HAZSIM_VISIBLE void __tsan_write_range(void *p, unsigned long size);
void __tsan_write_range(void *p, unsigned long size)
{
	hazsim_ops->hz_plain(p, (unsigned int)size, 1, __builtin_return_address(0));
}

/* A C++ test's virtual calls and constructors: the vtable pointer read and written, as plain
 * accesses of the object. */
HAZSIM_VISIBLE void __tsan_vptr_read(void **vptr_p);
void __tsan_vptr_read(void **vptr_p)
{
	hazsim_ops->hz_plain(vptr_p, sizeof(void *), 0, __builtin_return_address(0));
}
HAZSIM_VISIBLE void __tsan_vptr_update(void **vptr_p, void *new_val);
void __tsan_vptr_update(void **vptr_p, void *new_val)
{
	(void)new_val;
	hazsim_ops->hz_plain(vptr_p, sizeof(void *), 1, __builtin_return_address(0));
}

/* Called by the instrumentation's module constructor and (if enabled) around every function:
 * the machine needs neither. */
HAZSIM_VISIBLE void __tsan_init(void);
void __tsan_init(void)
{
}
HAZSIM_VISIBLE void __tsan_func_entry(void *ra);
void __tsan_func_entry(void *ra)
{
	(void)ra;
}
HAZSIM_VISIBLE void __tsan_func_exit(void);
void __tsan_func_exit(void)
{
}
