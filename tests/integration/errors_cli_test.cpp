// `sluice errors` end to end through the real executable, the HTTP plugin and the mock API: a
// flow whose sink rejects a record, then list, resolve, edit (--data and $EDITOR), retry as a
// job of its own, auto-resolve by trace key, and retention of retry data with a small cap.
#include <cstdlib>
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
using ::testing::StartsWith;

json::value parse_one(const CliResult& r) {
  json::error_code ec;
  json::value value = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.out << r.err;
  return value;
}

// Sets an environment variable for the scope (the sluice child inherits it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

class ErrorsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("VISUAL");
    ::unsetenv("EDITOR");
    fs::create_directories(resources_);
    cli_.emplace(home_.path());
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(resources_ / name) << text;
  }
  // Orders export -> sink import, the sink's trace key "{{record.id}}".
  void apply_flow(const MockApiServer& api, const std::string& flow = "f") {
    write("connection.json",
          // concurrencyLevel 1: one request in flight, so batches reach the sink in order.
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json","concurrencyLevel":1,)"
                      R"("auth":{{"type":"token","token":{{"token":"{}","location":"header",)"
                      R"("headerName":"Authorization","scheme":"Bearer"}}}}}}}})",
                      api.base_url(), api.token()));
    write(
        "export.json",
        R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api","pageSize":100,)"
        R"("http":{"method":"GET","relativeURI":"/api/orders?pageSize=100&page={{export.http.paging.page}}",)"
        R"("response":{"resourcePath":"orders"},"paging":{"method":"page","page":1}}})");
    write("import.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",)"
                         R"("traceKeyTemplate":"order {{record.id}}",)"
                         R"("http":{"method":"POST","relativeURI":"/api/sink","batchSize":50,)"
                         R"("response":{"resourceIdPath":"id"}}})");
    write("flow.json", R"({"_id":")" + flow + R"(","pageGenerators":[{"_exportId":"orders"}],)" +
                           R"("pageProcessors":[{"type":"import","_importId":"sink"}]})");
    const CliResult applied = cli_->run({"apply", resources_.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  void run_flow(const std::string& flow = "f") {
    const CliResult r = cli_->run({"flow", "run", flow, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  json::array errors(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"errors", "f", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = cli_->run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_one(r).as_array();
  }
  std::string only_error_id() {
    const json::array open = errors();
    EXPECT_EQ(open.size(), 1u);
    return open.empty() ? std::string() : std::string(open[0].at("_id").as_string());
  }

  TempDir home_{"sluice-errors-home"};
  TempDir work_{"sluice-errors-work"};
  fs::path resources_ = work_.path() / "resources";
  std::optional<SluiceCli> cli_;
};

TEST_F(ErrorsCommand, AnErrorHasItsClassificationTraceKeyAndRetryDataAndIsListedWithItsId) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const json::array open = errors();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].at("_stepId"), "sink");
  EXPECT_EQ(open[0].at("code"), "rejected");
  EXPECT_EQ(open[0].at("classification"), "value");
  EXPECT_EQ(open[0].at("traceKey"), "order ORD-000003");
  EXPECT_EQ(open[0].at("retryData").at("id"), "ORD-000003");
  EXPECT_EQ(open[0].at("resolved"), false);
  const std::string id(open[0].at("_id").as_string());
  const CliResult table = cli_->run({"errors", "f", "--step", "sink"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream in(table.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_THAT(lines[0], StartsWith("ID"));
  EXPECT_THAT(lines[1], StartsWith(id + "  sink  value  rejected  order ORD-000003  "));
  EXPECT_EQ(lines[2],
            "1 open error at step sink; `sluice errors f --json` shows each record's retry data; "
            "`sluice errors retry f` runs them again, `sluice errors resolve f` resolves them");
  EXPECT_EQ(cli_->run({"errors", "f", "--resolved"}).out, "flow f has no resolved errors\n");
  EXPECT_EQ(cli_->run({"errors", "f", "--step", "orders"}).out,
            "flow f has no open errors at step orders\n");
}

TEST_F(ErrorsCommand, ResolveResolvesNamedErrorsOrAllOfAStepAndSaysHowMany) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000002", "ORD-000004"}});
  apply_flow(api);
  run_flow();
  const json::array open = errors();
  ASSERT_EQ(open.size(), 2u);
  const std::string first(open[0].at("_id").as_string());
  const CliResult one = cli_->run({"errors", "resolve", "f", first});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "resolved 1 error of flow f\n");
  const CliResult unknown = cli_->run({"errors", "resolve", "f", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err,
            "error: no error nope in flow f; nothing was resolved — see `sluice errors f`\n");
  const CliResult rest = cli_->run({"errors", "resolve", "f", "--step", "sink", "--json"});
  EXPECT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(rest.out, "{\"resolved\":1}\n");
  EXPECT_EQ(errors().size(), 0u);
  const json::array resolved = errors({"--resolved"});
  ASSERT_EQ(resolved.size(), 2u);
  EXPECT_EQ(resolved[0].at("resolvedBy"), "operator");
  EXPECT_EQ(resolved[1].at("resolvedBy"), "operator");
  EXPECT_EQ(cli_->run({"errors", "resolve", "f"}).out, "resolved 0 errors of flow f\n");
}

TEST_F(ErrorsCommand, EditedRetryDataRetriedAsAJobOfItsOwnSucceedsAndResolvesTheError) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const std::string id = only_error_id();
  api.post("/_mock/reset", "");
  // The sink rejects by id: the operator fixes the record's id.
  const fs::path data = work_.path() / "fixed.json";
  std::ofstream(data) << R"({"id": "ORD-000003-B", "number": 3, "note": "fixed by hand"})";
  const CliResult edited = cli_->run({"errors", "edit", "f", id, "--data", data.string()});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_EQ(edited.out, fmt::format("the retry data of error {} was replaced; `sluice errors "
                                    "retry f {}` runs it again\n",
                                    id, id));
  const json::array listed = errors();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("retryDataEdited"), true);
  EXPECT_EQ(json::serialize(listed[0].at("retryData")),
            R"({"id":"ORD-000003-B","number":3,"note":"fixed by hand"})");

  const CliResult retried = cli_->run({"errors", "retry", "f", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.out << retried.err;
  const json::value result = parse_one(retried);
  const json::object& job = result.at("job").as_object();
  EXPECT_EQ(job.at("type"), "retry");
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("numExport"), 1);
  EXPECT_EQ(job.at("numSuccess"), 1);
  EXPECT_EQ(job.at("numIgnore"), 0);
  EXPECT_EQ(job.at("numError"), 0);
  EXPECT_EQ(result.at("retried"), 1);
  EXPECT_EQ(result.at("resolved"), 1);
  EXPECT_EQ(result.at("stillOpen"), 0);
  EXPECT_EQ(errors().size(), 0u);
  const json::array resolved = errors({"--resolved"});
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].at("resolvedBy"), "retry");
  EXPECT_EQ(resolved[0].at("_retryJobId"), job.at("_id"));
  const json::value sink = api.get_json("/_mock/sink");
  EXPECT_EQ(sink.at("records"), 1);
  EXPECT_EQ(sink.at("accepted"), 1);
  // The retry job is a job of the flow, listed with its own counts.
  const json::array jobs =
      parse_one(cli_->run({"get", "jobs", "--flow", "f", "--json"})).as_array();
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].at("type"), "retry");
  EXPECT_EQ(jobs[1].at("type"), "flow");
  EXPECT_EQ(jobs[1].at("numExport"), 5);
}

