#include "sluice/support/template.hpp"

#include <algorithm>

#include "ast.hpp"
#include "parser.hpp"
#include "render.hpp"

namespace sluice::support {

namespace json = boost::json;
using tmpl::detail::Call;
using tmpl::detail::Expr;
using tmpl::detail::Node;
using tmpl::detail::Path;
using tmpl::detail::Program;

Result<Template> Template::parse(std::string_view source, std::string name) {
  auto program = tmpl::detail::parse_program(source, name);
  if (!program) return program.error();
  Template t;
  t.name_ = std::move(name);
  t.source_.assign(source);
  t.program_ = std::make_shared<const Program>(std::move(*program));
  return t;
}

Result<void> Template::evaluate_to(std::string& out, const json::value& context,
                                   const RenderOptions& options) const {
  if (!program_) return {};
  tmpl::detail::RenderInput in{program_.get(), source_, name_, context, options, false};
  return tmpl::detail::render_program(in, out);
}

Result<std::string> Template::evaluate(const json::value& context,
                                       const RenderOptions& options) const {
  std::string out;
  out.reserve(source_.size() + 32);
  auto r = evaluate_to(out, context, options);
  if (!r) return r.error();
  return out;
}

void Template::render_to(std::string& out, const json::value& context, Escape escape) const {
  if (!program_) return;
  RenderOptions options;
  options.escape = escape;
  tmpl::detail::RenderInput in{program_.get(), source_, name_, context, options, true};
  (void)tmpl::detail::render_program(in, out);
}

std::string Template::render(const json::value& context, Escape escape) const {
  std::string out;
  out.reserve(source_.size() + 32);
  render_to(out, context, escape);
  return out;
}

namespace {

bool path_is(const Path& p, std::string_view dotted) {
  if (p.data || p.depth != 0 || p.parts.empty()) return false;
  std::string joined;
  for (const std::string& part : p.parts) {
    if (!joined.empty()) joined.push_back('.');
    joined += part;
  }
  return joined == dotted;
}

// `p`, written `scopes` context-changing blocks deep, names `prefix` of the root or a path below
// it (also as @root.PATH or ../PATH back up to the root).
bool path_under(const Path& p, std::string_view prefix, int scopes) {
  if (p.parts.empty()) return false;
  size_t first = 0;
  if (p.data) {
    if (p.parts[0] != "root") return false;
    first = 1;
  } else if (p.depth != scopes) {
    return false;
  }
  std::string joined;
  for (size_t i = first; i < p.parts.size(); ++i) {
    if (!joined.empty()) joined.push_back('.');
    joined += p.parts[i];
    if (joined.size() >= prefix.size()) break;
  }
  return joined == prefix;
}

bool call_under(const Call& c, std::string_view prefix, int scopes);

bool expr_under(const Expr& e, std::string_view prefix, int scopes) {
  if (e.kind == Expr::kPath) return path_under(e.path, prefix, scopes);
  if (e.kind == Expr::kSubExpr) return call_under(*e.sub, prefix, scopes);
  return false;
}

bool call_under(const Call& c, std::string_view prefix, int scopes) {
  if (path_under(c.head, prefix, scopes)) return true;
  for (const Expr& e : c.params)
    if (expr_under(e, prefix, scopes)) return true;
  for (const auto& kv : c.hash)
    if (expr_under(kv.second, prefix, scopes)) return true;
  return false;
}

// {{#each}} and {{#with}} render their first section with another `this`.
bool program_under(const Program* p, std::string_view prefix, int scopes) {
  if (p == nullptr) return false;
  for (const Node& n : p->body) {
    if (n.kind == Node::kMustache && call_under(n.call, prefix, scopes)) return true;
    if (n.kind != Node::kBlock) continue;
    const bool changes = n.call.builtin == Call::kEach || n.call.builtin == Call::kWith;
    if (call_under(n.call, prefix, scopes) ||
        program_under(n.program.get(), prefix, changes ? scopes + 1 : scopes) ||
        program_under(n.inverse.get(), prefix, scopes)) {
      return true;
    }
  }
  return false;
}

using PathTest = bool (*)(const Path&, std::string_view);

bool call_references(const Call& c, std::string_view dotted, PathTest test);

bool expr_references(const Expr& e, std::string_view dotted, PathTest test) {
  if (e.kind == Expr::kPath) return test(e.path, dotted);
  if (e.kind == Expr::kSubExpr) return call_references(*e.sub, dotted, test);
  return false;
}

bool call_references(const Call& c, std::string_view dotted, PathTest test) {
  if (test(c.head, dotted)) return true;
  for (const Expr& e : c.params)
    if (expr_references(e, dotted, test)) return true;
  for (const auto& kv : c.hash)
    if (expr_references(kv.second, dotted, test)) return true;
  return false;
}

bool program_references(const Program* p, std::string_view dotted, PathTest test = path_is) {
  if (p == nullptr) return false;
  for (const Node& n : p->body) {
    if (n.kind == Node::kMustache && call_references(n.call, dotted, test)) return true;
    if (n.kind == Node::kBlock && (call_references(n.call, dotted, test) ||
                                   program_references(n.program.get(), dotted, test) ||
                                   program_references(n.inverse.get(), dotted, test))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool Template::references(std::string_view path) const noexcept {
  try {
    return program_references(program_.get(), path);
  } catch (...) {
    return false;
  }
}

bool Template::references_under(std::string_view prefix) const noexcept {
  try {
    return program_under(program_.get(), prefix, 0);
  } catch (...) {
    return false;
  }
}

bool Template::is_literal() const noexcept {
  if (!program_) return true;
  return std::all_of(program_->body.begin(), program_->body.end(), [](const Node& n) {
    return n.kind == Node::kContent || n.kind == Node::kComment;
  });
}

}  // namespace sluice::support
