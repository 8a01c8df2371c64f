#include "kshim/loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <algorithm>
#include <fstream>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "kshim/object_symbols.h"
#include "kshim/runtime.h"
#include "kshim/shim_files.h"

namespace hazsim::kshim {
namespace fs = std::filesystem;

namespace {

struct Glue {
  const char* name;
  const char* marker;  // a text of include/linux/hazptr.h that only this version has
};
// Newest first: the v5 header has no hazptr_ctx_list, the v4 one no struct hazptr_slot_item. A
// header may also name its glue (`hazsim-glue: NAME`), as the project's own test trees do.
constexpr Glue kGlues[] = {
    {"v5", "struct hazptr_slot_item"},
    {"v4", "hazptr_ctx_list"},
    {"textbook", "hazsim-glue: textbook"},
    {"none", "hazsim-glue: none"},
};

// The text of an embedded shim file (shim/glue/..., shim/include/...), or "".
std::string shim_text(std::string_view path) {
  for (size_t i = 0; i < kShimFileCount; ++i)
    if (kShimFiles[i].path == path) return kShimFiles[i].text;
  return "";
}

// Flags of the kernel translation unit. -ffreestanding and -nostdinc: only the compiler's own
// headers and the shim's, so a kernel facility the shim lacks is an error, not a libc lookalike.
// -fexceptions: a run that stops unwinds through C frames (and runs their guard() cleanups).
constexpr const char* kKernelFlags =
    "-std=gnu11 -O2 -g -fPIC -ffreestanding -fexceptions -fno-common -fvisibility=hidden "
    "-fsanitize=thread --param tsan-distinguish-volatile=1 --param tsan-instrument-func-entry-exit=0 "
    "-Werror=implicit-function-declaration -Wno-unused-function";
// A small test in C++ (<hazsim/test.h>): the same instrumentation, freestanding as the kernel (no
// C++ library headers), no thread-safe statics (the machine's threads are fibers of one host thread),
// no tail calls (a delete at a function's end would return past the line that called it). No
// exceptions but unwind tables: a run that stops unwinds through the test's frames, and noexcept
// ones (destructors, delete) must not turn that into std::terminate(); the test cannot catch it.
constexpr const char* kCxxFlags =
    "-std=gnu++20 -O2 -g -fPIC -ffreestanding -fno-exceptions -fasynchronous-unwind-tables -fno-threadsafe-statics "
    "-fno-optimize-sibling-calls "
    "-fvisibility=hidden "
    "-fsanitize=thread --param tsan-distinguish-volatile=1 --param tsan-instrument-func-entry-exit=0 "
    "-Wno-unused-function";
// Raised whenever what build() writes changes (the site table, the globals), so that objects
// cached by an older hazsim are rebuilt.
constexpr int kLoaderVersion = 2;
constexpr const char* kLinkC = "gcc -shared -Wl,-z,defs";
constexpr const char* kLinkCxx = "g++ -shared -Wl,-z,defs -Wl,-Bsymbolic";
constexpr const char* kEntryFlags = "-std=gnu11 -O2 -fPIC -ffreestanding -fexceptions -fvisibility=hidden";

struct Loaded {
  hazptr::KernelObject object;
  PlainSites sites;
  void* handle = nullptr;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; its stdout and stderr together.
int run(const std::string& cmd, std::string* output) {
  output->clear();
  FILE* f = popen((cmd + " 2>&1").c_str(), "r");
  if (!f) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) output->append(buf, n);
  int st = pclose(f);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool read_file(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool write_file(const fs::path& p, const std::string& text) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary);
  out << text;
  return bool(out);
}

uint64_t fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return (h ^ 0xff) * 1099511628211ull;  // a separator, so ("ab","c") and ("a","bc") differ
}

fs::path cache_root() {
  if (const char* d = std::getenv("HAZSIM_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("TEST_TMPDIR"); d && *d) return fs::path(d) / "hazsim-cache";
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return fs::path(d) / "hazsim";
  if (const char* d = std::getenv("HOME"); d && *d) return fs::path(d) / ".cache" / "hazsim";
  return fs::temp_directory_path() / "hazsim-cache";
}

std::string first_line_with(const std::string& text, std::string_view what) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(what) != std::string::npos) return line;
  return "";
}

// Build-tree paths as the user knows them: the tree's files under DIR, the shim's under kshim/.
std::string user_path(std::string s, const std::string& dir) {
  auto swap = [&](const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
      if (pos != 0 && s[pos - 1] != ' ' && s[pos - 1] != '\'' && s[pos - 1] != '<') continue;
      s.replace(pos, from.size(), to);
    }
  };
  swap("shim/include/hazsim/kshim_abi.h", "kapi/kshim_abi.h");
  swap("shim/include/", "kshim/include/");
  swap("shim/glue/", "kshim/glue/");
  swap("kernel/hazptr.c", dir + "/kernel/hazptr.c");
  swap("include/linux/hazptr.h", dir + "/include/linux/hazptr.h");
  return s;
}

