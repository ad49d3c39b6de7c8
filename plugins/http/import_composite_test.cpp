// HTTP imports against the mock API's items API (tools/mock_api/records_api.hpp): composite
// create/update, ignoreExisting / ignoreMissing, per-record results of batch responses
// (resourcePath, failPath, errorPath), 4xx and 5xx per record, ignoreEmptyNodes and
// strictHandlebarEvaluation. Each test asserts the exact requests the server received and the
// exact result of every record.
#include <gtest/gtest.h>

#include <set>

#include "import_writer.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

json::object import_doc(std::string_view text) { return object(text); }

// One request as the server received it: "METHOD target body".
struct Seen {
  std::string method, target, body;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << s.method << " " << s.target << " " << s.body;
}

// A result as "status id ok|ignored|code: message" for exact comparison.
std::string describe(const RecordResult& r) {
  std::string out = std::to_string(r.status_code) + " " +
                    (r.id.is_null() ? std::string("-") : json::serialize(r.id)) + " ";
  if (r.ignored) return out + "ignored";
  if (r.errors.empty()) return out + "ok";
  for (size_t i = 0; i < r.errors.size(); ++i) {
    out += (i ? " | " : "") + r.errors[i].code + ": " + r.errors[i].message;
  }
  return out;
}

class HttpImportItems : public ::testing::Test {
 protected:
  HttpImportItems() : connection_(open_connection(connection_doc(server_))) {}

  Result<std::vector<std::string>> submit(const json::object& doc, const json::array& records) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, *connection_, doc);
    if (!writer) return writer.error();
    auto results = (*writer)->submit(context, records);
    if (!results) return results.error();
    std::vector<std::string> out;
    for (const RecordResult& r : *results) out.push_back(describe(r));
    return out;
  }

  // The same through submit_text, the host's text being `records` serialized.
  Result<std::vector<std::string>> submit_text(const json::object& doc,
                                               const json::array& records) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, *connection_, doc);
    if (!writer) return writer.error();
    auto results = (*writer)->submit_text(context, json::serialize(records), records.size());
    if (!results) return results.error();
    std::vector<std::string> out;
    for (const RecordResult& r : *results) out.push_back(describe(r));
    return out;
  }

  std::string open_error(std::string_view doc) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, *connection_, import_doc(doc));
    return writer ? std::string("opened") : writer.error().message;
  }

  std::vector<Seen> requests() {
    std::vector<Seen> out;
    const json::value seen = server_.get_json("/_mock/requests");
    for (const auto& r : seen.at("requests").as_array()) {
      out.push_back({std::string(r.at("method").as_string()),
                     std::string(r.at("target").as_string()),
                     std::string(r.at("body").as_string())});
    }
    return out;
  }

  std::string item(const std::string& id) {
    return json::serialize(server_.get_json("/api/items/" + id));
  }

  MockApiServer server_{{.orders = 1}};
  std::unique_ptr<HttpConnection> connection_;
};

constexpr std::string_view kUpsert = R"({"http":{"requestType":["UPDATE","CREATE"],
    "method":["PUT","POST"],"relativeURI":["/api/items/{{record.itemId}}","/api/items"],
    "existingExtract":"itemId"}})";

TEST_F(HttpImportItems, CompositeUpdatesRecordsWithTheExistingFieldAndCreatesTheOthers) {
  const json::array records = json::parse(R"([{"name":"New A"},
      {"itemId":"IT-0002","name":"Renamed"},{"itemId":"","name":"New B"},
      {"itemId":"IT-0042","name":"Ghost"}])")
                                  .as_array();
  auto results = submit(import_doc(kUpsert), records);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results,
            (std::vector<std::string>{
                R"(201 "IT-0004" ok)", R"(200 "IT-0002" ok)", R"(201 "IT-0005" ok)",
                "404 - 404: PUT " + server_.base_url() +
                    "/api/items/IT-0042: HTTP 404 Not Found: "
                    R"({"error":{"code":"not_found","message":"no item with id 'IT-0042'"}} )"
                    "\u2014 check the base URI and the relative URI"}));
  EXPECT_EQ(
      requests(),
      (std::vector<Seen>{{"POST", "/api/items", R"({"name":"New A"})"},
                         {"PUT", "/api/items/IT-0002", R"({"itemId":"IT-0002","name":"Renamed"})"},
                         {"POST", "/api/items", R"({"itemId":"","name":"New B"})"},
                         {"PUT", "/api/items/IT-0042", R"({"itemId":"IT-0042","name":"Ghost"})"}}));
  EXPECT_EQ(item("IT-0002"), R"({"id":"IT-0002","itemId":"IT-0002","name":"Renamed"})");
}

