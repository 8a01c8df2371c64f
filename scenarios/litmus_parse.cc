// The parser of litmus tests (scenarios/litmus.h): a recursive-descent parser, over the tokens of
// scenarios/litmus_lexer.h, of the C subset the kernel's litmus tests use. Every error is one
// line naming what is wrong and where; constructs the runner cannot model (loops, RCU grace
// periods, plain C accesses) are named as unsupported rather than guessed at.
#include <cctype>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "scenarios/litmus.h"
#include "scenarios/litmus_lexer.h"

namespace hazsim::litmus {
namespace {

// The primitives, by what the runner must do with them.
const std::set<std::string>& known_calls() {
  static const std::set<std::string> k = [] {
    std::set<std::string> s = {"READ_ONCE", "WRITE_ONCE", "smp_load_acquire", "smp_store_release",
                               "rcu_dereference", "rcu_assign_pointer", "smp_mb", "smp_rmb", "smp_wmb",
                               "smp_mb__before_atomic", "smp_mb__after_atomic", "smp_mb__after_spinlock",
                               "barrier", "rcu_read_lock", "rcu_read_unlock", "spin_lock", "spin_unlock",
                               "atomic_read", "atomic_read_acquire", "atomic_set", "atomic_set_release",
                               "atomic_inc", "atomic_dec", "atomic_add", "atomic_sub"};
    for (const char* base : {"xchg", "cmpxchg", "atomic_xchg", "atomic_cmpxchg", "atomic_add_return",
                             "atomic_sub_return", "atomic_inc_return", "atomic_dec_return", "atomic_fetch_add",
                             "atomic_fetch_sub", "atomic_fetch_inc", "atomic_fetch_dec"})
      for (const char* suffix : {"", "_relaxed", "_acquire", "_release"}) s.insert(std::string(base) + suffix);
    return s;
  }();
  return k;
}

const std::set<std::string>& unsupported_calls() {
  static const std::set<std::string> k = {"synchronize_rcu", "synchronize_rcu_expedited", "call_rcu",
                                          "srcu_read_lock", "srcu_read_unlock", "synchronize_srcu",
                                          "spin_trylock", "spin_is_locked", "smp_load_acquire_relaxed",
                                          "rcu_read_lock_sched", "rcu_read_unlock_sched"};
  return k;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, Test* t) : toks_(std::move(toks)), t_(t) {}

  void file() {
    expect("{");
    while (!at("}")) init_entry();
    expect("}");
    while (peek().kind == Token::Kind::kIdent && peek().text.size() > 1 && peek().text[0] == 'P' &&
           std::isdigit(static_cast<unsigned char>(peek().text[1])))
      proc();
    if (t_->procs.empty()) fail("no thread: expected P0(...) { ... }");
    for (;;) {
      if (at_ident("locations")) {
        take();
        expect("[");
        while (!at("]")) {
          if (at(";")) {
            take();
            continue;
          }
          t_->shown.push_back(atom_location());
        }
        expect("]");
      } else if (at_ident("filter")) {
        take();
        t_->filter = prop();
      } else {
        break;
      }
    }
    if (at("~")) {
      take();
      if (!at_ident("exists")) fail("expected 'exists' after '~'");
      take();
      t_->quantifier = Quantifier::kNotExists;
    } else if (at_ident("exists")) {
      take();
      t_->quantifier = Quantifier::kExists;
    } else if (at_ident("forall")) {
      take();
      t_->quantifier = Quantifier::kForall;
    } else {
      fail(fmt::format("expected the final clause (exists, ~exists or forall), got '{}'", describe(peek())));
    }
    t_->condition = prop();
    if (peek().kind != Token::Kind::kEnd) fail(fmt::format("unexpected '{}' after the final clause", describe(peek())));
    collect_shown(t_->condition);
    check_names();
  }

