#include "mapper/plain_template.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sluice/support/template.hpp"

namespace sluice::mapper {
namespace {

namespace json = boost::json;

TEST(PlainTemplate, MatchesOnlyTextAndRecordPaths) {
  EXPECT_TRUE(PlainTemplate::match("{{record.first_name}} {{record.last_name}}"));
  EXPECT_TRUE(PlainTemplate::match("id-{{ record.a.b }}/{{{record.c}}}"));
  EXPECT_TRUE(PlainTemplate::match("no tags at all"));
  EXPECT_FALSE(PlainTemplate::match("{{uppercase record.a}}"));
  EXPECT_FALSE(PlainTemplate::match("{{#if record.a}}x{{/if}}"));
  EXPECT_FALSE(PlainTemplate::match("{{settings.flow.x}}"));
  EXPECT_FALSE(PlainTemplate::match("{{record.a.[b c]}}"));
  EXPECT_FALSE(PlainTemplate::match("{{record.items.0}}"));
  EXPECT_FALSE(PlainTemplate::match("{{~record.a~}}"));
  EXPECT_FALSE(PlainTemplate::match("\\{{record.a}}"));
  EXPECT_FALSE(PlainTemplate::match("{{!-- note --}}{{record.a}}"));
  EXPECT_FALSE(PlainTemplate::match("a }} b"));
}

// The plain rendering is exactly the engine's, for every kind of scalar and for missing values.
TEST(PlainTemplate, RendersWhatTheEngineRenders) {
  const char* source =
      "[{{record.s}}|{{record.i}}|{{record.d}}|{{record.big}}|{{record.t}}|"
      "{{record.f}}|{{record.n}}|{{record.missing}}|{{{record.nested.x}}}|"
      "{{record.neg}}|{{record.small}}|{{record.micro}}]";
  const json::value record =
      json::parse(R"({"s":"a<b & \"c\"","i":42,"d":12.5,"big":1e21,"t":true,"f":false,"n":null,)"
                  R"("nested":{"x":"y"},"neg":-0.25,"small":1e-7,"micro":0.000001})");
  std::string plain;
  ASSERT_TRUE(PlainTemplate::match(source)->render_to(plain, record));
  const json::value context = json::object{{"record", record}};
  const std::string engine = support::Template::parse(source).value().render(context);
  EXPECT_EQ(plain, engine);
  EXPECT_EQ(plain, "[a<b & \"c\"|42|12.5|1e+21|true|false|||y|-0.25|1e-7|0.000001]");
}

TEST(PlainTemplate, DeclinesObjectsAndArraysForTheEngine) {
  std::string out;
  EXPECT_FALSE(PlainTemplate::match("{{record.a}}")->render_to(out, json::parse(R"({"a":[1,2]})")));
  EXPECT_FALSE(PlainTemplate::match("{{record.a}}")->render_to(out, json::parse(R"({"a":{}})")));
}

}  // namespace
}  // namespace sluice::mapper
