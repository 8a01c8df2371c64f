// An object in a task's stack frame, in simulated memory: poisoned when the frame ends, so a
// design that keeps a pointer to it (a chained backup slot, a task-list node) is caught.
#pragma once
#include <cstddef>
#include <source_location>

#include "sched/machine.h"

namespace hazsim {

template <class T>
class StackFrame {
 public:
  StackFrame(size_t count, const char* what, const std::source_location& at = std::source_location::current())
      : m_(Machine::current()), size_(sizeof(T) * count), p_(m_.described<T>(m_.stack_alloc(size_, what, at))) {}
  // Ending the frame drains this vCPU's buffered stores, which may report a failure.
  ~StackFrame() noexcept(false) { m_.stack_free(p_, size_, site_); }
  StackFrame(const StackFrame&) = delete;
  StackFrame& operator=(const StackFrame&) = delete;

  T* get(size_t i = 0) const { return p_ + i; }

 private:
  Machine& m_;
  size_t size_;
  T* p_;
  std::source_location site_ = std::source_location::current();
};

}  // namespace hazsim
