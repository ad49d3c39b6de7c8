// HTTP imports against the mock API's sink: batching, one result per record aligned with the
// records sent, per-record errors, byte-exact request bodies, and whole-page failures.
#include "import_writer.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

json::object import_doc(std::string_view http_extra) {
  json::object http = object(http_extra);
  if (!http.contains("relativeURI")) http["relativeURI"] = "/api/sink";
  return json::object{{"http", std::move(http)}};
}

class HttpImport : public ::testing::Test {
 protected:
  HttpImport()
      : server_({.orders = 25, .reject = {"ORD-000007"}}),
        connection_(open_connection(connection_doc(server_))),
        records_(server_.get_json("/api/orders?page=1&pageSize=25").at("orders").as_array()) {}

  Result<std::vector<RecordResult>> submit(const json::object& doc, const json::array& records) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, *connection_, doc);
    if (!writer) return writer.error();
    return (*writer)->submit(context, records);
  }

  // The same through submit_text, the host's text being `records_json`.
  Result<std::vector<RecordResult>> submit_text(const json::object& doc,
                                                std::string_view records_json, size_t count) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, *connection_, doc);
    if (!writer) return writer.error();
    return (*writer)->submit_text(context, records_json, count);
  }

  std::vector<std::string> bodies() {
    std::vector<std::string> out;
    const json::value sink = server_.get_json("/_mock/sink/bodies");  // alive for the loop
    for (const auto& b : sink.at("bodies").as_array()) {
      out.emplace_back(b.as_string());
    }
    return out;
  }

  json::value sink() { return server_.get_json("/_mock/sink"); }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
  json::array records_;
};

TEST_F(HttpImport, BatchesOfTenGiveOneResultPerRecordWithTheRejectedOneAtItsIndex) {
  auto results =
      submit(import_doc(R"({"batchSize":10,"response":{"resourceIdPath":"id"}})"), records_);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 25u);
  for (size_t i = 0; i < results->size(); ++i) {
    const RecordResult& r = (*results)[i];
    EXPECT_EQ(r.id, records_[i].at("id")) << i;
    if (i == 6) continue;
    EXPECT_TRUE(r.ok()) << i;
    EXPECT_EQ(r.status_code, 200) << i;
  }
  const RecordResult& rejected = (*results)[6];
  EXPECT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status_code, 422);
  ASSERT_EQ(rejected.errors.size(), 1u);
  EXPECT_EQ(rejected.errors[0].code, "rejected");
  EXPECT_FALSE(rejected.errors[0].message.empty());
  const json::value summary = sink();
  EXPECT_EQ(summary.at("requests"), 3);
  EXPECT_EQ(summary.at("records"), 25);
  EXPECT_EQ(summary.at("accepted"), 24);
  EXPECT_EQ(summary.at("rejected"), 1);
}

TEST_F(HttpImport, TheSinkReceivesExactlyTheJsonArraysOfEachBatch) {
  ASSERT_TRUE(submit(import_doc(R"({"batchSize":10})"), records_));
  const json::value bodies = server_.get_json("/_mock/sink/bodies").at("bodies");
  ASSERT_EQ(bodies.as_array().size(), 3u);
  for (size_t b = 0; b < 3; ++b) {
    json::array batch;
    for (size_t i = b * 10; i < std::min<size_t>(b * 10 + 10, records_.size()); ++i) {
      batch.push_back(records_[i]);
    }
    EXPECT_EQ(bodies.at(b).as_string(), json::serialize(batch)) << "batch " << b;
  }
}

TEST_F(HttpImport, BatchSizeOneSendsOneRequestPerRecordWithTheRecordAsBody) {
  auto results = submit(import_doc(R"({"response":{"resourceIdPath":"id"}})"), records_);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 25u);
  EXPECT_EQ(sink().at("requests"), 25);
  const json::value bodies = server_.get_json("/_mock/sink/bodies").at("bodies");
  ASSERT_EQ(bodies.as_array().size(), 25u);
  for (size_t i = 0; i < 25; ++i) {
    EXPECT_EQ(bodies.at(i).as_string(), json::serialize(records_[i])) << i;
    EXPECT_EQ((*results)[i].id, records_[i].at("id")) << i;
    if (i != 6) {
      EXPECT_TRUE((*results)[i].ok()) << i;
      EXPECT_EQ((*results)[i].status_code, 201) << i;
    }
  }
  const RecordResult& rejected = (*results)[6];
  EXPECT_EQ(rejected.status_code, 422);
  ASSERT_EQ(rejected.errors.size(), 1u);
  EXPECT_EQ(rejected.errors[0].code, "rejected");
}

