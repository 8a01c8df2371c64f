#include "native/host.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <numeric>
#include <random>
#include <sstream>
#include <thread>

#include "native/barriers.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace hazsim::native {

namespace {

constexpr size_t kLine = 64;
constexpr size_t kHugePage = 2u << 20;
// When /proc/slabinfo cannot be read (it needs root): an x86-64 distribution kernel's order.
constexpr size_t kDefaultTaskSize = 8192;

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

size_t parse_cache_size(const std::string& s) {
  size_t n = 0, i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') n = n * 10 + size_t(s[i++] - '0');
  if (i < s.size() && s[i] == 'K') n *= 1024;
  if (i < s.size() && s[i] == 'M') n *= 1024 * 1024;
  return n;
}

}  // namespace

std::vector<int> online_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

HostInfo describe_host() {
  HostInfo h;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 || line.rfind("CPU part", 0) == 0) {
      h.cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  if (h.cpu_model.empty()) h.cpu_model = "unknown CPU";
  utsname u{};
  if (uname(&u) == 0) h.kernel = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  h.online_cpus = int(online_cpus().size());
  for (int i = 0; i < 8; ++i) {
    std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", i);
    std::string size = read_first_line(dir + "size");
    if (size.empty()) break;
    std::string level = read_first_line(dir + "level"), type = read_first_line(dir + "type");
    if (type == "Instruction") continue;
    h.caches += fmt::format("{}L{} {}", h.caches.empty() ? "" : ", ", level, size);
    std::string ways = read_first_line(dir + "ways_of_associativity");
    HostInfo::CacheLevel l{parse_cache_size(size), unsigned(std::strtoul(ways.c_str(), nullptr, 10))};
    if (level == "1") h.l1d = l;
    if (level == "2") h.l2 = l;
    if (level == "3") h.llc = l;
  }
  // Some guests have no cache directory in sysfs (a Firecracker microVM has none): the C library
  // reads the same from CPUID. Its last level is left out: a hypervisor's CPUID may describe a
  // cache the guest does not have (seen: "508 MiB", 0-way), and calibrate measures that level's
  // effective size instead.
  if (h.caches.empty()) {
    auto level = [&](const char* name, int size_key, int ways_key, HostInfo::CacheLevel* l) {
      long bytes = sysconf(size_key), ways = sysconf(ways_key);
      if (bytes <= 0 || ways <= 0) return;
      *l = {size_t(bytes), unsigned(ways)};
      h.caches += fmt::format("{}{} {}K", h.caches.empty() ? "" : ", ", name, bytes >> 10);
    };
    level("L1", _SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL1_DCACHE_ASSOC, &h.l1d);
    level("L2", _SC_LEVEL2_CACHE_SIZE, _SC_LEVEL2_CACHE_ASSOC, &h.l2);
    if (!h.caches.empty()) h.caches += " (CPUID: no sysfs cache directory)";
  }
  std::ifstream slab("/proc/slabinfo");
  for (std::string line; std::getline(slab, line);) {
    if (line.rfind("task_struct ", 0) != 0) continue;
    std::istringstream in(line);
    std::string name;
    size_t active = 0, total = 0, objsize = 0;
    if (in >> name >> active >> total >> objsize) h.task_struct_size = objsize;
  }
  h.barriers = barrier_flavour();
  return h;
}

HugeMapping::HugeMapping(size_t bytes) : bytes_(bytes) {
  map_bytes_ = round_up(std::max<size_t>(bytes, 1), kHugePage) + kHugePage;
  void* map = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) throw std::bad_alloc();
  map_ = static_cast<char*>(map);
  base_ = reinterpret_cast<char*>(round_up(reinterpret_cast<uintptr_t>(map_), kHugePage));
  madvise(base_, round_up(std::max<size_t>(bytes, 1), kHugePage), MADV_HUGEPAGE);
  std::memset(base_, 0, bytes_);  // touched now: the pages are there before anything is timed
}

HugeMapping::~HugeMapping() { munmap(map_, map_bytes_); }

size_t Host::task_size_for(size_t requested, size_t data_size) {
  if (requested == 0) {
    size_t host = describe_host().task_struct_size;
    requested = host ? host : kDefaultTaskSize;
  }
  return round_up(std::max(requested, kDataOffset + data_size), kLine);
}

