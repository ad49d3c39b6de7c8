// Media types against the mock API's /api/media/ endpoints (tools/mock_api/media.hpp): XML and
// CSV responses as records, urlencoded and multipart imports as the server parsed them (with
// Poco's HTMLForm, not the plugin's encoder), XML bodies and responses, and the combinations
// refused when an export or import is opened.
#include "media.hpp"

#include <gtest/gtest.h>

#include "lookup.hpp"
#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

json::object step(std::string_view http) { return json::object{{"http", object(http)}}; }

class HttpMedia : public ::testing::Test {
 protected:
  HttpMedia() : server_({.orders = 3}), connection_(open_connection(connection_doc(server_))) {}

  // The records of the export's first page, or "error: <message>".
  std::string first_page(const HttpConnection& connection, const json::object& doc) {
    Context context = no_host();
    auto reader = HttpExportReader::open(context, connection, doc);
    if (!reader) return "error: " + reader.error().message;
    auto page = (*reader)->next_page(context);
    if (!page) return "error: " + page.error().message;
    auto records = page_records(*page);
    if (!records) return "error: " + records.error().message;
    return json::serialize(*records);
  }
  std::string first_page(const json::object& doc) { return first_page(*connection_, doc); }

  Result<std::vector<RecordResult>> submit(const json::object& doc, const json::array& records,
                                           const HttpConnection* connection = nullptr) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, connection ? *connection : *connection_, doc);
    if (!writer) return writer.error();
    return (*writer)->submit(context, records);
  }

  std::string open_import_error(const json::object& doc,
                                const HttpConnection* connection = nullptr) {
    Context context = no_host();
    auto writer = HttpImportWriter::open(context, connection ? *connection : *connection_, doc);
    return writer ? std::string("(opened)") : writer.error().message;
  }

  // The n-th request the mock recorded (method, target, headers, body).
  json::object recorded(size_t n) {
    const json::value all = server_.get_json("/_mock/requests");
    const json::array& requests = all.at("requests").as_array();
    if (n >= requests.size()) {
      ADD_FAILURE() << "only " << requests.size() << " requests were recorded";
      return {};
    }
    return requests[n].as_object();
  }

  std::unique_ptr<HttpConnection> connection_with(std::string_view media) {
    json::object doc = connection_doc(server_);
    for (auto& [key, value] : object(media)) doc["http"].as_object()[key] = value;
    return open_connection(doc);
  }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
};

constexpr std::string_view kOrderRecords =
    R"([{"@id":"ORD-000001","@status":"open","customer":"Ada & Co","line":[{"@sku":"A1","@qty":"2"},)"
    R"({"@sku":"B2","@qty":"1"}],"note":"<fragile>"},)"
    R"({"@id":"ORD-000002","@status":"paid","customer":"Grace","line":{"@sku":"C3","@qty":"5"},)"
    R"("m:priority":"high"},)"
    R"({"@id":"ORD-000003","@status":"open","customer":""}])";

TEST_F(HttpMedia, AnXmlResponseBecomesRecordsAtTheResourcePathWithAttributesAndArrays) {
  EXPECT_EQ(first_page(step(R"({"relativeURI":"/api/media/orders.xml","successMediaType":"xml",
                                "response":{"resourcePath":"response.orders.order"}})")),
            kOrderRecords);
  const json::object request = recorded(0);
  EXPECT_EQ(request.at("target"), "/api/media/orders.xml");
  EXPECT_EQ(request.at("headers").at("accept"), "application/xml");
}

TEST_F(HttpMedia, TheConnectionsXmlMediaTypeAppliesToItsExports) {
  auto xml = connection_with(R"({"mediaType":"xml"})");
  ASSERT_TRUE(xml);
  EXPECT_EQ(first_page(*xml, step(R"({"relativeURI":"/api/media/orders.xml",
                                      "response":{"resourcePath":"response.orders.order"}})")),
            kOrderRecords);
}

TEST_F(HttpMedia, ASingleXmlElementAtTheResourcePathIsOneRecord) {
  EXPECT_EQ(first_page(step(R"({"relativeURI":"/api/media/orders.xml","successMediaType":"xml",
                                "response":{"resourcePath":"response.orders"}})")),
            R"([{"@count":"3","order":)" + std::string(kOrderRecords) + "}]");
}

TEST_F(HttpMedia, ACsvResponseIsOneRecordPerRowKeyedByTheHeader) {
  EXPECT_EQ(
      first_page(step(R"({"relativeURI":"/api/media/orders.csv","successMediaType":"csv"})")),
      R"([{"id":"ORD-000001","customer":"Ada & Co","total":"12.50","note":"fragile, \"handle with care\""},)"
      R"({"id":"ORD-000002","customer":"Grace","total":"7","note":"two\nlines"},)"
      R"({"id":"ORD-000003","customer":"","total":"0","note":""}])");
  EXPECT_EQ(recorded(0).at("headers").at("accept"), "text/csv");
}

