// Specifies Setting<T>: a setting is read through the declaration that put it in the schema.
#include "sluice/settings.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice {
namespace {

namespace json = boost::json;

json::object doc(std::string_view text) { return json::parse(text).as_object(); }

TEST(Setting, AnAbsentSettingReadsAsTheDefaultTheSchemaShows) {
  Schema s;
  Setting<int64_t> page_size = s.integer("api.paging.pageSize").default_value(100).minimum(1);
  Setting<std::string> method = s.enumeration("api.method", {"GET", "POST"}).default_value("GET");
  Setting<bool> strict = s.boolean("api.strict").default_value(true);
  Setting<double> ratio = s.number("api.ratio").default_value(0.5);
  const json::object empty = doc(R"({"api":{}})");
  EXPECT_EQ(page_size.read(empty).value(), 100);
  EXPECT_EQ(method.read(empty).value(), "GET");
  EXPECT_TRUE(strict.read(empty).value());
  EXPECT_EQ(ratio.read(empty).value(), 0.5);
  EXPECT_EQ(ratio.read(doc("{}")).value(), 0.5);
  EXPECT_EQ(page_size.read(doc(R"({"api":{"paging":{"pageSize":null}}})")).value(), 100);
  const json::object schema = s.to_json();
  EXPECT_EQ(schema.at("properties")
                .at("api")
                .at("properties")
                .at("paging")
                .at("properties")
                .at("pageSize")
                .at("default"),
            json::value(100));
  EXPECT_EQ(schema.at("properties").at("api").at("properties").at("method").at("default"),
            json::value("GET"));
}

TEST(Setting, APresentSettingReadsAsWritten) {
  Schema s;
  Setting<int64_t> page_size = s.integer("api.pageSize").default_value(100);
  Setting<std::string> name = s.string("api.name");
  Setting<json::value> ids = s.array("api.ids").items(FieldType::kString);
  const json::object d = doc(R"({"api":{"pageSize":7,"name":"x","ids":["a","b"]}})");
  EXPECT_EQ(page_size.read(d).value(), 7);
  EXPECT_EQ(name.read(d).value(), "x");
  EXPECT_EQ(ids.read(d).value(), json::parse(R"(["a","b"])"));
  EXPECT_TRUE(page_size.is_set(d));
}

TEST(Setting, WithoutADefaultAnAbsentSettingIsEmptyAndNotSet) {
  Schema s;
  Setting<std::string> name = s.string("api.name");
  Setting<int64_t> code = s.integer("api.code").minimum(100).maximum(599);
  Setting<std::string> mode = s.enumeration("api.mode", {"a", "b"});
  Setting<json::value> extra = s.object("api.extra");
  const json::object d = doc(R"({"api":{"code":null}})");
  EXPECT_EQ(name.read(d).value(), "");
  EXPECT_EQ(code.read(d).value(), 0);
  EXPECT_FALSE(code.is_set(d));
  EXPECT_EQ(mode.read(d).value(), "");
  EXPECT_TRUE(extra.read(d).value().is_null());
}

TEST(Setting, AnEnumAcceptsOnlyTheValuesTheConnectorImplements) {
  Schema s;
  Setting<std::string> type = s.enumeration("auth.type", {"none", "basic", "oauth"})
                                  .unsupported_values({"oauth"})
                                  .default_value("none");
  EXPECT_EQ(type.read(doc(R"({"auth":{"type":"basic"}})")).value(), "basic");
  EXPECT_EQ(type.read(doc(R"({"auth":{"type":"oauth"}})")).error().message,
            "auth.type must be one of none, basic, got 'oauth'");
  EXPECT_EQ(type.read(doc(R"({"auth":{"type":"digest"}})")).error().message,
            "auth.type must be one of none, basic, got 'digest'");
  Setting<std::string> media =
      s.enumeration("mediaType", {"json", "xml"}).unsupported_values({"xml"}).default_value("json");
  EXPECT_EQ(media.read(doc(R"({"mediaType":"xml"})")).error().message,
            "mediaType 'xml' is not supported yet; only json is implemented");
  EXPECT_EQ(media.read(doc(R"({"mediaType":"yaml"})")).error().message,
            "mediaType must be one of json, got 'yaml'");
}

TEST(Setting, AValueOfTheWrongTypeIsInvalidConfigNamingPathAndValue) {
  Schema s;
  Setting<std::string> name = s.string("api.name");
  Setting<int64_t> size = s.integer("api.size");
  Setting<bool> strict = s.boolean("api.strict");
  Setting<double> ratio = s.number("api.ratio");
  const json::object d = doc(R"({"api":{"name":42,"size":"ten","strict":"yes","ratio":{"a":1}}})");
  EXPECT_EQ(name.read(d).error().message, "api.name must be a string, got 42");
  EXPECT_EQ(name.read(d).error().status, Status::kInvalidConfig);
  EXPECT_EQ(size.read(d).error().message, "api.size must be an integer, got 'ten'");
  EXPECT_EQ(strict.read(d).error().message, "api.strict must be true or false, got 'yes'");
  EXPECT_EQ(ratio.read(d).error().message, "api.ratio must be a number, got an object");
}

TEST(Setting, IntegersAreExactAndWithinTheDeclaredBounds) {
  Schema s;
  Setting<int64_t> both = s.integer("n").minimum(1).maximum(10000);
  Setting<int64_t> low = s.integer("low").minimum(0);
  Setting<int64_t> high = s.integer("high").maximum(5);
  Setting<double> ratio = s.number("ratio").minimum(0).maximum(1);
  EXPECT_EQ(both.read(doc(R"({"n":"12"})")).value(), 12);
  EXPECT_EQ(both.read(doc(R"({"n":3.0})")).value(), 3);
  EXPECT_EQ(both.read(doc(R"({"n":0})")).error().message, "n must be between 1 and 10000, got 0");
  EXPECT_EQ(both.read(doc(R"({"n":2.5})")).error().message, "n must be an integer, got 2.5E0");
  EXPECT_EQ(low.read(doc(R"({"low":-1})")).error().message, "low must be at least 0, got -1");
  EXPECT_EQ(high.read(doc(R"({"high":6})")).error().message, "high must be at most 5, got 6");
  EXPECT_EQ(ratio.read(doc(R"({"ratio":1.5})")).error().message,
            "ratio must be between 0 and 1, got 1.5");
}

TEST(Setting, ReadingThroughTheWrongTypeIsAnInternalErrorNotUndefinedBehaviour) {
  Schema s;
  Setting<int64_t> name = s.string("api.name").default_value("x");
  const auto present = name.read(doc(R"({"api":{"name":"y"}})"));
  ASSERT_FALSE(present);
  EXPECT_EQ(present.error().status, Status::kInternal);
  EXPECT_EQ(present.error().message,
            "api.name is declared as string and cannot be read with Setting<int64_t>; read it "
            "with the Setting type that matches its declaration");
  EXPECT_EQ(name.read(doc("{}")).error().status, Status::kInternal);
}

TEST(Setting, AnInvalidDeclaredDefaultIsAnInternalError) {
  Schema s;
  Setting<std::string> mode = s.enumeration("mode", {"a"}).default_value("b");
  EXPECT_EQ(mode.read(doc("{}")).error().message,
            "the declared default of mode is invalid: mode must be one of a, got 'b'");
}

TEST(Setting, KeepsItsDeclarationAfterLaterFieldsAreAdded) {
  Schema s;
  Setting<int64_t> first = s.integer("a").default_value(1);
  for (int i = 0; i < 100; ++i) s.string("f" + std::to_string(i));
  EXPECT_EQ(first.read(doc("{}")).value(), 1);
  EXPECT_EQ(first.path(), "a");
}

}  // namespace
}  // namespace sluice
