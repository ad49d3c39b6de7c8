// The submit of a file import (docs/files.md, "File imports"): an import whose connector transfers files
// (SLUICE_CAP_FILE_TRANSFER) and whose document has a `file` object (FTPImport, later AS2Import).
// Instead of a JSON array of records, the plugin gets files (protocol: RemoteImport::put_file):
// the records the import takes are rendered to bytes by the formats library's writer
// (sluice/support/formats/file_options.hpp: make_writer with the import's `file` settings) and
// streamed to the plugin with the meta {"records": R, "page": P, "extension": E}. The plugin's one
// result entry applies to every record the file held.
//
// Aggregation (`file.aggregation.type`, or the older `file.skipAggregation`):
//  - "page" (skipAggregation: true): one file per flow page (or per `file.batchSize` records of
//    it), put while the page is processed; the records are marked submitted and settled with
//    their file's result (SubmitStep::settle): ok -> they go on; an error entry -> each fails
//    with the server's reply, its retry data the record as it entered the import; a failed call
//    -> each fails with the call's error (a fatal one fails the job, as SubmitStep's; when an
//    earlier file of the same page was put, that file's records stand and this file's and the
//    page's later ones fail with the error, and the job goes on).
//  - "all" (the default, skipAggregation: false or absent): one file per run. Each page's records
//    are written into a spool file under the job's temporary folder (never all in memory) and
//    counted as submitted successfully at their page; at the end of a run that did not fail the
//    file is put (FileImportRun::finish) and then RemoteImport::finish is called. When that
//    upload fails the job fails, naming the file, how many records it held and the server's
//    reply; those records stay counted as numSuccess in the pages already committed (the
//    identity numExport = numSuccess + numIgnore + numError holds), the spool file is kept and
//    its path given, and no delta state is saved (the next run exports them again). A run that
//    fails or is cancelled before its end puts nothing and keeps the spool file the same way.
// A record the writer cannot write (a value the format cannot hold) fails alone, with the
// writer's message; the others still go into the file. A page (or run) with no record to write
// puts no file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "runtime/flow_plan.hpp"
#include "runtime/submit_step.hpp"
#include "sluice/support/formats/file_options.hpp"

namespace sluice::runtime {

namespace formats = sluice::support::formats;

// The formats library's two entry points a file import uses, so that tests can put a writer of
// their own in.
struct FileFormats {
  std::function<Result<formats::FileOptions>(const boost::json::object& file,
                                             std::string_view where)>
      read_options;
  std::function<Result<std::unique_ptr<formats::Writer>>(const formats::FileOptions& options,
                                                         formats::ByteSink& out)>
      make_writer;
};
// read_file_options and make_writer of sdk/support/formats (a build without them answers
// kUnsupported, naming what is missing).
const FileFormats& library_file_formats();

enum class FileAggregation { kRun, kPage };

// What a file import's document says about its files.
struct FileImportSettings {
  formats::FileOptions options;
  FileAggregation aggregation = FileAggregation::kRun;
  size_t batch_size = 0;  // file.batchSize: at most this many records per file (0: a page's)
  std::string extension;  // "csv", "json", "csv.gz", "zip", ... (protocol meta "extension")
};

// Whether `processor` is a file import (see above).
bool is_file_import(const ProcessorStep& processor);
// Its settings: the aggregation keys are read here and the rest of `file` by
// formats.read_options. kInvalidConfig naming the import and the field: a wrong type, an unknown
// aggregation type, skipAggregation contradicting aggregation.type.
Result<FileImportSettings> read_file_import_settings(const ProcessorStep& processor,
                                                     const FileFormats& formats);

// The folder of job `job_id`'s temporary files: "sluice-job-<job id>" under `base` (empty: the
// system's temporary folder, $TMPDIR, else /tmp).
std::filesystem::path job_temp_dir(const std::filesystem::path& base, std::string_view job_id);

// The file of one run of one import, spooled to disk (aggregation "all").
class RunFile;

// The file imports of one job: makes their submit steps and, at the end of the run, puts their
// per-run files. Owned by the job (it outlives every pipeline of the job, whose steps hold a
// pointer to it). One thread at a time (the job's).
class FileImportRun {
 public:
  // `temp_dir`: where the per-run files are spooled (a folder of the job's own, created on first
  // use with mode 0700, removed by the destructor unless a file in it was kept, see above).
  FileImportRun(std::filesystem::path temp_dir, const FileFormats& formats);
  ~FileImportRun();
  FileImportRun(const FileImportRun&) = delete;
  FileImportRun& operator=(const FileImportRun&) = delete;

  // The submit step of processor `index` when it is a file import, else nullptr. `force_page`:
  // one file per page whatever the import says (a retry job, whose pages are not a run).
  Result<std::unique_ptr<SubmitStep>> submit_step(const ProcessorStep& processor, size_t index,
                                                  SubmitStep::Opener open, bool force_page = false);

  // The end of a run that did not fail: puts each import's per-run file (if it holds a record)
  // and calls RemoteImport::finish for every file import that got records. Returns the first
  // failure, as "import NAME failed: ..." (see above) with the import's id; the job is then to
  // fail with it. `log` (may be empty) gets one line per file put.
  struct Failure {
    std::string import_id;
    Error error;
  };
  using Log = std::function<void(const std::string& import_id, std::string_view message)>;
  std::optional<Failure> finish(const Log& log);
  // The end of a run that failed or was cancelled (or whose finish() failed): the per-run files
  // not put yet are not put; returns a note per such file holding records (its import, records
  // and kept path) for the job's message.
  std::vector<std::string> abandon();

 private:
  struct Import;
  std::filesystem::path temp_dir_;
  const FileFormats& formats_;
  std::map<size_t, std::unique_ptr<Import>> imports_;  // by processor index
  bool keep_dir_ = false;
};

class FileSubmitStep : public SubmitStep {
 public:
  // `run_file`: the import's per-run file (aggregation "all"), else null; owned by the
  // FileImportRun, which outlives the step.
  FileSubmitStep(const ProcessorStep& processor, Opener open, FileImportSettings settings,
                 const FileFormats& formats, RunFile* run_file);
  ~FileSubmitStep() override;

  // Writes the `count` records of `body` into the page's file (and puts it) or the run's file;
  // returns one result per record: the file's result, or the writer's error for a record it
  // could not write.
  Result<boost::json::array> send(std::string body, size_t count, boost::json::storage_ptr storage,
                                  const StepContext& context) override;

 private:
  std::string import_id_, name_;
  Opener open_;
  FileImportSettings settings_;
  const FileFormats& formats_;
  RunFile* run_file_;
};

}  // namespace sluice::runtime
