/* The base of hazsim's kernel headers: the ABI (kapi/kshim_abi.h, written here as
 * <hazsim/kshim_abi.h> by the loader) and the site of a call. Every <linux/...> header of the shim
 * includes it. */
#ifndef HAZSIM_KSHIM_H
#define HAZSIM_KSHIM_H

#include <hazsim/kshim_abi.h>

/* C linkage for the names the runtime and entry.c define, also in a C++ test (hazsim/test.h). */
#ifdef __cplusplus
#define HAZSIM_EXTERN_C extern "C"
#else
#define HAZSIM_EXTERN_C extern
#endif

/* Bound by hazsim_glue_bind() when the machine loads the object (kshim/include/hazsim/entry.c). */
HAZSIM_EXTERN_C const struct hazsim_ops *hazsim_ops __attribute__((visibility("hidden")));
/* The site of the guard() being constructed (see <linux/cleanup.h>). */
HAZSIM_EXTERN_C __thread const struct hazsim_site *hazsim_guard_site __attribute__((visibility("hidden")));

/* The site of the kernel line that expands the macro: __LINE__ of a macro expansion is the line
 * of the outermost invocation, so a READ_ONCE() inside smp_cond_load_acquire() still has the
 * kernel's line. */
#define HAZSIM_SITE() \
	({ static const struct hazsim_site __hazsim_site = { __FILE__, __func__, __LINE__, 0 }; &__hazsim_site; })

/* Marked accesses are of 1, 2, 4 or 8 bytes, as the kernel's compiletime_assert_rwonce_type(). */
#define __hazsim_check_size(x) \
	((void)sizeof(char[1 - 2 * !(sizeof(x) == 1 || sizeof(x) == 2 || sizeof(x) == 4 || sizeof(x) == 8)]))

#define __hazsim_load(x, order) \
	({ __hazsim_check_size(x); \
	   (__typeof__(x))(uintptr_t)hazsim_ops->hz_load((const volatile void *)&(x), sizeof(x), (order), HAZSIM_SITE()); })

/* The stored value as the machine's 64 bits. C++ converts it to the variable's type first, so that
 * nullptr and an enum class store as they would be assigned. */
#ifdef __cplusplus
#define __hazsim_bits(x, val) ((uint64_t)(uintptr_t)(__typeof__(x))(val))
#else
#define __hazsim_bits(x, val) ((uint64_t)(uintptr_t)(val))
#endif

#define __hazsim_store(x, val, order) \
	do { \
		__hazsim_check_size(x); \
		(void)sizeof((x) = (val)); \
		hazsim_ops->hz_store((volatile void *)&(x), sizeof(x), __hazsim_bits(x, val), (order), HAZSIM_SITE()); \
	} while (0)

#endif /* HAZSIM_KSHIM_H */
