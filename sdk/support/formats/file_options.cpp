// read_file_options: integrator.io's `file` object into FileOptions. Every key of the object is
// either read or refused; nothing is skipped.
#include "sluice/support/formats/file_options.hpp"
#include "xml_stream.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

// Reads one object of the `file` settings, naming each key by its path ("file.csv.hasHeaderRow")
// under `where` ("export orders").
class Settings {
 public:
  Settings(const json::object& object, std::string path, std::string_view where)
      : object_(object), path_(std::move(path)), where_(where) {}

  std::string name(std::string_view key) const { return path_ + "." + std::string(key); }

  Error invalid(std::string message) const {
    return make_error(Status::kInvalidConfig,
                      where_.empty() ? std::move(message) : std::string(where_) + ": " + message);
  }

  // Refuses a key that is neither in `known` nor in `later` (known to integrator.io, not
  // implemented here yet).
  Result<void> check_keys(std::initializer_list<std::string_view> known,
                          std::initializer_list<std::string_view> later = {}) const {
    for (const auto& [key, value] : object_) {
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      if (std::find(later.begin(), later.end(), key) != later.end()) {
        return invalid(name(key) + " is not supported yet; remove it");
      }
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return invalid(name(key) + " is not a setting of " + path_ + "; the settings are " + list);
    }
    return {};
  }

  const json::value* find(std::string_view key) const {
    const json::value* value = object_.if_contains(key);
    return value == nullptr || value->is_null() ? nullptr : value;
  }

  Result<std::optional<bool>> boolean(std::string_view key) const {
    const json::value* value = find(key);
    if (value == nullptr) return std::optional<bool>();
    if (!value->is_bool())
      return invalid(name(key) + " must be true or false, not " + shown(*value));
    return std::optional<bool>(value->get_bool());
  }

  // Sets `out` when the key is present.
  Result<void> read(std::string_view key, bool& out) const {
    auto value = boolean(key);
    if (!value) return value.error();
    if (*value) out = **value;
    return {};
  }

  Result<std::optional<std::string>> string(std::string_view key) const {
    const json::value* value = find(key);
    if (value == nullptr) return std::optional<std::string>();
    if (!value->is_string()) return invalid(name(key) + " must be a string, not " + shown(*value));
    return std::optional<std::string>(std::string(value->get_string()));
  }

  Result<void> read(std::string_view key, std::string& out) const {
    auto value = string(key);
    if (!value) return value.error();
    if (*value) out = std::move(**value);
    return {};
  }

  // A whole number in [min, max].
  Result<std::optional<std::size_t>> count(std::string_view key, std::size_t min,
                                           std::size_t max) const {
    const json::value* value = find(key);
    if (value == nullptr) return std::optional<std::size_t>();
    std::optional<std::size_t> number;
    if (value->is_int64() && value->get_int64() >= 0) {
      number = static_cast<std::size_t>(value->get_int64());
    } else if (value->is_uint64()) {
      number = static_cast<std::size_t>(value->get_uint64());
    }
    if (!number || *number < min || *number > max) {
      return invalid(name(key) + " must be a whole number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not " + shown(*value));
    }
    return number;
  }

  // One of `choices`: the index of the match.
  Result<std::optional<std::size_t>> choice(std::string_view key,
                                            std::initializer_list<std::string_view> choices) const {
    auto text = string(key);
    if (!text) return text.error();
    if (!*text) return std::optional<std::size_t>();
    const auto it = std::find(choices.begin(), choices.end(), **text);
    if (it == choices.end()) {
      std::string list;
      for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
      return invalid(name(key) + " must be one of " + list + ", not " + shown(*find(key)));
    }
    return std::optional<std::size_t>(static_cast<std::size_t>(it - choices.begin()));
  }

