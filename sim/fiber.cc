#include "sim/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define HAZSIM_ASAN 1
#endif

namespace hazsim {

namespace ctxd = boost::context::detail;

size_t host_page_size() {
  static const size_t page = size_t(sysconf(_SC_PAGESIZE));
  return page;
}

StackPool::StackPool(size_t stack_size) {
  const size_t page = host_page_size();
  stack_size_ = (stack_size + page - 1) / page * page + page;
}

StackPool::~StackPool() {
  for (auto& s : all_) munmap(s.base, s.size);
}

void StackPool::put(FiberStack s) {
#ifdef HAZSIM_ASAN
  // Frames abandoned when a fiber ended leave redzone poison behind; the next fiber starts clean.
  const size_t page = host_page_size();
  __asan_unpoison_memory_region(static_cast<char*>(s.base) + page, s.size - page);
#endif
  free_.push_back(s);
}

FiberStack StackPool::get() {
  if (!free_.empty()) {
    FiberStack s = free_.back();
    free_.pop_back();
    return s;
  }
  void* p = mmap(nullptr, stack_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) {
    std::perror("hazsim: mmap of a fiber stack");
    std::abort();
  }
  // A guard page at the low end turns a fiber stack overflow into a fault instead of corruption.
  mprotect(p, host_page_size(), PROT_NONE);
  FiberStack s{p, stack_size_};
  all_.push_back(s);
  return s;
}

namespace {
thread_local Fiber* tl_running = nullptr;
thread_local Fiber tl_main_fiber;
}  // namespace

Fiber& Fiber::thread_main() { return tl_main_fiber; }
const Fiber* Fiber::running() { return tl_running; }

void Fiber::prepare(FiberStack stack, Entry entry, void* arg) {
  stack_ = stack;
  entry_ = entry;
  arg_ = arg;
  const size_t page = host_page_size();
  ctx_ = ctxd::make_fcontext(stack.top(), stack.size - page, &Fiber::trampoline);
  asan_bottom_ = static_cast<char*>(stack.base) + page;
  asan_size_ = stack.size - page;
  asan_fake_stack_ = nullptr;
}

// Runs on the fiber that was just switched to; t.data is the fiber that switched away.
void Fiber::after_switch(ctxd::transfer_t t) {
  auto* from = static_cast<Fiber*>(t.data);
  from->ctx_ = t.fctx;
#ifdef HAZSIM_ASAN
  const void* bottom = nullptr;
  size_t size = 0;
  __sanitizer_finish_switch_fiber(asan_fake_stack_, &bottom, &size);
  if (from->asan_bottom_ == nullptr) {  // the thread's own stack, learnt on first switch away
    from->asan_bottom_ = bottom;
    from->asan_size_ = size;
  }
#endif
  tl_running = this;
}

void Fiber::trampoline(ctxd::transfer_t t) {
  Fiber* self = tl_running;  // set by switch_to just before the jump
  self->after_switch(t);
  self->entry_(self->arg_);
  std::fprintf(stderr, "hazsim: a fiber entry returned without exit_to\n");
  std::abort();
}

void Fiber::switch_to(Fiber& from, Fiber& to) {
#ifdef HAZSIM_ASAN
  __sanitizer_start_switch_fiber(&from.asan_fake_stack_, to.asan_bottom_, to.asan_size_);
#endif
  tl_running = &to;
  ctxd::transfer_t t = ctxd::jump_fcontext(to.ctx_, &from);
  from.after_switch(t);
}

void Fiber::exit_to(Fiber& to) {
#ifdef HAZSIM_ASAN
  __sanitizer_start_switch_fiber(nullptr, to.asan_bottom_, to.asan_size_);
#endif
  tl_running = &to;
  ctxd::jump_fcontext(to.ctx_, this);
  std::abort();  // a finished fiber is never resumed
}

}  // namespace hazsim
