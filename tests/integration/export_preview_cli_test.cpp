// `sluice export preview ID` through the real executable: with the probe plugin
// (preview_probe_plugin.cpp), the exact report of each page (the plugin's request, response and
// paging lines as sections, its warnings, its records), secrets masked, --pages, the last page,
// a failing page, wrong command lines; with the memory plugin that nothing is committed or
// stored; with the HTTP plugin against the mock API, the records of the first pages.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

constexpr const char* kSecret = "k-7f3e9a-secret";

class ExportPreview : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(resources_);
    cli_.emplace(home_);
  }
  void install(const char* file) {
    const CliResult installed = cli_->run({"plugin", "install", file});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(resources_ / name) << text;
  }
  void apply() {
    const CliResult applied = cli_->run({"apply", resources_.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  // The probe connection and export "items" with `extra` probe settings.
  void probe(const std::string& extra) {
    install(PROBE_PLUGIN_FILE);
    write("c.json",
          fmt::format(R"({{"_id": "p", "type": "probe", "probe": {{"apiKey": "{}"}}}})", kSecret));
    write("e.json", fmt::format(R"({{"_id": "items", "name": "Items", "adaptorType": "ProbeExport",
        "_connectionId": "p", "probe": {{"log": "{}"{}}}}})",
                                log_.string(), extra));
    apply();
  }
  std::vector<std::string> calls() {
    std::vector<std::string> out;
    std::istringstream in(read_file(log_));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  TempDir dir_{"sluice-preview"};
  const fs::path& home_ = dir_.path();
  const fs::path resources_ = home_ / "resources";
  const fs::path log_ = home_ / "calls.log";
  std::optional<SluiceCli> cli_;
};

TEST_F(ExportPreview, JsonGroupsEachPagesLinesWarningsAndRecords) {
  probe("");
  const CliResult r = cli_->run({"export", "preview", "items", "--pages", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value expected = json::parse(R"({"exportId": "items", "name": "Items",
    "connectionId": "p", "type": "all",
    "openLog": [{"level": "debug", "section": "log", "message": "probe: export opened"}],
    "openWarnings": [],
    "pages": [
      {"log": [
         {"level": "debug", "section": "request",
          "message": "request: GET https://api.example.test/items?page=1&key=******"},
         {"level": "debug", "section": "response",
          "message": "response: 200 OK, 39 bytes: {\"items\":[{\"id\":\"P1-1\"},{\"id\":\"P1-2\"}]}"},
         {"level": "debug", "section": "paging", "message": "paging: next page 2"},
         {"level": "info", "section": "log", "message": "probe: page 1 read"}],
       "warnings": ["probe: no records at 'data'; try 'items'"],
       "recordCount": 2, "records": [{"id": "P1-1"}, {"id": "P1-2"}], "done": false},
      {"log": [
         {"level": "debug", "section": "request",
          "message": "request: GET https://api.example.test/items?page=2&key=******"},
         {"level": "debug", "section": "response",
          "message": "response: 200 OK, 39 bytes: {\"items\":[{\"id\":\"P2-1\"},{\"id\":\"P2-2\"}]}"},
         {"level": "debug", "section": "paging", "message": "paging: next page 3"},
         {"level": "info", "section": "log", "message": "probe: page 2 read"}],
       "warnings": [],
       "recordCount": 2, "records": [{"id": "P2-1"}, {"id": "P2-2"}], "done": false}],
    "closeLog": []})");
  EXPECT_EQ(json::parse(r.out), expected) << r.out;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kSecret)));
  // Opened once as a test run of its own type; two pages read; none committed.
  EXPECT_EQ(calls(), (std::vector<std::string>{"R all test", "E 1", "E 2"}));
}

