// The `sluice` command line as a person uses it, through the real executable: what every
// wrong command line says, the global --home, --json results and errors, --limit, refusals
// of unknown flows and of removing a plugin in use, and the orders demo's ping.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// Parses `text` as exactly one JSON value (one line), failing the test otherwise.
json::value parse_one(const std::string& text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not one JSON value: " << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  return value;
}

class SluiceCommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(resources_);
    cli_.emplace(home_);
  }
  void install_http() {
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(resources_ / name) << text;
  }
  void apply() {
    const CliResult applied = cli_->run({"apply", resources_.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  // A connection of type http (served by the HTTP plugin) that is never contacted.
  void write_idle_connection(const std::string& id) {
    write(
        id + ".json",
        fmt::format(
            R"({{"_id":"{}","type":"http","http":{{"baseURI":"http://127.0.0.1:9","mediaType":"json"}}}})",
            id));
  }
  // The orders demo (tools/samples/orders-demo) pointed at `api`, as tools/demo does it.
  void write_orders_demo(const MockApiServer& api, const std::string& token) {
    for (const auto& entry : fs::directory_iterator(SAMPLES_DIR)) {
      std::string text = read_file(entry.path());
      replace_all(text, "MOCK_PORT", std::to_string(api.port()));
      replace_all(text, "\"demo-token\"", "\"" + token + "\"");
      write(entry.path().filename().string(), text);
    }
  }

  TempDir dir_{"sluice-cli"};
  const fs::path& home_ = dir_.path();
  const fs::path resources_ = home_ / "resources";
  std::optional<SluiceCli> cli_;
};

struct WrongCommandLine {
  std::vector<std::string> args;
  std::string error;  // the first line of stderr
};

TEST_F(SluiceCommandLine, AWrongCommandLineIsNamedAsTypedWithUsageAndExitStatus2) {
  const std::vector<WrongCommandLine> cases = {
      {{"get"},
       "error: expected what to get: connections, exports, imports, flows, scripts or jobs"},
      {{"get", "frob"},
       "error: unknown kind 'frob': expected connections, exports, imports, flows, scripts or "
       "jobs"},
      {{"get", "flows", "a", "b"}, "error: unexpected argument 'b'"},
      {{"get", "--kind", "flows"}, "error: unrecognised option '--kind'"},
      {{"get", "flows", "--flow", "f"}, "error: --flow applies only to `sluice get jobs`"},
      {{"get", "flows", "--limit", "5"}, "error: --limit applies only to `sluice get jobs`"},
      {{"errors"}, "error: expected a flow id (see `sluice get flows`)"},
      {{"errors", "f", "g"}, "error: unexpected argument 'g'"},
      {{"errors", "--flow", "f"}, "error: unrecognised option '--flow'"},
      {{"ping"}, "error: expected a connection id (see `sluice get connections`)"},
      {{"ping", "a", "b"}, "error: unexpected argument 'b'"},
      {{"ping", "--connection", "a"}, "error: unrecognised option '--connection'"},
      {{"plugin"}, "error: expected what to do with plugins: install, list, info, test or remove"},
      {{"plugin", "frob"},
       "error: unknown plugin command 'frob': expected install, list, info, test or remove"},
      {{"plugin", "--action", "list"}, "error: unrecognised option '--action'"},
      {{"plugin", "install"},
       "error: expected the PATH of a plugin (.so, bundle folder or .tar.gz) after `sluice "
       "plugin install`"},
      {{"plugin", "install", "a", "b"}, "error: unexpected argument 'b'"},
      {{"plugin", "info"},
       "error: expected a plugin ID (see `sluice plugin list`) after `sluice plugin info`"},
      {{"plugin", "remove"},
       "error: expected a plugin ID (see `sluice plugin list`) after `sluice plugin remove`"},
      {{"plugin", "list", "x"}, "error: unexpected argument 'x'"},
      {{"plugin", "info", "http", "--force"},
       "error: --force applies only to `sluice plugin remove`"},
      {{"flow"}, "error: expected what to do: `sluice flow run ID`"},
      {{"flow", "run"}, "error: expected `sluice flow run ID`"},
      {{"flow", "run", "a", "b"}, "error: unexpected argument 'b'"},
      {{"apply"},
       "error: expected a PATH: a resource file or a folder of them, or - for standard input"},
      {{"apply", "a", "b"}, "error: unexpected argument 'b'"},
      {{"apply", "--path", "a"}, "error: unrecognised option '--path'"},
      {{"get", "jobs", "--li", "3"}, "error: unrecognised option '--li'"},
      {{"get", "jobs", "--sluice-arguments", "x"},
       "error: unrecognised option '--sluice-arguments'"},
      {{"frobnicate"}, "error: unknown command 'frobnicate'"},
      {{"--json", "get", "jobs"},
       "error: unknown global option '--json'; a command's own options go after its name "
       "(`sluice get jobs --json`)"},
      {{"get", "flows", "--home"}, "error: --home needs a folder: --home DIR"},
      {{"--home"}, "error: --home needs a folder: --home DIR"},
  };
  for (const auto& c : cases) {
    const std::string command = fmt::format("sluice {}", fmt::join(c.args, " "));
    const CliResult r = cli_->run(c.args);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_EQ(first_line(r.err), c.error) << command;
    EXPECT_EQ(r.out, "") << command;
    if (c.args[0] != "--home" && c.args.back() != "--home") {
      EXPECT_THAT(r.err, HasSubstr("usage: sluice")) << command;
    }
    // The usage printed after the error names no internal option either.
    for (const char* internal : {"--kind", "--id ", "--action", "--target", "--path",
                                 "--connection", "sluice-arguments", "positional"}) {
      if (c.error.find(internal) != std::string::npos) continue;  // what the user typed
      EXPECT_THAT(r.err, Not(HasSubstr(internal))) << command;
    }
  }
}

TEST_F(SluiceCommandLine, AScriptIsAppliedFromItsJsFileAndListedByGetScripts) {
  write("hook.json", R"({"_id": "hook", "name": "Orders hook", "contentFile": "hook.js"})");
  write("hook.js", "function preSavePage(options) {\n  return {data: options.data};\n}\n");
  const CliResult applied = cli_->run({"apply", resources_.string()});
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  EXPECT_EQ(applied.err,
            "skipped " + (resources_ / "hook.js").string() + " (the code of script hook)\n");
  const CliResult listed = cli_->run({"get", "scripts"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_EQ(listed.out,
            "ID    NAME         WHAT\n"
            "hook  Orders hook  JavaScript, 3 lines\n");
  const CliResult one = cli_->run({"get", "script", "hook"});
  EXPECT_EQ(one.out,
            R"({"_id":"hook","name":"Orders hook","content":"function preSavePage(options) {\n)"
            R"(  return {data: options.data};\n}\n"})"
            "\n");
}

TEST_F(SluiceCommandLine, AScriptWithASyntaxErrorIsNotApplied) {
  write("hook.json", R"({"_id": "hook", "name": "h", "content": "function f( {"})");
  const CliResult applied = cli_->run({"apply", resources_.string()});
  EXPECT_EQ(applied.exit_code, 1);
  EXPECT_EQ(applied.err, "error: nothing was applied: 1 problem found\n  " +
                             (resources_ / "hook.json").string() +
                             ": script hook: $.content line 1, column 14: SyntaxError: expected "
                             "property name, got end of script; fix the code and apply again\n");
  EXPECT_EQ(cli_->run({"get", "scripts"}).out,
            "no scripts stored; add some with `sluice apply PATH`\n");
}

TEST_F(SluiceCommandLine, EverythingAfterADoubleDashIsAnArgument) {
  const CliResult flow = cli_->run({"errors", "--", "--json"});
  EXPECT_EQ(flow.exit_code, 1);
  EXPECT_EQ(flow.err, "error: no flow --json; see `sluice get flows`\n");
  EXPECT_EQ(flow.out, "");
  const CliResult job = cli_->run({"get", "jobs", "--", "-5"});
  EXPECT_EQ(job.exit_code, 1);
  EXPECT_EQ(job.err, "error: no job -5; see `sluice get jobs`\n");
  const CliResult home = cli_->run({"get", "flows", "--", "--home"});
  EXPECT_EQ(home.exit_code, 1);
  EXPECT_EQ(home.err, "error: no flow --home; see `sluice get flows`\n");
}

TEST_F(SluiceCommandLine, EveryHelpListsTheGlobalHomeOptionAndNoInternalOptions) {
  const CliResult top = cli_->run({"--help"});
  ASSERT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("global options (before or after the command name):"));
  EXPECT_THAT(top.out, HasSubstr("  --home DIR     where Sluice keeps its store and plugins"));
  EXPECT_THAT(top.out, HasSubstr("  --version      print the version"));
  EXPECT_THAT(top.out, HasSubstr(R"({"error":{"message":"...","status":"..."}})"));
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"plugin", "--help"},
                                             {"apply", "--help"},
                                             {"get", "--help"},
                                             {"flow", "--help"},
                                             {"errors", "--help"},
                                             {"ping", "--help"},
                                             {"plugin", "remove", "-h"}}) {
    const CliResult r = cli_->run(command);
    EXPECT_EQ(r.exit_code, 0) << command[0];
    EXPECT_THAT(r.out, StartsWith("usage: sluice " + command[0])) << command[0];
    EXPECT_THAT(r.out, HasSubstr("--home DIR")) << command[0];
    EXPECT_THAT(r.out, HasSubstr("accepted before or after the command name")) << command[0];
    for (const char* internal :
         {"--kind", "--id ", "--action", "--target", "--path", "--connection", "sluice-arguments"})
      EXPECT_THAT(r.out, Not(HasSubstr(internal))) << command[0];
  }
  for (const char* command : {"plugin", "get", "flow", "errors", "ping"}) {
    const CliResult r = cli_->run({command, "--help"});
    EXPECT_THAT(r.out, HasSubstr("--json")) << command;
  }
  EXPECT_THAT(cli_->run({"get", "--help"}).out, HasSubstr("--limit N"));
  EXPECT_THAT(cli_->run({"errors", "--help"}).out, HasSubstr("--limit N"));
  EXPECT_THAT(cli_->run({"plugin", "--help"}).out, HasSubstr("--force"));
}

