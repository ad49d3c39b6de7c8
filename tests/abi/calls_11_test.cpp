// Specifies the calls added in ABI 1.1 end to end: SDK classes -> shims -> C ABI -> the host's
// connector_client wrappers, through tests/abi/plugins/v11.cpp.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "plugins/connector_client.hpp"
#include "plugins/host_api.hpp"
#include "plugins/loader.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

class Calls11 : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded =
        load_plugin(std::filesystem::path(ABI_PLUGIN_DIR) / "sluice-plugin-abi_v11.so", {});
    ASSERT_TRUE(loaded) << loaded.error().message;
    plugin_ = std::move(*loaded);
    auto connection = RemoteConnection::open(plugin_->connectors[0], "{}", "connection v", nullptr);
    ASSERT_TRUE(connection) << connection.error().message;
    connection_ = std::move(*connection);
  }
  std::unique_ptr<LoadedPlugin> plugin_;
  std::unique_ptr<RemoteConnection> connection_;
};

TEST_F(Calls11, OverridingLookupsAndListenersRequires11AndDeclaresEveryCapability) {
  EXPECT_EQ(plugin_->abi_minor, 1u);
  const ConnectorHandle& c = plugin_->connectors[0];
  EXPECT_EQ(c.capabilities, SLUICE_CAP_EXPORT | SLUICE_CAP_IMPORT | SLUICE_CAP_LOOKUP |
                                SLUICE_CAP_LISTENER | SLUICE_CAP_FILE_TRANSFER);
  EXPECT_EQ(capability_names(c.capabilities), "export, import, lookup, listener, file transfer");
  EXPECT_TRUE(c.thread_safe_connection);
  EXPECT_TRUE(c.listener_schema.at("properties").as_object().contains("v11"))
      << json::serialize(c.listener_schema);
}

TEST_F(Calls11, AnExportGetsItsRunContextAndHearsOfEachCommittedPage) {
  auto exp =
      connection_->open_export("{}", "null", "export v",
                               R"({"type":"test","test":{"limit":5},"jobId":"j1","testMode":true,
          "settings":{"flow":{"a":1},"export":{}}})");
  ASSERT_TRUE(exp) << exp.error().message;
  ASSERT_TRUE((*exp)->page_committed(R"({"page":0})"));
  auto page = (*exp)->next_page();
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(json::parse(*page).at("records"),
            json::parse(R"([{"type":"test","jobId":"j1","limit":5,"testMode":true,
                             "settings":{"flow":{"a":1},"export":{}},"committed":"{\"page\":0}"}])"));
  auto refused = (*exp)->page_committed("null");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, Status::kInvalidConfig);
  EXPECT_EQ(refused.error().message, "v11: committed a null state");
}

TEST_F(Calls11, AnExportOpenedWithoutARunContextSeesNone) {
  auto exp = connection_->open_export("{}", "null", "export v");
  ASSERT_TRUE(exp) << exp.error().message;
  auto page = (*exp)->next_page();
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(json::parse(*page).at("records"), json::parse(R"([{"run":null}])"));
}

TEST_F(Calls11, AnImportsFinishReturnsItsStatusMessageAndDetails) {
  auto ok = connection_->open_import("{}", "import ok");
  ASSERT_TRUE(ok);
  ASSERT_TRUE((*ok)->submit(R"([{"id":1}])"));
  EXPECT_TRUE((*ok)->finish());
  auto failing = connection_->open_import(R"({"failFinish":true})", "import bad");
  ASSERT_TRUE(failing);
  ASSERT_TRUE((*failing)->submit(R"([{"id":1},{"id":2}])"));
  auto finished = (*failing)->finish();
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().status, Status::kRemoteError);
  EXPECT_EQ(finished.error().message, "v11: the upload of 2 records was refused");
  EXPECT_EQ(finished.error().details, json::parse(R"({"records":2})"))
      << "set_error's details reach the host's Error";
}

TEST_F(Calls11, ALookupReturnsOneResultPerRecordDataOrErrors) {
  auto lookup = connection_->open_lookup("{}", "lookup v");
  ASSERT_TRUE(lookup) << lookup.error().message;
  auto results = (*lookup)->lookup(R"([{"id":"a"},{"id":"missing"}])");
  ASSERT_TRUE(results) << results.error().message;
  EXPECT_EQ(json::parse(*results), json::parse(R"([{"data":[{"found":"a"}]},
                            {"errors":[{"code":"not_found","message":"v11: no record missing"}]}])"));
}

