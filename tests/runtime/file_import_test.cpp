// File imports (host/src/runtime/file_submit_step.hpp, docs/files.md, "File imports"), run by the real
// runtime: records from the memory plugin's export go to the files plugin (file_plugin.cpp)
// through the C ABI's import_put_file, written by a small writer of this test (LinesWriter) in
// place of the formats library's. Exact bytes and metas of each file put, per page and per run,
// the failures of a put, of a record and of the run, and the counting identity.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "runtime/file_submit_step.hpp"
#include "runtime/retry_runner.hpp"
#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

// "id,n\n" before the first record, "<id>,<n>\n" per record, "#end\n" at the end. Refuses the
// record whose n is `refuse_n` (writing nothing for it).
class LinesWriter : public formats::Writer {
 public:
  LinesWriter(formats::ByteSink& out, int64_t refuse_n) : out_(out), refuse_n_(refuse_n) {}
  Result<void> write(const json::value& record) override {
    const json::object& o = record.as_object();
    const int64_t n = o.at("n").to_number<int64_t>();
    if (n == refuse_n_) {
      return make_error(Status::kInvalidConfig,
                        "record " + std::to_string(n) + ": field n cannot be written");
    }
    std::string line = header_ ? "" : "id,n\n";
    header_ = true;
    line += std::string(o.at("id").as_string()) + "," + std::to_string(n) + "\n";
    return out_.write(line);
  }
  Result<void> finish() override { return out_.write("#end\n"); }

 private:
  formats::ByteSink& out_;
  int64_t refuse_n_;
  bool header_ = false;
};

class FileImports : public Runtime {
 protected:
  void SetUp() override {
    Runtime::SetUp();
    auto plugin = host::load_plugin(FILE_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
    put(ResourceKind::kConnection, {{"_id", "files"}, {"type", "files"}});
    fs::create_directories(out_);
    formats_.read_options = [](const json::object& file,
                               std::string_view where) -> Result<formats::FileOptions> {
      formats::FileOptions options;
      for (const auto& [key, value] : file) {
        if (key == "compressionFormat" && value == "gzip") {
          options.compression = formats::Compression::kGzip;
        } else if (key != "type") {
          return make_error(Status::kInvalidConfig,
                            std::string(where) + ": file." + std::string(key) +
                                " is not a setting the test's formats read");
        }
      }
      return options;
    };
    formats_.make_writer = [this](
                               const formats::FileOptions&,
                               formats::ByteSink& out) -> Result<std::unique_ptr<formats::Writer>> {
      return std::unique_ptr<formats::Writer>(new LinesWriter(out, refuse_n_));
    };
    options_.file_formats = &formats_;
    options_.temp_dir = temp_;
  }

  // An import to the files plugin with `file` as its file object.
  void put_file_import(const std::string& id, json::object file, json::object files = {},
                       json::object extra = {}) {
    if (!files.contains("dir")) files["dir"] = out_.string();
    json::object doc{{"_id", id},
                     {"adaptorType", "FTPImport"},
                     {"_connectionId", "files"},
                     {"file", std::move(file)},
                     {"files", std::move(files)}};
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kImport, std::move(doc));
  }
  // Records a1..a<count> in export pages (and flow pages) of `per_page`.
  void put_records(const std::string& id, int count, int per_page, json::object extra = {}) {
    put_export(id, {{"count", count}, {"pagesOf", per_page}, {"prefix", id.substr(0, 1)}}, per_page,
               std::move(extra));
  }
  std::string read(const std::string& name) const {
    std::ifstream in(out_ / name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return in ? text.str() : "<no file " + name + ">";
  }
  std::vector<std::string> calls() const {
    std::vector<std::string> lines;
    std::ifstream in(out_ / "calls.log");
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  std::vector<std::string> files_in(const fs::path& dir) const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
      if (entry.is_regular_file()) names.push_back(fs::relative(entry.path(), dir).string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  std::vector<host::JobError> errors(const std::string& flow) {
    auto list = store_->list_errors(flow, 100);
    EXPECT_TRUE(list) << list.error().message;
    std::vector<host::JobError> out = list ? *list : std::vector<host::JobError>{};
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return json::serialize(a.retry_data) < json::serialize(b.retry_data);
    });
    return out;
  }

  fs::path out_ = home_ / "server";
  fs::path temp_ = home_ / "tmp";
  int64_t refuse_n_ = 0;
  FileFormats formats_;
  RunOptions options_;
};

TEST_F(FileImports, AggregationPagePutsOneFilePerPageWithItsRecordsAndPageIndex) {
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}, {"aggregation", {{"type", "page"}}}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 5);
  expect_identity(job);
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\n#end\n");
  EXPECT_EQ(read("2.csv"), "id,n\na3,3\na4,4\n#end\n");
  EXPECT_EQ(read("3.csv"), "id,n\na5,5\n#end\n");
  EXPECT_EQ(read("1.meta"), R"({"records":2,"page":0,"extension":"csv"})");
  EXPECT_EQ(read("2.meta"), R"({"records":2,"page":1,"extension":"csv"})");
  EXPECT_EQ(read("3.meta"), R"({"records":1,"page":2,"extension":"csv"})");
  EXPECT_EQ(calls(), (std::vector<std::string>{"put 1 2", "put 2 2", "put 3 1", "finish"}));
}

