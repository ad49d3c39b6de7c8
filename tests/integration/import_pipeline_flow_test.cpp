// The whole import pipeline in a real flow, run by the `sluice` executable against the mock API
// on loopback: orders (20, pages of 10) -> an HTTP import to /api/sink carrying an inputFilter,
// JavaScript preMap / postMap / postSubmit hooks, Mapper 2.0 mappings with a static lookup and a
// date conversion; and an import with Mapper 1.0 fields and lists. The records the sink must
// receive are written out below as literals (the mock's orders are deterministic:
// tools/mock_api/orders.cpp), as are the job's counts and the stored errors.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// preMap refuses ORD-000008 and adds a channel (which the mapping reads) to the others, and
// fails any record the input filter should have kept from it; postMap turns the mapped amount
// into cents; postSubmit marks the sink's success for ORD-000013 ignored.
constexpr const char* kHooks = R"(function preMap(options) {
  return options.data.map(r => {
    if (!["open", "paid", "shipped"].includes(r.status)) {
      return {errors: [{code: "ORDER", message: "preMap saw " + r.id + " before the filter"}]};
    }
    return r.id === "ORD-000008" ? {errors: [{code: "HELD", message: r.id + " is on hold"}]}
                                 : {data: Object.assign({}, r, {channel: "web"})};
  });
}
function postMap(options) {
  return options.postMapData.map(r =>
      ({data: Object.assign({}, r, {amount: Math.round(r.amount * 100)})}));
}
function postSubmit(options) {
  return options.responseData.map((r, i) => options.postMapData[i].id === "ORD-000013"
      ? Object.assign({}, r, {ignored: true}) : r);
}
)";

class ImportPipelineFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
    write("connection.json",
          // concurrencyLevel 1: one request in flight, so batches reach the sink in order.
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json","concurrencyLevel":1,
              "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                      api_.base_url()));
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }
  void apply() {
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  json::object run_json(int expected_exit) {
    const CliResult r = cli_->run({"flow", "run", "f", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    json::error_code ec;
    json::value job = json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out << r.err;
    return job.is_object() ? job.as_object() : json::object();
  }
  // The records of every body POSTed to /api/sink, one array per request, in order.
  std::vector<json::array> sink_bodies() {
    std::vector<json::array> out;
    const json::value bodies = api_.get_json("/_mock/sink/bodies");
    for (const auto& b : bodies.at("bodies").as_array()) {
      out.push_back(json::parse(b.as_string()).as_array());
    }
    return out;
  }
  json::array stored_errors() {
    const CliResult errors = cli_->run({"errors", "f", "--json"});
    EXPECT_EQ(errors.exit_code, 0) << errors.err;
    const json::value list = json::parse(errors.out);
    return list.is_array() ? list.as_array() : list.at("errors").as_array();
  }

  MockApiServer api_{{.orders = 20}};
  TempDir dir_{"sluice-import-it"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
};

TEST_F(ImportPipelineFlow,
       ItRunsInputFilterPreMapMappingWithLookupsAndDatesPostMapSubmitAndPostSubmitInOrder) {
  api_.post("/_mock/reject", R"(["ORD-000009"])");
  write("orders.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
      "pageSize":10,"http":{"relativeURI":"/api/orders?pageSize=10",
        "response":{"resourcePath":"orders"},"paging":{"method":"page","page":1}}})");
  write("hooks.json", R"({"_id":"hooks","name":"Import hooks","contentFile":"hooks.js"})");
  write("hooks.js", kHooks);
  write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":5},
      "inputFilter":{"type":"expression","expression":{"version":"1","rules":
        ["or",["equals",["extract","status"],"open"],["equals",["extract","status"],"paid"],
              ["equals",["extract","status"],"shipped"]]}},
      "hooks":{"preMap":{"_scriptId":"hooks","function":"preMap"},
               "postMap":{"_scriptId":"hooks","function":"postMap"},
               "postSubmit":{"_scriptId":"hooks","function":"postSubmit"}},
      "mappings":[
        {"generate":"id","dataType":"string","extract":"$.id"},
        {"generate":"state","dataType":"string","extract":"$.status","lookupName":"states"},
        {"generate":"placed","dataType":"string","extract":"$.createdAt",
         "generateDateFormat":"DD.MM.YYYY HH:mm","generateDateTimezone":"Europe/Berlin"},
        {"generate":"amount","dataType":"number","extract":"$.total"},
        {"generate":"channel","dataType":"string","extract":"$.channel"}],
      "lookups":[{"name":"states","map":{"open":"O","paid":"P","shipped":"S"}}]})");
  apply();
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  // Orders 1-20: the filter keeps open, paid and shipped ones (1-4, 6-9, 11, 13-15); preMap
  // refuses 8; the sink rejects 9; postSubmit ignores 13.
  EXPECT_EQ(job.at("numExport"), 20) << json::serialize(job);
  EXPECT_EQ(job.at("numSuccess"), 9);  // 1-4, 6, 7, 11, 14, 15
  EXPECT_EQ(job.at("numIgnore"), 9);   // 5, 10, 12, 16-20 (filtered out) and 13 (postSubmit)
  EXPECT_EQ(job.at("numError"), 2);    // 8 (preMap) and 9 (the sink)

  // Batches of at most 5 records of one page each; the sink got 9 (rejected) and 13 (ignored
  // after).
  const auto r = [](const char* text) { return json::parse(text); };
  const json::value o1 = r(R"({"id":"ORD-000001","state":"O","placed":"01.01.2026 01:01",
                              "amount":74412,"channel":"web"})");
  const json::value o2 = r(R"({"id":"ORD-000002","state":"S","placed":"01.01.2026 01:02",
                              "amount":53825,"channel":"web"})");
  const json::value o3 = r(R"({"id":"ORD-000003","state":"P","placed":"01.01.2026 01:03",
                              "amount":58263,"channel":"web"})");
  const json::value o4 = r(R"({"id":"ORD-000004","state":"S","placed":"01.01.2026 01:04",
                              "amount":108944,"channel":"web"})");
  const json::value o6 = r(R"({"id":"ORD-000006","state":"S","placed":"01.01.2026 01:06",
                              "amount":59688,"channel":"web"})");
  const json::value o7 = r(R"({"id":"ORD-000007","state":"O","placed":"01.01.2026 01:07",
                              "amount":45620,"channel":"web"})");
  const json::value o9 = r(R"({"id":"ORD-000009","state":"O","placed":"01.01.2026 01:09",
                              "amount":162794,"channel":"web"})");
  const json::value o11 = r(R"({"id":"ORD-000011","state":"O","placed":"01.01.2026 01:11",
                               "amount":22071,"channel":"web"})");
  const json::value o13 = r(R"({"id":"ORD-000013","state":"P","placed":"01.01.2026 01:13",
                               "amount":190420,"channel":"web"})");
  const json::value o14 = r(R"({"id":"ORD-000014","state":"P","placed":"01.01.2026 01:14",
                               "amount":44543,"channel":"web"})");
  const json::value o15 = r(R"({"id":"ORD-000015","state":"P","placed":"01.01.2026 01:15",
                               "amount":57730,"channel":"web"})");
  EXPECT_EQ(sink_bodies(),
            (std::vector<json::array>{json::array{o1, o2, o3, o4, o6}, json::array{o7, o9},
                                      json::array{o11, o13, o14, o15}}));
  const json::value sink = api_.get_json("/_mock/sink");
  EXPECT_EQ(sink.at("received"), (json::array{o1, o2, o3, o4, o6, o7, o11, o13, o14, o15}))
      << json::serialize(sink);
  EXPECT_EQ(sink.at("rejected"), 1);

  // Each error keeps the record as it entered the import: the order as the mock served it.
  const json::value order8 = r(R"({"id":"ORD-000008","number":8,"createdAt":"2026-01-01T00:08:00Z",
      "email":"customer14679@example.com","first_name":"First14679","last_name":"Last14679",
      "total_price":"757.09","status":"paid",
      "customer":{"id":"C-14679","email":"customer14679@example.com"},
      "shipping":{"street":"167 Oak Avenue","city":"Porto","zip":"48549","country":"PT"},
      "currency":"GBP","total":757.09,
      "lines":[{"sku":"SKU-2860","qty":3,"price":191.68},{"sku":"SKU-6358","qty":5,"price":36.41}]})");
  const json::value order9 = r(R"({"id":"ORD-000009","number":9,"createdAt":"2026-01-01T00:09:00Z",
      "email":"customer26689@example.com","first_name":"First26689","last_name":"Last26689",
      "total_price":"1627.94","status":"open",
      "customer":{"id":"C-26689","email":"customer26689@example.com"},
      "shipping":{"street":"95 Station Road","city":"Utrecht","zip":"15509","country":"NL"},
      "currency":"GBP","total":1627.94,
      "lines":[{"sku":"SKU-8339","qty":5,"price":168.42},{"sku":"SKU-8312","qty":4,"price":196.46}]})");
  const json::array errors = stored_errors();
  ASSERT_EQ(errors.size(), 2u) << json::serialize(errors);
  const json::object& held = errors.at(0).as_object();
  EXPECT_EQ(held.at("_stepId"), "sink") << json::serialize(errors);
  EXPECT_EQ(held.at("code"), "HELD");
  EXPECT_EQ(held.at("message"), "preMap hook of import sink: ORD-000008 is on hold");
  EXPECT_EQ(held.at("retryData"), order8) << json::serialize(held);
  const json::object& rejected = errors.at(1).as_object();
  EXPECT_EQ(rejected.at("_stepId"), "sink") << json::serialize(errors);
  EXPECT_EQ(rejected.at("code"), "rejected");
  EXPECT_EQ(rejected.at("message"), "order ORD-000009 was rejected by the mock sink (--reject)");
  EXPECT_EQ(rejected.at("retryData"), order9) << json::serialize(rejected);
}

