// Specifies what the runtime adds to errors for the error manager: trace keys (a step's
// traceKeyTemplate, else the source export's, else the record's id), request/response lifted
// from an error's details, and auto-resolve of a page's successes by trace key.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "runtime/error_manager.hpp"
#include "runtime/trace_key.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;

json::object doc(std::string_view text) { return json::parse(text).as_object(); }

TEST(TraceKey, WithoutATemplateTheKeyIsTheRecordsIdOrNothing) {
  const TraceKey key;
  EXPECT_EQ(key.of(json::parse(R"({"_id":"A","id":"B"})")), "A");
  EXPECT_EQ(key.of(json::parse(R"({"id":42})")), "42");
  EXPECT_EQ(key.of(json::parse(R"({"name":"x"})")), "");
  EXPECT_EQ(key.of(json::parse(R"([1])")), "");
}

TEST(TraceKey, ATemplateIsRenderedWithTheRecordAndFallsBackToTheIdWhenEmpty) {
  auto key =
      TraceKey::of_step(doc(R"({"traceKeyTemplate":"{{record.n}}-{{record.line}}"})"), "imp");
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->of(json::parse(R"({"n":"SO1","line":2})")), "SO1-2");
  auto empty = TraceKey::of_step(doc(R"({"traceKeyTemplate":"{{record.missing}}"})"), "imp");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->of(json::parse(R"({"id":"R7"})")), "R7");
}

TEST(TraceKey, ATemplateThatDoesNotParseIsAnErrorNamingTheStep) {
  auto key = TraceKey::of_step(doc(R"({"traceKeyTemplate":"{{#if}}"})"), "imp");
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("imp: traceKeyTemplate"), std::string::npos)
      << key.error().message;
}

TEST(TraceKeys, AnImportWithoutATemplateUsesTheSourceExportsTemplate) {
  FlowPlan plan;
  plan.flow_id = "f";
  GeneratorStep g;
  g.export_id = "exp";
  g.doc = doc(R"({"traceKeyTemplate":"E{{record.id}}"})");
  plan.generators.push_back(g);
  ProcessorStep own, plain;
  own.import_id = "own";
  own.doc = doc(R"({"traceKeyTemplate":"I{{record.id}}"})");
  plain.import_id = "plain";
  plan.processors = {own, plain};
  TraceKeys keys(plan);
  const json::value record = json::parse(R"({"id":"1"})");
  EXPECT_EQ(keys.of_step("own", "exp").of(record), "I1");
  EXPECT_EQ(keys.of_step("plain", "exp").of(record), "E1");
  EXPECT_EQ(keys.of_step("exp", "exp").of(record), "E1");
  EXPECT_EQ(keys.of_step("plain", "other").of(record), "1");
}

TEST(LiftExchange, RequestAndResponseMoveOutOfTheDetails) {
  host::JobError e;
  e.details = json::parse(R"({"request":{"method":"POST"},"response":{"status":400},"url":"u"})");
  lift_exchange(e);
  EXPECT_EQ(json::serialize(e.request), R"({"method":"POST"})");
  EXPECT_EQ(json::serialize(e.response), R"({"status":400})");
  EXPECT_EQ(json::serialize(e.details), R"({"url":"u"})");
  host::JobError only;
  only.details = json::parse(R"({"response":"x"})");
  lift_exchange(only);
  EXPECT_TRUE(only.details.is_null());
  EXPECT_EQ(json::serialize(only.response), R"("x")");
}

}  // namespace
}  // namespace sluice::runtime
