/* hazsim's <linux/bug.h>: WARN_ON() and friends are the warn oracle (with panic_on_warn the run
 * stops at the first); BUG_ON() stops the run as a BUG. */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>

#define WARN_ON(condition) \
	({ \
		int __ret_warn_on = !!(condition); \
		if (unlikely(__ret_warn_on)) \
			hazsim_ops->hz_warn(#condition, HAZSIM_SITE()); \
		unlikely(__ret_warn_on); \
	})
#define WARN_ON_ONCE(condition) WARN_ON(condition)
#define WARN(condition, format...) WARN_ON(condition)
#define WARN_ONCE(condition, format...) WARN_ON(condition)
#define BUG_ON(condition) \
	do { \
		if (unlikely(condition)) \
			hazsim_ops->hz_bug(#condition, HAZSIM_SITE()); \
	} while (0)
#define BUG() hazsim_ops->hz_bug("BUG()", HAZSIM_SITE())
#define BUILD_BUG_ON(condition) ((void)sizeof(char[1 - 2 * !!(condition)]))

#endif /* _LINUX_BUG_H */