TEST_F(HttpImport, SuccessPathAndErrorPathDecideEachRecord) {
  auto results = submit(import_doc(R"({"batchSize":25,"response":{"successPath":"status",
      "successValues":["created"],"errorPath":"errors.0.message"}})"),
                        records_);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 25u);
  for (size_t i = 0; i < 25; ++i) EXPECT_EQ((*results)[i].ok(), i != 6) << i;
  ASSERT_EQ((*results)[6].errors.size(), 1u);
  EXPECT_EQ((*results)[6].errors[0].code, "rejected");
  EXPECT_NE((*results)[6].errors[0].message.find("ORD-000007"), std::string::npos)
      << (*results)[6].errors[0].message;
}

TEST_F(HttpImport, ASuccessValueThatDoesNotMatchFailsTheRecord) {
  json::array two(records_.begin(), records_.begin() + 2);
  auto results = submit(
      import_doc(R"({"batchSize":2,"response":{"successPath":"status","successValues":["ok"]}})"),
      two);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  for (const RecordResult& r : *results) {
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "unsuccessful");
    EXPECT_EQ(r.errors[0].message,
              "http.response.successPath 'status' holds created, not one of "
              "http.response.successValues (ok)");
  }
}

TEST_F(HttpImport, AClientErrorForABatchFailsEveryRecordOfThatBatch) {
  json::array not_objects = {1, 2, 3};
  auto results = submit(import_doc(R"({"batchSize":2})"), not_objects);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  for (const RecordResult& r : *results) {
    EXPECT_EQ(r.status_code, 400);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "400");
    EXPECT_EQ(r.errors[0].message.rfind(
                  "POST " + server_.base_url() + "/api/sink: HTTP 400 Bad Request: {", 0),
              0u)
        << r.errors[0].message;
  }
  EXPECT_EQ(sink().at("requests"), 2);
}

TEST_F(HttpImport, AWrongTokenFailsTheWholePageAsAuthFailed) {
  auto connection = open_connection(connection_doc(server_, "bad-T0KEN-value"));
  Context context = no_host();
  auto writer = HttpImportWriter::open(context, *connection, import_doc(R"({"batchSize":10})"));
  ASSERT_TRUE(writer);
  auto results = (*writer)->submit(context, records_);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().status, Status::kAuthFailed);
  EXPECT_EQ(results.error().message.find("bad-T0KEN-value"), std::string::npos);
  EXPECT_EQ(sink().at("requests"), 0);
}

TEST_F(HttpImport, ResultsThatCannotBeAlignedFailTheBatchSayingSo) {
  auto results = submit(import_doc(R"({"batchSize":5,"response":{"resourcePath":"results"}})"),
                        json::array(records_.begin(), records_.begin() + 5));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 5u);
  for (const RecordResult& r : *results) {
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "response_mismatch");
    EXPECT_EQ(r.errors[0].message,
              "http.response.resourcePath 'results' was not found in the "
              "response of POST " +
                  server_.base_url() + "/api/sink");
  }
}

TEST_F(HttpImport, RelativeUriTemplatesUseTheRecordWithBatchSizeOne) {
  Context context = no_host();
  auto batched = HttpImportWriter::open(
      context, *connection_,
      import_doc(R"({"batchSize":2,"relativeURI":"/api/sink?id={{record.id}}"})"));
  ASSERT_FALSE(batched);
  EXPECT_EQ(batched.error().status, Status::kInvalidConfig);
  EXPECT_EQ(batched.error().message,
            "http.relativeURI '/api/sink?id={{record.id}}': {{record}} names one record, but "
            "http.batchSize 2 sends several per request: use {{#each batch_of_records}}{{record.x}}"
            "{{/each}}, or set http.batchSize to 1");
  auto single = submit(import_doc(R"({"relativeURI":"/api/sink?id={{record.id}}"})"),
                       json::array(records_.begin(), records_.begin() + 2));
  ASSERT_TRUE(single) << single.error().message;
  EXPECT_EQ(sink().at("requests"), 2);
}

TEST_F(HttpImport, RelativeUriTemplatesRenderIntegratorIoHelpers) {
  auto results = submit(import_doc(R"({"relativeURI":"/api/sink?id={{lowercase record.id}}"})"),
                        json::array(records_.begin(), records_.begin() + 2));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ(sink().at("requests"), 2);
}

