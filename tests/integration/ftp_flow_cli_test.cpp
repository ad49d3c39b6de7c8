// Whole flows through the `sluice` executable, the FTP plugin and the host's file source and
// file import, against the FTP plugin's real servers on loopback (plugins/ftp/test_servers.hpp:
// sshd for SFTP, pyftpdlib for FTP, vsftpd for FTPS) and the mock platform API: the exact records
// the sink receives from an FTPExport, the file deleted or kept after the run, and the exact bytes
// an FTPImport leaves on the server's disk.
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"
#include "test_servers.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Kind = plugins::ftp::test::TestServer::Kind;
using plugins::ftp::test::ServerUnavailable;
using plugins::ftp::test::TestServer;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The connection resource "files" for `server`, as plugins/ftp/test_util.hpp builds it.
std::string connection_doc(const TestServer& server, Kind kind) {
  json::object ftp{{"hostURI", "127.0.0.1"},
                   {"port", server.port()},
                   {"username", server.username()},
                   {"password", server.password()}};
  if (kind == Kind::kPyftpdlib) ftp["type"] = "ftp";
  if (kind == Kind::kVsftpdFtps) {
    ftp["type"] = "ftps";
    ftp["clientCertificates"] = json::object{{"ca", server.certificate_pem()}};
  }
  if (kind == Kind::kSshd) {
    ftp["type"] = "sftp";
    ftp["hostKeyFingerprint"] = server.host_key_fingerprint();
  }
  return json::serialize(json::object{{"_id", "files"}, {"type", "ftp"}, {"ftp", ftp}});
}

class FtpFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    for (const char* plugin : {HTTP_PLUGIN_FILE, FTP_PLUGIN_FILE}) {
      const CliResult installed = cli_->run({"plugin", "install", plugin});
      ASSERT_EQ(installed.exit_code, 0) << installed.err;
    }
    write("api.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
              "concurrencyLevel":1,"auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api_.base_url()));
  }
  // Starts the server (GTEST_SKIP where test_servers.hpp says so) and writes its connection.
  void start(Kind kind) {
    ServerUnavailable why;
    server_ = TestServer::start(kind, why);
    if (!server_ && why.skip) GTEST_SKIP() << why.message;
    ASSERT_TRUE(server_) << why.message;
    write("files.json", connection_doc(*server_, kind));
  }
  fs::path folder(const std::string& name) {
    const fs::path path = server_->root() / name;
    fs::create_directories(path);
    server_->give_to_login_user(path);
    return path;
  }
  void put(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
    server_->give_to_login_user(path);
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  void apply() {
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  json::object run_json(const std::string& flow, int expected_exit) {
    const CliResult r = cli_->run({"flow", "run", flow, "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json::error_code ec;
    json::value job = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err << (server_ ? server_->log() : "");
    return job.is_object() ? job.as_object() : json::object();
  }
  std::vector<json::value> sink_bodies() {
    std::vector<json::value> out;
    const json::value bodies = api_.get_json("/_mock/sink/bodies");
    for (const auto& b : bodies.at("bodies").as_array()) out.push_back(json::parse(b.as_string()));
    return out;
  }
  // An FTPExport of in/*.csv into the mock API's sink, a record per request.
  void write_export_flow() {
    write("orders.json", R"({"_id":"orders","adaptorType":"FTPExport","_connectionId":"files",
        "ftp":{"directoryPath":"in","fileNameEndsWith":".csv"},"file":{"type":"csv"}})");
    write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":1}})");
    write("pull.json", R"({"_id":"pull","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    apply();
  }
  // An HTTP export of the mock API's orders into an FTPImport writing one CSV file per run.
  void write_import_flow() {
    write("api-orders.json",
          R"({"_id":"api-orders","adaptorType":"HTTPExport","_connectionId":"api",
        "pageSize":2,"http":{"relativeURI":"/api/orders?pageSize=2","response":{"resourcePath":"orders"},
        "paging":{"method":"url","path":"next"}}})");
    write("upload.json", R"({"_id":"upload","adaptorType":"FTPImport","_connectionId":"files",
        "ftp":{"directoryPath":"out","fileName":"orders-{{records}}.csv"},
        "file":{"type":"csv"},
        "mappings":[{"generate":"id","dataType":"string","extract":"$.id"},
                    {"generate":"status","dataType":"string","extract":"$.status"},
                    {"generate":"total","dataType":"string","extract":"$.total_price"}]})");
    write("push.json", R"({"_id":"push","pageGenerators":[{"_exportId":"api-orders"}],
        "pageProcessors":[{"type":"import","_importId":"upload"}]})");
    apply();
  }
  // The CSV the import should write, from the mock API's own orders.
  std::string expected_csv() {
    const json::value page = api_.get_json("/api/orders?pageSize=100");
    std::string csv = "id,status,total\n";
    for (const auto& order : page.at("orders").as_array()) {
      csv += fmt::format("{},{},{}\n", std::string(order.at("id").as_string()),
                         std::string(order.at("status").as_string()),
                         std::string(order.at("total_price").as_string()));
    }
    return csv;
  }
  static void expect_identity(const json::object& job) {
    EXPECT_EQ(job.at("numExport").as_int64(), job.at("numSuccess").as_int64() +
                                                  job.at("numIgnore").as_int64() +
                                                  job.at("numError").as_int64())
        << json::serialize(job);
  }

  MockApiServer api_{{.orders = 3}};
  TempDir dir_{"sluice-ftp-flow"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(FtpFlow, AnSftpCsvFilesRowsReachTheSinkAndTheFileIsDeleted) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kSshd));
  if (IsSkipped()) return;
  put(folder("in") / "a.csv", "id,name\nA-1,Ada\nA-2,\"Grace, H\"\n");
  write_export_flow();
  const json::object job = run_json("pull", 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 2);
  EXPECT_EQ(job.at("numSuccess"), 2);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::value>{json::parse(R"({"id":"A-1","name":"Ada"})"),
                                      json::parse(R"({"id":"A-2","name":"Grace, H"})")}));
  EXPECT_FALSE(fs::exists(server_->root() / "in" / "a.csv"));
}

