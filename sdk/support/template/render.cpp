// Evaluates a parsed Program as handlebars.js 4.7's runtime does: the context stack for ../,
// data frames for @-variables, block parameters, the built-in helpers and blockHelperMissing.
#include "render.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <new>
#include <optional>
#include <vector>

#include "parser.hpp"
#include "text.hpp"

namespace sluice::support::tmpl::detail {

namespace json = boost::json;

namespace {

const json::value kNull;

// A value during evaluation: borrowed from the context or the program, or owned. Undefined
// when it is neither.
struct Val {
  const json::value* ref = nullptr;
  std::optional<json::value> own;
  bool safe = false;

  static Val borrow(const json::value* v) {
    Val r;
    r.ref = v;
    return r;
  }
  static Val owned(json::value v, bool safe = false) {
    Val r;
    r.own.emplace(std::move(v));
    r.safe = safe;
    return r;
  }
  bool is_owned() const { return own.has_value(); }
  bool is_undefined() const { return !own && ref == nullptr; }
  // nullptr when undefined.
  const json::value* get() const { return own ? &*own : ref; }
  Val copy() const { return own ? owned(*own, safe) : *this; }
  Value to_value() const {
    if (is_undefined()) return Value::make_undefined();
    return Value{*get(), false, safe};
  }
  static Val from(Value v) {
    if (v.undefined) return Val{};
    return owned(std::move(v.json), v.safe);
  }
};

struct Ctx {
  const json::value* value;  // nullptr: undefined
  const Ctx* parent;
};

struct DataFrame {
  const DataFrame* parent = nullptr;
  const json::value* root = nullptr;  // the top frame only
  bool iteration = false;
  size_t index = 0;
  bool key_is_index = true;
  std::string_view key;
  bool first = false, last = false;
  const json::object* extra = nullptr;
};

struct ParamFrame {
  const ParamFrame* parent;
  const std::vector<std::string>* names;
  const std::vector<Val>* values;
};

struct Scope {
  const Ctx* ctx;
  const DataFrame* data;
  const ParamFrame* params;
};

struct Failure {
  Error error;
};

bool same_context(const json::value* a, const json::value* b) {
  if (a == b) return true;
  if (a == nullptr || b == nullptr) {
    const json::value* other = a ? a : b;
    return other->is_null();  // null == undefined
  }
  if (a->is_structured() || b->is_structured()) return false;
  if (a->is_number() && b->is_number()) return a->to_number<double>() == b->to_number<double>();
  return *a == *b;
}

bool is_array_index(std::string_view s, size_t& out) {
  if (s.empty() || s.size() > 10 || (s.size() > 1 && s[0] == '0')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out < 4294967295u;
}

size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;
  }
  return n;
}

// lookupProperty(parent, name): own properties only; undefined when `found` is false.
Val property(const Val& parent, std::string_view name, bool& found) {
  found = false;
  const json::value* p = parent.get();
  if (p == nullptr || p->is_null()) return Val{};
  if (p->is_object()) {
    const json::object& o = p->get_object();
    auto it = o.find(name);
    if (it == o.end()) return Val{};
    found = true;
    if (parent.is_owned()) return Val::owned(it->value());
    return Val::borrow(&it->value());
  }
  if (p->is_array()) {
    const json::array& a = p->get_array();
    if (name == "length") {
      found = true;
      return Val::owned(static_cast<int64_t>(a.size()));
    }
    size_t i = 0;
    if (!is_array_index(name, i) || i >= a.size()) return Val{};
    found = true;
    if (parent.is_owned()) return Val::owned(a[i]);
    return Val::borrow(&a[i]);
  }
  if (p->is_string()) {
    std::string_view s = p->get_string();
    if (name == "length") {
      found = true;
      return Val::owned(static_cast<int64_t>(utf16_length(s)));
    }
    size_t i = 0;
    if (is_array_index(name, i) && i < s.size() && utf16_length(s) == s.size()) {
      found = true;
      return Val::owned(json::string(s.substr(i, 1)));
    }
  }
  return Val{};
}

// Object.keys order: integer-like keys ascending, then the others in insertion order.
std::vector<const json::key_value_pair*> js_key_order(const json::object& o) {
  std::vector<const json::key_value_pair*> keys;
  keys.reserve(o.size());
  std::vector<std::pair<size_t, const json::key_value_pair*>> numeric;
  for (const auto& kv : o) {
    size_t i = 0;
    if (is_array_index(kv.key(), i)) {
      numeric.emplace_back(i, &kv);
    }
  }
  std::sort(numeric.begin(), numeric.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, kv] : numeric) keys.push_back(kv);
  for (const auto& kv : o) {
    size_t i = 0;
    if (!is_array_index(kv.key(), i)) keys.push_back(&kv);
  }
  return keys;
}