TEST_F(HttpImportItems, SubmitTextOfACompositeImportChoosesPerRecordAsSubmitDoes) {
  const json::array records = json::parse(R"([{"itemId":"IT-0001","name":"U"},{"name":"C"},
      {"itemId":"IT-0003","name":"V"}])")
                                  .as_array();
  auto results = submit_text(import_doc(kUpsert), records);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{R"(200 "IT-0001" ok)", R"(201 "IT-0004" ok)",
                                                R"(200 "IT-0003" ok)"}));
  EXPECT_EQ(requests(), (std::vector<Seen>{
                            {"PUT", "/api/items/IT-0001", R"({"itemId":"IT-0001","name":"U"})"},
                            {"POST", "/api/items", R"({"name":"C"})"},
                            {"PUT", "/api/items/IT-0003", R"({"itemId":"IT-0003","name":"V"})"}}));
}

TEST_F(HttpImportItems, ASingleRequestTypeInArraysWorksAsTheSingleValueForm) {
  auto results = submit(import_doc(R"({"http":{"requestType":["CREATE"],"method":["POST"],
      "relativeURI":["/api/items"]}})"),
                        json::parse(R"([{"name":"One"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, std::vector<std::string>{R"(201 "IT-0004" ok)"});
}

TEST_F(HttpImportItems, ABatchSendsItsCreatesAndItsUpdatesAsTwoRequestsAndMapsResultsBackInOrder) {
  const json::array records = json::parse(R"([{"name":"New A"},{"id":"IT-0001","name":"Renamed"},
      {"price":3},{"id":"IT-0042","name":"Ghost"},{"name":"New B"}])")
                                  .as_array();
  auto results = submit(import_doc(R"({"http":{"batchSize":3,"requestType":["CREATE","UPDATE"],
      "method":"POST","relativeURI":"/api/items/batch","existingExtract":"id",
      "response":{"resourcePath":"results","failPath":"status","failValues":["failed"],
        "errorPath":"error.message"}}})"),
                        records);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{
                          R"(200 "IT-0004" ok)", R"(200 "IT-0001" ok)",
                          "422 - failed: name is required: a non-empty string",
                          "422 - failed: no item with id 'IT-0042'", R"(200 "IT-0005" ok)"}));
  EXPECT_EQ(requests(), (std::vector<Seen>{
                            {"POST", "/api/items/batch", R"([{"name":"New A"},{"price":3}])"},
                            {"POST", "/api/items/batch", R"([{"id":"IT-0001","name":"Renamed"}])"},
                            {"POST", "/api/items/batch", R"([{"name":"New B"}])"},
                            {"POST", "/api/items/batch", R"([{"id":"IT-0042","name":"Ghost"}])"}}));
}

TEST_F(HttpImportItems, AFailureInsideATwoHundredBatchFailsOnlyThatRecordWithTheFailPathMessage) {
  auto results = submit(import_doc(R"({"http":{"batchSize":3,"relativeURI":"/api/items/batch",
      "response":{"resourcePath":"results","failPath":"status","failValues":["failed"]}}})"),
                        json::parse(R"([{"name":"A"},{"name":""},{"name":"C"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{
                          R"(200 "IT-0004" ok)",
                          "422 - failed: http.response.failPath 'status' holds failed, one of "
                          "http.response.failValues",
                          R"(200 "IT-0005" ok)"}));
}

