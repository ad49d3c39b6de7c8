// The rule language, operator by operator: exact outcomes, including the examples of Celigo's
// filter schema (skills/configuring-filters/references/schemas/filter.yml).
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "filter/test_support.hpp"

namespace sluice::host::filter {
namespace {

using testing::compiled;
using testing::parse;
using testing::passes;
using testing::run_error;

// --- Celigo's documented examples -------------------------------------------------------------

TEST(CeligoExamples, StatusNotEqualToCancelled) {
  const char* rules = R"(["notequals", ["extract", "status"], "cancelled"])";
  EXPECT_TRUE(passes(rules, R"({"status": "open"})"));
  EXPECT_FALSE(passes(rules, R"({"status": "cancelled"})"));
  EXPECT_TRUE(passes(rules, R"({})"));  // a missing status is not "cancelled"
}

TEST(CeligoExamples, FilenameStartsWithHC) {
  const char* rules = R"(["startswith", ["extract", "filename"], "HC"])";
  EXPECT_TRUE(passes(rules, R"({"filename": "HC-2023.csv"})"));
  EXPECT_FALSE(passes(rules, R"({"filename": "hc-2023.csv"})"));  // case-sensitive
}

TEST(CeligoExamples, AmountGreaterThan100AsNumber) {
  const char* rules = R"(["greaterthan", ["number", ["extract", "amount"]], 100])";
  EXPECT_TRUE(passes(rules, R"({"amount": "150.5"})"));
  EXPECT_TRUE(passes(rules, R"({"amount": 101})"));
  EXPECT_FALSE(passes(rules, R"({"amount": "100"})"));
  EXPECT_FALSE(passes(rules, R"({})"));
}

TEST(CeligoExamples, QuantityEquals100AsNumber) {
  const char* rules = R"(["equals", ["number", ["extract", "quantity"]], 100])";
  EXPECT_TRUE(passes(rules, R"({"quantity": "100"})"));
  EXPECT_TRUE(passes(rules, R"({"quantity": 100.0})"));
  EXPECT_FALSE(passes(rules, R"({"quantity": "99"})"));
}

TEST(CeligoExamples, CreatedDateAfter2021AsEpochtime) {
  const char* rules =
      R"(["greaterthan", ["epochtime", ["extract", "createdDate"]], 1609459200000])";
  EXPECT_TRUE(passes(rules, R"({"createdDate": "2021-01-01T00:00:00.001Z"})"));
  EXPECT_FALSE(passes(rules, R"({"createdDate": "2021-01-01T00:00:00Z"})"));
  EXPECT_FALSE(passes(rules, R"({"createdDate": "2020-12-31"})"));
}

TEST(CeligoExamples, OrderDateAfter2023ComparesIsoStrings) {
  const char* rules = R"(["greaterthan", ["extract", "orderDate"], "2023-01-01T00:00:00Z"])";
  EXPECT_TRUE(passes(rules, R"({"orderDate": "2023-03-05T10:00:00Z"})"));
  EXPECT_FALSE(passes(rules, R"({"orderDate": "2022-12-31T23:59:59Z"})"));
}

TEST(CeligoExamples, CategoriesMatchNetsuiteAndRecurrenceTypeNotEmpty) {
  const char* rules = R"(["and",
      ["matches", ["lowercase", ["string", ["extract", "categories"]]], "netsuite"],
      ["notequals", ["string", ["extract", "recurrence.pattern.type"]], ""]])";
  EXPECT_TRUE(passes(
      rules,
      R"({"categories": ["Shopify", "NetSuite"], "recurrence": {"pattern": {"type": "weekly"}}})"));
  EXPECT_FALSE(passes(
      rules, R"({"categories": ["Shopify"], "recurrence": {"pattern": {"type": "weekly"}}})"));
  EXPECT_FALSE(
      passes(rules, R"({"categories": "NETSUITE", "recurrence": {"pattern": {"type": ""}}})"));
}

TEST(CeligoExamples, TrantypeEqualsFlowSetting) {
  const char* rules = R"(["equals", ["string", ["extract", "trantype"]],
                                    ["string", ["settings", "flow.trantype"]]])";
  const boost::json::object flow{{"trantype", "invoice"}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  EXPECT_TRUE(passes(rules, R"({"trantype": "invoice"})", ctx));
  EXPECT_FALSE(passes(rules, R"({"trantype": "salesorder"})", ctx));
}

