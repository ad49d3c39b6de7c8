#include "filter/field_path.hpp"

#include <charconv>

namespace sluice::host::filter::detail {

namespace json = boost::json;

namespace {

std::optional<size_t> as_index(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

std::string at(size_t i) { return "at character " + std::to_string(i + 1); }

}  // namespace

std::optional<FieldPath> FieldPath::parse(std::string_view text, std::string& problem) {
  FieldPath path;
  if (text.empty()) {
    problem = "the path is empty";
    return std::nullopt;
  }
  size_t i = 0;
  bool expect_name = true;  // at the start, or after a dot
  while (i < text.size()) {
    const char c = text[i];
    if (c == '[') {
      const size_t open = i;
      ++i;
      PathSegment seg;
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        const char quote = text[i];
        const size_t close = text.find(quote, i + 1);
        if (close == std::string_view::npos) {
          problem = "the quote " + at(i) + " is not closed";
          return std::nullopt;
        }
        seg.key = std::string(text.substr(i + 1, close - i - 1));
        i = close + 1;
        if (i >= text.size() || text[i] != ']') {
          problem = "expected ] " + at(i) + " after the quoted name";
          return std::nullopt;
        }
      } else {
        const size_t close = text.find(']', i);
        if (close == std::string_view::npos) {
          problem = "the bracket " + at(open) + " is not closed";
          return std::nullopt;
        }
        const std::string_view inside = text.substr(i, close - i);
        seg.index = as_index(inside);
        if (!seg.index) {
          problem = "expected an index like [0] or a quoted name like [\"a b\"] " + at(open) +
                    ", found [" + std::string(inside) + "]";
          return std::nullopt;
        }
        seg.key = std::string(inside);
        i = close;
      }
      ++i;  // past ]
      path.segments_.push_back(std::move(seg));
      expect_name = false;
      if (i < text.size() && text[i] != '.' && text[i] != '[') {
        problem = "expected . or [ " + at(i) + " after ]";
        return std::nullopt;
      }
      if (i < text.size() && text[i] == '.') {
        ++i;
        expect_name = true;
        if (i == text.size()) {
          problem = "the path ends with a dot";
          return std::nullopt;
        }
      }
      continue;
    }
    if (!expect_name) {
      problem = "expected . or [ " + at(i);
      return std::nullopt;
    }
    size_t end = i;
    while (end < text.size() && text[end] != '.' && text[end] != '[') ++end;
    if (end == i) {
      problem = "an empty name " + at(i);
      return std::nullopt;
    }
    PathSegment seg;
    seg.key = std::string(text.substr(i, end - i));
    seg.index = as_index(seg.key);
    path.segments_.push_back(std::move(seg));
    i = end;
    expect_name = false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      expect_name = true;
      if (i == text.size()) {
        problem = "the path ends with a dot";
        return std::nullopt;
      }
    }
  }
  return path;
}

const json::value* FieldPath::find(const json::value& root) const noexcept {
  const json::value* at = &root;
  for (const PathSegment& seg : segments_) {
    if (const json::object* obj = at->if_object()) {
      at = obj->if_contains(seg.key);
      if (!at) return nullptr;
    } else if (const json::array* arr = at->if_array()) {
      if (!seg.index || *seg.index >= arr->size()) return nullptr;
      at = &(*arr)[*seg.index];
    } else {
      return nullptr;
    }
  }
  return at;
}

}  // namespace sluice::host::filter::detail
