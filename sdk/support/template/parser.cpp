// A hand-written recursive-descent parser for Handlebars 4.7's grammar (handlebars.l and
// handlebars.yy), with its WhitespaceControl pass. Hand-written because no Debian package parses
// Handlebars; it follows the lexer's rule order so that edge cases tokenize the same way.
#include "parser.hpp"

#include <charconv>
#include <optional>

namespace sluice::support::tmpl::detail {

namespace json = boost::json;

std::string where(std::string_view source, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

namespace {

struct Failure {
  size_t offset;
  std::string message;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Characters an ID may not contain: [\s!"#%-,\.\/;->@\[-\^`\{-~].
bool is_id_char(char c) {
  if (is_space(c)) return false;
  switch (c) {
    case '!':
    case '"':
    case '#':
    case '%':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case '.':
    case '/':
    case ';':
    case '<':
    case '=':
    case '>':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return false;
    default:
      return true;
  }
}
// LOOKAHEAD [=~}\s\/.)|] and LITERAL_LOOKAHEAD [~}\s)]
bool is_lookahead(char c) {
  return c == '=' || c == '~' || c == '}' || is_space(c) || c == '/' || c == '.' || c == ')' ||
         c == '|';
}
bool is_literal_lookahead(char c) { return c == '~' || c == '}' || is_space(c) || c == ')'; }

struct Token {
  enum Kind {
    kId,
    kSep,
    kData,
    kString,
    kNumber,
    kBoolean,
    kUndefined,
    kNull,
    kOpenSexpr,
    kCloseSexpr,
    kEquals,
    kOpenBlockParams,
    kCloseBlockParams,
    kClose,
    kCloseUnescaped,
    kEnd,
    kInvalid
  } kind;
  std::string text;      // ID name (brackets removed), string value, number text
  bool literal = false;  // an ID written as [..]
  bool strip = false;    // kClose / kCloseUnescaped with ~
  size_t offset = 0;
};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Token::kId:
      return "'" + t.text + "'";
    case Token::kSep:
      return "'" + t.text + "'";
    case Token::kData:
      return "'@'";
    case Token::kString:
      return "a string";
    case Token::kNumber:
      return "the number " + t.text;
    case Token::kBoolean:
      return "'" + t.text + "'";
    case Token::kUndefined:
      return "'undefined'";
    case Token::kNull:
      return "'null'";
    case Token::kOpenSexpr:
      return "'('";
    case Token::kCloseSexpr:
      return "')'";
    case Token::kEquals:
      return "'='";
    case Token::kOpenBlockParams:
      return "'as |'";
    case Token::kCloseBlockParams:
      return "'|'";
    case Token::kClose:
      return t.strip ? "'~}}'" : "'}}'";
    case Token::kCloseUnescaped:
      return "'}}}'";
    case Token::kEnd:
      return "the end of the template";
    case Token::kInvalid:
      return "'" + t.text + "'";
  }
  return "?";
}

class Parser {
 public:
  explicit Parser(std::string_view src) : src_(src) {}

  Program parse_root() {
    Program root;
    Stop stop = parse_body(root, 0);
    if (stop.kind != Stop::kEnd) {
      throw Failure{stop.offset, stop.kind == Stop::kClose
                                     ? "found '{{/" + stop.close_name +
                                           "}}', expected no close "
                                           "tag (no block is open)"
                                     : "found '{{else}}', expected it inside a block"};
    }
    return root;
  }

 private:
  struct Stop {
    enum Kind { kEnd, kClose, kInverse, kInverseChain } kind = kEnd;
    size_t offset = 0;
    std::string close_name;
    Path close_path;
    Strip strip;
    // kInverseChain: the opening of `{{else if ...}}`, already parsed
    Call chain_call;
    std::vector<std::string> chain_params;
  };

  std::string_view src_;
  size_t pos_ = 0;

  bool at(std::string_view s) const { return src_.substr(pos_, s.size()) == s; }

  // --- content ---------------------------------------------------------------------------------

  // Appends content up to the next mustache (handling \{{ and \\{{); returns false at the end.
  void read_content(Program& program) {
    std::string text;
    while (pos_ < src_.size()) {
      size_t open = src_.find("{{", pos_);
      if (open == std::string_view::npos) {
        text.append(src_.substr(pos_));
        pos_ = src_.size();
        break;
      }
      bool escaped = open > pos_ && src_[open - 1] == '\\';
      bool double_escaped = escaped && open > pos_ + 1 && src_[open - 2] == '\\';
      if (double_escaped) {
        text.append(src_.substr(pos_, open - 1 - pos_));  // keep one backslash
        pos_ = open;
        break;
      }
      if (escaped) {
        text.append(src_.substr(pos_, open - 1 - pos_));
        // emu: at least two characters, then up to the next {{, \{{ or \\{{
        size_t next = src_.find("{{", open + 2);
        if (next == std::string_view::npos) {
          text.append(src_.substr(open));
          pos_ = src_.size();
          break;
        }
        size_t stop = next;
        if (stop > open + 2 && src_[stop - 1] == '\\') --stop;
        if (stop > open + 2 && src_[stop - 1] == '\\') --stop;
        text.append(src_.substr(open, stop - open));
        pos_ = stop;
        continue;
      }
      text.append(src_.substr(pos_, open - pos_));
      pos_ = open;
      break;
    }
    if (!text.empty()) {
      Node node;
      node.kind = Node::kContent;
      node.original = text;
      node.value = std::move(text);
      program.body.push_back(std::move(node));
    }
  }

  // --- tokens inside a tag ---------------------------------------------------------------------

  void skip_space() {
    while (pos_ < src_.size() && is_space(src_[pos_])) ++pos_;
  }

  Token next_token() {
    skip_space();
    Token t;
    t.offset = pos_;
    if (pos_ >= src_.size()) {
      t.kind = Token::kEnd;
      return t;
    }
    const char c = src_[pos_];
    auto take = [&](Token::Kind kind, size_t n) {
      t.kind = kind;
      t.text.assign(src_.substr(pos_, n));
      pos_ += n;
      return t;
    };
    if (c == '(') return take(Token::kOpenSexpr, 1);
    if (c == ')') return take(Token::kCloseSexpr, 1);
    if (at("}}}}"))
      throw Failure{pos_, "found '}}}}', expected '}}' (raw blocks are not supported)"};
    if (c == '=') return take(Token::kEquals, 1);
    if (at("..")) return take(Token::kId, 2);
    if (c == '.' && pos_ + 1 < src_.size() && is_lookahead(src_[pos_ + 1]))
      return take(Token::kId, 1);
    if (c == '.' && pos_ + 1 >= src_.size()) return take(Token::kId, 1);
    if (c == '.' || c == '/') return take(Token::kSep, 1);
    if (at("}~}}")) {
      take(Token::kCloseUnescaped, 4);
      t.strip = true;
      return t;
    }
    if (at("}}}")) return take(Token::kCloseUnescaped, 3);
    if (at("~}}")) {
      take(Token::kClose, 3);
      t.strip = true;
      return t;
    }
    if (at("}}")) return take(Token::kClose, 2);
    if (c == '"' || c == '\'') {
      std::string value;
      size_t i = pos_ + 1;
      for (; i < src_.size(); ++i) {
        if (src_[i] == '\\' && i + 1 < src_.size() && src_[i + 1] == c) {
          value.push_back(c);
          ++i;
        } else if (src_[i] == c) {
          break;
        } else {
          value.push_back(src_[i]);
        }
      }
      if (i >= src_.size())
        throw Failure{pos_,
                      "found an unterminated string, expected a closing " + std::string(1, c)};
      t.kind = Token::kString;
      t.text = std::move(value);
      pos_ = i + 1;
      return t;
    }
    if (c == '@') return take(Token::kData, 1);
    auto keyword = [&](std::string_view word) {
      return at(word) &&
             (pos_ + word.size() >= src_.size() || is_literal_lookahead(src_[pos_ + word.size()]));
    };
    if (keyword("true")) return take(Token::kBoolean, 4);
    if (keyword("false")) return take(Token::kBoolean, 5);
    if (keyword("undefined")) return take(Token::kUndefined, 9);
    if (keyword("null")) return take(Token::kNull, 4);
    {  // -?[0-9]+(\.[0-9]+)?
      size_t i = pos_;
      if (i < src_.size() && src_[i] == '-') ++i;
      size_t digits = i;
      while (i < src_.size() && src_[i] >= '0' && src_[i] <= '9') ++i;
      if (i > digits) {
        if (i + 1 < src_.size() && src_[i] == '.' && src_[i + 1] >= '0' && src_[i + 1] <= '9') {
          ++i;
          while (i < src_.size() && src_[i] >= '0' && src_[i] <= '9') ++i;
        }
        if (i >= src_.size() || is_literal_lookahead(src_[i]))
          return take(Token::kNumber, i - pos_);
      }
    }
    if (c == 'a' && at("as")) {
      size_t i = pos_ + 2;
      if (i < src_.size() && is_space(src_[i])) {
        while (i < src_.size() && is_space(src_[i])) ++i;
        if (i < src_.size() && src_[i] == '|') {
          t.kind = Token::kOpenBlockParams;
          pos_ = i + 1;
          return t;
        }
      }
    }
    if (c == '|') return take(Token::kCloseBlockParams, 1);
    if (is_id_char(c)) {
      size_t i = pos_;
      while (i < src_.size() && is_id_char(src_[i])) ++i;
      if (i >= src_.size() || is_lookahead(src_[i])) return take(Token::kId, i - pos_);
      // An ID not followed by what may follow one: the next character is invalid.
      t.kind = Token::kInvalid;
      t.text.assign(src_.substr(i, 1));
      t.offset = i;
      pos_ = i + 1;
      return t;
    }
    if (c == '[') {
      std::string value;
      size_t i = pos_ + 1;
      for (; i < src_.size(); ++i) {
        if (src_[i] == '\\' && i + 1 < src_.size() && src_[i + 1] == ']') {
          value.push_back(']');
          ++i;
        } else if (src_[i] == ']') {
          break;
        } else {
          value.push_back(src_[i]);
        }
      }
      if (i >= src_.size()) throw Failure{pos_, "found an unterminated '[', expected ']'"};
      t.kind = Token::kId;
      t.literal = true;
      t.text = std::move(value);
      pos_ = i + 1;
      return t;
    }
    return take(Token::kInvalid, 1);
  }

  Token peek() {
    size_t saved = pos_;
    Token t = next_token();
    pos_ = saved;
    return t;
  }

  [[noreturn]] void unexpected(const Token& t, std::string_view expected) {
    throw Failure{t.offset, "found " + describe(t) + ", expected " + std::string(expected)};
  }

  // path: ID (SEP ID)*, after an optional @ (already consumed when `data`).
  Path parse_path(Token first, bool data) {
    Path path;
    path.data = data;
    struct Seg {
      std::string text;
      bool literal;
      std::string sep;
    };
    std::vector<Seg> segs{{first.text, first.literal, ""}};
    for (;;) {
      size_t saved = pos_;
      // A separator must touch the previous segment.
      if (pos_ < src_.size() && (src_[pos_] == '.' || src_[pos_] == '/')) {
        Token sep = next_token();
        if (sep.kind == Token::kSep) {
          Token id = next_token();
          if (id.kind != Token::kId) unexpected(id, "a name after '" + sep.text + "'");
          segs.push_back({id.text, id.literal, sep.text});
          continue;
        }
      }
      pos_ = saved;
      break;
    }
    std::string original = data ? "@" : "";
    for (size_t i = 0; i < segs.size(); ++i) {
      const Seg& s = segs[i];
      original += s.sep + s.text;
      if (!s.literal && (s.text == ".." || s.text == "." || s.text == "this")) {
        if (!path.parts.empty())
          throw Failure{first.offset, "found the invalid path '" + original + "', expected '" +
                                          s.text + "' only at the start of a path"};
        if (s.text == "..") ++path.depth;
      } else {
        path.parts.push_back(s.text);
      }
    }
    path.original = original;
    if (!path.parts.empty()) {
      path.hints.reset(new std::atomic<uint32_t>[path.parts.size()]);
      for (size_t i = 0; i < path.parts.size(); ++i) path.hints[i].store(UINT32_MAX);
    }
    // handlebars' scopedId: /^\.|this\b/
    path.scoped = !original.empty() &&
                  (original[0] == '.' || (!segs.front().literal && segs.front().text == "this"));
    if (!path.scoped) {
      for (const Seg& s : segs)
        if (!s.literal && s.text == "this") path.scoped = true;
    }
    return path;
  }

  // helperName or param: path, data path, literal, (sub-expression) when allowed.
  std::optional<Expr> parse_expr(const Token& t, bool allow_sexpr, int depth) {
    Expr e;
    switch (t.kind) {
      case Token::kId:
        e.kind = Expr::kPath;
        e.path = parse_path(t, false);
        return e;
      case Token::kData: {
        Token id = next_token();
        if (id.kind != Token::kId) unexpected(id, "a name after '@'");
        e.kind = Expr::kPath;
        e.path = parse_path(id, true);
        return e;
      }
      case Token::kString:
        e.kind = Expr::kLiteral;
        e.literal = json::string(t.text);
        return e;
      case Token::kNumber: {
        e.kind = Expr::kLiteral;
        double d = 0;
        std::from_chars(t.text.data(), t.text.data() + t.text.size(), d);
        e.literal = d;
        return e;
      }
      case Token::kBoolean:
        e.kind = Expr::kLiteral;
        e.literal = t.text == "true";
        return e;
      case Token::kNull:
        e.kind = Expr::kLiteral;
        e.literal = nullptr;
        return e;
      case Token::kUndefined:
        e.kind = Expr::kUndefined;
        return e;
      case Token::kOpenSexpr:
        if (!allow_sexpr) return std::nullopt;
        e.kind = Expr::kSubExpr;
        e.sub = std::make_shared<Call>(parse_call(t.offset, Token::kCloseSexpr, depth + 1));
        next_token();  // the ')'
        return e;
      default:
        return std::nullopt;
    }
  }

  static Path literal_head(const Token& t, const Expr& e) {
    // handlebars' transformLiteralToPath: {{"a b"}} and {{true}} look up a property so named.
    Path p;
    std::string text;
    if (e.kind == Expr::kUndefined) {
      text = "undefined";
    } else if (e.literal.is_string()) {
      text = std::string(e.literal.get_string());
    } else if (e.literal.is_bool()) {
      text = e.literal.get_bool() ? "true" : "false";
    } else if (e.literal.is_null()) {
      text = "null";
    } else {
      text = t.text;
    }
    p.parts.push_back(text);
    p.original = text;
    return p;
  }

  // helperName param* hash?, up to (not including) a token of kind `end` (or block params).
  Call parse_call(size_t offset, Token::Kind end, int depth) {
    if (depth > kMaxDepth)
      throw Failure{offset, "found sub-expressions nested more than " + std::to_string(kMaxDepth) +
                                " deep, expected fewer"};
    Call call;
    call.offset = offset;
    Token head = next_token();
    auto head_expr = parse_expr(head, false, depth);
    if (!head_expr) unexpected(head, "a name, a path or a literal");
    call.offset = head.offset;
    call.head = head_expr->kind == Expr::kPath ? head_expr->path : literal_head(head, *head_expr);
    if (call.head.is_simple()) {
      const std::string& n = call.head.parts[0];
      call.builtin = n == "if"       ? Call::kIf
                     : n == "unless" ? Call::kUnless
                     : n == "each"   ? Call::kEach
                     : n == "with"   ? Call::kWith
                     : n == "lookup" ? Call::kLookup
                     : n == "log"    ? Call::kLog
                                     : Call::kNotBuiltin;
      if (call.builtin == Call::kNotBuiltin) call.helper = find_helper(n);
    }
    bool in_hash = false;
    for (;;) {
      Token t = peek();
      if (t.kind == end || t.kind == Token::kOpenBlockParams ||
          (end == Token::kClose && t.kind == Token::kCloseUnescaped)) {
        return call;
      }
      if (t.kind == Token::kId) {
        size_t saved = pos_;
        next_token();
        if (pos_ < src_.size() && src_[pos_] == '=') {
          Token eq = next_token();
          (void)eq;
          Token value = next_token();
          auto v = parse_expr(value, true, depth);
          if (!v) unexpected(value, "a value after '" + t.text + "='");
          call.hash.emplace_back(t.text, std::move(*v));
          in_hash = true;
          continue;
        }
        pos_ = saved;
      }
      if (in_hash) unexpected(t, "another key=value or the end of the tag");
      Token p = next_token();
      auto v = parse_expr(p, true, depth);
      if (!v) {
        unexpected(p, end == Token::kCloseSexpr ? "a parameter or ')'" : "a parameter or '}}'");
      }
      call.params.push_back(std::move(*v));
    }
  }

  std::vector<std::string> parse_block_params() {
    std::vector<std::string> names;
    if (peek().kind != Token::kOpenBlockParams) return names;
    next_token();
    for (;;) {
      Token t = next_token();
      if (t.kind == Token::kCloseBlockParams) break;
      if (t.kind != Token::kId) unexpected(t, "a block parameter name or '|'");
      names.push_back(t.text);
    }
    if (names.empty())
      throw Failure{pos_, "found 'as ||', expected at least one block parameter name"};
    return names;
  }

  // Consumes the closing '}}' (or '}}}' when `unescaped`); returns whether it had ~.
  bool expect_close(bool unescaped, std::string_view what) {
    Token t = next_token();
    if (t.kind == (unescaped ? Token::kCloseUnescaped : Token::kClose)) return t.strip;
    unexpected(t, unescaped ? "'}}}' to close " + std::string(what)
                            : "'}}' to close " + std::string(what));
  }

  // --- statements ------------------------------------------------------------------------------

  // Parses statements into `program` until the end, a close tag or an else.
  Stop parse_body(Program& program, int depth) {
    if (depth > kMaxDepth)
      throw Failure{pos_, "found blocks nested more than " + std::to_string(kMaxDepth) +
                              " deep, expected fewer"};
    for (;;) {
      read_content(program);
      if (pos_ >= src_.size()) return Stop{};
      const size_t open = pos_;
      pos_ += 2;
      if (at("{{"))
        throw Failure{open, "found '{{{{', expected '{{' (raw blocks are not supported)"};
      Strip strip;
      if (at("~")) {
        strip.open = true;
        ++pos_;
      }
      const size_t after_open = pos_;
      auto refuse = [&](std::string what) {
        throw Failure{open, "found " + what + ", expected a mustache, a block or a comment (" +
                                what + " are not supported)"};
      };
      if (at("!--")) {
        size_t end = src_.find("--", pos_ + 3);
        for (;;) {
          if (end == std::string_view::npos)
            throw Failure{open,
                          "found the end of the template, expected '--}}' to close the comment"};
          size_t k = end + 2;
          bool tilde = k < src_.size() && src_[k] == '~';
          if (src_.substr(k + (tilde ? 1 : 0), 2) == "}}") {
            strip.close = tilde;
            pos_ = k + (tilde ? 1 : 0) + 2;
            break;
          }
          end = src_.find("--", end + 1);
        }
        program.body.push_back(comment_node(strip));
        continue;
      }
      if (at("!")) {
        size_t end = src_.find("}}", pos_);
        if (end == std::string_view::npos)
          throw Failure{open, "found the end of the template, expected '}}' to close the comment"};
        strip.close = end > pos_ && src_[end - 1] == '~';
        pos_ = end + 2;
        program.body.push_back(comment_node(strip));
        continue;
      }
      if (at(">")) refuse("a partial '{{>'");
      if (at("#>")) refuse("a partial block '{{#>'");
      if (at("#*") || at("*")) refuse("a decorator");
      if (at("#")) {
        ++pos_;
        program.body.push_back(parse_block(open, strip, false, depth));
        continue;
      }
      if (at("/")) {
        ++pos_;
        Token t = next_token();
        Stop stop;
        stop.kind = Stop::kClose;
        stop.offset = open;
        if (t.kind == Token::kData) {
          Token id = next_token();
          if (id.kind != Token::kId) unexpected(id, "a name after '@'");
          stop.close_path = parse_path(id, true);
        } else if (t.kind == Token::kId) {
          stop.close_path = parse_path(t, false);
        } else {
          auto e = parse_expr(t, false, depth);
          if (!e) unexpected(t, "the name of the block to close");
          stop.close_path = literal_head(t, *e);
        }
        stop.close_name = stop.close_path.original;
        stop.strip.open = strip.open;
        stop.strip.close = expect_close(false, "'{{/" + stop.close_name + "'");
        return stop;
      }
      {  // {{^}} or {{else}}: inverse
        size_t saved = pos_;
        bool caret = at("^");
        if (caret) ++pos_;
        skip_space();
        bool else_word = !caret && at("else");
        if (else_word) pos_ += 4;
        if (caret || else_word) {
          size_t k = pos_;
          skip_space();
          bool tilde = at("~}}");
          if (tilde || at("}}")) {
            pos_ += tilde ? 3 : 2;
            Stop stop;
            stop.kind = Stop::kInverse;
            stop.offset = open;
            stop.strip.open = strip.open;
            stop.strip.close = tilde;
            return stop;
          }
          pos_ = k;
          if (else_word) {
            Stop stop;
            stop.kind = Stop::kInverseChain;
            stop.offset = open;
            stop.strip.open = strip.open;
            stop.chain_call = parse_call(open, Token::kClose, depth);
            stop.chain_params = parse_block_params();
            stop.strip.close =
                expect_close(false, "'{{else " + stop.chain_call.head.original + "'");
            return stop;
          }
          // {{^name}}: an inverted section
          program.body.push_back(parse_block(open, strip, true, depth));
          continue;
        }
        pos_ = saved;
      }
      (void)after_open;
      Node node;
      node.kind = Node::kMustache;
      bool unescaped_triple = false;
      if (at("{")) {
        ++pos_;
        unescaped_triple = true;
        node.escaped = false;
      } else if (at("&")) {
        ++pos_;
        node.escaped = false;
      }
      node.call = parse_call(open, Token::kClose, depth);
      if (peek().kind == Token::kOpenBlockParams)
        unexpected(peek(), "'}}' (block parameters belong to blocks)");
      node.strip.open = strip.open;
      node.strip.close =
          expect_close(unescaped_triple, "'{{" + std::string(unescaped_triple ? "{" : "") +
                                             node.call.head.original + "'");
      program.body.push_back(std::move(node));
    }
  }

  static Node comment_node(Strip strip) {
    Node node;
    node.kind = Node::kComment;
    node.strip = strip;
    return node;
  }

  Node parse_block(size_t open, Strip open_strip, bool inverted, int depth) {
    Node node;
    node.kind = Node::kBlock;
    node.call = parse_call(open, Token::kClose, depth);
    node.block_params = parse_block_params();
    node.open_strip = open_strip;
    node.open_strip.close = expect_close(
        false, "'{{" + std::string(inverted ? "^" : "#") + node.call.head.original + "'");
    return finish_block(std::move(node), open, inverted, depth);
  }

  // Parses the body after an open tag (or an {{else x}}), through its close tag.
  Node finish_block(Node node, size_t open, bool inverted, int depth) {
    auto program = std::make_unique<Program>();
    Stop stop = parse_body(*program, depth + 1);
    std::unique_ptr<Program> inverse;
    if (stop.kind == Stop::kInverse || stop.kind == Stop::kInverseChain) {
      if (inverted)
        throw Failure{stop.offset, "found '{{else}}' in the inverted section '{{^" +
                                       node.call.head.original + "}}', expected '{{/" +
                                       node.call.head.original + "}}'"};
      node.inverse_strip = stop.strip;
      inverse = std::make_unique<Program>();
      if (stop.kind == Stop::kInverse) {
        stop = parse_body(*inverse, depth + 1);
      } else {
        Node chained;
        chained.kind = Node::kBlock;
        chained.call = std::move(stop.chain_call);
        chained.block_params = std::move(stop.chain_params);
        chained.open_strip = stop.strip;
        chained = finish_chain(std::move(chained), open, node.call.head.original, depth + 1, stop);
        inverse->body.push_back(std::move(chained));
        inverse->chained = true;
      }
    }
    if (stop.kind == Stop::kEnd) {
      throw Failure{open, "found the end of the template, expected '{{/" + node.call.head.original +
                              "}}' to close the block opened"};
    }
    if (stop.close_name != node.call.head.original) {
      throw Failure{stop.offset, "found '{{/" + stop.close_name + "}}', expected '{{/" +
                                     node.call.head.original + "}}' (" + node.call.head.original +
                                     " doesn't match " + stop.close_name + ")"};
    }
    node.close_strip = stop.strip;
    if (inverse && inverse->chained) inverse->body.front().close_strip = stop.strip;
    if (inverted) {
      node.inverse = std::move(program);
    } else {
      node.program = std::move(program);
      node.inverse = std::move(inverse);
    }
    return node;
  }

  // An {{else name ...}} chain: its program runs to the next else or the outer close tag, which
  // it leaves in `outer_stop` for the outer block.
  Node finish_chain(Node node, size_t open, const std::string& outer, int depth, Stop& outer_stop) {
    if (depth > kMaxDepth)
      throw Failure{open, "found an {{else}} chain longer than " + std::to_string(kMaxDepth) +
                              ", expected fewer"};
    auto program = std::make_unique<Program>();
    Stop stop = parse_body(*program, depth + 1);
    if (stop.kind == Stop::kInverse || stop.kind == Stop::kInverseChain) {
      node.inverse_strip = stop.strip;
      auto inverse = std::make_unique<Program>();
      if (stop.kind == Stop::kInverse) {
        stop = parse_body(*inverse, depth + 1);
      } else {
        Node chained;
        chained.kind = Node::kBlock;
        chained.call = std::move(stop.chain_call);
        chained.block_params = std::move(stop.chain_params);
        chained.open_strip = stop.strip;
        chained = finish_chain(std::move(chained), open, outer, depth + 1, stop);
        inverse->body.push_back(std::move(chained));
        inverse->chained = true;
      }
      node.inverse = std::move(inverse);
    }
    if (stop.kind == Stop::kEnd) {
      throw Failure{open, "found the end of the template, expected '{{/" + outer +
                              "}}' to close the block opened"};
    }
    // The close strip of a chained block is that of the else after it (handlebars' prepareBlock);
    // the outer block gives the first one its own.
    node.close_strip = node.inverse ? node.inverse_strip : Strip{};
    node.program = std::move(program);
    outer_stop = std::move(stop);
    return node;
  }
};

// --- whitespace control (handlebars' WhitespaceControl visitor) ----------------------------------

bool ends_with_newline_ws(const std::string& s, bool allow_start) {
  // /\r?\n\s*?$/ or /(^|\r?\n)\s*?$/: only whitespace after the last newline (or the start)
  size_t i = s.size();
  while (i > 0 && is_space(s[i - 1]) && s[i - 1] != '\n') --i;
  if (i > 0 && s[i - 1] == '\n') return true;
  // \s includes \n: the lazy \s*? may span newlines, but then an earlier \n matches anyway.
  return allow_start && i == 0;
}
bool starts_with_ws_newline(const std::string& s, bool allow_end) {
  // /^\s*?\r?\n/ or /^\s*?(\r?\n|$)/
  size_t i = 0;
  while (i < s.size() && is_space(s[i]) && s[i] != '\n') ++i;
  if (i < s.size() && s[i] == '\n') return true;
  return allow_end && i == s.size();
}

// std::nullopt stands for JavaScript's undefined (falsy, like false).
bool is_prev_whitespace(const std::vector<Node>& body, std::optional<size_t> index, bool is_root) {
  size_t i = index ? *index : body.size();
  if (i == 0) return is_root;
  const Node& prev = body[i - 1];
  if (prev.kind != Node::kContent) return false;
  bool sibling = i >= 2;
  return ends_with_newline_ws(prev.original, !(sibling || !is_root));
}
bool is_next_whitespace(const std::vector<Node>& body, std::optional<size_t> index, bool is_root) {
  size_t i = index ? *index + 1 : 0;
  if (i >= body.size()) return is_root;
  const Node& next = body[i];
  if (next.kind != Node::kContent) return false;
  bool sibling = i + 1 < body.size();
  return starts_with_ws_newline(next.original, !(sibling || !is_root));
}

void omit_right(std::vector<Node>& body, std::optional<size_t> index, bool multiple) {
  size_t i = index ? *index + 1 : 0;
  if (i >= body.size()) return;
  Node& current = body[i];
  if (current.kind != Node::kContent || (!multiple && current.right_stripped)) return;
  std::string& v = current.value;
  size_t n = 0;
  if (multiple) {
    while (n < v.size() && is_space(v[n])) ++n;
  } else {
    while (n < v.size() && (v[n] == ' ' || v[n] == '\t')) ++n;
    if (n < v.size() && v[n] == '\r' && n + 1 < v.size() && v[n + 1] == '\n')
      n += 2;
    else if (n < v.size() && v[n] == '\n')
      ++n;
  }
  v.erase(0, n);
  current.right_stripped = n > 0;
}
bool omit_left(std::vector<Node>& body, std::optional<size_t> index, bool multiple) {
  if (index && *index == 0) return false;
  if (body.empty()) return false;
  size_t i = index ? *index - 1 : body.size() - 1;
  Node& current = body[i];
  if (current.kind != Node::kContent || (!multiple && current.left_stripped)) return false;
  std::string& v = current.value;
  size_t n = v.size();
  if (multiple) {
    while (n > 0 && is_space(v[n - 1])) --n;
  } else {
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) --n;
  }
  bool changed = n != v.size();
  v.resize(n);
  current.left_stripped = changed;
  return changed;
}

struct StripInfo {
  bool open = false, close = false;
  bool open_standalone = false, close_standalone = false, inline_standalone = false;
  bool any = false;
};

class Whitespace {
 public:
  void program(Program& program) {
    const bool is_root = !root_seen_;
    root_seen_ = true;
    auto& body = program.body;
    for (size_t i = 0; i < body.size(); ++i) {
      StripInfo strip = accept(body[i]);
      if (!strip.any) continue;
      bool prev_ws = is_prev_whitespace(body, i, is_root);
      bool next_ws = is_next_whitespace(body, i, is_root);
      bool open_standalone = strip.open_standalone && prev_ws;
      bool close_standalone = strip.close_standalone && next_ws;
      bool inline_standalone = strip.inline_standalone && prev_ws && next_ws;
      if (strip.close) omit_right(body, i, true);
      if (strip.open) omit_left(body, i, true);
      if (inline_standalone) {
        omit_right(body, i, false);
        omit_left(body, i, false);
      }
      if (open_standalone) {
        Node& n = body[i];
        omit_right((n.program ? *n.program : *n.inverse).body, std::nullopt, false);
        omit_left(body, i, false);
      }
      if (close_standalone) {
        omit_right(body, i, false);
        Node& n = body[i];
        omit_left((n.inverse ? *n.inverse : *n.program).body, std::nullopt, false);
      }
    }
  }

 private:
  bool root_seen_ = false;

  StripInfo accept(Node& node) {
    StripInfo s;
    switch (node.kind) {
      case Node::kContent:
        return s;
      case Node::kMustache:
        s.any = true;
        s.open = node.strip.open;
        s.close = node.strip.close;
        return s;
      case Node::kComment:
        s.any = true;
        s.inline_standalone = true;
        s.open = node.strip.open;
        s.close = node.strip.close;
        return s;
      case Node::kBlock:
        return block(node);
    }
    return s;
  }

  StripInfo block(Node& b) {
    if (b.program) program(*b.program);
    if (b.inverse) program(*b.inverse);
    Program& prog = b.program ? *b.program : *b.inverse;
    Program* inverse = b.program ? b.inverse.get() : nullptr;
    Program* first_inverse = inverse;
    Program* last_inverse = inverse;
    if (inverse && inverse->chained) {
      first_inverse = inverse->body.front().program.get();
      // handlebars walks `.program` of each chained block until one is not chained
      last_inverse = inverse;
      while (last_inverse && last_inverse->chained)
        last_inverse = last_inverse->body.back().program.get();
    }
    StripInfo s;
    s.any = true;
    s.open = b.open_strip.open;
    s.close = b.close_strip.close;
    s.open_standalone = is_next_whitespace(prog.body, std::nullopt, false);
    s.close_standalone =
        is_prev_whitespace((first_inverse ? *first_inverse : prog).body, std::nullopt, false);
    if (b.open_strip.close) omit_right(prog.body, std::nullopt, true);
    if (inverse) {
      if (b.inverse_strip.open) omit_left(prog.body, std::nullopt, true);
      if (b.inverse_strip.close && first_inverse)
        omit_right(first_inverse->body, std::nullopt, true);
      if (b.close_strip.open && last_inverse) omit_left(last_inverse->body, std::nullopt, true);
      if (first_inverse && is_prev_whitespace(prog.body, std::nullopt, false) &&
          is_next_whitespace(first_inverse->body, std::nullopt, false)) {
        omit_left(prog.body, std::nullopt, false);
        omit_right(first_inverse->body, std::nullopt, false);
      }
    } else if (b.close_strip.open) {
      omit_left(prog.body, std::nullopt, true);
    }
    return s;
  }
};

}  // namespace

Result<Program> parse_program(std::string_view source, const std::string& name) {
  try {
    Parser parser(source);
    Program program = parser.parse_root();
    Whitespace().program(program);
    return program;
  } catch (const Failure& f) {
    return make_error(Status::kInvalidConfig,
                      "template '" + name + "' " + where(source, f.offset) + ": " + f.message);
  }
}

}  // namespace sluice::support::tmpl::detail
