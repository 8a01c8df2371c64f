// Design lines as coverage counts them (issue 12): every kernel-notation operation of
// kapi/kernel_code_begin.h (a marked or plain access, a barrier, a lock, a list operation, a
// preemption or per-CPU call, likely()/unlikely()) also notes its line. Each expansion in each
// instantiated design function owns one LineNote, enrolled before main() whether or not it ever
// runs, so a campaign can name the lines it never executed, not only those it did.
//
// Why enrolment works this way: a note is a static member of a class template specialised on
// the closure type of a lambda written at the expansion. That type is distinct per expansion and
// per instantiation of the enclosing design template, and the member's dynamic initialiser runs
// at start-up. (A section of static notes, as the kernel's __dyndbg is, was tried first: gcc
// ignores the section attribute of a static local in a template below -O2.)
#pragma once
#include <cstdint>
#include <type_traits>
#include <vector>

namespace hazsim::kapi {

struct LineNote {
  const char* file;    // __FILE__ of the design source
  uint32_t line;
  const char* func;    // __PRETTY_FUNCTION__ of the lambda written at the line: names its enclosing function
  const void* design;  // &design_tag<the class whose member function holds the line>
};

// One object per design class: a note names the class it belongs to, so that a campaign of
// `v5` does not count the lines that only `v5-pcpucount` instantiates.
template <class D>
inline constexpr char design_tag = 0;

// Every note of the program, in enrolment order; a note's index into it is fixed at start-up.
inline std::vector<LineNote>& line_notes() {
  static std::vector<LineNote> notes;
  return notes;
}
inline uint32_t enrol_line(const LineNote& n) {
  line_notes().push_back(n);
  return uint32_t(line_notes().size() - 1);
}
template <class Where>
struct LineEnrolment {
  static inline const uint32_t index = enrol_line(Where{}());
};

}  // namespace hazsim::kapi

// The index of this expansion's note (used inside a non-static member function of a design).
#define HAZSIM_LINE_INDEX()                                                                       \
  (::hazsim::kapi::LineEnrolment<decltype([] {                                                    \
     return ::hazsim::kapi::LineNote{__FILE__, __LINE__, __PRETTY_FUNCTION__, \
                                     &::hazsim::kapi::design_tag<std::remove_cvref_t<decltype(*this)>>}; \
   })>::index)
// Notes that the line runs now (K::note_line counts it when the machine collects coverage).
#define HAZSIM_LINE() K::note_line(HAZSIM_LINE_INDEX())
