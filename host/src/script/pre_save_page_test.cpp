#include "script/pre_save_page.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice::script {
namespace {

namespace json = boost::json;

std::unique_ptr<ScriptEngine> load(std::string content) {
  auto engine = ScriptEngine::load(ScriptSource{
      .id = "s9", .name = "hook", .file_name = "hook.js", .content = std::move(content)});
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().message);
  return engine ? std::move(*engine) : nullptr;
}

PreSavePageContext delta_context() {
  PreSavePageContext context;
  context.page_index = 2;
  context.last_export_date_time = "2026-11-30T10:00:00.000Z";
  context.current_export_date_time = "2026-12-01T10:00:00.000Z";
  context.settings = json::object{{"flow", json::object{{"region", "EU"}}}};
  context.export_id = "e1";
  context.connection_id = "c1";
  context.flow_id = "f1";
  context.job = json::object{{"_id", "j7"}, {"type", "flow"}};
  context.test_mode = true;
  return context;
}

TEST(PreSavePage, OptionsCarryEveryFieldOfTheContract) {
  const json::array data{json::object{{"id", 1}}};
  const json::array errors{json::object{{"code", "E1"}, {"message", "m"}, {"source", "s"}}};
  EXPECT_EQ(build_pre_save_page_options(data, errors, delta_context()),
            R"({"data":[{"id":1}],"errors":[{"code":"E1","message":"m","source":"s"}],)"
            R"("pageIndex":2,"lastExportDateTime":"2026-11-30T10:00:00.000Z",)"
            R"("currentExportDateTime":"2026-12-01T10:00:00.000Z",)"
            R"("settings":{"flow":{"region":"EU"}},"_exportId":"e1","_connectionId":"c1",)"
            R"("_flowId":"f1","job":{"_id":"j7","type":"flow"},"testMode":true})");
}

TEST(PreSavePage, DateTimesAreAbsentOutsideDeltaExports) {
  PreSavePageContext context;
  EXPECT_EQ(build_pre_save_page_options({}, {}, context),
            R"({"data":[],"errors":[],"pageIndex":0,"settings":{},"_exportId":"",)"
            R"("_connectionId":"","_flowId":"","job":{},"testMode":false})");
}

TEST(PreSavePage, RoundTripFiltersMapsAndReportsErrors) {
  auto engine = load(R"(
    function preSavePage(options) {
      const data = [], errors = [...options.errors], fresh = [];
      for (const r of options.data) {
        if (!r.email) { fresh.push({retryData: r, errors: [{code: 'NO_EMAIL', message: 'order ' + r.id + ' has no email'}]}); continue; }
        if (r.status !== 'open') continue;
        data.push({id: r.id, region: options.settings.flow.region, page: options.pageIndex, job: options.job._id});
      }
      return {data, errors, abort: options.testMode, newErrorsAndRetryData: fresh};
    })");
  const json::array data{
      json::object{{"id", 1}, {"status", "open"}, {"email", "a@x"}},
      json::object{{"id", 2}, {"status", "closed"}, {"email", "b@x"}},
      json::object{{"id", 3}, {"status", "open"}},
  };
  const json::array errors{json::object{{"code", 404}, {"message", "earlier"}}};
  auto result = call_pre_save_page(*engine, "preSavePage", data, errors, delta_context());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(json::serialize(result->data), R"([{"id":1,"region":"EU","page":2,"job":"j7"}])");
  ASSERT_EQ(result->errors.size(), 1u);
  EXPECT_EQ(result->errors[0].code, "404");
  EXPECT_EQ(result->errors[0].message, "earlier");
  EXPECT_TRUE(result->abort);
  ASSERT_EQ(result->new_errors_and_retry_data.size(), 1u);
  EXPECT_EQ(json::serialize(result->new_errors_and_retry_data[0].retry_data),
            R"({"id":3,"status":"open"})");
  EXPECT_EQ(result->new_errors_and_retry_data[0].errors[0].code, "NO_EMAIL");
  EXPECT_EQ(result->new_errors_and_retry_data[0].errors[0].message, "order 3 has no email");
}

