// The structural scanner is hand-written (~100 lines): Boost.JSON's parser reports no source
// offsets, which is what finding a value's text needs. Full validation is Boost.JSON's.
#include "sluice/json_text.hpp"

#include <cstring>

#include <charconv>
#include <string>

#include <boost/json/basic_parser_impl.hpp>

namespace sluice {
namespace {

constexpr size_t kNone = std::string_view::npos;
constexpr int kMaxDepth = 64;

// Scans JSON text for structure. Each function takes the position of what it skips and returns
// the position after it, or kNone when the text is malformed there.
class Scanner {
 public:
  explicit Scanner(std::string_view text) noexcept : t_(text) {}

  size_t ws(size_t i) const noexcept {
    while (i < t_.size() && (t_[i] == ' ' || t_[i] == '\n' || t_[i] == '\r' || t_[i] == '\t')) ++i;
    return i;
  }
  // At '"'.
  // Jumps from quote to quote (memchr); a quote after an odd run of backslashes is escaped.
  size_t string(size_t i) const noexcept {
    const char* text = t_.data();
    const size_t open = i;
    for (++i; i < t_.size();) {
      const void* found = std::memchr(text + i, '"', t_.size() - i);
      if (found == nullptr) return kNone;
      const size_t quote = static_cast<size_t>(static_cast<const char*>(found) - text);
      size_t run = quote;
      while (run > open + 1 && text[run - 1] == '\\') --run;
      if ((quote - run) % 2 == 0) return quote + 1;
      i = quote + 1;
    }
    return kNone;
  }
  size_t value(size_t i, int depth = 0) const noexcept {
    if (i >= t_.size() || depth > kMaxDepth) return kNone;
    const char c = t_[i];
    if (c == '"') return string(i);
    if (c == '{') return object(i, depth);
    if (c == '[') return array(i, depth);
    const size_t start = i;
    while (i < t_.size() && t_[i] != ',' && t_[i] != '}' && t_[i] != ']' && t_[i] != ':' &&
           t_[i] != '"' && t_[i] != '{' && t_[i] != '[' && t_[i] != ' ' && t_[i] != '\n' &&
           t_[i] != '\r' && t_[i] != '\t')
      ++i;
    return i == start ? kNone : i;
  }
  // Calls each(key_begin, key_end, value_begin, value_end) for each member of the object at i
  // ('{'); each returns false to stop. Returns the position after the object.
  template <typename Each>
  size_t members(size_t i, int depth, Each each) const noexcept {
    i = ws(i + 1);
    if (i < t_.size() && t_[i] == '}') return i + 1;
    while (i < t_.size() && t_[i] == '"') {
      const size_t key_end = string(i);
      if (key_end == kNone) return kNone;
      size_t v = ws(key_end);
      if (v >= t_.size() || t_[v] != ':') return kNone;
      v = ws(v + 1);
      const size_t v_end = value(v, depth + 1);
      if (v_end == kNone) return kNone;
      if (!each(i, key_end, v, v_end)) return kNone;
      i = ws(v_end);
      if (i < t_.size() && t_[i] == '}') return i + 1;
      if (i >= t_.size() || t_[i] != ',') return kNone;
      i = ws(i + 1);
    }
    return kNone;
  }
  // Calls each(begin, end) for each element of the array at i ('['); see members().
  template <typename Each>
  size_t elements(size_t i, int depth, Each each) const noexcept {
    i = ws(i + 1);
    if (i < t_.size() && t_[i] == ']') return i + 1;
    while (i < t_.size()) {
      const size_t end = value(i, depth + 1);
      if (end == kNone) return kNone;
      if (!each(i, end)) return kNone;
      i = ws(end);
      if (i < t_.size() && t_[i] == ']') return i + 1;
      if (i >= t_.size() || t_[i] != ',') return kNone;
      i = ws(i + 1);
    }
    return kNone;
  }
  size_t object(size_t i, int depth) const noexcept {
    return members(i, depth, [](size_t, size_t, size_t, size_t) { return true; });
  }
  size_t array(size_t i, int depth) const noexcept {
    return elements(i, depth, [](size_t, size_t) { return true; });
  }
  // [begin, end) of the whole document, or nullopt when it is not one value.
  std::optional<std::pair<size_t, size_t>> document() const noexcept {
    const size_t begin = ws(0);
    const size_t end = value(begin);
    if (end == kNone || ws(end) != t_.size()) return std::nullopt;
    return std::pair{begin, end};
  }
  char at(size_t i) const noexcept { return t_[i]; }
  size_t size() const noexcept { return t_.size(); }
  std::string_view text(size_t begin, size_t end) const noexcept {
    return t_.substr(begin, end - begin);
  }

