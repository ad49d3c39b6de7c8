// The XLSX reader (xlsx.hpp): spools the zip, then reads the package's parts in the order the
// sheet needs them (relationships, workbook, styles, shared strings) and the sheet itself
// streaming, one row at a time.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "xlsx.hpp"
#include "xlsx_cells.hpp"
#include "xlsx_parts.hpp"

namespace sluice::support::formats {

namespace json = boost::json;
using namespace xlsx;

namespace {

Error remote(std::string message) { return make_error(Status::kRemoteError, std::move(message)); }

std::string preview(std::string_view bytes) {
  std::string out;
  for (char c : bytes.substr(0, 8)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && c != '"' && c != '\\') {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// A part's folder ("xl/workbook.xml" -> "xl/") and a relationship target resolved against it.
std::string resolve(std::string_view source_part, std::string_view target) {
  std::string base;
  if (!target.empty() && target.front() == '/') {
    target.remove_prefix(1);
  } else {
    const std::size_t slash = source_part.rfind('/');
    if (slash != std::string_view::npos) base = std::string(source_part.substr(0, slash + 1));
  }
  std::vector<std::string> parts;
  std::string joined = base + std::string(target);
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find('/', start), joined.size());
    const std::string piece = joined.substr(start, end - start);
    if (piece == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!piece.empty() && piece != ".") {
      parts.push_back(piece);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& piece : parts) {
    if (!out.empty()) out += '/';
    out += piece;
  }
  return out;
}

std::string rels_of(std::string_view part) {
  const std::size_t slash = part.rfind('/');
  if (slash == std::string_view::npos) return "_rels/" + std::string(part) + ".rels";
  return std::string(part.substr(0, slash + 1)) + "_rels/" + std::string(part.substr(slash + 1)) +
         ".rels";
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

struct Relationship {
  std::string id;
  std::string type;
  std::string target;
};

class RelsHandler final : public XmlHandler {
 public:
  void start(std::string_view name, XmlAttributes a) override {
    if (name != "Relationship") return;
    const char* id = attribute(a, "Id");
    const char* type = attribute(a, "Type");
    const char* target = attribute(a, "Target");
    const char* mode = attribute(a, "TargetMode");
    if (!id || !target || (mode && std::string_view(mode) == "External")) return;
    relationships.push_back({id, type ? type : "", target});
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}
  std::vector<Relationship> relationships;
};

struct Sheet {
  std::string name;
  std::string relationship;
};

class WorkbookHandler final : public XmlHandler {
 public:
  void start(std::string_view name, XmlAttributes a) override {
    if (name == "sheet") {
      const char* sheet = attribute(a, "name");
      const char* id = relationship_attribute(a, "id");
      if (sheet && id) sheets.push_back({sheet, id});
    } else if (name == "workbookPr") {
      const char* value = attribute(a, "date1904");
      if (value) date1904 = std::string_view(value) == "1" || std::string_view(value) == "true";
    }
  }
  void end(std::string_view) override {}
  void text(std::string_view) override {}
  std::vector<Sheet> sheets;
  bool date1904 = false;
};

class StylesHandler final : public XmlHandler {
 public:
  void start(std::string_view name, XmlAttributes a) override {
    if (name == "numFmt") {
      const char* id = attribute(a, "numFmtId");
      const char* code = attribute(a, "formatCode");
      if (id && code) codes[static_cast<uint32_t>(std::strtoul(id, nullptr, 10))] = code;
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      const char* id = attribute(a, "numFmtId");
      formats.push_back(id ? static_cast<uint32_t>(std::strtoul(id, nullptr, 10)) : 0);
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }
  void text(std::string_view) override {}

  // The date kind of each cell style (index of cellXfs).
  std::vector<DateKind> kinds() const {
    std::vector<DateKind> out;
    out.reserve(formats.size());
    for (uint32_t id : formats) {
      auto code = codes.find(id);
      out.push_back(date_kind(id, code == codes.end() ? std::string_view() : code->second));
    }
    return out;
  }

  std::unordered_map<uint32_t, std::string> codes;
  std::vector<uint32_t> formats;

 private:
  bool in_cell_xfs_ = false;
};

// Collects the text of <t> elements (outside phonetic runs) of an <si> or <is>.
class RichText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    if (name == "t") ++in_t_;
  }
  void end(std::string_view name) {
    if (name == "rPh" && phonetic_ > 0) --phonetic_;
    if (name == "t" && in_t_ > 0) --in_t_;
  }
  // False when the text would pass `limit`.
  bool text(std::string_view text, std::size_t limit) {
    if (in_t_ == 0 || phonetic_ > 0) return true;
    if (value.size() + text.size() > limit) return false;
    value.append(text);
    return true;
  }
  void reset() {
    value.clear();
    phonetic_ = 0;
    in_t_ = 0;
  }
  std::string value;

 private:
  int phonetic_ = 0;
  int in_t_ = 0;
};

class SharedStringsHandler final : public XmlHandler {
 public:
  SharedStringsHandler(std::size_t limit, std::string what)
      : limit_(limit), what_(std::move(what)) {}
  void set_parser(XmlParser* parser) { parser_ = parser; }

  void start(std::string_view name, XmlAttributes) override {
    if (name == "si") {
      in_si_ = true;
      text_.reset();
    } else if (in_si_) {
      text_.start(name);
    }
  }
  void end(std::string_view name) override {
    if (name == "si" && in_si_) {
      in_si_ = false;
      std::string value = decode_escapes(text_.value);
      bytes_ += value.size() + sizeof(std::string);
      if (bytes_ > limit_) {
        parser_->stop(what_ + ": the shared strings take more than " + std::to_string(limit_) +
                      " bytes, more than this reader holds");
        return;
      }
      strings.push_back(std::move(value));
    } else if (in_si_) {
      text_.end(name);
    }
  }
  void text(std::string_view text) override {
    if (in_si_ && !text_.text(text, limit_)) {
      parser_->stop(what_ + ": a shared string is longer than " + std::to_string(limit_) +
                    " bytes");
    }
  }
  std::vector<std::string> strings;

 private:
  std::size_t limit_;
  std::string what_;
  XmlParser* parser_ = nullptr;
  bool in_si_ = false;
  RichText text_;
  std::size_t bytes_ = 0;
};

// Turns rows of the sheet into records as the parser reports them.
class SheetHandler final : public XmlHandler {
 public:
  struct Context {
    const std::string* file_name;
    RecordSink* sink;
    const std::vector<std::string>* shared;
    const std::vector<DateKind>* styles;
    bool date1904;
    bool has_header;
    std::size_t max_cell_bytes;
    uint64_t* records;
  };

  explicit SheetHandler(Context context) : c_(context) {}
  void set_parser(XmlParser* parser) { parser_ = parser; }
  std::optional<Error> sink_error;

  void start(std::string_view name, XmlAttributes a) override {
    if (name == "sheetData") {
      in_data_ = true;
      return;
    }
    if (!in_data_) return;
    if (name == "row") {
      const char* r = attribute(a, "r");
      uint64_t number = row_ + 1;
      if (r) {
        std::from_chars(r, r + std::strlen(r), number);
      }
      row_ = std::max(number, row_ + 1);  // rows ascend; one out of order gets the next number
      cells_.clear();
      row_error_.reset();
      column_ = 0;
      in_row_ = true;
    } else if (name == "c" && in_row_) {
      const char* r = attribute(a, "r");
      const char* t = attribute(a, "t");
      const char* s = attribute(a, "s");
      uint32_t column = r ? column_of(r) : column_ + 1;
      if (column == 0) {
        if (!row_error_) row_error_ = "a cell reference \"" + std::string(r) + "\" that is not one";
        column = column_ + 1;
      }
      column_ = column;
      type_ = t ? t : "n";
      style_ = s ? static_cast<uint32_t>(std::strtoul(s, nullptr, 10)) : 0;
      value_.clear();
      in_cell_ = true;
      in_v_ = false;
      in_is_ = false;
      inline_.reset();
    } else if (in_cell_) {
      if (name == "v") {
        in_v_ = true;
      } else if (name == "is") {
        in_is_ = true;
      } else if (in_is_) {
        inline_.start(name);
      }
    }
  }

  void end(std::string_view name) override {
    if (name == "sheetData") {
      in_data_ = false;
    } else if (!in_data_) {
      return;
    } else if (name == "row" && in_row_) {
      in_row_ = false;
      emit();
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      cell();
    } else if (in_cell_) {
      if (name == "v") {
        in_v_ = false;
      } else if (name == "is") {
        in_is_ = false;
      } else if (in_is_) {
        inline_.end(name);
      }
    }
  }

  void text(std::string_view text) override {
    if (!in_cell_) return;
    bool ok = true;
    if (in_v_) {
      ok = value_.size() + text.size() <= c_.max_cell_bytes;
      if (ok) value_.append(text);
    } else if (in_is_) {
      ok = inline_.text(text, c_.max_cell_bytes);
    }
    if (!ok) {
      parser_->stop(*c_.file_name + ": cell " + column_name(column_) + std::to_string(row_) +
                    " holds more than " + std::to_string(c_.max_cell_bytes) + " bytes");
    }
  }

 private:
  void fail_cell(std::string why) {
    if (!row_error_)
      row_error_ = "cell " + column_name(column_) + std::to_string(row_) + ": " + why;
  }

  void cell() {
    json::value value;
    if (type_ == "s") {
      if (value_.empty()) return;
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), index);
      if (ec != std::errc() || end != value_.data() + value_.size() || index >= c_.shared->size()) {
        return fail_cell("shared string \"" + value_.substr(0, 20) +
                         "\" does not exist (the file has " + std::to_string(c_.shared->size()) +
                         ")");
      }
      value = json::string((*c_.shared)[index]);
    } else if (type_ == "inlineStr") {
      value = json::string(decode_escapes(inline_.value));
    } else if (type_ == "str" || type_ == "e" || type_ == "d") {
      if (value_.empty() && type_ != "str") return;
      value = json::string(decode_escapes(value_));
    } else if (type_ == "b") {
      if (value_.empty()) return;
      if (value_ != "0" && value_ != "1")
        return fail_cell("boolean \"" + value_.substr(0, 20) + "\" is not 0 or 1");
      value = value_ == "1";
    } else {
      const std::string_view text = trimmed(value_);
      if (text.empty()) return;
      double number = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(number)) {
        return fail_cell("\"" + std::string(text.substr(0, 20)) + "\" is not a number");
      }
      const DateKind kind = style_ < c_.styles->size() ? (*c_.styles)[style_] : DateKind::kNone;
      std::optional<std::string> date;
      if (kind != DateKind::kNone) date = iso_date(number, kind, c_.date1904);
      if (date) {
        value = json::string(*date);
      } else if (number == std::floor(number) && std::fabs(number) < 9007199254740992.0) {
        value = static_cast<int64_t>(number);
      } else {
        value = number;
      }
    }
    cells_.emplace_back(column_, std::move(value));
  }

