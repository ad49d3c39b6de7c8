// parse_page_source: one parse of an export page, plus a scan of the (then known valid) text for
// the bounds of each record, so that unchanged records are copied to the import as they came.
// The scan is hand-written (~50 lines): Boost.JSON's parser reports no source offsets, and a
// custom basic_parser handler would have to rebuild every value itself.
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <cstring>
#include <optional>

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
  // Jumps from quote to quote (memchr); a quote after an odd run of backslashes is escaped.
  size_t string(size_t i) const {  // at '"'
    const char* text = t_.data();
    const size_t open = i;
    for (++i; i < t_.size();) {
      const void* found = std::memchr(text + i, '"', t_.size() - i);
      if (found == nullptr) break;
      const size_t quote = static_cast<size_t>(static_cast<const char*>(found) - text);
      size_t run = quote;
      while (run > open + 1 && text[run - 1] == '\\') --run;
      if ((quote - run) % 2 == 0) return quote + 1;
      i = quote + 1;
    }
    return t_.size();
  }
  size_t value(size_t i) const {
    if (i >= t_.size()) return i;
    if (t_[i] == '"') return string(i);
    if (t_[i] == '{' || t_[i] == '[') {
      // Only quotes and brackets matter inside: the rest is skipped a byte-class lookup at a time.
      static constexpr auto kStructural = [] {
        std::array<bool, 256> table{};
        for (const unsigned char c : {'"', '{', '[', '}', ']'}) table[c] = true;
        return table;
      }();
      int depth = 0;
      const char* text = t_.data();
      for (; i < t_.size(); ++i) {
        while (i < t_.size() && !kStructural[static_cast<unsigned char>(text[i])]) ++i;
        if (i >= t_.size()) break;
        const char c = text[i];
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

  // Skips the object at i ('{'), noting the text of its top-level "_id" and "id" values (the
  // last of each, as a parse keeps).
  size_t object(size_t i, RecordIdText& ids) const {
    ids.object = true;
    i = ws(i + 1);
    while (i < t_.size() && t_[i] == '"') {
      const size_t key_end = string(i);
      const std::string_view name = t_.substr(i + 1, key_end - i - 2);
      if (name.find('\\') != std::string_view::npos) ids.exact = false;
      i = ws(key_end);
      if (i >= t_.size() || t_[i] != ':') return t_.size();
      i = ws(i + 1);
      const size_t end = value(i);
      if (name == "_id") {
        ids.underscore_id = t_.substr(i, end - i);
      } else if (name == "id") {
        ids.id = t_.substr(i, end - i);
      }
      i = ws(end);
      if (i < t_.size() && t_[i] == ',') i = ws(i + 1);
    }
    return i < t_.size() ? i + 1 : i;
  }

  // The raw text of each element of the top-level object's "records" array, and the array's
  // own span in `records_span`; empty when the key is missing, written with escapes, or
  // appears twice.
  std::vector<std::string_view> records(std::string_view* records_span,
                                        std::vector<RecordIdText>* ids) const {
    *records_span = {};
    std::vector<std::string_view> out;
    size_t i = ws(0);
    if (i >= t_.size() || t_[i] != '{') return fail(records_span);
    bool seen = false;
    i = ws(i + 1);
    while (i < t_.size() && t_[i] == '"') {
      const size_t key_end = string(i);
      const std::string_view key = t_.substr(i + 1, key_end - i - 2);
      i = ws(key_end);
      if (i >= t_.size() || t_[i] != ':') return fail(records_span);
      i = ws(i + 1);
      if (key == "records") {
        if (seen || i >= t_.size() || t_[i] != '[') return fail(records_span);
        seen = true;
        const size_t begin = i;
        i = ws(i + 1);
        while (i < t_.size() && t_[i] != ']') {
          RecordIdText& id = ids->emplace_back();
          const size_t end = t_[i] == '{' ? object(i, id) : value(i);
          out.push_back(t_.substr(i, end - i));
          i = ws(end);
          if (i < t_.size() && t_[i] == ',') i = ws(i + 1);
        }
        ++i;
        *records_span = t_.substr(begin, i - begin);
      } else {
        i = value(i);
      }
      i = ws(i);
      if (i < t_.size() && t_[i] == ',') i = ws(i + 1);
    }
    return out;
  }

 private:
  static std::vector<std::string_view> fail(std::string_view* records_span) {
    *records_span = {};
    return {};
  }
  std::string_view t_;
};

// A basic_parser handler that keeps nothing: the page is checked to be JSON without being built.
struct Validator {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t, json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

bool valid_json(std::string_view text) {
  json::basic_parser<Validator> parser(json::parse_options{});
  json::error_code ec;
  const size_t n = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && n == text.size() && parser.done();
}

}  // namespace

json::value& PageSource::record(size_t i) {
  if (!parsed_[i]) {
    if (read_hint_) read_hint_->store(true, std::memory_order_relaxed);
    // Valid JSON, cut from a valid page: it parses (the same options, a smaller depth).
    if (!parser_) parser_ = std::make_unique<json::parser>();
    parser_->reset(json::storage_ptr(arena.get()));
    json::error_code ec;
    parser_->write(raw[i].data(), raw[i].size(), ec);
    records_[i] = ec ? json::value(json::storage_ptr(arena.get())) : parser_->release();
    parsed_[i] = true;
  }
  return records_[i];
}

std::shared_ptr<PageSource> parse_page_source(std::string text, const ReadHint& hint) {
  auto page = std::make_shared<PageSource>();
  page->text = std::move(text);
  page->arena = std::make_unique<json::monotonic_resource>(page->text.size() + 1024);
  page->read_hint_ = hint;
  const json::storage_ptr storage(page->arena.get());
  const std::string_view whole = page->text;
  json::error_code ec;
  // The whole page parsed at once, records and all: they are the page's records, parsed (in
  // the arena: a value moved from the arena keeps it), and the rest is `doc`. False when it is
  // not a page.
  const auto parse_whole = [&] {
    json::value parsed = json::parse(whole, ec, storage);
    json::object* o = ec ? nullptr : parsed.if_object();
    json::value* records = o ? o->if_contains("records") : nullptr;
    if (records == nullptr || !records->is_array()) return false;
    json::array& array = records->get_array();
    page->records_.reserve(array.size());
    for (json::value& record : array) page->records_.push_back(std::move(record));
    page->parsed_.assign(array.size(), true);
    array.clear();
    page->doc = std::move(parsed);  // `doc`'s own storage, as below: what is left is copied
    return true;
  };
  std::string_view records_span;
  if (hint && hint->load(std::memory_order_relaxed)) {
    // The steps read the records: the one parse that validates the page builds them too (the
    // same options as valid_json's); the scan finds their raw text all the same.
    if (!parse_whole()) return nullptr;
    page->raw = Scanner(whole).records(&records_span, &page->ids_);
    if (records_span.empty() || page->raw.size() != page->records_.size()) {
      page->raw.clear();  // as below: no raw text when it cannot be cut from the page
      page->ids_.clear();
    }
    return page;
  }
  if (!valid_json(whole)) return nullptr;
  page->raw = Scanner(whole).records(&records_span, &page->ids_);
  if (!records_span.empty()) {
    // The rest of the page, with [] in the records' place: all that is parsed now.
    const size_t begin = static_cast<size_t>(records_span.data() - whole.data());
    std::string rest;
    rest.reserve(whole.size() - records_span.size() + 2);
    rest.append(whole.substr(0, begin))
        .append("[]")
        .append(whole.substr(begin + records_span.size()));
    page->doc = json::parse(rest, ec, storage);
    if (ec || !page->doc.is_object()) return nullptr;
    page->records_.resize(page->raw.size(), json::value(storage));
    page->parsed_.assign(page->raw.size(), false);
    return page;
  }
  // No raw text to cut from: the whole page is parsed, as it is.
  page->raw.clear();
  page->ids_.clear();
  if (!parse_whole()) return nullptr;
  return page;
}

std::shared_ptr<PageSource> page_source_of(std::vector<json::value> records) {
  auto page = std::make_shared<PageSource>();
  page->arena = std::make_unique<json::monotonic_resource>();
  page->doc = json::object{{"records", json::array()}};
  page->parsed_.assign(records.size(), true);
  page->records_ = std::move(records);
  return page;
}

}  // namespace sluice::runtime