TEST_F(ErrorsCommand, ARetryThatFailsAgainLeavesTheErrorOpenWithTheNewAttempt) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const std::string id = only_error_id();
  const CliResult retried = cli_->run({"errors", "retry", "f", id});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_THAT(retried.out, HasSubstr("  retried 1   success 0   ignored 0   errors 1\n"));
  EXPECT_THAT(retried.out,
              HasSubstr("  0 errors resolved; 1 failed again and stays open: see `sluice errors "
                        "f`\n"));
  const json::array open = errors();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].at("_id").as_string(), id);
  EXPECT_EQ(open[0].at("message"), "order ORD-000003 was rejected by the mock sink (--reject)");
  EXPECT_TRUE(open[0].as_object().contains("_retryJobId"));
}

TEST_F(ErrorsCommand, EditInTheEditorKeepsValidJsonAndRefusesInvalidJsonChangingNothing) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const std::string id = only_error_id();
  const CliResult none = cli_->run({"errors", "edit", "f", id});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, fmt::format("error: no editor to edit the retry data in: set $VISUAL or "
                                  "$EDITOR (e.g. `export EDITOR=nano`), or pass the new retry "
                                  "data with `sluice errors edit f {} --data FILE`\n",
                                  id));
  const fs::path editor = work_.path() / "editor.sh";
  std::ofstream(editor) << "#!/bin/sh\nsed -i 's/ORD-000003/ORD-000003-E/' \"$1\"\n";
  fs::permissions(editor, fs::perms::owner_all);
  {
    ScopedEnv env("EDITOR", editor.string());
    const CliResult edited = cli_->run({"errors", "edit", "f", id});
    ASSERT_EQ(edited.exit_code, 0) << edited.err;
  }
  EXPECT_EQ(errors()[0].at("retryData").at("id"), "ORD-000003-E");
  EXPECT_EQ(errors()[0].at("retryDataEdited"), true);
  const fs::path breaker = work_.path() / "breaker.sh";
  std::ofstream(breaker) << "#!/bin/sh\nprintf '{\"id\": \\n' > \"$1\"\n";
  fs::permissions(breaker, fs::perms::owner_all);
  {
    ScopedEnv env("VISUAL", breaker.string());
    ScopedEnv other("EDITOR", "false");  // VISUAL comes first
    const CliResult broken = cli_->run({"errors", "edit", "f", id});
    EXPECT_EQ(broken.exit_code, 1);
    EXPECT_EQ(broken.err,
              fmt::format("error: the edited retry data of error {} line 2, column 1: not valid "
                          "JSON (incomplete JSON); the retry data was not changed — fix the JSON "
                          "and edit again\n",
                          id));
  }
  EXPECT_EQ(errors()[0].at("retryData").at("id"), "ORD-000003-E");
  const fs::path bad = work_.path() / "bad.json";
  std::ofstream(bad) << "{\"id\": 1,,}";
  const CliResult refused = cli_->run({"errors", "edit", "f", id, "--data", bad.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, StartsWith("error: " + bad.string() +
                                      " line 1, column 10: not valid "
                                      "JSON ("));
  EXPECT_EQ(errors()[0].at("retryData").at("id"), "ORD-000003-E");
}

