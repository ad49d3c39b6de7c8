#include "sluice/support/template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sluice::support {
namespace {

namespace json = boost::json;

const json::value kContext = json::parse(R"({
  "export": {"http": {"paging": {"page": 3}}},
  "record": {"id": "A/1 b", "qty": 2, "price": 1.5, "ok": true, "none": null,
             "lines": [{"sku": "X&Y"}], "tags": ["a", "b"], "text": "say \"hi\"\n<b>'x'</b>"}
})");

std::string render(std::string_view source, Escape escape = Escape::kHtml, bool strict = false) {
  auto t = Template::parse(source, "test");
  if (!t) return "PARSE: " + t.error().message;
  RenderOptions options;
  options.escape = escape;
  options.strict = strict;
  auto r = t->evaluate(kContext, options);
  return r ? *r : "RENDER: " + r.error().message;
}

std::string parse_error(std::string_view source) {
  auto t = Template::parse(source, "http.body");
  return t ? "parsed" : t.error().message;
}

TEST(Template, LiteralTextRendersAsIs) {
  EXPECT_EQ(render("/orders?x=1"), "/orders?x=1");
  EXPECT_EQ(render(""), "");
  EXPECT_TRUE(Template::parse("/orders")->is_literal());
  EXPECT_TRUE(Template::parse("a{{! note }}b")->is_literal());
  EXPECT_FALSE(Template::parse("a{{b}}")->is_literal());
}

TEST(Template, ValuesPrintAsHandlebarsJsPrintsThem) {
  EXPECT_EQ(render("{{export.http.paging.page}}|{{record.lines.0.sku}}|{{record.lines.[0].sku}}"),
            "3|X&amp;Y|X&amp;Y");
  EXPECT_EQ(
      render("{{record.qty}}|{{record.price}}|{{record.ok}}|{{record.tags}}|{{record.lines}}"),
      "2|1.5|true|a,b|[object Object]");
  EXPECT_EQ(render("[{{record.nope}}][{{record.none}}][{{{a.b.c}}}]"), "[][][]");
}

TEST(Template, EachContextEscapesDoubleBracesOnly) {
  EXPECT_EQ(render("{{record.text}}", Escape::kHtml),
            "say &quot;hi&quot;\n&lt;b&gt;&#x27;x&#x27;&lt;/b&gt;");
  EXPECT_EQ(render("{{record.text}}", Escape::kXml),
            "say &quot;hi&quot;\n&lt;b&gt;&apos;x&apos;&lt;/b&gt;");
  EXPECT_EQ(render("{\"t\":\"{{record.text}}\"}", Escape::kJson),
            "{\"t\":\"say \\\"hi\\\"\\n<b>'x'</b>\"}");
  EXPECT_EQ(render("/o/{{record.id}}?sku={{record.lines.0.sku}}", Escape::kUri),
            "/o/A%2F1%20b?sku=X%26Y");
  EXPECT_EQ(render("/o/{{{record.id}}}/{{& record.id}}", Escape::kUri), "/o/A/1 b/A/1 b");
  EXPECT_EQ(render("/o/{{record.id}}", Escape::kNone), "/o/A/1 b");
}