TEST_F(FileImports, SkipAggregationTrueIsOneFilePerPage) {
  put_records("a", 3, 2);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(calls(), (std::vector<std::string>{"put 1 2", "put 2 1", "finish"}));
}

TEST_F(FileImports, ByDefaultOneFilePerRunIsPutAtTheEndThenFinishAndTheSpoolIsRemoved) {
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_success, 5);
  expect_identity(job);
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\na3,3\na4,4\na5,5\n#end\n");
  EXPECT_EQ(read("1.meta"), R"({"records":5,"page":0,"extension":"csv"})");
  EXPECT_EQ(calls(), (std::vector<std::string>{"put 1 5", "finish"}));
  EXPECT_EQ(files_in(temp_), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(temp_ / ("sluice-job-" + job.id)));
}

TEST_F(FileImports, AggregationAllHoldsEverySourceOfTheRunInOneFile) {
  put_records("a", 2, 2);
  put_records("b", 3, 2);
  put_file_import("out", {{"type", "csv"}, {"aggregation", {{"type", "all"}}}});
  put_flow("f", {"a", "b"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\nb1,1\nb2,2\nb3,3\n#end\n");
  EXPECT_EQ(calls(), (std::vector<std::string>{"put 1 5", "finish"}));
  expect_identity(job);
}

TEST_F(FileImports, BatchSizePutsAPageAsFilesOfAtMostThatManyRecords) {
  put_records("a", 5, 5);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}, {"batchSize", 2}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_success, 5);
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\n#end\n");
  EXPECT_EQ(read("2.csv"), "id,n\na3,3\na4,4\n#end\n");
  EXPECT_EQ(read("3.csv"), "id,n\na5,5\n#end\n");
  EXPECT_EQ(read("3.meta"), R"({"records":1,"page":0,"extension":"csv"})");
  EXPECT_EQ(calls(), (std::vector<std::string>{"put 1 2", "put 2 2", "put 3 1", "finish"}));
}

TEST_F(FileImports, WithBatchSizeARefusedFileFailsItsOwnRecordsOnly) {
  put_records("a", 5, 5);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}, {"batchSize", 2}},
                  {{"failWith", "553 Could not create file."}, {"failOnPut", 2}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  auto failed = errors("f");
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(json::serialize(failed[0].retry_data), R"({"id":"a3","n":3})");
  EXPECT_EQ(json::serialize(failed[1].retry_data), R"({"id":"a4","n":4})");
}

