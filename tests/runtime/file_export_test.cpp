// A file export and the data loader through run_flow: the files test plugin (files_plugin.cpp)
// serves a folder's files through the real ABI, the memory plugin imports; the exact records at
// the import, the job's counts, each file's commit with its errors (a file with errors stays in
// the folder, the others are deleted), a test run that commits nothing, and what preSavePage
// sees as files[i].fileMeta.
#include <fstream>

#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class FileExport : public Runtime {
 protected:
  void SetUp() override {
    Runtime::SetUp();
    auto plugin = host::load_plugin(FILES_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
    put(ResourceKind::kConnection, {{"_id", "fs"}, {"type", "files"}});
    fs::create_directories(folder_);
    files_log_ = (home_ / "files.log").string();
  }
  void file(const std::string& name, const std::string& text) {
    std::ofstream(folder_ / name, std::ios::binary) << text;
  }
  void put_file_export(json::object extra = {}) {
    json::object doc{
        {"_id", "files"},
        {"adaptorType", "FilesExport"},
        {"_connectionId", "fs"},
        {"pageSize", 2},
        {"file", json::object{{"type", "json"}, {"json", json::object{{"jsonLines", true}}}}},
        {"files", json::object{{"dir", folder_.string()}, {"log", files_log_}}}};
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kExport, std::move(doc));
  }
  std::vector<std::string> commits() {
    std::vector<std::string> out;
    std::ifstream in(files_log_);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  std::vector<std::string> records_at(const std::string& import) {
    std::vector<std::string> out;
    for (const auto& line : log_lines()) {
      if (line.rfind("R " + import + " ", 0) == 0) out.push_back(line.substr(3 + import.size()));
    }
    return out;
  }
  bool in_folder(const std::string& name) { return fs::exists(folder_ / name); }

  fs::path folder_ = home_ / "server";
  std::string files_log_;
};

TEST_F(FileExport, EachFilesRecordsArePagedImportedAndTheFileCommittedWithItsErrors) {
  file("a.jsonl", "{\"id\":\"a1\"}\n{\"id\":\"a2\"}\n{\"id\":\"a3\"}\n");
  file("b.jsonl", "{\"id\":\"b1\"}\nnot json\n");
  file("c.jsonl", "{\"id\":\"c1\"}\n{\"id\":\"c2\"}\n");
  put_file_export();
  put_import("sink", {{"rejectIds", json::array{"c2"}}});
  put_flow("f", {"files"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 7);
  EXPECT_EQ(job.num_success, 5);
  EXPECT_EQ(job.num_error, 2);  // b's line 2 (bad_record) and c2 (rejected)
  expect_identity(job);
  EXPECT_EQ(imported()["sink"], (std::vector<std::string>{"a1,a2", "a3", "b1", "c1,c2"}));
  EXPECT_EQ(commits(),
            (std::vector<std::string>{
                R"(C {"file":{"name":"a.jsonl","path":"a.jsonl","records":3,"errors":0}})",
                R"(C {"file":{"name":"b.jsonl","path":"b.jsonl","records":2,"errors":1}})",
                R"(C {"file":{"name":"c.jsonl","path":"c.jsonl","records":2,"errors":1}})"}));
  EXPECT_FALSE(in_folder("a.jsonl"));
  EXPECT_TRUE(in_folder("b.jsonl"));
  EXPECT_TRUE(in_folder("c.jsonl"));
}

TEST_F(FileExport, AnUnreadableFileFailsTheJobAfterTheFilesBeforeItAndStays) {
  put_file_export({{"file", json::object{{"type", "json"},
                                         {"json", json::object{{"resourcePath", "orders"}}}}}});
  file("a.jsonl", "{\"orders\":[{\"id\":\"a1\"}]}");
  file("b.json", "{\"other\":[]}");
  put_import("sink", {});
  put_flow("f", {"files"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message.rfind(
                "export files failed: export files: file b.json (b.json) could not be read to its "
                "end: file 2 of export files: file.json.resourcePath \"orders\": the document has "
                "no \"orders\" there; set the path of the records' array; its records so far "
                "were processed, the file stays where it is. What is known: 1 record confirmed",
                0),
            0u)
      << job.message;
  EXPECT_EQ(job.num_export, 1);
  expect_identity(job);
  EXPECT_EQ(commits(),
            (std::vector<std::string>{
                R"(C {"file":{"name":"a.jsonl","path":"a.jsonl","records":1,"errors":0}})"}));
  EXPECT_FALSE(in_folder("a.jsonl"));
  EXPECT_TRUE(in_folder("b.json"));
}

TEST_F(FileExport, ATestRunReadsUpToItsLimitAndCommitsNoFile) {
  file("a.jsonl", "{\"id\":\"a1\"}\n{\"id\":\"a2\"}\n{\"id\":\"a3\"}\n");
  put_file_export({{"test", json::object{{"limit", 2}}}});
  put_import("sink", {});
  put_flow("f", {"files"}, {"sink"});
  RunOptions options;
  options.type = ExportType::kTest;
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(job.num_export, 2);
  EXPECT_EQ(imported()["sink"], (std::vector<std::string>{"a1,a2"}));
  EXPECT_TRUE(commits().empty());
  EXPECT_TRUE(in_folder("a.jsonl"));
}

constexpr const char* kFileNames = R"(function f(o) {
  return {data: o.data.map((r, i) => Object.assign({}, r, {file: o.files[i].fileMeta.fileName}))};
})";

