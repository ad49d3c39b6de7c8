// A deliberately small Handlebars evaluator, for these tests only: enough of the language
// (mustaches, triple mustaches, sub-expressions, literals, paths, hash arguments, blocks with
// else / else-chains, if/unless/each/with, @index/@first/@last/@key/@root) to run cases.json
// through the real helpers. The engine proper lives in sdk/support/template; it is not this.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "js_value.hpp"

namespace sluice::support::tmpl::testing {

namespace json = boost::json;

struct Expr {
  enum Kind { kLiteral, kPath, kCall } kind = kLiteral;
  Value literal;
  std::string path;  // kPath, kCall name
  std::vector<Expr> args;
  std::vector<std::pair<std::string, Expr>> hash;
};

struct Node;
using Nodes = std::vector<std::shared_ptr<Node>>;
struct Node {
  enum Kind { kText, kMustache, kBlock } kind = kText;
  std::string text;
  bool raw = false;
  Expr expr;          // mustache: the expression; block: a call
  Nodes fn, inverse;  // block
};

struct Frame {
  Value self;
  json::object data;
};

class MiniEngine {
 public:
  MiniEngine(std::string_view source, HelperEnv env) : src_(source), env_(std::move(env)) {}

  Result<std::string> render(const json::value& context) {
    pos_ = 0;
    auto nodes = parse_nodes("");
    if (!error_.empty()) return make_error(Status::kInvalidConfig, error_);
    root_ = context;
    std::vector<Frame> stack{Frame{make_value(context), {}}};
    return run(nodes, stack);
  }

 private:
  // ---- parsing
  Nodes parse_nodes(std::string_view closing) {
    Nodes out;
    while (pos_ < src_.size() && error_.empty()) {
      const size_t open = src_.find("{{", pos_);
      if (open == std::string_view::npos) {
        out.push_back(text_node(src_.substr(pos_)));
        pos_ = src_.size();
        break;
      }
      if (open > pos_) out.push_back(text_node(src_.substr(pos_, open - pos_)));
      const bool raw = src_.substr(open).starts_with("{{{");
      const size_t body = open + (raw ? 3 : 2);
      const size_t close = src_.find(raw ? "}}}" : "}}", body);
      if (close == std::string_view::npos) {
        error_ = "unclosed mustache";
        break;
      }
      std::string_view inner = src_.substr(body, close - body);
      pos_ = close + (raw ? 3 : 2);
      if (!inner.empty() && inner[0] == '/') return out;  // caller checks the name
      if (inner == "else" || inner.starts_with("else ")) {
        pending_else_ = std::string(inner.substr(4));
        return out;
      }
      if (!inner.empty() && inner[0] == '#') {
        auto block = std::make_shared<Node>();
        block->kind = Node::kBlock;
        block->expr = parse_call(inner.substr(1));
        parse_block_body(*block);
        out.push_back(block);
        continue;
      }
      auto m = std::make_shared<Node>();
      m->kind = Node::kMustache;
      m->raw = raw;
      m->expr = parse_call(inner);
      out.push_back(m);
    }
    (void)closing;
    return out;
  }

  void parse_block_body(Node& block) {
    pending_else_.reset();
    block.fn = parse_nodes("");
    if (pending_else_) {
      std::string chain = *pending_else_;
      pending_else_.reset();
      while (!chain.empty() && chain[0] == ' ') chain.erase(0, 1);
      if (chain.empty()) {
        block.inverse = parse_nodes("");
      } else {
        auto nested = std::make_shared<Node>();
        nested->kind = Node::kBlock;
        nested->expr = parse_call(chain);
        parse_block_body(*nested);
        block.inverse.push_back(nested);
        return;  // the nested block consumed the closing tag
      }
    }
  }

  static Node::Kind text_kind() { return Node::kText; }
  std::shared_ptr<Node> text_node(std::string_view t) {
    auto n = std::make_shared<Node>();
    n->text = std::string(t);
    return n;
  }

