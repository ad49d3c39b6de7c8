// Specifies how the host refuses broken plugins: each refusal names the file, what was expected
// and what was found, and the host keeps working with the other plugins.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

#include "plugins/connector_client.hpp"
#include "plugins/installer.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "plugins/settings_schema.hpp"
#include "temp_dir.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path plugin_file(const std::string& name) {
  return fs::path(ABI_PLUGIN_DIR) / ("sluice-plugin-abi_" + name + ".so");
}

class TempHome : public ::testing::Test {
 protected:
  testing::TempDir dir_{"sluice-abi"};
  const fs::path& home_ = dir_.path();
};

std::string refusal(const fs::path& file) {
  auto loaded = load_plugin(file, std::nullopt);
  EXPECT_FALSE(loaded) << "expected " << file << " to be refused";
  return loaded ? std::string() : loaded.error().message;
}

TEST(Loader, LoadsAWellFormedPluginAndReadsItsSchemas) {
  auto loaded = load_plugin(plugin_file("good"), std::nullopt);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const LoadedPlugin& p = **loaded;
  EXPECT_EQ(p.id, "good");
  EXPECT_EQ(p.version, "1.0.0");
  EXPECT_EQ(p.abi_major, 1u);
  ASSERT_EQ(p.connectors.size(), 1u);
  EXPECT_EQ(p.connectors[0].connection_type, "good");
  EXPECT_EQ(secret_paths(p.connectors[0].connection_schema),
            std::vector<std::string>{"good.password"});
}

TEST(Loader, RefusesALibraryWithoutTheEntrySymbol) {
  const std::string m = refusal(plugin_file("no_entry"));
  EXPECT_THAT(m, HasSubstr(plugin_file("no_entry").string()));
  EXPECT_THAT(m, HasSubstr("expected the exported symbol sluice_plugin_entry_v1"));
  EXPECT_THAT(m, HasSubstr("found no sluice_plugin_entry_* symbol"));
}

TEST(Loader, NamesTheEntrySymbolOfAnotherAbiMajor) {
  const std::string m = refusal(plugin_file("wrong_symbol"));
  EXPECT_THAT(m, HasSubstr("expected the exported symbol sluice_plugin_entry_v1"));
  EXPECT_THAT(m, HasSubstr("found sluice_plugin_entry_v2"));
}

TEST(Loader, RefusesAWrongAbiMajor) {
  const std::string m = refusal(plugin_file("wrong_major"));
  EXPECT_THAT(m, HasSubstr(plugin_file("wrong_major").string()));
  EXPECT_THAT(m, HasSubstr("expected ABI major 1, found 2"));
}

TEST(Loader, RefusesADescriptorThatIsTooSmall) {
  const std::string m = refusal(plugin_file("too_small"));
  EXPECT_THAT(m, HasSubstr("expected a descriptor of at least"));
  EXPECT_THAT(m, HasSubstr("found struct_size 8"));
}

TEST(Loader, RefusesAPluginThatRequiresANewerMinorVersion) {
  const std::string m = refusal(plugin_file("newer_minor"));
  EXPECT_THAT(m,
              HasSubstr(fmt::format("expected a plugin that requires ABI 1.{} or older (this "
                                    "host's), found one that requires ABI 1.{}; upgrade the host",
                                    SLUICE_ABI_VERSION_MINOR, SLUICE_ABI_VERSION_MINOR + 7)));
}

TEST(Loader, RefusesAnEntryThatReturnsNoDescriptor) {
  const std::string m = refusal(plugin_file("null_descriptor"));
  EXPECT_THAT(m, HasSubstr("expected its entry function to return a descriptor, found NULL"));
}