// A plugin that names its file only once the bytes are delivered: the page cut before that has
// no name yet.
TEST_F(FileExport, PreSavePageGetsEachRecordsFileMetaAsFarAsTheFileIsKnown) {
  file("a.jsonl", "{\"id\":\"a1\"}\n{\"id\":\"a2\"}\n{\"id\":\"a3\"}\n");
  put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", kFileNames}});
  put_file_export({{"hooks", json::object{{"preSavePage",
                                           json::object{{"_scriptId", "s"}, {"function", "f"}}}}}});
  put_import("sink", {{"logRecords", true}});
  put_flow("f", {"files"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records_at("sink"),
            (std::vector<std::string>{R"({"id":"a1","file":null})", R"({"id":"a2","file":null})",
                                      R"({"id":"a3","file":"a.jsonl"})"}));
}

// A plugin that names its file before its bytes (ByteSink::announce): every page carries it.
TEST_F(FileExport, AFileNamedBeforeItsBytesIsNamedOnEveryPage) {
  file("a.jsonl", "{\"id\":\"a1\"}\n{\"id\":\"a2\"}\n{\"id\":\"a3\"}\n");
  put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", kFileNames}});
  put_file_export(
      {{"hooks",
        json::object{{"preSavePage", json::object{{"_scriptId", "s"}, {"function", "f"}}}}},
       {"files",
        json::object{{"dir", folder_.string()}, {"log", files_log_}, {"announce", true}}}});
  put_import("sink", {{"logRecords", true}});
  put_flow("f", {"files"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records_at("sink"), (std::vector<std::string>{R"({"id":"a1","file":"a.jsonl"})",
                                                          R"({"id":"a2","file":"a.jsonl"})",
                                                          R"({"id":"a3","file":"a.jsonl"})"}));
}

TEST_F(FileExport, TheDataLoaderReadsRunOptionsDataFileAndNamesItOnEveryPage) {
  const fs::path data = home_ / "orders.csv";
  std::ofstream(data) << "id,qty\nA,1\nB,2\nC,3\n";
  put(ResourceKind::kScript, {{"_id", "s"}, {"name", "s"}, {"content", kFileNames}});
  put(ResourceKind::kExport,
      {{"_id", "load"},
       {"adaptorType", "SimpleExport"},
       {"pageSize", 2},
       {"file", json::object{{"type", "csv"}}},
       {"hooks",
        json::object{{"preSavePage", json::object{{"_scriptId", "s"}, {"function", "f"}}}}}});
  put_import("sink", {{"logRecords", true}});
  put_flow("f", {"load"}, {"sink"});
  RunOptions options;
  options.data_file = data.string();
  const Job job = run("f", options);
  EXPECT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records_at("sink"),
            (std::vector<std::string>{R"({"id":"A","qty":"1","file":"orders.csv"})",
                                      R"({"id":"B","qty":"2","file":"orders.csv"})",
                                      R"({"id":"C","qty":"3","file":"orders.csv"})"}));
  EXPECT_TRUE(fs::exists(data));
}

TEST_F(FileExport, ADataLoaderWithoutItsFileFailsTheJobSayingWhatToDo) {
  put(ResourceKind::kExport,
      {{"_id", "load"}, {"adaptorType", "SimpleExport"}, {"file", json::object{{"type", "csv"}}}});
  put_import("sink", {});
  put_flow("f", {"load"}, {"sink"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "export load: it is a data loader (SimpleExport): give the file to load with "
            "`sluice flow run ID --data FILE`");
}

}  // namespace
}  // namespace sluice::runtime
