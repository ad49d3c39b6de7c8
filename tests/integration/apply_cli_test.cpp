// Specifies `sluice apply` and the tables of `sluice get` end to end, through the real
// executable with the HTTP plugin installed: standard input, --json, skipped files, warnings,
// strict refusals, and names with control characters.
#include <filesystem>
#include <fstream>
#include <thread>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

constexpr const char* kConnection =
    R"({"_id": "api", "type": "http", "http": {"baseURI": "http://127.0.0.1:1"}})";

class ApplyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_);
    fs::create_directories(home_);
    const CliResult installed = cli_.run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  // Runs sluice with `input` on its standard input.
  CliResult run_with_input(const std::vector<std::string>& args, const std::string& input) {
    Poco::Pipe in_pipe, out_pipe, err_pipe;
    Poco::Process::Env env{{"SLUICE_HOME", home_.string()}};
    Poco::ProcessHandle handle = Poco::Process::launch(SLUICE_BINARY, args, home_.string(),
                                                       &in_pipe, &out_pipe, &err_pipe, env);
    CliResult result;
    std::thread writer([&] {
      Poco::PipeOutputStream in(in_pipe);
      in << input;
      in.close();
    });
    std::thread err_reader([&] {
      Poco::PipeInputStream err(err_pipe);
      Poco::StreamCopier::copyToString(err, result.err);
    });
    Poco::PipeInputStream out(out_pipe);
    Poco::StreamCopier::copyToString(out, result.out);
    writer.join();
    err_reader.join();
    result.exit_code = handle.wait();
    return result;
  }

  TempDir temp_;
  fs::path home_ = temp_.path() / "home";
  fs::path dir_ = temp_.path() / "resources";
  SluiceCli cli_{home_};
};

TEST_F(ApplyCli, ADashReadsTheResourcesFromStandardInput) {
  const CliResult r = run_with_input({"apply", "-"}, kConnection);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "applied connection api  (<standard input>)\n1 resource applied\n");
}

TEST_F(ApplyCli, JsonReportsTheProblemsAndStoresNothing) {
  write("connection.json",
        R"({"_id": "api", "type": "http", "http": {"baseURI": "http://127.0.0.1:1",
            "relativeUri": "/x"}})");
  const CliResult r = cli_.run({"apply", "--json", dir_.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out),
            json::parse(R"({"ok": false, "applied": [], "warnings": [], "skipped": [],
                "problems": [")" +
                        (dir_ / "connection.json").string() +
                        R"(: connection api: $.http.relativeUri: unknown field; the fields here )"
                        R"(are baseURI, mediaType, successMediaType, errorMediaType, headers, auth, )"
                        R"(encrypted, unencrypted, ping, disableStrictSSL, clientCertificates, )"
                        R"(concurrencyLevel, rateLimit, retryHeader"]})"));
  const CliResult get = cli_.run({"get", "connections"});
  EXPECT_THAT(get.out, ::testing::Not(HasSubstr("api")));
}

TEST_F(ApplyCli, JsonListsAppliedResourcesWarningsAndSkippedFiles) {
  write("connection.json", kConnection);
  write("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api"})");
  write("flow.json", R"({"_id": "f", "pageGenerators": [{"_exportId": "orders"}]})");
  write("notes.txt", "x");
  const CliResult r = cli_.run({"apply", "--json", dir_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value report = json::parse(r.out);
  EXPECT_EQ(report.at("ok"), true);
  EXPECT_EQ(report.at("applied").as_array().size(), 3u);
  EXPECT_EQ(report.at("applied").at(2), json::parse(R"({"kind": "flow", "id": "f", "file": ")" +
                                                    (dir_ / "flow.json").string() + R"("})"));
  EXPECT_EQ(report.at("skipped"), json::parse(R"([{"file": ")" + (dir_ / "notes.txt").string() +
                                              R"(", "reason": "not a .json file"}])"));
  ASSERT_EQ(report.at("warnings").as_array().size(), 1u);
  EXPECT_THAT(std::string(report.at("warnings").at(0).as_string()),
              HasSubstr("flow f has no pageProcessors"));
}

TEST_F(ApplyCli, AFolderPrintsTheFilesItSkippedAndTheWarnings) {
  write("connection.json", kConnection);
  write("export.json", R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api"})");
  write("flow.json", R"({"_id": "f", "pageGenerators": [{"_exportId": "orders"}]})");
  write("README.md", "x");
  write(".hidden/x.json", "{}");
  const CliResult r = cli_.run({"apply", dir_.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("skipped " + (dir_ / ".hidden").string() + " (hidden folder)\n"));
  EXPECT_THAT(r.err,
              HasSubstr("skipped " + (dir_ / "README.md").string() + " (not a .json file)\n"));
  EXPECT_THAT(r.err, HasSubstr("warning: " + (dir_ / "flow.json").string() +
                               ": flow f has no pageProcessors"));
  EXPECT_THAT(r.out, HasSubstr("3 resources applied\n"));
}

TEST_F(ApplyCli, GetPrintsANameWithControlCharactersEscaped) {
  write("connection.json",
        R"({"_id": "api", "type": "http", "name": "two\nlines \u001b[2J\u001b[31mred",
            "http": {"baseURI": "http://127.0.0.1:1"}})");
  ASSERT_EQ(cli_.run({"apply", dir_.string()}).exit_code, 0);
  const CliResult r = cli_.run({"get", "connections"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("two\\nlines \\x1b[2J\\x1b[31mred"));
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

}  // namespace
}  // namespace sluice::testing