 private:
  [[noreturn]] void fail(const std::string& what) { throw ParseError(fmt::format("line {}: {}", peek().line, what)); }
  const Token& peek(size_t k = 0) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  Token take() {
    Token t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  static std::string describe(const Token& t) { return t.kind == Token::Kind::kEnd ? "end of file" : t.text; }
  bool at(const char* p) const { return peek().kind == Token::Kind::kPunct && peek().text == p; }
  bool at_ident(const char* w) const { return peek().kind == Token::Kind::kIdent && peek().text == w; }
  void expect(const char* p) {
    if (!at(p)) fail(fmt::format("expected '{}', got '{}'", p, describe(peek())));
    take();
  }
  std::string ident(const char* what) {
    if (peek().kind != Token::Kind::kIdent) fail(fmt::format("expected {}, got '{}'", what, describe(peek())));
    return take().text;
  }
  bool is_type_word() const { return peek().kind == Token::Kind::kIdent && type_words().count(peek().text); }
  void skip_type() {
    bool any = false;
    while (is_type_word()) take(), any = true;
    if (at_ident("struct")) fail("unsupported: structures");
    if (!any) fail(fmt::format("expected a type, got '{}'", describe(peek())));
  }

  Var* var(const std::string& name) {
    for (Var& v : t_->vars)
      if (v.name == name) return &v;
    return nullptr;
  }
  Var& add_var(const std::string& name) {
    if (Var* v = var(name)) return *v;
    t_->vars.push_back(Var{name, 0, {}});
    return t_->vars.back();
  }

  // `int x = 1;`, `x = 1;`, `int *p = &x;`, `int *p = x;`, `int y;`
  void init_entry() {
    if (at(";")) {
      take();
      return;
    }
    if (peek().kind == Token::Kind::kNumber && peek(1).kind == Token::Kind::kPunct && peek(1).text == ":")
      fail("unsupported: initial values of registers (P:reg=...)");
    while (is_type_word()) take();
    while (at("*")) take();
    std::string name = ident("a variable name");
    Var& v = add_var(name);
    if (at("=")) {
      take();
      bool neg = false;
      if (at("&")) take();
      if (at("-")) take(), neg = true;
      if (peek().kind == Token::Kind::kNumber) {
        v.init = neg ? -take().number : take().number;
      } else {
        std::string target = ident("an initial value");
        add_var(target);
        var(name)->init_addr_of = target;
      }
    }
    if (!at("}")) expect(";");
  }

  void proc() {
    Proc p;
    std::string head = take().text;
    try {
      p.id = std::stoi(head.substr(1));
    } catch (const std::exception&) {
      fail(fmt::format("'{}' is not a thread name (P0, P1, ...)", head));
    }
    if (p.id != int(t_->procs.size()))
      fail(fmt::format("threads must be numbered in order: expected P{}, got {}", t_->procs.size(), head));
    expect("(");
    while (!at(")")) {
      skip_type();
      while (at("*")) take();
      std::string name = ident("a parameter name");
      add_var(name);
      p.params.push_back(name);
      if (!at(")")) expect(",");
    }
    expect(")");
    expect("{");
    proc_ = &p;
    while (!at("}")) {
      if (peek().kind == Token::Kind::kEnd) fail(fmt::format("P{}'s body is not closed", p.id));
      statement(&p.body);
    }
    expect("}");
    proc_ = nullptr;
    t_->procs.push_back(std::move(p));
  }

  bool is_reg(const std::string& n) const {
    for (const std::string& r : proc_->regs)
      if (r == n) return true;
    return false;
  }

  // `reg = EXPR`, after the '='.
  Stmt assignment(const std::string& reg, int line) {
    Stmt s;
    s.kind = Stmt::Kind::kAssign;
    s.reg = reg;
    s.expr = expr();
    s.line = line;
    return s;
  }

  void statement(std::vector<Stmt>* out) {
    Deeper guard(this);
    int line = peek().line;
    if (at(";")) {
      take();
      return;
    }
    if (at("{")) {
      take();
      Stmt b;
      b.kind = Stmt::Kind::kBlock;
      b.line = line;
      while (!at("}")) {
        if (peek().kind == Token::Kind::kEnd) fail("a block is not closed");
        statement(&b.body);
      }
      take();
      out->push_back(std::move(b));
      return;
    }
    for (const char* w : {"while", "for", "do", "goto", "return", "switch", "break", "continue"})
      if (at_ident(w)) fail(fmt::format("unsupported: '{}' (only straight-line code and if/else)", w));
    if (at_ident("if")) {
      take();
      Stmt s;
      s.kind = Stmt::Kind::kIf;
      s.line = line;
      expect("(");
      s.expr = expr();
      expect(")");
      statement(&s.body);
      if (at_ident("else")) {
        take();
        statement(&s.else_body);
      }
      out->push_back(std::move(s));
      return;
    }
    if (is_type_word()) {
      skip_type();
      for (;;) {
        while (at("*")) take();
        std::string name = ident("a local variable name");
        if (!is_reg(name)) proc_->regs.push_back(name);
        if (at("=")) {
          take();
          out->push_back(assignment(name, line));
        }
        if (at(",")) {
          take();
          continue;
        }
        break;
      }
      expect(";");
      return;
    }
    if (peek().kind == Token::Kind::kIdent && peek(1).kind == Token::Kind::kPunct && peek(1).text == "=") {
      std::string name = take().text;
      if (!is_reg(name)) {
        if (var(name)) fail(fmt::format("unsupported: plain C store to '{}' (use WRITE_ONCE)", name));
        fail(fmt::format("'{}' is not a declared local variable", name));
      }
      take();
      out->push_back(assignment(name, line));
      expect(";");
      return;
    }
    if (at("*")) fail("unsupported: plain C access through a pointer (use READ_ONCE/WRITE_ONCE)");
    Stmt s;
    s.kind = Stmt::Kind::kExpr;
    s.line = line;
    s.expr = expr();
    if (s.expr.kind != Expr::Kind::kCall) fail("a statement must be a call or an assignment");
    expect(";");
    out->push_back(std::move(s));
  }

  // Precedence climbing over C's binary operators.
  static int precedence(const std::string& op) {
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "|") return 3;
    if (op == "^") return 4;
    if (op == "&") return 5;
    if (op == "==" || op == "!=") return 6;
    if (op == "<" || op == ">" || op == "<=" || op == ">=") return 7;
    if (op == "+" || op == "-") return 8;
    if (op == "*" || op == "%" || op == "/") return 9;
    return 0;
  }
  Expr expr(int min_prec = 1) {
    Deeper guard(this);
    Expr lhs = unary();
    for (;;) {
      if (peek().kind != Token::Kind::kPunct) return lhs;
      std::string op = peek().text;
      int p = precedence(op);
      if (p == 0 || p < min_prec) return lhs;
      int line = take().line;
      Expr rhs = expr(p + 1);
      Expr b;
      b.kind = Expr::Kind::kBinary;
      b.name = op;
      b.line = line;
      b.args.push_back(std::move(lhs));
      b.args.push_back(std::move(rhs));
      lhs = std::move(b);
    }
  }
  Expr unary() {
    Deeper guard(this);
    int line = peek().line;
    if (at("!") || at("-") || at("~") || at("*") || at("&")) {
      std::string op = take().text;
      Expr u;
      u.kind = Expr::Kind::kUnary;
      u.name = op;
      u.line = line;
      u.args.push_back(unary());
      return u;
    }
    return primary();
  }
  Expr primary() {
    Expr e;
    e.line = peek().line;
    if (at("(")) {
      take();
      if (is_type_word()) {  // a cast: (int *)r0
        skip_type();
        while (at("*")) take();
        expect(")");
        return unary();
      }
      e = expr();
      expect(")");
      return e;
    }
    if (peek().kind == Token::Kind::kNumber) {
      e.kind = Expr::Kind::kConst;
      e.value = take().number;
      return e;
    }
    std::string name = ident("an expression");
    if (at("(")) {
      if (unsupported_calls().count(name)) fail(fmt::format("unsupported: {}()", name));
      if (!known_calls().count(name)) fail(fmt::format("unsupported: {}() is not a primitive hazsim knows", name));
      take();
      e.kind = Expr::Kind::kCall;
      e.name = name;
      while (!at(")")) {
        e.args.push_back(expr());
        if (!at(")")) expect(",");
      }
      take();
      check_arity(e);
      return e;
    }
    if (name == "NULL") {
      e.kind = Expr::Kind::kConst;
      return e;
    }
    if (!is_reg(name) && !var(name)) fail(fmt::format("'{}' is neither a local variable nor a shared one", name));
    e.kind = Expr::Kind::kName;
    e.name = name;
    return e;
  }
  void check_arity(const Expr& e) {
    size_t want = 1;
    const std::string& n = e.name;
    auto starts = [&](const char* p) { return n.rfind(p, 0) == 0; };
    if (starts("smp_mb") || n == "smp_rmb" || n == "smp_wmb" || n == "barrier" || starts("rcu_read_")) want = 0;
    else if (n == "WRITE_ONCE" || n == "smp_store_release" || n == "rcu_assign_pointer" || starts("atomic_set") ||
             starts("xchg") || starts("atomic_xchg") || n == "atomic_add" || n == "atomic_sub" ||
             starts("atomic_add_return") || starts("atomic_sub_return") || starts("atomic_fetch_add") ||
             starts("atomic_fetch_sub"))
      want = 2;
    else if (starts("cmpxchg") || starts("atomic_cmpxchg")) want = 3;
    if (e.args.size() != want)
      fail(fmt::format("{}() takes {} argument{}, got {}", n, want, want == 1 ? "" : "s", e.args.size()));
    bool deref = n == "READ_ONCE" || n == "WRITE_ONCE" || n == "rcu_dereference" || n == "rcu_assign_pointer";
    if (deref && (e.args[0].kind != Expr::Kind::kUnary || e.args[0].name != "*"))
      fail(fmt::format("{}() takes a location written *p", n));
  }