Host::Host(const HostConfig& c) : cfg_(c) {
  cfg_.task_size = task_size_for(cfg_.task_size, cfg_.task_data_size);
  if (cfg_.tasks > 0) {
    // Apart from alloc()'s list: flush_caches() flushes only the lines of a task a walk reads.
    // On 2 MiB pages: a walk of 4 KiB pages would pay a page-table walk per task that the kernel's
    // direct map spares it (measured: the warm walk of 10,000 tasks took twice as long).
    task_memory_ = std::make_unique<HugeMapping>(size_t(cfg_.tasks) * cfg_.task_size);
    tasks_ = task_memory_->data();
    // The list in a shuffled order: a long-running system's task list is not in address order,
    // so the walk is a pointer chase the prefetchers cannot follow.
    std::vector<int> order(size_t(cfg_.tasks));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(cfg_.seed);
    if (order.size() > 2) std::shuffle(order.begin() + 1, order.end(), rng);
    first_ = task(order[0]);
    for (size_t i = 0; i < order.size(); ++i) {
      char* next = i + 1 < order.size() ? task(order[i + 1]) : nullptr;
      std::memcpy(task(order[i]) + kLinkOffset, &next, sizeof next);
    }
  }
  current_ = this;
}

Host::~Host() {
  for (void* p : deferred_) std::free(p);
  for (auto& [p, n] : allocations_) std::free(p);
  if (current_ == this) current_ = nullptr;
}

void* Host::alloc(size_t size, size_t align) {
  size_t n = round_up(std::max<size_t>(size, 1), align);
  void* p = std::aligned_alloc(align, n);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, n);
  std::lock_guard<std::mutex> g(mu_);
  allocations_.emplace_back(p, n);
  return p;
}

void Host::defer_free(void* p) {
  std::lock_guard<std::mutex> g(mu_);
  deferred_.push_back(p);
}

void Host::flush_caches() {
#if defined(__x86_64__)
  auto flush = [](const char* p, size_t n) {
    for (size_t off = 0; off < n; off += kLine) _mm_clflush(p + off);
  };
  size_t data_bytes = round_up(std::max<size_t>(cfg_.task_data_size, 1), kLine);
  for (int i = 0; i < cfg_.tasks; ++i) {
    flush(task(i) + kLinkOffset, kLine);
    flush(task(i) + kDataOffset, data_bytes);
  }
  // The design's own memory last: a flush goes through the TLB too, and flushing ten thousand
  // tasks' pages after it evicted its translations (a per-CPU synchronize, which never looks at a
  // task, took three times as long cold with 10,000 tasks as with one). Cold means the caches
  // here, as in the model, whose flush keeps the TLB.
  for (auto& [p, n] : allocations_) flush(static_cast<char*>(p), n);
  _mm_mfence();
#else
  HostInfo h = describe_host();
  size_t llc = h.llc.bytes ? h.llc.bytes : h.l2.bytes;
  size_t bytes = std::clamp<size_t>(2 * llc, 64 << 20, 1ull << 30);
  std::vector<char> evict(bytes, 1);
  volatile char sink = 0;
  for (size_t off = 0; off < bytes; off += kLine) sink = char(sink + evict[off]);
#endif
}

void Host::warn(const char* text) {
  std::lock_guard<std::mutex> g(mu_);
  if (warnings_++ == 0) first_warning_ = text;
}
uint64_t Host::warnings() const {
  std::lock_guard<std::mutex> g(mu_);
  return warnings_;
}
std::string Host::first_warning() const {
  std::lock_guard<std::mutex> g(mu_);
  return first_warning_;
}

bool Host::run_pinned(int n, const std::function<void(int)>& fn, std::string* err) {
  std::vector<int> cpus = online_cpus();
  if (n > int(cpus.size())) {
    *err = fmt::format("{} threads, but this host has {} online CPUs (one thread per CPU: preemption cannot be "
                       "turned off in user mode)",
                       n, cpus.size());
    return false;
  }
  if (n > cfg_.possible_cpus) {
    *err = fmt::format("{} threads on {} possible CPUs", n, cfg_.possible_cpus);
    return false;
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(cpus[size_t(i)], &set);
      pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      tl_thread = ThreadState{};
      tl_thread.cpu = i;
      tl_thread.pid = i + 1;
      tl_thread.task_data = i < cfg_.tasks ? task_data(task(i)) : nullptr;
      // Every thread pinned before any starts, so none measures while another is still moving.
      ready.fetch_add(1);
      while (ready.load() < n) std::this_thread::yield();
      fn(i);
    });
  }
  for (auto& t : threads) t.join();
  return true;
}

}  // namespace hazsim::native
