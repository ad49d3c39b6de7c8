// Specifies the JSON Schema the settings builder emits.
#include "sluice/schema.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice {
namespace {

namespace json = boost::json;

TEST(Schema, MarksUnsupportedAndIgnoredSettingsWithoutMakingThemFields) {
  Schema s;
  s.enumeration("http.auth.type", {"none", "oauth"}).unsupported_values({"oauth"});
  s.unsupported("http.auth.oauth", "use token");
  s.ignored("http.formType");
  EXPECT_EQ(s.fields().size(), 1u);
  EXPECT_EQ(s.to_json(), json::parse(R"({
    "type":"object","properties":{
      "http":{"type":"object","properties":{
        "auth":{"type":"object","properties":{
          "type":{"type":"string","enum":["none","oauth"],
                  "x-sluice-unsupportedValues":["oauth"]},
          "oauth":{"x-sluice-unsupported":true,"description":"use token"}}},
        "formType":{"x-sluice-ignored":true}}}},
    "$schema":"https://json-schema.org/draft/2020-12/schema"})"));
}

TEST(Schema, NestsDottedPathsAndListsUnconditionalRequiredFieldsAtEveryLevel) {
  Schema s;
  s.tmpl("http.baseURI").label("Base URI").help("Where the API lives").required().group("General");
  s.integer("http.concurrencyLevel").default_value(5).minimum(1).maximum(50);
  EXPECT_EQ(s.to_json(), json::parse(R"({
    "type":"object","properties":{
      "http":{"type":"object","properties":{
        "baseURI":{"type":"string","title":"Base URI","description":"Where the API lives",
                   "x-sluice-template":true,"x-sluice-required":true,"x-sluice-group":"General"},
        "concurrencyLevel":{"type":"integer","default":5,"minimum":1,"maximum":50}},
        "required":["baseURI"]}},
    "$schema":"https://json-schema.org/draft/2020-12/schema",
    "required":["http"]})"));
}

TEST(Schema, ConditionalRequiredSecretsCarryTheirConditionAndStayOutOfRequiredLists) {
  Schema s;
  s.enumeration("auth.type", {"none", "basic"}).default_value("none");
  s.string("auth.basic.password").secret().required().shown_when("auth.type", "basic");
  const json::object out = s.to_json();
  const json::value& password =
      out.at("properties").at("auth").at("properties").at("basic").at("properties").at("password");
  EXPECT_EQ(password, json::parse(R"({"type":"string","x-sluice-required":true,"writeOnly":true,
      "x-sluice-secret":true,"x-sluice-showWhen":{"path":"auth.type","in":["basic"]}})"));
  EXPECT_FALSE(out.contains("required"));
  EXPECT_EQ(out.at("properties").at("auth").at("properties").at("type"),
            json::parse(R"({"type":"string","default":"none","enum":["none","basic"]})"));
}

TEST(Schema, AOneOrManyFieldIsMarkedSo) {
  Schema s;
  s.enumeration("http.method", {"PUT", "POST"}).one_or_many();
  s.tmpl("http.relativeURI");
  ASSERT_TRUE(s.fields()[0].is_one_or_many());
  EXPECT_FALSE(s.fields()[1].is_one_or_many());
  const json::object out = s.to_json();
  const json::value& http = out.at("properties").at("http").at("properties");
  EXPECT_EQ(http.at("method"), json::parse(R"({"type":"string","enum":["PUT","POST"],
      "x-sluice-oneOrMany":true})"));
  EXPECT_EQ(http.at("relativeURI"), json::parse(R"({"type":"string","x-sluice-template":true})"));
}

TEST(Schema, ArraysDescribeTheirItems) {
  Schema header;
  header.string("name").required();
  header.tmpl("value");
  Schema s;
  s.array("http.headers").items(header);
  s.array("ids").items(FieldType::kString);
  const json::object out = s.to_json();
  EXPECT_EQ(out.at("properties").at("ids"),
            json::parse(R"({"type":"array","items":{"type":"string"}})"));
  EXPECT_EQ(out.at("properties").at("http").at("properties").at("headers").at("items"),
            json::parse(
                R"({"type":"object","properties":{"name":{"type":"string","x-sluice-required":true},
                "value":{"type":"string","x-sluice-template":true}},"required":["name"]})"));
}

}  // namespace
}  // namespace sluice