TEST_F(HttpImportItems,
       IgnoreExistingSkipsRecordsWhoseIgnoreExtractHasAValueAndSendsNothingForThem) {
  auto results = submit(import_doc(R"({"ignoreExisting":true,"http":{"relativeURI":"/api/items",
          "ignoreExtract":"ref.itemId"}})"),
                        json::parse(R"([{"name":"A"},{"ref":{"itemId":"IT-0001"},"name":"B"},
                 {"ref":{"itemId":null},"name":"C"}])")
                            .as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{R"(201 "IT-0004" ok)", "200 - ignored",
                                                R"(201 "IT-0005" ok)"}));
  EXPECT_EQ(requests(),
            (std::vector<Seen>{{"POST", "/api/items", R"({"name":"A"})"},
                               {"POST", "/api/items", R"({"ref":{"itemId":null},"name":"C"})"}}));
}

TEST_F(HttpImportItems, IgnoreMissingUpdatesOnlyTheRecordsThatExist) {
  auto results =
      submit(import_doc(R"({"ignoreMissing":true,"http":{"requestType":["UPDATE"],
      "method":"PUT","relativeURI":"/api/items/{{record.itemId}}","ignoreExtract":"itemId"}})"),
             json::parse(R"([{"itemId":"IT-0003","name":"X"},{"name":"Y"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{R"(200 "IT-0003" ok)", "200 - ignored"}));
  EXPECT_EQ(
      requests(),
      (std::vector<Seen>{{"PUT", "/api/items/IT-0003", R"({"itemId":"IT-0003","name":"X"})"}}));
}

TEST_F(HttpImportItems, IgnoreExistingFallsBackToExistingExtractInACompositeImport) {
  // "Create new records & ignore existing records" over an upsert: the existing one is ignored.
  auto results =
      submit(import_doc(R"({"ignoreExisting":true,"http":{
      "requestType":["UPDATE","CREATE"],"method":["PUT","POST"],
      "relativeURI":["/api/items/{{record.itemId}}","/api/items"],"existingExtract":"itemId"}})"),
             json::parse(R"([{"itemId":"IT-0001","name":"X"},{"name":"Y"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{"200 - ignored", R"(201 "IT-0004" ok)"}));
  EXPECT_EQ(requests(), (std::vector<Seen>{{"POST", "/api/items", R"({"name":"Y"})"}}));
}

TEST_F(HttpImportItems, AClientErrorIsThatRecordsErrorWithTheApisMessageAndIsNotRetried) {
  auto results =
      submit(import_doc(R"({"http":{"relativeURI":"/api/items"}})"),
             json::parse(R"([{"name":"A"},{"name":"B","price":-1},{"price":"x"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results,
            (std::vector<std::string>{
                R"(201 "IT-0004" ok)", "422 - invalid: price must be a number >= 0, got -1",
                "422 - invalid: name is required: a non-empty string | invalid: price must be a "
                "number >= 0, got \"x\""}));
  EXPECT_EQ(requests().size(), 3u) << "one request per record: a 4xx is not retried";
}

TEST_F(HttpImportItems, AServerErrorThatOutlivesRetriesFailsItsRecordsAndTheOthersGoOn) {
  auto results =
      submit(import_doc(R"({"http":{"relativeURI":"/api/items"}})"),
             json::parse(R"([{"name":"A"},{"name":"unavailable"},{"name":"C"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0], R"(201 "IT-0004" ok)");
  EXPECT_EQ((*results)[2], R"(201 "IT-0005" ok)");
  const std::string prefix = "503 - 503: POST " + server_.base_url() +
                             "/api/items: HTTP 503 Service Unavailable: "
                             R"({"error":"the items service is unavailable"})";
  EXPECT_EQ((*results)[1].substr(0, prefix.size()), prefix) << (*results)[1];
  const std::vector<Seen> seen = requests();
  ASSERT_EQ(seen.size(), 5u) << "A once, the failing record kFast.max_attempts (3) times, C once";
  for (size_t i = 1; i <= 3; ++i) EXPECT_EQ(seen[i].body, R"({"name":"unavailable"})") << i;
}

TEST_F(HttpImportItems, IgnoreEmptyNodesRemovesEmptyFieldsFromTheRecordAndFromARenderedBody) {
  const json::array records = json::parse(R"([{"name":"A","note":"","tags":[],
      "dims":{"w":null,"h":{}},"parts":[null,"",{"x":""},1],"price":0,"ok":false}])")
                                  .as_array();
  ASSERT_TRUE(submit(import_doc(R"({"http":{"relativeURI":"/api/items","ignoreEmptyNodes":true}})"),
                     records));
  ASSERT_TRUE(submit(import_doc(R"({"http":{"relativeURI":"/api/items","ignoreEmptyNodes":true,
      "body":"{\"name\":\"{{record.name}}\",\"note\":\"{{record.note}}\",\"extra\":{\"a\":null}}"}})"),
                     records));
  const std::vector<Seen> seen = requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].body, R"({"name":"A","parts":[1],"price":0,"ok":false})");
  EXPECT_EQ(seen[1].body, R"({"name":"A"})");
}

