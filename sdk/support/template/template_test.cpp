#include "sluice/support/template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sluice::support {
namespace {

namespace json = boost::json;

const json::value kContext = json::parse(R"({
  "export": {"http": {"paging": {"page": 3}}},
  "record": {"id": "A/1 b", "qty": 2, "price": 1.5, "ok": true, "none": null,
             "lines": [{"sku": "X&Y"}], "tags": ["a", "b"]}
})");

std::string render(std::string_view source, Escape escape = Escape::kNone) {
  auto t = Template::parse(source, "test");
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  return t ? t->render(kContext, escape) : std::string();
}

TEST(Template, LiteralTextRendersAsIs) {
  EXPECT_EQ(render("/orders?x=1"), "/orders?x=1");
  EXPECT_EQ(render(""), "");
  EXPECT_TRUE(Template::parse("/orders")->is_literal());
}

TEST(Template, DoubleBracesInsertValuesAtDottedPaths) {
  EXPECT_EQ(render("/orders?page={{export.http.paging.page}}"), "/orders?page=3");
  EXPECT_EQ(render("{{ record.lines.0.sku }}"), "X&Y");
  EXPECT_EQ(render("{{record.qty}}|{{record.price}}|{{record.ok}}"), "2|1.5|true");
  EXPECT_EQ(render("{{record.tags}}"), R"(["a","b"])");
}

TEST(Template, MissingAndNullRenderEmpty) {
  EXPECT_EQ(render("[{{record.nope}}][{{record.none}}][{{{a.b.c}}}]"), "[][][]");
}

TEST(Template, UriContextEncodesDoubleButNotTripleBraces) {
  EXPECT_EQ(render("/o/{{record.id}}?sku={{record.lines.0.sku}}", Escape::kUri),
            "/o/A%2F1%20b?sku=X%26Y");
  EXPECT_EQ(render("/o/{{{record.id}}}", Escape::kUri), "/o/A/1 b");
  EXPECT_EQ(render("/o/{{record.id}}", Escape::kNone), "/o/A/1 b");
}

TEST(Template, ReportsWhichPathsItReferences) {
  auto t = Template::parse("/orders?p={{export.http.paging.page}}&x={{{record.id}}}");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->references("export.http.paging.page"));
  EXPECT_TRUE(t->references("record.id"));
  EXPECT_FALSE(t->references("export.http.paging"));
  EXPECT_FALSE(t->is_literal());
}

TEST(Template, UnsupportedSyntaxIsAnErrorNamingTemplateAndPosition) {
  auto t = Template::parse("[\n  {{#each batch_of_records}}{{{record}}}{{/each}}]", "http.body");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().status, Status::kInvalidConfig);
  EXPECT_EQ(t.error().message,
            "template 'http.body': unsupported syntax '{{#each batch_of_records}}' at line 2, "
            "column 3 (only {{path}} and {{{path}}} are supported for now)");
}

TEST(Template, HelpersUnclosedAndMismatchedBracesAreErrors) {
  auto helper = Template::parse("x{{dateFormat record.date}}", "t");
  ASSERT_FALSE(helper);
  EXPECT_NE(helper.error().message.find(
                "unsupported expression '{{dateFormat record.date}}' at line 1, column 2"),
            std::string::npos);
  auto unclosed = Template::parse("/o/{{record.id", "t");
  ASSERT_FALSE(unclosed);
  EXPECT_NE(unclosed.error().message.find("unclosed '{{' at line 1, column 4"), std::string::npos);
  auto mismatched = Template::parse("{{record.id}}}", "t");
  ASSERT_FALSE(mismatched);
  EXPECT_NE(mismatched.error().message.find("mismatched braces"), std::string::npos);
  EXPECT_FALSE(Template::parse("{{}}", "t"));
  EXPECT_FALSE(Template::parse("{{else}}", "t"));
  EXPECT_FALSE(Template::parse("{{! comment }}", "t"));
  EXPECT_FALSE(Template::parse("{{> partial}}", "t"));
}

}  // namespace
}  // namespace sluice::support