TEST_F(TempHome, LoadsEveryGoodInstalledPluginWhateverTheBrokenOnesBesideThem) {
  // Broken plugins placed in the plugin folder by hand, each with a manifest whose hash matches.
  const std::vector<std::string> broken = {"no_entry",  "wrong_symbol", "wrong_major",
                                           "too_small", "newer_minor",  "null_descriptor"};
  std::vector<std::string> names = broken;
  names.push_back("not_a_library");
  for (const std::string& name : names) {
    const fs::path folder = home_ / "plugins" / name;
    fs::create_directories(folder);
    const fs::path library = folder / (name + ".so");
    if (name == "not_a_library") {
      std::ofstream(library) << "#!/bin/sh\necho not a library\n";
    } else {
      fs::copy_file(plugin_file(name), library);
    }
    Manifest m;
    m.id = name;
    m.version = "1.0.0";
    m.abi_version = "1.0";
    m.library = library.filename().string();
    m.sha256 = *sha256_file(library);
    ASSERT_TRUE(write_manifest(m, folder / "manifest.json"));
  }
  ASSERT_TRUE(install_plugin(plugin_file("good"), home_));
  ASSERT_TRUE(install_plugin(plugin_file("failing"), home_));

  PluginRegistry registry = PluginRegistry::load_installed(home_);
  ASSERT_EQ(registry.problems().size(), names.size());
  for (const LoadProblem& problem : registry.problems()) {
    EXPECT_THAT(problem.message,
                HasSubstr("refusing plugin " + problem.file.string() + ": expected"));
  }
  ASSERT_EQ(registry.plugins().size(), 2u);
  EXPECT_NE(registry.find("good"), nullptr);
  EXPECT_NE(registry.find("failing"), nullptr);
}

TEST_F(TempHome, RefusesAFileThatIsNotASharedLibrary) {
  const fs::path fake = home_ / "fake.so";
  std::ofstream(fake) << "hello, I am text";
  const std::string m = refusal(fake);
  EXPECT_THAT(m, HasSubstr(fake.string()));
  EXPECT_THAT(m,
              HasSubstr("expected a native shared library, found a file starting with \"hell\""));
}

TEST_F(TempHome, RefusesAnInstalledPluginWhoseHashChangedAndLoadsTheOthers) {
  auto good = install_plugin(plugin_file("good"), home_);
  ASSERT_TRUE(good) << good.error().message;
  auto failing = install_plugin(plugin_file("failing"), home_);
  ASSERT_TRUE(failing) << failing.error().message;
  const fs::path installed = good->folder / good->manifest.library;
  std::ofstream(installed, std::ios::app | std::ios::binary) << "tampered";

  PluginRegistry registry = PluginRegistry::load_installed(home_);
  ASSERT_EQ(registry.problems().size(), 1u);
  EXPECT_THAT(registry.problems()[0].message, HasSubstr(installed.string()));
  EXPECT_THAT(registry.problems()[0].message,
              HasSubstr("expected sha256 " + good->manifest.sha256));
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_EQ(registry.plugins()[0]->id, "failing");
}

TEST(Registry, RefusesASecondPluginWithTheSameId) {
  PluginRegistry registry;
  auto first = load_plugin(plugin_file("good"), std::nullopt);
  auto twin = load_plugin(plugin_file("dup_twin"), std::nullopt);
  ASSERT_TRUE(first && twin);
  ASSERT_TRUE(registry.add(std::move(*first)));
  auto added = registry.add(std::move(*twin));
  ASSERT_FALSE(added);
  EXPECT_THAT(added.error().message, HasSubstr(plugin_file("dup_twin").string()));
  EXPECT_THAT(added.error().message, HasSubstr("expected a unique plugin id, found 'good', which " +
                                               plugin_file("good").string() + " already provides"));
  EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(Calls, ExceptionsInsideAnSdkPluginBecomeInternalErrors) {
  auto plugin = load_plugin(plugin_file("throwing"), std::nullopt);
  ASSERT_TRUE(plugin) << plugin.error().message;
  const ConnectorHandle& c = (*plugin)->connectors[0];
  auto bad = RemoteConnection::open(c, R"({"openThrows":true})", "connection t", nullptr);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, Status::kInternal);
  EXPECT_THAT(
      bad.error().message,
      HasSubstr("plugin 'throwing' threw during connection_open: open_connection exploded"));

  auto connection = RemoteConnection::open(c, "{}", "connection t", nullptr);
  ASSERT_TRUE(connection) << connection.error().message;
  auto ping = (*connection)->ping();
  ASSERT_FALSE(ping);
  EXPECT_THAT(ping.error().message, HasSubstr("threw during connection_ping: ping exploded"));
  auto exp = (*connection)->open_export("{}", "null", "export t");
  ASSERT_FALSE(exp);
  EXPECT_THAT(exp.error().message, HasSubstr("an exception that is not a std::exception"));
}

