// Text templates in integrator.io's Handlebars dialect — for now only its core: literal text,
// {{path}} and {{{path}}}. Later issues grow this into the full engine (blocks, helpers).
//
//   auto uri = sluice::support::Template::parse("/orders?page={{export.http.paging.page}}",
//                                               "http.relativeURI");
//   if (!uri) return uri.error();
//   std::string target = uri->render(context, sluice::support::Escape::kUri);
//
// Paths are dotted and resolved with sluice::find_path ("a.b", "lines.0.sku"); whitespace inside
// the braces is ignored. A missing or null value renders as nothing; a string as it is; a
// number or boolean as its JSON text (doubles in shortest form: 1.5, not 1.5E0); an object or
// array as compact JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::support {

// How {{path}} output is escaped; {{{path}}} output never is.
enum class Escape {
  kNone,
  kUri,  // percent-encoded like encodeURIComponent, for values placed in a URL
};

class Template {
 public:
  // Parses `source`. `name` says where the template comes from (e.g. "http.relativeURI") and is
  // quoted in errors. Any syntax beyond {{path}} and {{{path}}} — blocks ({{#each}}, {{/if}},
  // {{^x}}, {{else}}), partials, comments, helpers with arguments, unclosed or mismatched braces
  // — is an Error (kInvalidConfig) naming the template, the line and the column.
  static Result<Template> parse(std::string_view source, std::string name = "template");

  // Appends the rendering to `out`.
  void render_to(std::string& out, const boost::json::value& context,
                 Escape escape = Escape::kNone) const;
  std::string render(const boost::json::value& context, Escape escape = Escape::kNone) const;

  // True when some {{...}} or {{{...}}} of the template names exactly `path`.
  bool references(std::string_view path) const noexcept;
  // True when the template has no tags (rendering always gives the source text).
  bool is_literal() const noexcept;

  const std::string& name() const noexcept { return name_; }
  const std::string& source() const noexcept { return source_; }

 private:
  struct Part {
    enum Kind { kText, kEscaped, kRaw } kind;
    std::string text;  // literal text, or the path of a tag
  };
  std::string name_;
  std::string source_;
  std::vector<Part> parts_;
};

}  // namespace sluice::support
