// The program a template is parsed into (internal to sluice_support_template): Handlebars' AST
// after whitespace control, evaluated by render.cpp without re-parsing.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "sluice/support/template/helper.hpp"

namespace sluice::support::tmpl::detail {

struct Call;

// A path such as `a.b`, `../x`, `this`, `@index`, `@root.a`, `[name with spaces]`.
struct Path {
  bool data = false;    // starts with @
  int depth = 0;        // number of ../
  bool scoped = false;  // written with this or ./ (never a helper name)
  std::vector<std::string> parts;
  std::string original;  // as written, for messages
  // Per part, where in an object the key was found last time (records of one flow share their
  // shape, so the next lookup usually hits at once). Only a hint: checked before use.
  std::shared_ptr<std::atomic<uint32_t>[]> hints;
  // A one-part path with no depth, @ or this: may name a helper.
  bool is_simple() const { return !data && depth == 0 && !scoped && parts.size() == 1; }
};

struct Expr {
  enum Kind { kPath, kLiteral, kUndefined, kSubExpr } kind = kPath;
  Path path;
  boost::json::value literal;  // kLiteral: string, number, boolean or null
  std::shared_ptr<Call> sub;   // kSubExpr
};

// A helper call or a value lookup: `name params... key=value...`.
struct Call {
  Path head;
  std::vector<Expr> params;
  std::vector<std::pair<std::string, Expr>> hash;
  size_t offset = 0;  // of the tag or sub-expression in the source
  // The built-in a simple head names (set by the parser).
  enum Builtin { kNotBuiltin, kIf, kUnless, kEach, kWith, kLookup, kLog } builtin = kNotBuiltin;
  // The helper of integrator.io's a simple head names (find_helper, set by the parser), or null;
  // looked up once per template rather than once per call.
  const Helper* helper = nullptr;
  bool is_call() const { return !params.empty() || !hash.empty(); }
};

struct Strip {
  bool open = false, close = false;  // ~ on the left, ~ on the right
};

struct Node;
struct Program {
  std::vector<Node> body;
  bool chained = false;  // the inverse of an {{else if}}: one block node
};

struct Node {
  enum Kind { kContent, kMustache, kBlock, kComment } kind = kContent;
  // kContent
  std::string original, value;
  bool left_stripped = false, right_stripped = false;
  // kMustache, kBlock
  Call call;
  bool escaped = true;
  Strip strip;  // kMustache and kComment
  // kBlock
  std::unique_ptr<Program> program, inverse;
  std::vector<std::string> block_params;
  Strip open_strip, inverse_strip, close_strip;
};

}  // namespace sluice::support::tmpl::detail