// The evaluated arguments of one helper call and their source paths: up to kInline of them on the
// stack, only as many constructed as there are (a json::value's destructor is a call into
// Boost.JSON), so that a call allocates nothing for them.
class ArgBuffer {
 public:
  explicit ArgBuffer(size_t n) {
    if (n > kInline) {
      heap_.reserve(n);
      heap_paths_.reserve(n);
    }
  }
  ~ArgBuffer() {
    for (size_t i = 0; i < size_ && heap_.capacity() == 0; ++i) slot(i)->~Value();
  }
  ArgBuffer(const ArgBuffer&) = delete;
  ArgBuffer& operator=(const ArgBuffer&) = delete;

  void push(Value v, std::string_view path) {
    if (heap_.capacity() != 0) {
      heap_.push_back(std::move(v));
      heap_paths_.push_back(path);
    } else {
      new (slot(size_)) Value(std::move(v));
      paths_[size_] = path;
    }
    ++size_;
  }
  std::span<const Value> values() const {
    if (heap_.capacity() != 0) return heap_;
    return {std::launder(reinterpret_cast<const Value*>(storage_)), size_};
  }
  std::span<const std::string_view> paths() const {
    if (heap_.capacity() != 0) return heap_paths_;
    return {paths_.data(), size_};
  }

 private:
  static constexpr size_t kInline = 4;
  Value* slot(size_t i) { return std::launder(reinterpret_cast<Value*>(storage_)) + i; }

  alignas(Value) unsigned char storage_[kInline * sizeof(Value)];
  std::array<std::string_view, kInline> paths_;
  size_t size_ = 0;
  std::vector<Value> heap_;  // when there are more than kInline
  std::vector<std::string_view> heap_paths_;
};

class Renderer {
 public:
  Renderer(const RenderInput& in) : in_(in) {}

  void run(std::string& out) {
    Ctx root{&in_.context, nullptr};
    DataFrame data;
    data.root = &in_.context;
    Scope scope{&root, &data, nullptr};
    program(*in_.program, scope, out);
  }

 private:
  const RenderInput& in_;
  std::optional<Failure> pending_;  // a failure inside a helper's fn/inverse
  std::optional<HelperEnv> env_;    // UTC and the time of the first helper call, when not given

  const HelperEnv& env() {
    if (in_.options.env != nullptr) return *in_.options.env;
    if (!env_) env_.emplace();
    return *env_;
  }

  [[noreturn]] void fail(size_t offset, const std::string& what) {
    throw Failure{make_error(Status::kInvalidConfig, "template '" + in_.name + "' " +
                                                         where(in_.source, offset) + ": " + what)};
  }

  // The helper a simple head names: the caller's lookup when given, else the one the parser found.
  const Helper* find(const Call& c) const {
    if (in_.options.helpers != nullptr && *in_.options.helpers)
      return (*in_.options.helpers)(c.head.parts[0]);
    return c.helper;
  }

  // --- lookups ---------------------------------------------------------------------------------

  const Val* block_param(const Scope& scope, std::string_view name) const {
    for (const ParamFrame* f = scope.params; f != nullptr; f = f->parent) {
      for (size_t i = 0; i < f->names->size(); ++i) {
        if ((*f->names)[i] == name) {
          static const Val kUndef;
          return i < f->values->size() ? &(*f->values)[i] : &kUndef;
        }
      }
    }
    return nullptr;
  }

