// Fibers over Boost.Context's fcontext switch, with pooled stacks and AddressSanitizer annotations.
//
// Why fcontext and not boost::context::fiber: the machine switches symmetrically between vCPUs
// (task A's fiber hands the CPU straight to task B's), which fcontext expresses in one jump, and
// ASan must be told about every stack switch, which the fcontext flavour of boost::context::fiber
// does not do. The README records the measured cost against a bare boost::context::fiber switch.
#pragma once
#include <boost/context/detail/fcontext.hpp>

#include <cstddef>
#include <vector>

namespace hazsim {

// The host's page size, asked once: sysconf() is a library call, and a run prepares a fiber per task.
size_t host_page_size();

struct FiberStack {
  void* base = nullptr;  // lowest address of the mapping (a guard page)
  size_t size = 0;       // whole mapping, guard page included
  void* top() const { return static_cast<char*>(base) + size; }
};

// Stacks are mmap'ed once, with a guard page below, and reused across runs.
class StackPool {
 public:
  explicit StackPool(size_t stack_size);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  FiberStack get();
  void put(FiberStack s);

 private:
  size_t stack_size_;
  std::vector<FiberStack> all_;
  std::vector<FiberStack> free_;
};

class Fiber {
 public:
  using Entry = void (*)(void* arg);

  // The fiber that represents the thread's own stack (the machine's main loop).
  static Fiber& thread_main();

  // Prepares the fiber to run entry(arg) on stack when first switched to. entry must not return
  // by throwing; when it returns the fiber calls exit_to(*next_after_exit).
  void prepare(FiberStack stack, Entry entry, void* arg);

  // Suspends `from` (which must be the running fiber) and runs `to`.
  static void switch_to(Fiber& from, Fiber& to);

  // Ends the running fiber for good and runs `to`; never returns.
  [[noreturn]] void exit_to(Fiber& to);

  const FiberStack& stack() const { return stack_; }
  // The fiber running on this host thread (nullptr before the first switch).
  static const Fiber* running();

 private:
  static void trampoline(boost::context::detail::transfer_t t);
  void after_switch(boost::context::detail::transfer_t t);

  boost::context::detail::fcontext_t ctx_ = nullptr;
  FiberStack stack_{};
  Entry entry_ = nullptr;
  void* arg_ = nullptr;
  // ASan bookkeeping: where this fiber's stack is, and its fake-stack handle while suspended.
  const void* asan_bottom_ = nullptr;
  size_t asan_size_ = 0;
  void* asan_fake_stack_ = nullptr;
};

}  // namespace hazsim