 private:
  std::string_view t_;
};

std::optional<size_t> index_of(std::string_view step) noexcept {
  size_t index = 0;
  const auto [end, ec] = std::from_chars(step.data(), step.data() + step.size(), index);
  if (ec != std::errc() || end != step.data() + step.size() || step.empty()) return std::nullopt;
  return index;
}

// [begin, end) of a value in the text; begin is kNone for none.
struct Span {
  size_t begin = kNone;
  size_t end = kNone;
  explicit operator bool() const noexcept { return begin != kNone; }
};

// The value named by `step` inside the value at `begin`, or an empty Span. Sets `end` to the
// position after that value (kNone when it is malformed), scanning all of it when `whole` is set.
Span child(const Scanner& s, size_t begin, std::string_view step, bool whole,
           size_t& end) noexcept {
  Span found;
  end = kNone;
  if (begin >= s.size()) return {};
  if (s.at(begin) == '{') {
    bool ambiguous = false;
    end = s.members(begin, 0, [&](size_t k, size_t k_end, size_t v, size_t v_end) {
      const std::string_view key = s.text(k + 1, k_end - 1);
      if (key.find('\\') != std::string_view::npos) ambiguous = true;
      if (key == step) {
        if (found) ambiguous = true;
        found = Span{v, v_end};
      }
      return true;
    });
    if (ambiguous) return {};
    return found;
  }
  if (s.at(begin) == '[') {
    const auto index = index_of(step);
    if (!index) return {};
    size_t n = 0;
    end = s.elements(begin, 0, [&](size_t v, size_t v_end) {
      if (n++ == *index) found = Span{v, v_end};
      return whole || !found;  // stop once found, unless the whole value is to be checked
    });
    return found;
  }
  return {};
}

// Validates without building values; counts the outermost array's elements.
struct CountingHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  int depth = 0;
  bool top_is_array = false;
  size_t count = 0;

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) {
    if (depth++ == 0) top_is_array = true;
    return true;
  }
  bool on_array_end(std::size_t n, boost::json::error_code&) {
    if (--depth == 0) count = n;
    return true;
  }
  bool on_object_begin(boost::json::error_code&) {
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, boost::json::error_code&) {
    --depth;
    return true;
  }
  bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) {
    return true;
  }
  bool on_string(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_key_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_key(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_double(double, boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_bool(bool, boost::json::error_code&) { return true; }
  bool on_null(boost::json::error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }
};

}  // namespace

std::optional<std::string_view> json_value_at_path(std::string_view text,
                                                   std::string_view path) noexcept {
  const Scanner s(text);
  if (path.empty()) {
    const auto doc = s.document();
    if (!doc) return std::nullopt;
    return s.text(doc->first, doc->second);
  }
  // The first step scans the whole document: the only full pass.
  Span at{s.ws(0), kNone};
  bool root = true;
  while (at && !path.empty()) {
    const size_t dot = path.find('.');
    size_t end = 0;
    at = child(s, at.begin, path.substr(0, dot), root, end);
    if (root && (end == kNone || s.ws(end) != text.size())) return std::nullopt;
    root = false;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  if (!at) return std::nullopt;
  return s.text(at.begin, at.end);
}

std::optional<std::vector<std::string_view>> json_array_elements(std::string_view text) {
  const Scanner s(text);
  const size_t begin = s.ws(0);
  if (begin >= text.size() || text[begin] != '[') return std::nullopt;
  std::vector<std::string_view> out;
  const size_t end = s.elements(begin, 0, [&](size_t v, size_t v_end) {
    out.push_back(s.text(v, v_end));
    return true;
  });
  if (end == kNone || s.ws(end) != text.size()) return std::nullopt;
  return out;
}

std::optional<size_t> validate_json_array(std::string_view text) noexcept {
  boost::json::basic_parser<CountingHandler> parser(boost::json::parse_options{});
  boost::json::error_code ec;
  const size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || used != text.size() || !parser.handler().top_is_array) return std::nullopt;
  return parser.handler().count;
}

}  // namespace sluice
