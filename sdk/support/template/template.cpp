#include "sluice/support/template.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "sluice/json_path.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::support {

namespace json = boost::json;

namespace {

bool is_path_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '$';
}

std::string_view trim(std::string_view text) noexcept {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

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

// Shortest text of a double that reads back the same (1.5, not boost::json's 1.5E0).
void append_double(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec == std::errc()) out.append(buffer, end);
}

void append_value(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      break;
    case json::kind::string:
      out.append(value.get_string());
      break;
    case json::kind::bool_:
      out.append(value.get_bool() ? "true" : "false");
      break;
    case json::kind::int64:
      out.append(std::to_string(value.get_int64()));
      break;
    case json::kind::uint64:
      out.append(std::to_string(value.get_uint64()));
      break;
    case json::kind::double_:
      append_double(out, value.get_double());
      break;
    case json::kind::object:
    case json::kind::array:
      out.append(json::serialize(value));
      break;
  }
}

}  // namespace

Result<Template> Template::parse(std::string_view source, std::string name) {
  Template t;
  t.name_ = std::move(name);
  t.source_.assign(source);
  auto error = [&](size_t offset, const std::string& what,
                   std::string_view hint = "only {{path}} and {{{path}}} are supported for now") {
    return make_error(Status::kInvalidConfig, "template '" + t.name_ + "': " + what + " at " +
                                                  where(source, offset) + " (" + std::string(hint) +
                                                  ")");
  };
  size_t pos = 0;
  while (pos < source.size()) {
    const size_t open = source.find("{{", pos);
    if (open == std::string_view::npos) {
      t.parts_.push_back({Part::kText, std::string(source.substr(pos))});
      break;
    }
    if (open > pos) t.parts_.push_back({Part::kText, std::string(source.substr(pos, open - pos))});
    const bool raw = source.substr(open, 3) == "{{{";
    const std::string_view closer = raw ? "}}}" : "}}";
    const size_t body_begin = open + (raw ? 3 : 2);
    const size_t close = source.find(closer, body_begin);
    const size_t next_open = source.find("{{", body_begin);
    if (close == std::string_view::npos ||
        (next_open != std::string_view::npos && next_open < close)) {
      return error(open, std::string("unclosed '") + (raw ? "{{{" : "{{") + "'");
    }
    const std::string_view body = source.substr(body_begin, close - body_begin);
    const std::string_view path = trim(body);
    const std::string_view shown = source.substr(open, close + closer.size() - open);
    if (path.empty()) return error(open, "empty tag '" + std::string(shown) + "'");
    if (std::string_view("#/^>!&=").find(path.front()) != std::string_view::npos ||
        path == "else") {
      return error(open, "unsupported syntax '" + std::string(shown) + "'");
    }
    if (!std::all_of(path.begin(), path.end(), is_path_char) || path.front() == '.' ||
        path.back() == '.' || path.find("..") != std::string_view::npos) {
      return error(open, "unsupported expression '" + std::string(shown) + "'",
                   "helpers and arguments are not supported yet; a tag holds one dotted path "
                   "such as record.id");
    }
    if (!raw && source.substr(close, 3) == "}}}") {
      return error(open, "mismatched braces in '" +
                             std::string(source.substr(open, close + 3 - open)) + "'");
    }
    t.parts_.push_back({raw ? Part::kRaw : Part::kEscaped, std::string(path)});
    pos = close + closer.size();
  }
  return t;
}

void Template::render_to(std::string& out, const json::value& context, Escape escape) const {
  std::string scratch;
  for (const Part& part : parts_) {
    if (part.kind == Part::kText) {
      out.append(part.text);
      continue;
    }
    const json::value* value = find_path(context, part.text);
    if (value == nullptr) continue;
    if (part.kind == Part::kRaw || escape == Escape::kNone) {
      append_value(out, *value);
    } else if (value->is_string()) {
      http::percent_encode_to(out, value->get_string());
    } else {
      scratch.clear();
      append_value(scratch, *value);
      http::percent_encode_to(out, scratch);
    }
  }
}

std::string Template::render(const json::value& context, Escape escape) const {
  std::string out;
  out.reserve(source_.size() + 32);
  render_to(out, context, escape);
  return out;
}

bool Template::references(std::string_view path) const noexcept {
  return std::any_of(parts_.begin(), parts_.end(),
                     [&](const Part& p) { return p.kind != Part::kText && p.text == path; });
}

bool Template::is_literal() const noexcept {
  return std::none_of(parts_.begin(), parts_.end(),
                      [](const Part& p) { return p.kind != Part::kText; });
}

}  // namespace sluice::support
