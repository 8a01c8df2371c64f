// What the loader reads from a compiled kernel object with binutils (objdump -t, -T, -d): its global
// and per-CPU variables, the C++ allocation functions it would take from the host, and the return
// address of every call the runtime maps to a kernel line. Plain text in, plain values out.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace hazsim::kshim {

// Names of the kernel code's global objects in data and bss (from the object's symbol table),
// and in *tls any thread-local ones, comma-separated.
void data_objects(const std::string& symtab, std::vector<std::string>* globals, std::string* tls);
// "vaddr size name" lines (hex) of the named globals, from the linked object's symbols.
std::string globals_table(const std::string& so_symtab, const std::vector<std::string>& names);
// "offset size name" lines (hex) of the DEFINE_PER_CPU() variables in section hazsim_percpu.
std::string percpu_variables(const std::string& so_symtab);
// A C++ symbol as its source spells it; a C one as it is.
std::string demangled(const std::string& name);
// Whether a disassembled line calls an instrumentation entry point or a C++ operator new/delete.
bool mapped_call(const std::string& line);
// The first host C++ allocation function the object imports, or "".
std::string host_allocations(const std::string& dynamic_symtab);
// The return address of every mapped_call() in a disassembly.
std::vector<uint64_t> tsan_return_addresses(const std::string& disasm);

}  // namespace hazsim::kshim
