#include "runtime/file_source_readers.hpp"

#include <string>
#include <utility>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/csv.hpp"

namespace sluice::runtime {

namespace json = boost::json;
namespace formats = support::formats;

namespace {

// Collects a file's bytes, at most kMaxBufferedFileBytes; finish() parses them.
class BufferedReader : public formats::Reader {
 public:
  BufferedReader(std::string file, formats::RecordSink& sink)
      : file_(std::move(file)), sink_(sink) {}

  Result<void> write(std::string_view bytes) override {
    if (text_.size() + bytes.size() > kMaxBufferedFileBytes) {
      return make_error(Status::kUnsupported,
                        fmt::format("{} is larger than {} MB, the most this build reads of one "
                                    "file; split it",
                                    file_, kMaxBufferedFileBytes >> 20));
    }
    text_.append(bytes);
    return {};
  }

 protected:
  formats::Origin origin(uint64_t record, uint64_t line) const {
    formats::Origin o;
    o.file = file_;
    o.record = record;
    o.line = line;
    return o;
  }

  std::string file_;
  formats::RecordSink& sink_;
  std::string text_;
};

class CsvReader : public BufferedReader {
 public:
  CsvReader(std::string file, formats::RecordSink& sink, formats::CsvOptions options)
      : BufferedReader(std::move(file), sink), options_(options) {}

  Result<void> finish() override {
    auto rows = formats::csv_to_json(text_, options_);
    if (!rows) {
      Error e = rows.error();
      e.message = fmt::format("{}: {}", file_, e.message);
      return e;
    }
    uint64_t n = 0;
    for (json::value& row : *rows) {
      if (auto r = sink_.record(std::move(row), origin(++n, 0)); !r) return r;
    }
    return {};
  }

 private:
  formats::CsvOptions options_;
};

class JsonReader : public BufferedReader {
 public:
  JsonReader(std::string file, formats::RecordSink& sink, std::string resource_path, bool lines)
      : BufferedReader(std::move(file), sink),
        resource_path_(std::move(resource_path)),
        lines_(lines) {}

  Result<void> finish() override {
    if (lines_) return lines();
    json::error_code ec;
    json::value doc = json::parse(text_, ec);
    if (ec) {
      return make_error(Status::kRemoteError,
                        fmt::format("{}: not a JSON document ({}); for one record per line set "
                                    "file.json.jsonLines",
                                    file_, ec.message()));
    }
    return document(std::move(doc));
  }

