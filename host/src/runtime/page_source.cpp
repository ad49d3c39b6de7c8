// parse_page_source: one parse of an export page, plus a scan of the (then known valid) text for
// the bounds of each record, so that unchanged records are copied to the import as they came.
// The scan is hand-written (~50 lines): Boost.JSON's parser reports no source offsets, and a
// custom basic_parser handler would have to rebuild every value itself.
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
    for (++i; i < t_.size(); ++i) {
      if (t_[i] == '\\') {
        ++i;
      } else if (t_[i] == '"') {
        return i + 1;
      }
    }
    return t_.size();
  }
  size_t value(size_t i) const {
    if (i >= t_.size()) return i;
    if (t_[i] == '"') return string(i);
    if (t_[i] == '{' || t_[i] == '[') {
      int depth = 0;
      for (; i < t_.size(); ++i) {
        const char c = t_[i];
        if (c == '"') {
          i = string(i) - 1;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
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