TEST(CeligoExamples, CategoryAnyOfUrgentOrHighPriority) {
  const char* rules = R"(["anyof", ["extract", "category"], ["Urgent", "High Priority"]])";
  EXPECT_TRUE(passes(rules, R"({"category": "High Priority"})"));
  EXPECT_FALSE(passes(rules, R"({"category": "urgent"})"));
  EXPECT_TRUE(passes(rules, R"({"category": ["Low", "Urgent"]})"));  // any element
  EXPECT_FALSE(passes(rules, R"({"category": []})"));
  EXPECT_FALSE(passes(rules, R"({})"));
}

TEST(CeligoExamples, NotEmptyEmail) {
  const char* rules = R"(["notempty", ["extract", "email"]])";
  EXPECT_TRUE(passes(rules, R"({"email": "a@b.c"})"));
  EXPECT_FALSE(passes(rules, R"({"email": ""})"));
  EXPECT_FALSE(passes(rules, R"({"email": null})"));
  EXPECT_FALSE(passes(rules, R"({})"));
}

// --- comparisons --------------------------------------------------------------------------------

TEST(Equals, IsStrictAcrossTypes) {
  EXPECT_TRUE(passes(R"(["equals", ["extract", "s"], "open"])", R"({"s": "open"})"));
  EXPECT_FALSE(passes(R"(["equals", ["extract", "s"], "open"])", R"({"s": "Open"})"));
  EXPECT_FALSE(passes(R"(["equals", ["extract", "n"], 100])", R"({"n": "100"})"));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "n"], 100])", R"({"n": 100})"));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "n"], 100])", R"({"n": 1e2})"));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "n"], 18446744073709551615])",
                     R"({"n": 18446744073709551615})"));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "b"], true])", R"({"b": true})"));
  EXPECT_FALSE(passes(R"(["equals", ["extract", "b"], true])", R"({"b": "true"})"));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "x"], null])", R"({"x": null})"));
  EXPECT_FALSE(passes(R"(["equals", ["extract", "x"], null])", R"({})"));
}

TEST(Equals, ArraysAndObjectsAreNeverEqual) {
  EXPECT_FALSE(passes(R"(["equals", ["extract", "a"], ["extract", "a"]])", R"({"a": [1]})"));
  EXPECT_TRUE(passes(R"(["notequals", ["extract", "o"], ["extract", "o"]])", R"({"o": {}})"));
}

TEST(Equals, TwoMissingValuesAreEqual) {
  EXPECT_TRUE(passes(R"(["equals", ["extract", "a"], ["extract", "b"]])", R"({})"));
}

TEST(NotEquals, IsTheNegationOfEquals) {
  EXPECT_TRUE(passes(R"(["notequals", ["extract", "n"], 100])", R"({"n": "100"})"));
  EXPECT_FALSE(passes(R"(["notequals", ["extract", "n"], 100])", R"({"n": 100})"));
}

TEST(Ordering, ComparesNumbersNumerically) {
  EXPECT_TRUE(passes(R"(["greaterthan", ["extract", "n"], 9])", R"({"n": 10})"));
  EXPECT_FALSE(passes(R"(["greaterthan", ["extract", "n"], 10])", R"({"n": 10})"));
  EXPECT_TRUE(passes(R"(["greaterthanequals", ["extract", "n"], 10])", R"({"n": 10})"));
  EXPECT_TRUE(passes(R"(["lessthan", ["extract", "n"], 10.5])", R"({"n": 10})"));
  EXPECT_FALSE(passes(R"(["lessthan", ["extract", "n"], 10])", R"({"n": 10})"));
  EXPECT_TRUE(passes(R"(["lessthanequals", ["extract", "n"], 10])", R"({"n": 10})"));
  EXPECT_TRUE(passes(R"(["lessthan", ["extract", "n"], 0])", R"({"n": -1})"));
}

TEST(Ordering, ComparesStringsByCodePoint) {
  EXPECT_TRUE(passes(R"(["lessthan", ["extract", "s"], "b"])", R"({"s": "a"})"));
  EXPECT_TRUE(passes(R"(["lessthan", ["extract", "s"], "a"])", R"({"s": "B"})"));  // 'B' < 'a'
  EXPECT_TRUE(passes(R"(["greaterthan", ["extract", "s"], "9"])", R"({"s": "10a"})") == false);
  EXPECT_TRUE(passes(R"(["greaterthan", ["extract", "s"], "z"])", R"({"s": "é"})"));
  EXPECT_TRUE(passes(R"(["greaterthanequals", ["extract", "s"], "abc"])", R"({"s": "abc"})"));
}

TEST(Ordering, ComparesBooleansFalseBeforeTrue) {
  EXPECT_TRUE(passes(R"(["greaterthan", ["extract", "b"], false])", R"({"b": true})"));
  EXPECT_FALSE(passes(R"(["lessthan", ["extract", "b"], false])", R"({"b": true})"));
}