  // `1:r0`, `x` (a location of the final state)
  Prop atom_location() {
    Prop a;
    a.kind = Prop::Kind::kAtom;
    if (peek().kind == Token::Kind::kNumber) {
      a.proc = int(take().number);
      expect(":");
    }
    a.name = ident("a register or variable");
    return a;
  }
  // a \/ b binds looser than a /\ b; both associate to the left.
  Prop prop() { return prop_binary("\\/", Prop::Kind::kOr); }
  Prop prop_binary(const char* op, Prop::Kind kind) {
    Deeper guard(this);
    bool is_or = kind == Prop::Kind::kOr;
    Prop lhs = is_or ? prop_binary("/\\", Prop::Kind::kAnd) : prop_not();
    while (at(op)) {
      take();
      Prop node;
      node.kind = kind;
      node.kids.push_back(std::move(lhs));
      node.kids.push_back(is_or ? prop_binary("/\\", Prop::Kind::kAnd) : prop_not());
      lhs = std::move(node);
    }
    return lhs;
  }
  Prop prop_not() {
    Deeper guard(this);
    if (at("~") || at_ident("not")) {
      take();
      Prop n;
      n.kind = Prop::Kind::kNot;
      n.kids.push_back(prop_not());
      return n;
    }
    if (at("(")) {
      take();
      Prop p = prop();
      expect(")");
      return p;
    }
    if (at_ident("true")) {
      take();
      return Prop{};
    }
    Prop a = atom_location();
    if (at("==")) take();
    else expect("=");
    bool neg = false;
    if (at("-")) take(), neg = true;
    if (at("&")) take();
    if (peek().kind == Token::Kind::kNumber) {
      a.value = neg ? -take().number : take().number;
    } else {
      a.value_is_var = true;
      a.value_var = ident("a value");
    }
    return a;
  }