TEST_F(HttpImport, ATemplateThatFailsFailsItsRecordsAndNotTheJob) {
  auto results = submit(import_doc(R"({"relativeURI":"/api/sink?id={{noSuchHelper record.id}}"})"),
                        json::array(records_.begin(), records_.begin() + 2));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  for (const RecordResult& r : *results) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status_code, 422);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "template");
    EXPECT_NE(r.errors[0].message.find("noSuchHelper"), std::string::npos) << r.errors[0].message;
  }
  EXPECT_EQ(sink().at("requests"), 0) << "nothing is sent for a record whose URI did not render";
}

TEST_F(HttpImport, InvalidImportSettingsAreNamed) {
  Context context = no_host();
  auto open = [&](std::string_view http) {
    auto writer = HttpImportWriter::open(context, *connection_, import_doc(http));
    return writer ? std::string("opened") : writer.error().message;
  };
  EXPECT_EQ(open(R"({"method":"GET"})"), "http.method must be one of POST, PUT, PATCH, got 'GET'");
  EXPECT_EQ(open(R"({"batchSize":0})"), "http.batchSize must be between 1 and 10000, got 0");
  EXPECT_EQ(open(R"({"batchSize":"ten"})"), "http.batchSize must be an integer, got 'ten'");
  EXPECT_EQ(open(R"({"response":{"successPath":"ok"}})"),
            "http.response.successValues is required when http.response.successPath is set: the "
            "values that mean the record succeeded");
}

// What submit_text sent and answered, beside what submit did for the same records.
void expect_same_results(const std::vector<RecordResult>& text,
                         const std::vector<RecordResult>& dom) {
  ASSERT_EQ(text.size(), dom.size());
  for (size_t i = 0; i < text.size(); ++i) {
    EXPECT_EQ(text[i].to_json(), dom[i].to_json()) << i;
  }
}

TEST_F(HttpImport, SubmitTextSendsTheSameBodiesAndGivesTheSameResultsAsSubmit) {
  const std::string text = json::serialize(records_);
  for (const char* settings : {R"({"batchSize":10,"response":{"resourceIdPath":"id"}})",
                               R"({"response":{"resourceIdPath":"id"}})"}) {
    SCOPED_TRACE(settings);
    server_.post("/_mock/reset", "{}");
    auto dom = submit(import_doc(settings), records_);
    ASSERT_TRUE(dom) << dom.error().message;
    const std::vector<std::string> dom_bodies = bodies();
    server_.post("/_mock/reset", "{}");
    auto cut = submit_text(import_doc(settings), text, records_.size());
    ASSERT_TRUE(cut) << cut.error().message;
    EXPECT_EQ(bodies(), dom_bodies);
    expect_same_results(*cut, *dom);
  }
}

TEST_F(HttpImport, SubmitTextSendsEachRecordAsTheHostWroteIt) {
  // JavaScript's number format, as the host writes a record a step changed: not re-serialized
  // (Boost.JSON would write 7.4412E2).
  const std::string text = R"([{"id":"A","total":744.12},{"id":"B","total":1e+21},{"id":"C"}])";
  auto results = submit_text(import_doc(R"({"batchSize":2})"), text, 3);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(results->size(), 3u);
  EXPECT_EQ(bodies(),
            (std::vector<std::string>{R"([{"id":"A","total":744.12},{"id":"B","total":1e+21}])",
                                      R"([{"id":"C"}])"}));
}

TEST_F(HttpImport, SubmitTextWithATemplateReadingTheRecordRendersItFromTheParsedRecords) {
  const std::string text = json::serialize(json::array(records_.begin(), records_.begin() + 2));
  auto results = submit_text(import_doc(R"({"relativeURI":"/api/sink?id={{record.id}}",
      "body":"{\"order\":\"{{record.id}}\"}"})"),
                             text, 2);
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(bodies(),
            (std::vector<std::string>{R"({"order":"ORD-000001"})", R"({"order":"ORD-000002"})"}));
}

TEST_F(HttpImport, SubmitTextThatIsNotAnArrayOfThatManyRecordsFailsAndSendsNothing) {
  for (auto [text, count] : {std::pair{std::string(R"([{"id":"A"}])"), size_t{2}},
                             std::pair{std::string(R"({"id":"A"})"), size_t{1}}}) {
    auto results = submit_text(import_doc(R"({"batchSize":10})"), text, count);
    ASSERT_FALSE(results) << text;
    EXPECT_EQ(results.error().status, Status::kInternal);
    EXPECT_EQ(results.error().message, "the host passed a page that is not a JSON array of " +
                                           std::to_string(count) + " records");
  }
  EXPECT_EQ(sink().at("requests"), 0);
}

}  // namespace
}  // namespace sluice::plugins::http
