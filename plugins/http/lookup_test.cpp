// HTTP lookups (exports with isLookup: true) against the mock API's customers: one request per
// record rendered against it (checked in the requests the mock received), the data each record
// gets, a 404 as that record's error, whole-page failures, and what a lookup refuses to open.
#include "lookup.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

json::object lookup_doc(std::string_view http) {
  return json::object{{"isLookup", true}, {"http", object(http)}};
}

json::array records_with_customers(std::initializer_list<std::string_view> ids) {
  json::array records;
  int n = 0;
  for (std::string_view id : ids) {
    records.push_back(
        json::object{{"id", "ORD-" + std::to_string(++n)},
                     {"customer", json::object{{"id", id}, {"email", "x@example.com"}}}});
  }
  return records;
}

class HttpLookupTest : public ::testing::Test {
 protected:
  HttpLookupTest()
      : server_({.orders = 10}), connection_(open_connection(connection_doc(server_))) {}

  Result<std::unique_ptr<HttpLookup>> open(const json::object& doc) {
    Context context = no_host();
    return HttpLookup::open(context, *connection_, doc);
  }

  Result<std::vector<LookupResult>> run(const json::object& doc, const json::array& records) {
    auto lookup = open(doc);
    if (!lookup) return lookup.error();
    Context context = no_host();
    return (*lookup)->lookup(context, records);
  }

  // "METHOD target" of every /api/ request the mock received, in order.
  std::vector<std::string> requests() {
    std::vector<std::string> out;
    const json::value log = server_.get_json("/_mock/requests");  // alive for the loop
    for (const auto& r : log.at("requests").as_array()) {
      out.push_back(std::string(r.at("method").as_string()) + " " +
                    std::string(r.at("target").as_string()));
    }
    return out;
  }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
};

TEST_F(HttpLookupTest, SendsOneGetPerRecordWithItsCustomerIdAndReturnsTheCustomerAsData) {
  auto results = run(lookup_doc(R"({"relativeURI":"/api/customers/{{record.customer.id}}"})"),
                     records_with_customers({"C-00042", "C-00043", "C-00044"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  const char* expected[] = {
      R"([{"id":"C-00042","email":"customer42@example.com","name":"First42 Last42","tier":"bronze"}])",
      R"([{"id":"C-00043","email":"customer43@example.com","name":"First43 Last43","tier":"silver"}])",
      R"([{"id":"C-00044","email":"customer44@example.com","name":"First44 Last44","tier":"gold"}])"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE((*results)[i].errors.empty()) << i;
    EXPECT_EQ((*results)[i].data, json::parse(expected[i])) << i;
  }
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"GET /api/customers/C-00042", "GET /api/customers/C-00043",
                                      "GET /api/customers/C-00044"}));
  const json::value sent = server_.get_json("/_mock/requests").at("requests").at(0);
  EXPECT_EQ(sent.at("headers").at("authorization"), "Bearer demo-token");
  EXPECT_EQ(sent.at("body"), "");
}

TEST_F(HttpLookupTest, A404IsThatRecordsErrorAndTheOthersStillGetTheirData) {
  auto results = run(lookup_doc(R"({"relativeURI":"/api/customers/{{record.customer.id}}"})"),
                     records_with_customers({"C-00001", "C-99999", "C-00002"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].data.size(), 1u);
  EXPECT_EQ((*results)[0].data.at(0).at("id"), "C-00001");
  EXPECT_EQ((*results)[2].data.at(0).at("id"), "C-00002");
  const LookupResult& missing = (*results)[1];
  EXPECT_TRUE(missing.data.empty());
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].code, "404");
  EXPECT_EQ(missing.errors[0].message,
            "GET " + server_.base_url() +
                "/api/customers/C-99999: HTTP 404 Not Found: {\"error\":\"no customer with id "
                "'C-99999'\"} — nothing was found for this record; check http.relativeURI and the "
                "record's values it uses");
  EXPECT_EQ(requests().size(), 3u);
}

TEST_F(HttpLookupTest, SearchesByEmailAndReadsTheRecordsAtResourcePathEmptyWhenNoneMatch) {
  json::array records = {
      json::object{{"id", "ORD-1"}, {"customer", json::object{{"email", "customer7@example.com"}}}},
      json::object{{"id", "ORD-2"}, {"customer", json::object{{"email", "nobody@example.com"}}}}};
  auto results = run(lookup_doc(R"({"relativeURI":"/api/customers?email={{record.customer.email}}",
                                    "response":{"resourcePath":"customers"}})"),
                     records);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].errors.empty());
  EXPECT_EQ((*results)[0].data, json::parse(R"([{"id":"C-00007","email":"customer7@example.com",)"
                                            R"("name":"First7 Last7","tier":"silver"}])"));
  EXPECT_TRUE((*results)[1].errors.empty());
  EXPECT_EQ((*results)[1].data, json::array());
  EXPECT_EQ(requests(),
            (std::vector<std::string>{"GET /api/customers?email=customer7%40example.com",
                                      "GET /api/customers?email=nobody%40example.com"}));
}

