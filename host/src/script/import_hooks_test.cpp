// The import hook contracts (preMap, postMap, postSubmit) with a real engine: the options each
// hook gets, field by field, and how each result shape is decoded or refused.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "script/post_map.hpp"
#include "script/post_response_map.hpp"
#include "script/post_submit.hpp"
#include "script/pre_map.hpp"

namespace sluice::script {
namespace {

namespace json = boost::json;

std::unique_ptr<ScriptEngine> load(std::string content) {
  auto engine = ScriptEngine::load(ScriptSource{
      .id = "s9", .name = "hook", .file_name = "hook.js", .content = std::move(content)});
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().message);
  return engine ? std::move(*engine) : nullptr;
}

ImportHookContext context() {
  ImportHookContext c;
  c.settings = json::object{{"import", json::object{{"k", 1}}}};
  c.import_id = "i1";
  c.connection_id = "c1";
  c.flow_id = "f1";
  c.job = json::object{{"_id", "j7"}, {"type", "flow"}};
  c.test_mode = true;
  return c;
}

const ScriptSource kSource{.id = "s9", .name = "hook", .file_name = "hook.js", .content = ""};

TEST(ImportHooks, PreMapOptionsCarryEveryFieldOfTheContract) {
  EXPECT_EQ(build_pre_map_options(R"([{"id":1}])", context()),
            R"({"data":[{"id":1}],"_importId":"i1","_connectionId":"c1","_flowId":"f1",)"
            R"("settings":{"import":{"k":1}},"job":{"_id":"j7","type":"flow"},"testMode":true})");
}

TEST(ImportHooks, PostMapAndPostSubmitOptionsCarryBothDataArrays) {
  ImportHookContext c;
  EXPECT_EQ(build_post_map_options("[1]", "[2]", c),
            R"({"preMapData":[1],"postMapData":[2],"_importId":"","_connectionId":"",)"
            R"("_flowId":"","settings":{},"job":{},"testMode":false})");
  EXPECT_EQ(build_post_submit_options("[1]", "[2]", R"([{"statusCode":200}])", c),
            R"({"preMapData":[1],"postMapData":[2],"responseData":[{"statusCode":200}],)"
            R"("_importId":"","_connectionId":"","_flowId":"","settings":{},"job":{},)"
            R"("testMode":false})");
}

TEST(ImportHooks, RecordResultsAreDataErrorsBothOrNothing) {
  auto results = decode_record_results(
      R"([{"data": {"a": 1}}, {"errors": [{"code": "E", "message": "bad"}]},
          {"data": 2, "errors": [{"message": "noted"}]}, {}])",
      4, "preMap", kSource, "preMap");
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 4u);
  EXPECT_EQ(*(*results)[0].data, json::parse(R"({"a": 1})"));
  EXPECT_TRUE((*results)[0].errors.empty());
  EXPECT_FALSE((*results)[1].data);
  ASSERT_EQ((*results)[1].errors.size(), 1u);
  EXPECT_EQ((*results)[1].errors[0].code, "E");
  EXPECT_EQ((*results)[1].errors[0].message, "bad");
  EXPECT_EQ(*(*results)[2].data, 2);
  EXPECT_EQ((*results)[2].errors[0].message, "noted");
  EXPECT_FALSE((*results)[3].data);
  EXPECT_TRUE((*results)[3].errors.empty());
}

TEST(ImportHooks, ARecordResultOfTheWrongLengthOrShapeIsRefusedSayingWhat) {
  auto short_result = decode_record_results("[{}]", 2, "postMap", kSource, "postMap");
  ASSERT_FALSE(short_result);
  EXPECT_EQ(short_result.error().message,
            "script \"hook\" (hook.js), function postMap: returned a result whose length is 1 "
            "for a page of 2 records; postMap must return exactly one item per record, in order "
            "({data} to keep it, {errors} to fail it, {} to skip it)");
  auto not_array = decode_record_results(R"({"data": []})", 1, "preMap", kSource, "preMap");
  ASSERT_FALSE(not_array);
  EXPECT_NE(not_array.error().message.find("top level is an object; preMap returns an array"),
            std::string::npos)
      << not_array.error().message;
  auto bad_item = decode_record_results("[3]", 1, "preMap", kSource, "preMap");
  ASSERT_FALSE(bad_item);
  EXPECT_NE(bad_item.error().message.find("[0] is a number"), std::string::npos);
  auto bad_error =
      decode_record_results(R"([{"errors": [{"code": 1}]}])", 1, "preMap", kSource, "preMap");
  ASSERT_FALSE(bad_error);
  EXPECT_NE(bad_error.error().message.find("[0].errors[0].message is missing"), std::string::npos)
      << bad_error.error().message;
}

