// 10,000 orders through an export's transform (Mapper 2.0), output filter (rules reading a flow
// setting) and preSavePage hook (a Script in a .js file beside its JSON), to an HTTP import,
// against the mock API over real HTTP on loopback. What the sink must receive is computed here,
// independently of the host: from the mock's own orders, with the three steps written in C++.
#include <set>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "e2e_fixture.hpp"

namespace sluice::testing {
namespace {

namespace json = boost::json;

constexpr int kOrders = 10'000;
constexpr int kMinTotal = 100;  // flow setting minTotal: the filter keeps totals above it
constexpr int kSkipEvery = 7;   // flow setting skipEvery: the hook drops numbers divisible by it
constexpr int kFlowPage = 100;  // the export's pageSize

constexpr const char* kExport = R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
  "pageSize":100,"settings":{"tag":"e2e-10k"},
  "http":{"relativeURI":"/api/orders?pageSize=1000","response":{"resourcePath":"orders"},
          "paging":{"method":"page","page":1}},
  "transform":{"type":"expression","expression":{"version":"2","rulesTwoDotZero":{"mode":"create",
    "mappings":[
      {"generate":"id","dataType":"string","extract":"$.id"},
      {"generate":"number","dataType":"number","extract":"$.number"},
      {"generate":"email","dataType":"string","extract":"$.email"},
      {"generate":"status","dataType":"string","extract":"$.status"},
      {"generate":"total","dataType":"number","extract":"$.total_price"},
      {"generate":"customer","dataType":"string","extract":"{{record.first_name}} {{record.last_name}}"}],
    "lookups":[]}}},
  "filter":{"type":"expression","expression":{"version":"1","rules":
    ["and",["equals",["extract","status"],"open"],
           ["greaterthan",["extract","total"],["settings","flow.minTotal"]]]}},
  "hooks":{"preSavePage":{"_scriptId":"orders-hook","function":"preSavePage"}}})";

constexpr const char* kHookJs = R"(// Drops every skipEvery-th order, tags the rest.
function preSavePage(options) {
  const every = options.settings.flow.skipEvery;
  const data = options.data
    .filter(order => order.number % every !== 0)
    .map(order => ({...order, tag: options.settings.export.tag, page: options.pageIndex}));
  return {data, errors: [], abort: false};
}
)";

// The record as it must reach the sink, with "total" as its two-decimal text (the exported
// total_price), so that equality is exact whatever digits the number is written with.
json::object expected_record(const json::object& order) {
  const std::string first(order.at("first_name").as_string());
  const std::string last(order.at("last_name").as_string());
  const std::int64_t number = order.at("number").as_int64();
  return {{"id", order.at("id")},
          {"number", number},
          {"email", order.at("email")},
          {"status", order.at("status")},
          {"total", order.at("total_price")},
          {"customer", first + " " + last},
          {"tag", "e2e-10k"},
          {"page", (number - 1) / kFlowPage}};
}

// `record` with its numeric "total" written as two-decimal text.
json::object with_total_as_text(json::object record) {
  json::value& total = record["total"];
  EXPECT_TRUE(total.is_number()) << json::serialize(record);
  if (total.is_number()) total = fmt::format("{:.2f}", total.to_number<double>());
  return record;
}

TEST_F(E2eTest, TenThousandOrdersReachTheSinkTransformedFilteredAndHookedExactlyAsComputed) {
  MockApiServer api({.orders = kOrders});
  write("connection.json", connection(api));
  write("exports/orders.json", kExport);
  write("exports/orders-hook.json",
        R"({"_id":"orders-hook","name":"Orders hook","contentFile":"orders-hook.js"})");
  write("exports/orders-hook.js", kHookJs);
  write("import.json", sink_import(100));
  write("flow.json",
        flow(fmt::format(R"({{"minTotal":{},"skipEvery":{}}})", kMinTotal, kSkipEvery)));
  const CliResult applied = apply();
  ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;

  // The expected output, from the mock's orders read directly and the steps done by hand.
  json::array expected;
  int filter_dropped = 0, hook_dropped = 0, exported = 0;
  for (int page = 1; page <= kOrders / 1000; ++page) {
    const json::value body = api.get_json(fmt::format("/api/orders?pageSize=1000&page={}", page));
    for (const auto& value : body.at("orders").as_array()) {
      const json::object& order = value.as_object();
      ++exported;
      const double total = std::stod(std::string(order.at("total_price").as_string()));
      if (order.at("status") != "open" || !(total > kMinTotal)) {
        ++filter_dropped;
      } else if (order.at("number").as_int64() % kSkipEvery == 0) {
        ++hook_dropped;
      } else {
        expected.push_back(expected_record(order));
      }
    }
  }
  ASSERT_EQ(exported, kOrders);
  // Sanity of the data set itself: every step has work to do.
  ASSERT_GT(filter_dropped, kOrders / 2);
  ASSERT_GT(hook_dropped, 100);
  ASSERT_GT(expected.size(), 2000u);
  // Two of the survivors are refused by the sink: they must end as errors, not successes.
  const std::string rejected_first(expected.front().at("id").as_string());
  const std::string rejected_last(expected.back().at("id").as_string());
  api.post("/_mock/reject", fmt::format(R"(["{}","{}"])", rejected_first, rejected_last));
  api.post("/_mock/reset", "");

  const json::object job = run_flow(0);
  EXPECT_EQ(job.at("status"), "completed");
  EXPECT_EQ(job.at("numExport"), kOrders);
  EXPECT_EQ(job.at("numIgnore"), filter_dropped + hook_dropped);
  EXPECT_EQ(job.at("numError"), 2);
  EXPECT_EQ(job.at("numSuccess"), static_cast<std::int64_t>(expected.size()) - 2);
  EXPECT_EQ(job.at("numPagesGenerated"), kOrders / kFlowPage);
  expect_identity(job);

  // What the sink received, record by record, every field.
  const json::array received = sink_records(api);
  ASSERT_EQ(received.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(received[i].is_object()) << i;
    EXPECT_EQ(json::value(with_total_as_text(received[i].as_object())), expected[i])
        << "record " << i << ": sent " << json::serialize(received[i]);
  }
  const json::value sink = api.get_json("/_mock/sink");
  EXPECT_EQ(sink.at("records"), static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(sink.at("accepted"), static_cast<std::int64_t>(expected.size()) - 2);
  EXPECT_EQ(sink.at("rejected"), 2);
  // Batches of 100 per flow page: no request is bigger, and every flow page with survivors sent
  // one.
  std::set<std::int64_t> pages_with_survivors;
  for (const auto& record : expected) pages_with_survivors.insert(record.at("page").as_int64());
  EXPECT_EQ(sink.at("requests"), static_cast<std::int64_t>(pages_with_survivors.size()));

  // The two refusals are the flow's open errors, at the import, with the hooked record to retry.
  const json::array errors = errors_json();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("_stepId"), "sink");
  EXPECT_EQ(errors[0].at("code"), "rejected");
  EXPECT_EQ(errors[0].at("message").as_string(),
            fmt::format("order {} was rejected by the mock sink (--reject)", rejected_first));
  EXPECT_EQ(json::value(with_total_as_text(errors[0].at("retryData").as_object())),
            expected.front());
  EXPECT_EQ(errors[1].at("message").as_string(),
            fmt::format("order {} was rejected by the mock sink (--reject)", rejected_last));
  EXPECT_EQ(json::value(with_total_as_text(errors[1].at("retryData").as_object())),
            expected.back());
}

}  // namespace
}  // namespace sluice::testing