  static std::string text_of(const json::value& value) {
    if (value.is_string()) return std::string(value.get_string());
    if (value.is_bool()) return value.get_bool() ? "true" : "false";
    if (value.is_int64()) return std::to_string(value.get_int64());
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.to_number<double>());
    return ec == std::errc() ? std::string(buffer, end) : std::string();
  }

  std::string unique(std::string name) {
    if (used_.insert(name).second) return name;
    for (int k = 2;; ++k) {
      std::string candidate = name + "_" + std::to_string(k);
      if (used_.insert(candidate).second) return candidate;
    }
  }

  void emit() {
    if (cells_.empty() && !row_error_) return;
    // In column order; of two cells in one column the later wins.
    std::stable_sort(cells_.begin(), cells_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = cells_.size(); k-- > 1;) {
      if (cells_[k - 1].first == cells_[k].first)
        cells_.erase(cells_.begin() + static_cast<std::ptrdiff_t>(k - 1));
    }
    if (c_.has_header && !header_done_) {
      header_done_ = true;
      const uint32_t width = cells_.empty() ? 0 : cells_.back().first;
      header_.assign(width, std::string());
      for (auto& [column, value] : cells_)
        header_[column - 1] = std::string(trimmed(text_of(value)));
      for (uint32_t k = 0; k < width; ++k) {
        if (header_[k].empty()) header_[k] = "Column" + std::to_string(k + 1);
        header_[k] = unique(std::move(header_[k]));
      }
      // A bad header cell is named as the header row's error; the other names stand.
      if (!row_error_) return;
      *row_error_ = "(the header row) " + *row_error_;
    }
    ++*c_.records;
    const Origin where{*c_.file_name, *c_.records, row_, 0};
    Result<void> done;
    if (row_error_) {
      done = c_.sink->bad_record(
          remote(*c_.file_name + " row " + std::to_string(row_) + ": " + *row_error_), where);
    } else {
      json::object record;
      std::size_t next = 0;
      if (c_.has_header) {
        record.reserve(header_.size());
        for (std::size_t k = 0; k < header_.size(); ++k) {
          if (next < cells_.size() && cells_[next].first == k + 1) {
            record[header_[k]] = std::move(cells_[next++].second);
          } else {
            record[header_[k]] = "";
          }
        }
        for (; next < cells_.size(); ++next) {
          std::string key = "Column" + std::to_string(cells_[next].first);
          while (record.contains(key)) key += "_2";
          record[key] = std::move(cells_[next].second);
        }
      } else {
        const uint32_t width = cells_.back().first;
        record.reserve(width);
        for (uint32_t k = 1; k <= width; ++k) {
          if (cells_[next].first == k) {
            record["Column" + std::to_string(k)] = std::move(cells_[next++].second);
          } else {
            record["Column" + std::to_string(k)] = "";
          }
        }
      }
      done = c_.sink->record(json::value(std::move(record)), where);
    }
    if (!done) {
      sink_error = done.error();
      parser_->stop("");
    }
  }

  Context c_;
  XmlParser* parser_ = nullptr;
  bool in_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_v_ = false;
  bool in_is_ = false;
  uint64_t row_ = 0;
  uint32_t column_ = 0;
  std::string type_;
  uint32_t style_ = 0;
  std::string value_;
  RichText inline_;
  std::vector<std::pair<uint32_t, json::value>> cells_;
  std::optional<std::string> row_error_;
  bool header_done_ = false;
  std::vector<std::string> header_;
  std::unordered_set<std::string> used_;
};

