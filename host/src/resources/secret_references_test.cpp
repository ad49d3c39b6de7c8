// Secrets by reference: {"$env": NAME} and {"$file": PATH} at secret settings, resolved by
// `sluice apply` (and so by the REST API) and then sealed like any secret.
#include "resources/secret_references.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "../../../plugins/http/settings.hpp"
#include "resources/apply.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::ScopedEnv;

std::string connection_with_password(std::string_view password) {
  return R"({"_id": "api", "type": "http", "http": {"baseURI": "https://api.example.com",
      "auth": {"type": "basic", "basic": {"username": "u", "password": )" +
         std::string(password) + "}}}}";
}

class SecretReferences : public testing::StoreTest {
 protected:
  void SetUp() override {
    auto store = open_sqlite_store(home_.path());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->id = "http";
    ConnectorHandle c;
    c.name = "http";
    c.connection_type = "http";
    c.connection_schema = plugins::http::connection_schema().to_json();
    c.export_schema = plugins::http::export_schema().to_json();
    c.import_schema = plugins::http::import_schema().to_json();
    plugin->connectors.push_back(std::move(c));
    plugin->connectors[0].plugin = plugin.get();
    ASSERT_TRUE(registry_.add(std::move(plugin)));
  }

  ApplyReport apply(const std::string& text) {
    std::istringstream in(text);
    return apply_resource_stream(in, "api.json", *store_, registry_);
  }

  std::string stored_password(Secrets secrets) {
    auto doc = store_->get_resource(ResourceKind::kConnection, "api", secrets);
    if (!doc || !*doc) return "(none)";
    return std::string((**doc).at("http").at("auth").at("basic").at("password").as_string());
  }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = home_.file(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::unique_ptr<Store> store_;
  PluginRegistry registry_;
};

TEST_F(SecretReferences, AnEnvReferenceIsResolvedWhenAppliedAndStoredSealed) {
  ScopedEnv env("SLUICE_TEST_API_PASSWORD", "pw-from-env-41d2");
  const ApplyReport report =
      apply(connection_with_password(R"({"$env": "SLUICE_TEST_API_PASSWORD"})"));
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(stored_password(Secrets::kRevealed), "pw-from-env-41d2");
  EXPECT_EQ(stored_password(Secrets::kMasked), "******");
}

TEST_F(SecretReferences, AFileReferenceIsTheFileWithoutItsTrailingNewline) {
  const std::string path = write("pw", "pw-from-file-9e\n");
  const ApplyReport report = apply(connection_with_password(R"({"$file": ")" + path + R"("})"));
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(stored_password(Secrets::kRevealed), "pw-from-file-9e");
}

TEST_F(SecretReferences, AMissingVariableIsRefusedNamingTheFileThePathAndWhatToDo) {
  ScopedEnv env("SLUICE_TEST_UNSET_VARIABLE", std::nullopt);
  const ApplyReport report =
      apply(connection_with_password(R"({"$env": "SLUICE_TEST_UNSET_VARIABLE"})"));
  ASSERT_EQ(report.problems.size(), 1u) << report.message();
  EXPECT_EQ(report.problems[0],
            "api.json: connection api: $.http.auth.basic.password: "
            "{\"$env\":\"SLUICE_TEST_UNSET_VARIABLE\"}: environment variable "
            "SLUICE_TEST_UNSET_VARIABLE is not set; set it in the environment of `sluice apply` "
            "(or of `sluice serve`, for the REST API), or write the secret itself");
  EXPECT_EQ(stored_password(Secrets::kMasked), "(none)");
}

TEST_F(SecretReferences, AnUnreadableFileIsRefusedWithWhy) {
  const std::string path = home_.file("absent");
  const ApplyReport report = apply(connection_with_password(R"({"$file": ")" + path + R"("})"));
  ASSERT_EQ(report.problems.size(), 1u) << report.message();
  EXPECT_EQ(report.problems[0],
            "api.json: connection api: $.http.auth.basic.password: "
            "{\"$file\":\"" +
                path + "\"}: cannot read " + path +
                " (No such file or directory); make it readable by the user "
                "running Sluice, or write the secret itself");
}

TEST_F(SecretReferences, ARelativeOrEmptyFileIsRefused) {
  EXPECT_THAT(apply(connection_with_password(R"({"$file": "secrets/pw"})")).problems,
              ::testing::ElementsAre(::testing::HasSubstr(
                  "$.http.auth.basic.password: {\"$file\":\"secrets/pw\"}: expected an absolute "
                  "path (e.g. /run/secrets/NAME), found a relative one")));
  const std::string empty = write("empty", "\n");
  EXPECT_THAT(
      apply(connection_with_password(R"({"$file": ")" + empty + R"("})")).problems,
      ::testing::ElementsAre(::testing::HasSubstr(empty + " is empty; put the secret in it")));
}

TEST_F(SecretReferences, AReferenceAtASettingThatIsNotSecretIsRefused) {
  ScopedEnv env("SLUICE_TEST_API_USER", "someone");
  const ApplyReport report = apply(
      R"({"_id": "api", "type": "http", "http": {"baseURI": "https://api.example.com",
          "auth": {"type": "basic", "basic": {"username": {"$env": "SLUICE_TEST_API_USER"},
                                              "password": "pw"}}}})");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.problems[0],
            "api.json: connection api: $.http.auth.basic.username: "
            "{\"$env\":\"SLUICE_TEST_API_USER\"} is a secret reference, but this is not a secret "
            "setting; only secret settings (`sluice plugin info ID` marks them) may be written by "
            "reference");
}

TEST(ResolveSecretReferences, LeavesPlainValuesAndAbsentPathsAlone) {
  json::object doc = json::parse(R"({"a": {"b": "plain"}, "c": 1})").as_object();
  EXPECT_TRUE(resolve_secret_references(doc, {"a.b", "x.y", "c.d"}).empty());
  EXPECT_EQ(json::serialize(doc), R"({"a":{"b":"plain"},"c":1})");
}

}  // namespace
}  // namespace sluice::host
