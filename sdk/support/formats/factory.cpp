// make_reader / make_writer: the format's reader or writer, chosen by FileOptions::type.
#include <string>
#include <utility>

#include "makers.hpp"
#include "sluice/support/formats/file_options.hpp"
#include "wrap.hpp"
#include "x12.hpp"
#include "xlsx.hpp"
#include "xml_stream.hpp"

namespace sluice::support::formats {

namespace {

std::string_view extension_of(FileType type) {
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
      return "txt";
    case FileType::kX12:
      return "edi";
  }
  return "dat";
}

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

// The format's reader of one file (the file itself or one entry of a zip).
Result<std::unique_ptr<Reader>> format_reader(const FileOptions& options, std::string file_name,
                                              RecordSink& sink) {
  switch (options.type) {
    case FileType::kCsv:
      return make_csv_reader(options, std::move(file_name), sink);
    case FileType::kJson:
      return make_json_reader(options, std::move(file_name), sink);
    case FileType::kFixedWidth:
      return make_fixed_width_reader(options, std::move(file_name), sink);
    case FileType::kXml:
      return make_xml_reader(options, std::move(file_name), sink);
    case FileType::kXlsx:
      return make_xlsx_reader(options, std::move(file_name), sink);
    case FileType::kX12:
      return make_x12_reader(options, std::move(file_name), sink);
  }
  return make_error(Status::kInvalidConfig,
                    "file.type " + std::string(type_name(options.type)) + " has no reader");
}

Result<std::unique_ptr<Writer>> format_writer(const FileOptions& options, ByteSink& out) {
  switch (options.type) {
    case FileType::kCsv:
      return make_csv_writer(options, out);
    case FileType::kJson:
      return make_json_writer(options, out);
    case FileType::kFixedWidth:
      return make_fixed_width_writer(options, out);
    case FileType::kXml: {
      // file.xml.resourcePath names what is written: "/orders/order" gives <orders><order>...
      XmlWriterOptions names;
      if (!options.resource_path.empty()) {
        const std::string& path = options.resource_path;
        const size_t second = path.find('/', 1);
        if (path.size() < 4 || path[0] != '/' || second == std::string::npos || second < 2 ||
            second + 1 >= path.size() || path.find('/', second + 1) != std::string::npos) {
          return make_error(Status::kInvalidConfig,
                            "file.xml.resourcePath \"" + path +
                                "\" cannot name what an XML file is written as: use /root/record, "
                                "e.g. /orders/order (the root element, then one element per "
                                "record)");
        }
        names.root = path.substr(1, second - 1);
        names.record = path.substr(second + 1);
      }
      return make_xml_writer(options, out, names);
    }
    case FileType::kXlsx:
      return make_xlsx_writer(options, out);
    case FileType::kX12:
      return make_x12_writer(options, out);
  }
  return make_error(Status::kInvalidConfig,
                    "file.type " + std::string(type_name(options.type)) + " has no writer");
}

}  // namespace

// Decompression, then decoding, around the format (wrap.hpp); each entry of a zip gets a format
// reader of its own.
Result<std::unique_ptr<Reader>> make_reader(const FileOptions& options, std::string file_name,
                                            RecordSink& sink) {
  return wrap_reader(options, std::move(file_name),
                     [&options, &sink](std::string name) -> Result<std::unique_ptr<Reader>> {
                       return format_reader(options, std::move(name), sink);
                     });
}

Result<std::unique_ptr<Writer>> make_writer(const FileOptions& options, ByteSink& out) {
  // The one entry of a zip is named after the format ("records.csv").
  const std::string entry = "records." + std::string(extension_of(options.type));
  return wrap_writer(options, out, entry,
                     [&options](ByteSink& sink) { return format_writer(options, sink); });
}

}  // namespace sluice::support::formats