TEST(ImportHooks, PostResponseMapMustKeepTheLengthAndReturnArraysAndRecords) {
  auto shorter = decode_post_response_map_result("[{}]", 3, kSource, "postResponseMap");
  ASSERT_FALSE(shorter);
  EXPECT_EQ(shorter.error().message,
            "script \"hook\" (hook.js), function postResponseMap: returned a result whose length "
            "is 1 for a page of 3 records; postResponseMap must return postResponseMapData with "
            "its length unchanged");
  auto not_array = decode_post_response_map_result("null", 1, kSource, "postResponseMap");
  ASSERT_FALSE(not_array);
  EXPECT_EQ(not_array.error().message,
            "script \"hook\" (hook.js), function postResponseMap: returned a result whose top "
            "level is null; postResponseMap returns options.postResponseMapData (an array, "
            "changed or not)");
  auto unparsed = decode_post_response_map_result("[", 1, kSource, "postResponseMap");
  ASSERT_FALSE(unparsed);
  EXPECT_NE(unparsed.error().message.find("returned a result whose JSON does not parse ("),
            std::string::npos)
      << unparsed.error().message;
}

TEST(ImportHooks, AnErrorsListThatIsNoArrayIsRefusedWithItsPath) {
  auto record = decode_record_results(R"([{}, {"errors": "bad"}])", 2, "preMap", kSource, "preMap");
  ASSERT_FALSE(record);
  EXPECT_EQ(record.error().message,
            "script \"hook\" (hook.js), function preMap: returned a result whose [1].errors is a "
            "string; errors is an array of {code, message, source}");
  auto response =
      decode_post_submit_result(R"([{"errors": [{"message": 1}]}])", 1, kSource, "postSubmit");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().message,
            "script \"hook\" (hook.js), function postSubmit: returned a result whose "
            "[0].errors[0].message is a number; every error needs a message (a string)");
}

TEST(ImportHooks, PostSubmitMustKeepTheLengthAndTheShapeOfResponses) {
  auto ok = decode_post_submit_result(
      R"([{"statusCode": 422, "errors": [{"message": "m"}], "ignored": false, "id": 5}])", 1,
      kSource, "postSubmit");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(json::serialize(*ok),
            R"([{"statusCode":422,"errors":[{"message":"m"}],"ignored":false,"id":5}])");
  auto longer = decode_post_submit_result("[{}, {}]", 1, kSource, "postSubmit");
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().message,
            "script \"hook\" (hook.js), function postSubmit: returned a result whose length is 2 "
            "for a page of 1 record; postSubmit must return responseData with its length "
            "unchanged (one response per record, in order)");
  auto status = decode_post_submit_result(R"([{"statusCode": "200"}])", 1, kSource, "postSubmit");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("[0].statusCode is a string"), std::string::npos);
}

TEST(ImportHooks, CallingAHookRunsTheFunctionWithTheOptions) {
  auto engine = load(R"(
    function preMap(options) {
      return options.data.map(d => ({data: {id: d.id, by: options._importId,
                                            k: options.settings.import.k}}));
    })");
  ASSERT_TRUE(engine);
  auto results = call_pre_map(*engine, "preMap", R"([{"id":"a"},{"id":"b"}])", 2, context());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ(*(*results)[1].data, json::parse(R"({"id":"b","by":"i1","k":1})"));
}

TEST(ImportHooks, AThrowIsTheCallsError) {
  auto engine = load("function postMap(options) { throw new Error('no way'); }");
  ASSERT_TRUE(engine);
  auto results = call_post_map(*engine, "postMap", "[1]", "[1]", 1, context());
  ASSERT_FALSE(results);
  EXPECT_NE(results.error().message.find("no way"), std::string::npos) << results.error().message;
}

}  // namespace
}  // namespace sluice::script