  void collect_shown(const Prop& p) {
    if (p.kind == Prop::Kind::kAtom) {
      for (const Prop& s : t_->shown)
        if (s.proc == p.proc && s.name == p.name) return;
      Prop s;
      s.kind = Prop::Kind::kAtom;
      s.proc = p.proc;
      s.name = p.name;
      t_->shown.push_back(s);
    }
    for (const Prop& k : p.kids) collect_shown(k);
  }
  void check_atom_names(const Prop& p) {
    if (p.kind == Prop::Kind::kAtom) {
      if (p.proc >= 0) {
        if (p.proc >= int(t_->procs.size())) fail(fmt::format("the condition names P{}, which does not exist", p.proc));
        bool found = false;
        for (const std::string& r : t_->procs[size_t(p.proc)].regs) found |= r == p.name;
        if (!found) fail(fmt::format("the condition names {}:{}, which P{} does not declare", p.proc, p.name, p.proc));
      } else if (!var(p.name)) {
        fail(fmt::format("the condition names '{}', which is not a shared variable", p.name));
      }
      if (p.value_is_var && !var(p.value_var))
        fail(fmt::format("the condition compares with '{}', which is not a shared variable", p.value_var));
    }
    for (const Prop& k : p.kids) check_atom_names(k);
  }
  void check_names() {
    check_atom_names(t_->condition);
    if (t_->filter) check_atom_names(*t_->filter);
    for (const Prop& s : t_->shown) check_atom_names(s);
    for (const Var& v : t_->vars)
      if (!v.init_addr_of.empty() && !var(v.init_addr_of)) fail(fmt::format("'{}' is not a variable", v.init_addr_of));
  }