TEST_F(HttpImportItems, IgnoreEmptyNodesWithABodyThatIsNotJsonFailsItsRecordsAndSendsNothing) {
  auto results = submit(import_doc(R"({"http":{"relativeURI":"/api/items","ignoreEmptyNodes":true,
      "body":"name={{record.name}}"}})"),
                        json::parse(R"([{"name":"A"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(
      (*results)[0].rfind("422 - invalid_body: http.body rendered to text that is not JSON (", 0),
      0u)
      << (*results)[0];
  EXPECT_NE((*results)[0].find("so http.ignoreEmptyNodes cannot remove its empty fields: name=A"),
            std::string::npos)
      << (*results)[0];
  EXPECT_EQ(requests().size(), 0u);
}

TEST_F(HttpImportItems, StrictHandlebarEvaluationFailsARecordWhoseTemplateNamesAMissingField) {
  const json::array records =
      json::parse(R"([{"itemId":"IT-0001","name":"X"},{"name":"Y"}])").as_array();
  auto strict = submit(import_doc(R"({"http":{"method":"PUT","strictHandlebarEvaluation":true,
      "relativeURI":"/api/items/{{record.itemId}}"}})"),
                       records);
  ASSERT_TRUE(strict) << strict.error().message;
  EXPECT_EQ(*strict,
            (std::vector<std::string>{
                R"(200 "IT-0001" ok)",
                "422 - template: template 'http.relativeURI' line 1, column 14: 'record.itemId' "
                "names nothing in the context (strictHandlebarEvaluation)"}));
  EXPECT_EQ(
      requests(),
      (std::vector<Seen>{{"PUT", "/api/items/IT-0001", R"({"itemId":"IT-0001","name":"X"})"}}));
  // Without it, the missing field renders empty and the request is sent.
  auto lenient = submit(import_doc(R"({"http":{"method":"PUT",
      "relativeURI":"/api/items/{{record.itemId}}"}})"),
                        json::array{records[1]});
  ASSERT_TRUE(lenient) << lenient.error().message;
  EXPECT_EQ(requests().size(), 2u);
  EXPECT_EQ(requests().back().target, "/api/items/");
}

TEST_F(HttpImportItems, InconsistentCompositeSettingsAreRefusedAtOpenNamingTheJsonPath) {
  EXPECT_EQ(open_error(R"({"http":{"method":["PUT","POST"],"relativeURI":"/api/items"}})"),
            "http.method has 2 entries but http.requestType is not set: with several requests, "
            "say which is which, e.g. \"requestType\": [\"UPDATE\", \"CREATE\"], with "
            "http.existingExtract naming the field that says a record exists");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPDATE","CREATE"],"method":["PUT","POST"],
      "relativeURI":["/a","/b","/c"],"existingExtract":"id"}})"),
            "http.relativeURI has 3 entries but http.requestType has 2 (UPDATE, CREATE): give one "
            "value for all, or one per request type in the same order");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPDATE","CREATE"],"method":["PUT","GET"],
      "existingExtract":"id"}})"),
            "http.method[1] must be one of POST, PUT, PATCH, got 'GET'");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPDATE","UPDATE"]}})"),
            "http.requestType lists UPDATE twice: give each request type once, e.g. "
            "[\"UPDATE\", \"CREATE\"]");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPSERT"]}})"),
            "http.requestType[0] must be one of CREATE, UPDATE, got 'UPSERT'");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPDATE","CREATE"],"method":["PUT","POST"]}})"),
            "http.existingExtract is required when http.requestType has both CREATE and UPDATE: "
            "the record field whose value means the record exists (then the UPDATE request is "
            "sent, else the CREATE one), e.g. \"customerId\"");
  EXPECT_EQ(open_error(R"({"http":{"method":[]}})"),
            "http.method is an empty array: give one value, or one per http.requestType entry");
  EXPECT_EQ(open_error(R"({"http":{"requestType":["UPDATE","CREATE"],"existingExtract":"id",
      "relativeURI":["/api/items/{{record.id}}","/api/items/{{nope record.id}"]}})"),
            "template 'http.relativeURI[1]' line 1, column 28: found '}', expected a parameter or "
            "'}}'");
  EXPECT_EQ(
      open_error(R"({"http":{"requestType":["UPDATE","CREATE"],"existingExtract":"id",
      "relativeURI":"/api/items/{{record.id}"}})"),
      "template 'http.relativeURI' line 1, column 23: found '}', expected a parameter or '}}'")
      << "one value for both request types is named without an index";
  EXPECT_EQ(open_error(R"({"http":{"existingExtract":"id"}})"),
            "http.existingExtract is set but only used with http.requestType [\"UPDATE\", "
            "\"CREATE\"] (which request a record takes) or with ignoreExisting / ignoreMissing; "
            "add the other request type or remove it");
  EXPECT_EQ(open_error(R"({"http":{"response":{"failPath":"status"}}})"),
            "http.response.failValues is required when http.response.failPath is set: the values "
            "that mean the record failed");
}

