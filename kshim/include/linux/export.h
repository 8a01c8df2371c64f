#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

/* Nothing is linked against the object but the machine: an export is a redeclaration. */
#define EXPORT_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym) extern __typeof__(sym) sym
#define EXPORT_PER_CPU_SYMBOL(sym) extern __typeof__(sym) sym
#define EXPORT_PER_CPU_SYMBOL_GPL(sym) extern __typeof__(sym) sym

#endif /* _LINUX_EXPORT_H */