  // Nesting deeper than any litmus test is refused rather than followed down the stack.
  struct Deeper {
    explicit Deeper(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxDepth) p_->fail("nesting too deep");
    }
    ~Deeper() { --p_->depth_; }
    Parser* p_;
  };
  static constexpr int kMaxDepth = 200;

  std::vector<Token> toks_;
  size_t pos_ = 0;
  Test* t_;
  Proc* proc_ = nullptr;
  int depth_ = 0;
};

}  // namespace

bool parse(const std::string& text, Test* out, std::string* err) {
  *out = Test{};
  try {
    // The first line is "C name"; the name runs to the end of the line (it holds + and -).
    size_t pos = 0;
    int line = 1;
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) line += text[pos++] == '\n';
    if (pos >= text.size() || text[pos] != 'C' || pos + 1 >= text.size() ||
        !std::isspace(static_cast<unsigned char>(text[pos + 1])))
      throw ParseError(fmt::format("line {}: a litmus test starts with 'C name' (only C litmus tests are read)", line));
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string name = text.substr(pos + 1, eol - pos - 1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.erase(0, 1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (name.empty()) throw ParseError(fmt::format("line {}: the test has no name", line));
    out->name = name;
    Lexer lex(text, eol, line);
    std::vector<Token> toks = lex.all();
    for (const std::string& c : lex.comments) {
      size_t r = c.find("Result:");
      if (r == std::string::npos) continue;
      size_t b = r + 7;
      while (b < c.size() && (c[b] == ' ' || c[b] == '\t')) ++b;
      size_t e = b;
      while (e < c.size() && std::isalpha(static_cast<unsigned char>(c[e]))) ++e;
      std::string v = c.substr(b, e - b);
      if (v != "Never" && v != "Sometimes" && v != "Always")
        throw ParseError(fmt::format("the Result: comment says '{}' (expected Never, Sometimes or Always)", v));
      out->result = v;
      break;
    }
    Parser p(std::move(toks), out);
    p.file();
  } catch (const ParseError& e) {
    *err = e.what();
    return false;
  }
  return true;
}

}  // namespace hazsim::litmus
