#ifndef _ASM_PROCESSOR_H
#define _ASM_PROCESSOR_H

#include <asm/barrier.h> /* cpu_relax() */

#endif /* _ASM_PROCESSOR_H */
