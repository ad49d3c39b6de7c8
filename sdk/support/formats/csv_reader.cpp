// The streaming CSV reader (make_csv_reader) and csv_to_json on top of it. libcsv does the
// quoting (strict RFC 4180); this file feeds it one line at a time so that it knows the line and
// byte column of every row and error, restarts libcsv after a malformed row (libcsv stops at the
// first error in strict mode), and groups rows by file.csv.keyColumns.
#include <csv.h>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "makers.hpp"
#include "sluice/support/formats/csv.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

// libcsv's parser state before the first character of a row (ROW_NOT_BEGUN in libcsv.c).
constexpr int kRowNotBegun = 0;

enum class RowEnd { kUnknown, kLf, kCrLf, kCr };

int is_lf(unsigned char c) { return c == '\n'; }
int is_cr(unsigned char c) { return c == '\r'; }
int no_space(unsigned char) { return 0; }

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::string printable(char c) {
  if (c == '\r') return "a carriage return";
  if (c == '\n') return "a line feed";
  if (static_cast<unsigned char>(c) < 0x20) return "a control character";
  return std::string("'") + c + "'";
}

// "Column3" -> 2; none for any other name.
std::optional<size_t> positional_index(std::string_view name) {
  constexpr std::string_view kPrefix = "Column";
  if (name.substr(0, kPrefix.size()) != kPrefix || name.size() == kPrefix.size()) return {};
  size_t n = 0;
  for (char c : name.substr(kPrefix.size())) {
    if (c < '0' || c > '9' || n > 1'000'000) return {};
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  if (n == 0) return {};
  return n - 1;
}

class CsvReader final : public Reader {
 public:
  CsvReader(const FileOptions& options, std::string file, RecordSink& sink)
      : options_(options.csv),
        file_(std::move(file)),
        sink_(sink),
        max_record_bytes_(options.max_record_bytes) {
    if (options_.row_delimiter == "\n") row_end_ = RowEnd::kLf;
    if (options_.row_delimiter == "\r\n") row_end_ = RowEnd::kCrLf;
    if (options_.row_delimiter == "\r") row_end_ = RowEnd::kCr;
    if (!options_.has_header_row) {
      for (const std::string& key : options_.key_columns) {
        key_index_.push_back(*positional_index(key));
      }
    }
  }

  ~CsvReader() override {
    if (parser_ready_) csv_free(&parser_);
  }

  Result<void> init() {
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
      return make_error(Status::kInternal, "the CSV parser could not be initialised");
    }
    parser_ready_ = true;
    configure();
    return {};
  }

  Result<void> write(std::string_view bytes) override {
    if (stop_) return *stop_;
    return bom_.write(bytes, [this](std::string_view b) { return feed(b); });
  }

  Result<void> finish() override {
    if (stop_) return *stop_;
    if (auto fed = bom_.finish([this](std::string_view b) { return feed(b); }); !fed) return fed;
    if (row_end_ == RowEnd::kUnknown) {
      row_end_ = RowEnd::kLf;  // no line break at all: one row, or none
      configure();
      std::string pending = std::move(pending_);
      if (auto fed = feed(pending); !fed) return fed;
    }
    if (options_.disable_quote) {
      if (!line_.empty() && !skipping_) end_plain_line();
    } else if (csv_fini(&parser_, on_field, on_row, this) != 0) {
      const auto [line, column] = field_start(fields_.size() + 1);
      return fail(make_error(Status::kRemoteError,
                             where(line, column, fields_.size() + 1) +
                                 ": a quoted field is not closed before the end of the file; add "
                                 "the closing quote"));
    }
    if (stop_) return *stop_;
    flush_group();
    if (stop_) return *stop_;
    return {};
  }

 private:
  // libcsv's callbacks run inside C code: nothing may throw through them.
  static void on_field(void* data, size_t length, void* self) {
    auto* reader = static_cast<CsvReader*>(self);
    try {
      reader->field(std::string_view(data == nullptr ? "" : static_cast<const char*>(data),
                                     data == nullptr ? 0 : length));
    } catch (const std::exception& e) {
      reader->stop_ = make_error(Status::kInternal, std::string("CSV reader: ") + e.what());
    }
  }
  static void on_row(int, void* self) {
    auto* reader = static_cast<CsvReader*>(self);
    try {
      reader->end_row();
    } catch (const std::exception& e) {
      reader->stop_ = make_error(Status::kInternal, std::string("CSV reader: ") + e.what());
    }
  }

  void configure() {
    if (!parser_ready_) return;
    csv_set_delim(&parser_, static_cast<unsigned char>(options_.column_delimiter));
    if (!options_.trim_spaces) csv_set_space_func(&parser_, no_space);
    // CRLF: libcsv's default, CR and LF both end a row (the empty row between is skipped).
    if (row_end_ == RowEnd::kLf) csv_set_term_func(&parser_, is_lf);
    if (row_end_ == RowEnd::kCr) csv_set_term_func(&parser_, is_cr);
  }

  Result<void> restart_parser() {
    csv_free(&parser_);
    parser_ready_ = false;
    return init();
  }

  // Bytes after the BOM: held back until the row delimiter is known (from the first CR or LF),
  // then cut into lines.
  Result<void> feed(std::string_view bytes) {
    if (row_end_ == RowEnd::kUnknown) {
      pending_.append(bytes);
      const size_t end = pending_.find_first_of("\r\n");
      if (end == std::string::npos || (pending_[end] == '\r' && end + 1 == pending_.size())) {
        if (pending_.size() > max_record_bytes_) return too_large();
        return {};
      }
      row_end_ = pending_[end] == '\n'       ? RowEnd::kLf
                 : pending_[end + 1] == '\n' ? RowEnd::kCrLf
                                             : RowEnd::kCr;
      configure();
      std::string pending = std::move(pending_);
      pending_.clear();
      return feed(pending);
    }
    // Cut after every byte that can end a row (for CRLF, where libcsv ends a row at CR or LF,
    // both), so that a row always starts a segment; lines are counted at CR or LF alone.
    const std::string_view ends = row_end_ == RowEnd::kCr   ? "\r"
                                  : row_end_ == RowEnd::kLf ? "\n"
                                                            : "\r\n";
    while (!bytes.empty()) {
      const size_t at = bytes.find_first_of(ends);
      const std::string_view segment =
          at == std::string_view::npos ? bytes : bytes.substr(0, at + 1);
      const bool ends_line =
          at != std::string_view::npos && (bytes[at] == '\n' || row_end_ == RowEnd::kCr);
      if (auto fed = feed_segment(segment, ends_line); !fed) return fed;
      bytes.remove_prefix(segment.size());
    }
    return {};
  }

  // A piece of one line, ending with its line break when `ends_line`.
  Result<void> feed_segment(std::string_view segment, bool ends_line) {
    if (skipping_) {
      // The rest of a line whose row was malformed.
    } else if (options_.disable_quote) {
      if (line_.size() + segment.size() > max_record_bytes_) return too_large();
      line_.append(segment);
      if (ends_line) end_plain_line();
    } else {
      size_t skipped = 0;  // bytes libcsv passes over before the row's first character
      if (parser_.pstate == kRowNotBegun) {
        skipped = skipped_before_row(segment);
        row_line_ = line_number_;
        row_column_ = column_ + skipped;
        row_bytes_.clear();
      }
      if (row_bytes_.size() + segment.size() - skipped > max_record_bytes_) return too_large();
      row_bytes_.append(segment.substr(skipped));
      const size_t parsed =
          csv_parse(&parser_, segment.data(), segment.size(), on_field, on_row, this);
      if (!stop_ && parsed < segment.size()) {
        malformed(segment[parsed], column_ + parsed + 1);
        if (auto restarted = restart_parser(); !restarted) return fail(restarted.error());
        skipping_ = true;
      }
    }
    if (stop_) return *stop_;
    if (ends_line) {
      ++line_number_;
      column_ = 0;
      skipping_ = false;
    } else {
      column_ += segment.size();
    }
    return {};
  }

  // disableQuoteAndStripEnclosingQuotes: quotes are plain characters; a field's enclosing pair
  // is stripped.
  void end_plain_line() {
    std::string_view text = line_;
    if (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (row_end_ == RowEnd::kCrLf && !text.empty() && text.back() == '\r') text.remove_suffix(1);
    row_line_ = line_number_;
    row_column_ = 0;
    if (!text.empty()) {
      while (true) {
        const size_t at = text.find(options_.column_delimiter);
        std::string_view value = text.substr(0, at);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        field(value);
        if (at == std::string_view::npos) break;
        text.remove_prefix(at + 1);
      }
      row_bytes_ = line_;
      end_row();
    }
    line_.clear();
  }

  void field(std::string_view value) {
    if (stop_) return;
    if (options_.trim_spaces) value = trim(value);
    fields_.emplace_back(value);
  }

  void end_row() {
    if (stop_) return;
    const size_t row = ++rows_;
    std::vector<std::string> values = std::move(fields_);
    fields_.clear();
    if (row <= options_.rows_to_skip) return;
    if (options_.has_header_row && !have_header_) {
      header(values);
      return;
    }
    if (have_header_ && values.size() > keys_.size()) {
      const auto [line, column] = field_start(keys_.size() + 1);
      malformed_row(
          make_error(Status::kRemoteError,
                     where(line, column, keys_.size() + 1, row) + ": the row has " +
                         std::to_string(values.size()) + " fields but the header row has " +
                         std::to_string(keys_.size()) +
                         "; quote values that contain the delimiter, or check "
                         "file.csv.columnDelimiter"),
          line, column);
      return;
    }
    json::object record;
    const size_t width = have_header_ ? keys_.size() : values.size();
    record.reserve(width);
    for (size_t i = 0; i < width; ++i) {
      json::string value = i < values.size() ? json::string(values[i]) : json::string();
      if (have_header_) {
        record.emplace(keys_[i], std::move(value));
      } else {
        record.emplace("Column" + std::to_string(i + 1), std::move(value));
      }
    }
    if (options_.key_columns.empty()) {
      deliver(std::move(record), row_line_);
      return;
    }
    std::vector<std::string> group_keys;
    group_keys.reserve(key_index_.size());
    for (size_t index : key_index_) {
      group_keys.push_back(index < values.size() ? values[index] : std::string());
    }
    if (!group_rows_.empty() && group_keys == group_keys_ &&
        group_bytes_ + row_bytes_.size() <= max_record_bytes_) {
      group_bytes_ += row_bytes_.size();
      group_rows_.push_back(std::move(record));
      return;
    }
    if (!group_rows_.empty() && group_keys == group_keys_) {
      (void)fail(make_error(Status::kRemoteError,
                            where(row_line_, 1, 0, row) + ": the rows with the same " +
                                "file.csv.keyColumns values are more than " +
                                std::to_string(max_record_bytes_) + " bytes together"));
      return;
    }
    flush_group();
    group_keys_ = std::move(group_keys);
    group_line_ = row_line_;
    group_bytes_ = row_bytes_.size();
    group_rows_.push_back(std::move(record));
  }

  void header(const std::vector<std::string>& names) {
    have_header_ = true;
    std::unordered_map<std::string, int> seen;
    for (size_t i = 0; i < names.size(); ++i) {
      std::string key(trim(names[i]));
      if (key.empty()) key = "Column" + std::to_string(i + 1);
      const int n = ++seen[key];
      if (n > 1) key += "_" + std::to_string(n);
      keys_.push_back(std::move(key));
    }
    for (const std::string& key : options_.key_columns) {
      const auto it = std::find(keys_.begin(), keys_.end(), key);
      if (it == keys_.end()) {
        std::string list;
        for (const std::string& k : keys_) list += (list.empty() ? "" : ", ") + k;
        (void)fail(make_error(Status::kInvalidConfig,
                              file_ + " line " + std::to_string(row_line_) +
                                  ": file.csv.keyColumns names \"" + key +
                                  "\", which is not a column of the header row (" + list + ")"));
        return;
      }
      key_index_.push_back(static_cast<size_t>(it - keys_.begin()));
    }
  }

  void deliver(json::object record, uint64_t line) {
    auto done =
        sink_.record(json::value(std::move(record)),
                     Origin{.file = file_, .record = ++records_, .line = line, .column = 1});
    if (!done) stop_ = std::move(done).error();
  }

  void flush_group() {
    if (group_rows_.empty() || stop_) return;
    json::object record;
    for (size_t i = 0; i < options_.key_columns.size(); ++i) {
      record.emplace(options_.key_columns[i], group_keys_[i]);
    }
    json::array rows;
    rows.reserve(group_rows_.size());
    for (json::object& row : group_rows_) rows.emplace_back(std::move(row));
    group_rows_.clear();
    record.emplace("rows", std::move(rows));
    deliver(std::move(record), group_line_);
  }

  // A row libcsv refused at `c`, the byte at `column` of the current line.
  void malformed(char c, uint64_t column) {
    const size_t field = fields_.size() + 1;
    fields_.clear();
    const size_t row = ++rows_;
    if (row <= options_.rows_to_skip) return;  // a skipped row need not be CSV
    std::string problem =
        c == '"' ? "a quote inside an unquoted field; quote the whole field and double the quote "
                   "(\"\")"
                 : "after a closing quote, " + printable(c) +
                       " where the delimiter or the end of the row must follow; a quote inside a "
                       "quoted field is written as two (\"\")";
    malformed_row(
        make_error(Status::kRemoteError, where(line_number_, column, field, row) + ": " + problem),
        line_number_, column);
  }

  void malformed_row(Error error, uint64_t line, uint64_t column) {
    flush_group();
    if (stop_) return;
    auto done = sink_.bad_record(
        std::move(error),
        Origin{.file = file_, .record = ++records_, .line = line, .column = column});
    if (!done) stop_ = std::move(done).error();
  }

  // "orders.csv line 3, column 5 (row 3, field 2)".
  std::string where(uint64_t line, uint64_t column, size_t field, size_t row = 0) const {
    std::string text = file_ + " line " + std::to_string(line);
    if (column != 0) text += ", column " + std::to_string(column);
    text += " (row " + std::to_string(row == 0 ? rows_ + 1 : row);
    if (field != 0) text += ", field " + std::to_string(field);
    return text + ")";
  }

  // How many of `segment`'s first bytes libcsv skips before a row begins: spaces and tabs (when
  // trimming) and line breaks. Not counting them in the row keeps its positions the same however
  // the file is cut into chunks (found by csv_fuzz).
  size_t skipped_before_row(std::string_view segment) const {
    size_t at = 0;
    for (; at < segment.size(); ++at) {
      const char c = segment[at];
      const bool space = options_.trim_spaces && (c == ' ' || c == '\t') &&
                         c != options_.column_delimiter;
      const bool row_end = row_end_ == RowEnd::kCr   ? c == '\r'
                           : row_end_ == RowEnd::kLf ? c == '\n'
                                                     : c == '\r' || c == '\n';
      if (!space && !row_end) break;
    }
    return at;
  }

  // The line and byte column where field `n` (1-based) of the current row starts, found again in
  // the row's bytes.
  std::pair<uint64_t, uint64_t> field_start(size_t n) const {
    uint64_t line = row_line_;
    uint64_t column = row_column_ + 1;
    size_t field = 1;
    bool quoted = false;
    const char end = row_end_ == RowEnd::kCr ? '\r' : '\n';
    for (size_t i = 0; i < row_bytes_.size() && field < n; ++i) {
      const char c = row_bytes_[i];
      if (!options_.disable_quote && c == '"') quoted = !quoted;
      if (!quoted && c == options_.column_delimiter) ++field;
      if (c == end) {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column};
  }

  Error too_large() {
    return fail(make_error(Status::kRemoteError,
                           file_ + " line " + std::to_string(row_line_) +
                               ": a row is longer than " + std::to_string(max_record_bytes_) +
                               " bytes; check file.csv.rowDelimiter and the quotes before it"));
  }

  Error fail(Error error) {
    stop_ = error;
    return error;
  }

  const CsvFileOptions options_;
  const std::string file_;
  RecordSink& sink_;
  const size_t max_record_bytes_;
  detail::Utf8BomSkipper bom_;
  RowEnd row_end_ = RowEnd::kUnknown;
  std::string pending_;  // bytes before the first line break, while the row end is unknown

  csv_parser parser_{};
  bool parser_ready_ = false;
  uint64_t line_number_ = 1;  // of the next byte
  uint64_t column_ = 0;       // bytes of the current line already fed
  bool skipping_ = false;     // dropping the rest of a malformed row's line

  uint64_t row_line_ = 1;            // where the current row started
  uint64_t row_column_ = 0;          // (bytes before it on its line)
  std::string row_bytes_;            // the current row as read, for positions in messages
  std::string line_;                 // disableQuote: the current line
  std::vector<std::string> fields_;  // of the current row

  size_t rows_ = 0;       // rows read, skipped and malformed ones included
  uint64_t records_ = 0;  // records handed to the sink, errors included
  bool have_header_ = false;
  std::vector<std::string> keys_;
  std::vector<size_t> key_index_;  // of each key column in a row

  std::vector<std::string> group_keys_;
  std::vector<json::object> group_rows_;
  uint64_t group_line_ = 0;
  size_t group_bytes_ = 0;

  std::optional<Error> stop_;  // the error that stopped the reader
};

}  // namespace

Result<std::unique_ptr<Reader>> make_csv_reader(const FileOptions& options, std::string file,
                                                RecordSink& sink) {
  const char delimiter = options.csv.column_delimiter;
  if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
    return make_error(Status::kInvalidConfig,
                      "file.csv.columnDelimiter cannot be a quote or a line break");
  }
  if (!options.csv.row_delimiter.empty() && options.csv.row_delimiter != "\n" &&
      options.csv.row_delimiter != "\r\n" && options.csv.row_delimiter != "\r") {
    return make_error(Status::kInvalidConfig,
                      "file.csv.rowDelimiter must be \"\\n\", \"\\r\\n\" or \"\\r\"");
  }
  if (!options.csv.has_header_row) {
    for (const std::string& key : options.csv.key_columns) {
      if (!positional_index(key)) {
        return make_error(Status::kInvalidConfig,
                          "file.csv.keyColumns names \"" + key +
                              "\", but without a header row the columns are Column1, Column2, "
                              "...");
      }
    }
  }
  auto reader = std::make_unique<CsvReader>(options, std::move(file), sink);
  if (auto ready = reader->init(); !ready) return ready.error();
  return std::unique_ptr<Reader>(std::move(reader));
}

namespace {

// Collects the records of a whole document; the first malformed row stops it.
class Collector final : public RecordSink {
 public:
  Result<void> record(json::value record, const Origin&) override {
    records.push_back(std::move(record));
    return {};
  }
  Result<void> bad_record(Error error, const Origin&) override { return error; }
  json::array records;
};

}  // namespace

Result<json::array> csv_to_json(std::string_view text, const CsvOptions& options) {
  if (text.size() > options.max_bytes) {
    return make_error(Status::kRemoteError, "the CSV document is " + std::to_string(text.size()) +
                                                " bytes, more than the limit of " +
                                                std::to_string(options.max_bytes));
  }
  FileOptions file;
  file.csv.column_delimiter = options.column_delimiter;
  file.csv.has_header_row = options.has_header_row;
  file.csv.trim_spaces = options.trim_spaces;
  file.csv.rows_to_skip = options.rows_to_skip;
  Collector collector;
  auto reader = make_csv_reader(file, "CSV", collector);
  if (!reader) return reader.error();
  if (auto done = (*reader)->write(text); !done) return done.error();
  if (auto done = (*reader)->finish(); !done) return done.error();
  return std::move(collector.records);
}

}  // namespace sluice::support::formats