  // A call or a lone value: name arg arg key=value ...
  Expr parse_call(std::string_view s) {
    size_t i = 0;
    std::vector<Expr> parts;
    std::vector<std::pair<std::string, Expr>> hash;
    while (true) {
      while (i < s.size() && s[i] == ' ') ++i;
      if (i >= s.size()) break;
      // key=value
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      if (j > i && j < s.size() && s[j] == '=') {
        std::string key(s.substr(i, j - i));
        i = j + 1;
        hash.emplace_back(key, parse_one(s, i));
        continue;
      }
      parts.push_back(parse_one(s, i));
    }
    if (parts.empty()) return Expr{};
    if (parts.size() == 1 && hash.empty() &&
        !(parts[0].kind == Expr::kPath && find_helper(parts[0].path)))
      return parts[0];
    Expr call;
    call.kind = Expr::kCall;
    call.path = parts[0].path;
    call.args.assign(parts.begin() + 1, parts.end());
    call.hash = std::move(hash);
    return call;
  }

  Expr parse_one(std::string_view s, size_t& i) {
    Expr e;
    if (s[i] == '"' || s[i] == '\'') {
      const char q = s[i];
      const size_t end = s.find(q, i + 1);
      e.literal = make_string(std::string(s.substr(i + 1, end - i - 1)));
      i = end + 1;
      return e;
    }
    if (s[i] == '(') {
      int depth = 0;
      size_t j = i;
      bool in_string = false;
      char q = 0;
      for (; j < s.size(); ++j) {
        if (in_string) {
          if (s[j] == q) in_string = false;
          continue;
        }
        if (s[j] == '"' || s[j] == '\'')
          in_string = true, q = s[j];
        else if (s[j] == '(')
          ++depth;
        else if (s[j] == ')' && --depth == 0)
          break;
      }
      Expr call = parse_call(s.substr(i + 1, j - i - 1));
      if (call.kind == Expr::kPath) {
        Expr wrapped;
        wrapped.kind = Expr::kCall;
        wrapped.path = call.path;
        call = wrapped;
      }
      i = j + 1;
      return call;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ') {
      if (s[j] == '[') j = s.find(']', j);
      ++j;
    }
    std::string token(s.substr(i, j - i));
    i = j;
    if (token == "true" || token == "false")
      e.literal = make_bool(token == "true");
    else if (token == "null")
      e.literal = make_value(json::value());
    else if (token == "undefined")
      e.literal = Value::make_undefined();
    else if (std::isdigit(static_cast<unsigned char>(token[0])) ||
             (token[0] == '-' && token.size() > 1))
      e.literal = make_number(std::stod(token));
    else {
      e.kind = Expr::kPath;
      e.path = token;
    }
    return e;
  }

  // ---- evaluation
  Value lookup(const std::string& path, const std::vector<Frame>& stack) {
    const Frame& top = stack.back();
    if (path == "this" || path == ".") return top.self;
    if (path.starts_with("@root")) {
      if (path == "@root") return make_value(root_);
      const auto* v = find_path(root_, path.substr(6));
      return v ? make_value(*v) : Value::make_undefined();
    }
    if (path[0] == '@') {
      const auto* v = top.data.if_contains(path.substr(1));
      return v ? make_value(*v) : Value::make_undefined();
    }
    std::string p = path.starts_with("this.") ? path.substr(5) : path;
    if (top.self.undefined) return Value::make_undefined();
    // .length of strings and arrays, as JavaScript has it.
    if (p.ends_with(".length")) {
      const auto* base = find_path(top.self.json, p.substr(0, p.size() - 7));
      if (base && base->is_string())
        return make_number(static_cast<double>(js_length(base->get_string())));
      if (base && base->is_array())
        return make_number(static_cast<double>(base->get_array().size()));
    }
    const auto* v = find_path(top.self.json, p);
    return v ? make_value(*v) : Value::make_undefined();
  }