std::string between(const std::string& s, char open, char close) {
  size_t a = s.find(open);
  if (a == std::string::npos) return "";
  size_t b = s.find(close, a + 1);
  return b == std::string::npos ? "" : s.substr(a + 1, b - a - 1);
}

// gcc's first error as one line; a kernel facility the shim lacks is named as such.
std::string compile_error(const std::string& out, const std::string& dir, const std::string& design) {
  std::string fatal = first_line_with(out, "fatal error: ");
  std::string err = first_line_with(out, ": error: ");
  std::string line = !fatal.empty() ? fatal : err;
  if (line.empty()) return fmt::format("{}: gcc failed: {}", design, user_path(out.substr(0, out.find('\n')), dir));
  std::string where = user_path(line.substr(0, line.find(": ")), dir);
  where = where.substr(0, where.rfind(':'));  // file:line, without the column
  if (line.find("No such file or directory") != std::string::npos) {
    std::string header = line.substr(line.find("fatal error: ") + 13);
    header = header.substr(0, header.find(':'));
    if (header.find('.') == std::string::npos)
      return fmt::format("{}: a C++ test has no C++ library, as the kernel has none (<{}>, {}): <hazsim/test.h> and "
                         "the kernel's headers are what it has",
                         design, header, where);
    return fmt::format("{}: hazsim's kernel headers do not provide <{}> ({}): add kshim/include/{}", design, header,
                       where, header);
  }
  if (line.find("implicit declaration of function") != std::string::npos && design == kNoDesign &&
      between(line, '\'', '\'').starts_with("hazptr_"))
    return fmt::format("{}: a small test has no hazard-pointer design, so no {}() ({}): run it with one "
                       "(--design kernel:DIR)",
                       design, between(line, '\'', '\''), where);
  if (line.find("implicit declaration of function") != std::string::npos)
    return fmt::format("{}: hazsim's kernel headers do not provide {}() ({}): add it to kshim/include/linux/", design,
                       between(line, '\'', '\''), where);
  if (line.find("undeclared") != std::string::npos)
    return fmt::format("{}: hazsim's kernel headers do not provide {} ({}): add it to kshim/include/linux/", design,
                       between(line, '\'', '\''), where);
  return fmt::format("{}: gcc: {}", design, user_path(line, dir));
}

bool is_cxx(const std::string& path) {
  return path.ends_with(".cc") || path.ends_with(".cpp") || path.ends_with(".cxx");
}