TEST(Calls, ErrorValuesKeepTheirStatusMessageAndRetryAfter) {
  auto plugin = load_plugin(plugin_file("failing"), std::nullopt);
  ASSERT_TRUE(plugin) << plugin.error().message;
  auto connection = RemoteConnection::open((*plugin)->connectors[0], "{}", "connection f", nullptr);
  ASSERT_TRUE(connection);
  auto ping = (*connection)->ping();
  ASSERT_FALSE(ping);
  EXPECT_EQ(ping.error().status, Status::kAuthFailed);
  EXPECT_EQ(ping.error().message, "the remote refused the credentials (HTTP 401)");
  auto exp = (*connection)->open_export("{}", "null", "export f");
  ASSERT_FALSE(exp);
  EXPECT_EQ(exp.error().status, Status::kRateLimited);
  EXPECT_EQ(exp.error().retry_after_ms, 1500u);
  auto imp = (*connection)->open_import("{}", "import f");
  ASSERT_FALSE(imp);
  EXPECT_EQ(imp.error().status, Status::kUnsupported);
  EXPECT_EQ(imp.error().message, "connector 'failing' does not support imports");
}

TEST(Calls, AnExceptionEscapingARawAbiPluginIsCaughtByTheHost) {
  auto plugin = load_plugin(plugin_file("escaping"), std::nullopt);
  ASSERT_TRUE(plugin) << plugin.error().message;
  auto connection = RemoteConnection::open((*plugin)->connectors[0], "{}", "connection e", nullptr);
  ASSERT_FALSE(connection);
  EXPECT_EQ(connection.error().status, Status::kInternal);
  EXPECT_THAT(connection.error().message,
              HasSubstr("plugin 'escaping' let an exception escape connection_open"));
  // The host still works: a good plugin loads and answers afterwards.
  auto good = load_plugin(plugin_file("good"), std::nullopt);
  ASSERT_TRUE(good);
  auto c = RemoteConnection::open((*good)->connectors[0], "{}", "connection g", nullptr);
  ASSERT_TRUE(c);
  EXPECT_TRUE((*c)->ping());
}

TEST_F(TempHome, InstallsABundleFolderAndATarballAndChecksTheBundleHash) {
  const fs::path bundle = home_ / "bundle" / "good-1.0.0";
  fs::create_directories(bundle);
  fs::copy_file(plugin_file("good"), bundle / "sluice-plugin-abi_good.so");
  Manifest m;
  m.id = "good";
  m.version = "1.0.0";
  m.abi_version = "1.0";
  m.library = "sluice-plugin-abi_good.so";
  m.sha256 = *sha256_file(bundle / m.library);
  ASSERT_TRUE(write_manifest(m, bundle / "manifest.json"));

  auto from_folder = install_plugin(bundle, home_ / "a");
  ASSERT_TRUE(from_folder) << from_folder.error().message;
  EXPECT_EQ(from_folder->manifest.sha256, m.sha256);

  const fs::path tarball = home_ / "good-1.0.0.tar.gz";
  const std::string tar =
      "tar -czf '" + tarball.string() + "' -C '" + (home_ / "bundle").string() + "' good-1.0.0";
  ASSERT_EQ(std::system(tar.c_str()), 0);
  auto from_tarball = install_plugin(tarball, home_ / "b");
  ASSERT_TRUE(from_tarball) << from_tarball.error().message;
  EXPECT_TRUE(fs::exists(home_ / "b" / "plugins" / "good" / "manifest.json"));

  m.sha256 = std::string(64, '0');
  ASSERT_TRUE(write_manifest(m, bundle / "manifest.json"));
  auto tampered = install_plugin(bundle, home_ / "c");
  ASSERT_FALSE(tampered);
  EXPECT_THAT(tampered.error().message,
              HasSubstr("expected sha256 " + std::string(64, '0') + " (from its manifest), found " +
                        *sha256_file(bundle / m.library)));
}

TEST_F(TempHome, RemovesAnInstalledPluginAndRefusesAnUnknownOne) {
  ASSERT_TRUE(install_plugin(plugin_file("good"), home_));
  EXPECT_TRUE(remove_plugin("good", home_));
  EXPECT_FALSE(fs::exists(home_ / "plugins" / "good"));
  auto again = remove_plugin("good", home_);
  ASSERT_FALSE(again);
  EXPECT_THAT(again.error().message, HasSubstr("no plugin 'good' is installed"));
}

}  // namespace
}  // namespace sluice::host
