// The tokenizer of litmus tests (scenarios/litmus_parse.cc's parser reads its tokens): C tokens,
// the LKMM's /\ and \/, and the (* *) comments before the initial state, kept for Result:.
// Errors are a ParseError naming the line.
#pragma once
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace hazsim::litmus {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Token {
  enum class Kind : uint8_t { kIdent, kNumber, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  int64_t number = 0;
  int line = 0;
};

// The words a declaration's type is made of (int, unsigned long, atomic_t, ...).
const std::set<std::string>& type_words();

class Lexer {
 public:
  Lexer(const std::string& s, size_t pos, int line) : s_(s), pos_(pos), line_(line) {}
  std::vector<Token> all() {
    std::vector<Token> out;
    for (;;) {
      Token t = next();
      out.push_back(t);
      if (t.kind == Token::Kind::kEnd) return out;
    }
  }
  std::vector<std::string> comments;  // the text of (* *) comments, for Result:

 private:
  [[noreturn]] void fail(const std::string& what);
  Token next();

  const std::string& s_;
  size_t pos_;
  int line_;
  bool in_code_ = false;
};

}  // namespace hazsim::litmus
