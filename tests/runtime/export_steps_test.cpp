// The export steps wired to their engines, run by the real runtime with the memory plugin: the
// output filter (rules and script), the transformation (Mapper 2.0) and the preSavePage hook
// (SpiderMonkey), in integrator.io's order, with exact records and counts.
#include <cstdlib>

#include <gtest/gtest.h>

#include "runtime_fixture.hpp"
#include "store/error_class.hpp"

namespace sluice::runtime {
namespace {

class ExportSteps : public Runtime {
 protected:
  void put_script(const std::string& id, const std::string& code) {
    put(ResourceKind::kScript, {{"_id", id}, {"name", id}, {"content", code}});
  }
  // Flow f: export a (records A1, A2) with hooks.preSavePage {_scriptId: "hook", function:
  // "preSavePage"} -> import x.
  void put_hooked_flow() {
    put_export(
        "a", {{"count", 2}, {"prefix", "A"}}, 0,
        {{"hooks", json::object{{"preSavePage", json::object{{"_scriptId", "hook"},
                                                             {"function", "preSavePage"}}}}}});
    put_import("x", {});
    put_flow("f", {"a"}, {"x"});
  }
  std::vector<host::JobError> errors_of(const std::string& flow) {
    auto errors = store_->list_errors(flow, 100);
    EXPECT_TRUE(errors);
    return errors ? *errors : std::vector<host::JobError>{};
  }
};

const json::value kKeepUpToSix = json::parse(R"({"type": "expression", "expression":
    {"version": "1", "rules": ["lessthanequals", ["number", ["extract", "n"]], 6]}})");

const json::value kSuffixIds = json::parse(R"({"type": "expression", "expression":
    {"version": "2", "rulesTwoDotZero": {"mode": "create", "mappings": [
      {"generate": "id", "dataType": "string", "extract": "{{record.id}}-t"},
      {"generate": "n", "dataType": "number", "extract": "$.n"}]}}})");

TEST_F(ExportSteps, TransformThenFilterThenHookShapeWhatTheImportGetsAndEveryRecordIsCounted) {
  put_script("hook", R"(
    function preSavePage(options) {
      console.log("page " + options.pageIndex + " has " + options.data.length + " records");
      return {data: options.data.filter(r => r.id !== "A2-t").concat([{id: "NEW"}]),
              errors: [{code: "c1", message: "the hook noticed something"}], abort: false};
    })");
  put_export("a", {{"count", 10}, {"prefix", "A"}}, 0,
             {{"transform", kSuffixIds},
              {"filter", kKeepUpToSix},
              {"hooks", json::object{{"preSavePage", json::object{{"_scriptId", "hook"},
                                                                  {"function", "preSavePage"}}}}}});
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1-t,A3-t,A4-t,A5-t,A6-t,NEW"});
  // The hook returned as many records as it was given (one dropped, one added): the page's count
  // is unchanged (page.hpp's rule counts the difference). 4 the filter dropped are ignored.
  EXPECT_EQ(job.num_export, 10);
  EXPECT_EQ(job.num_success, 6);
  EXPECT_EQ(job.num_ignore, 4);
  EXPECT_EQ(job.num_error, 0);
  expect_identity(job);
}

TEST_F(ExportSteps, AScriptFilterThatThrowsForOneRecordFailsOnlyThatRecord) {
  put_script("keep", R"(
    function keep(options) {
      if (options.record.id === "A3") throw new Error("no A3 here");
      return options.record.n % 2 === 1 || options.record.id === "A4";
    })");
  put_export(
      "a", {{"count", 5}, {"prefix", "A"}}, 0,
      {{"filter",
        json::object{{"type", "script"},
                     {"script", json::object{{"_scriptId", "keep"}, {"function", "keep"}}}}}});
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A4,A5"});
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_ignore, 1);  // A2
  EXPECT_EQ(job.num_error, 1);   // A3
  expect_identity(job);
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].step_id, "a");
  EXPECT_EQ(errors[0].code, "filter");
  EXPECT_NE(errors[0].message.find("no A3 here"), std::string::npos) << errors[0].message;
  EXPECT_EQ(errors[0].retry_data.at("id"), "A3");
}

TEST_F(ExportSteps, ARecordTheTransformationCannotConvertFailsWithItsFieldAndTheRestGoesOn) {
  put_export("a", {{"count", 3}, {"prefix", "A"}}, 0,
             {{"transform", json::parse(R"({"type": "expression",
      "expression": {"version": "2", "rulesTwoDotZero": {"mode": "modify", "mappings": [
        {"generate": "n", "dataType": "number", "extract": "{{#if (eq record.id \"A2\")}}x{{else}}{{record.n}}{{/if}}"}]}}})")}});
  put_import("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(imported()["x"], std::vector<std::string>{"A1,A3"});
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "transform");
  EXPECT_EQ(errors[0].message, "transformation: field n: cannot convert \"x\" to number");
  EXPECT_EQ(errors[0].retry_data.at("id"), "A2");  // as it entered the transformation
}

TEST_F(ExportSteps, AHookThatThrowsFailsTheJobWithTheScriptsMessage) {
  put_script("hook", "function preSavePage(options) { throw new Error('upstream is down'); }");
  put_hooked_flow();
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("upstream is down"), std::string::npos) << job.message;
  EXPECT_TRUE(imported()["x"].empty());
  expect_identity(job);
}

TEST_F(ExportSteps, TheErrorOfAHookThatThrowsIsStoredWithCodeHookAndItsStackNamesTheScript) {
  // Stack frames name the Script by its name (docs/scripts.md), not its id or a file.
  put(ResourceKind::kScript,
      {{"_id", "hook"},
       {"name", "Orders hook"},
       {"content", "function preSavePage(options) { throw new Error('upstream is down'); }"}});
  put_hooked_flow();
  const Job job = run("f");
  ASSERT_EQ(job.status, "failed");
  const auto errors = errors_of("f");
  ASSERT_EQ(errors.size(), 2u);  // the page's two records
  for (const auto& e : errors) {
    EXPECT_EQ(e.code, "hook");
    EXPECT_EQ(e.step_id, "a");
    EXPECT_EQ(
        e.message,
        "preSavePage hook of export a: script \"Orders hook\", function preSavePage: threw "
        "Error: upstream is down at line 1, column 39\nstack:\n  preSavePage@Orders hook:1:39");
    EXPECT_EQ(host::classify_error(e.code), "value");
  }
}

TEST_F(ExportSteps, AnInvalidScriptLimitInTheEnvironmentFailsTheJobNamingIt) {
  put_script("hook", "function preSavePage(options) { return {data: options.data}; }");
  put_hooked_flow();
  ::setenv("SLUICE_SCRIPT_TIME_LIMIT_MS", "5s", 1);
  const Job job = run("f");
  ::unsetenv("SLUICE_SCRIPT_TIME_LIMIT_MS");
  EXPECT_EQ(job.status, "failed");
  EXPECT_NE(job.message.find("SLUICE_SCRIPT_TIME_LIMIT_MS=\"5s\": expected a whole number from 1 "
                             "to 3600000; fix or unset it"),
            std::string::npos)
      << job.message;
  EXPECT_TRUE(imported()["x"].empty());
}

}  // namespace
}  // namespace sluice::runtime
