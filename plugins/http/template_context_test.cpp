// The context variables of HTTP templates (template_context.hpp), specified by the exact
// requests the mock API received over loopback: each variable in each kind of template, URI and
// JSON body escaping, secrets in headers only, delta URIs, once callbacks, and the refusals.
#include "template_context.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace sluice::plugins::http {
namespace {

using namespace test;
using sluice::testing::MockApiServer;

json::object export_doc(std::string_view extra) {
  json::object doc = object(extra);
  return doc;
}

RunContext delta_run() {
  RunContext run;
  run.type = "delta";
  run.last_export_date_time = "2026-01-01T00:19:30Z";
  run.current_export_date_time = "2026-01-01T01:00:00.000Z";
  run.settings = object(R"({"flow":{"region":"eu/west & co","path":"a/b"},"export":{"n":7}})");
  run.job_id = "J-1";
  return run;
}

class HttpTemplateContext : public ::testing::Test {
 protected:
  HttpTemplateContext()
      : server_({.orders = 25}), connection_(open_connection(connection_doc(server_))) {}

  // The targets (path and query, as sent) of every /api/ request since the last reset.
  std::vector<std::string> targets() {
    std::vector<std::string> out;
    for (const auto& r : requests()) out.emplace_back(r.at("target").as_string());
    return out;
  }
  json::array requests() { return server_.get_json("/_mock/requests").at("requests").as_array(); }
  void reset() { server_.post("/_mock/reset", ""); }

  Result<std::unique_ptr<HttpExportReader>> open_export(const json::object& doc,
                                                        const RunContext* run) {
    Context context(nullptr, nullptr, run);
    return HttpExportReader::open(context, *connection_, doc);
  }
  std::string export_error(std::string_view doc, const RunContext* run = nullptr) {
    auto reader = open_export(export_doc(doc), run);
    return reader ? std::string("opened") : reader.error().message;
  }

  Result<std::unique_ptr<HttpImportWriter>> open_import(std::string_view http) {
    Context context = no_host();
    return HttpImportWriter::open(context, *connection_, json::object{{"http", object(http)}});
  }
  std::string import_error(std::string_view http) {
    auto writer = open_import(http);
    return writer ? std::string("opened") : writer.error().message;
  }

  json::array records(std::string_view text) { return json::parse(text).as_array(); }

  MockApiServer server_;
  std::unique_ptr<HttpConnection> connection_;
};

TEST_F(HttpTemplateContext, ExportUriRendersTheRunsVariablesEachUrlEncodedAsAQueryValue) {
  const RunContext run = delta_run();
  auto reader = open_export(
      object(
          R"({"http":{"relativeURI":"/api/orders?pageSize=50&updated_since={{lastExportDateTime}})"
          R"(&until={{currentExportDateTime}}&r={{settings.flow.region}}&n={{settings.export.n}})"
          R"(&job={{job._id}}&t={{job.type}}&raw={{{settings.flow.path}}}",)"
          R"("response":{"resourcePath":"orders"}}})"),
      &run);
  ASSERT_TRUE(reader) << reader.error().message;
  const Pages pages = read_all(**reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(targets(),
            (std::vector<std::string>{
                "/api/orders?pageSize=50&updated_since=2026-01-01T00%3A19%3A30Z"
                "&until=2026-01-01T01%3A00%3A00.000Z&r=eu%2Fwest%20%26%20co&n=7&job=J-1&t=delta"
                "&raw=a/b"}));
}

TEST_F(HttpTemplateContext, ExportBodyEscapesEachVariableAsJsonStringContent) {
  RunContext run = delta_run();
  run.settings = object(R"({"flow":{"q":"a \"b\"\n\\c"}})");
  // The sink answers an array of records with one result per record: those are the records.
  auto reader = open_export(
      object(R"({"http":{"method":"POST","relativeURI":"/api/sink",)"
             R"("body":"[{\"id\":\"{{settings.flow.q}}\",\"since\":\"{{lastExportDateTime}}\",)"
             R"(\"page\":{{export.http.paging.page}} }]"}})"),
      &run);
  ASSERT_TRUE(reader) << reader.error().message;
  const Pages pages = read_all(**reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.ids, (std::vector<std::string>{"a \"b\"\n\\c"}));
  const json::array sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at("body").as_string(),
            R"([{"id":"a \"b\"\n\\c","since":"2026-01-01T00:19:30Z","page":0 }])");
}