class XlsxReader final : public Reader {
 public:
  XlsxReader(const FileOptions& options, std::string file_name, RecordSink& sink, XlsxLimits limits,
             SpoolFile spool)
      : sheet_(options.sheet),
        has_header_(options.xlsx_has_header_row),
        file_name_(std::move(file_name)),
        sink_(sink),
        limits_(limits),
        spool_(std::move(spool)) {}

  Result<void> write(std::string_view bytes) override {
    if (failed_) return *failed_;
    if (head_.size() < 8) head_.append(bytes.substr(0, 8 - head_.size()));
    if (head_.size() >= 2 && head_.compare(0, 2, "PK") != 0) return fail(not_a_zip());
    if (spool_.size() + bytes.size() > limits_.max_file_bytes) {
      return fail(remote(file_name_ + " is larger than the " +
                         std::to_string(limits_.max_file_bytes) +
                         " bytes an XLSX file may have here"));
    }
    if (auto r = spool_.append(bytes); !r) return fail(r.error());
    return {};
  }

  Result<void> finish() override {
    if (failed_) return *failed_;
    if (head_.size() < 2 || head_.compare(0, 2, "PK") != 0) return fail(not_a_zip());
    if (auto r = run(); !r) return fail(r.error());
    return {};
  }

 private:
  Result<void> fail(Error error) {
    failed_ = error;
    return error;
  }