// Builds object.so and sites.tsv in `work` (a fresh directory); "" or the error.
std::string build(const fs::path& work, const std::string& dir, const std::string& design, const std::string& glue,
                  const std::string& defines, const std::string& header, const std::string& source,
                  const std::string& workload, const std::string& workload_text) {
  for (size_t i = 0; i < kShimFileCount; ++i)
    if (!write_file(work / kShimFiles[i].path, kShimFiles[i].text))
      return fmt::format("{}: cannot write the build tree under {}", design, work.string());
  write_file(work / "include/linux/hazptr.h", header);
  write_file(work / "kernel/hazptr.c", source);
  // One translation unit: the tree's file, then the glue (which reaches its static variables).
  write_file(work / "hazsim_object.c", "#include \"kernel/hazptr.c\"\n#include <hazsim/glue.c>\n");
  std::string out, gcc_include;
  if (run("gcc -print-file-name=include", &gcc_include) != 0)
    return fmt::format("{}: gcc is not installed (kernel: designs are compiled with the system gcc)", design);
  gcc_include = gcc_include.substr(0, gcc_include.find('\n'));
  const std::string cd = "cd " + quote(work.string()) + " && LC_ALL=C ";
  const std::string common = " -nostdinc -isystem " + quote(gcc_include) + " -fdebug-prefix-map=" +
                             quote(work.string()) + "=. ";
  if (run(cd + "gcc " + kKernelFlags + common + defines + "-I include -I shim/include -include shim/glue/" + glue +
              ".h -c hazsim_object.c -o object.o",
          &out) != 0)
    return compile_error(out, dir, design);
  std::vector<std::string> globals;
  std::string tls, objects = "object.o";
  if (run(cd + "objdump -t object.o", &out) != 0) return fmt::format("{}: objdump failed: {}", design, out);
  data_objects(out, &globals, &tls);
  if (!workload.empty()) {
    // The workload is its own translation unit, with the same headers and flags, in the same object.
    // A C++ test is compiled by g++ with the same headers (<hazsim/test.h> adds the C++ ones).
    const std::string name = "workload/" + fs::path(workload).filename().string();
    write_file(work / name, workload_text);
    if (run(cd + (is_cxx(workload) ? std::string("g++ ") + kCxxFlags : std::string("gcc ") + kKernelFlags) + common +
                defines + "-I include -I shim/include -include shim/glue/" + glue + ".h -c " + quote(name) +
                " -o workload.o",
            &out) != 0) {
      std::string err = compile_error(out, dir, design);
      for (size_t pos; (pos = err.find(name)) != std::string::npos;) err.replace(pos, name.size(), workload);
      return err;
    }
    if (run(cd + "objdump -t workload.o", &out) != 0) return fmt::format("{}: objdump failed: {}", design, out);
    data_objects(out, &globals, &tls);
    objects += " workload.o";
  }
  if (!tls.empty()) return fmt::format("{}: the kernel code has thread-local variables ({}), which the kernel has not", design, tls);
  if (run(cd + "gcc " + kEntryFlags + common + "-I shim/include -c shim/include/hazsim/entry.c -o entry.o", &out) != 0)
    return fmt::format("{}: gcc (the shim's entry points): {}", design, first_line_with(out, "error"));
  // g++ links a C++ test with the C++ runtime (the unwinder's personality, type information);
  // -Bsymbolic binds the test's new and delete (which g++ exports whatever their visibility) to
  // the test's own, not to the host's.
  const bool cxx = !workload.empty() && is_cxx(workload);
  if (run(cd + (cxx ? kLinkCxx : kLinkC) + " -o object.so " + objects + " entry.o", &out) != 0) {
    if (cxx && out.find("undefined reference to `hazsim_test()'") != std::string::npos)
      return fmt::format("{}: {} defines no hazsim_test(), the boot of a C++ test (<hazsim/test.h>)", design, workload);
    return fmt::format("{}: linking the object: {}", design, first_line_with(out, "undefined reference"));
  }
  if (cxx) {
    if (run(cd + "objdump -T object.so", &out) != 0) return fmt::format("{}: objdump failed: {}", design, out);
    if (std::string host = host_allocations(out); !host.empty()) {
      const bool plain = host == "_Znwm" || host == "_Znam" || host.starts_with("_ZdlPv") || host.starts_with("_ZdaPv");
      return fmt::format("{}: {} calls the C++ library's {}, whose memory is not the machine's: {}", design, workload,
                         demangled(host),
                         plain ? "include <hazsim/test.h>, whose new and delete are kmalloc() and kfree()"
                               : "<hazsim/test.h> gives new and delete, but not for a type aligned over 16 bytes or "
                                 "a nothrow new");
    }
  }
  if (run(cd + "objdump -t object.so", &out) != 0) return fmt::format("{}: objdump failed: {}", design, out);
  write_file(work / "globals.tsv", globals_table(out, globals));
  write_file(work / "percpu.tsv", percpu_variables(out));
  if (run(cd + "objdump -d --no-show-raw-insn object.so", &out) != 0)
    return fmt::format("{}: objdump failed: {}", design, out);
  std::vector<uint64_t> ras = tsan_return_addresses(out);
  std::string addrs;
  for (uint64_t ra : ras) addrs += fmt::format("{:#x}\n", ra - 1);
  write_file(work / "addresses.txt", addrs);
  if (run(cd + "addr2line -f -C -i -a -e object.so < addresses.txt", &out) != 0)
    return fmt::format("{}: addr2line failed: {}", design, out);
  // -a prints each address, then (function, file:line) pairs from the innermost inline frame out.
  // An access inside one of the shim's inline functions (list_add()'s links, a guard's fields) is
  // the kernel line that called it: the innermost frame outside shim/, as a C++ model's helpers
  // take their caller's site.
  std::istringstream in(out);
  std::string tsv, line, func, best;
  size_t i = 0;
  auto flush = [&] {
    if (!best.empty() && i < ras.size()) tsv += fmt::format("{:x}\t{}\n", ras[i++], best);
    best.clear();
  };
  bool want_func = false;
  while (std::getline(in, line)) {
    if (line.starts_with("0x")) {
      flush();
      want_func = true;
      continue;
    }
    if (want_func) {
      func = line == "operator()" ? "lambda" : line;  // a C++ lambda's body, as DWARF names it
      want_func = false;
      continue;
    }
    std::string file = line.substr(0, line.rfind(':'));
    unsigned ln = unsigned(std::strtoul(line.c_str() + line.rfind(':') + 1, nullptr, 10));
    if (file.starts_with("./")) file = file.substr(2);
    // The first frame always counts; a later (outer) one replaces it while the kept one is the shim's.
    if (best.empty() || best.find("\tshim/") != std::string::npos) best = fmt::format("{}\t{}\t{}", ln, file, func);
    want_func = true;
  }
  flush();
  if (i != ras.size()) return fmt::format("{}: addr2line gave {} of {} plain-access sites", design, i, ras.size());
  write_file(work / "sites.tsv", tsv);
  return "";
}