TEST_F(ErrorsCommand, ARecordWithTheSameTraceKeySucceedingLaterResolvesItsErrorAutomatically) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const std::string id = only_error_id();
  api.post("/_mock/reject", "[]");
  run_flow();
  EXPECT_EQ(errors().size(), 0u);
  const json::array resolved = errors({"--resolved"});
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].at("_id").as_string(), id);
  EXPECT_EQ(resolved[0].at("resolvedBy"), "auto");
}

TEST_F(ErrorsCommand, OnlyTheNewestErrorsOfAStepKeepRetryDataAndRetrySkipsTheOthers) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000002", "ORD-000004"}});
  apply_flow(api);
  ScopedEnv cap("SLUICE_RETRY_DATA_LIMIT", "1");
  run_flow();
  const json::array open = errors();
  ASSERT_EQ(open.size(), 2u);
  int with_data = 0;
  std::string dropped;
  for (const json::value& e : open) {
    if (e.at("retryData").is_null()) {
      dropped = std::string(e.at("_id").as_string());
      EXPECT_THAT(std::string(e.at("note").as_string()),
                  HasSubstr("the store keeps it only for the newest 1 errors with retry data of "
                            "step sink ($SLUICE_RETRY_DATA_LIMIT); this error can be resolved, "
                            "not retried"));
    } else {
      ++with_data;
    }
  }
  EXPECT_EQ(with_data, 1);
  api.post("/_mock/reject", "[]");
  const CliResult retried = cli_->run({"errors", "retry", "f", "--json"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  const json::value result = parse_one(retried);
  EXPECT_EQ(result.at("retried"), 1);
  EXPECT_EQ(result.at("skipped"), 1);
  EXPECT_THAT(
      std::string(result.at("notes").at(0).as_string()),
      StartsWith(fmt::format("error {} has no retry data (retry data dropped at ", dropped)));
}

TEST_F(ErrorsCommand, RetryDataNumbersArePrintedAsJavaScriptWritesThem) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api);
  run_flow();
  const std::string id = only_error_id();
  const fs::path data = work_.path() / "numbers.json";
  std::ofstream(data) << R"({"id": "ORD-000003", "amount": 1.5, "big": 1e21, "small": 5e-7})";
  const CliResult edited =
      cli_->run({"errors", "edit", "f", id, "--data", data.string(), "--json"});
  ASSERT_EQ(edited.exit_code, 0) << edited.err;
  EXPECT_THAT(
      edited.out,
      HasSubstr(R"("retryData":{"id":"ORD-000003","amount":1.5,"big":1e+21,"small":5e-7})"));
  const CliResult listed = cli_->run({"errors", "f", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(
      listed.out,
      HasSubstr(R"("retryData":{"id":"ORD-000003","amount":1.5,"big":1e+21,"small":5e-7})"));
  // The editor gets them in the same form.
  const fs::path seen = work_.path() / "seen.json";
  const fs::path editor = work_.path() / "copy.sh";
  std::ofstream(editor) << "#!/bin/sh\ncp \"$1\" " << seen.string() << "\n";
  fs::permissions(editor, fs::perms::owner_all);
  ScopedEnv env("EDITOR", editor.string());
  const CliResult unchanged = cli_->run({"errors", "edit", "f", id});
  ASSERT_EQ(unchanged.exit_code, 0) << unchanged.err;
  std::ifstream in(seen);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text,
            "{\n  \"id\": \"ORD-000003\",\n  \"amount\": 1.5,\n  \"big\": 1e+21,\n  \"small\": "
            "5e-7\n}\n");
}