TEST_F(HttpTemplateContext, DeltaExportFetchesOnlyWhatChangedSinceLastExportDateTimeAcrossPages) {
  const RunContext run = delta_run();
  auto reader = open_export(
      object(
          R"({"http":{"relativeURI":"/api/orders?pageSize=4&updated_since={{lastExportDateTime}}",)"
          R"("paging":{"method":"url","path":"next"},"response":{"resourcePath":"orders"}}})"),
      &run);
  ASSERT_TRUE(reader) << reader.error().message;
  const Pages pages = read_all(**reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.ids, order_ids(20, 25));
  EXPECT_EQ(targets(),
            (std::vector<std::string>{
                "/api/orders?pageSize=4&updated_since=2026-01-01T00%3A19%3A30Z",
                "/api/orders?page=2&pageSize=4&updated_since=2026-01-01T00%3A19%3A30Z"}));
}

TEST_F(HttpTemplateContext, DeltaExportWhoseTemplatesNeverUseLastExportDateTimeIsRefused) {
  const RunContext run = delta_run();
  EXPECT_EQ(export_error(
                R"({"http":{"relativeURI":"/api/orders?since={{currentExportDateTime}}"}})", &run),
            "type delta: none of http.relativeURI, http.body and http.headers uses "
            "{{lastExportDateTime}}, so every run would export every record; add it where the API "
            "takes a start time, e.g. /orders?updated_since={{lastExportDateTime}}");
  // A 1.0 host passes no run context: the export's own type is read.
  EXPECT_EQ(export_error(R"({"type":"delta","http":{"relativeURI":"/api/orders"}})").substr(0, 50),
            "type delta: none of http.relativeURI, http.body an");
  EXPECT_EQ(export_error(R"({"http":{"relativeURI":"/api/orders",)"
                         R"("headers":[{"name":"X-Since","value":"{{lastExportDateTime}}"}]}})",
                         &run),
            "opened");
}

TEST_F(HttpTemplateContext, PagingPageAndSkipCountPagesAndRecordsBeforeEachRequest) {
  auto reader = open_export(
      object(R"({"http":{"relativeURI":"/api/orders?pageSize=10&page={{export.http.paging.page}})"
             R"(&skip={{export.http.paging.skip}}","paging":{"method":"page","page":1},)"
             R"("response":{"resourcePath":"orders"}}})"),
      nullptr);
  ASSERT_TRUE(reader) << reader.error().message;
  const Pages pages = read_all(**reader);
  ASSERT_FALSE(pages.error) << pages.error->message;
  EXPECT_EQ(pages.sizes, (std::vector<size_t>{10, 10, 5, 0}));
  EXPECT_EQ(targets(), (std::vector<std::string>{"/api/orders?pageSize=10&page=1&skip=0",
                                                 "/api/orders?pageSize=10&page=2&skip=10",
                                                 "/api/orders?pageSize=10&page=3&skip=20",
                                                 "/api/orders?pageSize=10&page=4&skip=25"}));
}