// The JSON context skips text a word (8 bytes) at a time: a character to escape is found wherever
// it falls in or across words, and bytes of UTF-8 above 0x7F are left alone.
TEST(Template, JsonContextEscapesACharacterAtAnyPositionOfLongText) {
  const std::pair<char, std::string> specials[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001F"}};
  auto t = Template::parse("{{s}}", "test");
  ASSERT_TRUE(t);
  for (const auto& [c, escaped] : specials) {
    for (size_t at = 0; at < 20; ++at) {
      const std::string before(at, 'a'), after(19 - at, 'b');
      auto r = t->evaluate(json::object{{"s", before + c + after + "K\xC3\xB6ln \x7F"}},
                           {.escape = Escape::kJson});
      ASSERT_TRUE(r);
      EXPECT_EQ(*r, before + escaped + after + "K\xC3\xB6ln \x7F") << "at " << at;
    }
  }
  EXPECT_EQ(*t->evaluate(json::object{{"s", "K\xC3\xB6ln \xE2\x80\xA8 ~~~~~~~~ plain"}},
                         {.escape = Escape::kJson}),
            "K\xC3\xB6ln \xE2\x80\xA8 ~~~~~~~~ plain");
}

TEST(Template, TheOldRenderDefaultsToRaw) {
  auto t = Template::parse("{{record.lines.0.sku}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render(kContext), "X&Y");
}

TEST(Template, ReportsWhichPathsItReferences) {
  auto t = Template::parse("/o?p={{export.http.paging.page}}&x={{{record.id}}}{{#if a.b}}{{/if}}");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->references("export.http.paging.page"));
  EXPECT_TRUE(t->references("record.id"));
  EXPECT_TRUE(t->references("a.b"));
  EXPECT_FALSE(t->references("export.http.paging"));
}

TEST(Template, ReportsPathsUnderAPrefixAlsoThroughAtRootAndInsideHelpers) {
  auto t = Template::parse(
      "{{base64Encode connection.http.auth.token.token}}{{#each x}}{{@root.settings.flow.a}}"
      "{{/each}}{{connectionless}}{{#each items}}{{record.id}}{{../job.id}}{{/each}}"
      "{{#with a}}{{else}}{{data.x}}{{/with}}");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->references_under("connection"));
  EXPECT_TRUE(t->references_under("connection.http.auth.token.token"));
  EXPECT_TRUE(t->references_under("settings"));
  EXPECT_TRUE(t->references_under("settings.flow"));
  EXPECT_FALSE(t->references_under("settings.export"));
  EXPECT_FALSE(t->references_under("connection.http.auth.basic"));
  EXPECT_FALSE(t->references_under("connectionles"));
  EXPECT_FALSE(t->references_under("record"));  // inside #each: the item's record
  EXPECT_TRUE(t->references_under("job"));      // ../ from inside #each is the root
  EXPECT_TRUE(t->references_under("data"));     // an inverse section keeps `this`
}

TEST(Template, BindingsAreSeenAtTheRootWithoutCopyingIntoTheContext) {
  const json::value record = json::parse(R"({"id": "A/1", "n": 2})");
  const json::value batch = json::parse(R"([{"record": {"id": 1}}, {"record": {"id": 2}}])");
  const json::value context = json::parse(R"({"record": {"id": "shadowed"}, "k": "v"})");
  const Binding bindings[] = {{"record", &record}, {"batch_of_records", &batch}};
  auto t = Template::parse(
      "{{record.id}}|{{@root.record.n}}|{{this.record.id}}|{{k}}|"
      "{{#each batch_of_records}}{{record.id}}{{/each}}|{{#with record}}{{n}}{{/with}}");
  ASSERT_TRUE(t);
  RenderOptions options;
  options.escape = Escape::kUri;
  options.bindings = bindings;
  auto out = t->evaluate(context, options);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "A%2F1|2|A%2F1|v|12|2");
  EXPECT_EQ(*t->evaluate(context, {.escape = Escape::kNone}), "shadowed||shadowed|v||");
}

TEST(Template, SyntaxErrorsNameTheSettingLineColumnFoundAndExpected) {
  EXPECT_EQ(parse_error("[\n  {{#each batch_of_records}}{{{record}}}]"),
            "template 'http.body' line 2, column 3: found the end of the template, expected "
            "'{{/each}}' to close the block opened");
  EXPECT_EQ(parse_error("{{#if a}}x{{/each}}"),
            "template 'http.body' line 1, column 11: found '{{/each}}', expected '{{/if}}' (if "
            "doesn't match each)");
  EXPECT_EQ(parse_error("/o/{{record.id"),
            "template 'http.body' line 1, column 15: found the end of the template, expected "
            "a parameter or '}}'");
  EXPECT_EQ(parse_error("{{}}"),
            "template 'http.body' line 1, column 3: found '}}', expected a name, a path or a "
            "literal");
  EXPECT_EQ(parse_error("{{else}}"),
            "template 'http.body' line 1, column 1: found '{{else}}', expected it inside a block");
  EXPECT_EQ(parse_error("a\n {{> partial}}"),
            "template 'http.body' line 2, column 2: found a partial '{{>', expected a mustache, a "
            "block or a comment (a partial '{{>' are not supported)");
  EXPECT_EQ(parse_error("{{{{raw}}}} x {{{{/raw}}}}"),
            "template 'http.body' line 1, column 1: found '{{{{', expected '{{' (raw blocks are "
            "not supported)");
  EXPECT_EQ(parse_error("{{a b=1 c}}"),
            "template 'http.body' line 1, column 9: found 'c', expected another key=value or the "
            "end of the tag");
}

TEST(Template, UnknownHelpersFailTheRenderWithTheirNameAndPlace) {
  EXPECT_EQ(render("x\n {{nohelper record.id}}"),
            "RENDER: template 'test' line 2, column 4: unknown helper 'nohelper' (no helper or "
            "built-in has that name)");
  EXPECT_EQ(render("{{#if a b}}{{/if}}"),
            "RENDER: template 'test' line 1, column 4: #if requires exactly one argument");
}