TEST_F(SluiceCommandLine, HomeIsAcceptedBeforeAndAfterTheCommandName) {
  TempDir other("sluice-cli-other");
  const std::string dir = other.path().string();
  const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE, "--home", dir});
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_TRUE(fs::exists(other.path() / "plugins" / "http" / "manifest.json"));
  EXPECT_FALSE(fs::exists(home_ / "plugins" / "http"));
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"plugin", "list", "--json", "--home", dir},
                                             {"plugin", "list", "--home=" + dir, "--json"},
                                             {"--home", dir, "plugin", "list", "--json"},
                                             {"--home=" + dir, "plugin", "--json", "list"}}) {
    const CliResult r = cli_->run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json::value list = parse_one(r.out);
    ASSERT_EQ(list.as_array().size(), 1u) << r.out;
    EXPECT_EQ(list.at(0).at("id"), "http");
  }
  const CliResult own = cli_->run({"plugin", "list", "--json"});  // $SLUICE_HOME
  EXPECT_EQ(own.out, "[]\n");
}

TEST_F(SluiceCommandLine, ALimitOutsideOneTo100000IsRefusedNamingTheValue) {
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"get", "jobs"}, {"errors", "some-flow"}}) {
    for (const char* value : {"abc", "-1", "0", "100001", "99999999999999999999", "1.5", "+5"}) {
      std::vector<std::string> args = command;
      args.insert(args.end(), {"--limit", value});
      const CliResult r = cli_->run(args);
      EXPECT_EQ(r.exit_code, 2) << command[0] << " " << value;
      EXPECT_EQ(first_line(r.err),
                fmt::format("error: --limit {}: expected a whole number from 1 to 100000", value))
          << command[0];
    }
  }
}