TEST_F(Calls11, AListenerAnswersARequestWithBinaryBodyAndRecords) {
  auto listener = connection_->open_listener("{}", "listener v");
  ASSERT_TRUE(listener) << listener.error().message;
  InboundRequest request{"POST", "/orders", "a=1", R"({"x-token":["t"]})",
                         std::string("\x00\x01\x02", 3)};
  auto reply = (*listener)->request(request);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(json::parse(reply->json), json::parse(R"({"response":{"statusCode":202,
                                        "headers":{"content-type":"application/octet-stream"}},
                            "records":[{"method":"POST","path":"/orders","query":"a=1",
                                        "bodyBytes":3}]})"));
  EXPECT_EQ(reply->body, std::string("ok\0bin", 6));
  request.headers_json = "{}";
  auto refused = (*listener)->request(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, Status::kAuthFailed);
}

TEST_F(Calls11, ANativeHookIsListedWithItsKindAndRunsOnAPage) {
  ASSERT_EQ(plugin_->hooks.size(), 1u);
  const HookHandle& hook = plugin_->hooks[0];
  EXPECT_EQ(hook.name, "dropTests");
  EXPECT_EQ(hook.kind, "preSavePage");
  auto out = call_hook(hook, R"({"data":[{"id":1},{"id":2,"test":true}],"errors":[]})",
                       "hook preSavePage dropTests");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::parse(*out), json::parse(R"({"data":[{"id":1}]})"));
}

TEST_F(Calls11, WarningsAndMetricsReachTheHost) {
  std::vector<std::string> lines;
  set_log_sink([&](int32_t level, const std::string& scope, std::string_view message) {
    lines.push_back(fmt::format("{} [{}] {}", level, scope, message));
  });
  ASSERT_TRUE(connection_->ping());
  ASSERT_TRUE(connection_->ping());
  set_log_sink([](int32_t, const std::string&, std::string_view) {});
  EXPECT_EQ(lines, (std::vector<std::string>{"2 [connection v] v11 ping warns",
                                             "2 [connection v] v11 ping warns"}));
  const auto metrics = metrics_snapshot();
  EXPECT_EQ(metrics.at(R"(v11_pings_total{"connector":"v11"})"), 2);
  EXPECT_EQ(metrics.at("v11_depth"), 7);
}

// A /proc/self/status field in kB ("VmRSS", "VmHWM").
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

constexpr long kStreamMegabytes = 64;
constexpr long kGrowthLimitKb = 24 * 1024;  // far less than the 64 MB streamed each way

// Streams kStreamMegabytes out of the plugin's export and into its import, checking every byte
// and that the process's peak memory grew by less than kGrowthLimitKb. Runs in a child process
// (EXPECT_EXIT) so that the peak is this stream's alone; exits 0 when all holds, else prints why.
[[noreturn]] void stream_files_and_exit() {
  auto loaded = load_plugin(std::filesystem::path(ABI_PLUGIN_DIR) / "sluice-plugin-abi_v11.so", {});
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    std::exit(1);
  }
  auto connection = RemoteConnection::open((*loaded)->connectors[0], "{}", "connection v", nullptr);
  auto exp =
      (*connection)
          ->open_export(fmt::format(R"({{"megabytes":{}}})", kStreamMegabytes), "null", "export v");
  auto imp = (*connection)->open_import("{}", "import v");
  if (!exp || !imp) std::exit(2);
  const long before = status_kb("VmRSS");
  uint64_t out_bytes = 0;
  bool pattern_ok = true;
  auto info = (*exp)->next_file([&](std::string_view chunk) -> Result<void> {
    for (size_t i = 0; i < chunk.size(); ++i) {
      if (static_cast<unsigned char>(chunk[i]) != ((out_bytes + i) % (64 * 1024)) % 251) {
        pattern_ok = false;
      }
    }
    out_bytes += chunk.size();
    return {};
  });
  uint64_t in_bytes = 0;
  uint32_t in_sum = 0;
  const uint64_t total = uint64_t(kStreamMegabytes) << 20;
  auto put = (*imp)->put_file(R"({"name":"up.bin"})", [&](char* buffer, size_t capacity) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(capacity, total - in_bytes));
    for (size_t i = 0; i < n; ++i) {
      buffer[i] = static_cast<char>((in_bytes + i) % 7);
      in_sum += static_cast<unsigned char>(buffer[i]);
    }
    in_bytes += n;
    return Result<size_t>(n);
  });
  const long peak = status_kb("VmHWM");
  std::string why;
  if (!info) why += "next_file failed: " + info.error().message + "; ";
  if (!put) why += "put_file failed: " + put.error().message + "; ";
  if (info &&
      json::parse(*info) !=
          json::parse(fmt::format(R"({{"name":"pattern.bin","size":{},"done":true}})", total))) {
    why += "next_file said " + *info + "; ";
  }
  if (out_bytes != total || !pattern_ok) why += "the exported bytes are wrong; ";
  if (put &&
      json::parse(*put) !=
          json::parse(fmt::format(R"({{"statusCode":200,"id":"up.bin:{}:{}"}})", total, in_sum))) {
    why += "put_file said " + *put + "; ";
  }
  if (peak - before >= kGrowthLimitKb) {
    why += fmt::format("peak memory grew by {} kB (from {} kB)", peak - before, before);
  }
  if (!why.empty()) {
    std::cerr << why << '\n';
    std::exit(1);
  }
  std::cerr << "streamed with bounded memory\n";
  std::exit(0);
}