  Error not_a_zip() const {
    if (head_.empty()) return remote(file_name_ + " is empty, not an XLSX file");
    return remote(file_name_ +
                  " is not an XLSX file: an XLSX file is a zip archive, which starts with \"PK\", "
                  "but this file starts with \"" +
                  preview(head_) + "\"; check file.type (is it a CSV or another text file?)");
  }

  std::string part_name(std::string_view part) const {
    return file_name_ + ": " + std::string(part);
  }

  // A small part, parsed whole by `handler`; false when the zip has no such part.
  // Parts other than the sheet and the shared strings (which are streamed and bounded by what
  // they hold) are refused past max_part_bytes.
  Result<bool> parse_part(std::string_view part, XmlHandler& handler, XmlParser* parser = nullptr) {
    std::optional<XmlParser> own;
    const bool bounded = parser == nullptr;
    if (!parser) parser = &own.emplace(handler, part_name(part));
    std::size_t total = 0;
    auto found =
        read_zip_entry(spool_, file_name_, part, [&](std::string_view bytes) -> Result<void> {
          total += bytes.size();
          if (bounded && total > limits_.max_part_bytes) {
            return remote(part_name(part) + " is larger than " +
                          std::to_string(limits_.max_part_bytes) +
                          " bytes, more than this reader holds for it");
          }
          return parser->feed(bytes);
        });
    if (!found) return found.error();
    if (!*found) return false;
    if (auto r = parser->finish(); !r) return r.error();
    return true;
  }