TEST_F(SluiceCommandLine, ALimitCapsHowManyJobsAndErrorsAreListed) {
  install_http();
  MockApiServer api({.orders = 30, .reject = {"ORD-000003", "ORD-000011", "ORD-000029"}});
  write_orders_demo(api, api.token());
  apply();
  for (int run = 0; run < 2; ++run) {
    const CliResult r = cli_->run({"flow", "run", "demo-orders", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const json::array all = parse_one(cli_->run({"get", "jobs", "--json"}).out).as_array();
  ASSERT_EQ(all.size(), 2u);
  const json::array newest =
      parse_one(cli_->run({"get", "jobs", "--limit", "1", "--json"}).out).as_array();
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].at("_id"), all[0].at("_id"));
  const json::array of_flow =
      parse_one(cli_->run({"get", "jobs", "--flow", "demo-orders", "--limit=1", "--json"}).out)
          .as_array();
  ASSERT_EQ(of_flow.size(), 1u);
  EXPECT_EQ(of_flow[0].at("_id"), all[0].at("_id"));
  const json::array errors =
      parse_one(cli_->run({"errors", "demo-orders", "--json"}).out).as_array();
  EXPECT_EQ(errors.size(), 6u);  // three rejected records in each of the two jobs
  const json::array two =
      parse_one(cli_->run({"errors", "demo-orders", "--limit", "2", "--json"}).out).as_array();
  EXPECT_EQ(two.size(), 2u);
}

TEST_F(SluiceCommandLine, GetJobsOfAnUnknownFlowIsRefused) {
  const CliResult r = cli_->run({"get", "jobs", "--flow", "no-such-flow"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: no flow no-such-flow; see `sluice get flows`\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(SluiceCommandLine, InJsonModeAnErrorIsAlsoOneJsonObjectOnStdout) {
  const CliResult missing = cli_->run({"ping", "nope", "--json"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: no connection nope; see `sluice get connections`\n");
  EXPECT_EQ(missing.out,
            R"({"error":{"message":"no connection nope; see `sluice get connections`",)"
            R"("status":"not_found"}})"
            "\n");
  const CliResult usage = cli_->run({"get", "--json"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_EQ(usage.out,
            R"({"error":{"message":"expected what to get: connections, exports, imports, flows, )"
            R"(scripts or jobs","status":"usage"}})"
            "\n");
  const CliResult limit = cli_->run({"errors", "f", "--json", "--limit", "0"});
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_EQ(parse_one(limit.out).at("error").at("message"),
            "--limit 0: expected a whole number from 1 to 100000");
  const CliResult plugin = cli_->run({"plugin", "remove", "nothing-here", "--json"});
  EXPECT_EQ(plugin.exit_code, 1);
  EXPECT_EQ(parse_one(plugin.out).at("error").at("message").as_string(),
            first_line(plugin.err).substr(std::string("error: ").size()));
}

TEST_F(SluiceCommandLine, PluginInstallAndRemoveReportTheirResultAsJson) {
  const CliResult first = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE, "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const json::object installed = parse_one(first.out).as_object();
  EXPECT_EQ(installed.size(), 6u) << first.out;
  EXPECT_EQ(installed.at("id"), "http");
  EXPECT_EQ(installed.at("version"), "0.1.0");
  EXPECT_EQ(installed.at("abiVersion"), "1.1");  // lookups (open_lookup) are a 1.1 call
  EXPECT_EQ(installed.at("connectors"), 2);  // http, and rest (legacy REST resources)
  EXPECT_EQ(installed.at("folder").as_string(), (home_ / "plugins" / "http").string());
  EXPECT_TRUE(installed.at("replacedVersion").is_null());
  const CliResult again = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(parse_one(again.out).at("replacedVersion"), "0.1.0");

  const CliResult removed = cli_->run({"plugin", "remove", "http", "--json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, R"({"removed":"http","connectionsLeftWithoutPlugin":[]})"
                         "\n");
  EXPECT_EQ(cli_->run({"plugin", "list", "--json"}).out, "[]\n");
  EXPECT_FALSE(fs::exists(home_ / "sluice.db")) << "checking for users created a store";
}

TEST_F(SluiceCommandLine, PluginRemoveRefusesWhenTheStoreCannotBeReadUnlessForced) {
  install_http();
  std::ofstream(home_ / "sluice.db") << "not a database at all";
  const CliResult refused = cli_->run({"plugin", "remove", "http"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, StartsWith("error: "));
  // A store file without its key is unreadable (the key is never made anew beside a store).
  EXPECT_THAT(refused.err, HasSubstr("/secret.key, which does not exist"));
  EXPECT_THAT(refused.err,
              HasSubstr("  (the store must be read to know which connections use plugin http; "
                        "pass --force to remove it without checking)\n"));
  EXPECT_TRUE(fs::exists(home_ / "plugins" / "http" / "manifest.json"));
  const CliResult forced = cli_->run({"plugin", "remove", "http", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out, "removed plugin http\n");
  EXPECT_FALSE(fs::exists(home_ / "plugins" / "http"));
}

TEST_F(SluiceCommandLine, PluginRemoveRefusesWhileAConnectionUsesItAndForceRemovesAnyway) {
  install_http();
  write_idle_connection("mock-api");
  apply();
  const CliResult refused = cli_->run({"plugin", "remove", "http"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "error: connection mock-api uses plugin http; remove or re-point it first, or pass "
            "--force\n");
  EXPECT_EQ(refused.out, "");
  EXPECT_TRUE(fs::exists(home_ / "plugins" / "http" / "manifest.json"));

  const CliResult forced = cli_->run({"plugin", "remove", "http", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out,
            "removed plugin http\n"
            "  connection mock-api is now served by no plugin: install plugin http again or "
            "re-point it\n");
  EXPECT_FALSE(fs::exists(home_ / "plugins" / "http"));
}

TEST_F(SluiceCommandLine, PluginRemoveListsEveryConnectionUsingIt) {
  install_http();
  write_idle_connection("b");
  write_idle_connection("a");
  // An assistant no plugin provides falls back to the connector of its type: http's.
  write(
      "c.json",
      R"({"_id":"c","type":"http","assistant":"nobody","http":{"baseURI":"http://127.0.0.1:9","mediaType":"json"}})");
  apply();
  const CliResult refused = cli_->run({"plugin", "remove", "http", "--json"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(first_line(refused.err),
            "error: connections a, b, c use plugin http; remove or re-point them first, or pass "
            "--force");
  EXPECT_EQ(parse_one(refused.out).at("error").at("status"), "in_use");

  const CliResult forced = cli_->run({"plugin", "remove", "http", "--force", "--json"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out, R"({"removed":"http","connectionsLeftWithoutPlugin":["a","b","c"]})"
                        "\n");
}

TEST_F(SluiceCommandLine, PingReportsTheConnectionAndItsTimeAsJson) {
  install_http();
  MockApiServer api({.orders = 1});
  write_orders_demo(api, api.token());
  apply();
  const CliResult r = cli_->run({"ping", "mock-api", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json::object result = parse_one(r.out).as_object();
  EXPECT_EQ(result.size(), 3u) << r.out;
  EXPECT_EQ(result.at("connection"), "mock-api");
  EXPECT_EQ(result.at("ok"), true);
  ASSERT_TRUE(result.at("milliseconds").is_int64()) << r.out;
  EXPECT_GE(result.at("milliseconds").as_int64(), 0);
}

TEST_F(SluiceCommandLine, TheMockApiMeEndpointAcceptsOnlyTheToken) {
  MockApiServer api({.orders = 1});
  const HttpResponse with = api.request("GET", "/api/me");
  EXPECT_EQ(with.status, 200);
  EXPECT_EQ(with.body, R"({"user":"demo","authenticated":true})");
  const HttpResponse without = api.request("GET", "/api/me", {}, false);
  EXPECT_EQ(without.status, 401);
}

TEST_F(SluiceCommandLine, ThePingOfTheOrdersDemoChecksItsCredentials) {
  install_http();
  MockApiServer api({.orders = 1});
  write_orders_demo(api, api.token());
  apply();
  const CliResult good = cli_->run({"ping", "mock-api"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, StartsWith("connection mock-api: ok ("));

  write_orders_demo(api, "wrong-T0ken-zz9");
  apply();
  const CliResult bad = cli_->run({"ping", "mock-api"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err,
            fmt::format("error: connection mock-api failed its test (auth_failed): GET {}/api/me: "
                        "HTTP 401 Unauthorized: {{\"error\":\"missing or wrong token\",\"hint\":"
                        "\"send Authorization: Bearer <token>\"}} — the credentials were refused; "
                        "check the connection's authentication settings\n"
                        "  fix connection mock-api in its resource file, `sluice apply` it, then "
                        "`sluice ping mock-api` again\n",
                        api.base_url()));
  EXPECT_THAT(bad.err, Not(HasSubstr("wrong-T0ken-zz9")));
}

}  // namespace
}  // namespace sluice::testing
