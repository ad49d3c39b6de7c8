// Specifies Script resources in `sluice apply`: code inline (content) or in a .js file beside the
// JSON (contentFile), compiled at apply, with syntax errors placed at a line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "resources/apply.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ApplyScript : public testing::StoreTest {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store(home_.path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    dir_ = fs::path(home_.path()) / "resources";
    fs::create_directories(dir_);
  }

  std::string write(const std::string& name, std::string_view text) {
    const fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  ApplyReport apply() { return apply_resources(dir_, *store_, registry_); }

  std::optional<json::object> stored(std::string_view id) {
    auto doc = store_->get_resource(ResourceKind::kScript, id, Secrets::kMasked);
    return doc ? *doc : std::nullopt;
  }

  std::unique_ptr<Store> store_;
  PluginRegistry registry_;
  fs::path dir_;
};

TEST_F(ApplyScript, InlineContentIsStoredAsGiven) {
  write("hook.json",
        R"({"_id": "hook", "name": "Orders hook", "content": "function f(o) { return o; }"})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  ASSERT_EQ(report.applied.size(), 1u);
  EXPECT_EQ(report.applied[0].kind, ResourceKind::kScript);
  auto doc = stored("hook");
  ASSERT_TRUE(doc);
  EXPECT_EQ(json::serialize(*doc),
            R"({"_id":"hook","name":"Orders hook","content":"function f(o) { return o; }"})");
}

TEST_F(ApplyScript, ContentFileIsReadFromBesideTheJsonIntoContent) {
  write("scripts/hook.json",
        R"({"_id": "hook", "name": "Orders hook", "contentFile": "js/hook.js"})");
  write("scripts/js/hook.js", "function preSavePage(options) {\n  return options;\n}\n");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems, IsEmpty());
  auto doc = stored("hook");
  ASSERT_TRUE(doc);
  EXPECT_EQ(
      json::serialize(*doc),
      R"({"_id":"hook","name":"Orders hook","content":"function preSavePage(options) {\n  return options;\n}\n"})");
  // The .js file itself is not a resource; the report says what it was read for.
  ASSERT_EQ(report.skipped.size(), 1u);
  EXPECT_EQ(report.skipped[0].file.filename(), "hook.js");
  EXPECT_EQ(report.skipped[0].reason, "the code of script hook");
}

TEST_F(ApplyScript, ASyntaxErrorInContentIsRefusedWithLineAndColumn) {
  const std::string file =
      write("hook.json",
            R"({"_id": "hook", "name": "h", "content": "function f(o) {\n  return o +;\n}"})");
  ApplyReport report = apply();
  EXPECT_THAT(report.problems,
              ElementsAre(file + ": script hook: $.content line 2, column 13: SyntaxError: "
                                 "expected expression, got ';'; fix the code and apply again"));
  EXPECT_FALSE(stored("hook"));
}

TEST_F(ApplyScript, ASyntaxErrorInContentFileNamesTheJsFileLineAndColumn) {
  const std::string file =
      write("hook.json", R"({"_id": "hook", "name": "h", "contentFile": "hook.js"})");
  const std::string js = write("hook.js", "// ok\nfunction f(o) {\n  return {a: 1,, b: 2};\n}\n");
  ApplyReport report = apply();
  EXPECT_THAT(
      report.problems,
      ElementsAre(
          file + ": script hook: " + js +
          ":3:16: SyntaxError: expected property name, got ','; fix the code and apply again"));
}

TEST_F(ApplyScript, ContentAndContentFileTogetherAreRefusedAsAmbiguous) {
  const std::string file = write(
      "hook.json", R"({"_id": "hook", "name": "h", "content": "1", "contentFile": "hook.js"})");
  write("hook.js", "2");
  EXPECT_THAT(apply().problems,
              ElementsAre(file + ": script hook: $.content and $.contentFile are both given; "
                                 "give the code once: inline in content, or in the file named by "
                                 "contentFile"));
}

TEST_F(ApplyScript, AMissingContentFileIsRefusedNamingThePath) {
  const std::string file =
      write("hook.json", R"({"_id": "hook", "name": "h", "contentFile": "nope.js"})");
  EXPECT_THAT(apply().problems,
              ElementsAre(file + ": script hook: $.contentFile: cannot read " +
                          (dir_ / "nope.js").string() + ": No such file or directory"));
}

TEST_F(ApplyScript, AContentFileThatIsNotARelativeJsPathIsRefused) {
  const std::string file =
      write("hook.json", R"({"_id": "hook", "name": "h", "contentFile": "/etc/passwd"})");
  EXPECT_THAT(apply().problems,
              ElementsAre(file +
                          ": script hook: $.contentFile: expected the path of a .js file "
                          "relative to the folder of " +
                          file + ", found string \"/etc/passwd\""));
}

TEST_F(ApplyScript, ANameIsRequiredAndUnknownFieldsAreRefused) {
  write("hook.json", R"({"_id": "hook", "content": "1", "contnet": "2"})");
  ApplyReport report = apply();
  const std::string file = (dir_ / "hook.json").string();
  EXPECT_THAT(
      report.problems,
      ElementsAre(file + ": script hook: $.contnet: unknown field; did you mean \"content\"?",
                  file + ": script hook: $.name: expected a value (required), found nothing"));
}

TEST_F(ApplyScript, TheCodeIsNotRunAtApply) {
  write("hook.json", R"({"_id": "hook", "name": "h", "content": "while (true) {}"})");
  EXPECT_THAT(apply().problems, IsEmpty());
}

}  // namespace
}  // namespace sluice::host