TEST_F(HttpTemplateContext, PreviousPageHoldsTheLastResponseItsLastRecordAndHeaders) {
  auto reader = open_export(
      object(R"({"http":{"relativeURI":"/api/orders?pageSize=10&page={{export.http.paging.page}})"
             R"(&after={{previous_page.last_record.id}}&was={{previous_page.full_response.page}})"
             R"(&type={{previous_page.headers.content-type}}",)"
             R"("paging":{"method":"page","page":1},)"
             R"("response":{"resourcePath":"orders"}}})"),
      nullptr);
  ASSERT_TRUE(reader) << reader.error().message;
  Context context = no_host();
  ASSERT_TRUE((*reader)->next_page(context));
  ASSERT_TRUE((*reader)->next_page(context));
  reader->reset();
  std::vector<std::string> seen = targets();
  ASSERT_GE(seen.size(), 2u);
  seen.resize(2);  // page 3's request, sent ahead (export_reader.hpp), may follow
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                "/api/orders?pageSize=10&page=1&after=&was=&type=",
                "/api/orders?pageSize=10&page=2&after=ORD-000010&was=1&type=application%2Fjson"}));
}

TEST_F(HttpTemplateContext, ConnectionSettingsAreVariablesAndItsSecretsOnlyInHeaders) {
  auto reader = open_export(
      object(
          R"({"http":{"relativeURI":"/api/orders?pageSize=1&type={{connection.type}}&auth={{connection.http.auth.type}})"
          R"(&t={{lookup connection.http.auth.token 'token'}}",)"
          R"("headers":[{"name":"X-Api-Key","value":"Key {{connection.http.auth.token.token}}"}],)"
          R"("response":{"resourcePath":"orders"}}})"),
      nullptr);
  ASSERT_TRUE(reader) << reader.error().message;
  Context context = no_host();
  ASSERT_TRUE((*reader)->next_page(context));
  const json::array sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  // The URI's context has no secrets, so not even a lookup the refusal cannot see finds one.
  EXPECT_EQ(sent[0].at("target"), "/api/orders?pageSize=1&type=http&auth=token&t=");
  EXPECT_EQ(sent[0].at("headers").at("x-api-key"), "Key demo-token");
}

TEST_F(HttpTemplateContext, AHeaderTemplateErrorQuotingASecretDoesNotShowIt) {
  auto reader = open_export(
      object(
          R"({"http":{"relativeURI":"/api/orders",)"
          R"("headers":[{"name":"X","value":"{{jsonParse connection.http.auth.token.token}}"}]}})"),
      nullptr);
  ASSERT_TRUE(reader) << reader.error().message;
  Context context = no_host();
  auto page = (*reader)->next_page(context);
  ASSERT_FALSE(page);
  EXPECT_TRUE(
      page.error().message.starts_with("template 'http.headers.0.value' line 1, column 3: "))
      << page.error().message;
  EXPECT_NE(page.error().message.find("not valid JSON"), std::string::npos) << page.error().message;
  EXPECT_EQ(page.error().message.find("demo-token"), std::string::npos) << page.error().message;

  auto writer = open_import(
      R"({"relativeURI":"/api/sink",)"
      R"("headers":[{"name":"X","value":"{{jsonParse connection.http.auth.token.token}}"}]})");
  ASSERT_TRUE(writer) << writer.error().message;
  auto results = (*writer)->submit(context, records(R"([{"id":"a"}])"));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  ASSERT_EQ((*results)[0].errors.size(), 1u);
  EXPECT_EQ((*results)[0].errors[0].code, "template");
  EXPECT_EQ((*results)[0].errors[0].message.find("demo-token"), std::string::npos);
  EXPECT_TRUE(requests().empty());
}