TEST_F(ImportPipelineFlow, MapperOneListsBuildArraysAtTheSink) {
  write("orders.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
      "http":{"relativeURI":"/api/orders?pageSize=3","response":{"resourcePath":"orders"}}})");
  write("sink.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":10},
      "mapping":{
        "fields":[
          {"extract":"id","generate":"externalId"},
          {"extract":"customer.email","generate":"contact.email"},
          {"extract":"total","generate":"amount","dataType":"number"},
          {"hardCodedValue":"web","generate":"source"}],
        "lists":[{"generate":"items","fields":[
          {"extract":"lines[*].sku","generate":"item"},
          {"extract":"lines[*].qty","generate":"quantity","dataType":"number"},
          {"extract":"lines[*].price","generate":"unitPrice"},
          {"extract":"currency","generate":"currency"}]}]}})");
  apply();
  const json::object job = run_json(0);
  EXPECT_EQ(job.at("status"), "completed") << json::serialize(job);
  EXPECT_EQ(job.at("numExport"), 3);
  EXPECT_EQ(job.at("numSuccess"), 3);
  EXPECT_EQ(job.at("numIgnore"), 0);
  EXPECT_EQ(job.at("numError"), 0);
  const json::value expected = json::parse(R"([
    {"externalId":"ORD-000001","contact":{"email":"customer3213@example.com"},"amount":744.12,
     "source":"web","items":[
       {"item":"SKU-6616","quantity":3,"unitPrice":26.99,"currency":"EUR"},
       {"item":"SKU-9680","quantity":1,"unitPrice":122.4,"currency":"EUR"},
       {"item":"SKU-0981","quantity":5,"unitPrice":108.15,"currency":"EUR"}]},
    {"externalId":"ORD-000002","contact":{"email":"customer35735@example.com"},"amount":538.25,
     "source":"web","items":[
       {"item":"SKU-8835","quantity":4,"unitPrice":38.09,"currency":"CHF"},
       {"item":"SKU-1543","quantity":3,"unitPrice":128.63,"currency":"CHF"}]},
    {"externalId":"ORD-000003","contact":{"email":"customer18512@example.com"},"amount":582.63,
     "source":"web","items":[
       {"item":"SKU-7637","quantity":3,"unitPrice":194.21,"currency":"EUR"}]}])");
  EXPECT_EQ(sink_bodies(), (std::vector<json::array>{expected.as_array()}));
  EXPECT_EQ(api_.get_json("/_mock/sink").at("received"), expected);
  EXPECT_TRUE(stored_errors().empty());
}

}  // namespace
}  // namespace sluice::testing
