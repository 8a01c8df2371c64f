// The tokenizer of litmus tests (scenarios/litmus_lexer.h).
#include "scenarios/litmus_lexer.h"

#include <cctype>

#include <fmt/format.h>

namespace hazsim::litmus {

const std::set<std::string>& type_words() {
  static const std::set<std::string> k = {"int",       "long",      "unsigned", "signed",        "char",
                                          "short",     "intptr_t",  "uintptr_t", "atomic_t",     "atomic_long_t",
                                          "spinlock_t", "bool",     "u8",        "u16",          "u32",
                                          "u64",       "const",     "volatile"};
  return k;
}

void Lexer::fail(const std::string& what) { throw ParseError(fmt::format("line {}: {}", line_, what)); }

Token Lexer::next() {
  for (;;) {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) {
      if (s_[pos_] == '\n') ++line_;
      ++pos_;
    }
    // (* *) comments come before the initial state; later "(*" is C, as in READ_ONCE(*x).
    if ((s_.compare(pos_, 2, "(*") == 0 && !in_code_) || s_.compare(pos_, 2, "/*") == 0) {
      const char* close = s_[pos_] == '(' ? "*)" : "*/";
      size_t end = s_.find(close, pos_ + 2);
      if (end == std::string::npos) fail("a comment is not closed");
      std::string body = s_.substr(pos_ + 2, end - pos_ - 2);
      for (char ch : body) line_ += ch == '\n';
      if (s_[pos_] == '(') comments.push_back(body);
      pos_ = end + 2;
      continue;
    }
    if (s_.compare(pos_, 2, "//") == 0) {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      continue;
    }
    break;
  }
  Token t;
  t.line = line_;
  if (pos_ >= s_.size()) return t;
  char ch = s_[pos_];
  if (std::isalpha(static_cast<unsigned char>(ch)) || ch == '_') {
    size_t b = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
    t.kind = Token::Kind::kIdent;
    t.text = s_.substr(b, pos_ - b);
    return t;
  }
  if (std::isdigit(static_cast<unsigned char>(ch))) {
    size_t b = pos_;
    int base = 10;
    if (ch == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X')) base = 16, pos_ += 2;
    uint64_t v = 0;
    bool any = false;
    while (pos_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[pos_]))) {
      char d = s_[pos_];
      int dv = std::isdigit(static_cast<unsigned char>(d)) ? d - '0' : std::tolower(d) - 'a' + 10;
      if (dv >= base) break;
      if (v > (uint64_t(INT64_MAX) - uint64_t(dv)) / uint64_t(base)) fail("a number is too large");
      v = v * uint64_t(base) + uint64_t(dv);
      ++pos_;
      any = true;
    }
    if (!any) fail("a number has no digits");
    while (pos_ < s_.size() && (s_[pos_] == 'u' || s_[pos_] == 'U' || s_[pos_] == 'l' || s_[pos_] == 'L')) ++pos_;
    if (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_'))
      fail(fmt::format("'{}' is not a number", s_.substr(b, pos_ + 1 - b)));
    t.kind = Token::Kind::kNumber;
    t.number = int64_t(v);
    t.text = s_.substr(b, pos_ - b);
    return t;
  }
  static const char* const kTwo[] = {"/\\", "\\/", "==", "!=", "&&", "||", "<=", ">=", "->", "<<", ">>"};
  for (const char* p : kTwo)
    if (s_.compare(pos_, 2, p) == 0) {
      t.kind = Token::Kind::kPunct;
      t.text = p;
      pos_ += 2;
      return t;
    }
  if (std::string("{}()[];,=*&+-!~<>:|^%/").find(ch) == std::string::npos)
    fail(fmt::format("unexpected character '{}'", std::isprint(static_cast<unsigned char>(ch)) ? std::string(1, ch)
                                                                                            : fmt::format("\\x{:02x}", uint8_t(ch))));
  t.kind = Token::Kind::kPunct;
  t.text = std::string(1, ch);
  in_code_ |= ch == '{';
  ++pos_;
  return t;
}

}  // namespace hazsim::litmus