TEST_F(FileImports, BatchSizeWithOneFilePerRunIsRefused) {
  put_records("a", 1, 1);
  put_file_import("out", {{"type", "csv"}, {"batchSize", 2}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("import out: file.batchSize (records per file) applies to one file "
                             "per page only: set file.skipAggregation to true (or "
                             "file.aggregation.type to \"page\"), or remove it"),
            std::string::npos)
      << job.message;
}

TEST_F(FileImports, FileSettingsOnAnImportWhoseConnectorMovesNoFilesAreRefused) {
  put_records("a", 1, 1);
  put(ResourceKind::kImport, {{"_id", "mem-out"},
                              {"adaptorType", "MemoryImport"},
                              {"_connectionId", "mem"},
                              {"file", {{"type", "csv"}}},
                              {"memory", {{"log", log_}, {"name", "mem-out"}}}});
  put_flow("f", {"a"}, {"mem-out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("import mem-out: connector 'memory' of plugin 'memory' does not "
                             "transfer files, so the import's `file` settings cannot apply; "
                             "remove `file`, or use a connection of a file connector (e.g. ftp)"),
            std::string::npos)
      << job.message;
  EXPECT_EQ(imported()["mem-out"], std::vector<std::string>{});
}

TEST_F(FileImports, TheExtensionNamesTheCompression) {
  put_records("a", 1, 1);
  put_file_import("out", {{"type", "csv"}, {"compressionFormat", "gzip"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(read("1.meta"), R"({"records":1,"page":0,"extension":"csv.gz"})");
}

TEST_F(FileImports, APutTheServerRefusesFailsEachRecordOfThatFileWithTheServersReply) {
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}},
                  {{"failWith", "553 Could not create file."}, {"failOnPut", 2}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_error, 2);
  expect_identity(job);
  auto failed = errors("f");
  ASSERT_EQ(failed.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_EQ(failed[k].step_id, "out");
    EXPECT_EQ(failed[k].code, "550");
    EXPECT_EQ(failed[k].message, "553 Could not create file.");
  }
  EXPECT_EQ(json::serialize(failed[0].retry_data), R"({"id":"a3","n":3})");
  EXPECT_EQ(json::serialize(failed[1].retry_data), R"({"id":"a4","n":4})");
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\n#end\n");
  EXPECT_EQ(read("3.csv"), "id,n\na5,5\n#end\n");
  EXPECT_FALSE(fs::exists(out_ / "2.csv"));
}

TEST_F(FileImports, ARetryPutsTheRetriedRecordsAsAFileOfTheirOwnWhateverTheAggregation) {
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}},
                  {{"failWith", "553 Could not create file."}, {"failOnPut", 2}});
  put_flow("f", {"a"}, {"out"});
  ASSERT_EQ(run("f", options_).num_error, 2);
  // The server takes files again; the import now aggregates per run, which a retry does not.
  const fs::path again = out_ / "again";
  fs::create_directories(again);
  put(ResourceKind::kImport, {{"_id", "out"},
                              {"adaptorType", "FTPImport"},
                              {"_connectionId", "files"},
                              {"file", {{"type", "csv"}}},
                              {"files", {{"dir", again.string()}}}});
  RetryOptions retry;
  retry.file_formats = &formats_;
  auto result = run_retry(*store_, registry_, "f", retry);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->job.status, "completed") << result->job.message;
  EXPECT_EQ(result->retried, 2u);
  EXPECT_EQ(result->resolved, 2u);
  EXPECT_EQ(read("again/1.csv"), "id,n\na3,3\na4,4\n#end\n");
  EXPECT_EQ(read("again/1.meta"), R"({"records":2,"page":0,"extension":"csv"})");
  std::ifstream log(again / "calls.log");
  std::stringstream calls;
  calls << log.rdbuf();
  EXPECT_EQ(calls.str(), "put 1 2\nfinish\n");
}

TEST_F(FileImports, APutCallThatFailsFailsEachRecordOfThePageWithTheCallsError) {
  put_records("a", 3, 2);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}},
                  {{"callError", "connection reset by peer"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_error, 3);
  expect_identity(job);
  auto failed = errors("f");
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_EQ(failed[0].code, "transient");
  EXPECT_NE(failed[0].message.find("connection reset by peer"), std::string::npos)
      << failed[0].message;
}

TEST_F(FileImports, ARecordTheWriterRefusesFailsAloneAndTheFileHoldsTheOthers) {
  refuse_n_ = 2;
  put_records("a", 3, 3);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na3,3\n#end\n");
  EXPECT_EQ(read("1.meta"), R"({"records":2,"page":0,"extension":"csv"})");
  auto failed = errors("f");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].code, "fileWrite");
  EXPECT_EQ(failed[0].message, "record 2: field n cannot be written");
  EXPECT_EQ(json::serialize(failed[0].retry_data), R"({"id":"a2","n":2})");
}

TEST_F(FileImports, ARecordTheWriterRefusesInTheRunsFileFailsAtItsPage) {
  refuse_n_ = 4;
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_success, 4);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  EXPECT_EQ(read("1.csv"), "id,n\na1,1\na2,2\na3,3\na5,5\n#end\n");
  EXPECT_EQ(read("1.meta"), R"({"records":4,"page":0,"extension":"csv"})");
}