TEST_F(ErrorsCommand, AFlowNamedLikeASubcommandIsListedWithErrorsList) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api, "retry");
  const CliResult ran = cli_->run({"flow", "run", "retry"});
  ASSERT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_THAT(ran.out, HasSubstr("  1 record failed: see `sluice errors list retry`\n"));
  const CliResult listed = cli_->run({"errors", "list", "retry", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const json::array open = parse_one(listed).as_array();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].at("_flowId"), "retry");
  EXPECT_EQ(open[0].at("retryData").at("id"), "ORD-000003");
  const CliResult table = cli_->run({"errors", "list", "retry", "--step", "sink"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out,
              HasSubstr("1 open error at step sink; `sluice errors list retry --json` shows each "
                        "record's retry data; `sluice errors retry retry` runs them again, "
                        "`sluice errors resolve retry` resolves them\n"));
  // The subcommands take such a flow as their FLOW as always.
  const CliResult resolved = cli_->run({"errors", "resolve", "retry", "--json"});
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  EXPECT_EQ(resolved.out, "{\"resolved\":1}\n");
  const CliResult help = cli_->run({"errors", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("       sluice errors list FLOW [...]  (the same, for a flow "
                                  "named resolve, retry, edit or\n"));
}

TEST_F(ErrorsCommand, RetryHintsForAFlowNamedLikeASubcommandUseErrorsList) {
  MockApiServer api({.orders = 5, .reject = {"ORD-000003"}});
  apply_flow(api, "edit");
  ASSERT_EQ(cli_->run({"flow", "run", "edit"}).exit_code, 0);
  const CliResult unknown = cli_->run({"errors", "retry", "edit", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "error: no error nope in flow edit; see `sluice errors list edit`\n");
  const CliResult at_step = cli_->run({"errors", "retry", "edit", "--step", "sink", "nope"});
  EXPECT_EQ(at_step.exit_code, 1);
  EXPECT_EQ(at_step.err,
            "error: no error nope in flow edit at step sink; see `sluice errors list edit --step "
            "sink`\n");
  const CliResult listed = cli_->run({"errors", "list", "edit", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string id(parse_one(listed).as_array().at(0).at("_id").as_string());
  ASSERT_EQ(cli_->run({"errors", "resolve", "edit", id}).exit_code, 0);
  const CliResult resolved = cli_->run({"errors", "retry", "edit", id});
  EXPECT_EQ(resolved.exit_code, 1);
  EXPECT_THAT(resolved.err, HasSubstr("only open errors are retried — see `sluice errors list "
                                      "edit`\n"));
}

TEST_F(ErrorsCommand, RetryWithNothingToRetrySaysSo) {
  MockApiServer api({.orders = 2});
  apply_flow(api);
  run_flow();
  const CliResult r = cli_->run({"errors", "retry", "f"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "error: flow f has no open errors to retry\n");
  const CliResult unknown = cli_->run({"errors", "retry", "f", "nope"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "error: no error nope in flow f; see `sluice errors f`\n");
}

}  // namespace
}  // namespace sluice::testing