TEST_F(HttpMedia, AResponseThatIsNotTheDeclaredXmlFailsTheExportNamingTheRequestAndPosition) {
  const std::string error =
      first_page(step(R"({"relativeURI":"/api/orders","successMediaType":"xml"})"));
  EXPECT_EQ(error.substr(0, error.find(": {")),
            "error: the response of GET " + server_.base_url() +
                "/api/orders is not XML as http.successMediaType says: XML is not well-formed at "
                "line 1, column 1: invalid token");
}

TEST_F(HttpMedia, AJsonResponseStillFailsAsNotJsonWhenTheMediaTypeIsJson) {
  const std::string error = first_page(step(R"({"relativeURI":"/api/media/orders.xml"})"));
  EXPECT_EQ(error.substr(0, error.find(" (")), "error: the response of GET " + server_.base_url() +
                                                   "/api/media/orders.xml is not JSON");
}

TEST_F(HttpMedia, AnExportCannotMakeRecordsFromPlaintext) {
  EXPECT_EQ(first_page(step(R"({"relativeURI":"/api/orders","successMediaType":"plaintext"})")),
            "error: http.successMediaType is plaintext, but an export makes records from its "
            "responses: set the export's http.successMediaType to json, xml or csv");
}

TEST_F(HttpMedia, CsvRowsAreTheRecordsSoAResourcePathIsRefused) {
  EXPECT_EQ(first_page(step(R"({"relativeURI":"/api/media/orders.csv","successMediaType":"csv",
                                "response":{"resourcePath":"rows"}})")),
            "error: http.response.resourcePath 'rows' is set, but with http.successMediaType csv "
            "every row of the response is a record: remove http.response.resourcePath");
}

TEST_F(HttpMedia, ALookupReadsAnXmlResponseAsItsExportSays) {
  Context context = no_host();
  auto lookup =
      HttpLookup::open(context, *connection_,
                       object(R"({"isLookup":true,"http":{"relativeURI":"/api/media/orders.xml",
                 "successMediaType":"xml","response":{"resourcePath":"response.orders.order"}}})"));
  ASSERT_TRUE(lookup) << lookup.error().message;
  auto results = (*lookup)->lookup(context, json::parse(R"([{"id":"x"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(json::serialize((*results)[0].data), kOrderRecords);
  EXPECT_EQ(recorded(0).at("headers").at("accept"), "application/xml");
}

// An export's (here a lookup's) request body is rendered for its request media type: values
// URL-encoded in an urlencoded body, which the server then parses back to the record's value.
TEST_F(HttpMedia, AnExportsUrlencodedBodyTemplateIsEncodedAndSentAsAForm) {
  Context context = no_host();
  auto lookup = HttpLookup::open(
      context, *connection_,
      object(R"({"isLookup":true,"http":{"method":"POST","relativeURI":"/api/media/echo",
                 "requestMediaType":"urlencoded","body":"q={{record.q}}&page=1"}})"));
  ASSERT_TRUE(lookup) << lookup.error().message;
  auto results = (*lookup)->lookup(context, json::parse(R"([{"q":"a b&c=d"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  ASSERT_EQ((*results)[0].data.size(), 1u);
  EXPECT_EQ(json::serialize((*results)[0].data[0].at("fields")),
            R"({"q":["a b&c=d"],"page":["1"]})");
  const json::object request = recorded(0);
  EXPECT_EQ(request.at("headers").at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.at("body"), "q=a%20b%26c%3Dd&page=1");
}

TEST_F(HttpMedia, AnXmlBodyTemplateIsSentAsXmlWithValuesEscapedAsXmlText) {
  auto results = submit(step(R"({"relativeURI":"/api/media/echo","requestMediaType":"xml",
               "body":"<order><id>{{record.id}}</id><note>{{record.note}}</note></order>"})"),
                        json::parse(R"([{"id":"7","note":"a < b & \"c\""}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].ok());
  const json::object request = recorded(0);
  EXPECT_EQ(request.at("headers").at("content-type"), "application/xml");
  EXPECT_EQ(request.at("body"),
            "<order><id>7</id><note>a &lt; b &amp; &quot;c&quot;</note></order>");
}

TEST_F(HttpMedia, AnUrlencodedImportSendsTheRecordsFieldsAsTheServerParsesThem) {
  const json::array records =
      json::parse(R"([{"id":"ORD-1","name":"Ada Lovelace","tags":["a","b&c"],"qty":2,"vip":true}])")
          .as_array();
  auto results =
      submit(step(R"({"relativeURI":"/api/media/echo","requestMediaType":"urlencoded"})"), records);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].ok());
  const json::object request = recorded(0);
  EXPECT_EQ(request.at("headers").at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.at("body"), "id=ORD-1&name=Ada+Lovelace&tags=a&tags=b%26c&qty=2&vip=true");
}

