#include "native/calibrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <fstream>
#include <numeric>
#include <random>
#include <vector>

#include "native/barriers.h"
#include "native/refscale.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hazsim::native {

namespace {

constexpr size_t kLine = 64;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// ns per iteration of fn(iterations), the median of `rounds`.
template <class F>
double ns_per(int rounds, uint64_t iterations, F fn) {
  std::vector<double> r;
  for (int i = 0; i < rounds; ++i) {
    uint64_t t0 = now_ns();
    fn(iterations);
    r.push_back(double(now_ns() - t0) / double(iterations));
  }
  return median(r);
}

// Cycles per ns: a chain of dependent register adds retires one per cycle on every x86-64 and
// arm64 core. (Adds of an immediate do not do: Golden Cove's renamer folds them, and a chain of
// them ran at "17 GHz" on a Sapphire Rapids guest.)
double measure_clock_ghz(int rounds, uint64_t iterations) {
  double ns = ns_per(rounds, iterations, [](uint64_t n) {
    uint64_t x = 0, one = 1;
    asm volatile("" : "+r"(one));
    for (uint64_t i = 0; i < n; ++i) {
#if defined(__x86_64__)
      asm volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                   "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                   : "+r"(x)
                   : "r"(one));
#elif defined(__aarch64__)
      asm volatile("add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\t"
                   "add %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1\n\tadd %0, %0, %1"
                   : "+r"(x)
                   : "r"(one));
#else
      x = x * 3 + one;
      asm volatile("" : "+r"(x));
#endif
    }
  });
  return 10.0 / ns;
}

// A random cycle through every line of `bytes`: each load's address is the value of the one before.
void build_chase(char* buf, size_t bytes, uint64_t seed) {
  size_t lines = bytes / kLine;
  std::vector<size_t> order(lines);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i = 0; i < lines; ++i) {
    char* next = buf + order[(i + 1) % lines] * kLine;
    std::memcpy(buf + order[i] * kLine, &next, sizeof next);
  }
}

char* chase(char* p, uint64_t steps) {
  for (uint64_t i = 0; i < steps; ++i) p = *reinterpret_cast<char* volatile*>(p);
  return p;
}

// ns per load of a chase that stays within `bytes` (warmed first: the level that holds it).
double chase_ns(size_t bytes, int rounds, uint64_t steps) {
  HugeMapping m(bytes);
  build_chase(m.data(), bytes, bytes);
  char* p = chase(m.data(), bytes / kLine * 2);
  double ns = ns_per(rounds, steps, [&](uint64_t n) { p = chase(p, n); });
  asm volatile("" : : "r"(p));
  return ns;
}

// Every line of [p, p + bytes) out of every cache.
void flush_lines(char* p, size_t bytes) {
#if defined(__x86_64__)
  for (size_t off = 0; off < bytes; off += kLine) _mm_clflush(p + off);
  _mm_mfence();
#else
  (void)p, (void)bytes;
  std::vector<char> evict(size_t(512) << 20, 1);  // no user-mode flush: evict by volume
  volatile char sink = 0;
  for (size_t off = 0; off < evict.size(); off += kLine) sink = char(sink + evict[off]);
#endif
}

// ns per load of a chase whose every line was flushed from every cache first: memory.
double dram_ns(int rounds, size_t lines) {
  size_t bytes = lines * kLine;
  HugeMapping m(bytes);
  std::vector<double> r;
  for (int i = 0; i < rounds; ++i) {
    build_chase(m.data(), bytes, uint64_t(i) + 1);
    char* p = chase(m.data(), bytes / kLine);  // every line's page touched (TLB, page tables)
    flush_lines(m.data(), bytes);
    uint64_t t0 = now_ns();
    p = chase(p, lines);
    r.push_back(double(now_ns() - t0) / double(lines));
    asm volatile("" : : "r"(p));
  }
  return median(r);
}