  Result<std::optional<std::vector<std::string>>> strings(std::string_view key) const {
    const json::value* value = find(key);
    if (value == nullptr) return std::optional<std::vector<std::string>>();
    if (!value->is_array()) {
      return invalid(name(key) + " must be an array of strings, not " + shown(*value));
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < value->get_array().size(); ++i) {
      const json::value& item = value->get_array()[i];
      if (!item.is_string() || item.get_string().empty()) {
        return invalid(name(key) + "[" + std::to_string(i) + "] must be a non-empty string, not " +
                       shown(item));
      }
      out.emplace_back(item.get_string());
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }

  // The nested object at `key`, or none.
  Result<const json::object*> object(std::string_view key) const {
    const json::value* value = find(key);
    if (value == nullptr) return static_cast<const json::object*>(nullptr);
    if (!value->is_object()) return invalid(name(key) + " must be an object, not " + shown(*value));
    return &value->get_object();
  }

  Settings nested(const json::object& object, std::string_view key) const {
    return Settings(object, name(key), where_);
  }

  static std::string shown(const json::value& value) {
    std::string text = json::serialize(value);
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    return text;
  }

 private:
  const json::object& object_;
  std::string path_;
  std::string_view where_;
};

#define SLUICE_FILE_TRY(expr)              \
  do {                                     \
    if (auto result_ = (expr); !result_) { \
      return std::move(result_).error();   \
    }                                      \
  } while (false)

// A delimiter of one character, given as the character itself (JSON "\t" is a tab).
Result<void> read_column_delimiter(const Settings& csv, char& out) {
  auto text = csv.string("columnDelimiter");
  if (!text) return text.error();
  if (!*text) return {};
  const std::string& value = **text;
  if (value.size() != 1) {
    return csv.invalid(csv.name("columnDelimiter") + " must be one character, not " +
                       Settings::shown(json::value(value)));
  }
  if (value[0] == '"' || value[0] == '\r' || value[0] == '\n') {
    return csv.invalid(csv.name("columnDelimiter") +
                       " cannot be a quote or a line break; use \",\", \";\", \"\\t\" or \"|\"");
  }
  out = value[0];
  return {};
}

Result<void> read_csv(const Settings& csv, CsvFileOptions& out) {
  SLUICE_FILE_TRY(csv.check_keys({"columnDelimiter", "rowDelimiter", "hasHeaderRow", "trimSpaces",
                                  "rowsToSkip", "disableQuoteAndStripEnclosingQuotes", "keyColumns",
                                  "includeHeader", "wrapWithQuotes", "replaceTabWithSpace",
                                  "replaceNewlineWithSpace", "truncateLastRowDelimiter"}));
  SLUICE_FILE_TRY(read_column_delimiter(csv, out.column_delimiter));
  auto row = csv.choice("rowDelimiter", {"\n", "\r\n", "\r"});
  if (!row) {
    return csv.invalid(csv.name("rowDelimiter") +
                       " must be \"\\n\", \"\\r\\n\" or \"\\r\" (or "
                       "left out to detect it), not " +
                       Settings::shown(*csv.find("rowDelimiter")));
  }
  if (*row) out.row_delimiter = std::array{"\n", "\r\n", "\r"}[**row];
  SLUICE_FILE_TRY(csv.read("hasHeaderRow", out.has_header_row));
  SLUICE_FILE_TRY(csv.read("trimSpaces", out.trim_spaces));
  auto skip = csv.count("rowsToSkip", 0, 1'000'000);
  if (!skip) return skip.error();
  if (*skip) out.rows_to_skip = **skip;
  SLUICE_FILE_TRY(csv.read("disableQuoteAndStripEnclosingQuotes", out.disable_quote));
  auto keys = csv.strings("keyColumns");
  if (!keys) return keys.error();
  if (*keys) out.key_columns = std::move(**keys);
  if (std::find(out.key_columns.begin(), out.key_columns.end(), "rows") != out.key_columns.end()) {
    return csv.invalid(csv.name("keyColumns") +
                       " cannot name a column \"rows\": a grouped record keeps its rows under "
                       "\"rows\"");
  }
  SLUICE_FILE_TRY(csv.read("includeHeader", out.include_header));
  SLUICE_FILE_TRY(csv.read("wrapWithQuotes", out.wrap_with_quotes));
  SLUICE_FILE_TRY(csv.read("replaceTabWithSpace", out.replace_tab_with_space));
  SLUICE_FILE_TRY(csv.read("replaceNewlineWithSpace", out.replace_newline_with_space));
  SLUICE_FILE_TRY(csv.read("truncateLastRowDelimiter", out.truncate_last_row_delimiter));
  return {};
}

// file.fileDefinition, Sluice's inline form of integrator.io's file definitions:
//   {"format": "fixedwidth", "fields": [{"name": "sku", "start": 1, "length": 8,
//    "type": "string"}], "rowDelimiter": "\n"}
// (a reference to a stored definition, _fileDefinitionId, is not supported yet).
Result<void> read_file_definition(const Settings& definition, FileOptions& out) {
  SLUICE_FILE_TRY(
      definition.check_keys({"format", "fields", "rowDelimiter"},
                            {"_fileDefinitionId", "resourcePath", "allowPartialSuccess"}));
  auto format = definition.choice("format", {"fixedwidth", "x12"});
  if (!format) return format.error();
  if (!*format) {
    return definition.invalid(definition.name("format") +
                              " is required with file.type \"filedefinition\": \"fixedwidth\" or "
                              "\"x12\"");
  }
  if (**format == 1) {
    out.type = FileType::kX12;
    if (definition.find("fields") != nullptr) {
      return definition.invalid(definition.name("fields") +
                                " is for the fixedwidth format; an X12 file needs no fields");
    }
    return {};
  }
  out.type = FileType::kFixedWidth;
  auto row = definition.choice("rowDelimiter", {"\n", "\r\n", "\r"});
  if (!row) return row.error();
  if (*row) out.fixed_width_row_delimiter = std::array{"\n", "\r\n", "\r"}[**row];
  const json::value* fields = definition.find("fields");
  if (fields == nullptr || !fields->is_array() || fields->get_array().empty()) {
    return definition.invalid(definition.name("fields") +
                              " must be a non-empty array of {name, start, length, type}");
  }
  for (std::size_t i = 0; i < fields->get_array().size(); ++i) {
    const std::string at = "fields[" + std::to_string(i) + "]";
    const json::value& item = fields->get_array()[i];
    if (!item.is_object()) {
      return definition.invalid(definition.name(at) +
                                " must be an object {name, start, length, type}");
    }
    const Settings field = definition.nested(item.get_object(), at);
    SLUICE_FILE_TRY(field.check_keys({"name", "start", "length", "type"}));
    FixedWidthField parsed;
    SLUICE_FILE_TRY(field.read("name", parsed.name));
    if (parsed.name.empty()) return field.invalid(field.name("name") + " is required");
    auto start = field.count("start", 1, 1'000'000);
    if (!start) return start.error();
    auto length = field.count("length", 1, 1'000'000);
    if (!length) return length.error();
    if (!*start || !*length) {
      return field.invalid(field.name(*start ? "length" : "start") + " is required");
    }
    parsed.start = **start;
    parsed.length = **length;
    auto type = field.choice("type", {"string", "number", "boolean"});
    if (!type) return type.error();
    if (*type) {
      parsed.type = std::array{FixedWidthField::Type::kString, FixedWidthField::Type::kNumber,
                               FixedWidthField::Type::kBoolean}[**type];
    }
    for (const FixedWidthField& other : out.fixed_width) {
      if (other.name == parsed.name) {
        return field.invalid(field.name("name") + " \"" + parsed.name +
                             "\" is already the name of an earlier field");
      }
      if (parsed.start < other.start + other.length && other.start < parsed.start + parsed.length) {
        return field.invalid(definition.name(at) + " (\"" + parsed.name + "\", characters " +
                             std::to_string(parsed.start) + "-" +
                             std::to_string(parsed.start + parsed.length - 1) + ") overlaps \"" +
                             other.name + "\" (characters " + std::to_string(other.start) + "-" +
                             std::to_string(other.start + other.length - 1) + ")");
      }
    }
    out.fixed_width.push_back(std::move(parsed));
  }
  return {};
}

Result<void> read_sort(const Settings& file, FileOptions& out) {
  const json::value* sort = file.find("sortByFields");
  if (sort == nullptr) return {};
  if (!sort->is_array()) {
    return file.invalid(file.name("sortByFields") + " must be an array of {field, descending}");
  }
  for (std::size_t i = 0; i < sort->get_array().size(); ++i) {
    const std::string at = "sortByFields[" + std::to_string(i) + "]";
    const json::value& item = sort->get_array()[i];
    if (!item.is_object()) {
      return file.invalid(file.name(at) + " must be an object {field, descending}");
    }
    const Settings entry = file.nested(item.get_object(), at);
    SLUICE_FILE_TRY(entry.check_keys({"field", "descending"}));
    FileOptions::SortField field;
    SLUICE_FILE_TRY(entry.read("field", field.field));
    if (field.field.empty()) return entry.invalid(entry.name("field") + " is required");
    SLUICE_FILE_TRY(entry.read("descending", field.descending));
    out.sort_by_fields.push_back(std::move(field));
  }
  return {};
}

}  // namespace

