/* hazsim's <linux/bug.h>: WARN_ON() and friends are the warn oracle (with panic_on_warn=1, the
 * default, the run stops at the first; with 0 it is reported and the code goes on past it, the
 * _ONCE forms reporting only their first firing); BUG_ON() stops the run as a BUG. */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>

/* The condition's text is taken where the caller wrote it (#condition one level down would be
 * the text after its macros expanded: a READ_ONCE() became the shim's call). */
#define __HAZSIM_WARN(condition, once, text) \
	({ \
		int __ret_warn_on = !!(condition); \
		if (unlikely(__ret_warn_on)) \
			hazsim_ops->hz_warn(text, once, HAZSIM_SITE()); \
		unlikely(__ret_warn_on); \
	})
#define WARN_ON(condition) __HAZSIM_WARN(condition, 0, #condition)
#define WARN_ON_ONCE(condition) __HAZSIM_WARN(condition, 1, #condition)
#define WARN(condition, format...) __HAZSIM_WARN(condition, 0, #condition)
#define WARN_ONCE(condition, format...) __HAZSIM_WARN(condition, 1, #condition)
#define BUG_ON(condition) \
	do { \
		if (unlikely(condition)) \
			hazsim_ops->hz_bug(#condition, HAZSIM_SITE()); \
	} while (0)
#define BUG() hazsim_ops->hz_bug("BUG()", HAZSIM_SITE())
#define BUILD_BUG_ON(condition) ((void)sizeof(char[1 - 2 * !!(condition)]))

#endif /* _LINUX_BUG_H */
