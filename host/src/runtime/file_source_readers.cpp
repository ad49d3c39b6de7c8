#include "runtime/file_source_readers.hpp"

#include <string>
#include <utility>

#include <fmt/format.h>

#include "sluice/support/formats/file_options.hpp"

namespace sluice::runtime {

namespace formats = support::formats;

Result<FileExportSettings> read_file_export_settings(const boost::json::object& file,
                                                     std::string_view where) {
  auto options = formats::read_file_options(file, where);
  if (!options) return options.error();
  // Sorting or grouping the records of a file would hold the whole file: pages stream as the file
  // is read.
  if (!options->sort_by_fields.empty() || !options->group_by_fields.empty()) {
    const bool sort = !options->sort_by_fields.empty();
    return make_error(Status::kUnsupported,
                      fmt::format("{}: $.file.{}: {} the records of a file across pages is not "
                                  "supported yet; remove it",
                                  where, sort ? "sortByFields" : "groupByFields",
                                  sort ? "sorting" : "grouping"));
  }
  FileExportSettings out;
  out.metadata = options->output == formats::FileOptions::Output::kMetadata;
  out.make_reader = [options = std::move(*options)](const std::string& name,
                                                    formats::RecordSink& sink) {
    return formats::make_reader(options, name, sink);
  };
  return out;
}

}  // namespace sluice::runtime
