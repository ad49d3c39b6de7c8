// The data loader end to end: `sluice flow run ID --data FILE` on a flow whose source is a
// SimpleExport reads the operator's CSV or JSON file with the export's `file` settings, through
// the runtime's file source, into an HTTP import against the mock API on loopback. The records the
// sink receives are written out as literals, as are the job's counts and the refusals.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class DataLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
              "concurrencyLevel":1,"auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api_.base_url()));
    write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":10}})");
    write("flow.json", R"({"_id":"load","pageGenerators":[{"_exportId":"file"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  fs::path data(const std::string& name, const std::string& text) {
    const fs::path path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  CliResult apply() { return cli_->run({"apply", (home_ / "resources").string()}); }
  json::object run_json(const std::vector<std::string>& extra, int expected_exit) {
    std::vector<std::string> args{"flow", "run", "load", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = cli_->run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json::error_code ec;
    json::value job = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err;
    return job.is_object() ? job.as_object() : json::object();
  }
  std::vector<json::value> sink_bodies() {
    std::vector<json::value> out;
    const json::value bodies = api_.get_json("/_mock/sink/bodies");
    for (const auto& b : bodies.at("bodies").as_array()) out.push_back(json::parse(b.as_string()));
    return out;
  }

  MockApiServer api_{{.orders = 0}};
  TempDir dir_{"sluice-data-loader"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(DataLoader, ACsvFilesRowsReachTheImportAsRecordsInPagesOfPageSize) {
  write("file.json", R"({"_id":"file","name":"Orders file","adaptorType":"SimpleExport",
      "pageSize":2,"file":{"type":"csv","csv":{"columnDelimiter":";","trimSpaces":true}}})");
  const CliResult applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  const fs::path csv = data("orders.csv",
                            "id;name;total\nA-1; Ada ;10.5\nA-2;\"Grace; H\";7\n"
                            "A-3;Linus;0\n");
  const json::object job = run_json({"--data", csv.string()}, 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 3);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(job.at("numPagesGenerated"), 2);
  EXPECT_EQ(sink_bodies(), (std::vector<json::value>{
                               json::parse(R"([{"id":"A-1","name":"Ada","total":"10.5"},
                                {"id":"A-2","name":"Grace; H","total":"7"}])"),
                               json::parse(R"([{"id":"A-3","name":"Linus","total":"0"}])")}));
  // The operator's file is never moved or deleted.
  EXPECT_TRUE(fs::exists(csv));
}

TEST_F(DataLoader, AJsonDocumentsRecordsAtItsResourcePathReachTheImport) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport",
      "file":{"type":"json","json":{"resourcePath":"data.orders"}}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path doc =
      data("orders.json", R"({"data":{"orders":[{"id":1,"lines":[{"sku":"S"}]},{"id":2}]}})");
  const json::object job = run_json({"--data", doc.string()}, 0);
  EXPECT_EQ(job.at("numExport"), 2) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 2);
  EXPECT_EQ(
      sink_bodies(),
      (std::vector<json::value>{json::parse(R"([{"id":1,"lines":[{"sku":"S"}]},{"id":2}])")}));
}

