// Every refusal of Filter::compile: the JSON path inside the document, what was found and what
// was expected.
#include <gtest/gtest.h>

#include "filter/test_support.hpp"

namespace sluice::host::filter {
namespace {

using testing::compile_error;
using testing::parse;

std::string doc_error(std::string_view doc) {
  auto filter = Filter::compile(parse(doc), "exports[0].filter");
  return filter ? std::string() : filter.error().message;
}

TEST(CompileErrors, AreInvalidConfig) {
  auto filter = Filter::compile(testing::expression_doc(R"(["equals"])"), "exports[0].filter");
  ASSERT_FALSE(filter);
  EXPECT_EQ(filter.error().status, Status::kInvalidConfig);
}

TEST(CompileErrors, AnObjectWhereAnOperandBelongs) {
  EXPECT_EQ(
      compile_error(
          R"(["and", ["equals", ["extract", "a"], 1], ["equals", ["extract", "b"], {"x": 1}]])"),
      "exports[0].filter.expression.rules[2][2]: expected an operand like [\"extract\", "
      "\"path\"] or a literal, found {\"x\":1}");
}

TEST(CompileErrors, AValueWhereAConditionBelongs) {
  EXPECT_EQ(compile_error(R"(["and", ["equals", ["extract", "a"], 1], 42])"),
            "exports[0].filter.expression.rules[2]: expected a condition like [\"equals\", "
            "[\"extract\", \"status\"], \"open\"], found 42");
  EXPECT_EQ(compile_error(R"(["or", ["extract", "active"]])"),
            "exports[0].filter.expression.rules[1]: expected a condition like [\"equals\", "
            "[\"extract\", \"status\"], \"open\"], found [\"extract\",\"active\"], which gives a "
            "value, not true or false; compare it (e.g. [\"equals\", ..., true]) or wrap it in "
            "[\"boolean\", ...]");
  EXPECT_EQ(compile_error(R"("equals")"),
            "exports[0].filter.expression.rules: expected a condition like [\"equals\", "
            "[\"extract\", \"status\"], \"open\"], found \"equals\"");
}

TEST(CompileErrors, AnEmptyRule) {
  EXPECT_EQ(compile_error(R"(["not", []])"),
            "exports[0].filter.expression.rules[1]: expected a condition like [\"equals\", "
            "[\"extract\", \"status\"], \"open\"] (an operator name, then its operands), found []");
}

TEST(CompileErrors, AnOperatorThatIsNotAString) {
  EXPECT_EQ(compile_error(R"([1, 2])"),
            "exports[0].filter.expression.rules[0]: expected an operator name such as \"equals\" "
            "or \"extract\", found 1 in [1,2]");
}

TEST(CompileErrors, AnOperatorWrittenWithCapitals) {
  EXPECT_EQ(compile_error(R"(["isNotEmpty", ["extract", "a"]])"),
            "exports[0].filter.expression.rules[0]: unknown operator \"isNotEmpty\"; operator "
            "names are lowercase: write \"isnotempty\"");
}

TEST(CompileErrors, AMisspelledOperator) {
  EXPECT_EQ(compile_error(R"(["equal", ["extract", "a"], 1])"),
            "exports[0].filter.expression.rules[0]: unknown operator \"equal\"; did you mean "
            "\"equals\"?");
  EXPECT_EQ(
      compile_error(R"(["startsWith_x", ["extract", "a"], 1])"),
      "exports[0].filter.expression.rules[0]: unknown operator \"startsWith_x\"; did you mean "
      "\"startswith\"?");
}

TEST(CompileErrors, AnUnknownOperatorListsTheKnownOnes) {
  EXPECT_EQ(
      compile_error(R"(["between", ["extract", "a"], 1, 2])"),
      "exports[0].filter.expression.rules[0]: unknown operator \"between\"; expected one of "
      "extract settings number string boolean epochtime lowercase uppercase ceiling floor abs "
      "equals notequals greaterthan greaterthanequals lessthan lessthanequals startswith "
      "endswith contains doesnotcontain matches empty isempty notempty isnotempty anyof and "
      "or not");
}

TEST(CompileErrors, TheWrongNumberOfOperands) {
  EXPECT_EQ(compile_error(R"(["equals", ["extract", "a"]])"),
            "exports[0].filter.expression.rules: equals takes 2 operands, found 1 in "
            "[\"equals\",[\"extract\",\"a\"]]; write it like [\"equals\", [\"extract\", "
            "\"field\"], \"value\"]");
  EXPECT_EQ(compile_error(R"(["notempty", ["extract", "a"], ["extract", "b"]])"),
            "exports[0].filter.expression.rules: notempty takes 1 operand, found 2 in "
            "[\"notempty\",[\"extract\",\"a\"],[\"extract\",\"b\"]]; write it like [\"notempty\", "
            "[\"extract\", \"field\"]]");
  EXPECT_EQ(compile_error(R"(["not", ["equals", 1, 1], ["equals", 2, 2]])"),
            "exports[0].filter.expression.rules: not takes 1 operand, found 2 in "
            "[\"not\",[\"equals\",1,1],[\"equals\",2,2]]; write it like [\"not\", [\"equals\", "
            "[\"extract\", \"status\"], \"open\"]]");
  EXPECT_EQ(compile_error(R"(["and"])"),
            "exports[0].filter.expression.rules: and takes one condition or more, found none in "
            "[\"and\"]");
  EXPECT_EQ(compile_error(R"(["equals", ["number"], 1])"),
            "exports[0].filter.expression.rules[1]: number takes 1 operand, found 0 in "
            "[\"number\"]; write it like [\"number\", [\"extract\", \"field\"]]");
  EXPECT_EQ(compile_error(R"(["empty", ["extract", "a", "b"]])"),
            "exports[0].filter.expression.rules[1]: extract takes 1 operand, found 2 in "
            "[\"extract\",\"a\",\"b\"]; write it like [\"extract\", \"a.b[0].c\"]");
}

TEST(CompileErrors, AnExtractWithoutAPath) {
  EXPECT_EQ(compile_error(R"(["empty", ["extract", 42]])"),
            "exports[0].filter.expression.rules[1][1]: expected a field path like \"a.b[0].c\", "
            "found 42");
  EXPECT_EQ(compile_error(R"(["empty", ["extract", "a..b"]])"),
            "exports[0].filter.expression.rules[1][1]: the path \"a..b\" is not valid: an empty "
            "name at character 3");
  EXPECT_EQ(
      compile_error(R"(["empty", ["extract", "lines[x]"]])"),
      "exports[0].filter.expression.rules[1][1]: the path \"lines[x]\" is not valid: expected "
      "an index like [0] or a quoted name like [\"a b\"] at character 6, found [x]");
  EXPECT_EQ(compile_error(R"(["empty", ["extract", ""]])"),
            "exports[0].filter.expression.rules[1][1]: the path \"\" is not valid: the path is "
            "empty");
}

TEST(CompileErrors, ASettingWithoutItsScope) {
  EXPECT_EQ(compile_error(R"(["empty", ["settings", "trantype"]])"),
            "exports[0].filter.expression.rules[1][1]: expected a setting that starts with flow., "
            "export., import. or integration. (e.g. \"flow.trantype\"), found \"trantype\"");
  EXPECT_EQ(compile_error(R"(["empty", ["settings", "flow."]])"),
            "exports[0].filter.expression.rules[1][1]: expected the name of a setting after "
            "\"flow.\", found \"flow.\"");
  EXPECT_EQ(
      compile_error(R"(["empty", ["settings", ["flow"]]])"),
      "exports[0].filter.expression.rules[1][1]: expected a setting like \"flow.name\", found "
      "[\"flow\"]");
}

TEST(CompileErrors, AnInvalidRegularExpression) {
  const std::string message = compile_error(R"(["matches", ["extract", "a"], "(ab"])");
  EXPECT_EQ(message.rfind("exports[0].filter.expression.rules[2]: the regular expression \"(ab\" "
                          "is not valid: ",
                          0),
            0u)
      << message;
  EXPECT_EQ(compile_error(R"(["matches", ["extract", "a"], 5])"),
            "exports[0].filter.expression.rules[2]: expected a regular expression (a string like "
            "\"^HC[0-9]+\"), found 5");
}

TEST(CompileErrors, ATransformOfTheWrongType) {
  EXPECT_EQ(compile_error(R"(["equals", ["lowercase", ["number", ["extract", "a"]]], "x"])"),
            "exports[0].filter.expression.rules[1][1]: lowercase needs a string, found "
            "[\"number\",[\"extract\",\"a\"]]; convert it first with [\"string\", ...]");
  EXPECT_EQ(
      compile_error(R"(["equals", ["abs", "12"], 12])"),
      "exports[0].filter.expression.rules[1][1]: abs needs a number, found \"12\"; convert it "
      "first with [\"number\", ...]");
}

TEST(CompileErrors, AnAnyOfWithoutAList) {
  EXPECT_EQ(compile_error(R"(["anyof", ["extract", "a"], "Urgent"])"),
            "exports[0].filter.expression.rules[2]: expected a list of values like [\"Urgent\", "
            "\"High Priority\"] or [\"settings\", \"flow.list\"], found \"Urgent\"");
}

TEST(CompileErrors, RulesNestedTooDeep) {
  std::string rules = R"(["equals", 1, 1])";
  for (int i = 0; i < 40; ++i) rules = "[\"not\", " + rules + "]";
  const std::string message = compile_error(rules);
  EXPECT_NE(message.find(": the rules are nested more than 32 levels deep; split the condition"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.rfind("exports[0].filter.expression.rules[1][1]", 0), 0u) << message;
}

TEST(CompileErrors, ALongRuleIsShortenedInTheMessage) {
  const std::string long_name(100, 'x');
  const std::string message = compile_error("[\"equals\", [\"extract\", \"" + long_name + "\"]]");
  EXPECT_NE(message.find("found 1 in [\"equals\",[\"extract\",\"xxxx"), std::string::npos)
      << message;
  EXPECT_NE(message.find("xxx...; write it like"), std::string::npos) << message;
}

// --- the document around the rules -------------------------------------------------------------

TEST(DocumentErrors, NotAnObject) {
  EXPECT_EQ(doc_error(R"(["equals", ["extract", "a"], 1])"),
            "exports[0].filter: expected a filter like {\"type\": \"expression\", \"expression\": "
            "{\"version\": \"1\", \"rules\": [...]}}, found [\"equals\",[\"extract\",\"a\"],1]");
}

TEST(DocumentErrors, RulesAtTheTopLevel) {
  EXPECT_EQ(doc_error(R"({"type": "expression", "rules": []})"),
            "exports[0].filter.rules: unknown field; a filter has \"type\", \"expression\" and "
            "\"script\"");
}

TEST(DocumentErrors, TypeMissingOrUnknown) {
  EXPECT_EQ(doc_error(R"({"expression": {"version": "1", "rules": []}})"),
            "exports[0].filter: \"type\" is missing; expected \"expression\" (with \"expression\": "
            "{\"version\": \"1\", \"rules\": [...]}) or \"script\" (with \"script\": "
            "{\"_scriptId\", \"function\"})");
  EXPECT_EQ(doc_error(R"({"type": "rules"})"),
            "exports[0].filter.type: expected \"expression\" or \"script\", found \"rules\"");
}

TEST(DocumentErrors, TheBlockOfTheTypeIsMissing) {
  EXPECT_EQ(doc_error(R"({"type": "expression"})"),
            "exports[0].filter: \"type\" is \"expression\" but \"expression\" is missing; add "
            "\"expression\": {\"version\": \"1\", \"rules\": [...]}");
  EXPECT_EQ(doc_error(R"({"type": "script"})"),
            "exports[0].filter: \"type\" is \"script\" but \"script\" is missing; add \"script\": "
            "{\"_scriptId\": \"<id of a Script>\", \"function\": \"<its function>\"}");
}

TEST(DocumentErrors, ExpressionFields) {
  EXPECT_EQ(doc_error(R"({"type": "expression", "expression": {"version": "2", "rules": []}})"),
            "exports[0].filter.expression.version: expected \"1\" (the only version of the rule "
            "language), found \"2\"");
  EXPECT_EQ(doc_error(R"({"type": "expression", "expression": {"version": 1, "rules": []}})"),
            "exports[0].filter.expression.version: expected \"1\" (the only version of the rule "
            "language), found 1");
  EXPECT_EQ(doc_error(R"({"type": "expression", "expression": {"rule": []}})"),
            "exports[0].filter.expression.rule: unknown field; an expression has \"version\" and "
            "\"rules\"");
  EXPECT_EQ(doc_error(R"({"type": "expression", "expression": []})"),
            "exports[0].filter.expression: expected an expression like {\"version\": \"1\", "
            "\"rules\": [...]}, found []");
}

TEST(DocumentErrors, ScriptFields) {
  EXPECT_EQ(doc_error(R"({"type": "script", "script": {"function": "f"}})"),
            "exports[0].filter.script._scriptId: expected the id of a Script resource (a non-empty "
            "string), found nothing");
  EXPECT_EQ(doc_error(R"({"type": "script", "script": {"_scriptId": "", "function": "f"}})"),
            "exports[0].filter.script._scriptId: expected the id of a Script resource (a non-empty "
            "string), found \"\"");
  EXPECT_EQ(doc_error(R"({"type": "script", "script": {"_scriptId": "s"}})"),
            "exports[0].filter.script.function: expected the name of a JavaScript function (like "
            "\"filterRecords\"), found nothing");
  EXPECT_EQ(doc_error(R"({"type": "script", "script": {"_scriptId": "s", "function": "a b"}})"),
            "exports[0].filter.script.function: expected the name of a JavaScript function (like "
            "\"filterRecords\"), found \"a b\"");
  EXPECT_EQ(
      doc_error(R"({"type": "script", "script": {"_scriptId": "s", "function": "f", "x": 1}})"),
      "exports[0].filter.script.x: unknown field; a filter script has \"_scriptId\" and "
      "\"function\"");
  EXPECT_EQ(doc_error(R"({"type": "script", "script": "s"})"),
            "exports[0].filter.script: expected {\"_scriptId\": \"...\", \"function\": \"...\"}, "
            "found \"s\"");
}

}  // namespace
}  // namespace sluice::host::filter
