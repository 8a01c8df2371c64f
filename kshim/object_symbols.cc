#include "kshim/object_symbols.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <sstream>

namespace hazsim::kshim {

// The kernel code's global variables (outside the per-CPU section): names of the objects in its
// data and bss, and separately any thread-local ones (which the kernel has none of).
void data_objects(const std::string& symtab, std::vector<std::string>* globals, std::string* tls) {
  std::istringstream in(symtab);
  for (std::string line; std::getline(in, line);) {
    // 0000000000000000 l     O .bss	0000000000000008 name (thread-local ones have no O)
    if (line.find(" .tbss\t") != std::string::npos || line.find(" .tdata\t") != std::string::npos) {
      std::string name = line.substr(line.find_last_of(" \t") + 1);
      if (name != ".tbss" && name != ".tdata") *tls += (tls->empty() ? "" : ", ") + name;
      continue;
    }
    if (line.size() < 26 || line.find(" O ") == std::string::npos) continue;
    std::istringstream f(line.substr(line.find(" O ") + 3));
    std::string section, size, name;
    f >> section >> size;
    for (std::string w; f >> w;) name = w;  // after ".hidden" when it is there
    bool data = section.starts_with(".data") || section.starts_with(".bss") || section == "*COM*";
    // Not the kernel's: the sites of the shim's macros, and the exception personality's pointer.
    if (section.starts_with(".data.rel.ro") || name.starts_with("__hazsim") || name.starts_with("DW.ref.")) continue;
    if (data) globals->push_back(name);
  }
}

// "vaddr size name" of each global, from the linked object's symbols.
std::string globals_table(const std::string& so_symtab, const std::vector<std::string>& names) {
  std::string out;
  std::istringstream in(so_symtab);
  for (std::string line; std::getline(in, line);) {
    if (line.find(" O ") == std::string::npos) continue;
    std::istringstream f(line.substr(line.find(" O ") + 3));
    std::string section, size, name;
    f >> section >> size;
    for (std::string w; f >> w;) name = w;
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    out += fmt::format("{:x} {:x} {}\n", std::strtoull(line.c_str(), nullptr, 16), std::strtoull(size.c_str(), nullptr, 16),
                       name);
  }
  return out;
}

// The DEFINE_PER_CPU() variables: "offset size name" lines, from the linked object's symbols of
// hazsim_percpu, by offset from the section's start.
std::string percpu_variables(const std::string& so_symtab) {
  std::istringstream in(so_symtab);
  uint64_t start = 0;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.ends_with(" __start_hazsim_percpu")) start = std::strtoull(line.c_str(), nullptr, 16);
    if (line.find(" O hazsim_percpu") != std::string::npos) lines.push_back(line);
  }
  std::string out;
  for (const std::string& line : lines) {
    std::istringstream g(line.substr(line.find(" O hazsim_percpu") + 16));
    std::string size, name;
    g >> size;
    for (std::string w; g >> w;) name = w;
    out += fmt::format("{:x} {:x} {}\n", std::strtoull(line.c_str(), nullptr, 16) - start,
                       std::strtoull(size.c_str(), nullptr, 16), name);
  }
  return out;
}

// A C++ symbol as its source spells it (`_ZL2gp` is `gp`); a C one as it is.
std::string demangled(const std::string& name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> d(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && d ? std::string(d.get()) : name;
}

// Whether a disassembled call goes to one of the functions whose callers the runtime asks the line
// of: the instrumentation's __tsan_ entry points, and a C++ test's operator new and delete.
bool mapped_call(const std::string& line) {
  if (line.find("call") == std::string::npos) return false;
  for (const char* callee : {"<__tsan_", "<_Znwm>", "<_Znam>", "<_ZdlPv>", "<_ZdlPvm>", "<_ZdaPv>", "<_ZdaPvm>"})
    if (line.find(callee) != std::string::npos) return true;
  return false;
}

// The C++ allocation functions the object takes from the host's C++ library (aligned or nothrow
// new): memory outside the machine, so refused; "" when there is none.
std::string host_allocations(const std::string& dynamic_symtab) {
  std::istringstream in(dynamic_symtab);
  for (std::string line; std::getline(in, line);) {
    if (line.find("*UND*") == std::string::npos) continue;
    std::string name = line.substr(line.find_last_of(" \t") + 1);
    if (name.starts_with("_Znw") || name.starts_with("_Zna") || name.starts_with("_Zdl") || name.starts_with("_Zda"))
      return name;
  }
  return "";
}

// The mapped call sites: the return address of every call mapped_call() names.
std::vector<uint64_t> tsan_return_addresses(const std::string& disasm) {
  std::vector<uint64_t> out;
  std::istringstream in(disasm);
  bool after_call = false;
  for (std::string line; std::getline(in, line);) {
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon > 20 || line.empty() || line[0] != ' ') continue;
    uint64_t addr = std::strtoull(line.c_str(), nullptr, 16);
    if (after_call) out.push_back(addr);
    after_call = mapped_call(line);
  }
  return out;
}

}  // namespace hazsim::kshim