// The FTP connector names each file before its bytes: a preSavePage hook sees the file's name on
// every page, the first ones included (pageSize 1, three pages).
TEST_F(FtpFlow, EveryPageOfAFileCarriesItsNameFromTheFirstOne) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kPyftpdlib));
  if (IsSkipped()) return;
  put(folder("in") / "a.csv", "id\nA-1\nA-2\nA-3\n");
  write("name.json", R"({"_id":"name","name":"name","content":
      "function f(o) { return {data: o.data.map((r, i) => Object.assign({}, r, {file: o.files[i].fileMeta.fileName}))}; }"})");
  write("orders.json", R"({"_id":"orders","adaptorType":"FTPExport","_connectionId":"files",
      "pageSize":1,"hooks":{"preSavePage":{"_scriptId":"name","function":"f"}},
      "ftp":{"directoryPath":"in","fileNameEndsWith":".csv"},"file":{"type":"csv"}})");
  write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":1}})");
  write("pull.json", R"({"_id":"pull","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  apply();
  const json::object job = run_json("pull", 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numPagesGenerated"), 3);
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::value>{json::parse(R"({"id":"A-1","file":"a.csv"})"),
                                      json::parse(R"({"id":"A-2","file":"a.csv"})"),
                                      json::parse(R"({"id":"A-3","file":"a.csv"})")}));
}