TEST_F(HttpMedia, TheServerParsedTheUrlencodedFields) {
  // The echo's answer is the import's result: read it back through resourceIdPath.
  auto results = submit(
      step(R"({"relativeURI":"/api/media/echo","requestMediaType":"urlencoded",
                                 "response":{"resourceIdPath":"fields"}})"),
      json::parse(R"([{"id":"ORD-1","name":"Ada Lovelace","tags":["a","b&c"]}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(json::serialize((*results)[0].id),
            R"({"id":["ORD-1"],"name":["Ada Lovelace"],"tags":["a","b&c"]})");
}

TEST_F(HttpMedia, AFormDataImportSendsAMultipartBodyTheServerParsesIntoTheSameFields) {
  auto results =
      submit(step(R"({"relativeURI":"/api/media/echo","requestMediaType":"form-data",
                                 "response":{"resourceIdPath":"fields"}})"),
             json::parse(R"([{"id":"ORD-2","note":"two\nlines","n":[1,2]}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ(json::serialize((*results)[0].id),
            R"({"id":["ORD-2"],"note":["two\nlines"],"n":["1","2"]})");
  const std::string content_type(recorded(0).at("headers").at("content-type").as_string());
  const std::string prefix = "multipart/form-data; boundary=sluice-";
  EXPECT_EQ(content_type.substr(0, prefix.size()), prefix);
  EXPECT_EQ(content_type.size(), prefix.size() + 32u);
}

TEST_F(HttpMedia, AFormDataBodyTemplateRendersTheFieldsAsJson) {
  auto results = submit(step(R"({"relativeURI":"/api/media/echo","requestMediaType":"form-data",
                                 "body":"{\"ref\":\"{{record.id}}\",\"say\":\"{{record.q}}\"}",
                                 "response":{"resourceIdPath":"fields"}})"),
                        json::parse(R"([{"id":"ORD-3","q":"he said \"hi\""}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(json::serialize((*results)[0].id), R"({"ref":["ORD-3"],"say":["he said \"hi\""]})");
}

TEST_F(HttpMedia, ARecordWithANestedObjectFailsAloneAndIsNotSent) {
  auto results =
      submit(step(R"({"relativeURI":"/api/media/echo","requestMediaType":"urlencoded"})"),
             json::parse(R"([{"id":"1","address":{"city":"Oslo"}},{"id":"2"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].message,
            "field 'address' is an object: a form body holds only flat fields (strings, numbers, "
            "booleans, null and arrays of those); map it to flat fields or write http.body");
  EXPECT_TRUE((*results)[1].ok());
  EXPECT_EQ(recorded(0).at("body"), "id=2");
}

TEST_F(HttpMedia, AnXmlSuccessResponseGivesTheIdAtResourceIdPath) {
  auto results = submit(step(R"({"relativeURI":"/api/media/echo?reply=xml",
                                 "requestMediaType":"urlencoded","successMediaType":"xml",
                                 "response":{"resourceIdPath":"echo.id",
                                             "successPath":"echo.status",
                                             "successValues":["created"]}})"),
                        json::parse(R"([{"id":"ORD-9"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].ok());
  EXPECT_EQ((*results)[0].status_code, 201);
  EXPECT_EQ((*results)[0].id, "ORD-9");
  EXPECT_EQ(recorded(0).at("headers").at("accept"), "application/xml");
}

TEST_F(HttpMedia, AnXmlErrorBodyGivesTheMessageAtErrorPath) {
  auto results = submit(step(R"({"relativeURI":"/api/media/reject.xml","errorMediaType":"xml",
                                 "response":{"errorPath":"error.message"}})"),
                        json::parse(R"([{"id":"ORD-5"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ((*results)[0].status_code, 422);
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].code, "422");
  EXPECT_EQ((*results)[0].errors[0].message, "quantity must be positive");
}

TEST_F(HttpMedia, AConnectionsErrorMediaTypeAppliesToItsImports) {
  auto xml_errors = connection_with(R"({"errorMediaType":"xml"})");
  ASSERT_TRUE(xml_errors);
  auto results = submit(step(R"({"relativeURI":"/api/media/reject.xml",
                                 "response":{"errorPath":"error.code"}})"),
                        json::parse(R"([{"id":"ORD-5"}])").as_array(), xml_errors.get());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].message, "E42");
}

