#include "sluice/support/formats/csv.hpp"

#include <csv.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

int no_space(unsigned char) { return 0; }

// What libcsv's callbacks build. Callbacks run inside C code, so they never throw: the first
// problem is kept in `error` and later rows are ignored.
struct Reader {
  const CsvOptions& options;
  std::vector<std::string> fields;  // of the row being read
  std::vector<std::string> keys;    // from the header row
  bool have_header = false;
  size_t rows = 0;  // rows completed, skipped ones included
  json::array records;
  std::optional<std::string> error;

  void field(const char* data, size_t length) {
    if (error) return;
    std::string_view value(data == nullptr ? "" : data, data == nullptr ? 0 : length);
    if (options.trim_spaces) value = trim(value);
    fields.emplace_back(value);
  }

  void end_row() {
    if (error) return;
    const size_t row = ++rows;
    std::vector<std::string> values = std::move(fields);
    fields.clear();
    if (row <= options.rows_to_skip) return;
    if (options.has_header_row && !have_header) {
      header(values);
      return;
    }
    if (have_header && values.size() > keys.size()) {
      error = "CSV row " + std::to_string(row) + " has " + std::to_string(values.size()) +
              " fields but the header row has " + std::to_string(keys.size()) +
              "; quote values that contain the delimiter, or check file.csv.columnDelimiter";
      return;
    }
    json::object record;
    const size_t width = have_header ? keys.size() : values.size();
    record.reserve(width);
    for (size_t i = 0; i < width; ++i) {
      const std::string key = have_header ? keys[i] : "Column" + std::to_string(i + 1);
      record[key] = i < values.size() ? json::string(values[i]) : json::string();
    }
    records.push_back(std::move(record));
  }

  void header(const std::vector<std::string>& names) {
    have_header = true;
    std::unordered_map<std::string, int> seen;
    for (size_t i = 0; i < names.size(); ++i) {
      std::string key(trim(names[i]));
      if (key.empty()) key = "Column" + std::to_string(i + 1);
      const int n = ++seen[key];
      if (n > 1) key += "_" + std::to_string(n);
      keys.push_back(std::move(key));
    }
  }
};

void on_field(void* data, size_t length, void* reader) {
  static_cast<Reader*>(reader)->field(static_cast<const char*>(data), length);
}
void on_row(int, void* reader) { static_cast<Reader*>(reader)->end_row(); }

// The 1-based line `offset` is on (LF, CRLF and lone CR each end a line).
size_t line_at(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

std::string printable(char c) {
  if (c == '\r') return "a carriage return";
  if (c == '\n') return "a line feed";
  if (static_cast<unsigned char>(c) < 0x20) return "a control character";
  return std::string("'") + c + "'";
}

// Why libcsv stopped at `offset` in strict mode: a quote inside an unquoted field, or something
// other than the delimiter or a line break after a closing quote.
std::string parse_problem(std::string_view text, size_t offset, char delimiter) {
  if (offset < text.size() && text[offset] == '"') {
    // Inside a quoted field, a quote followed by something else than a quote, the delimiter
    // or a line break is reported at the character after it.
    if (offset + 1 < text.size() && text[offset + 1] != delimiter && text[offset + 1] != '"' &&
        text[offset + 1] != '\r' && text[offset + 1] != '\n' && offset > 0 &&
        text[offset - 1] != delimiter && text[offset - 1] != '\n' && text[offset - 1] != '\r') {
      return "a quote inside an unquoted field; quote the whole field and double the quote "
             "(\"\")";
    }
  }
  if (offset > 0 && offset < text.size() && text[offset - 1] == '"') {
    return "after a closing quote, " + printable(text[offset]) +
           " where the delimiter or the end of the row must follow; a quote inside a quoted "
           "field is written as two (\"\")";
  }
  return "a quote inside an unquoted field; quote the whole field and double the quote (\"\")";
}

}  // namespace

Result<json::array> csv_to_json(std::string_view text, const CsvOptions& options) {
  if (text.size() > options.max_bytes) {
    return make_error(Status::kRemoteError, "the CSV document is " + std::to_string(text.size()) +
                                                " bytes, more than the limit of " +
                                                std::to_string(options.max_bytes));
  }
  if (options.column_delimiter == '"' || options.column_delimiter == '\r' ||
      options.column_delimiter == '\n') {
    return make_error(Status::kInvalidConfig,
                      "the CSV column delimiter cannot be a quote or a line break");
  }
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return make_error(Status::kInternal, "the CSV parser could not be initialised");
  }
  struct Free {
    csv_parser* p;
    ~Free() { csv_free(p); }
  } free_parser{&parser};
  csv_set_delim(&parser, static_cast<unsigned char>(options.column_delimiter));
  if (!options.trim_spaces) csv_set_space_func(&parser, no_space);

  Reader reader{.options = options};
  const size_t parsed = csv_parse(&parser, text.data(), text.size(), on_field, on_row, &reader);
  const auto where = [&](size_t offset) {
    return "CSV row " + std::to_string(reader.rows + 1) + ", column " +
           std::to_string(reader.fields.size() + 1) + " (line " +
           std::to_string(line_at(text, offset)) + ")";
  };
  if (parsed != text.size()) {
    if (csv_error(&parser) == CSV_EPARSE) {
      return make_error(
          Status::kRemoteError,
          where(parsed) + ": " + parse_problem(text, parsed, options.column_delimiter));
    }
    return make_error(Status::kRemoteError,
                      where(parsed) + ": " + csv_strerror(csv_error(&parser)));
  }
  if (csv_fini(&parser, on_field, on_row, &reader) != 0) {
    return make_error(Status::kRemoteError,
                      where(text.size()) +
                          ": a quoted field is not closed before the end of the document; add "
                          "the closing quote");
  }
  if (reader.error) return make_error(Status::kRemoteError, *reader.error);
  return std::move(reader.records);
}

}  // namespace sluice::support::formats
