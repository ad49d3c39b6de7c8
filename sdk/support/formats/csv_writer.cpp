// The CSV writer (make_csv_writer). Columns are the first record's fields, in its order; a later
// record with another field is that record's error (the header is already written), and a
// missing field is an empty value. Values: strings as they are, numbers in their shortest
// round-trip form, booleans as true/false, null as empty; an object or an array is that record's
// error naming the field (flatten it in a mapping first).
#include <charconv>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr size_t kFlushBytes = 64 * 1024;

void append_number(std::string& out, const json::value& value) {
  char buffer[32];
  std::to_chars_result result{};
  if (value.is_int64()) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value.get_int64());
  } else if (value.is_uint64()) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64());
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
  }
  out.append(buffer, result.ptr);
}

class CsvWriter final : public Writer {
 public:
  CsvWriter(const FileOptions& options, ByteSink& out)
      : options_(options.csv),
        row_delimiter_(options.csv.row_delimiter.empty() ? "\n" : options.csv.row_delimiter),
        out_(out),
        quote_triggers_{options.csv.column_delimiter, '"', '\r', '\n'} {}

  Result<void> write(const json::value& record) override {
    ++records_;
    if (!record.is_object()) {
      return refuse("is " + detail::kind_of(record) +
                    ", not an object; a CSV row is made from "
                    "an object's fields");
    }
    const json::object& fields = record.get_object();
    for (const auto& [key, value] : fields) {
      if (value.is_object() || value.is_array()) {
        return refuse("field \"" + std::string(key) + "\" is " + detail::kind_of(value) +
                      "; a CSV value must be a string, number, boolean or null: flatten it in a "
                      "mapping");
      }
    }
    if (!have_columns_) {
      have_columns_ = true;
      for (const auto& [key, value] : fields) {
        index_.emplace(std::string(key), columns_.size());
        columns_.emplace_back(key);
      }
      if (options_.include_header) {
        start_row();
        for (size_t i = 0; i < columns_.size(); ++i) add_value(i, columns_[i]);
      }
    }
    std::vector<const json::value*> values(columns_.size(), nullptr);
    for (const auto& [key, value] : fields) {
      const auto it = index_.find(std::string(key));
      if (it == index_.end()) {
        std::string list;
        for (const std::string& c : columns_) list += (list.empty() ? "" : ", ") + c;
        return refuse("has the field \"" + std::string(key) +
                      "\", which is not a column of this file: the columns are the first "
                      "record's fields (" +
                      list + "); give every record the same fields");
      }
      values[it->second] = &value;
    }
    start_row();
    std::string text;
    for (size_t i = 0; i < values.size(); ++i) {
      text.clear();
      if (const json::value* value = values[i]; value != nullptr) {
        if (value->is_string()) {
          text = value->get_string();
        } else if (value->is_bool()) {
          text = value->get_bool() ? "true" : "false";
        } else if (value->is_number()) {
          append_number(text, *value);
        }
      }
      add_value(i, text);
    }
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }

  Result<void> finish() override {
    if (rows_ > 0 && !options_.truncate_last_row_delimiter) buffer_ += row_delimiter_;
    return flush();
  }

 private:
  Error refuse(std::string problem) const {
    return make_error(Status::kInvalidConfig,
                      "CSV file, record " + std::to_string(records_) + " " + problem);
  }

  // The row delimiter goes before every row but the first, so that finish() decides about the
  // last one.
  void start_row() {
    if (rows_++ > 0) buffer_ += row_delimiter_;
  }

  void add_value(size_t index, std::string_view raw) {
    if (index > 0) buffer_ += options_.column_delimiter;
    std::string value;
    value.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (options_.replace_tab_with_space && c == '\t') {
        value += ' ';
      } else if (options_.replace_newline_with_space && (c == '\r' || c == '\n')) {
        value += ' ';
        if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      } else {
        value += c;
      }
    }
    const bool quote =
        options_.wrap_with_quotes || value.find_first_of(quote_triggers_) != std::string::npos;
    if (!quote) {
      buffer_ += value;
      return;
    }
    buffer_ += '"';
    for (char c : value) {
      if (c == '"') buffer_ += '"';
      buffer_ += c;
    }
    buffer_ += '"';
  }

  Result<void> flush() {
    if (buffer_.empty()) return {};
    auto written = out_.write(buffer_);
    buffer_.clear();
    return written;
  }

  const CsvFileOptions options_;
  const std::string row_delimiter_;
  ByteSink& out_;
  bool have_columns_ = false;
  std::vector<std::string> columns_;
  std::unordered_map<std::string, size_t> index_;
  size_t records_ = 0;  // records given to write(), refused ones included
  size_t rows_ = 0;     // rows written, the header included
  std::string buffer_;
  const std::string quote_triggers_;  // what makes a value quoted
};

}  // namespace

Result<std::unique_ptr<Writer>> make_csv_writer(const FileOptions& options, ByteSink& out) {
  const char delimiter = options.csv.column_delimiter;
  if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
    return make_error(Status::kInvalidConfig,
                      "file.csv.columnDelimiter cannot be a quote or a line break");
  }
  const std::string& row = options.csv.row_delimiter;
  if (!row.empty() && row != "\n" && row != "\r\n" && row != "\r") {
    return make_error(Status::kInvalidConfig,
                      "file.csv.rowDelimiter must be \"\\n\", \"\\r\\n\" or \"\\r\"");
  }
  return std::unique_ptr<Writer>(std::make_unique<CsvWriter>(options, out));
}

}  // namespace sluice::support::formats
