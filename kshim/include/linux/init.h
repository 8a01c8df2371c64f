#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#define __init
#define __initdata
#define __exit

#endif /* _LINUX_INIT_H */
