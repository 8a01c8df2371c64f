// refscale's loops over a design of hazptr/ instantiated with NativeKernel: reader sections on
// pinned threads, and hazptr_synchronize() against a task list, cold and warm. Each function
// builds its own Host, so every measurement starts from fresh memory.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hazptr/design.h"
#include "native/host.h"
#include "native/native_kernel.h"

namespace hazsim::native {

inline uint64_t now_ns() {
  return uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// What two back-to-back clock reads measure, ns (the median of many): a single synchronize is timed
// alone, so this is taken off it (a reader section is timed over a million, where it vanishes).
inline double clock_read_ns() {
  std::vector<uint64_t> d(1001);
  for (auto& x : d) {
    uint64_t t0 = now_ns();
    x = now_ns() - t0;
  }
  std::nth_element(d.begin(), d.begin() + 500, d.end());
  return double(d[500]);
}

// A design on a host: hazptr_init(), every task_struct's fields, and the object readers protect.
template <hazptr::Design D>
struct NativeTestbed {
  explicit NativeTestbed(const HostConfig& c) : host(c) {
    design = std::make_unique<D>();
    design->hazptr_init();
    for (int i = 0; i < host.task_count(); ++i) design->init_task(host.task_data(host.task(i)));
    gp = static_cast<void**>(host.alloc(sizeof(void*), kapi::kCacheLine));
    object = host.alloc(kapi::kCacheLine, kapi::kCacheLine);
    NativeKernel::write_once(gp, object);
  }
  // A WARN of the design's own fired: the figures are not of the code as posted.
  bool warned(std::string* err) const {
    if (host.warnings() == 0) return false;
    *err = fmt::format("the design warned {} times natively (first: {})", host.warnings(), host.first_warning());
    return true;
  }
  Host host;
  std::unique_ptr<D> design;
  void** gp = nullptr;
  void* object = nullptr;
};

// ns per acquire+release section, one figure per run: refscale's average over the readers of
// each reader's time for `loops` sections.
template <hazptr::Design D>
bool time_reader_sections(int readers, int possible_cpus, size_t task_size, int64_t loops, int runs,
                          std::vector<double>* out, std::string* err) {
  HostConfig c;
  c.possible_cpus = possible_cpus;
  c.task_size = task_size;
  c.tasks = readers;
  c.task_data_size = D::task_data_size;
  NativeTestbed<D> tb(c);
  std::vector<uint64_t> took(size_t(readers), 0);
  for (int run = 0; run < runs; ++run) {
    bool ok = tb.host.run_pinned(
        readers,
        [&](int i) {
          typename D::ctx_type ctx{};  // on the reader's stack, as refscale's
          uint64_t t0 = now_ns();
          for (int64_t n = 0; n < loops; ++n) {
            void* p = tb.design->hazptr_acquire(&ctx, tb.gp);
            tb.design->hazptr_release(&ctx, p);
          }
          took[size_t(i)] = now_ns() - t0;
        },
        err);
    if (!ok) return false;
    double sum = 0;
    for (uint64_t t : took) sum += double(t) / double(loops);
    out->push_back(sum / readers);
  }
  return !tb.warned(err);
}

// ns per hazptr_synchronize() of an object no reader holds, with `tasks` task_structs on the
// list (per-task designs walk them all). Cold: every line the host allocated is flushed before
// each call; warm: each timed call follows an untimed one.
template <hazptr::Design D>
bool time_synchronize(int tasks, int possible_cpus, size_t task_size, bool cold, int runs, std::vector<double>* out,
                      std::string* err) {
  HostConfig c;
  c.possible_cpus = possible_cpus;
  c.task_size = task_size;
  c.tasks = std::max(tasks, 1);  // the updater's own
  c.task_data_size = D::task_data_size;
  NativeTestbed<D> tb(c);
  bool ok = tb.host.run_pinned(
      1,
      [&](int) {
        const double clock = clock_read_ns();
        for (int run = 0; run < runs; ++run) {
          if (cold)
            tb.host.flush_caches();
          else
            tb.design->hazptr_synchronize(tb.object);
          uint64_t t0 = now_ns();
          tb.design->hazptr_synchronize(tb.object);
          out->push_back(std::max(0.0, double(now_ns() - t0) - clock));
        }
      },
      err);
  return ok && !tb.warned(err);
}

}  // namespace hazsim::native