TEST(Ordering, MixedTypesAndMissingValuesCompareFalse) {
  for (const char* op : {"greaterthan", "greaterthanequals", "lessthan", "lessthanequals"}) {
    const std::string with_string = std::string("[\"") + op + "\", [\"extract\", \"n\"], 100]";
    EXPECT_FALSE(passes(with_string, R"({"n": "150"})")) << op;
    EXPECT_FALSE(passes(with_string, R"({"n": "50"})")) << op;
    EXPECT_FALSE(passes(with_string, R"({})")) << op;
    EXPECT_FALSE(passes(with_string, R"({"n": null})")) << op;
    EXPECT_FALSE(passes(with_string, R"({"n": [150]})")) << op;
  }
}

TEST(StartsWithEndsWith, MatchCaseSensitivePrefixesAndSuffixes) {
  EXPECT_TRUE(passes(R"(["endswith", ["extract", "f"], ".csv"])", R"({"f": "a.csv"})"));
  EXPECT_FALSE(passes(R"(["endswith", ["extract", "f"], ".csv"])", R"({"f": "a.CSV"})"));
  EXPECT_FALSE(passes(R"(["endswith", ["extract", "f"], "long.csv"])", R"({"f": ".csv"})"));
  EXPECT_TRUE(passes(R"(["startswith", ["extract", "f"], ""])", R"({"f": "x"})"));
  EXPECT_FALSE(passes(R"(["startswith", ["extract", "n"], "1"])", R"({"n": 12})"));
  EXPECT_TRUE(passes(R"(["startswith", ["string", ["extract", "n"]], "1"])", R"({"n": 12})"));
  EXPECT_FALSE(passes(R"(["startswith", ["extract", "f"], "HC"])", R"({})"));
}

TEST(Contains, FindsSubstringsAndArrayElements) {
  EXPECT_TRUE(passes(R"(["contains", ["extract", "s"], "lo w"])", R"({"s": "hello world"})"));
  EXPECT_FALSE(passes(R"(["contains", ["extract", "s"], "LO"])", R"({"s": "hello"})"));
  EXPECT_TRUE(passes(R"(["contains", ["extract", "tags"], "vip"])", R"({"tags": ["new", "vip"]})"));
  EXPECT_FALSE(passes(R"(["contains", ["extract", "tags"], "vi"])", R"({"tags": ["vip"]})"));
  EXPECT_TRUE(passes(R"(["contains", ["extract", "ids"], 2])", R"({"ids": [1, 2]})"));
  EXPECT_FALSE(passes(R"(["contains", ["extract", "n"], "2"])", R"({"n": 123})"));
  EXPECT_FALSE(passes(R"(["contains", ["extract", "s"], "x"])", R"({})"));
}

TEST(DoesNotContain, IsTheNegationOfContains) {
  EXPECT_FALSE(passes(R"(["doesnotcontain", ["extract", "s"], "ell"])", R"({"s": "hello"})"));
  EXPECT_TRUE(passes(R"(["doesnotcontain", ["extract", "s"], "xyz"])", R"({"s": "hello"})"));
  EXPECT_FALSE(passes(R"(["doesnotcontain", ["extract", "t"], "a"])", R"({"t": ["a"]})"));
  EXPECT_TRUE(passes(R"(["doesnotcontain", ["extract", "s"], "x"])", R"({})"));
}

TEST(Matches, SearchesWithJavaScriptRegexDefaults) {
  EXPECT_TRUE(passes(R"(["matches", ["extract", "s"], "^HC[0-9]+$"])", R"({"s": "HC123"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "^HC[0-9]+$"])", R"({"s": "HC12x"})"));
  EXPECT_TRUE(passes(R"(["matches", ["extract", "s"], "suite"])", R"({"s": "netsuite sync"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "Suite"])", R"({"s": "netsuite"})"));
  EXPECT_TRUE(passes(R"(["matches", ["extract", "s"], "(?i)Suite"])", R"({"s": "netsuite"})"));
  // ^ and $ are the ends of the text, not of a line; . does not match a line break.
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "^b"])", R"({"s": "a\nb"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "a$"])", R"({"s": "a\nb"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "a.b"])", R"({"s": "a\nb"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "a$"])", R"({"s": "a\n"})"));
  EXPECT_TRUE(
      passes(R"(["matches", ["extract", "s"], "\\d{3}-\\d{4}"])", R"({"s": "call 555-1234"})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "n"], "1"])", R"({"n": 1})"));
  EXPECT_FALSE(passes(R"(["matches", ["extract", "s"], "x"])", R"({})"));
}

