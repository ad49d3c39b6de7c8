// `sluice template render`, through the real binary.
#include <fstream>

#include <gtest/gtest.h>

#include "../integration/sluice_cli.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

class TemplateCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sluice-template-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::create_directories(dir_ / "home");
    cli_.emplace(dir_ / "home");
    write("context.json",
          R"({"record":{"id":"A/1 b","name":"Ann & \"Bob\"","lines":[{"sku":"X"},{"sku":"Y"}]}})");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  CliResult render(const std::string& source, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"template", "render", write("t.hbs", source), "--context",
                                  (dir_ / "context.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli_->run(args);
  }
  fs::path dir_;
  std::optional<SluiceCli> cli_;
};

TEST_F(TemplateCommand, PrintsTheRenderingWithHtmlEscapingByDefault) {
  const CliResult r =
      render("{{#each record.lines}}{{sku}}{{#unless @last}},{{/unless}}{{/each}} {{record.name}}");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "X,Y Ann &amp; &quot;Bob&quot;");
  EXPECT_EQ(r.err, "");
}

TEST_F(TemplateCommand, AsPicksTheEscapingContext) {
  EXPECT_EQ(render("/o/{{record.id}}", {"--as", "uri"}).out, "/o/A%2F1%20b");
  EXPECT_EQ(render("{\"n\":\"{{record.name}}\"}", {"--as", "json"}).out,
            "{\"n\":\"Ann & \\\"Bob\\\"\"}");
  EXPECT_EQ(render("<n>{{record.name}}</n>", {"--as", "xml"}).out,
            "<n>Ann &amp; &quot;Bob&quot;</n>");
  EXPECT_EQ(render("{{record.name}}", {"--as", "raw"}).out, "Ann & \"Bob\"");
}

TEST_F(TemplateCommand, ASyntaxErrorIsPrintedWithLineAndColumnAndExitStatus1) {
  const CliResult r = render("ok\n{{#if record}}x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "error: template '" + (dir_ / "t.hbs").string() +
                       "' line 2, column 1: found the end of the template, expected '{{/if}}' "
                       "to close the block opened\n");
}

TEST_F(TemplateCommand, StrictMakesAMissingValueAnError) {
  EXPECT_EQ(render("[{{record.nope}}]").out, "[]");
  const CliResult r = render("[{{record.nope}}]", {"--strict"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'record.nope' names nothing in the context"), std::string::npos) << r.err;
}

TEST_F(TemplateCommand, WrongCommandLinesExitWith2) {
  EXPECT_EQ(render("x", {"--as", "yaml"}).exit_code, 2);
  EXPECT_EQ(cli_->run({"template", "render", "t.hbs"}).exit_code, 2);
  EXPECT_EQ(cli_->run({"template", "show", "t.hbs", "--context", "c.json"}).exit_code, 2);
  const CliResult help = cli_->run({"template", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out.rfind("usage: sluice template render TEMPLATE_FILE --context CONTEXT.json", 0),
            0u)
      << help.out;
  EXPECT_NE(cli_->run({"--help"}).out.find("template render FILE --context CONTEXT.json"),
            std::string::npos);
}

TEST_F(TemplateCommand, AMissingFileOrBadContextIsNamed) {
  const CliResult missing = cli_->run({"template", "render", (dir_ / "none.hbs").string(),
                                       "--context", (dir_ / "context.json").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "error: cannot read template " + (dir_ / "none.hbs").string() +
                             ": no such file, or not readable\n");
  write("context.json", "{nope");
  const CliResult bad = render("x");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("is not JSON"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace sluice::testing