TEST(PreSavePage, OnlyDataIsRequired) {
  auto decoded =
      decode_pre_save_page_result(R"({"data":[1,2]})", ScriptSource{.name = "hook"}, "f");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->data.size(), 2u);
  EXPECT_TRUE(decoded->errors.empty());
  EXPECT_FALSE(decoded->abort);
}

struct Malformed {
  const char* result;
  const char* message;
};

class PreSavePageMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(PreSavePageMalformed, IsRefusedWithThePathAndWhatWasExpected) {
  const ScriptSource source{.name = "hook", .file_name = "hook.js"};
  auto decoded = decode_pre_save_page_result(GetParam().result, source, "preSavePage");
  ASSERT_FALSE(decoded);
  EXPECT_EQ(failure_of(decoded.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(decoded.error().message,
            std::string("script \"hook\" (hook.js), function preSavePage: returned a result "
                        "whose ") +
                GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PreSavePageMalformed,
    ::testing::Values(
        Malformed{"null",
                  "top level is null; preSavePage returns an object {data, errors, abort, "
                  "newErrorsAndRetryData}"},
        Malformed{"[1]",
                  "top level is an array; preSavePage returns an object {data, errors, abort, "
                  "newErrorsAndRetryData}"},
        Malformed{"{}",
                  "data is missing; preSavePage returns the page's records as an array in data "
                  "(return {data: options.data} to keep them)"},
        Malformed{R"({"data":{"id":1}})",
                  "data is an object; preSavePage returns the page's records as an array in "
                  "data (return {data: options.data} to keep them)"},
        Malformed{R"({"data":[],"errors":"boom"})",
                  "errors is a string; errors is an array of {code, message, source}"},
        Malformed{R"({"data":[],"errors":["boom"]})",
                  "errors[0] is a string; an error is an object {code, message, source}"},
        Malformed{R"({"data":[],"errors":[{"message":"ok"},{"code":"E"}]})",
                  "errors[1].message is missing; every error needs a message (a string)"},
        Malformed{R"({"data":[],"errors":[{"message":"m","code":true}]})",
                  "errors[0].code is a boolean; a code is a string or a number"},
        Malformed{R"({"data":[],"abort":"yes"})",
                  "abort is a string; abort is true (stop paging after this page) or false"},
        Malformed{R"({"data":[],"newErrorsAndRetryData":{}})",
                  "newErrorsAndRetryData is an object; it is an array of {retryData, errors: "
                  "[...]}"},
        Malformed{R"({"data":[],"newErrorsAndRetryData":[{"retryData":{}}]})",
                  "newErrorsAndRetryData[0].errors is missing; each entry needs at least one "
                  "error"},
        Malformed{R"({"data":[],"newErrorsAndRetryData":[{"retryData":{},"errors":[]}]})",
                  "newErrorsAndRetryData[0].errors is empty; each entry needs at least one "
                  "error"},
        Malformed{R"({"data":[],"newErrorsAndRetryData":[{"errors":[{"message":7}]}]})",
                  "newErrorsAndRetryData[0].errors[0].message is a number; every error needs a "
                  "message (a string)"}));

TEST(PreSavePage, AHookThatReturnsNothingIsRefused) {
  auto engine = load("function preSavePage(options) { options.data.pop(); }");
  auto result = call_pre_save_page(*engine, "preSavePage", json::array{1}, {}, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(failure_of(result.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(result.error().message,
            "script \"hook\" (hook.js), function preSavePage: returned undefined, which has no "
            "JSON form; return an object (did the function forget a return statement?)");
}

TEST(PreSavePage, AThrowIsReturnedWithTheScriptsMessage) {
  auto engine = load("function preSavePage(options) {\n  throw new Error('stop the job');\n}");
  auto result = call_pre_save_page(*engine, "preSavePage", {}, {}, {});
  ASSERT_FALSE(result);
  EXPECT_EQ(failure_of(result.error()), ScriptFailure::kThrown);
  EXPECT_EQ(result.error().details.at("message"), "Error: stop the job");
  EXPECT_EQ(result.error().details.at("line"), 2);
}

}  // namespace
}  // namespace sluice::script