Result<FileOptions> read_file_options(const json::object& file, std::string_view where) {
  const Settings settings(file, "file", where);
  SLUICE_FILE_TRY(settings.check_keys(
      {"type",
       "encoding",
       "compressionFormat",
       "csv",
       "json",
       "xml",
       "xlsx",
       "fileDefinition",
       "skipDelete",
       "batchSize",
       "sortByFields",
       "groupByFields",
       "groupEmptyValues",
       "output",
       "backupPath",
       "purgeInternalBackup",
       "fileName",
       "skipAggregation",
       "aggregation",
       "skipRename",
       "encrypt",
       "decrypt",
       "delete"},
      {"filter", "pgp", "lookups", "directory", "backupDirectory", "postAggregate"}));
  FileOptions out;

  auto type = settings.choice("type", {"csv", "json", "xml", "xlsx", "filedefinition"});
  if (!type) return type.error();
  if (!*type) {
    return settings.invalid("file.type is required: csv, json, xml, xlsx or filedefinition");
  }
  out.type = std::array{FileType::kCsv, FileType::kJson, FileType::kXml, FileType::kXlsx,
                        FileType::kFixedWidth}[**type];

  auto encoding = settings.choice(
      "encoding", {"utf8", "win1252", "iso88591", "utf-16le", "macroman", "shiftjis", "gb18030"});
  if (!encoding) return encoding.error();
  if (*encoding) {
    out.encoding = std::array{Encoding::kUtf8,    Encoding::kWin1252,  Encoding::kIso88591,
                              Encoding::kUtf16Le, Encoding::kMacRoman, Encoding::kShiftJis,
                              Encoding::kGb18030}[**encoding];
    if (out.type == FileType::kXlsx && out.encoding != Encoding::kUtf8) {
      return settings.invalid(
          "file.encoding does not apply to xlsx files (their text is always Unicode); remove it");
    }
  }
  auto compression = settings.choice("compressionFormat", {"gzip", "zip"});
  if (!compression) return compression.error();
  if (*compression) out.compression = **compression == 0 ? Compression::kGzip : Compression::kZip;

  // Each format's own object; one for another format than file.type is refused rather than
  // kept and ignored.
  const auto other_format = [&](std::string_view key, bool matches) -> Result<void> {
    if (matches || settings.find(key) == nullptr) return {};
    return settings.invalid(settings.name(key) + " is set but file.type is \"" +
                            std::string(file.at("type").get_string()) +
                            "\"; remove it or change "
                            "file.type");
  };
  SLUICE_FILE_TRY(other_format("csv", out.type == FileType::kCsv));
  SLUICE_FILE_TRY(other_format("json", out.type == FileType::kJson));
  SLUICE_FILE_TRY(other_format("xml", out.type == FileType::kXml));
  SLUICE_FILE_TRY(other_format("xlsx", out.type == FileType::kXlsx));
  SLUICE_FILE_TRY(other_format("fileDefinition", out.type == FileType::kFixedWidth));

  auto csv = settings.object("csv");
  if (!csv) return csv.error();
  if (*csv != nullptr) SLUICE_FILE_TRY(read_csv(settings.nested(**csv, "csv"), out.csv));

  auto json_settings = settings.object("json");
  if (!json_settings) return json_settings.error();
  if (*json_settings != nullptr) {
    const Settings nested = settings.nested(**json_settings, "json");
    SLUICE_FILE_TRY(nested.check_keys({"resourcePath", "jsonLines"}));
    SLUICE_FILE_TRY(nested.read("resourcePath", out.resource_path));
    SLUICE_FILE_TRY(nested.read("jsonLines", out.json_lines));
    if (out.json_lines && !out.resource_path.empty()) {
      return nested.invalid(nested.name("resourcePath") +
                            " cannot be used with jsonLines: each line is one record");
    }
  }

  auto xml = settings.object("xml");
  if (!xml) return xml.error();
  if (*xml != nullptr) {
    const Settings nested = settings.nested(**xml, "xml");
    SLUICE_FILE_TRY(nested.check_keys({"resourcePath"}));
    SLUICE_FILE_TRY(nested.read("resourcePath", out.resource_path));
  }
  if (out.type == FileType::kXml && out.resource_path.empty()) {
    return settings.invalid(
        "file.xml.resourcePath is required with file.type \"xml\": the path "
        "of the elements that are the records, e.g. \"/orders/order\"");
  }
  if (out.type == FileType::kXml) {
    if (auto checked = check_xml_resource_path(out.resource_path); !checked) {
      return make_error(Status::kInvalidConfig,
                        std::string(where) + ": " + checked.error().message);
    }
  }

  auto xlsx = settings.object("xlsx");
  if (!xlsx) return xlsx.error();
  if (*xlsx != nullptr) {
    const Settings nested = settings.nested(**xlsx, "xlsx");
    SLUICE_FILE_TRY(nested.check_keys({"hasHeaderRow", "sheet"}, {"keyColumns"}));
    SLUICE_FILE_TRY(nested.read("hasHeaderRow", out.xlsx_has_header_row));
    auto sheet = nested.string("sheet");
    if (!sheet) return sheet.error();
    out.sheet = std::move(*sheet);
  }

  auto definition = settings.object("fileDefinition");
  if (!definition) return definition.error();
  if (out.type == FileType::kFixedWidth) {
    if (*definition == nullptr) {
      return settings.invalid("file.fileDefinition is required with file.type \"filedefinition\"");
    }
    SLUICE_FILE_TRY(read_file_definition(settings.nested(**definition, "fileDefinition"), out));
  }

  SLUICE_FILE_TRY(settings.read("skipDelete", out.skip_delete));
  auto batch = settings.count("batchSize", 1, 1'000'000);
  if (!batch) return batch.error();
  out.batch_size = *batch;
  SLUICE_FILE_TRY(read_sort(settings, out));
  auto group = settings.strings("groupByFields");
  if (!group) return group.error();
  if (*group) out.group_by_fields = std::move(**group);
  SLUICE_FILE_TRY(settings.read("groupEmptyValues", out.group_empty_values));
  auto output = settings.choice("output", {"records", "metadata", "blobKeys"});
  if (!output) return output.error();
  if (*output && **output == 2) {
    return settings.invalid(
        "file.output \"blobKeys\" (transfer files unparsed) is not supported "
        "yet; use \"records\" or \"metadata\"");
  }
  if (*output)
    out.output = **output == 0 ? FileOptions::Output::kRecords : FileOptions::Output::kMetadata;
  SLUICE_FILE_TRY(settings.read("backupPath", out.backup_path));
  SLUICE_FILE_TRY(settings.read("fileName", out.file_name));
  SLUICE_FILE_TRY(settings.read("skipRename", out.skip_rename));

  // Sluice keeps no internal copies of files, so purgeInternalBackup true is what it does;
  // false asks for copies it cannot keep.
  auto purge = settings.boolean("purgeInternalBackup");
  if (!purge) return purge.error();
  if (*purge && !**purge) {
    return settings.invalid(
        "file.purgeInternalBackup false (keep internal copies of each file) "
        "is not supported yet: Sluice keeps none; use file.backupPath");
  }
  for (std::string_view key : {"encrypt", "delete"}) {
    auto flag = settings.boolean(key);
    if (!flag) return flag.error();
    if (*flag && **flag) {
      return settings.invalid(settings.name(key) + " true is not supported yet; remove it");
    }
  }
  auto decrypt = settings.choice("decrypt", {"pgp"});
  if (!decrypt) return decrypt.error();
  if (*decrypt) return settings.invalid("file.decrypt \"pgp\" is not supported yet; remove it");

  auto skip_aggregation = settings.boolean("skipAggregation");
  if (!skip_aggregation) return skip_aggregation.error();
  auto aggregation = settings.object("aggregation");
  if (!aggregation) return aggregation.error();
  if (*aggregation != nullptr) {
    const Settings nested = settings.nested(**aggregation, "aggregation");
    SLUICE_FILE_TRY(nested.check_keys({"type"}));
    auto kind = nested.choice("type", {"all", "page"});
    if (!kind) return kind.error();
    if (*kind)
      out.aggregation =
          **kind == 0 ? FileOptions::Aggregation::kAll : FileOptions::Aggregation::kPage;
  }
  if (*skip_aggregation && **skip_aggregation) {
    if (*aggregation != nullptr && (**aggregation).contains("type")) {
      return settings.invalid(
          "file.skipAggregation true (one file per record) contradicts "
          "file.aggregation.type; set only one of them");
    }
    out.aggregation = FileOptions::Aggregation::kRecord;
  }
  return out;
}

}  // namespace sluice::support::formats
