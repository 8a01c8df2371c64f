#include "sim/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hazsim {

namespace {

bool write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

}  // namespace

bool write_file(const std::string& path, const std::string& text, std::string* err) {
  auto fail = [&](const std::string& why) {
    *err = fmt::format("cannot write {}: {}", path, why);
    return false;
  };
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return fail("it is a symbolic link, which hazsim neither follows nor replaces");
    if (S_ISDIR(st.st_mode)) return fail("it is a directory");
    if (!S_ISREG(st.st_mode)) {  // a device or a FIFO: written into, never replaced
      int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return fail(std::strerror(errno));
      bool ok = write_all(fd, text);
      int e = errno;
      ::close(fd);
      return ok ? true : fail(std::strerror(e));
    }
  }
  // Written beside it and renamed over it, so an interrupted campaign never leaves a half-written
  // schedule behind; a temporary left by a killed run is removed only if it is a regular file.
  std::string tmp = path + ".tmp";
  if (::lstat(tmp.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return fail(tmp + " exists and is not a regular file");
    ::unlink(tmp.c_str());
  }
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return fail(std::strerror(errno));
  bool ok = write_all(fd, text);
  int e = errno;
  if (::close(fd) != 0 && ok) ok = false, e = errno;
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) ok = false, e = errno;
  if (!ok) {
    ::unlink(tmp.c_str());  // no empty or partial temporaries left behind
    return fail(std::strerror(e));
  }
  return true;
}

bool read_file(const std::string& path, std::string* text, std::string* err) {
  auto fail = [&](const std::string& why) {
    *err = fmt::format("cannot read {}: {}", path, why);
    return false;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // O_NONBLOCK: a FIFO does not hang us
  if (fd < 0) return fail(std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    bool dir = S_ISDIR(st.st_mode);
    ::close(fd);
    return fail(dir ? "it is a directory" : "not a regular file");
  }
  if (size_t(st.st_size) > kMaxInputBytes) {
    ::close(fd);
    return fail(fmt::format("{} bytes, more than the {} MiB an input file may have", st.st_size, kMaxInputBytes >> 20));
  }
  text->clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return fail(std::strerror(e));
    }
    if (n == 0) break;
    if (text->size() + size_t(n) > kMaxInputBytes) {  // it grew while we read
      ::close(fd);
      return fail(fmt::format("more than the {} MiB an input file may have", kMaxInputBytes >> 20));
    }
    text->append(buf, size_t(n));
  }
  ::close(fd);
  return true;
}

std::string path_component(const std::string& name) {
  std::string s = name.empty() ? "_" : name;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              (c == '.' && i > 0);
    if (!ok) s[i] = '_';
  }
  return s;
}

}  // namespace hazsim