// ns per load of a warm chase through `n` lines, one in each `stride` bytes (at a random line of
// its block, so that the lines spread over the caches' sets); stride 64: the lines packed. With
// 4 KiB strides, past the TLB's reach every load also pays a translation.
double spread_chase_ns(size_t n, size_t stride, int rounds, uint64_t steps) {
  HugeMapping m(n * stride);
  std::mt19937_64 rng(n * 31 + stride);
  std::vector<char*> at(n);
  for (size_t i = 0; i < n; ++i) at[i] = m.data() + i * stride + (rng() % (stride / kLine)) * kLine;
  std::shuffle(at.begin(), at.end(), rng);
  for (size_t i = 0; i < n; ++i) std::memcpy(at[i], &at[(i + 1) % n], sizeof(char*));
  char* p = chase(at[0], 2 * n);
  double ns = ns_per(rounds, steps, [&](uint64_t k) { p = chase(p, k); });
  asm volatile("" : : "r"(p));
  return ns;
}

// The pair prefetcher: with every line flushed, a chase through the even lines of `pairs`
// 128-byte pairs, then a timed chase through the odd ones; ns per load of the second. A host
// that completes pairs serves it from its caches, one that does not from memory.
double odd_after_even_ns(int rounds, size_t pairs) {
  size_t bytes = pairs * 2 * kLine;
  HugeMapping m(bytes);
  std::vector<double> r;
  for (int i = 0; i < rounds; ++i) {
    std::vector<size_t> order(pairs);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(uint64_t(i) + 7);
    for (size_t half = 0; half < 2; ++half) {
      std::shuffle(order.begin(), order.end(), rng);
      for (size_t k = 0; k < pairs; ++k) {
        char* next = m.data() + (order[(k + 1) % pairs] * 2 + half) * kLine;
        std::memcpy(m.data() + (order[k] * 2 + half) * kLine, &next, sizeof next);
      }
    }
    char* even = chase(m.data(), 2 * pairs);  // pages touched
    char* odd = chase(m.data() + kLine, 2 * pairs);
    flush_lines(m.data(), bytes);
    even = chase(even, pairs);
    uint64_t t0 = now_ns();
    odd = chase(odd, pairs);
    r.push_back(double(now_ns() - t0) / double(pairs));
    asm volatile("" : : "r"(even), "r"(odd));
  }
  return median(r);
}

// Accesses per cycle: eight independent loads of L1-resident lines per iteration (their sum
// keeps them live), the loop's own add and branch beside them.
double loads_per_ns(int rounds, uint64_t n) {
  alignas(64) static volatile long lines[8 * 8] = {};
  double ns = ns_per(rounds, n, [](uint64_t k) {
    long sum = 0;
    for (uint64_t i = 0; i < k; ++i)
      sum += lines[0] + lines[8] + lines[16] + lines[24] + lines[32] + lines[40] + lines[48] + lines[56];
    asm volatile("" : : "r"(sum));
  });
  return 8 / ns;
}

