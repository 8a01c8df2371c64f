#include "sim/cost_profile.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "sim/files.h"

namespace hazsim {

namespace {

// A Skylake-SP-class x86-64 server core (Xeon Scalable, 2.4 GHz), out of order. Sources:
//   l1_hit 5, l2_hit 14: Intel 64 and IA-32 Architectures Optimization Reference Manual (2023),
//     Skylake server microarchitecture: L1D load-to-use 4-5 cycles, L2 14 cycles.
//   llc_hit 50: same manual, L3 "about 50-70 cycles" on Skylake server; the lower end.
//   dram 200: about 85 ns idle local memory latency (Intel Memory Latency Checker on Skylake-SP
//     as published in reviews), at 2.4 GHz.
//   transfer 110: David, Guerraoui and Trigonakis, "Everything You Always Wanted to Know About
//     Synchronization but Were Afraid to Ask", SOSP 2013, Table 2: same die, Modified, ~109.
//   full_fence 20: smp_mb() is `lock addl $0,-4(%rsp)` (arch/x86/include/asm/barrier.h), not
//     MFENCE; Agner Fog, Instruction tables (2022), Skylake: a locked ALU op about 18-20 cycles.
//   atomic 18: Agner Fog, Skylake LOCK XADD / LOCK CMPXCHG about 18.
//   pause 140: the Optimization Reference Manual, PAUSE about 140 cycles from Skylake on.
//   store_forward 5: Agner Fog, The microarchitecture of Intel, AMD and VIA CPUs (2022), Skylake:
//     store-to-load forwarding latency 4-5 cycles.
//   Caches: 32 KiB 8-way L1D, 1 MiB 16-way L2 per core, 1.375 MiB 11-way L3 per core x 28 cores.
//   window 224: the reorder buffer's entries (same manual), as cycles at about one access each.
//   issue_width 2: two loads and one store per cycle (same manual, Skylake's load/store ports).
//   pair_prefetch 1: the same manual's L2 "spatial prefetcher", which completes every line
//     fetched into L2 with the other line of its 128-byte aligned pair (on by default).
//   tlb_miss 0: the kernel's direct map, where task_structs live, is mapped with 1 GiB or 2 MiB
//     pages, so a walk of ten thousand tasks stays within the TLB's reach.
//   task_struct_bytes 8192: the order of an x86-64 distribution kernel's task_struct (its
//     /proc/slabinfo object size; native timing's default when slabinfo cannot be read).
CostProfile x86_server() {
  CostProfile p;
  p.name = "x86-server";
  p.clock_ghz = 2.4;
  p.l1_hit = 5;
  p.l2_hit = 14;
  p.llc_hit = 50;
  p.dram = 200;
  p.transfer = 110;
  p.full_fence = 20;
  p.atomic = 18;
  p.pause = 140;
  p.store_forward = 5;
  p.l1_lines = 512, p.l1_ways = 8;
  p.private_lines = 16384, p.private_ways = 16;
  p.llc_lines = 630784, p.llc_ways = 11;
  p.out_of_order = true;
  p.window = 224;
  p.issue_width = 2;
  p.pair_prefetch = 1;
  p.task_struct_bytes = 8192;
  return p;
}

// The model hazsim had before profiles (kept to compare with figures measured under it): every
// access charged its latency in sequence, one private level of 16,384 direct-mapped lines at 4
// cycles, an unbounded LLC at 40, smp_mb() as MFENCE (33, Agner Fog, Skylake).
CostProfile skylake_sp_inorder() {
  CostProfile p;
  p.name = "skylake-sp-inorder";
  p.l1_hit = p.l2_hit = 4;
  p.llc_hit = 40;
  p.transfer = 110;
  p.full_fence = 33;
  p.atomic = 18;
  p.pause = 140;
  p.l1_lines = p.private_lines = 16384;
  p.l1_ways = p.private_ways = 1;
  return p;
}

struct Key {
  const char* name;
  uint32_t CostProfile::*field;
  uint32_t max;
};
constexpr Key kKeys[] = {
    {"instruction", &CostProfile::instruction, 1000},   {"l1_hit", &CostProfile::l1_hit, 100000},
    {"l2_hit", &CostProfile::l2_hit, 100000},           {"llc_hit", &CostProfile::llc_hit, 100000},
    {"dram", &CostProfile::dram, 100000},               {"transfer", &CostProfile::transfer, 100000},
    {"full_fence", &CostProfile::full_fence, 100000},   {"atomic", &CostProfile::atomic, 100000},
    {"pause", &CostProfile::pause, 100000},             {"store_forward", &CostProfile::store_forward, 100000},
    {"l1_lines", &CostProfile::l1_lines, 1u << 26},
    {"l1_ways", &CostProfile::l1_ways, 64},             {"private_lines", &CostProfile::private_lines, 1u << 26},
    {"private_ways", &CostProfile::private_ways, 64},   {"llc_lines", &CostProfile::llc_lines, 1u << 28},
    {"llc_ways", &CostProfile::llc_ways, 64},           {"window", &CostProfile::window, 100000},
    {"issue_width", &CostProfile::issue_width, 16},
    {"pair_prefetch", &CostProfile::pair_prefetch, 1},  {"tlb_entries", &CostProfile::tlb_entries, 1u << 20},
    {"tlb_ways", &CostProfile::tlb_ways, 64},           {"tlb_page_bytes", &CostProfile::tlb_page_bytes, 1u << 30},
    {"tlb_miss", &CostProfile::tlb_miss, 100000},       {"task_struct_bytes", &CostProfile::task_struct_bytes, 1u << 20},
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A level's geometry must make sets: ways dividing lines.
bool check_level(const char* what, uint32_t lines, uint32_t ways, bool may_be_unbounded, std::string* err) {
  if (lines == 0 && may_be_unbounded) return true;
  if (lines == 0 || ways == 0 || lines % ways != 0) {
    *err = fmt::format("{}: {}_lines ({}) must be a multiple of {}_ways ({}), neither 0", what, what, lines, what, ways);
    return false;
  }
  return true;
}

}  // namespace

const CostProfile& default_cost_profile() {
  static const CostProfile p = x86_server();
  return p;
}

std::vector<std::string> cost_profile_names() { return {"x86-server", "skylake-sp-inorder"}; }

bool load_cost_profile(const std::string& name_or_file, CostProfile* out, std::string* err) {
  if (name_or_file == "x86-server") return *out = x86_server(), true;
  if (name_or_file == "skylake-sp-inorder") return *out = skylake_sp_inorder(), true;
  std::string text;
  if (!read_file(name_or_file, &text, err)) {
    *err = fmt::format("cost profile '{}': not a built-in profile (x86-server, skylake-sp-inorder) and {}",
                       name_or_file, *err);
    return false;
  }
  return parse_cost_profile(text, name_or_file, out, err);
}

bool parse_cost_profile(const std::string& text, const std::string& name, CostProfile* out, std::string* err) {
  // A file starts from x86-server: what calibrate cannot measure (the window) keeps that
  // profile's values.
  CostProfile p = x86_server();
  p.name = name;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    auto bad = [&](const std::string& why) {
      *err = fmt::format("{}:{}: {}", name, line_no, why);
      return false;
    };
    size_t eq = line.find('=');
    if (eq == std::string::npos) return bad("expected key = value");
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(v) || v < 0)
      return bad(fmt::format("{} = '{}': expected a number >= 0", key, value));
    if (key == "clock_ghz") {
      if (v > 100) return bad("clock_ghz above 100");
      p.clock_ghz = v;
      continue;
    }
    if (key == "out_of_order") {
      if (v != 0 && v != 1) return bad("out_of_order: 0 or 1");
      p.out_of_order = v == 1;
      continue;
    }
    const Key* k = nullptr;
    for (const Key& c : kKeys)
      if (key == c.name) k = &c;
    if (!k) return bad(fmt::format("unknown key '{}'", key));
    if (v > k->max) return bad(fmt::format("{} = {}: at most {}", key, value, k->max));
    p.*(k->field) = uint32_t(std::lround(v));
  }
  if (!check_level("l1", p.l1_lines, p.l1_ways, false, err) ||
      !check_level("private", p.private_lines, p.private_ways, false, err) ||
      !check_level("llc", p.llc_lines, p.llc_ways, true, err)) {
    *err = name + ": " + *err;
    return false;
  }
  if (p.tlb_miss != 0) {
    if (p.tlb_entries == 0 || p.tlb_ways == 0 || p.tlb_entries % p.tlb_ways != 0) {
      *err = fmt::format("{}: tlb_entries ({}) must be a multiple of tlb_ways ({}), neither 0 when tlb_miss is not",
                         name, p.tlb_entries, p.tlb_ways);
      return false;
    }
    if (p.tlb_page_bytes < 4096 || (p.tlb_page_bytes & (p.tlb_page_bytes - 1)) != 0) {
      *err = fmt::format("{}: tlb_page_bytes ({}) must be a power of two, at least 4096", name, p.tlb_page_bytes);
      return false;
    }
  }
  // The machine widens a task_struct the design's fields do not fit in (sched/machine.cc); below
  // this, the layout's offsets (kapi/task_struct_layout.h) would not fit at all.
  if (p.task_struct_bytes != 0 && p.task_struct_bytes < kMinTaskStructBytes) {
    *err = fmt::format("{}: task_struct_bytes ({}) below {} (0: no task_struct layout)", name, p.task_struct_bytes,
                       kMinTaskStructBytes);
    return false;
  }
  if (p.issue_width == 0 || p.instruction == 0) {
    *err = fmt::format("{}: issue_width and instruction must be at least 1", name);
    return false;
  }
  if (p.l1_lines > p.private_lines) {
    *err = fmt::format("{}: l1_lines ({}) above private_lines ({}): L2 includes L1", name, p.l1_lines,
                       p.private_lines);
    return false;
  }
  *out = p;
  return true;
}

std::string cost_profile_text(const CostProfile& p) {
  std::string name;  // a comment holds no line break
  for (char c : p.name) name += c == '\n' || c == '\r' ? ' ' : c;
  std::string s = fmt::format("# cost profile {}\nclock_ghz = {}\nout_of_order = {}\n", name, p.clock_ghz,
                              p.out_of_order ? 1 : 0);
  for (const Key& k : kKeys) s += fmt::format("{} = {}\n", k.name, p.*(k.field));
  return s;
}

}  // namespace hazsim