TEST_F(HttpImportItems, IgnoreSettingsWithoutTheFieldTheyNeedAreRefusedAtOpen) {
  EXPECT_EQ(open_error(R"({"ignoreExisting":true,"http":{}})"),
            "ignoreExisting needs http.ignoreExtract: the record field whose value means the "
            "record already exists in the destination, e.g. \"customerId\"");
  EXPECT_EQ(open_error(R"({"ignoreMissing":true,"http":{}})"),
            "ignoreMissing needs http.ignoreExtract: the record field whose value means the "
            "record already exists in the destination, e.g. \"customerId\"");
  EXPECT_EQ(
      open_error(R"({"ignoreExisting":true,"ignoreMissing":true,"http":{"ignoreExtract":"id"}})"),
      "ignoreExisting and ignoreMissing are both true, which would ignore every record: "
      "keep one");
  EXPECT_EQ(open_error(R"({"http":{"ignoreExtract":"id"}})"),
            "http.ignoreExtract is only used with ignoreExisting or ignoreMissing set to true; set "
            "one of them or remove it");
  EXPECT_EQ(open_error(R"({"ignoreExisting":"yes","http":{"ignoreExtract":"id"}})"),
            "ignoreExisting must be true or false, got 'yes'");
}

TEST_F(HttpImportItems, ResponsePathsMayDifferPerRequestType) {
  // The update answers {"id","status"} and the batch create {"results":[...]}.
  auto results =
      submit(import_doc(R"({"http":{"batchSize":2,"requestType":["UPDATE","CREATE"],
      "method":["PUT","POST"],"existingExtract":"itemId",
      "relativeURI":["/api/items/{{#each batch_of_records}}{{record.itemId}}{{/each}}",
                     "/api/items/batch"],
      "body":["{{#each batch_of_records}}{{{jsonSerialize record}}}{{/each}}",""],
      "response":{"resourcePath":["","results"],"resourceIdPath":["id","id"]}}})"),
             json::parse(R"([{"itemId":"IT-0002","name":"U"},{"name":"C"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(*results, (std::vector<std::string>{R"(200 "IT-0002" ok)", R"(200 "IT-0004" ok)"}));
  EXPECT_EQ(requests(),
            (std::vector<Seen>{{"PUT", "/api/items/IT-0002", R"({"itemId":"IT-0002","name":"U"})"},
                               {"POST", "/api/items/batch", R"([{"name":"C"}])"}}));
}