  Val data_var(const DataFrame* frame, std::string_view name, bool& found) const {
    found = true;
    for (const DataFrame* f = frame; f != nullptr; f = f->parent) {
      if (f->iteration) {
        if (name == "index") return Val::owned(static_cast<int64_t>(f->index));
        if (name == "first") return Val::owned(f->first);
        if (name == "last") return Val::owned(f->last);
        if (name == "key") {
          if (f->key_is_index) return Val::owned(static_cast<int64_t>(f->index));
          return Val::owned(json::string(f->key));
        }
      }
      if (f->extra != nullptr) {
        auto it = f->extra->find(name);
        if (it != f->extra->end()) return Val::owned(it->value());
      }
      if (f->root != nullptr && name == "root") return Val::borrow(f->root);
    }
    found = false;
    return Val{};
  }

  const json::value* binding(std::string_view name) const {
    for (const Binding& b : in_.options.bindings)
      if (b.name == name) return b.value;
    return nullptr;
  }

  Val path(const Path& p, const Scope& scope, size_t offset) {
    size_t first = 0;
    Val current;
    bool found = true;
    const Val* param = nullptr;
    if (!p.data && p.depth == 0 && !p.scoped && !p.parts.empty()) {
      param = block_param(scope, p.parts[0]);
    }
    if (param != nullptr) {
      current = param->copy();
      first = 1;
    } else if (p.data) {
      const DataFrame* frame = scope.data;
      for (int d = 0; d < p.depth && frame != nullptr; ++d) frame = frame->parent;
      if (p.parts.empty()) return Val{};
      current = data_var(frame, p.parts[0], found);
      first = 1;
    } else {
      const Ctx* ctx = scope.ctx;
      for (int d = 0; d < p.depth && ctx != nullptr; ++d) ctx = ctx->parent;
      current = Val::borrow(ctx ? ctx->value : nullptr);
    }
    // Borrowed objects and array items need no Val per step.
    while (first < p.parts.size() && !current.is_owned() && current.ref != nullptr) {
      const json::value* v = current.ref;
      if (v == &in_.context && !in_.options.bindings.empty()) {
        if (const json::value* bound = binding(p.parts[first])) {
          current.ref = bound;
          ++first;
          continue;
        }
      }
      if (v->is_object()) {
        const json::object& o = v->get_object();
        const std::string& key = p.parts[first];
        const uint32_t hint = p.hints ? p.hints[first].load(std::memory_order_relaxed) : UINT32_MAX;
        if (hint < o.size() && (o.begin() + hint)->key() == key) {
          current.ref = &(o.begin() + hint)->value();
          ++first;
          continue;
        }
        auto it = o.find(key);
        if (it == o.end()) {
          current.ref = nullptr;
          found = false;
          break;
        }
        if (p.hints) {
          p.hints[first].store(static_cast<uint32_t>(it - o.begin()), std::memory_order_relaxed);
        }
        current.ref = &it->value();
        ++first;
        continue;
      }
      break;
    }
    for (size_t i = first; i < p.parts.size() && found; ++i) {
      const json::value* v = current.get();
      if (v == nullptr || v->is_null()) break;  // null and undefined propagate
      current = property(current, p.parts[i], found);
    }
    if (!found && in_.options.strict) {
      fail(offset, "'" + p.original + "' names nothing in the context (strictHandlebarEvaluation)");
    }
    return current;
  }

  // --- expressions -----------------------------------------------------------------------------

  Val expr(const Expr& e, const Scope& scope, size_t offset) {
    switch (e.kind) {
      case Expr::kPath:
        return path(e.path, scope, offset);
      case Expr::kLiteral:
        return Val::borrow(&e.literal);
      case Expr::kUndefined:
        return Val{};
      case Expr::kSubExpr:
        return call(*e.sub, scope, nullptr, true);
    }
    return Val{};
  }

  std::vector<Val> params(const Call& c, const Scope& scope) {
    std::vector<Val> out;
    out.reserve(c.params.size());
    for (const Expr& e : c.params) out.push_back(expr(e, scope, c.offset));
    return out;
  }

  const Val* hash_value(const Call& c, std::string_view key, const Scope& scope, Val& holder) {
    for (const auto& [k, e] : c.hash) {
      if (k == key) {
        holder = expr(e, scope, c.offset);
        return &holder;
      }
    }
    return nullptr;
  }