TEST_F(ExportPreview, TerminalViewShowsRequestResponseAndPagingAsSections) {
  probe(R"(, "pages": 1, "perPage": 1)");
  const CliResult r = cli_->run({"export", "preview", "items"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "preview of export Items (items) (connection p, type all): up to 1 page; nothing is "
            "imported and nothing is stored\n"
            "\n"
            "opening\n"
            "  log debug probe: export opened\n"
            "\n"
            "page 1\n"
            "  request   GET https://api.example.test/items?page=1&key=******\n"
            "  response  200 OK, 25 bytes: {\"items\":[{\"id\":\"P1-1\"}]}\n"
            "  paging    last page — page 1 of 1\n"
            "  log info  probe: page 1 read\n"
            "  warning   probe: no records at 'data'; try 'items'\n"
            "  records   1\n"
            "    #1\n"
            "      {\n"
            "        \"id\": \"P1-1\"\n"
            "      }\n"
            "  the export says this is its last page\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(ExportPreview, StopsAtTheLastPageWhateverPagesAsks) {
  probe(R"(, "pages": 2)");
  const CliResult r = cli_->run({"export", "preview", "items", "--pages", "10", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value report = json::parse(r.out);
  const json::array& pages = report.at("pages").as_array();
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[1].at("done"), json::value(true));
  EXPECT_EQ(calls(), (std::vector<std::string>{"R all test", "E 1", "E 2"}));
}

TEST_F(ExportPreview, SaysWhenItStoppedBeforeTheExportsEnd) {
  probe("");
  const CliResult r = cli_->run({"export", "preview", "items"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\nstopped after 1 page (--pages); the export has more\n"));
}

TEST_F(ExportPreview, AFailingPageShowsItsLinesAndErrorAndStops) {
  probe(R"(, "failOnPage": 2)");
  const CliResult r = cli_->run({"export", "preview", "items", "--pages", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("page 2\n"
                               "  request   GET https://api.example.test/items?page=2&key=******\n"
                               "  response  500 Internal Server Error, 5 bytes: oops\n"
                               "  error     GET https://api.example.test/items?page=2&key=******: "
                               "HTTP 500 Internal Server Error (remote_error)\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("page 3")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(kSecret)));
}

TEST_F(ExportPreview, WrongCommandLinesAndUnknownExportsAreRefused) {
  probe("");
  for (const char* pages : {"0", "11", "x", "-1", "1.5"}) {
    const CliResult r = cli_->run({"export", "preview", "items", "--pages", pages});
    EXPECT_EQ(r.exit_code, 2) << pages;
    EXPECT_THAT(r.err, HasSubstr(fmt::format(
                           "--pages: expected a whole number from 1 to 10, found \"{}\"", pages)));
  }
  const CliResult missing = cli_->run({"export", "preview"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("expected an export id (see `sluice get exports`)"));
  const CliResult bare = cli_->run({"export"});
  EXPECT_EQ(bare.exit_code, 2);
  EXPECT_THAT(bare.err, HasSubstr("expected an export command: preview"));
  const CliResult other = cli_->run({"export", "run", "items"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("unknown export command 'run': expected preview"));
  const CliResult unknown = cli_->run({"export", "preview", "nope", "--json"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "error: no export nope in the store; see `sluice get exports`\n");
  EXPECT_EQ(json::parse(unknown.out),
            json::parse(R"({"error": {"message": "no export nope in the store; see `sluice get )"
                        R"(exports`", "status": "not_found"}})"));
  const CliResult help = cli_->run({"export", "preview", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("no page\nis committed"));
}

// The memory plugin logs "C" for each committed page; a preview commits none, stores no state
// and records no job, for a `once` export as for a delta.
TEST_F(ExportPreview, CommitsNoPageAndStoresNothing) {
  install(MEMORY_PLUGIN_FILE);
  write("mem.json", R"({"_id": "mem", "type": "memory"})");
  for (const char* type : {"once", "delta"}) {
    write(fmt::format("{}.json", type),
          fmt::format(R"({{"_id": "{}", "adaptorType": "MemoryExport", "_connectionId": "mem",
              "type": "{}", "memory": {{"count": 6, "pagesOf": 2, "prefix": "A", "log": "{}",
              "logLevels": true}}}})",
                      type, type, log_.string()));
  }
  apply();
  for (const char* type : {"once", "delta"}) {
    const CliResult r = cli_->run({"export", "preview", type, "--pages", "2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const json::value report = json::parse(r.out);
    EXPECT_EQ(report.at("type"), json::value(type));
    const json::array& pages = report.at("pages").as_array();
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[0].at("records"),
              json::parse(R"([{"id": "A1", "n": 1}, {"id": "A2", "n": 2}])"));
    EXPECT_EQ(pages[1].at("log"), json::parse(R"([
        {"level": "debug", "section": "log", "message": "memory export: page 2"},
        {"level": "info", "section": "log", "message": "memory export: page 2"}])"));
    EXPECT_EQ(pages[1].at("warnings"), json::parse(R"(["memory export: a warning on page 2"])"));
  }
  const std::string log = read_file(log_);
  EXPECT_THAT(log, HasSubstr("E A page 2"));
  EXPECT_THAT(log, Not(HasSubstr("C "))) << log;
  auto store = host::open_sqlite_store(home_.string());
  ASSERT_TRUE(store) << store.error().message;
  for (const char* id : {"once", "delta"}) {
    auto state = (*store)->get_state(id);
    ASSERT_TRUE(state);
    EXPECT_TRUE(state->is_null()) << json::serialize(*state);
  }
  const CliResult jobs = cli_->run({"get", "jobs", "--json"});
  EXPECT_EQ(json::parse(jobs.out), json::array()) << jobs.out;
}

// Against the mock API: the exact records of the first two pages. The request lines are the
// HTTP export's own (its debug log, `request: GET <url>`): asserted when it logs them.
TEST_F(ExportPreview, HttpExportShowsTheRecordsOfEachPageAndItsRequests) {
  MockApiServer::Options options;
  options.orders = 5;
  MockApiServer api(options);
  install(HTTP_PLUGIN_FILE);
  write("c.json", fmt::format(R"({{"_id": "api", "type": "http", "http": {{"baseURI": "{}",
      "auth": {{"type": "token", "token": {{"token": "{}"}}}}}}}})",
                              api.base_url(), api.token()));
  write("e.json", R"({"_id": "orders", "adaptorType": "HTTPExport", "_connectionId": "api",
      "http": {"relativeURI": "/api/orders?pageSize=2", "paging": {"method": "page", "page": 1},
               "response": {"resourcePath": "orders"}}})");
  apply();
  const CliResult r = cli_->run({"export", "preview", "orders", "--pages", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json::value report = json::parse(r.out);
  const json::array& pages = report.at("pages").as_array();
  ASSERT_EQ(pages.size(), 2u);
  std::vector<std::string> ids;
  for (const auto& page : pages) {
    EXPECT_EQ(page.at("recordCount"), json::value(2));
    for (const auto& record : page.at("records").as_array())
      ids.emplace_back(record.at("id").as_string());
  }
  EXPECT_EQ(ids,
            (std::vector<std::string>{"ORD-000001", "ORD-000002", "ORD-000003", "ORD-000004"}));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(api.token())));
  std::vector<std::string> requests;
  for (const auto& page : pages) {
    for (const auto& line : page.at("log").as_array()) {
      if (line.at("section") == "request") requests.emplace_back(line.at("message").as_string());
    }
  }
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(requests[0], HasSubstr(fmt::format("request: GET {}/api/orders?pageSize=2&page=1",
                                                 api.base_url())));
  EXPECT_THAT(requests[1], HasSubstr(fmt::format("request: GET {}/api/orders?pageSize=2&page=2",
                                                 api.base_url())));
}

}  // namespace
}  // namespace sluice::testing
