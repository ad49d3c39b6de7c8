// Credentials in a URI's user information or in a literal Authorization/Cookie header are
// refused at apply, with the JSON path and the setting to use instead.
#include "resources/inline_credentials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "resources/apply.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> find(std::string_view doc, std::string_view schema = "{}") {
  return find_inline_credentials(json::parse(doc).as_object(), json::parse(schema).as_object());
}

TEST(InlineCredentialsTest, AUriFieldWithUserInformationIsNamedWithoutQuotingTheCredential) {
  const auto problems = find(R"({"http":{"baseURI":"https://bob:hunter22@api.example.com/v1"}})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0],
            "$.http.baseURI: credentials in the URI's user information "
            "(\"https://******@api.example.com/v1\") would be stored and shown in plain text — "
            "remove them from the URI and set http.auth.type: basic with "
            "http.auth.basic.username and http.auth.basic.password (or http.auth.type: token "
            "with http.auth.token.token), which are stored encrypted");
}

TEST(InlineCredentialsTest, AnyFieldNamedLikeAUriOrUrlOrDeclaredAsOneIsChecked) {
  EXPECT_EQ(find(R"({"a":{"relativeURI":"http://t0ken@h/x"},"webhookUrl":"https://u:p@h"})").size(),
            2u);
  EXPECT_EQ(find(R"({"endpoint":"https://u:p@h/"})",
                 R"({"properties":{"endpoint":{"type":"string","format":"uri"}}})")
                .size(),
            1u);
  EXPECT_EQ(find(R"({"endpoint":"https://u:p@h/"})").size(), 0u);
  EXPECT_EQ(find(R"({"baseURI":"user:pw@api.example.com"})").size(), 1u);
}

TEST(InlineCredentialsTest, AUriWithoutUserInformationIsAccepted) {
  EXPECT_TRUE(find(R"({"baseURI":"https://api.example.com/v1",
                       "relativeURI":"/orders?email=a@b.com&next=https://x/y@z",
                       "mailURI":"a@b.example"})")
                  .empty());
}

TEST(InlineCredentialsTest, LiteralCredentialHeadersInAnyHeaderArrayAreRefused) {
  const auto problems = find(R"({"http":{"headers":[{"name":"Accept","value":"json"},
      {"name":"authorization","value":"Bearer x"}]},
      "other":{"list":[{"name":"Cookie","value":"sid=1"},{"name":"PROXY-Authorization","value":"p"}]}})");
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0],
            "$.http.headers[1]: a literal authorization header would be stored and shown in "
            "plain text — remove it and set http.auth.type: token with the token as "
            "http.auth.token.token (sent as \"Authorization: Bearer <token>\"; "
            "http.auth.token.scheme changes \"Bearer\"), or http.auth.type: basic with "
            "http.auth.basic.username and http.auth.basic.password, which is stored encrypted");
  EXPECT_THAT(problems[1], HasSubstr("$.other.list[0]: a literal Cookie header"));
  EXPECT_THAT(problems[1], HasSubstr("http.auth.token.headerName: Cookie"));
  EXPECT_THAT(problems[2], HasSubstr("$.other.list[1]: a literal PROXY-Authorization header"));
}

class ApplyInlineCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto plugin = load_plugin(HTTP_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
    auto store = open_sqlite_store((dir_.path() / "home").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    fs::create_directories(dir_.path() / "resources");
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = dir_.path() / "resources" / name;
    std::ofstream(file) << text;
    return file;
  }

  testing::TempDir dir_{"sluice-inline"};
  PluginRegistry registry_;
  std::unique_ptr<Store> store_;
};

TEST_F(ApplyInlineCredentialsTest,
       AConnectionWithCredentialsInItsBaseUriIsRefusedAndNothingStored) {
  const fs::path file = write("c.json", R"({"_id":"api","type":"http","http":{
      "baseURI":"https://bob:hunter22-pw@api.example.com/v1","mediaType":"json"}})");
  auto applied = apply_resources(dir_.path() / "resources", *store_, registry_);
  ASSERT_FALSE(applied.ok());
  EXPECT_THAT(applied.message(),
              HasSubstr(file.string() + ": connection api: $.http.baseURI: credentials in the "
                                        "URI's user information"));
  EXPECT_THAT(applied.message(), HasSubstr("http.auth.type: basic"));
  EXPECT_THAT(applied.message(), Not(HasSubstr("hunter22-pw")));
  EXPECT_TRUE(store_->list_resources(ResourceKind::kConnection, Secrets::kMasked)->empty());
}

TEST_F(ApplyInlineCredentialsTest, ALiteralAuthorizationHeaderOnAConnectionOrImportIsRefused) {
  write("c.json", R"({"_id":"api","type":"http","http":{"baseURI":"https://api.example.com",
      "headers":[{"name":"Authorization","value":"Bearer literal-tok-123"}]}})");
  write("i.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/sink",
              "headers":[{"name":"Cookie","value":"session=abc123"}]}})");
  auto applied = apply_resources(dir_.path() / "resources", *store_, registry_);
  ASSERT_FALSE(applied.ok());
  EXPECT_THAT(applied.message(),
              HasSubstr("connection api: $.http.headers[0]: a literal Authorization header"));
  EXPECT_THAT(applied.message(),
              HasSubstr("import sink: $.http.headers[0]: a literal Cookie header"));
  EXPECT_THAT(applied.message(), Not(HasSubstr("literal-tok-123")));
  EXPECT_TRUE(store_->list_resources(ResourceKind::kConnection, Secrets::kMasked)->empty());
}

TEST_F(ApplyInlineCredentialsTest, TheSameConnectionWithItsAuthenticationSettingsApplies) {
  write("c.json", R"({"_id":"api","type":"http","http":{"baseURI":"https://api.example.com/v1",
      "headers":[{"name":"Accept","value":"application/json"}],
      "auth":{"type":"basic","basic":{"username":"bob","password":"hunter22-pw"}}}})");
  auto applied = apply_resources(dir_.path() / "resources", *store_, registry_);
  ASSERT_TRUE(applied.ok()) << applied.message();
  EXPECT_EQ(applied.applied.size(), 1u);
}

}  // namespace
}  // namespace sluice::host