TEST_F(DataLoader, ALineThatIsNotJsonIsThatRecordsErrorAndTheCountsAddUp) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport",
      "file":{"type":"json","json":{"jsonLines":true}}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path lines = data("orders.jsonl", "{\"id\":1}\n{\"id\":2\n{\"id\":3}\n");
  const json::object job = run_json({"--data", lines.string()}, 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 2);
  EXPECT_EQ(job.at("numError"), 1);
  EXPECT_EQ(sink_bodies(), (std::vector<json::value>{json::parse(R"([{"id":1},{"id":3}])")}));
  const CliResult errors = cli_->run({"errors", "load", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json::value list = json::parse(errors.out);
  const json::array& all = list.is_array() ? list.as_array() : list.at("errors").as_array();
  ASSERT_EQ(all.size(), 1u) << errors.out;
  EXPECT_EQ(all[0].at("_stepId"), "file");
  EXPECT_EQ(all[0].at("code"), "bad_record");
  EXPECT_EQ(all[0].at("retryData"), json::parse(R"({"line":2,"text":"{\"id\":2"})"));
}

// file.sortByFields then file.groupByFields: the file's records sorted (customer ascending, then
// date descending, stable), consecutive equal customers one record (the array of their rows);
// pageSize counts groups; a bad row is its own failed record, ahead of the sorted ones.
TEST_F(DataLoader, SortedAndGroupedRecordsReachTheImportAsArraysAndTheCountsAddUp) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","pageSize":2,
      "file":{"type":"csv","sortByFields":[{"field":"customer"},
                                           {"field":"date","descending":true}],
              "groupByFields":["customer"],"groupEmptyValues":false}})");
  // A grouped record is an array: the import's body puts each under "rows".
  const std::string body = R"([{{#each batch_of_records}}{\"rows\":{{{jsonSerialize record}}} })"
                           R"({{#unless @last}},{{/unless}}{{/each}}])";
  write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":10,"body":")" +
                         body + R"("}})");
  const CliResult applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  const fs::path csv = data("orders.csv",
                            "customer,date,n\n"
                            "c2,2024-01-02,1\n"
                            "c1,2024-01-01,2\n"
                            "c2,2024-03-01,3\n"
                            "c1,2024-01-01,4,oops\n"
                            ",2024-05-01,5\n"
                            "c1,2024-02-01,6\n"
                            ",2024-06-01,7\n"
                            "c1,2024-01-01,8\n");
  const json::object job = run_json({"--data", csv.string()}, 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 5);
  EXPECT_EQ(job.at("numSuccess"), 4);
  EXPECT_EQ(job.at("numError"), 1);
  EXPECT_EQ(job.at("numPagesGenerated"), 3);
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::value>{
                json::parse(R"([{"rows":[{"customer":"","date":"2024-06-01","n":"7"}]}])"),
                json::parse(R"([{"rows":[{"customer":"","date":"2024-05-01","n":"5"}]},
                                {"rows":[{"customer":"c1","date":"2024-02-01","n":"6"},
                                         {"customer":"c1","date":"2024-01-01","n":"2"},
                                         {"customer":"c1","date":"2024-01-01","n":"8"}]}])"),
                json::parse(R"([{"rows":[{"customer":"c2","date":"2024-03-01","n":"3"},
                                         {"customer":"c2","date":"2024-01-02","n":"1"}]}])")}));
  const CliResult errors = cli_->run({"errors", "load", "--json"});
  ASSERT_EQ(errors.exit_code, 0) << errors.err;
  const json::value list = json::parse(errors.out);
  const json::array& all = list.is_array() ? list.as_array() : list.at("errors").as_array();
  ASSERT_EQ(all.size(), 1u) << errors.out;
  EXPECT_EQ(all[0].at("code"), "bad_record");
  EXPECT_NE(std::string(all[0].at("message").as_string()).find("orders.csv line 5"),
            std::string::npos)
      << errors.out;
}

TEST_F(DataLoader, MetadataOutputIsOneRecordForTheFile) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport",
      "file":{"type":"csv","output":"metadata"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path csv = data("orders.csv", "id\n1\n2\n");
  const json::object job = run_json({"--data", csv.string()}, 0);
  EXPECT_EQ(job.at("numExport"), 1) << json::serialize(job);
  EXPECT_EQ(sink_bodies(), (std::vector<json::value>{json::array{json::object{
                               {"name", "orders.csv"}, {"size", 7}, {"path", csv.string()}}}}));
}

TEST_F(DataLoader, AFileTheReaderCannotReadFailsTheJobNamingTheFile) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","file":{"type":"csv"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path csv = data("broken.csv", "id,name\n1,\"Ada\n");
  const json::object job = run_json({"--data", csv.string()}, 1);
  EXPECT_EQ(job.at("status"), "failed") << json::serialize(job);
  const std::string message(job.at("message").as_string());
  EXPECT_EQ(message.rfind("export file failed: export file: file broken.csv (" + csv.string() +
                              ") could not be read to its end: broken.csv line 2, column 3 ",
                          0),
            0u)
      << message;
}

TEST_F(DataLoader, ADataLoaderFlowWithoutDataIsRefusedBeforeAnyJob) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","file":{"type":"csv"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const CliResult r = cli_->run({"flow", "run", "load"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: flow load reads a file the operator gives (data loader export file): run it "
            "with `sluice flow run load --data FILE`\n");
  const CliResult jobs = cli_->run({"jobs", "--json"});
  EXPECT_EQ(jobs.out.find("\"load\""), std::string::npos) << jobs.out;
}