TEST_F(FileImports, WhenTheRunsFileIsRefusedTheJobFailsNamingTheFileItsRecordsAndTheReply) {
  put_records("a", 5, 2);
  put_file_import("out", {{"type", "csv"}}, {{"failWith", "452 Insufficient storage space"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  const fs::path kept = temp_ / ("sluice-job-" + job.id) / "0-out.csv";
  const std::string message =
      "import out failed: the run's file 0-out.csv (5 records) could not be put: 452 "
      "Insufficient storage space; its records are counted as successful in the pages already "
      "committed, and no delta state was saved; the file is kept at " +
      kept.string() +
      " (put it by hand, or run the flow again without --resume: a resumed job would not "
      "export them again)";
  EXPECT_EQ(job.message.substr(0, message.size()), message);
  // Counted at their pages, which were committed before the end of the run.
  EXPECT_EQ(job.num_export, 5);
  EXPECT_EQ(job.num_success, 5);
  expect_identity(job);
  std::ifstream in(kept, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(bytes.str(), "id,n\na1,1\na2,2\na3,3\na4,4\na5,5\n#end\n");
  EXPECT_EQ(calls(), std::vector<std::string>{"put 1 5"});  // no finish after a failed put
  auto failed = errors("f");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].step_id, "out");
  EXPECT_EQ(failed[0].message, message);
  EXPECT_EQ(json::serialize(failed[0].details),
            R"({"file":")" + kept.string() +
                R"(","records":5,"reply":"452 Insufficient storage space"})");
  fs::remove_all(temp_);
}

TEST_F(FileImports, AfterARefusedRunsFileTheLaterImportsFilesAreKeptAndNamedToo) {
  put_records("a", 2, 2);
  put_file_import("out", {{"type", "csv"}}, {{"failWith", "452 Insufficient storage space"}});
  const fs::path second = out_ / "second";
  fs::create_directories(second);
  put_file_import("later", {{"type", "csv"}}, {{"dir", second.string()}});
  put_flow("f", {"a"}, {"out", "later"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  const fs::path kept = temp_ / ("sluice-job-" + job.id) / "1-later.csv";
  EXPECT_NE(job.message.find("import later: the run's file (2 records, counted as successful in "
                             "the pages already committed) was not put because the job did not "
                             "complete; it is kept at " +
                             kept.string()),
            std::string::npos)
      << job.message;
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_FALSE(fs::exists(second / "calls.log"));
  expect_identity(job);
  fs::remove_all(temp_);
}

TEST_F(FileImports, ARunThatFailsPutsNoFileAndSaysWhereTheRunsFileIsKept) {
  put_records(
      "a", 6, 2,
      {{"memory",
        {{"count", 6}, {"pagesOf", 2}, {"prefix", "a"}, {"failOnPage", 2}, {"log", log_}}}});
  put_file_import("out", {{"type", "csv"}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  const fs::path kept = temp_ / ("sluice-job-" + job.id) / "0-out.csv";
  EXPECT_NE(job.message.find("import out: the run's file (2 records, counted as successful in the "
                             "pages already committed) was not put because the job did not "
                             "complete; it is kept at " +
                             kept.string()),
            std::string::npos)
      << job.message;
  EXPECT_EQ(calls(), std::vector<std::string>{});
  EXPECT_TRUE(fs::exists(kept));
  expect_identity(job);
  fs::remove_all(temp_);
}

TEST_F(FileImports, TheFileHoldsTheMappedRecords) {
  put_records("a", 2, 2);
  put_file_import("out", {{"type", "csv"}, {"skipAggregation", true}}, {},
                  {{"mappings", json::parse(R"([
                       {"generate": "id", "dataType": "string", "extract": "$.n"},
                       {"generate": "n", "dataType": "number", "extract": "$.n"}])")}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(read("1.csv"), "id,n\n1,1\n2,2\n#end\n");
}

TEST_F(FileImports, SkipAggregationContradictingAggregationTypeFailsTheJobNamingBoth) {
  put_records("a", 1, 1);
  put_file_import("out",
                  {{"type", "csv"}, {"skipAggregation", true}, {"aggregation", {{"type", "all"}}}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("import out: file.skipAggregation is true but "
                             "file.aggregation.type is \"all\"; give one of them"),
            std::string::npos)
      << job.message;
  EXPECT_EQ(calls(), std::vector<std::string>{});
}

TEST_F(FileImports, AnUnknownAggregationTypeIsRefused) {
  put_records("a", 1, 1);
  put_file_import("out", {{"type", "csv"}, {"aggregation", {{"type", "record"}}}});
  put_flow("f", {"a"}, {"out"});
  Job job = run("f", options_);
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("import out: file.aggregation.type must be \"all\" (one file per "
                             "run) or \"page\" (one file per page), not \"record\""),
            std::string::npos)
      << job.message;
}

}  // namespace
}  // namespace sluice::runtime