  // A mustache or sub-expression (block == nullptr) or a block's head.
  Val call(const Call& c, const Scope& scope, const Node* block, bool subexpr,
           std::string* out = nullptr) {
    const bool simple = c.head.is_simple() && block_param(scope, c.head.parts[0]) == nullptr;
    if (simple) {
      const std::string& name = c.head.parts[0];
      if (c.builtin != Call::kNotBuiltin) return builtin(name, c, scope, block, out);
      if (const Helper* h = find(c)) return helper(*h, name, c, scope, block);
      if (c.is_call())
        fail(c.offset, "unknown helper '" + name + "' (no helper or built-in has that name)");
      Val v = path(c.head, scope, c.offset);
      if (subexpr && js_truthy(v.get())) {
        fail(c.offset,
             "'" + name + "' is a value, not a helper, so it cannot be called as (" + name + ")");
      }
      if (subexpr) return Val{};
      return v;
    }
    if (c.is_call())
      fail(c.offset,
           "unknown helper '" + c.head.original + "' (a path cannot be called as a helper)");
    return path(c.head, scope, c.offset);
  }

  // --- built-ins -------------------------------------------------------------------------------

  static bool is_empty(const json::value* v) {  // handlebars' isEmpty
    if (v == nullptr) return true;
    if (v->is_array()) return v->get_array().empty();
    if (v->is_number()) return false;  // 0 is not empty
    return !js_truthy(v);
  }

  Val builtin(const std::string& name, const Call& c, const Scope& scope, const Node* block,
              std::string* out) {
    if (c.builtin == Call::kLookup) {
      if (c.params.empty()) return Val{};
      Val object = expr(c.params[0], scope, c.offset);
      if (!js_truthy(object.get())) return object;
      bool found = false;
      if (c.params.size() < 2) return property(object, "undefined", found);
      Val field = expr(c.params[1], scope, c.offset);
      for (size_t i = 2; i < c.params.size(); ++i) (void)expr(c.params[i], scope, c.offset);
      const json::value* f = field.get();
      if (f != nullptr && f->is_string()) return property(object, f->get_string(), found);
      std::string key;
      append_js_string(key, f);
      if (f == nullptr) key = "undefined";
      if (f != nullptr && f->is_null()) key = "null";
      return property(object, key, found);
    }
    if (c.builtin == Call::kLog) {
      params(c, scope);  // evaluated for their errors; logging is the host's business
      return Val{};
    }
    if (block == nullptr) {
      fail(c.offset,
           "'" + name + "' is a block helper: write {{#" + name + " ...}}...{{/" + name + "}}");
    }
    std::string& o = *out;
    if (c.builtin == Call::kIf || c.builtin == Call::kUnless) {
      if (c.params.size() != 1) fail(c.offset, "#" + name + " requires exactly one argument");
      Val cond = expr(c.params[0], scope, c.offset);
      Val holder;
      const Val* include_zero = hash_value(c, "includeZero", scope, holder);
      const json::value* v = cond.get();
      const bool iz = include_zero != nullptr && js_truthy(include_zero->get());
      bool truthy = !((!iz && !js_truthy(v)) || is_empty(v));
      if (c.builtin == Call::kUnless) truthy = !truthy;
      section(truthy ? block->program.get() : block->inverse.get(), scope, &o);
      return Val{};
    }
    if (c.builtin == Call::kWith) {
      if (c.params.size() != 1) fail(c.offset, "#with requires exactly one argument");
      Val v = expr(c.params[0], scope, c.offset);
      if (is_empty(v.get())) {
        section(block->inverse.get(), scope, out);
      } else {
        std::vector<Val> bp;
        bp.push_back(v.copy());
        enter(block->program.get(), scope, v.get(), nullptr, &block->block_params, &bp, out);
      }
      return Val{};
    }
    // each
    if (c.params.empty()) fail(c.offset, "#each needs something to iterate: {{#each items}}");
    Val v = expr(c.params[0], scope, c.offset);
    each(v, *block, scope, out);
    return Val{};
  }