 private:
  Result<void> document(json::value doc) {
    json::value* at = &doc;
    std::string_view rest = resource_path_;
    while (!rest.empty()) {
      const size_t dot = rest.find('.');
      const std::string_view key = rest.substr(0, dot);
      json::object* o = at->if_object();
      at = o != nullptr ? o->if_contains(key) : nullptr;
      if (at == nullptr) {
        return make_error(Status::kRemoteError,
                          fmt::format("{}: file.json.resourcePath \"{}\": the document has no "
                                      "\"{}\" there",
                                      file_, resource_path_, key));
      }
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
    uint64_t n = 0;
    if (json::array* a = at->if_array()) {
      for (json::value& v : *a) {
        if (auto r = sink_.record(std::move(v), origin(++n, 0)); !r) return r;
      }
      return {};
    }
    return sink_.record(std::move(*at), origin(1, 0));
  }

  Result<void> lines() {
    uint64_t line = 0, n = 0;
    size_t start = 0;
    while (start < text_.size()) {
      size_t end = text_.find('\n', start);
      if (end == std::string::npos) end = text_.size();
      std::string_view text(text_.data() + start, end - start);
      ++line;
      start = end + 1;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
      json::error_code ec;
      json::value v = json::parse(text, ec);
      if (ec) {
        Error e = make_error(Status::kRemoteError,
                             fmt::format("{}, line {}: not JSON ({})", file_, line, ec.message()));
        e.details = json::object{{"line", line}, {"text", text.substr(0, 1000)}};
        if (auto r = sink_.bad_record(std::move(e), origin(++n, line)); !r) return r;
        continue;
      }
      if (auto r = sink_.record(std::move(v), origin(++n, line)); !r) return r;
    }
    return {};
  }

  std::string resource_path_;
  bool lines_;
};

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

Error invalid(std::string_view where, std::string message) {
  return make_error(Status::kInvalidConfig, fmt::format("{}: {}", where, message));
}

}  // namespace

Result<FileExportSettings> read_file_export_settings(const json::object& file,
                                                     std::string_view where) {
  FileExportSettings out;
  for (std::string_view key : {"sortByFields", "groupByFields"}) {
    if (const json::value* v = file.if_contains(key); v != nullptr && !v->is_null()) {
      return make_error(Status::kUnsupported,
                        fmt::format("{}: $.file.{}: {} the records of a file across pages is not "
                                    "supported yet; remove it",
                                    where, key, key == "sortByFields" ? "sorting" : "grouping"));
    }
  }
  if (const json::value* output = file.if_contains("output"); output && !output->is_null()) {
    if (!output->is_string() ||
        (output->get_string() != "records" && output->get_string() != "metadata")) {
      return invalid(where, "$.file.output: expected \"records\" or \"metadata\"");
    }
    out.metadata = output->get_string() == "metadata";
  }
  const json::value* type = file.if_contains("type");
  const std::string_view type_name =
      type != nullptr && type->is_string() ? std::string_view(type->get_string()) : "";
  if (type_name == "csv") {
    formats::CsvOptions options;
    if (const json::object* csv = object_at(file, "csv")) {
      if (const json::value* d = csv->if_contains("columnDelimiter"); d && d->is_string()) {
        if (d->get_string().size() != 1)
          return invalid(where, "$.file.csv.columnDelimiter: expected one character");
        options.column_delimiter = d->get_string()[0];
      }
      if (const json::value* h = csv->if_contains("hasHeaderRow"); h && h->is_bool())
        options.has_header_row = h->get_bool();
      if (const json::value* t = csv->if_contains("trimSpaces"); t && t->is_bool())
        options.trim_spaces = t->get_bool();
      if (const json::value* r = csv->if_contains("rowsToSkip"); r && r->is_int64()) {
        if (r->get_int64() < 0) return invalid(where, "$.file.csv.rowsToSkip: expected 0 or more");
        options.rows_to_skip = static_cast<size_t>(r->get_int64());
      }
    }
    out.make_reader = [options](
                          const std::string& name,
                          formats::RecordSink& sink) -> Result<std::unique_ptr<formats::Reader>> {
      return std::unique_ptr<formats::Reader>(std::make_unique<CsvReader>(name, sink, options));
    };
    return out;
  }
  if (type_name == "json") {
    std::string resource_path;
    bool lines = false;
    if (const json::object* j = object_at(file, "json")) {
      if (const json::value* p = j->if_contains("resourcePath"); p && p->is_string())
        resource_path = std::string(p->get_string());
      if (const json::value* l = j->if_contains("jsonLines"); l && l->is_bool())
        lines = l->get_bool();
    }
    if (lines && !resource_path.empty()) {
      return invalid(where,
                     "$.file.json.resourcePath cannot be used with jsonLines: each line is one "
                     "record");
    }
    out.make_reader = [resource_path, lines](
                          const std::string& name,
                          formats::RecordSink& sink) -> Result<std::unique_ptr<formats::Reader>> {
      return std::unique_ptr<formats::Reader>(
          std::make_unique<JsonReader>(name, sink, resource_path, lines));
    };
    return out;
  }
  if (out.metadata) return out;
  return make_error(
      Status::kUnsupported,
      fmt::format("{}: $.file.type: {} files cannot be read by this build yet (csv "
                  "and json can)",
                  where,
                  type_name.empty() ? std::string("(missing)") : fmt::format("\"{}\"", type_name)));
}

}  // namespace sluice::runtime