TEST(Matches, TakesThePatternFromASetting) {
  const boost::json::object flow{{"pattern", "^A-"}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  const char* rules = R"(["matches", ["extract", "sku"], ["settings", "flow.pattern"]])";
  EXPECT_TRUE(passes(rules, R"({"sku": "A-1"})", ctx));
  EXPECT_FALSE(passes(rules, R"({"sku": "B-1"})", ctx));
  EXPECT_FALSE(passes(rules, R"({"sku": "A-1"})"));  // no flow settings: no pattern
}

TEST(Matches, AnInvalidPatternFromASettingFailsTheRecord) {
  const boost::json::object flow{{"pattern", "(a"}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  auto result = compiled(R"(["matches", ["extract", "sku"], ["settings", "flow.pattern"]])")
                    .matches(parse(R"({"sku": "a"})"), ctx);
  ASSERT_FALSE(result);
  EXPECT_EQ(
      result.error().message.rfind(
          "exports[0].filter.expression.rules [\"matches\",[\"extract\",\"sku\"],[\"settings\","
          "\"flow.pattern\"]]: the regular expression \"(a\" is not valid: ",
          0),
      0u)
      << result.error().message;
}

TEST(Matches, CatastrophicBacktrackingFailsTheRecordInsteadOfHanging) {
  const std::string subject(64, 'a');
  const std::string record = R"({"s": ")" + subject + R"(!"})";
  const std::string message = run_error(R"(["matches", ["extract", "s"], "^(a|aa)+$"])", record);
  EXPECT_NE(message.find("the regular expression could not be matched against \"aaaa"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("simplify the pattern"), std::string::npos) << message;
}

TEST(Empty, MissingNullEmptyStringArrayAndObjectAreEmpty) {
  for (const char* op : {"empty", "isempty"}) {
    const std::string rules = std::string("[\"") + op + "\", [\"extract\", \"x\"]]";
    EXPECT_TRUE(passes(rules, R"({})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": null})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": ""})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": []})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": {}})")) << op;
    EXPECT_FALSE(passes(rules, R"({"x": " "})")) << op;
    EXPECT_FALSE(passes(rules, R"({"x": 0})")) << op;
    EXPECT_FALSE(passes(rules, R"({"x": false})")) << op;
    EXPECT_FALSE(passes(rules, R"({"x": [null]})")) << op;
  }
}

TEST(NotEmpty, IsTheNegationOfEmptyInBothSpellings) {
  for (const char* op : {"notempty", "isnotempty"}) {
    const std::string rules = std::string("[\"") + op + "\", [\"extract\", \"x\"]]";
    EXPECT_FALSE(passes(rules, R"({})")) << op;
    EXPECT_FALSE(passes(rules, R"({"x": ""})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": 0})")) << op;
    EXPECT_TRUE(passes(rules, R"({"x": {"a": 1}})")) << op;
  }
}

TEST(AnyOf, TakesTheListFromASetting) {
  const boost::json::object integration{{"regions", boost::json::array{"EU", "UK"}}};
  FilterContext ctx;
  ctx.integration_settings = &integration;
  const char* rules = R"(["anyof", ["extract", "region"], ["settings", "integration.regions"]])";
  EXPECT_TRUE(passes(rules, R"({"region": "UK"})", ctx));
  EXPECT_FALSE(passes(rules, R"({"region": "US"})", ctx));
  EXPECT_FALSE(passes(rules, R"({"region": "UK"})"));  // no settings: an empty list
}

TEST(AnyOf, ASettingThatIsNotAListFailsTheRecord) {
  const boost::json::object flow{{"regions", "EU"}};
  FilterContext ctx;
  ctx.flow_settings = &flow;
  auto result = compiled(R"(["anyof", ["extract", "region"], ["settings", "flow.regions"]])")
                    .matches(parse(R"({"region": "EU"})"), ctx);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "exports[0].filter.expression.rules [\"anyof\",[\"extract\",\"region\"],[\"settings\","
            "\"flow.regions\"]]: anyof needs a list of values, found \"EU\"");
}

TEST(AnyOf, MatchesNumbersStrictly) {
  EXPECT_TRUE(passes(R"(["anyof", ["extract", "n"], [1, 2, 3]])", R"({"n": 2})"));
  EXPECT_FALSE(passes(R"(["anyof", ["extract", "n"], [1, 2, 3]])", R"({"n": "2"})"));
}

// --- logic ---------------------------------------------------------------------------------------