  Result<void> run() {
    std::string workbook = "xl/workbook.xml";
    RelsHandler root;
    auto root_found = parse_part("_rels/.rels", root);
    if (!root_found) return root_found.error();
    for (const auto& rel : root.relationships) {
      if (ends_with(rel.type, "/officeDocument")) workbook = resolve("", rel.target);
    }
    WorkbookHandler book;
    auto book_found = parse_part(workbook, book);
    if (!book_found) return book_found.error();
    if (!*book_found) {
      return remote(file_name_ + " is a zip archive without a workbook (" + workbook +
                    "): it is not an XLSX file");
    }
    RelsHandler links;
    if (auto r = parse_part(rels_of(workbook), links); !r) return r.error();
    if (book.sheets.empty()) return remote(file_name_ + ": the workbook has no sheets");
    const Sheet* sheet = &book.sheets.front();
    if (sheet_) {
      auto named = std::find_if(book.sheets.begin(), book.sheets.end(),
                                [&](const Sheet& s) { return s.name == *sheet_; });
      if (named == book.sheets.end()) {
        std::string names;
        for (const auto& s : book.sheets) names += (names.empty() ? "\"" : ", \"") + s.name + "\"";
        return remote(file_name_ + " has no sheet named \"" + *sheet_ + "\"; its sheets are " +
                      names + " (file.xlsx sheet names are case-sensitive)");
      }
      sheet = &*named;
    }
    std::string sheet_part;
    std::string shared_part;
    std::string styles_part;
    for (const auto& rel : links.relationships) {
      if (rel.id == sheet->relationship) sheet_part = resolve(workbook, rel.target);
      if (ends_with(rel.type, "/sharedStrings")) shared_part = resolve(workbook, rel.target);
      if (ends_with(rel.type, "/styles")) styles_part = resolve(workbook, rel.target);
    }
    if (sheet_part.empty()) {
      return remote(file_name_ + ": the workbook's sheet \"" + sheet->name +
                    "\" has no part (relationship " + sheet->relationship + " is missing)");
    }
    std::vector<DateKind> styles;
    if (!styles_part.empty()) {
      StylesHandler handler;
      if (auto r = parse_part(styles_part, handler); !r) return r.error();
      styles = handler.kinds();
    }
    std::vector<std::string> shared;
    if (!shared_part.empty()) {
      SharedStringsHandler handler(limits_.max_shared_strings_bytes, part_name(shared_part));
      XmlParser parser(handler, part_name(shared_part));
      handler.set_parser(&parser);
      if (auto r = parse_part(shared_part, handler, &parser); !r) return r.error();
      shared = std::move(handler.strings);
    }
    uint64_t records = 0;
    SheetHandler handler({&file_name_, &sink_, &shared, &styles, book.date1904, has_header_,
                          limits_.max_cell_bytes, &records});
    XmlParser parser(handler, part_name(sheet_part));
    handler.set_parser(&parser);
    auto found = parse_part(sheet_part, handler, &parser);
    if (handler.sink_error) return *handler.sink_error;
    if (!found) return found.error();
    if (!*found) {
      return remote(file_name_ + ": the sheet \"" + sheet->name + "\" (" + sheet_part +
                    ") is missing from the zip");
    }
    return {};
  }

  std::optional<std::string> sheet_;
  bool has_header_;
  std::string file_name_;
  RecordSink& sink_;
  XlsxLimits limits_;
  SpoolFile spool_;
  std::string head_;
  std::optional<Error> failed_;
};

}  // namespace

Result<std::unique_ptr<Reader>> make_xlsx_reader(const FileOptions& options, std::string file_name,
                                                 RecordSink& sink, XlsxLimits limits) {
  auto spool = SpoolFile::create(file_name);
  if (!spool) return spool.error();
  return std::unique_ptr<Reader>(
      new XlsxReader(options, std::move(file_name), sink, limits, std::move(*spool)));
}

}  // namespace sluice::support::formats
