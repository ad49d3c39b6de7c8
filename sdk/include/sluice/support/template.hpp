// Handlebars templates as handlebars.js 4.7 renders them, with integrator.io's helpers and an
// escape per output context. Compile once, render many:
//
//   auto uri =
//   sluice::support::Template::parse("/orders/{{record.id}}?page={{export.http.paging.page}}",
//                                               "http.relativeURI");
//   if (!uri) return uri.error();          // syntax errors: setting, line, column, found, expected
//   auto target = uri->evaluate(context, {.escape = sluice::support::Escape::kUri});
//   if (!target) return target.error();    // an unknown helper, bad helper arguments, strict mode
//
// Supported: {{x}} (escaped), {{{x}}} and {{& x}} (never escaped); paths (a.b, a.[0], [a b],
// this, ./, ../); @root, @index, @key, @first, @last (and @../index); the built-ins if, unless,
// each (arrays and objects, `as |item key|`), with, lookup and log; {{else}}, {{^}} and
// {{else if ...}} chains; inverted sections {{^x}}; comments; whitespace control {{~x~}} and
// handlebars' standalone-line rules; sub-expressions, hash arguments, string, number, boolean,
// null and undefined literals; every other name is looked up with tmpl::find_helper. Partials,
// decorators and raw blocks are refused by parse. docs/templates.md is the integrator's guide.
//
// A Template is immutable after parse and may be rendered from several threads at once.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/template/helper.hpp"

namespace sluice::support {

namespace tmpl::detail {
struct Program;
}

// How the output of {{x}} is escaped; {{{x}}} and {{& x}} output never is, nor is text a
// helper marks safe.
enum class Escape {
  kNone,  // raw: values as they are
  kUri,   // percent-encoded: every byte but A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved), so a value
          // stays one path segment (/ is %2F) and one query value (& = + # ? are encoded)
  kHtml,  // handlebars.js: & < > " ' ` = as &amp; &lt; &gt; &quot; &#x27; &#x60; &#x3D;
  kJson,  // as the content of a JSON string literal: " \ and control characters escaped
  kXml,   // & < > " ' as &amp; &lt; &gt; &quot; &apos;
};

// A name bound at the root of the context to a value the caller keeps alive during the render,
// so that a per-record value need not be copied into the context: with {"record", &r},
// {{record.id}} and {{@root.record.id}} read r.id. A binding shadows a same-named key of the
// context; it is seen only where a path starts at the root (not through {{#each this}} or
// {{lookup}} over the root object).
struct Binding {
  std::string_view name;
  const boost::json::value* value;  // not null
};

struct RenderOptions {
  Escape escape = Escape::kHtml;
  // integrator.io's strictHandlebarEvaluation: a path that names nothing is an error instead of
  // rendering empty.
  bool strict = false;
  // Time zone and clock for date helpers; nullptr means UTC and now.
  const tmpl::HelperEnv* env = nullptr;
  // Where helpers are found; nullptr means tmpl::find_helper. A test or a host with extra
  // helpers passes its own (it may fall back to find_helper).
  const std::function<const tmpl::Helper*(std::string_view)>* helpers = nullptr;
  // Root names bound without copying (see Binding); the span's storage must outlive the render.
  std::span<const Binding> bindings = {};
};

class Template {
 public:
  // Parses `source` into a program. `name` says where the template comes from — the setting's
  // JSON path, e.g. "http.relativeURI" — and is quoted in errors. A syntax error is an Error
  // (kInvalidConfig): "template 'NAME' line L, column C: found X, expected Y".
  static Result<Template> parse(std::string_view source, std::string name = "template");

  // Renders with `context` as `this` and @root. Fails (kInvalidConfig) on an unknown helper,
  // a helper that refuses its arguments, a built-in used wrongly (e.g. {{#if}} with two
  // arguments) or, when options.strict, a missing value; the message names the template, the
  // line and column of the tag, the helper and the reason. evaluate_to appends to `out` (on
  // failure `out` holds the part rendered before the failure).
  Result<std::string> evaluate(const boost::json::value& context,
                               const RenderOptions& options = {}) const;
  Result<void> evaluate_to(std::string& out, const boost::json::value& context,
                           const RenderOptions& options = {}) const;

  // Renders with `escape` and no error reporting: a tag that fails renders as nothing. For
  // templates whose helpers cannot fail; prefer evaluate.
  void render_to(std::string& out, const boost::json::value& context,
                 Escape escape = Escape::kNone) const;
  std::string render(const boost::json::value& context, Escape escape = Escape::kNone) const;

  // True when some tag of the template (a value, an argument, a block) names exactly `path`
  // (dotted, relative to the root, e.g. "export.http.paging.page").
  bool references(std::string_view path) const noexcept;
  // True when some tag names `prefix` of the root context or a path below it ("connection"
  // matches connection.http.x), also as @root.PATH, or as ../PATH from inside {{#each}} or
  // {{#with}} (where a bare path is relative to the block's `this` and does not count). A
  // dynamic {{lookup}} is not seen: good for refusing a variable with a clear message, not for
  // proving a value cannot be reached.
  bool references_under(std::string_view prefix) const noexcept;
  // True when the template has no tags (rendering always gives the same text).
  bool is_literal() const noexcept;

  const std::string& name() const noexcept { return name_; }
  const std::string& source() const noexcept { return source_; }

 private:
  std::string name_;
  std::string source_;
  std::shared_ptr<const tmpl::detail::Program> program_;
};

}  // namespace sluice::support