TEST(Logic, AndNeedsEveryConditionOrAny) {
  const char* and_rules =
      R"(["and", ["equals", ["extract", "a"], 1], ["equals", ["extract", "b"], 2]])";
  EXPECT_TRUE(passes(and_rules, R"({"a": 1, "b": 2})"));
  EXPECT_FALSE(passes(and_rules, R"({"a": 1, "b": 3})"));
  const char* or_rules =
      R"(["or", ["equals", ["extract", "a"], 1], ["equals", ["extract", "b"], 2]])";
  EXPECT_TRUE(passes(or_rules, R"({"a": 0, "b": 2})"));
  EXPECT_FALSE(passes(or_rules, R"({"a": 0, "b": 3})"));
  EXPECT_TRUE(passes(R"(["and", ["equals", ["extract", "a"], 1]])", R"({"a": 1})"));
}

TEST(Logic, NotNegates) {
  EXPECT_FALSE(passes(R"(["not", ["equals", ["extract", "a"], 1]])", R"({"a": 1})"));
  EXPECT_TRUE(passes(R"(["not", ["equals", ["extract", "a"], 1]])", R"({"a": 2})"));
}

TEST(Logic, AndStopsAtTheFirstFalseSoAGuardPreventsACastError) {
  const char* rules = R"(["and", ["notempty", ["extract", "n"]],
                                 ["matches", ["extract", "n"], "^[0-9]+$"],
                                 ["greaterthan", ["number", ["extract", "n"]], 5]])";
  EXPECT_FALSE(passes(rules, R"({"n": "abc"})"));
  EXPECT_TRUE(passes(rules, R"({"n": "7"})"));
  EXPECT_EQ(
      run_error(R"(["greaterthan", ["number", ["extract", "n"]], 5])", R"({"n": "abc"})"),
      "exports[0].filter.expression.rules[1] [\"number\",[\"extract\",\"n\"]]: cannot convert "
      "\"abc\" to a number");
}

TEST(Logic, OrStopsAtTheFirstTrue) {
  EXPECT_TRUE(
      passes(R"(["or", true, ["equals", ["number", ["extract", "n"]], 1]])", R"({"n": "x"})"));
}

TEST(Logic, BooleanCastServesAsACondition) {
  EXPECT_TRUE(passes(R"(["boolean", ["extract", "active"]])", R"({"active": "TRUE"})"));
  EXPECT_FALSE(passes(R"(["boolean", ["extract", "active"]])", R"({"active": false})"));
  EXPECT_FALSE(passes(R"(["boolean", ["extract", "active"]])", R"({})"));
}

// --- accessors -----------------------------------------------------------------------------------

TEST(Extract, WalksObjectsAndArrays) {
  const char* record = R"({"a": {"b": [{"c": "x"}, {"c": "y"}]}, "Customer Name": "Ann",
                           "d.e": 1, "lines": [{"sku": "S1"}], "m": {"0": "zero"}})";
  EXPECT_TRUE(passes(R"(["equals", ["extract", "a.b[1].c"], "y"])", record));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "a.b.0.c"], "x"])", record));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "Customer Name"], "Ann"])", record));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "[\"d.e\"]"], 1])", record));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "lines[0].sku"], "S1"])", record));
  EXPECT_TRUE(passes(R"(["equals", ["extract", "m[0]"], "zero"])", record));
  EXPECT_TRUE(passes(R"(["empty", ["extract", "a.b[2].c"]])", record));
  EXPECT_TRUE(passes(R"(["empty", ["extract", "a.b.c"]])", record));
  EXPECT_TRUE(passes(R"(["empty", ["extract", "Customer Name.first"]])", record));
}

TEST(Extract, OnANonObjectRecordIsMissing) {
  EXPECT_TRUE(passes(R"(["empty", ["extract", "a"]])", R"([1, 2])"));
  EXPECT_TRUE(passes(R"(["empty", ["extract", "a"]])", R"("text")"));
}

TEST(Settings, ReadsEachScope) {
  const boost::json::object flow{{"x", "flow"}}, exp{{"x", "export"}}, imp{{"x", "import"}},
      integration{{"x", "integration"}, {"nested", {{"list", boost::json::array{1, 2}}}}};
  FilterContext ctx{&flow, &exp, &imp, &integration};
  EXPECT_TRUE(passes(R"(["equals", ["settings", "flow.x"], "flow"])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["equals", ["settings", "export.x"], "export"])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["equals", ["settings", "import.x"], "import"])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["equals", ["settings", "integration.x"], "integration"])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["equals", ["settings", "integration.nested.list[1]"], 2])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["empty", ["settings", "flow.absent"]])", "{}", ctx));
  EXPECT_TRUE(passes(R"(["empty", ["settings", "flow.x"]])", "{}"));  // no flow settings
}