TEST(Files11, A64MegabyteFileStreamsOutOfAndIntoAPluginWithBoundedMemory) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(stream_files_and_exit(), ::testing::ExitedWithCode(0),
              "streamed with bounded memory");
}

// The next_file deadline counts the plugin's silence, not the host's backpressure: a consumer
// that takes 3 deadlines in all (20 ms a chunk, 16 chunks, 100 ms deadline) still gets the
// whole file from a plugin that streams steadily.
TEST(Files11, ASlowConsumerDoesNotCountAgainstTheNextFileDeadline) {
  auto loaded = load_plugin(std::filesystem::path(ABI_PLUGIN_DIR) / "sluice-plugin-abi_v11.so", {});
  ASSERT_TRUE(loaded) << loaded.error().message;
  CallLimits limits;
  limits.export_next_page = std::chrono::milliseconds(100);
  auto connection =
      RemoteConnection::open((*loaded)->connectors[0], "{}", "connection v", nullptr, limits);
  ASSERT_TRUE(connection) << connection.error().message;
  auto exp = (*connection)->open_export(R"({"megabytes":1})", "null", "export v");
  ASSERT_TRUE(exp) << exp.error().message;
  size_t chunks = 0, bytes = 0;
  auto info = (*exp)->next_file([&](std::string_view chunk) -> Result<void> {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow import downstream
    ++chunks;
    bytes += chunk.size();
    return {};
  });
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(json::parse(*info),
            json::parse(R"({"name":"pattern.bin","size":1048576,"done":true})"));
  EXPECT_EQ(chunks, 16u);
  EXPECT_EQ(bytes, size_t{1} << 20);
  EXPECT_FALSE((*exp)->abandoned());
}

// A plugin that stops sending mid-file is still abandoned once it has been silent for the
// deadline, with the message naming the call and the deadline.
TEST(Files11, APluginThatStopsSendingMidFileIsAbandonedAtTheNextFileDeadline) {
  auto loaded = load_plugin(std::filesystem::path(ABI_PLUGIN_DIR) / "sluice-plugin-abi_v11.so", {});
  ASSERT_TRUE(loaded) << loaded.error().message;
  CallLimits limits;
  limits.export_next_page = std::chrono::milliseconds(100);
  auto connection =
      RemoteConnection::open((*loaded)->connectors[0], "{}", "connection v", nullptr, limits);
  ASSERT_TRUE(connection) << connection.error().message;
  auto exp =
      (*connection)->open_export(R"({"megabytes":1,"stallAfterChunks":2})", "null", "export v");
  ASSERT_TRUE(exp) << exp.error().message;
  size_t chunks = 0;
  auto info = (*exp)->next_file([&](std::string_view) -> Result<void> {
    ++chunks;
    return {};
  });
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().status, Status::kInternal);
  EXPECT_THAT(info.error().message,
              HasSubstr("export v: plugin 'v11' did not return from export_next_file within "
                        "100 ms"));
  EXPECT_EQ(chunks, 2u);
  EXPECT_TRUE((*exp)->abandoned());
}

}  // namespace
}  // namespace sluice::host