TEST_F(HttpMedia, WithJsonErrorsAnXmlErrorBodyIsQuotedInTheMessage) {
  auto results = submit(step(R"({"relativeURI":"/api/media/reject.xml",
                                 "response":{"errorPath":"error.message"}})"),
                        json::parse(R"([{"id":"ORD-5"}])").as_array());
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_NE((*results)[0].errors[0].message.find("HTTP 422"), std::string::npos)
      << (*results)[0].errors[0].message;
  EXPECT_NE((*results)[0].errors[0].message.find("<code>E42</code>"), std::string::npos)
      << (*results)[0].errors[0].message;
}

TEST_F(HttpMedia, AnXmlOrPlaintextImportNeedsABodyTemplate) {
  EXPECT_EQ(open_import_error(step(R"({"relativeURI":"/x","requestMediaType":"xml"})")),
            "http.requestMediaType is xml but http.body is empty: write the xml body as a "
            "template, e.g. <order><id>{{record.id}}</id></order>");
  auto plaintext = connection_with(R"({"mediaType":"plaintext"})");
  ASSERT_TRUE(plaintext);
  EXPECT_EQ(open_import_error(step(R"({"relativeURI":"/x"})"), plaintext.get()),
            "http.requestMediaType is plaintext but http.body is empty: write the plaintext body "
            "as a template, e.g. {{record.note}}");
}

TEST_F(HttpMedia, AFormHoldsOneRecordSoLargerBatchesNeedABodyTemplate) {
  EXPECT_EQ(open_import_error(
                step(R"({"relativeURI":"/x","requestMediaType":"form-data","batchSize":5})")),
            "http.requestMediaType is form-data and http.batchSize is 5, but a form holds one "
            "record's fields: set http.batchSize to 1, or write http.body for the batch");
}

TEST_F(HttpMedia, PlaintextResponsesHaveNoPathsToRead) {
  EXPECT_EQ(open_import_error(step(R"({"relativeURI":"/x","successMediaType":"plaintext",
                                      "response":{"resourceIdPath":"id"}})")),
            "http.successMediaType is plaintext, so http.response.resourcePath, resourceIdPath "
            "and successPath have nothing to read: set http.successMediaType to json or xml, or "
            "remove those paths");
}

TEST_F(HttpMedia, AConnectionsCsvSuccessTypeIsRefusedForItsImports) {
  auto csv = connection_with(R"({"successMediaType":"csv"})");
  ASSERT_TRUE(csv);
  EXPECT_EQ(open_import_error(step(R"({"relativeURI":"/x"})"), csv.get()),
            "the connection's http.successMediaType is csv, which an import's responses cannot "
            "be read as: set the import's http.successMediaType to json, xml or plaintext");
}

// Declared (integrator.io has them) but refused: sluice apply says "not supported yet", and a
// document that reaches the plugin anyway is refused when the import is opened.
TEST_F(HttpMedia, CsvAndOctetStreamRequestsAreRefused) {
  for (const char* type : {"csv", "octet-stream"}) {
    EXPECT_EQ(open_import_error(step(std::string(R"({"relativeURI":"/x","requestMediaType":")") +
                                     type + R"("})")),
              std::string("http.requestMediaType must be one of xml, json, urlencoded, "
                          "form-data, plaintext, got '") +
                  type + "'");
  }
}

TEST(StepMediaDefaults, ResponsesFollowTheRequestTypeUnlessSet) {
  const auto resolve = [](std::string_view connection, std::string_view exp) {
    auto media = ConnectionMedia::read(object(connection), {});
    EXPECT_TRUE(media);
    auto step_media = StepMedia::for_export(*media, object(exp), "");
    if (!step_media) return "error: " + step_media.error().message;
    return std::string(name_of(step_media->request())) + " " +
           std::string(name_of(step_media->success())) + " " +
           std::string(name_of(step_media->error()));
  };
  EXPECT_EQ(resolve("{}", "{}"), "json json json");
  EXPECT_EQ(resolve(R"({"http":{"mediaType":"xml"}})", "{}"), "xml xml xml");
  EXPECT_EQ(resolve(R"({"http":{"mediaType":"urlencoded"}})", "{}"), "urlencoded json json");
  EXPECT_EQ(resolve(R"({"http":{"mediaType":"xml"}})", R"({"http":{"requestMediaType":"json"}})"),
            "json json json");
  EXPECT_EQ(resolve("{}", R"({"http":{"successMediaType":"csv"}})"), "json csv json");
  EXPECT_EQ(resolve(R"({"http":{"successMediaType":"xml","errorMediaType":"plaintext"}})",
                    R"({"http":{"requestMediaType":"form-data"}})"),
            "form-data xml plaintext");
  EXPECT_EQ(
      resolve(R"({"http":{"errorMediaType":"xml"}})", R"({"http":{"errorMediaType":"json"}})"),
      "json json json");
}

}  // namespace
}  // namespace sluice::plugins::http