// A counter incremented through memory: each load takes the last store's data, so an iteration
// is the forwarding latency plus the add.
double forward_ns(int rounds, uint64_t n) {
  alignas(64) static long counter = 0;
  return ns_per(rounds, n, [](uint64_t k) {
    for (uint64_t i = 0; i < k; ++i)
      __atomic_store_n(&counter, __atomic_load_n(&counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
  });
}

double fence_ns(int rounds, uint64_t n) {
  return ns_per(rounds, n, [](uint64_t k) {
    for (uint64_t i = 0; i < k; ++i) smp_mb_insn();
  });
}

double atomic_ns(int rounds, uint64_t n) {
  alignas(64) static long counter = 0;
  return ns_per(rounds, n, [](uint64_t k) {
    for (uint64_t i = 0; i < k; ++i) __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
  });
}

double pause_ns(int rounds, uint64_t n) {
  return ns_per(rounds, n, [](uint64_t k) {
    for (uint64_t i = 0; i < k; ++i) cpu_relax_insn();
  });
}

// One cache-line transfer: half a round trip of a flag bounced between two pinned threads.
double transfer_ns(int rounds, uint64_t trips) {
  HostConfig c;
  c.possible_cpus = 2;
  Host host(c);
  std::vector<double> r;
  for (int round = 0; round < rounds; ++round) {
    alignas(64) static std::atomic<uint64_t> flag{0};
    flag.store(0);
    double took = 0;
    std::string err;
    bool ok = host.run_pinned(
        2,
        [&](int cpu) {
          uint64_t t0 = now_ns();
          for (uint64_t i = 0; i < trips; ++i) {
            uint64_t want = 2 * i + uint64_t(cpu);
            while (flag.load(std::memory_order_acquire) != want) cpu_relax_insn();
            flag.store(want + 1, std::memory_order_release);
          }
          if (cpu == 0) took = double(now_ns() - t0);
        },
        &err);
    if (!ok) return 0;
    r.push_back(took / double(trips) / 2);
  }
  return median(r);
}

}  // namespace

Calibration calibrate(bool quick) {
  Calibration c;
  c.host = describe_host();
  int rounds = quick ? 3 : 7;
  uint64_t scale = quick ? 1 : 10;
  // Pinned to the first online CPU, so each chase stays on one core's caches.
  HostConfig hc;
  hc.possible_cpus = 1;
  Host host(hc);
  std::string err;
  host.run_pinned(
      1,
      [&](int) {
        c.clock_ghz = measure_clock_ghz(rounds, 200000 * scale);
        c.l1_hit = chase_ns(16 << 10, rounds, 200000 * scale) * c.clock_ghz;
        size_t l2 = c.host.l2.bytes ? c.host.l2.bytes : 1 << 20;
        size_t llc = c.host.llc.ways ? c.host.llc.bytes : 0;  // a size without ways makes no sets
        c.l2_hit = chase_ns(std::max<size_t>(l2 / 4, 64 << 10), rounds, 200000 * scale) * c.clock_ghz;
        // Past the private levels, within the LLC: four times L2, at most half the LLC (when its
        // size is known; a cloud guest's share of an LLC can be a few MiB).
        size_t llc_set = llc ? std::min(std::max<size_t>(l2 * 4, 8 << 20), std::max<size_t>(llc / 2, l2 * 2)) : l2 * 4;
        c.dram = dram_ns(rounds, quick ? 4096 : 32768) * c.clock_ghz;
        c.llc_hit = chase_ns(llc_set, rounds, 100000 * scale) * c.clock_ghz;
        // A set the LLC did not keep (smaller than we took it for, or shared with a busy
        // neighbour: seen under the test suite's load, 341 cycles against memory's 307) is halved
        // down to twice L2; if even that is not nearer than memory, the level cannot be told
        // apart on this run and is written as memory's latency, with a comment saying so.
        while (c.llc_hit >= c.dram && llc_set > l2 * 2) {
          llc_set /= 2;
          c.llc_hit = chase_ns(llc_set, rounds, 100000 * scale) * c.clock_ghz;
        }
        c.llc_unclear = c.llc_hit >= c.dram;
        if (c.llc_unclear) c.llc_hit = c.dram;
        c.llc_bytes = llc;
        if (llc == 0) {  // its effective size: the largest packed chase still nearer llc_hit than memory
          for (size_t s = llc_set; s <= (quick ? 32u : 256u) << 20; s *= 2) {
            if (chase_ns(s, rounds, 50000 * scale) * c.clock_ghz > (c.llc_hit + c.dram) / 2) break;
            c.llc_bytes = s;
          }
          if (c.llc_bytes == 0) c.llc_bytes = l2 * 2;
        }
        // Translation at 4 KiB pages: lines one per page against the same lines packed, at a span
        // past any TLB's reach (64 MiB), then at growing spans for the reach.
        constexpr size_t kPage = 4096, kFarPages = 16384;
        auto page_cost = [&](size_t n) {
          return (spread_chase_ns(n, kPage, rounds, 50000 * scale) - spread_chase_ns(n, kLine, rounds, 50000 * scale)) *
                 c.clock_ghz;
        };
        c.tlb_miss = std::max(0.0, page_cost(kFarPages));
        for (size_t n = 512; n <= kFarPages / 2 && c.tlb_miss >= kTlbMissFloor; n *= 2) {
          if (page_cost(n) > c.tlb_miss / 4) break;
          c.tlb_entries = n;
        }
        c.pair_ns = odd_after_even_ns(rounds, 2048) * c.clock_ghz;
        c.full_fence = fence_ns(rounds, 100000 * scale) * c.clock_ghz;
        c.atomic = atomic_ns(rounds, 100000 * scale) * c.clock_ghz;
        c.pause = pause_ns(rounds, 20000 * scale) * c.clock_ghz;
        c.store_forward = std::max(0.0, forward_ns(rounds, 100000 * scale) * c.clock_ghz - 1);
        c.issue_width = std::max(1.0, loads_per_ns(rounds, 100000 * scale) / c.clock_ghz);
      },
      &err);
  if (c.host.online_cpus >= 2) c.transfer = transfer_ns(rounds, 20000 * scale) * c.clock_ghz;
  return c;
}

std::string profile_text(const Calibration& c) {
  std::string s = fmt::format(
      "# hazsim cost profile, measured by `hazsim calibrate` on this host:\n# {}, {} online CPUs; caches {}; {}\n"
      "# Cycles are core cycles at the measured clock. Load latencies: a pointer chase through a random cycle of\n"
      "# lines on 2 MiB pages, within a set that fits the level (memory: every line flushed first).\n",
      c.host.cpu_model, c.host.online_cpus, c.host.caches, c.host.kernel);
  auto line = [&](const char* key, double v, const char* how) {
    s += fmt::format("{} = {:.1f}  # {}\n", key, v, how);
  };
  line("clock_ghz", c.clock_ghz, "a chain of dependent adds, one per cycle");
  line("l1_hit", c.l1_hit, "load-to-use, a chase within 16 KiB");
  line("l2_hit", c.l2_hit, "a chase within a quarter of L2");
  line("llc_hit", c.llc_hit,
       c.llc_unclear ? "NOT MEASURED: a chase past L2 was no faster than memory on this run (a loaded host?); rerun"
                     : "a chase past L2, within the last-level cache");
  line("dram", c.dram, "a chase through flushed lines");
  line("transfer", c.transfer, "half the round trip of a line bounced between two CPUs (0: one CPU)");
  line("full_fence", c.full_fence, fmt::format("smp_mb() back to back ({})", barrier_flavour()).c_str());
  line("atomic", c.atomic, "a locked add-return on a line already held, back to back");
  line("pause", c.pause, "cpu_relax() back to back");
  line("store_forward", c.store_forward, "a counter incremented through memory, less the add");
  s += fmt::format("pair_prefetch = {}  # flushed lines: the odd lines of 128-byte pairs after a chase through the even "
                   "ones, {:.0f} cycles a load (memory: {:.0f})\n",
                   c.pair_ns < c.dram / 2 ? 1 : 0, c.pair_ns, c.dram);
  if (c.tlb_miss < kTlbMissFloor) {
    s += fmt::format("tlb_miss = 0  # lines one per 4 KiB page over 64 MiB cost {:.1f} cycles more than packed: "
                     "this host translates them with larger pages\n",
                     c.tlb_miss);
  } else {
    s += fmt::format("tlb_page_bytes = 4096\ntlb_miss = {:.1f}  # lines one per 4 KiB page over 64 MiB, less the "
                     "same lines packed\n",
                     c.tlb_miss);
    s += fmt::format("tlb_entries = {}  # the most pages such a chase spans for under a quarter of that\n"
                     "tlb_ways = 8  # not measured\n",
                     std::max<size_t>(c.tlb_entries, 512));
  }
  if (c.host.task_struct_size)
    s += fmt::format("task_struct_bytes = {}  # /proc/slabinfo\n", std::max<size_t>(c.host.task_struct_size, 2048));
  s += fmt::format("issue_width = {}  # independent L1 loads per cycle ({:.2f} measured)\n", std::lround(c.issue_width),
                   c.issue_width);
  // A level's lines as whole sets (a multiple of its ways), as sysfs gives size and ways.
  auto level = [&](const char* name, const HostInfo::CacheLevel& l, const char* what) {
    if (l.bytes == 0 || l.ways == 0) return;
    size_t lines = l.bytes / kLine / l.ways * l.ways;
    s += fmt::format("{}_lines = {}  # {}: {} bytes / 64 (as the host gives it)\n{}_ways = {}\n", name, lines, what, l.bytes, name,
                     l.ways);
  };
  level("l1", c.host.l1d, "L1d");
  level("private", c.host.l2, "L2");
  if (c.host.llc.bytes && c.host.llc.ways) {
    level("llc", c.host.llc, "the last-level cache");
  } else if (c.llc_bytes) {
    s += fmt::format("llc_lines = {}  # the largest packed chase, doubling from 4x L2, nearer llc_hit than memory: {} "
                     "KiB / 64 (no size given)\nllc_ways = 16  # not measured\n",
                     c.llc_bytes / kLine / 16 * 16, c.llc_bytes >> 10);
  }
  return s;
}

}  // namespace hazsim::native