TEST_F(HttpImportItems, AtConcurrencyLevelEightEveryRequestsResultsStayAtTheirRecords) {
  json::object doc = connection_doc(server_);
  doc["http"].as_object()["concurrencyLevel"] = 8;
  const auto concurrent = open_connection(doc);
  ASSERT_NE(concurrent, nullptr);
  // 24 records: updates of the seeded items, creates, an unknown id and an invalid item, in
  // batches of 2 whose creates and updates go in separate requests (up to 8 at once).
  json::array records;
  for (int i = 0; i < 24; ++i) {
    const std::string name = "R" + std::to_string(i);
    if (i == 7) {
      records.push_back(json::object{{"id", "IT-0099"}, {"name", name}});
    } else if (i == 12) {
      records.push_back(json::object{{"name", ""}});
    } else if (i % 3 == 0) {
      records.push_back(json::object{{"id", "IT-000" + std::to_string(1 + i % 2)}, {"name", name}});
    } else {
      records.push_back(json::object{{"name", name}});
    }
  }
  Context context = no_host();
  auto writer = HttpImportWriter::open(context, *concurrent, import_doc(R"({"http":{
      "batchSize":2,"requestType":["CREATE","UPDATE"],"method":"POST",
      "relativeURI":"/api/items/batch","existingExtract":"id",
      "response":{"resourcePath":"results","failPath":"status","failValues":["failed"],
        "errorPath":"error.message"}}})"));
  ASSERT_TRUE(writer) << writer.error().message;
  auto results = (*writer)->submit(context, records);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), records.size());
  // One request per operation a batch uses: 12 batches, 11 with a create, 7 with an update.
  EXPECT_EQ(requests().size(), 18u);
  std::set<std::string> created;
  for (size_t i = 0; i < records.size(); ++i) {
    const RecordResult& r = (*results)[i];
    const json::object& record = records[i].as_object();
    if (i == 7) {
      EXPECT_EQ(describe(r), "422 - failed: no item with id 'IT-0099'");
    } else if (i == 12) {
      EXPECT_EQ(describe(r), "422 - failed: name is required: a non-empty string");
    } else if (record.contains("id")) {
      EXPECT_EQ(describe(r), "200 " + json::serialize(record.at("id")) + " ok") << i;
    } else {
      // A new id, and the item stored under it is this record's.
      ASSERT_TRUE(r.ok() && r.id.is_string()) << i << ": " << describe(r);
      const std::string id(r.id.as_string());
      EXPECT_TRUE(created.insert(id).second) << id << " given twice";
      EXPECT_EQ(server_.get_json("/api/items/" + id).at("name"), record.at("name")) << i;
    }
  }
  EXPECT_EQ(created.size(), 15u);
}

TEST_F(HttpImportItems, ACompositeUrlencodedImportSendsEachRecordAsAFormToItsRequestTypesUri) {
  const json::array records = json::parse(R"([{"itemId":"IT-0001","name":"U","note":""},
      {"name":"C","tags":[]},{"itemId":null,"name":"D","dims":{"w":null}}])")
                                  .as_array();
  auto results = submit(import_doc(R"({"http":{"requestMediaType":"urlencoded",
      "ignoreEmptyNodes":true,"requestType":["UPDATE","CREATE"],"method":["PUT","POST"],
      "relativeURI":["/api/media/echo?update={{record.itemId}}","/api/media/echo"],
      "existingExtract":"itemId","response":{"resourceIdPath":["fields.itemId","fields.name"]}}})"),
                        records);
  ASSERT_TRUE(results) << results.error().message;
  // Empty fields are removed before the form is written (a nested object left empty too).
  EXPECT_EQ(*results, (std::vector<std::string>{R"(200 ["IT-0001"] ok)", R"(200 ["C"] ok)",
                                                R"(200 ["D"] ok)"}));
  EXPECT_EQ(requests(),
            (std::vector<Seen>{{"PUT", "/api/media/echo?update=IT-0001", "itemId=IT-0001&name=U"},
                               {"POST", "/api/media/echo", "name=C"},
                               {"POST", "/api/media/echo", "name=D"}}));
}

TEST_F(HttpImportItems, IgnoreEmptyNodesIsRefusedForABodyTemplateThatIsNotJson) {
  EXPECT_EQ(open_error(R"({"http":{"requestMediaType":"xml","ignoreEmptyNodes":true,
      "relativeURI":"/api/items","body":"<item><name>{{record.name}}</name></item>"}})"),
            "http.ignoreEmptyNodes removes empty fields from a JSON body, but "
            "http.requestMediaType is xml and http.body is written in that format: remove "
            "http.ignoreEmptyNodes, or leave the empty values out in http.body");
}

}  // namespace
}  // namespace sluice::plugins::http