TEST_F(DataLoader, DataOnAFlowWithoutADataLoaderSourceIsRefused) {
  write("file.json", R"({"_id":"file","adaptorType":"HTTPExport","_connectionId":"api",
      "http":{"relativeURI":"/api/orders","response":{"resourcePath":"orders"}}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path csv = data("orders.csv", "id\n1\n");
  const CliResult r = cli_->run({"flow", "run", "load", "--data", csv.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: --data " + csv.string() +
                       ": flow load has no data loader source (an export with \"adaptorType\": "
                       "\"SimpleExport\"); its sources fetch their own records, so leave --data "
                       "out\n");
}

TEST_F(DataLoader, AMissingDataFileFailsTheJobNamingIt) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","file":{"type":"csv"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const std::string missing = (dir_.path() / "nope.csv").string();
  const json::object job = run_json({"--data", missing}, 1);
  EXPECT_EQ(job.at("message").as_string(),
            "export file: --data " + missing + ": no such file; give the path of the file to load")
      << json::serialize(job);
}

TEST_F(DataLoader, ApplyRefusesAConnectionAndWhatItCannotReadYet) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","_connectionId":"api",
      "file":{"type":"xlsx","decrypt":"pgp"}})");
  const CliResult r = apply();
  EXPECT_NE(r.exit_code, 0);
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("$._connectionId"), std::string::npos) << all;
  EXPECT_NE(all.find("$.file.decrypt"), std::string::npos) << all;
  EXPECT_NE(all.find("not supported yet"), std::string::npos) << all;
}

// The formats library checks the values inside `file` at apply, as the run will read them.
TEST_F(DataLoader, ApplyRefusesAnXmlPathTheReaderCannotFollow) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport",
      "file":{"type":"xml","xml":{"resourcePath":"orders[0]"}}})");
  const CliResult r = apply();
  EXPECT_NE(r.exit_code, 0);
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("file.xml.resourcePath \"orders[0]\" is not supported"), std::string::npos)
      << all;
}

// Compressed and encoded files through the same file source: a gzip of a win1252 CSV.
TEST_F(DataLoader, AGzippedWin1252CsvLoadsItsRecords) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport",
      "file":{"type":"csv","compressionFormat":"gzip","encoding":"win1252"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path plain = data("orders.csv", std::string("id,name\n1,Zo\xEB\n"));
  ASSERT_EQ(std::system(("gzip -k " + plain.string()).c_str()), 0);
  const json::object job = run_json({"--data", plain.string() + ".gz"}, 0);
  EXPECT_EQ(job.at("numSuccess"), 1) << json::serialize(job);
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::value>{json::parse("[{\"id\":\"1\",\"name\":\"Zo\u00eb\"}]")}));
}

// `sluice flow test ID --data FILE`: the file's first records through the steps, nothing sent.
TEST_F(DataLoader, FlowTestReadsTheDataFileAndSendsNothing) {
  write("file.json", R"({"_id":"file","name":"Orders file","adaptorType":"SimpleExport",
      "pageSize":2,"file":{"type":"csv"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path csv = data("orders.csv", "id,name\nA-1,Ada\nA-2,Grace\nA-3,Lin\n");
  const CliResult r = cli_->run({"flow", "test", "load", "--data", csv.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value report = json::parse(r.out);
  const json::array& steps = report.at("sources").at(0).at("steps").as_array();
  ASSERT_EQ(steps.size(), 2u) << r.out;
  json::array received;
  for (const auto& record : steps.at(1).at("records").as_array()) {
    received.push_back(record.at("record"));
  }
  EXPECT_EQ(steps.at(1).at("wouldReceive"), true);
  EXPECT_EQ(received, json::parse(R"([{"id":"A-1","name":"Ada"},{"id":"A-2","name":"Grace"}])"));
  EXPECT_TRUE(sink_bodies().empty());
  EXPECT_TRUE(fs::exists(csv));
}

TEST_F(DataLoader, FlowTestOfADataLoaderWithoutDataSaysWhatToDo) {
  write("file.json", R"({"_id":"file","adaptorType":"SimpleExport","file":{"type":"csv"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const CliResult r = cli_->run({"flow", "test", "load", "--no-color"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("it is a data loader (SimpleExport): give the file to test with `sluice "
                       "flow test ID --data FILE`"),
            std::string::npos)
      << r.out << r.err;
}

TEST_F(DataLoader, FlowTestRefusesDataOnAFlowWithoutADataLoaderSource) {
  write("file.json", R"({"_id":"file","adaptorType":"HTTPExport","_connectionId":"api",
      "http":{"relativeURI":"/api/orders","method":"GET"}})");
  ASSERT_EQ(apply().exit_code, 0);
  const fs::path csv = data("orders.csv", "id\n1\n");
  const CliResult r = cli_->run({"flow", "test", "load", "--data", csv.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("flow load has no data loader source"), std::string::npos) << r.err;
}

TEST_F(DataLoader, HelpNamesData) {
  const CliResult r = cli_->run({"flow", "run", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("usage: sluice flow run ID [--data FILE]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--data arg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("With --data orders.csv, a data loader flow"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sluice::testing
