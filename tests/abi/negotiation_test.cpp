// Specifies negotiation by required minor (sdk/ABI_POLICY.md): a plugin states the ABI minor it
// requires; the host loads it when that is not above its own, and reads a field added after 1.0
// only when the struct's struct_size covers it.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugins/connector_client.hpp"
#include "plugins/loader.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path raw_plugin(const std::string& name) {
  return fs::path(ABI_PLUGIN_DIR) / ("sluice-plugin-abi_" + name + ".so");
}

// Opens the plugin's connection and reads its one export page, asking for the 1.1 run context
// (which a plugin without export_open_run does not get), then commits it and finishes an import.
void expect_the_10_subset_works(const ConnectorHandle& connector) {
  auto connection = RemoteConnection::open(connector, "{}", "connection raw", nullptr);
  ASSERT_TRUE(connection) << connection.error().message;
  auto ping = (*connection)->ping();
  ASSERT_TRUE(ping) << ping.error().message;
  EXPECT_EQ(*ping, R"({"message":"raw ok"})");
  auto exp = (*connection)->open_export("{}", "null", "export raw", R"({"type":"all"})");
  ASSERT_TRUE(exp) << exp.error().message;
  auto page = (*exp)->next_page();
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(*page, R"({"records":[{"id":"r1"},{"id":"r2"}],"done":true,"state":null})");
  EXPECT_TRUE((*exp)->page_committed("null")) << "a 1.0 table has no page_committed: a no-op";
  auto imp = (*connection)->open_import("{}", "import raw");
  ASSERT_TRUE(imp) << imp.error().message;
  auto finished = (*imp)->finish();
  ASSERT_TRUE(finished) << "a 1.0 table has no import_finish: a no-op";
  EXPECT_EQ(*finished, "");
  auto lookup = (*connection)->open_lookup("{}", "lookup raw");
  ASSERT_FALSE(lookup);
  EXPECT_EQ(lookup.error().status, Status::kUnsupported);
  EXPECT_EQ(lookup.error().message,
            fmt::format("lookup raw: connector 'raw' of plugin '{}' does not do lookups",
                        connector.plugin->id));
}

TEST(Negotiation, APluginRequiring10WithStructsOf10SizeLoadsAndWorks) {
  auto loaded = load_plugin(raw_plugin("requires_10"), std::nullopt);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const LoadedPlugin& p = **loaded;
  EXPECT_EQ(p.abi_minor, 0u);
  EXPECT_EQ(p.built_minor, 0u) << "a 1.0 descriptor has no built_minor: the required one";
  ASSERT_EQ(p.connectors.size(), 1u);
  EXPECT_EQ(p.connectors[0].capabilities, SLUICE_CAP_EXPORT | SLUICE_CAP_IMPORT);
  EXPECT_FALSE(p.connectors[0].thread_safe_connection);
  expect_the_10_subset_works(p.connectors[0]);
}

TEST(Negotiation, APluginRequiringAMinorThisHostLacksIsRefusedNamingBothVersions) {
  auto loaded = load_plugin(raw_plugin("requires_13"), std::nullopt);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message,
            fmt::format("refusing plugin {}: expected a plugin that requires ABI 1.2 or older "
                        "(this host's), found one that requires ABI 1.3; upgrade the host, or "
                        "use a build of the plugin that requires 1.2 or older",
                        raw_plugin("requires_13").string()));
}

TEST(Negotiation, APluginBuiltAgainstThe11HeaderLoadsAndWorksWithoutThe12Calls) {
  auto loaded = load_plugin(raw_plugin("built_11"), std::nullopt);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const LoadedPlugin& p = **loaded;
  EXPECT_EQ(p.abi_minor, 1u);
  EXPECT_EQ(p.built_minor, 1u);
  ASSERT_EQ(p.connectors.size(), 1u);
  const ConnectorHandle& c = p.connectors[0];
  EXPECT_FALSE(SLUICE_HOST_HAS_CALL(c.api, connection_authorize_start))
      << "the poison behind struct_size counts as a call";
  expect_the_10_subset_works(c);
  auto connection = RemoteConnection::open(c, "{}", "connection raw", nullptr);
  ASSERT_TRUE(connection) << connection.error().message;
  auto authorize = (*connection)->authorize_start("http://127.0.0.1:9/callback");
  ASSERT_FALSE(authorize);
  EXPECT_EQ(authorize.error().status, Status::kUnsupported);
  EXPECT_EQ(authorize.error().message,
            "connection raw: plugin 'built-11' has no interactive authorization (its connections "
            "obtain or hold their credentials without a user)");
}

TEST(Negotiation, A11PluginWhoseStructsCoverOnly10FieldsIsReadAndCalledAsA10One) {
  auto loaded = load_plugin(raw_plugin("requires_11_small"), std::nullopt);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const LoadedPlugin& p = **loaded;
  EXPECT_EQ(p.abi_minor, 1u);
  ASSERT_EQ(p.connectors.size(), 1u);
  const ConnectorHandle& c = p.connectors[0];
  EXPECT_EQ(c.capabilities, SLUICE_CAP_EXPORT | SLUICE_CAP_IMPORT)
      << "the poison behind struct_size was read";
  EXPECT_FALSE(c.thread_safe_connection);
  EXPECT_EQ(c.listener_schema,
            (boost::json::object{{"type", "object"}, {"properties", boost::json::object()}}));
  EXPECT_FALSE(SLUICE_HOST_HAS_CALL(c.api, export_open_run));
  expect_the_10_subset_works(c);
}

TEST(Negotiation, AnSdkPluginThatOverridesOnly10CallsRequires10AndSaysItWasBuiltFor12) {
  auto loaded = load_plugin(raw_plugin("good"), std::nullopt);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ((*loaded)->abi_minor, 0u);
  EXPECT_EQ((*loaded)->built_minor, 2u);
  EXPECT_EQ((*loaded)->connectors[0].capabilities, 0u)
      << "good's connector overrides neither open_export nor open_import";
}

}  // namespace
}  // namespace sluice::host
