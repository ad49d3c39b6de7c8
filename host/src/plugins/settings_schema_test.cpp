// Specifies validation of resource documents against plugin-declared schemas.
#include "plugins/settings_schema.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "sluice/schema.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;

json::object schema() {
  Schema s;
  s.string("http.baseURI").required();
  s.enumeration("http.auth.type", {"none", "basic"}).default_value("none");
  s.string("http.auth.basic.username").required().shown_when("http.auth.type", "basic");
  s.integer("http.batchSize").minimum(1);
  s.string("http.auth.basic.password").secret();
  return s.to_json();
}

std::vector<std::string> issues(const char* doc) {
  std::vector<std::string> out;
  for (const auto& i : validate_against_schema(json::parse(doc), schema()))
    out.push_back(i.to_string());
  return out;
}

TEST(Validation, AcceptsAValidDocument) {
  EXPECT_EQ(issues(R"({"http":{"baseURI":"http://a","batchSize":5}})"), std::vector<std::string>{});
}

TEST(Validation, RefusesAnUndeclaredFieldNamingTheNearestDeclaredOne) {
  EXPECT_EQ(issues(R"({"htp":{},"http":{"baseURI":"http://a","batchSiz":1,"bogus":1}})"),
            (std::vector<std::string>{
                "$.htp: unknown field; did you mean \"http\"?",
                "$.http.batchSiz: unknown field; did you mean \"batchSize\"?",
                "$.http.bogus: unknown field; the fields here are baseURI, auth, batchSize"}));
}

TEST(Validation, AnUnknownFieldWithAnOddNameIsQuotedWithItsControlCharactersEscaped) {
  EXPECT_EQ(
      issues(R"({"http":{"baseURI":"u"},"a\u001b[2Jb":1})"),
      (std::vector<std::string>{"$[\"a\\u001b[2Jb\"]: unknown field; the fields here are http"}));
}

TEST(Validation, AnObjectFieldWithoutDeclaredChildrenIsFreeForm) {
  Schema s;
  s.object("settings");
  EXPECT_TRUE(
      validate_against_schema(json::parse(R"({"settings":{"any":{"thing":1}}})"), s.to_json())
          .empty());
}

TEST(Validation, ATemplateThatDoesNotParseIsRefusedWithItsLineAndColumn) {
  Schema s;
  s.tmpl("http.relativeURI");
  auto check = [&](const char* doc) {
    std::vector<std::string> out;
    for (const auto& i : validate_against_schema(json::parse(doc), s.to_json()))
      out.push_back(i.to_string());
    return out;
  };
  EXPECT_EQ(check(R"({"http":{"relativeURI":"/o/{{#if record.id}}{{record.id}}{{/if}}"}})"),
            std::vector<std::string>{});
  EXPECT_EQ(check(R"({"http":{"relativeURI":"/o/{{#if record.id}}"}})"),
            std::vector<std::string>{
                "$.http.relativeURI: template 'http.relativeURI' line 1, column 4: found the end "
                "of the template, expected '{{/if}}' to close the block opened"});
}

TEST(Validation, IntegersAreExact) {
  Schema s;
  s.integer("size").minimum(1).maximum(10000);
  auto check = [&](const char* doc) {
    std::vector<std::string> out;
    for (const auto& i : validate_against_schema(json::parse(doc), s.to_json()))
      out.push_back(i.to_string());
    return out;
  };
  EXPECT_EQ(check(R"({"size":100})"), std::vector<std::string>{});
  EXPECT_EQ(check(R"({"size":"100"})"),
            std::vector<std::string>{
                "$.size: expected an integer from 1 to 10000, found string \"100\""});
  EXPECT_EQ(check(R"({"size":true})"),
            std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found true"});
  EXPECT_EQ(
      check(R"({"size":1.5})"),
      std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number 1.5"});
  EXPECT_EQ(check(R"({"size":1.0})"),
            std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number "
                                     "1.0 (written with a fraction or an exponent)"});
  EXPECT_EQ(
      check(R"({"size":0})"),
      std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number 0"});
  EXPECT_EQ(
      check(R"({"size":-5})"),
      std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number -5"});
  EXPECT_EQ(
      check(R"({"size":10001})"),
      std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number 10001"});
  EXPECT_EQ(check(R"({"size":18446744073709551615})"),
            std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number "
                                     "18446744073709551615"});
  EXPECT_EQ(check(R"({"size":18446744073709551616})"),
            std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number "
                                     "1.8446744073709552e+19"});
  EXPECT_EQ(
      check(R"({"size":1e300})"),
      std::vector<std::string>{"$.size: expected an integer from 1 to 10000, found number 1e+300"});
}

TEST(Validation, RefusesUnsupportedFieldsAndValuesAsNotSupportedYet) {
  Schema s;
  s.enumeration("paging.method", {"page", "url", "skip"}).unsupported_values({"skip"});
  s.unsupported("paging.token", "use paging.method page");
  s.unsupported("transform");
  s.ignored("lastModified");
  auto check = [&](const char* doc) {
    std::vector<std::string> out;
    for (const auto& i : validate_against_schema(json::parse(doc), s.to_json()))
      out.push_back(i.to_string());
    return out;
  };
  EXPECT_EQ(check(R"({"paging":{"method":"page"},"lastModified":{"any":1}})"),
            std::vector<std::string>{});
  EXPECT_EQ(
      check(R"({"paging":{"method":"skip","token":"t"},"transform":{}})"),
      (std::vector<std::string>{
          "$.paging.method: \"skip\" is not supported yet by this version of Sluice; use "
          "one of \"page\", \"url\"",
          "$.paging.token: not supported yet by this version of Sluice: use paging.method page",
          "$.transform: not supported yet by this version of Sluice; remove it"}));
  EXPECT_EQ(check(R"({"paging":{"method":"bogus"}})"),
            std::vector<std::string>{
                "$.paging.method: expected one of \"page\", \"url\", found string \"bogus\""});
}

TEST(Validation, AOneOrManyFieldTakesOneValueOrAnArrayOfValuesEachCheckedAtItsIndex) {
  Schema s;
  s.enumeration("http.method", {"PUT", "POST", "DELETE"})
      .unsupported_values({"DELETE"})
      .one_or_many();
  s.string("http.batchSize");
  auto check = [&](const char* doc) {
    std::vector<std::string> out;
    for (const auto& i : validate_against_schema(json::parse(doc), s.to_json()))
      out.push_back(i.to_string());
    return out;
  };
  EXPECT_EQ(check(R"({"http":{"method":"PUT"}})"), std::vector<std::string>{});
  EXPECT_EQ(check(R"({"http":{"method":["PUT","POST"]}})"), std::vector<std::string>{});
  EXPECT_EQ(check(R"({"http":{"method":["PUT","GET",3,"DELETE"]}})"),
            (std::vector<std::string>{
                "$.http.method[1]: expected one of \"PUT\", \"POST\", found string \"GET\"",
                "$.http.method[2]: expected one of \"PUT\", \"POST\", found number 3",
                "$.http.method[3]: \"DELETE\" is not supported yet by this version of Sluice; "
                "use one of \"PUT\", \"POST\""}));
  EXPECT_EQ(check(R"({"http":{"batchSize":["1"]}})"),
            std::vector<std::string>{"$.http.batchSize: expected a string, found an array of 1"});
}

TEST(Validation, ReportsAtMostAHundredIssuesPerDocument) {
  json::object doc{{"http", json::object{{"baseURI", "u"}}}};
  for (int i = 0; i < 5000; ++i) doc["unknown" + std::to_string(i)] = i;
  const auto found = validate_against_schema(doc, schema());
  ASSERT_EQ(found.size(), 101u);
  EXPECT_EQ(found[0].to_string(), "$.unknown0: unknown field; the fields here are http");
  EXPECT_EQ(found[100].to_string(), "$: more problems not shown (the first 100 are)");
}

TEST(Schemas, RowsListOnlyTheImplementedValuesAndNoMarkers) {
  Schema s;
  s.enumeration("paging.method", {"page", "skip"}).unsupported_values({"skip"});
  s.unsupported("paging.skip");
  s.ignored("formType");
  const auto rows = flatten_schema(s.to_json());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].path, "paging.method");
  EXPECT_EQ(rows[0].values, std::vector<std::string>{"page"});
  EXPECT_EQ(rows[0].unsupported_values, std::vector<std::string>{"skip"});
}

TEST(Schemas, ListsTheSettingsNotSupportedYetWithTheirHelp) {
  Schema s;
  s.string("http.baseURI");
  s.unsupported("http.paging.skip", "use http.paging.page");
  s.unsupported("http.rateLimit");
  s.ignored("http.formType");
  const auto found = unsupported_settings(s.to_json());
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, "http.paging.skip");
  EXPECT_EQ(found[0].help, "use http.paging.page");
  EXPECT_EQ(found[1].path, "http.rateLimit");
  EXPECT_EQ(found[1].help, "");
}

TEST(NearestName, PrefersACaseInsensitiveMatchThenTheFewestEdits) {
  const std::vector<std::string> known{"relativeURI", "method", "pageProcessors", "http"};
  EXPECT_EQ(nearest_name("relativeUri", known), "relativeURI");
  EXPECT_EQ(nearest_name("pageProcesors", known), "pageProcessors");
  EXPECT_EQ(nearest_name("pageProcessrso", known), "pageProcessors");
  EXPECT_EQ(nearest_name("htp", known), "http");
  EXPECT_EQ(nearest_name("mehtod", known), "method");
  EXPECT_EQ(nearest_name("bogus", known), std::nullopt);
  EXPECT_EQ(nearest_name("", known), std::nullopt);
  EXPECT_EQ(nearest_name(std::string(10000, 'x'), known), std::nullopt);
}

TEST(Validation, NamesPathExpectedAndFound) {
  EXPECT_EQ(issues(R"({"http":{"baseURI":7,"auth":{"type":"digest"},"batchSize":0}})"),
            (std::vector<std::string>{
                "$.http.baseURI: expected a string, found number 7",
                "$.http.auth.type: expected one of \"none\", \"basic\", found string \"digest\"",
                "$.http.batchSize: expected an integer >= 1, found number 0"}));
}

TEST(Validation, ReportsTheMissingLeafOfARequiredGroup) {
  EXPECT_EQ(issues(R"({})"),
            std::vector<std::string>{"$.http.baseURI: expected a value (required), found nothing"});
}

TEST(Validation, RequiresConditionalSettingsOnlyWhileTheirConditionHolds) {
  EXPECT_EQ(issues(R"({"http":{"baseURI":"u","auth":{"type":"none"}}})"),
            std::vector<std::string>{});
  EXPECT_EQ(issues(R"({"http":{"baseURI":"u","auth":{"type":"basic"}}})"),
            std::vector<std::string>{"$.http.auth.basic.username: expected a value (required when "
                                     "http.auth.type = basic), found nothing"});
}

TEST(Validation, AnOptionalGroupLeftOutIsNotRequiredToBeComplete) {
  EXPECT_EQ(issues(R"({"http":{"baseURI":"u"}})"), std::vector<std::string>{});
  EXPECT_EQ(issues(R"({"http":{"baseURI":"u","auth":{"type":"basic","basic":{}}}})"),
            std::vector<std::string>{"$.http.auth.basic.username: expected a value (required when "
                                     "http.auth.type = basic), found nothing"});
}

TEST(Schemas, FlattenIntoRowsAndListSecrets) {
  const auto rows = flatten_schema(schema());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].path, "http.baseURI");
  EXPECT_TRUE(rows[0].required);
  EXPECT_EQ(rows[2].path, "http.auth.basic.username");
  EXPECT_EQ(rows[2].shown_when, "http.auth.type = basic");
  EXPECT_EQ(secret_paths(schema()), std::vector<std::string>{"http.auth.basic.password"});
}

}  // namespace
}  // namespace sluice::host
