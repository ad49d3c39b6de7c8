// parse_page_source: one parse of an export page, plus a scan of the (then known valid) text for
// the bounds of each record, so that unchanged records are copied to the import as they came.
// The scan is hand-written (~50 lines): Boost.JSON's parser reports no source offsets, and a
// custom basic_parser handler would have to rebuild every value itself.
#include <array>
#include <cstring>

#include <boost/json/parse.hpp>

#include "runtime/page.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

// Scans valid JSON text. Each function takes the position of the thing it skips and returns the
// position after it.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  size_t ws(size_t i) const {
    while (i < t_.size() && (t_[i] == ' ' || t_[i] == '\n' || t_[i] == '\r' || t_[i] == '\t')) ++i;
    return i;
  }
  size_t string(size_t i) const {  // at '"'
    // The closing quote is the first '"' not escaped; memchr finds the candidates (most of a
    // record's bytes are in strings), an odd run of backslashes before one escapes it.
    const char* const begin = t_.data();
    const char* const end = begin + t_.size();
    for (const char* p = begin + i + 1; p < end; ++p) {
      p = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      if (p == nullptr) break;
      size_t backslashes = 0;
      for (const char* b = p - 1; b > begin + i && *b == '\\'; --b) ++backslashes;
      if (backslashes % 2 == 0) return static_cast<size_t>(p - begin) + 1;
    }
    return t_.size();
  }
  size_t value(size_t i) const {
    if (i >= t_.size()) return i;
    if (t_[i] == '"') return string(i);
    if (t_[i] == '{' || t_[i] == '[') {
      // Only quotes and brackets matter between the brackets: a table says which bytes are.
      static constexpr auto kStructural = [] {
        std::array<bool, 256> table{};
        for (const unsigned char c : {'"', '{', '[', '}', ']'}) table[c] = true;
        return table;
      }();
      const char* const data = t_.data();
      const size_t size = t_.size();
      int depth = 0;
      for (; i < size; ++i) {
        const char c = data[i];
        if (!kStructural[static_cast<unsigned char>(c)]) continue;
        if (c == '"') {
          i = string(i) - 1;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if (--depth == 0) {
          return i + 1;
        }
      }
      return i;
    }
    while (i < t_.size() && t_[i] != ',' && t_[i] != '}' && t_[i] != ']' && t_[i] != ' ' &&
           t_[i] != '\n' && t_[i] != '\r' && t_[i] != '\t')
      ++i;
    return i;
  }

  // The raw text of each element of the top-level object's "records" array; empty when the
  // key is missing, written with escapes, or appears twice.
  std::vector<std::string_view> records() const {
    std::vector<std::string_view> out;
    size_t i = ws(0);
    if (i >= t_.size() || t_[i] != '{') return {};
    bool seen = false;
    i = ws(i + 1);
    while (i < t_.size() && t_[i] == '"') {
      const size_t key_end = string(i);
      const std::string_view key = t_.substr(i + 1, key_end - i - 2);
      i = ws(key_end);
      if (i >= t_.size() || t_[i] != ':') return {};
      i = ws(i + 1);
      if (key == "records") {
        if (seen || i >= t_.size() || t_[i] != '[') return {};
        seen = true;
        i = ws(i + 1);
        while (i < t_.size() && t_[i] != ']') {
          const size_t end = value(i);
          out.push_back(t_.substr(i, end - i));
          i = ws(end);
          if (i < t_.size() && t_[i] == ',') i = ws(i + 1);
        }
        ++i;
      } else {
        i = value(i);
      }
      i = ws(i);
      if (i < t_.size() && t_[i] == ',') i = ws(i + 1);
    }
    return out;
  }

 private:
  std::string_view t_;
};

}  // namespace

// `doc` is constructed in place: assigning a value with another storage would copy it.
PageSource::PageSource(std::string page_text, boost::system::error_code& ec)
    : text(std::move(page_text)),
      arena(std::make_unique<json::monotonic_resource>(text.size() + 1024)),
      doc(json::parse(text, ec, json::storage_ptr(arena.get()))) {}

std::shared_ptr<PageSource> parse_page_source(std::string text) {
  json::error_code ec;
  auto page = std::make_shared<PageSource>(std::move(text), ec);
  const json::object* o = ec ? nullptr : page->doc.if_object();
  const json::value* records = o ? o->if_contains("records") : nullptr;
  if (records == nullptr || !records->is_array()) return nullptr;
  page->raw = Scanner(page->text).records();
  if (page->raw.size() != records->as_array().size()) page->raw.clear();
  return page;
}

}  // namespace sluice::runtime
