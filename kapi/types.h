// Kernel data types the designs are written with. They live in simulated memory.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hazsim::kapi {

struct list_head {
  list_head* next;
  list_head* prev;
};

// <linux/llist.h>: a lock-less singly linked list.
struct llist_node {
  llist_node* next;
};
struct llist_head {
  llist_node* first;
};

struct hlist_node {
  hlist_node* next;
  hlist_node** pprev;
};

struct hlist_head {
  hlist_node* first;
};

// The kernel's list_del() poison values (POISON_POINTER_DELTA = 0 on this build).
inline list_head* const LIST_POISON1 = reinterpret_cast<list_head*>(0x100);
inline list_head* const LIST_POISON2 = reinterpret_cast<list_head*>(0x122);

struct raw_spinlock_t {
  int locked;
};

struct mutex {
  long owner;  // pid of the holder, 0 if free
};

// A per-CPU variable: one copy per vCPU, each on its own cache lines.
template <class T>
struct PerCpu {
  T* base = nullptr;
  size_t stride = 0;
  T* ptr(int cpu) const { return reinterpret_cast<T*>(reinterpret_cast<char*>(base) + stride * size_t(cpu)); }
};

inline constexpr size_t kCacheLine = 64;

}  // namespace hazsim::kapi