// --- casts ---------------------------------------------------------------------------------------

TEST(NumberCast, ReadsNumbersAsJavaScriptDoes) {
  const char* rules = R"(["equals", ["number", ["extract", "v"]], ["extract", "want"]])";
  EXPECT_TRUE(passes(rules, R"({"v": " 12 ", "want": 12})"));
  EXPECT_TRUE(passes(rules, R"({"v": "-3.5", "want": -3.5})"));
  EXPECT_TRUE(passes(rules, R"({"v": "1e3", "want": 1000})"));
  EXPECT_TRUE(passes(rules, R"({"v": "+2", "want": 2})"));
  EXPECT_TRUE(passes(rules, R"({"v": ".5", "want": 0.5})"));
  EXPECT_TRUE(passes(rules, R"({"v": "0x1F", "want": 31})"));
  EXPECT_TRUE(passes(rules, R"({"v": true, "want": 1})"));
  EXPECT_TRUE(passes(rules, R"({"v": 7, "want": 7})"));
  EXPECT_TRUE(passes(R"(["empty", ["number", ["extract", "v"]]])", R"({"v": "  "})"));
  EXPECT_TRUE(passes(R"(["empty", ["number", ["extract", "v"]]])", R"({"v": null})"));
  EXPECT_TRUE(passes(R"(["empty", ["number", ["extract", "v"]]])", R"({})"));
}

TEST(NumberCast, AValueItCannotConvertFailsTheRecord) {
  const char* rules = R"(["greaterthan", ["number", ["extract", "amount"]], 100])";
  const std::string prefix =
      "exports[0].filter.expression.rules[1] [\"number\",[\"extract\",\"amount\"]]: cannot "
      "convert ";
  EXPECT_EQ(run_error(rules, R"({"amount": "12abc"})"), prefix + "\"12abc\" to a number");
  EXPECT_EQ(run_error(rules, R"({"amount": "inf"})"), prefix + "\"inf\" to a number");
  EXPECT_EQ(run_error(rules, R"({"amount": "+-5"})"), prefix + "\"+-5\" to a number");
  EXPECT_EQ(run_error(rules, R"({"amount": [1]})"), prefix + "[1] to a number");
  EXPECT_EQ(run_error(rules, R"({"amount": {"v": 1}})"), prefix + "{\"v\":1} to a number");
}

TEST(StringCast, WritesValuesAsJavaScriptsString) {
  const char* rules = R"(["equals", ["string", ["extract", "v"]], ["extract", "want"]])";
  EXPECT_TRUE(passes(rules, R"({"v": 12, "want": "12"})"));
  EXPECT_TRUE(passes(rules, R"({"v": 1.5, "want": "1.5"})"));
  EXPECT_TRUE(passes(rules, R"({"v": 1e21, "want": "1e+21"})"));
  EXPECT_TRUE(passes(rules, R"({"v": 1e20, "want": "100000000000000000000"})"));
  EXPECT_TRUE(passes(rules, R"({"v": 0.1, "want": "0.1"})"));
  EXPECT_TRUE(passes(rules, R"({"v": true, "want": "true"})"));
  EXPECT_TRUE(passes(rules, R"({"v": ["a", 1, null], "want": "a,1,"})"));
  EXPECT_TRUE(passes(rules, R"({"v": "s", "want": "s"})"));
  EXPECT_TRUE(passes(R"(["empty", ["string", ["extract", "v"]]])", R"({"v": null})"));
  EXPECT_EQ(
      run_error(R"(["equals", ["string", ["extract", "v"]], "x"])", R"({"v": {"a": 1}})"),
      "exports[0].filter.expression.rules[1] [\"string\",[\"extract\",\"v\"]]: cannot convert "
      "{\"a\":1} to a string");
}

TEST(BooleanCast, ReadsBooleansNumbersAndTrueFalseText) {
  const char* rules = R"(["equals", ["boolean", ["extract", "v"]], ["extract", "want"]])";
  EXPECT_TRUE(passes(rules, R"({"v": "true", "want": true})"));
  EXPECT_TRUE(passes(rules, R"({"v": "False", "want": false})"));
  EXPECT_TRUE(passes(rules, R"({"v": "1", "want": true})"));
  EXPECT_TRUE(passes(rules, R"({"v": "0", "want": false})"));
  EXPECT_TRUE(passes(rules, R"({"v": 2, "want": true})"));
  EXPECT_TRUE(passes(rules, R"({"v": 0, "want": false})"));
  EXPECT_TRUE(passes(rules, R"({"v": false, "want": false})"));
  EXPECT_EQ(run_error(R"(["boolean", ["extract", "v"]])", R"({"v": "yes"})"),
            "exports[0].filter.expression.rules [\"boolean\",[\"extract\",\"v\"]]: cannot convert "
            "\"yes\" to true or false (expected \"true\", \"false\", \"1\" or \"0\")");
}

