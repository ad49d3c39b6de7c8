#include "script/record_script.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sluice::script {
namespace {

namespace json = boost::json;

std::unique_ptr<ScriptEngine> load(std::string content) {
  auto engine = ScriptEngine::load(
      ScriptSource{.name = "rec", .file_name = "rec.js", .content = std::move(content)});
  EXPECT_TRUE(engine) << (engine ? "" : engine.error().message);
  return engine ? std::move(*engine) : nullptr;
}

TEST(RecordScript, FilterGetsTheRecordAndSettingsAndReturnsABoolean) {
  auto engine =
      load("function keep(options) { return options.record.status === options.settings.status; }");
  RecordScript filter(*engine, "keep", json::object{{"status", "open"}});
  auto open = filter.filter(json::object{{"status", "open"}});
  auto closed = filter.filter(json::object{{"status", "closed"}});
  auto text = filter.filter_json(R"({"status":"open"})");
  ASSERT_TRUE(open && closed && text);
  EXPECT_TRUE(*open);
  EXPECT_FALSE(*closed);
  EXPECT_TRUE(*text);
}

TEST(RecordScript, AFilterThatReturnsANonBooleanFailsTheRecord) {
  auto engine = load("function keep(options) { return options.record.total; }");
  RecordScript filter(*engine, "keep", json::object{});
  auto out = filter.filter(json::object{{"total", 0}});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "script \"rec\" (rec.js), function keep: returned a result whose top level is a "
            "number; a filter returns true (keep the record) or false (drop it)");
}

TEST(RecordScript, TransformReturnsTheNewRecord) {
  auto engine = load(
      "function reshape({record, settings}) {\n"
      "  return {id: record.id, total: Number(record.total_price), cur: settings.currency};\n"
      "}");
  RecordScript transform(*engine, "reshape", json::object{{"currency", "EUR"}});
  auto out = transform.transform(json::object{{"id", 5}, {"total_price", "12.50"}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, json::parse(R"({"id":5,"total":12.5,"cur":"EUR"})"));
}

TEST(RecordScript, ATransformThatReturnsAPrimitiveFailsTheRecord) {
  auto engine = load("function reshape(o) { return null; }");
  RecordScript transform(*engine, "reshape", json::object{});
  auto out = transform.transform(json::object{});
  ASSERT_FALSE(out);
  EXPECT_EQ(failure_of(out.error()), ScriptFailure::kBadResult);
  EXPECT_EQ(out.error().message,
            "script \"rec\" (rec.js), function reshape: returned a result whose top level is "
            "null; a transform returns the new record (an object or an array)");
}

TEST(RecordScript, AThrowInOneRecordLeavesTheNextRecordsWorking) {
  auto engine =
      load("function reshape(o) { if (o.record.bad) throw new Error('bad'); return o.record; }");
  RecordScript transform(*engine, "reshape", json::object{});
  EXPECT_FALSE(transform.transform(json::object{{"bad", true}}));
  auto out = transform.transform(json::object{{"ok", 1}});
  ASSERT_TRUE(out);
  EXPECT_EQ(json::serialize(*out), R"({"ok":1})");
}

}  // namespace
}  // namespace sluice::script