  void each(const Val& v, const Node& block, const Scope& scope, std::string* out) {
    const json::value* value = v.get();
    size_t count = 0;
    if (value != nullptr && value->is_array()) {
      const json::array& a = value->get_array();
      for (size_t i = 0; i < a.size(); ++i) {
        DataFrame frame;
        frame.parent = scope.data;
        frame.iteration = true;
        frame.index = i;
        frame.first = i == 0;
        frame.last = i + 1 == a.size();
        iterate(block, scope, &a[i], frame, out);
      }
      count = a.size();
    } else if (value != nullptr && value->is_object()) {
      const json::object& o = value->get_object();
      auto keys = js_key_order(o);
      for (size_t i = 0; i < keys.size(); ++i) {
        DataFrame frame;
        frame.parent = scope.data;
        frame.iteration = true;
        frame.index = i;
        frame.key_is_index = false;
        frame.key = keys[i]->key();
        frame.first = i == 0;
        frame.last = i + 1 == keys.size();
        iterate(block, scope, &keys[i]->value(), frame, out);
      }
      count = keys.size();
    }
    if (count == 0) section(block.inverse.get(), scope, out);
  }

  void iterate(const Node& block, const Scope& scope, const json::value* item,
               const DataFrame& frame, std::string* out) {
    if (block.program == nullptr) return;
    if (block.block_params.empty()) {
      enter(block.program.get(), scope, item, &frame, nullptr, nullptr, out);
      return;
    }
    std::vector<Val> bp;
    bp.push_back(Val::borrow(item));
    if (frame.key_is_index) {
      bp.push_back(Val::owned(static_cast<int64_t>(frame.index)));
    } else {
      bp.push_back(Val::owned(json::string(frame.key)));
    }
    enter(block.program.get(), scope, item, &frame, &block.block_params, &bp, out);
  }

  // Renders `p` in the same scope (if, unless, the inverse of each).
  void section(const Program* p, const Scope& scope, std::string* out) {
    if (p != nullptr) program(*p, scope, *out);
  }

  // Renders `p` with `self` as this (pushed on the context stack when it differs).
  void enter(const Program* p, const Scope& scope, const json::value* self, const DataFrame* data,
             const std::vector<std::string>* names, const std::vector<Val>* values,
             std::string* out) {
    if (p == nullptr) return;
    Ctx pushed{self, scope.ctx};
    Scope inner = scope;
    if (!same_context(self, scope.ctx->value)) inner.ctx = &pushed;
    if (data != nullptr) inner.data = data;
    ParamFrame pf{scope.params, names, values};
    if (names != nullptr && !names->empty()) inner.params = &pf;
    program(*p, inner, *out);
  }

  // blockHelperMissing: a block named by a value rather than a helper.
  void value_block(const Val& v, const Node& block, const Scope& scope, std::string* out) {
    const json::value* value = v.get();
    if (value != nullptr && value->is_bool() && value->get_bool()) {
      section(block.program.get(), scope, out);
    } else if (value == nullptr || value->is_null() || (value->is_bool() && !value->get_bool())) {
      section(block.inverse.get(), scope, out);
    } else if (value->is_array()) {
      if (value->get_array().empty()) {
        section(block.inverse.get(), scope, out);
      } else {
        each(v, block, scope, out);
      }
    } else {
      std::vector<Val> none;
      enter(block.program.get(), scope, value, nullptr, &block.block_params, &none, out);
    }
  }

  // --- helpers through the interface -----------------------------------------------------------

