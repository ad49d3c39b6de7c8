#include "mapper/plain_template.hpp"

#include <boost/json.hpp>

#include "mapper/convert.hpp"

namespace sluice::mapper {
namespace {

bool identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::optional<PlainTemplate> PlainTemplate::match(std::string_view source) {
  if (source.find('\\') != std::string_view::npos) return std::nullopt;
  PlainTemplate plain;
  std::size_t i = 0;
  while (i < source.size()) {
    const std::size_t open = source.find("{{", i);
    const std::string_view text =
        source.substr(i, open == std::string_view::npos ? std::string_view::npos : open - i);
    if (text.find('}') != std::string_view::npos) return std::nullopt;
    if (!text.empty()) plain.pieces_.push_back({std::string(text), std::nullopt});
    if (open == std::string_view::npos) break;
    const bool triple = source.substr(open, 3) == "{{{";
    const std::size_t start = open + (triple ? 3 : 2);
    const std::size_t close = source.find(triple ? "}}}" : "}}", start);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view tag = source.substr(start, close - start);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.substr(0, 7) != "record.") return std::nullopt;
    // Dot-separated identifiers after "record."; digits alone would be an index to handlebars.
    std::string_view rest = tag.substr(7);
    if (rest.empty() || rest.back() == '.') return std::nullopt;
    bool segment_start = true;
    bool all_digits = true;
    for (char c : rest) {
      if (c == '.') {
        if (segment_start || all_digits) return std::nullopt;
        segment_start = true;
        all_digits = true;
        continue;
      }
      if (!identifier_char(c)) return std::nullopt;
      if (c < '0' || c > '9') all_digits = false;
      segment_start = false;
    }
    if (all_digits) return std::nullopt;
    auto path = Path::parse_rule(rest, "template");
    if (!path) return std::nullopt;
    plain.pieces_.push_back({std::string(), std::move(*path)});
    i = close + (triple ? 3 : 2);
  }
  return plain;
}

bool PlainTemplate::render_to(std::string& out, const boost::json::value& record,
                              std::span<const Path::Binding> bindings) const {
  for (const Piece& piece : pieces_) {
    if (!piece.path) {
      out += piece.text;
      continue;
    }
    const boost::json::value* value = piece.path->find(record, bindings);
    if (value == nullptr || value->is_null()) continue;
    if (value->is_string()) {
      out += value->get_string();
    } else if (value->is_object() || value->is_array()) {
      return false;
    } else {
      out += to_text(*value);
    }
  }
  return true;
}

}  // namespace sluice::mapper