TEST_F(HttpTemplateContext, SecretsOutsideHeadersAreRefusedNamingTheSettingAndWhy) {
  EXPECT_EQ(
      export_error(
          R"({"http":{"relativeURI":"/api/orders?key={{connection.http.auth.token.token}}"}})"),
      "http.relativeURI '/api/orders?key={{connection.http.auth.token.token}}': "
      "{{connection.http.auth.token.token}} is a secret of the connection, which templates "
      "may use only in http.headers (as integrator.io allows); the connection's "
      "authentication already sends it, or move it to a header");
  EXPECT_EQ(import_error(R"({"relativeURI":"/api/sink","body":"{\"p\":\"{{base64Encode )"
                         R"(@root.connection.http.auth.basic.password}}\"}"})")
                .substr(0, 131),
            "http.body '{\"p\":\"{{base64Encode @root.connection.http.auth.basic.password}}\"}': "
            "{{connection.http.auth.basic.password}} is a secret");
  EXPECT_EQ(export_error(
                R"({"type":"once","http":{"relativeURI":"/api/orders",)"
                R"("once":{"relativeURI":"/api/callbacks/{{connection.http.auth.token.token}}"}}})")
                .substr(0, 30),
            "http.once.relativeURI '/api/ca");
  EXPECT_EQ(
      export_error(R"({"http":{"relativeURI":"/api/orders",)"
                   R"("headers":[{"name":"X","value":"{{connection.http.encrypted.key}}"}]}})"),
      "opened");
  // A secret of a custom connection: in headers only.
  EXPECT_EQ(export_error(R"({"http":{"relativeURI":"/api/orders",)"
                         R"("body":"{\"k\":\"{{connection.http.encrypted.key}}\"}"}})")
                .substr(0, 114),
            "http.body '{\"k\":\"{{connection.http.encrypted.key}}\"}': "
            "{{connection.http.encrypted}} is a secret of the connection");
}

TEST_F(HttpTemplateContext, VariablesATemplateCannotHaveAreRefusedAtOpen) {
  EXPECT_EQ(export_error(R"({"http":{"relativeURI":"/api/orders/{{record.id}}"}})"),
            "http.relativeURI '/api/orders/{{record.id}}': an export's request is made before any "
            "record is fetched, so it has no record or batch_of_records (they exist in imports "
            "and http.once)");
  EXPECT_EQ(
      export_error(R"({"http":{"relativeURI":"/api/orders?c={{export.http.paging.token}}"}})"),
      "http.relativeURI, http.body or http.headers uses {{export.http.paging.token}}, which is "
      "set only with http.paging.method token; set the method, or remove it from the templates");
  EXPECT_EQ(import_error(R"({"relativeURI":"/api/sink/{{data.id}}","method":"PUT"})"),
            "http.relativeURI '/api/sink/{{data.id}}': {{data}} (the record as it exists in the "
            "destination) is not known to the HTTP plugin: it does not look existing records up "
            "yet; use {{record}}");
  EXPECT_EQ(import_error(R"({"relativeURI":"/api/sink?since={{lastExportDateTime}}"})"),
            "http.relativeURI '/api/sink?since={{lastExportDateTime}}': {{lastExportDateTime}} "
            "exists only in an export's requests; an import's templates have record, "
            "batch_of_records and connection");
  EXPECT_EQ(import_error(R"({"relativeURI":"/api/sink","batchSize":5,"body":"{{record.id}}"})"),
            "http.body '{{record.id}}': {{record}} names one record, but http.batchSize 5 sends "
            "several per request: use {{#each batch_of_records}}{{record.x}}{{/each}}, or set "
            "http.batchSize to 1");
  EXPECT_EQ(
      import_error(R"({"relativeURI":"/api/sink","headers":[{"name":"X","value":"{{job._id}}"}]})"),
      "http.headers.0.value '{{job._id}}': {{job}} exists only in an export's requests; an "
      "import's templates have record, batch_of_records and connection");
}

