#include "mapper/response_mapping.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

ResponseMapping compiled(std::string_view doc) {
  auto mapping = ResponseMapping::compile(json::parse(doc), "pageProcessors[0].responseMapping");
  EXPECT_TRUE(mapping.has_value()) << (mapping ? "" : mapping.error().message);
  return mapping.value();
}

std::string compile_error(std::string_view doc) {
  auto mapping = ResponseMapping::compile(json::parse(doc), "pageProcessors[0].responseMapping");
  return mapping ? "<compiled>" : mapping.error().message;
}

std::string merged(const ResponseMapping& mapping, std::string_view record,
                   std::string_view response) {
  json::value out = json::parse(record);
  auto ok = mapping.apply(out, json::parse(response));
  return ok ? json::serialize(out) : "error: " + ok.error().message;
}

TEST(ResponseMapping, LookupResultsMergeIntoTheRecordWhichKeepsItsFields) {
  const ResponseMapping mapping = compiled(R"({"fields": [
    {"extract": "data[0].id", "generate": "customerId"},
    {"extract": "data[0].address.city", "generate": "customer.city"},
    {"extract": "data.length", "generate": "matches"}]})");
  EXPECT_EQ(merged(mapping, R"({"email": "a@b.c", "customer": {"name": "Ada"}})",
                   R"({"data": [{"id": 42, "address": {"city": "Oslo"}}, {"id": 43}],
                       "errors": []})"),
            R"({"email":"a@b.c","customer":{"name":"Ada","city":"Oslo"},"customerId":42,)"
            R"("matches":2})");
}

TEST(ResponseMapping, AnEmptyLookupResultSetsOnlyTheCountAndKeepsOldValues) {
  const ResponseMapping mapping = compiled(R"({"fields": [
    {"extract": "data[0].id", "generate": "customerId"},
    {"extract": "data.length", "generate": "matches"}]})");
  EXPECT_EQ(merged(mapping, R"({"customerId": "old"})", R"({"data": [], "errors": []})"),
            R"({"customerId":"old","matches":0})");
}

TEST(ResponseMapping, ListsBuildOneElementPerResultOfData) {
  const ResponseMapping mapping = compiled(R"({"lists": [{"generate": "contacts", "fields": [
      {"extract": "email", "generate": "mail"}, {"extract": "name.first", "generate": "first"}]}]})");
  EXPECT_EQ(merged(mapping, R"({"id": 1, "contacts": ["replaced"]})",
                   R"({"data": [{"email": "x@y", "name": {"first": "X"}}, {"email": "z@y"}]})"),
            R"({"id":1,"contacts":[{"mail":"x@y","first":"X"},{"mail":"z@y"}]})");
  EXPECT_EQ(merged(mapping, R"({"id": 1})", R"({"data": []})"), R"({"id":1})");
}

TEST(ResponseMapping, ImportResponsesMapIdStatusCodeAndJson) {
  const ResponseMapping mapping = compiled(R"({"fields": [
    {"extract": "id", "generate": "remoteId"},
    {"extract": "statusCode", "generate": "sync.status"},
    {"extract": "_json.output.1.content.0.text", "generate": "answer"},
    {"extract": "errors[0].code", "generate": "errorCode"}]})");
  EXPECT_EQ(merged(mapping, R"({"sku": "A"})",
                   R"({"statusCode": 201, "id": "r-9", "ignored": false, "errors": [],
                       "_json": {"output": [{}, {"content": [{"text": "hi"}]}]}})"),
            R"({"sku":"A","remoteId":"r-9","sync":{"status":201},"answer":"hi"})");
}

TEST(ResponseMapping, ARecordThatIsNotAnObjectIsAnErrorForThatRecord) {
  const ResponseMapping mapping = compiled(R"({"fields": [{"extract": "id", "generate": "x"}]})");
  EXPECT_EQ(merged(mapping, R"([1])", R"({"id": 1})"),
            "error: the record is an array, not an object; a response mapping sets fields of an "
            "object record");
  EXPECT_FALSE(mapping.empty());
  EXPECT_TRUE(compiled(R"({"fields": [], "lists": []})").empty());
}

TEST(ResponseMapping, CompileErrorsNameThePathWhatWasFoundAndWhatWasExpected) {
  EXPECT_EQ(compile_error(R"({"fields": [{"generate": "x"}]})"),
            "pageProcessors[0].responseMapping.fields[0].extract: missing; expected a path into "
            "the response");
  EXPECT_EQ(compile_error(R"({"fields": [{"extract": "id"}]})"),
            "pageProcessors[0].responseMapping.fields[0].generate: missing; expected the output "
            "field's path");
  EXPECT_EQ(
      compile_error(R"({"fields": [{"extract": "id", "generate": "x", "dataType": "string"}]})"),
      "pageProcessors[0].responseMapping.fields[0].dataType: unknown field; expected one of "
      "extract, generate");
  EXPECT_EQ(compile_error(R"({"fields": {"type": []}})"),
            "pageProcessors[0].responseMapping.fields: found an object, expected an array of "
            "{extract, generate}");
  EXPECT_EQ(compile_error(R"({"lists": [{"generate": "x", "jsonPath": "a", "fields": []}]})"),
            "pageProcessors[0].responseMapping.lists[0].jsonPath: unknown field; expected one of "
            "generate, fields");
  EXPECT_EQ(compile_error(R"({"field": []})"),
            "pageProcessors[0].responseMapping.field: unknown field; expected one of fields, "
            "lists");
}

}  // namespace
}  // namespace sluice::mapper