TEST_F(HttpLookupTest, AResourcePathMissingFromTheResponseIsThatRecordsError) {
  auto results = run(lookup_doc(R"({"relativeURI":"/api/customers/{{record.customer.id}}",
                                    "response":{"resourcePath":"data.customers"}})"),
                     records_with_customers({"C-00005"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].code, "invalid_response");
  EXPECT_EQ(
      (*results)[0].errors[0].message,
      "http.response.resourcePath 'data.customers' was not found in the response of GET " +
          server_.base_url() +
          "/api/customers/C-00005: "
          R"({"id":"C-00005","email":"customer5@example.com","name":"First5 Last5","tier":"gold"})");
}

TEST_F(HttpLookupTest, PostsTheBodyRenderedAgainstEachRecord) {
  // The mock answers POST /api/sink with 201 for one object: the lookup's data is that answer.
  auto results = run(lookup_doc(R"({"method":"POST","relativeURI":"/api/sink",
                                    "body":"{\"id\":\"{{record.id}}\",\"q\":\"{{record.customer.id}}\"}"})"),
                     records_with_customers({"C-00001", "C-00002"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].errors.empty());
  const json::value bodies = server_.get_json("/_mock/sink/bodies").at("bodies");
  EXPECT_EQ(bodies, json::parse(R"(["{\"id\":\"ORD-1\",\"q\":\"C-00001\"}",)"
                                R"("{\"id\":\"ORD-2\",\"q\":\"C-00002\"}"])"));
}

TEST_F(HttpLookupTest, PagePagingRequestsOnlyTheFirstPage) {
  auto results = run(lookup_doc(R"({"relativeURI":"/api/orders?pageSize=2",
                                    "paging":{"method":"page","page":1},
                                    "response":{"resourcePath":"orders"}})"),
                     records_with_customers({"C-00001"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ((*results)[0].data.size(), 2u);
  EXPECT_EQ((*results)[0].data.at(1).at("id"), "ORD-000002");
  EXPECT_EQ(requests(), (std::vector<std::string>{"GET /api/orders?pageSize=2&page=1"}));
}

TEST_F(HttpLookupTest, AWrongTokenFailsThePageNotTheRecord) {
  auto connection = open_connection(connection_doc(server_, "wrong-token"));
  Context context = no_host();
  auto lookup =
      HttpLookup::open(context, *connection,
                       lookup_doc(R"({"relativeURI":"/api/customers/{{record.customer.id}}"})"));
  ASSERT_TRUE(lookup) << lookup.error().message;
  auto results = (*lookup)->lookup(context, records_with_customers({"C-00001", "C-00002"}));
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().status, Status::kAuthFailed);
  EXPECT_EQ(requests().size(), 1u) << "nothing is sent after the page failed";
}

TEST_F(HttpLookupTest, RefusesTemplatesALookupCannotRenderNamingTheSetting) {
  struct Case {
    const char* http;
    const char* message;
  } cases[] = {
      {R"({"relativeURI":"/api/customers/{{batch_of_records.0.record.id}}"})",
       "http.relativeURI '/api/customers/{{batch_of_records.0.record.id}}': a lookup sends one "
       "request per record: use {{record}}, not batch_of_records"},
      {R"({"relativeURI":"/api/customers","body":"{{previous_page.last_record.id}}"})",
       "http.body '{{previous_page.last_record.id}}': a lookup reads one page per record, so "
       "there is no previous_page"},
      {R"({"relativeURI":"/api/customers/{{data.id}}"})",
       "http.relativeURI '/api/customers/{{data.id}}': {{data}} (the record as it exists in the "
       "destination) is not known to the HTTP plugin: it does not look existing records up yet; "
       "use {{record}}"},
      {R"({"relativeURI":"/api/customers","once":{"relativeURI":"/api/callbacks/{{record.id}}"}})",
       "http.once.relativeURI is set on a lookup (isLookup: true): http.once is used only by an "
       "export of type once; remove it"},
  };
  for (const Case& c : cases) {
    auto lookup = open(lookup_doc(c.http));
    ASSERT_FALSE(lookup) << c.http;
    EXPECT_EQ(lookup.error().status, Status::kInvalidConfig) << c.http;
    EXPECT_EQ(lookup.error().message, c.message) << c.http;
  }
}

TEST_F(HttpLookupTest, RefusesTypeDeltaOnALookup) {
  json::object doc = lookup_doc(R"({"relativeURI":"/api/customers/{{lastExportDateTime}}"})");
  doc["type"] = "delta";
  auto lookup = open(doc);
  ASSERT_FALSE(lookup);
  EXPECT_EQ(lookup.error().message,
            "type delta: a lookup (isLookup: true) runs once per record it is given, so an export "
            "type delta or once does not apply; remove \"type\"");
}

TEST_F(HttpLookupTest, AFailingHelperIsThatRecordsTemplateErrorAndNothingIsSent) {
  auto results =
      run(lookup_doc(R"({"relativeURI":"/api/customers/{{noSuchHelper record.customer.id}}"})"),
          records_with_customers({"C-00001"}));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].code, "template");
  EXPECT_NE((*results)[0].errors[0].message.find("noSuchHelper"), std::string::npos)
      << (*results)[0].errors[0].message;
  EXPECT_TRUE(requests().empty());
}

}  // namespace
}  // namespace sluice::plugins::http