TEST_F(HttpTemplateContext, ImportRecordInAPathSegmentIsEncodedAndInAJsonBodyEscaped) {
  auto writer = open_import(
      R"({"relativeURI":"/api/callbacks/orders/{{record.id}}?n={{record.note}}","method":"PUT",)"
      R"("body":"{\"id\":\"{{record.id}}\",\"note\":\"{{record.note}}\",\"raw\":{{{jsonSerialize record.n}}},)"
      R"(\"base\":\"{{connection.http.baseURI}}\"}",)"
      R"("headers":[{"name":"X-Record","value":"{{record.id}}"},)"
      R"({"name":"X-Key","value":"{{connection.http.auth.token.token}}"}]})");
  ASSERT_TRUE(writer) << writer.error().message;
  Context context = no_host();
  auto results = (*writer)->submit(
      context, records(R"([{"id":"A/1 ?","note":"say \"hi\"\n\\ & <x>","n":[1,"2"]}])"));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].ok());
  const json::array sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at("method"), "PUT");
  EXPECT_EQ(sent[0].at("target"),
            "/api/callbacks/orders/A%2F1%20%3F?n=say%20%22hi%22%0A%5C%20%26%20%3Cx%3E");
  EXPECT_EQ(sent[0].at("body").as_string(),
            R"({"id":"A/1 ?","note":"say \"hi\"\n\\ & <x>","raw":[1,"2"],)"
            R"("base":")" +
                server_.base_url() + R"("})");
  EXPECT_NO_THROW((void)json::parse(sent[0].at("body").as_string()));
  EXPECT_EQ(sent[0].at("headers").at("x-record"), "A/1 ?");
  EXPECT_EQ(sent[0].at("headers").at("x-key"), "demo-token");
}

TEST_F(HttpTemplateContext, ImportBatchBodyIteratesBatchOfRecordsOncePerRequest) {
  auto writer = open_import(
      R"({"relativeURI":"/api/sink?first={{batch_of_records.0.record.id}}","batchSize":2,)"
      R"("body":"[{{#each batch_of_records}}{\"id\":\"{{record.id}}\"}{{#unless @last}},)"
      R"({{/unless}}{{/each}}]"})");
  ASSERT_TRUE(writer) << writer.error().message;
  Context context = no_host();
  auto results =
      (*writer)->submit(context, records(R"([{"id":"a\"1"},{"id":"b"},{"id":"c","x":1}])"));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  for (const RecordResult& r : *results) EXPECT_TRUE(r.ok());
  const json::array sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("target"), "/api/sink?first=a%221");
  EXPECT_EQ(sent[0].at("body"), R"([{"id":"a\"1"},{"id":"b"}])");
  EXPECT_EQ(sent[1].at("target"), "/api/sink?first=c");
  EXPECT_EQ(sent[1].at("body"), R"([{"id":"c"}])");
}

TEST_F(HttpTemplateContext, ImportUriAloneMayUseBatchOfRecords) {
  auto writer = open_import(
      R"({"relativeURI":"/api/sink?ids={{#each batch_of_records}}{{record.id}}.{{/each}}",)"
      R"("batchSize":3})");
  ASSERT_TRUE(writer) << writer.error().message;
  Context context = no_host();
  auto results = (*writer)->submit(context, records(R"([{"id":"a"},{"id":"b"}])"));
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(targets(), (std::vector<std::string>{"/api/sink?ids=a.b."}));
  EXPECT_EQ(requests()[0].at("body").as_string(), R"([{"id":"a"},{"id":"b"}])");
}

TEST_F(HttpTemplateContext, ABodyTemplateThatFailsFailsItsBatchNamingTheSettingAndHelper) {
  auto writer =
      open_import(R"({"relativeURI":"/api/sink","batchSize":2,)"
                  R"("body":"[{{#each batch_of_records}}{{noSuchHelper record.id}}{{/each}}]"})");
  ASSERT_TRUE(writer) << writer.error().message;
  Context context = no_host();
  auto results = (*writer)->submit(context, records(R"([{"id":"a"},{"id":"b"},{"id":"c"}])"));
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 3u);
  for (const RecordResult& r : *results) {
    EXPECT_EQ(r.status_code, 422);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].code, "template");
    EXPECT_EQ(r.errors[0].message,
              "template 'http.body' line 1, column 30: unknown helper 'noSuchHelper' (no helper or "
              "built-in has that name)");
  }
  EXPECT_TRUE(requests().empty()) << "nothing is sent for a batch whose body did not render";
}

TEST_F(HttpTemplateContext, OnceExportSendsOneCallbackPerRecordAfterEachPageIsCommitted) {
  RunContext run;
  run.type = "once";
  run.job_id = "J-9";
  auto reader = open_export(
      object(R"({"http":{"relativeURI":"/api/orders?pageSize=2&page={{export.http.paging.page}}",)"
             R"("paging":{"method":"page","page":1,"maxCountPath":"total"},)"
             R"("response":{"resourcePath":"orders"},)"
             R"("once":{"relativeURI":"/api/callbacks/orders/{{record.id}}/exported",)"
             R"("method":"PATCH","body":"{\"exported\":true,\"job\":\"{{job._id}}\"}"}}})"),
      &run);
  ASSERT_TRUE(reader) << reader.error().message;
  Context context(nullptr, nullptr, &run);
  auto first = (*reader)->next_page(context);
  ASSERT_TRUE(first) << first.error().message;
  auto second = (*reader)->next_page(context);
  ASSERT_TRUE(second) << second.error().message;
  reset();
  ASSERT_TRUE((*reader)->page_committed(context, first->state));
  json::array sent = requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("method"), "PATCH");
  EXPECT_EQ(sent[0].at("target"), "/api/callbacks/orders/ORD-000001/exported");
  EXPECT_EQ(sent[0].at("body"), R"({"exported":true,"job":"J-9"})");
  EXPECT_EQ(sent[1].at("target"), "/api/callbacks/orders/ORD-000002/exported");
  ASSERT_TRUE((*reader)->page_committed(context, second->state));
  EXPECT_EQ(targets(), (std::vector<std::string>{"/api/callbacks/orders/ORD-000001/exported",
                                                 "/api/callbacks/orders/ORD-000002/exported",
                                                 "/api/callbacks/orders/ORD-000003/exported",
                                                 "/api/callbacks/orders/ORD-000004/exported"}));
  // Committing a page twice sends nothing more.
  ASSERT_TRUE((*reader)->page_committed(context, second->state));
  EXPECT_EQ(requests().size(), 4u);
}

