// Reading the user's input files and writing hazsim's outputs, safely: inputs must be regular
// files of bounded size; an output replaces a regular file atomically (a temporary beside it,
// renamed over it), is written in place into an existing device or FIFO (never replaced), and is
// refused where the path is a symbolic link or a directory. Errors are one line.
#pragma once
#include <cstddef>
#include <string>

namespace hazsim {

inline constexpr size_t kMaxInputBytes = size_t(64) << 20;  // far above any scenario or schedule

bool write_file(const std::string& path, const std::string& text, std::string* err);
bool read_file(const std::string& path, std::string* text, std::string* err);

// A name from the parameters (scenario, design) made safe as one path component: anything but
// letters, digits, '.', '_' and '-' becomes '_', and a leading '.' too (no "..", no hidden files).
std::string path_component(const std::string& name);

}  // namespace hazsim
