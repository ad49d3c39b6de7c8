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

TEST(Validation, AcceptsAValidDocumentWithUndeclaredFields) {
  EXPECT_EQ(issues(R"({"_id":"x","http":{"baseURI":"http://a","extra":1}})"),
            std::vector<std::string>{});
}

TEST(Validation, NamesPathExpectedAndFound) {
  EXPECT_EQ(issues(R"({"http":{"baseURI":7,"auth":{"type":"digest"},"batchSize":0}})"),
            (std::vector<std::string>{
                "$.http.baseURI: expected a string, found number 7",
                "$.http.auth.type: expected one of \"none\", \"basic\", found string \"digest\"",
                "$.http.batchSize: expected a number >= 1, found number 0"}));
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
