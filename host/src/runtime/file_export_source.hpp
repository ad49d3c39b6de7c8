// The file source (file_source.hpp) of one file export or data loader step, as a run
// (flow_runner.cpp) and a test run (flow_tester.cpp) open it: the reader of the export's `file`
// settings (file_source_readers.hpp), its page size and name, over `files` (the plugin's files,
// or the data loader's local file).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "runtime/file_source.hpp"
#include "runtime/flow_plan.hpp"

namespace sluice::runtime {

struct FileExportRun {
  size_t queue_depth = 2;
  int64_t record_limit = 0;  // > 0: stop after that many records
  bool commit_files = true;  // false: a test run; no file is confirmed, deleted or moved
  const std::atomic<bool>* cancelled = nullptr;
  // Where sortByFields spills its runs (a folder of its own inside); empty: $TMPDIR.
  std::filesystem::path temp_dir;
};

// kInvalidConfig / kUnsupported when the `file` settings can't be read (naming the export).
Result<std::unique_ptr<Source>> open_file_export_source(const GeneratorStep& generator,
                                                        std::unique_ptr<FileProducer> files,
                                                        const FileExportRun& run);

}  // namespace sluice::runtime
