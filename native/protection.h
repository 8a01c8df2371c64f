// A native check that a design still protects when it runs on real threads: a reader on CPU 0
// acquires the published object, uses it for a while, checks it has not been retired, and
// releases; an updater on CPU 1 publishes the next object, waits in hazptr_synchronize() for the
// old one and then marks it retired. A reader that finds its object retired is a protection
// failure. bench-native runs it before timing a design, so that figures are never of a
// NativeKernel instantiation that lost what the simulator checks (and a broken design fails it:
// tests/native_test.cc).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "hazptr/design.h"
#include "native/host.h"
#include "native/native_kernel.h"

namespace hazsim::native {

struct ProtectionCheck {
  uint64_t replacements = 0;  // objects the updater retired
  uint64_t sections = 0;      // reader sections that found an object
  uint64_t retired_seen = 0;  // ... whose object was already retired: must be 0
};

template <hazptr::Design D>
bool check_protection(uint64_t replacements, ProtectionCheck* out, std::string* err) {
  using K = NativeKernel;
  struct alignas(64) Object {
    long live;
  };
  constexpr int kPool = 4;
  HostConfig c;
  c.possible_cpus = 2;
  c.tasks = 2;
  c.task_data_size = D::task_data_size;
  Host host(c);
  D design;
  design.hazptr_init();
  for (int i = 0; i < host.task_count(); ++i) design.init_task(host.task_data(host.task(i)));
  auto* pool = static_cast<Object*>(host.alloc(sizeof(Object) * kPool, 64));
  auto** gp = static_cast<void**>(host.alloc(sizeof(void*), 64));
  K::write_once(&pool[0].live, 1L);
  K::write_once(gp, static_cast<void*>(&pool[0]));
  std::atomic<bool> done{false};
  std::atomic<uint64_t> sections{0}, retired_seen{0};
  *out = ProtectionCheck{};
  bool ok = host.run_pinned(
      2,
      [&](int cpu) {
        if (cpu == 0) {
          typename D::ctx_type ctx{};
          while (!done.load(std::memory_order_relaxed)) {
            auto* p = static_cast<Object*>(design.hazptr_acquire(&ctx, gp));
            if (p) {
              for (int i = 0; i < 8; ++i) K::cpu_relax();  // the reader uses the object a while
              if (K::read_once(&p->live) != 1) retired_seen.fetch_add(1, std::memory_order_relaxed);
              sections.fetch_add(1, std::memory_order_relaxed);
            }
            design.hazptr_release(&ctx, p);
          }
          return;
        }
        // Not before the reader is under way: on a loaded machine (an ASan build, CI) the updater
        // could otherwise finish every replacement before the reader's first section.
        while (sections.load(std::memory_order_relaxed) == 0) K::cpu_relax();
        for (uint64_t n = 1; n <= replacements; ++n) {
          Object* next = &pool[n % kPool];
          K::write_once(&next->live, 1L);
          void* old = K::read_once(gp);
          K::store_release(gp, static_cast<void*>(next));  // rcu_assign_pointer(): next's fields first
          design.hazptr_synchronize(old);
          K::write_once(&static_cast<Object*>(old)->live, 0L);  // retired: a reader must not see this
          ++out->replacements;
        }
        done.store(true);
      },
      err);
  out->sections = sections.load();
  out->retired_seen = retired_seen.load();
  if (ok && host.warnings()) {
    *err = "the design warned natively: " + host.first_warning();
    return false;
  }
  return ok;
}

}  // namespace hazsim::native