// `sluice flow test` reads an FTP export's files through the same file source as a run, and
// deletes, moves and confirms no file.
TEST_F(FtpFlow, FlowTestReadsTheFilesRecordsAndLeavesTheFile) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kPyftpdlib));
  if (IsSkipped()) return;
  put(folder("in") / "a.csv", "id,name\nA-1,Ada\nA-2,Grace\n");
  write_export_flow();
  const CliResult r = cli_->run({"flow", "test", "pull", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value report = json::parse(r.out);
  json::array exported;
  for (const auto& record : report.at("sources").at(0).at("steps").at(0).at("records").as_array()) {
    exported.push_back(record.at("record"));
  }
  EXPECT_EQ(exported, json::parse(R"([{"id":"A-1","name":"Ada"},{"id":"A-2","name":"Grace"}])"));
  EXPECT_TRUE(sink_bodies().empty());
  EXPECT_TRUE(fs::exists(server_->root() / "in" / "a.csv"));
}

TEST_F(FtpFlow, AnSftpFileWithOneRejectedRowStaysOnTheServerAndTheCountsAddUp) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kSshd));
  if (IsSkipped()) return;
  api_.post("/_mock/reject", R"(["A-2"])");
  const std::string bytes = "id,name\nA-1,Ada\nA-2,Grace\nA-3,Linus\n";
  put(folder("in") / "a.csv", bytes);
  write_export_flow();
  const json::object job = run_json("pull", 0);
  EXPECT_EQ(job.at("numExport"), 3) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 2);
  EXPECT_EQ(job.at("numError"), 1);
  expect_identity(job);
  EXPECT_EQ(api_.get_json("/_mock/sink/ids"), json::parse(R"({"ids":["A-1","A-3"]})"));
  EXPECT_EQ(read_file(server_->root() / "in" / "a.csv"), bytes);
}

// file.sortByFields and file.groupByFields on an FTPExport: the file's rows sorted by order, each
// order's rows one record (an array, sent under "rows" by the import's body), and the file deleted
// once its records are in.
TEST_F(FtpFlow, AnSftpFilesRowsSortedAndGroupedReachTheSinkAsOneRecordPerGroup) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kSshd));
  if (IsSkipped()) return;
  put(folder("in") / "a.csv", "order,sku\n2,B\n10,E\n1,A\n2,C\n1,D\n");
  write("orders.json", R"({"_id":"orders","adaptorType":"FTPExport","_connectionId":"files",
      "ftp":{"directoryPath":"in","fileNameEndsWith":".csv"},
      "file":{"type":"csv","sortByFields":[{"field":"order"}],"groupByFields":["order"]}})");
  write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":1,
              "body":"{\"rows\":{{{jsonSerialize record}}} }"}})");
  write("pull.json", R"({"_id":"pull","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  apply();
  const json::object job = run_json("pull", 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 3);
  expect_identity(job);
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::value>{
                json::parse(R"({"rows":[{"order":"1","sku":"A"},{"order":"1","sku":"D"}]})"),
                json::parse(R"({"rows":[{"order":"2","sku":"B"},{"order":"2","sku":"C"}]})"),
                json::parse(R"({"rows":[{"order":"10","sku":"E"}]})")}));
  EXPECT_FALSE(fs::exists(server_->root() / "in" / "a.csv"));
}

TEST_F(FtpFlow, AnHttpExportsOrdersBecomeOneCsvFileOnTheFtpServer) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kPyftpdlib));
  if (IsSkipped()) return;
  folder("out");
  write_import_flow();
  const json::object job = run_json("push", 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 3);
  expect_identity(job);
  EXPECT_EQ(read_file(server_->root() / "out" / "orders-3.csv"), expected_csv());
}

TEST_F(FtpFlow, TheSameCsvFileOverFtpsToVsftpd) {
  ASSERT_NO_FATAL_FAILURE(start(Kind::kVsftpdFtps));
  if (IsSkipped()) return;
  folder("out");
  write_import_flow();
  const json::object job = run_json("push", 0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 3);
  EXPECT_EQ(read_file(server_->root() / "out" / "orders-3.csv"), expected_csv());
}

}  // namespace
}  // namespace sluice::testing