TEST(Template, StrictModeMakesAMissingValueAnError) {
  EXPECT_EQ(render("{{record.nope}}", Escape::kHtml, true),
            "RENDER: template 'test' line 1, column 3: 'record.nope' names nothing in the "
            "context (strictHandlebarEvaluation)");
  EXPECT_EQ(render("{{record.none}}", Escape::kHtml, true), "");
}

TEST(Template, HelpersAreCalledThroughTheInterface) {
  const tmpl::Helper shout = [](const tmpl::HelperCall& call) -> Result<tmpl::Value> {
    if (call.args.size() != 1 || !call.args[0].json.is_string()) {
      return make_error(Status::kInvalidConfig, "needs one string");
    }
    std::string s(call.args[0].json.get_string());
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (auto it = call.hash.find("end"); it != call.hash.end())
      s += std::string(it->value().get_string());
    return tmpl::Value{json::string(s)};
  };
  const tmpl::Helper twice = [](const tmpl::HelperCall& call) -> Result<tmpl::Value> {
    auto a = call.block->fn(call.self, json::object{{"n", 1}}, {});
    if (!a) return a.error();
    auto b = call.block->inverse(call.self, {}, {});
    if (!b) return b.error();
    return tmpl::Value::safe_string(*a + *a + *b);
  };
  const tmpl::Helper bold = [](const tmpl::HelperCall&) -> Result<tmpl::Value> {
    return tmpl::Value::safe_string("<b>");
  };
  std::function<const tmpl::Helper*(std::string_view)> lookup =
      [&](std::string_view name) -> const tmpl::Helper* {
    if (name == "shout") return &shout;
    if (name == "twice") return &twice;
    if (name == "bold") return &bold;
    return nullptr;
  };
  RenderOptions options;
  options.helpers = &lookup;
  auto run = [&](std::string_view source) {
    auto t = Template::parse(source, "h");
    auto r = t->evaluate(kContext, options);
    return r ? *r : r.error().message;
  };
  EXPECT_EQ(run("{{shout record.lines.0.sku end='!'}}"), "X&amp;Y!");
  EXPECT_EQ(run("{{lookup record (shout 'qty')}}|{{lookup record 'qty'}}"), "|2");
  EXPECT_EQ(run("{{bold}}{{{shout 'a'}}}"), "<b>A");
  EXPECT_EQ(run("{{#twice}}{{record.qty}}@{{@n}}{{else}}-{{/twice}}"), "2@12@1-");
  EXPECT_EQ(run("{{shout record.qty}}"),
            "template 'h' line 1, column 3: helper 'shout': needs one string");
}

TEST(Template, HelpersGetTheCallersTimeZoneAndClockOrUtcAndNow) {
  const tmpl::Helper zone = [](const tmpl::HelperCall& call) -> Result<tmpl::Value> {
    const auto age = std::chrono::system_clock::now() - call.env.now;
    return tmpl::Value{
        json::string(call.env.timezone + (age < std::chrono::minutes(1) ? "|recent" : "|old"))};
  };
  std::function<const tmpl::Helper*(std::string_view)> lookup =
      [&](std::string_view name) -> const tmpl::Helper* {
    return name == "zone" ? &zone : nullptr;
  };
  auto t = Template::parse("{{zone}}", "z");
  ASSERT_TRUE(t);
  RenderOptions options;
  options.helpers = &lookup;
  EXPECT_EQ(*t->evaluate(kContext, options), "|recent");
  tmpl::HelperEnv env;
  env.timezone = "Europe/Berlin";
  env.now = std::chrono::system_clock::time_point{};
  options.env = &env;
  EXPECT_EQ(*t->evaluate(kContext, options), "Europe/Berlin|old");
}

TEST(Template, TheOldRenderPrintsNothingForATagThatFails) {
  auto t = Template::parse("a{{nohelper 1}}b{{#if}}x{{/if}}c{{record.qty}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->render(kContext), "abc2");
  EXPECT_FALSE(t->evaluate(kContext));
}

TEST(Template, DeeplyNestedInputIsRefusedNotOverflowed) {
  std::string blocks;
  for (int i = 0; i < 150; ++i) blocks += "{{#if a}}";
  EXPECT_NE(parse_error(blocks).find("nested more than 100 deep"), std::string::npos);
  std::string subs = "{{a ";
  for (int i = 0; i < 150; ++i) subs += "(a ";
  EXPECT_NE(parse_error(subs).find("nested more than 100 deep"), std::string::npos);
}

}  // namespace
}  // namespace sluice::support
