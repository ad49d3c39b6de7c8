#include "script/script_reference.hpp"

#include <map>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice::script {
namespace {

namespace json = boost::json;

class ScriptReference : public ::testing::Test {
 protected:
  ScriptReferenceChecker checker{[this](const std::string& id) -> const json::object* {
                                   ++finds[id];
                                   auto it = scripts.find(id);
                                   return it == scripts.end() ? nullptr : &it->second;
                                 },
                                 {.call_time_limit_ms = 100}};
  std::map<std::string, json::object> scripts{
      {"hook", json::object{{"_id", "hook"},
                            {"name", "Orders hook"},
                            {"content",
                             "function preSavePage(o) { return o; }\nconst keep = () => true;"}}},
      {"spin", json::object{{"_id", "spin"}, {"name", "Spinner"}, {"content", "for (;;) {}"}}},
  };
  std::map<std::string, int> finds;

  std::optional<std::string> check(std::string_view reference) {
    const json::value value = json::parse(reference);
    return checker.check(&value, "$.hooks.preSavePage");
  }
};

TEST_F(ScriptReference, AnExistingFunctionPasses) {
  EXPECT_EQ(check(R"({"_scriptId": "hook", "function": "preSavePage"})"), std::nullopt);
  EXPECT_EQ(check(R"({"_scriptId": "hook", "function": "keep"})"), std::nullopt);
  EXPECT_EQ(finds["hook"], 1);  // loaded once
}

TEST_F(ScriptReference, AMissingFunctionIsNamed) {
  EXPECT_EQ(check(R"({"_scriptId": "hook", "function": "preMap"})"),
            "$.hooks.preSavePage.function: script \"Orders hook\" (hook) defines no function "
            "named \"preMap\"; define it or name one of its functions");
}

TEST_F(ScriptReference, AMissingScriptIsNamed) {
  EXPECT_EQ(check(R"({"_scriptId": "nope", "function": "f"})"),
            "$.hooks.preSavePage._scriptId: expected an existing script, found \"nope\", which is "
            "neither in this apply nor in the store");
}

TEST_F(ScriptReference, MalformedReferencesSayWhatWasExpected) {
  EXPECT_EQ(checker.check(nullptr, "$.filter.script"),
            "$.filter.script: expected {\"_scriptId\": ..., \"function\": ...}, found nothing");
  EXPECT_EQ(
      check(R"("hook")"),
      "$.hooks.preSavePage: expected {\"_scriptId\": ..., \"function\": ...}, found \"hook\"");
  EXPECT_EQ(check(R"({"_scriptId": 3, "function": "f"})"),
            "$.hooks.preSavePage._scriptId: expected the _id of a script, found 3");
  EXPECT_EQ(check(R"({"_scriptId": "hook"})"),
            "$.hooks.preSavePage.function: expected the name of a function of script hook, "
            "found nothing");
  EXPECT_EQ(check(R"({"_scriptId": "hook", "function": "preSavePage", "fn": 1})"),
            "$.hooks.preSavePage.fn: unknown field; a script reference has _scriptId and function");
}

TEST_F(ScriptReference, AScriptWhoseTopLevelCodeNeverEndsCannotBeLoaded) {
  EXPECT_EQ(check(R"({"_scriptId": "spin", "function": "f"})"),
            "$.hooks.preSavePage._scriptId: script spin cannot be loaded: script \"Spinner\", "
            "top-level code: stopped after running past its time limit of 100 ms per call "
            "(SLUICE_SCRIPT_TIME_LIMIT_MS=100); look for an endless loop, or raise "
            "SLUICE_SCRIPT_TIME_LIMIT_MS (milliseconds, at most 3600000) and run again");
}

}  // namespace
}  // namespace sluice::script