  Val helper(const Helper& h, const std::string& name, const Call& c, const Scope& scope,
             const Node* block) {
    const size_t n = c.params.size();
    ArgBuffer args(n);
    for (size_t i = 0; i < n; ++i) {
      const Expr& e = c.params[i];
      Val v = expr(e, scope, c.offset);
      const std::string_view path =
          e.kind == Expr::kPath ? std::string_view(e.path.original) : std::string_view();
      if (v.is_undefined()) {
        args.push(Value::make_undefined(), path);
      } else {
        args.push(Value{v.is_owned() ? std::move(*v.own) : json::value(*v.ref), false, v.safe},
                  path);
      }
    }
    json::object hash;
    for (const auto& [k, e] : c.hash) {
      Val v = expr(e, scope, c.offset);
      if (!v.is_undefined()) hash[k] = v.is_owned() ? std::move(*v.own) : *v.ref;
    }
    // `this` is borrowed; a section rendered with it (the helper passes call.self back) keeps the
    // context as it is, since its JSON is the context's own value.
    const ValueRef self(scope.ctx->value);
    BlockBody body;
    if (block != nullptr) {
      auto make = [&](const Program* p) {
        return [this, p, &scope, block](const ValueRef& s, const json::object& data,
                                        std::span<const Value> bp) -> Result<std::string> {
          std::string text;
          if (p == nullptr) return text;
          try {
            const json::value* ctx = s.undefined ? nullptr : &s.json;
            DataFrame frame;
            frame.parent = scope.data;
            frame.extra = &data;
            std::vector<Val> values;
            for (const Value& x : bp)
              values.push_back(Val::borrow(x.undefined ? nullptr : &x.json));
            enter(p, scope, ctx, data.empty() ? nullptr : &frame, &block->block_params, &values,
                  &text);
            return text;
          } catch (Failure& f) {
            Error e = f.error;
            pending_ = std::move(f);
            return e;
          }
        };
      };
      body.fn = make(block->program.get());
      body.inverse = make(block->inverse.get());
    }
    HelperCall hc{name, args.values(), hash, self, block ? &body : nullptr, env(), args.paths()};
    Result<Value> r = h(hc);
    if (pending_) {
      Failure f = std::move(*pending_);
      pending_.reset();
      throw f;
    }
    if (!r) {
      Error e = r.error();
      e.message = "template '" + in_.name + "' " + where(in_.source, c.offset) + ": helper '" +
                  name + "': " + e.message;
      throw Failure{std::move(e)};
    }
    return Val::from(std::move(*r));
  }

  // --- statements ------------------------------------------------------------------------------

  void print(const Val& v, bool escaped, std::string& out) {
    const json::value* value = v.get();
    if (value == nullptr) return;
    const Escape escape = (escaped && !v.safe) ? in_.options.escape : Escape::kNone;
    if (value->is_string()) {
      append_escaped(out, value->get_string(), escape);
      return;
    }
    if (escape == Escape::kNone) {
      append_js_string(out, value);
      return;
    }
    std::string text;
    append_js_string(text, value);
    append_escaped(out, text, escape);
  }

  void program(const Program& p, const Scope& scope, std::string& out) {
    for (const Node& node : p.body) {
      switch (node.kind) {
        case Node::kContent:
          out.append(node.value);
          break;
        case Node::kComment:
          break;
        case Node::kMustache:
          guarded([&] { print(call(node.call, scope, nullptr, false), node.escaped, out); });
          break;
        case Node::kBlock:
          guarded([&] { block(node, scope, out); });
          break;
      }
    }
  }

  template <class F>
  void guarded(F&& f) {
    if (!in_.lenient) {
      f();
      return;
    }
    try {
      f();
    } catch (const Failure&) {
    }
  }

  void block(const Node& node, const Scope& scope, std::string& out) {
    const Call& c = node.call;
    const bool simple = c.head.is_simple() && block_param(scope, c.head.parts[0]) == nullptr;
    if (simple) {
      const std::string& name = c.head.parts[0];
      if (c.builtin != Call::kNotBuiltin) {
        Val r = builtin(name, c, scope, &node, &out);
        print(r, false, out);
        return;
      }
      if (const Helper* h = find(c)) {
        print(helper(*h, name, c, scope, &node), false, out);
        return;
      }
      if (c.is_call())
        fail(c.offset, "unknown helper '" + name + "' (no helper or built-in has that name)");
    } else if (c.is_call()) {
      fail(c.offset,
           "unknown helper '" + c.head.original + "' (a path cannot be called as a helper)");
    }
    value_block(path(c.head, scope, c.offset), node, scope, &out);
  }
};

}  // namespace

Result<void> render_program(const RenderInput& in, std::string& out) {
  try {
    Renderer(in).run(out);
    return {};
  } catch (Failure& f) {
    return std::move(f.error);
  }
}

}  // namespace sluice::support::tmpl::detail
