// Field names of the C++ structures in simulated memory, for reports: an access at
// on-stack struct hazptr_pending+32 reads as `.hpp_hc.backup_slot.slot.addr`. C++ has no
// reflection, so a layout is found by trying a fixed vocabulary of member names (those of the
// kernel's hazard-pointer structures, kapi's list heads and locks, and the torture's own) on the
// type, recursively; a member outside the vocabulary is left unnamed (reports fall back to
// +offset). Built once per type, never on a step's path: reports ask.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace hazsim {

class FieldLayout {
 public:
  struct Field {
    uint32_t offset, size;
    std::string path;  // ".backup_slot.slot.addr", "[3].addr"
  };
  void add(size_t offset, size_t size, std::string path) { fields_.push_back({uint32_t(offset), uint32_t(size), std::move(path)}); }
  // The named field of an object of `object_size` bytes, laid out as elements of `stride` bytes,
  // that holds byte `offset` of it: "[2].slots[0].addr" (an element index only if there are
  // several), or "" if no named field holds it.
  std::string path_at(uint64_t offset, uint64_t stride, uint64_t object_size) const {
    if (stride == 0) return "";
    uint64_t element = offset / stride, within = offset % stride;
    std::string index = object_size > stride ? "[" + std::to_string(element) + "]" : "";
    for (const Field& f : fields_)
      if (within >= f.offset && within < uint64_t(f.offset) + f.size)
        return index + f.path + (within == f.offset ? "" : "+" + std::to_string(within - f.offset));
    return "";
  }

 private:
  std::vector<Field> fields_;
};

namespace field_layout_detail {

template <class T>
void describe(FieldLayout& l, size_t base, const std::string& path);

// One vocabulary word: if T has a data member of that name, describe it under `.name`.
#define HAZSIM_FIELD(N)                                                                                 \
  if constexpr (requires { &T::N; }) {                                                                   \
    if constexpr (std::is_member_object_pointer_v<decltype(&T::N)>) {                                    \
      using F = std::remove_cvref_t<decltype(std::declval<T&>().N)>;                                      \
      if constexpr (!std::is_empty_v<F>) describe<F>(l, base + __builtin_offsetof(T, N), path + "." #N); \
    }                                                                                                    \
  }

template <class T>
void describe(FieldLayout& l, size_t base, const std::string& path) {
  if constexpr (std::is_array_v<T>) {
    using E = std::remove_extent_t<T>;
    for (size_t i = 0; i < std::extent_v<T>; ++i) describe<E>(l, base + i * sizeof(E), path + "[" + std::to_string(i) + "]");
  } else if constexpr (std::is_class_v<T>) {
    // The kernel's hazard-pointer structures (v4, v5, per-task, phased)
    HAZSIM_FIELD(addr) HAZSIM_FIELD(slot) HAZSIM_FIELD(backup_slot) HAZSIM_FIELD(node) HAZSIM_FIELD(overflow_node)
    HAZSIM_FIELD(overflow_list) HAZSIM_FIELD(cpu) HAZSIM_FIELD(preempt_node) HAZSIM_FIELD(ctx) HAZSIM_FIELD(items)
    HAZSIM_FIELD(used) HAZSIM_FIELD(slots) HAZSIM_FIELD(lock) HAZSIM_FIELD(head) HAZSIM_FIELD(gen)
    HAZSIM_FIELD(add_idx) HAZSIM_FIELD(array) HAZSIM_FIELD(in_use_count) HAZSIM_FIELD(overflow) HAZSIM_FIELD(rcu)
    HAZSIM_FIELD(hazptr_ctx_list)
    // kapi's lists and locks
    HAZSIM_FIELD(next) HAZSIM_FIELD(prev) HAZSIM_FIELD(pprev) HAZSIM_FIELD(first) HAZSIM_FIELD(locked)
    HAZSIM_FIELD(owner)
    // the torture's
    HAZSIM_FIELD(hpp_node) HAZSIM_FIELD(hpp_hc) HAZSIM_FIELD(hpp_htp) HAZSIM_FIELD(obj_hazptr)
    HAZSIM_FIELD(htort_pipe_count) HAZSIM_FIELD(htort_free)
  } else {
    l.add(base, sizeof(T), path);
  }
}
#undef HAZSIM_FIELD

}  // namespace field_layout_detail

// T's layout, built on first use.
template <class T>
const FieldLayout* layout_of() {
  static const FieldLayout layout = [] {
    FieldLayout l;
    if constexpr (std::is_class_v<T> || std::is_array_v<T>) field_layout_detail::describe<T>(l, 0, "");
    return l;
  }();
  return &layout;
}

}  // namespace hazsim