// NAME=y is -DCONFIG_NAME=1; NAME=n is -DHAZSIM_CONFIG_NAME_N, which a glue header honours for
// the options it sets by default.
std::string config_defines(const std::string& kconfig) {
  std::string out;
  if (kconfig == "none") return out;
  std::istringstream in(kconfig);
  for (std::string item; std::getline(in, item, ',');) {
    std::string name = item.substr(0, item.find('='));
    out += item.ends_with("=y") ? "-DCONFIG_" + name + "=1 " : "-DHAZSIM_CONFIG_" + name + "_N ";
  }
  return out;
}

bool load_sites(const fs::path& file, PlainSites* ps) {
  std::string text;
  if (!read_file(file, &text)) return false;
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ps->strings.reserve(lines.size() * 2);  // the sites point into these: no reallocation
  for (const std::string& l : lines) {
    std::istringstream f(l);
    std::string off, ln, file_name, func;
    std::getline(f, off, '\t');
    std::getline(f, ln, '\t');
    std::getline(f, file_name, '\t');
    std::getline(f, func);
    ps->offsets.push_back(std::strtoull(off.c_str(), nullptr, 16));
    ps->strings.push_back(file_name);
    const char* file_p = ps->strings.back().c_str();
    ps->strings.push_back(func);
    ps->sites.push_back(hazsim_site{file_p, ps->strings.back().c_str(), unsigned(std::strtoul(ln.c_str(), nullptr, 10)), 0});
  }
  return true;
}

}  // namespace

std::string detect_glue(const std::string& header_text) {
  for (const Glue& g : kGlues)
    if (header_text.find(fmt::format("hazsim-glue: {}", g.name)) != std::string::npos) return g.name;
  for (const Glue& g : kGlues)
    if (header_text.find(g.marker) != std::string::npos) return g.name;
  return "";
}

