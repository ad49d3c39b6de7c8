#include "runtime/file_export_source.hpp"

#include <utility>

#include <fmt/format.h>

#include "runtime/file_source_readers.hpp"

namespace sluice::runtime {

Result<std::unique_ptr<Source>> open_file_export_source(const GeneratorStep& generator,
                                                        std::unique_ptr<FileProducer> files,
                                                        const FileExportRun& run) {
  auto settings = read_file_export_settings(
      generator.file, fmt::format("export {}", generator.export_id), run.temp_dir);
  if (!settings) return settings.error();
  FileSourceOptions file;
  file.export_id = generator.export_id;
  file.export_name = generator.name;
  file.page_size = generator.page_size;
  file.queue_depth = run.queue_depth;
  file.metadata = settings->metadata;
  file.make_reader = std::move(settings->make_reader);
  file.record_limit = run.record_limit;
  file.commit_files = run.commit_files;
  file.cancelled = run.cancelled;
  return std::unique_ptr<Source>(std::make_unique<FileSource>(std::move(files), std::move(file)));
}

}  // namespace sluice::runtime