  Result<Value> eval(const Expr& e, const std::vector<Frame>& stack,
                     const BlockBody* block = nullptr) {
    if (e.kind == Expr::kLiteral) return e.literal;
    if (e.kind == Expr::kPath) return lookup(e.path, stack);
    std::vector<Value> args;
    std::vector<std::string_view> paths;
    for (const auto& a : e.args) {
      auto v = eval(a, stack);
      if (!v) return v.error();
      args.push_back(std::move(*v));
      paths.push_back(a.kind == Expr::kPath ? std::string_view(a.path) : std::string_view());
    }
    json::object hash;
    for (const auto& [k, a] : e.hash) {
      auto v = eval(a, stack);
      if (!v) return v.error();
      if (!v->undefined) hash[k] = v->json;
    }
    const Helper* helper = find_helper(e.path);
    if (helper == nullptr) return make_error(Status::kInvalidConfig, "unknown helper " + e.path);
    HelperCall call{e.path, args, hash, stack.back().self, block, env_, paths};
    return (*helper)(call);
  }

  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#x27;";
          break;
        case '`':
          out += "&#x60;";
          break;
        case '=':
          out += "&#x3D;";
          break;
        default:
          out.push_back(c);
      }
    }
    return out;
  }

  Result<std::string> section(const Nodes& nodes, std::vector<Frame> stack, const Value& self,
                              const json::object& data) {
    Frame f{self, stack.back().data};
    for (const auto& kv : data) f.data[kv.key()] = kv.value();
    stack.push_back(std::move(f));
    return run(nodes, stack);
  }

  Result<std::string> run_block(const Node& n, std::vector<Frame>& stack) {
    const std::string& name = n.expr.path;
    if (name == "if" || name == "unless" || name == "with" || name == "each") {
      auto v = eval(n.expr.args.at(0), stack);
      if (!v) return v.error();
      const bool empty_array = !v->undefined && v->json.is_array() && v->json.get_array().empty();
      const bool truthy = js_truthy(*v) && !empty_array;
      if (name == "if") return truthy ? run(n.fn, stack) : run(n.inverse, stack);
      if (name == "unless") return !truthy ? run(n.fn, stack) : run(n.inverse, stack);
      if (name == "with") return truthy ? section(n.fn, stack, *v, {}) : run(n.inverse, stack);
      std::string out;
      if (!v->undefined && v->json.is_array() && !v->json.get_array().empty()) {
        const auto& a = v->json.get_array();
        for (size_t i = 0; i < a.size(); ++i) {
          json::object d{{"index", i}, {"first", i == 0}, {"last", i + 1 == a.size()}, {"key", i}};
          auto t = section(n.fn, stack, make_value(a[i]), d);
          if (!t) return t.error();
          out += *t;
        }
        return out;
      }
      return run(n.inverse, stack);
    }
    BlockBody body;
    body.fn = [&, stack](const Value& self, const json::object& data, std::span<const Value>) {
      return section(n.fn, stack, self, data);
    };
    body.inverse = [&, stack](const Value& self, const json::object& data, std::span<const Value>) {
      return section(n.inverse, stack, self, data);
    };
    auto v = eval(n.expr, stack, &body);
    if (!v) return v.error();
    return to_js_string(*v);
  }

  Result<std::string> run(const Nodes& nodes, std::vector<Frame>& stack) {
    std::string out;
    for (const auto& n : nodes) {
      if (n->kind == Node::kText) {
        out += n->text;
      } else if (n->kind == Node::kMustache) {
        auto v = eval(n->expr, stack);
        if (!v) return v.error();
        const std::string text = to_js_string(*v);
        out += (n->raw || v->safe) ? text : escape(text);
      } else {
        auto t = run_block(*n, stack);
        if (!t) return t.error();
        out += *t;
      }
    }
    return out;
  }

  std::string_view src_;
  HelperEnv env_;
  size_t pos_ = 0;
  std::string error_;
  std::optional<std::string> pending_else_;
  json::value root_;
};

}  // namespace sluice::support::tmpl::testing