TEST(EpochtimeCast, ReadsIsoDatesJavaScriptDatesAndMilliseconds) {
  const char* rules = R"(["equals", ["epochtime", ["extract", "v"]], ["extract", "want"]])";
  EXPECT_TRUE(passes(rules, R"({"v": "2021-01-01T00:00:00Z", "want": 1609459200000})"));
  EXPECT_TRUE(passes(rules, R"({"v": "2021-01-01T00:00:00.250Z", "want": 1609459200250})"));
  EXPECT_TRUE(passes(rules, R"({"v": "2021-01-01", "want": 1609459200000})"));
  EXPECT_TRUE(passes(rules, R"({"v": "2021-01-01T02:00:00+02:00", "want": 1609459200000})"));
  EXPECT_TRUE(passes(rules, R"({"v": "2021-01-01T00:00:00", "want": 1609459200000})"));  // UTC
  EXPECT_TRUE(passes(rules, R"({"v": "Fri, 01 Jan 2021 00:00:00 GMT", "want": 1609459200000})"));
  EXPECT_TRUE(passes(rules, R"({"v": "1609459200000", "want": 1609459200000})"));
  EXPECT_TRUE(passes(rules, R"({"v": 1609459200000, "want": 1609459200000})"));
  EXPECT_TRUE(passes(R"(["empty", ["epochtime", ["extract", "v"]]])", R"({"v": ""})"));
}

TEST(EpochtimeCast, ALiteralDateCanBeCastToo) {
  EXPECT_TRUE(
      passes(R"(["greaterthan", ["epochtime", ["extract", "d"]], ["epochtime", "2023-01-01"]])",
             R"({"d": "2023-06-01T12:00:00Z"})"));
}

TEST(EpochtimeCast, TextThatIsNotADateFailsTheRecord) {
  EXPECT_EQ(run_error(R"(["greaterthan", ["epochtime", ["extract", "d"]], 0])", R"({"d": "soon"})"),
            "exports[0].filter.expression.rules[1] [\"epochtime\",[\"extract\",\"d\"]]: cannot "
            "convert \"soon\" to a date (expected ISO 8601 like \"2023-01-01T00:00:00Z\", a date "
            "JavaScript's Date reads, or milliseconds since 1970)");
  EXPECT_NE(run_error(R"(["greaterthan", ["epochtime", ["extract", "d"]], 0])", R"({"d": true})"),
            "");
}

// --- transforms ----------------------------------------------------------------------------------

TEST(CaseTransforms, MapAsciiAndUnicode) {
  EXPECT_TRUE(
      passes(R"(["equals", ["lowercase", ["extract", "s"]], "netsuite"])", R"({"s": "NetSuite"})"));
  EXPECT_TRUE(
      passes(R"(["equals", ["uppercase", ["extract", "s"]], "NETSUITE"])", R"({"s": "NetSuite"})"));
  EXPECT_TRUE(
      passes(R"(["equals", ["lowercase", ["extract", "s"]], "émile"])", R"({"s": "ÉMILE"})"));
  EXPECT_TRUE(
      passes(R"(["equals", ["uppercase", ["extract", "s"]], "STRASSE"])", R"({"s": "straße"})"));
  EXPECT_TRUE(passes(R"(["empty", ["lowercase", ["extract", "s"]]])", R"({})"));
}

TEST(CaseTransforms, NeedAString) {
  EXPECT_EQ(run_error(R"(["equals", ["lowercase", ["extract", "n"]], "1"])", R"({"n": 1})"),
            "exports[0].filter.expression.rules[1] [\"lowercase\",[\"extract\",\"n\"]]: lowercase "
            "needs a string, found 1; convert it first with [\"string\", ...]");
}