namespace {

fs::path build_cached(const std::string& design, const std::string& kconfig, const std::string& workload,
                      std::string* error) {
  const bool none = design == kNoDesign;
  const std::string dir = none ? std::string() : design.substr(kKernelPrefix.size());
  if (none && workload.empty())
    return *error = "design none runs a small test's own code: give it the test (hazsim run FILE.c, or --workload "
                    "FILE.c)",
           fs::path();
  if (!none && dir.empty()) return *error = "kernel: takes a directory: --design kernel:DIR", fs::path();
  std::string header, source;
  if (none) {
    header = shim_text("shim/glue/none_tree.h");
    source = shim_text("shim/glue/none_tree.c");
  } else if (!fs::is_directory(dir)) {
    return *error = fmt::format("{}: {} is not a directory", design, dir), fs::path();
  } else if (!read_file(fs::path(dir) / "include/linux/hazptr.h", &header) ||
             !read_file(fs::path(dir) / "kernel/hazptr.c", &source))
    return *error = fmt::format("{}: no include/linux/hazptr.h and kernel/hazptr.c in {} (kernel:DIR takes a kernel "
                                "tree or a folder holding those two files)",
                                design, dir),
           fs::path();
  std::string glue = detect_glue(header);
  if (glue.empty())
    return *error = fmt::format("{}: its include/linux/hazptr.h matches no glue in kshim/glue (v5: `{}`, v4: `{}`; or "
                                "name one with `hazsim-glue: NAME`)",
                                design, kGlues[0].marker, kGlues[1].marker),
           fs::path();
  if (!site_layout_ok())
    return *error = "kernel: designs need libstdc++'s std::source_location layout, which this build lacks", fs::path();

  std::string workload_text;
  if (!workload.empty() && !read_file(workload, &workload_text))
    return *error = fmt::format("workload {}: no such file", workload), fs::path();
  std::string gcc_version;
  run("gcc -dumpfullversion", &gcc_version);
  uint64_t h = 14695981039346656037ull;
  h = fnv(h, fmt::format("abi {} loader {} glue {} gcc {}", HAZSIM_KSHIM_ABI, kLoaderVersion, glue, gcc_version));
  for (const char* flags : {kKernelFlags, kEntryFlags, kCxxFlags, kLinkC, kLinkCxx}) h = fnv(h, flags);
  for (size_t i = 0; i < kShimFileCount; ++i) h = fnv(fnv(h, kShimFiles[i].path), kShimFiles[i].text);
  h = fnv(fnv(h, header), source);
  // What the tree offers that the glue wires when it is there.
  const std::string defines =
      config_defines(kconfig) + (header.find("hazptr_detach(") != std::string::npos ? "-DHAZSIM_TREE_HAS_DETACH " : "");
  h = fnv(h, defines);
  if (!workload.empty()) h = fnv(fnv(h, fs::path(workload).filename().string()), workload_text);
  const fs::path dest = cache_root() / fmt::format("kernel-{}-{:016x}", glue, h);
  std::error_code ec;
  if (!fs::exists(dest / "object.so") || !fs::exists(dest / "sites.tsv") || !fs::exists(dest / "percpu.tsv") ||
      !fs::exists(dest / "globals.tsv")) {
    fs::path work = cache_root() / fmt::format("kernel-{:016x}.tmp.{}", h, getpid());
    fs::remove_all(work, ec);
    fs::create_directories(work, ec);
    if (ec) return *error = fmt::format("{}: cannot create {}: {}", design, work.string(), ec.message()), fs::path();
    std::string err = build(work, dir, design, glue, defines, header, source, workload, workload_text);
    if (!err.empty()) {
      fs::remove_all(work, ec);
      return *error = err, fs::path();
    }
    fs::remove_all(dest, ec);    // an incomplete earlier build
    fs::rename(work, dest, ec);  // another process may have won the race: its object is the same
    if (ec) fs::remove_all(work, ec);
    fmt::print(stderr, "hazsim: compiled {}{} with the {} glue into {}\n", design,
               workload.empty() ? "" : " and " + workload, glue, dest.string());
  }
  return dest;
}

const hazptr::KernelObject* load_copy(const std::string& design, const std::string& key, const fs::path& dest,
                                      std::map<std::string, std::unique_ptr<Loaded>>* loaded, uint64_t n,
                                      std::string* error) {
  auto l = std::make_unique<Loaded>();
  const fs::path copy = dest / fmt::format("object.{}.{}.so", getpid(), n);
  std::error_code ec;
  fs::copy_file(dest / "object.so", copy, fs::copy_options::overwrite_existing, ec);
  if (ec) return *error = fmt::format("{}: cannot copy the object: {}", design, ec.message()), nullptr;
  l->handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  fs::remove(copy, ec);  // the mapping stays
  if (!l->handle) return *error = fmt::format("{}: cannot load the object: {}", design, dlerror()), nullptr;
  using Bind = const hazsim_glue* (*)(const hazsim_ops*);
  auto bind = reinterpret_cast<Bind>(dlsym(l->handle, "hazsim_glue_bind"));
  if (!bind) return *error = fmt::format("{}: the object has no hazsim_glue_bind()", design), nullptr;
  const hazsim_glue* g = bind(machine_ops());
  if (g->abi != HAZSIM_KSHIM_ABI)
    return *error = fmt::format("{}: the object was built for shim ABI {}, this hazsim has {}", design, g->abi,
                                HAZSIM_KSHIM_ABI),
           nullptr;
  if (g->ctx_size > hazptr::kKernelCtxBytes || g->ctx_align > hazptr::kKernelCtxAlign)
    return *error = fmt::format("{}: struct hazptr_ctx is {} bytes (aligned {}): hazsim's room for it is {} ({})",
                                design, g->ctx_size, g->ctx_align, hazptr::kKernelCtxBytes, hazptr::kKernelCtxAlign),
           nullptr;
  Dl_info info{};
  if (!dladdr(reinterpret_cast<void*>(bind), &info) || !load_sites(dest / "sites.tsv", &l->sites))
    return *error = fmt::format("{}: the object's site table ({}) is unreadable", design, (dest / "sites.tsv").string()),
           nullptr;
  l->sites.base = uintptr_t(info.dli_fbase);
  std::string percpu;
  read_file(dest / "percpu.tsv", &percpu);
  std::istringstream pin(percpu);
  for (std::string off, size, name; pin >> off >> size >> name;)
    l->object.percpu.push_back({std::strtoull(off.c_str(), nullptr, 16), std::strtoull(size.c_str(), nullptr, 16), name});
  std::sort(l->object.percpu.begin(), l->object.percpu.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
  if (size_t(g->percpu_end - g->percpu_start) < (l->object.percpu.empty() ? 0 : l->object.percpu.back().offset + l->object.percpu.back().size))
    return *error = fmt::format("{}: the per-CPU table does not match the object", design), nullptr;
  l->object.glue = g;
  std::string header;
  read_file(dest / "include/linux/hazptr.h", &header);
  if (header.find("hazptr_retire(") != std::string::npos) l->object.unwired_api.push_back("hazptr_retire()");
  l->object.name = design;
  l->object.loader = &l->sites;
  std::string globals;
  read_file(dest / "globals.tsv", &globals);
  std::istringstream gin(globals);
  for (std::string off, size, name; gin >> off >> size >> name;) {
    char* addr = reinterpret_cast<char*>(info.dli_fbase) + std::strtoull(off.c_str(), nullptr, 16);
    l->object.globals.push_back({addr, demangled(name), std::string(addr, std::strtoull(size.c_str(), nullptr, 16))});
  }
  const hazptr::KernelObject* out = &l->object;
  loaded->emplace(key, std::move(l));
  return out;
}

}  // namespace

const hazptr::KernelObject* load_kernel_design(const std::string& design, const std::string& kconfig,
                                               const std::string& workload, std::string* error) {
  // Built once per process (and cached on disk); loaded once per thread, from a private copy of the
  // file, so that each thread's machines have their own global variables.
  static std::mutex mu;
  static std::map<std::string, fs::path> built;
  static std::atomic<uint64_t> copies{0};
  thread_local std::map<std::string, std::unique_ptr<Loaded>> loaded;
  const std::string key = design + "\n" + kconfig + "\n" + workload;
  if (auto it = loaded.find(key); it != loaded.end()) return &it->second->object;
  fs::path dest;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = built.find(key); it != built.end()) {
      dest = it->second;
    } else {
      dest = build_cached(design, kconfig, workload, error);
      if (dest.empty()) return nullptr;
      built.emplace(key, dest);
    }
  }
  return load_copy(design, key, dest, &loaded, copies++, error);
}

}  // namespace hazsim::kshim
