/* hazsim's <linux/module.h>: a workload's module_init() function is its boot. */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/init.h>
#include <hazsim/kshim.h>

#define module_init(fn) \
	HAZSIM_EXTERN_C void hazsim_workload_init(void); \
	void hazsim_workload_init(void) \
	{ \
		(void)fn(); \
	}
#define module_exit(fn)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)

#endif /* _LINUX_MODULE_H */