TEST(NumberTransforms, RoundAndTakeTheAbsoluteValue) {
  EXPECT_TRUE(passes(R"(["equals", ["ceiling", ["extract", "n"]], 3])", R"({"n": 2.1})"));
  EXPECT_TRUE(passes(R"(["equals", ["ceiling", ["extract", "n"]], -2])", R"({"n": -2.9})"));
  EXPECT_TRUE(passes(R"(["equals", ["floor", ["extract", "n"]], 2])", R"({"n": 2.9})"));
  EXPECT_TRUE(passes(R"(["equals", ["floor", ["extract", "n"]], -3])", R"({"n": -2.1})"));
  EXPECT_TRUE(passes(R"(["equals", ["abs", ["extract", "n"]], 4.5])", R"({"n": -4.5})"));
  EXPECT_TRUE(
      passes(R"(["equals", ["floor", ["number", ["extract", "n"]]], 7])", R"({"n": "7.9"})"));
  EXPECT_TRUE(passes(R"(["empty", ["abs", ["extract", "n"]]])", R"({})"));
}

TEST(NumberTransforms, NeedANumber) {
  EXPECT_EQ(run_error(R"(["equals", ["floor", ["extract", "n"]], 7])", R"({"n": "7.9"})"),
            "exports[0].filter.expression.rules[1] [\"floor\",[\"extract\",\"n\"]]: floor needs a "
            "number, found \"7.9\"; convert it first with [\"number\", ...]");
}

// --- documents -----------------------------------------------------------------------------------

TEST(Documents, EmptyOrAbsentRulesKeepEveryRecord) {
  for (const char* doc : {R"({"type": "expression", "expression": {"version": "1", "rules": []}})",
                          R"({"type": "expression", "expression": {"version": "1"}})",
                          R"({"type": "expression", "expression": {}})"}) {
    auto filter = Filter::compile(parse(doc), "exports[0].filter");
    ASSERT_TRUE(filter) << doc << ": " << filter.error().message;
    EXPECT_TRUE(filter->keeps_everything());
    EXPECT_EQ(filter->kind(), Filter::Kind::kExpression);
    EXPECT_TRUE(*filter->matches(parse("{}"), {}));
  }
}

TEST(Documents, ScriptFilterGivesTheScriptToCall) {
  auto filter = Filter::compile(
      parse(R"({"type": "script", "script": {"_scriptId": "s1", "function": "keepOpen"}})"),
      "exports[0].filter");
  ASSERT_TRUE(filter) << filter.error().message;
  ASSERT_EQ(filter->kind(), Filter::Kind::kScript);
  ASSERT_NE(filter->script(), nullptr);
  EXPECT_EQ(filter->script()->script_id, "s1");
  EXPECT_EQ(filter->script()->function, "keepOpen");
  auto result = filter->matches(parse("{}"), {});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().status, Status::kUnsupported);
  EXPECT_EQ(result.error().message,
            "exports[0].filter is a script filter (s1, function keepOpen): run it with the script "
            "engine");
}

TEST(Documents, TheBlockOfTheOtherTypeIsIgnoredAsIntegratorIoDoes) {
  auto filter = Filter::compile(parse(R"({"type": "script",
      "script": {"_scriptId": "s1", "function": "f"},
      "expression": {"version": "1", "rules": ["equals", ["extract", "a"], 1]}})"),
                                "f");
  ASSERT_TRUE(filter) << filter.error().message;
  EXPECT_EQ(filter->kind(), Filter::Kind::kScript);
}

TEST(Documents, CompileExpressionTakesTheExpressionAlone) {
  auto filter = Filter::compile_expression(
      parse(R"({"version": "1", "rules": ["equals", ["extract", "a"], 1]})"),
      "flows[0].routers[0].branches[1].inputFilter");
  ASSERT_TRUE(filter) << filter.error().message;
  EXPECT_TRUE(*filter->matches(parse(R"({"a": 1})"), {}));
  EXPECT_FALSE(*filter->matches(parse(R"({"a": 2})"), {}));
}

TEST(Documents, CopiesShareTheRulesAndAgree) {
  const Filter a = compiled(R"(["equals", ["extract", "a"], 1])");
  const Filter b = a;
  EXPECT_TRUE(*b.matches(parse(R"({"a": 1})"), {}));
  EXPECT_FALSE(*a.matches(parse(R"({"a": 2})"), {}));
}

TEST(Documents, ThreadsShareOneFilter) {
  const Filter filter = compiled(
      R"(["and", ["matches", ["extract", "s"], "^a[0-9]+$"], ["lessthan", ["number", ["extract", "n"]], 50]])");
  std::vector<boost::json::value> records;
  for (int i = 0; i < 100; ++i)
    records.push_back({{"s", (i % 2 ? "a" : "b") + std::to_string(i)}, {"n", std::to_string(i)}});
  std::vector<int> kept(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round)
        for (const auto& r : records) kept[t] += *filter.matches(r, {}) ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(kept[t], 25 * 50) << t;  // odd i below 50
}

}  // namespace
}  // namespace sluice::host::filter
