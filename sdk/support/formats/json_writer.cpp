// The JSON writer (make_json_writer): a document, "[\n" + the records joined by ",\n" + "\n]\n"
// ("[]\n" without records), wrapped in objects along file.json.resourcePath when one is set
// ({"data":{"orders":[...]}} for "data.orders"), so that the JSON reader with the same options
// reads the records back; or JSON lines, each record serialized on its own line.
#include <string>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

constexpr size_t kFlushBytes = 64 * 1024;

class JsonWriter final : public Writer {
 public:
  JsonWriter(const FileOptions& options, ByteSink& out) : lines_(options.json_lines), out_(out) {
    std::string_view path = options.resource_path;
    while (!path.empty()) {
      const size_t dot = path.find('.');
      open_ += "{" + json::serialize(json::string(path.substr(0, dot))) + ":";
      close_ += "}";
      if (dot == std::string_view::npos) break;
      path.remove_prefix(dot + 1);
    }
  }

  Result<void> write(const json::value& record) override {
    if (!lines_) buffer_ += records_ == 0 ? open_ + "[\n" : ",\n";
    ++records_;
    buffer_ += json::serialize(record);
    if (lines_) buffer_ += '\n';
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }

  Result<void> finish() override {
    if (!lines_) buffer_ += records_ == 0 ? open_ + "[]" + close_ + "\n" : "\n]" + close_ + "\n";
    return flush();
  }

 private:
  Result<void> flush() {
    if (buffer_.empty()) return {};
    auto written = out_.write(buffer_);
    buffer_.clear();
    return written;
  }

  const bool lines_;
  ByteSink& out_;
  std::string open_;  // the objects around the array
  std::string close_;
  size_t records_ = 0;
  std::string buffer_;
};

}  // namespace

Result<std::unique_ptr<Writer>> make_json_writer(const FileOptions& options, ByteSink& out) {
  if (options.json_lines && !options.resource_path.empty()) {
    return make_error(Status::kInvalidConfig,
                      "file.json.resourcePath cannot be used with jsonLines: each line is one "
                      "record");
  }
  return std::unique_ptr<Writer>(std::make_unique<JsonWriter>(options, out));
}

}  // namespace sluice::support::formats
