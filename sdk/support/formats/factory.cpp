// make_reader / make_writer: the format's reader or writer, chosen by FileOptions::type.
#include <string>
#include <utility>

#include "makers.hpp"
#include "sluice/support/formats/file_options.hpp"

namespace sluice::support::formats {

namespace {

std::string_view type_name(FileType type) {
  switch (type) {
    case FileType::kCsv:
      return "csv";
    case FileType::kJson:
      return "json";
    case FileType::kXml:
      return "xml";
    case FileType::kXlsx:
      return "xlsx";
    case FileType::kFixedWidth:
      return "filedefinition (fixedwidth)";
    case FileType::kX12:
      return "filedefinition (x12)";
  }
  return "unknown";
}

Error not_yet(FileType type) {
  return make_error(Status::kInvalidConfig,
                    "file.type " + std::string(type_name(type)) +
                        " is not supported yet; use csv, json or filedefinition (fixedwidth)");
}

// The layers outside the format (decompression, then decoding to UTF-8). Until they are wired
// in, a file that needs one is refused rather than read as if it were plain UTF-8.
Result<void> check_layers(const FileOptions& options) {
  if (options.compression != Compression::kNone) {
    return make_error(Status::kInvalidConfig,
                      "file.compressionFormat is not supported yet; remove it or decompress the "
                      "file first");
  }
  if (options.encoding != Encoding::kUtf8) {
    return make_error(Status::kInvalidConfig,
                      "file.encoding other than utf8 is not supported yet; remove it or convert "
                      "the file to UTF-8");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<Reader>> make_reader(const FileOptions& options, std::string file_name,
                                            RecordSink& sink) {
  if (auto layers = check_layers(options); !layers) return layers.error();
  switch (options.type) {
    case FileType::kCsv:
      return make_csv_reader(options, std::move(file_name), sink);
    case FileType::kJson:
      return make_json_reader(options, std::move(file_name), sink);
    case FileType::kFixedWidth:
      return make_fixed_width_reader(options, std::move(file_name), sink);
    case FileType::kXml:
    case FileType::kXlsx:
    case FileType::kX12:
      break;
  }
  return not_yet(options.type);
}

Result<std::unique_ptr<Writer>> make_writer(const FileOptions& options, ByteSink& out) {
  if (auto layers = check_layers(options); !layers) return layers.error();
  switch (options.type) {
    case FileType::kCsv:
      return make_csv_writer(options, out);
    case FileType::kJson:
      return make_json_writer(options, out);
    case FileType::kFixedWidth:
      return make_fixed_width_writer(options, out);
    case FileType::kXml:
    case FileType::kXlsx:
    case FileType::kX12:
      break;
  }
  return not_yet(options.type);
}

}  // namespace sluice::support::formats