TEST_F(HttpTemplateContext, OnceNeedsItsRelativeUriAndOnlyTypeOnceMayHaveIt) {
  RunContext run;
  run.type = "once";
  EXPECT_EQ(export_error(R"({"http":{"relativeURI":"/api/orders"}})", &run),
            "type once: http.once.relativeURI is required: the request that marks a record "
            "exported, sent for each record once its page is committed, e.g. "
            "/orders/{{record.id}}/exported");
  EXPECT_EQ(export_error(R"({"type":"once","http":{"relativeURI":"/api/orders",)"
                         R"("once":{"relativeURI":"/x"}}})"),
            "type once needs a host that reports committed pages (plugin contract 1.1), so that "
            "records are marked exported only once they are processed; upgrade the host");
  EXPECT_EQ(export_error(R"({"http":{"relativeURI":"/api/orders","once":{"relativeURI":"/x"}}})"),
            "http.once is set but the export's type is all: it is used only by type once; remove "
            "it or set the type");
}

TEST_F(HttpTemplateContext, AFailingOnceCallbackFailsTheCommitNamingTheRecordWithoutTheToken) {
  RunContext run;
  run.type = "once";
  auto reader = open_export(
      object(
          R"({"http":{"relativeURI":"/api/orders?pageSize=2","response":{"resourcePath":"orders"},)"
          R"("once":{"relativeURI":"/api/nothing/{{record.id}}"}}})"),
      &run);
  ASSERT_TRUE(reader) << reader.error().message;
  Context context(nullptr, nullptr, &run);
  auto page = (*reader)->next_page(context);
  ASSERT_TRUE(page) << page.error().message;
  auto committed = (*reader)->page_committed(context, page->state);
  ASSERT_FALSE(committed);
  EXPECT_TRUE(committed.error().message.starts_with("http.once for record 1 of page 1: "))
      << committed.error().message;
  EXPECT_NE(committed.error().message.find("404"), std::string::npos) << committed.error().message;
  EXPECT_EQ(committed.error().message.find("demo-token"), std::string::npos);
}

}  // namespace
}  // namespace sluice::plugins::http
