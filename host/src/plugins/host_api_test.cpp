#include "plugins/host_api.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "plugins/connection_state.hpp"
#include "secrets/redactor.hpp"

namespace sluice::host {
namespace {

constexpr char kToken[] = "hostapi-Tk/4+Qz-9Lm/2Wc+8Vd";

sluice_str str(const std::string& text) { return {text.data(), text.size()}; }

TEST(HostApiTest, ALogLineReachesTheSinkWithEverySecretFormRedacted) {
  Redactor::process().add_secret(kToken);
  std::vector<std::string> lines;
  set_log_sink([&](int32_t, const std::string& scope, std::string_view message) {
    lines.push_back(scope + ": " + std::string(message));
  });
  sluice_call call;
  call.log_scope = "plugin http";
  const std::string message =
      std::string("raw ") + kToken + R"( json hostapi-Tk\/4+Qz\u002d9Lm\/2Wc+8Vd cut hostapi-Tk/4)";
  host_api()->log(&call, SLUICE_LOG_ERROR, str(message));
  set_log_sink([](int32_t, const std::string&, std::string_view) {});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "plugin http: raw ****** json ****** cut ******");
}

TEST(HostApiTest, AnErrorAPluginSetsIsKeptWithEverySecretFormRedacted) {
  Redactor::process().add_secret(kToken);
  sluice_call call;
  const std::string message = std::string("HTTP 401: token ") + kToken + " refused";
  const std::string details =
      R"({"echo":"hostapi-Tk%2F4%2BQz-9Lm%2f2Wc%2b8Vd","url":"https://x/"})";
  host_api()->set_error(&call, str(message), str(details));
  EXPECT_EQ(call.error_message, "HTTP 401: token ****** refused");
  EXPECT_EQ(call.error_details, R"({"echo":"******","url":"https://x/"})");
}

// An in-memory ConnectionStateAccess.
struct MemoryState {
  std::map<std::string, std::string> docs;
  ConnectionStateAccess access() {
    ConnectionStateAccess a;
    a.connection_id = "c1";
    a.get = [this](std::string_view key) -> Result<std::string> {
      auto found = docs.find(std::string(key));
      return found == docs.end() ? std::string("null") : found->second;
    };
    a.put = [this](std::string_view key, std::string_view json) -> Result<void> {
      docs[std::string(key)] = std::string(json);
      return {};
    };
    return a;
  }
};

std::string got(sluice_call& call, const std::string& key, sluice_status* status = nullptr) {
  std::string out = "(not called)";
  const sluice_status s =
      host_api()->state_get(&call, str(key), &out, [](void* context, sluice_str json) {
        *static_cast<std::string*>(context) = std::string(json.ptr, json.len);
      });
  if (status != nullptr) *status = s;
  return out;
}

TEST(HostApiTest, StateIsStoredAndReadBackThroughTheCallsConnection) {
  MemoryState memory;
  const ConnectionStateAccess access = memory.access();
  sluice_call call;
  call.connection_state = &access;
  EXPECT_EQ(got(call, "auth"), "null");
  const std::string doc = R"({"accessToken":"at-1"})";
  EXPECT_EQ(host_api()->state_put(&call, str("auth"), str(doc)), SLUICE_OK);
  EXPECT_EQ(got(call, "auth"), doc);
  EXPECT_EQ(memory.docs.at("auth"), doc);
}

TEST(HostApiTest, ACallWithoutAConnectionHasNoState) {
  sluice_call call;
  sluice_status status = SLUICE_OK;
  EXPECT_EQ(got(call, "auth", &status), "(not called)");
  EXPECT_EQ(status, SLUICE_UNSUPPORTED);
  EXPECT_EQ(host_api()->state_put(&call, str("auth"), str("{}")), SLUICE_UNSUPPORTED);
}

TEST(HostApiTest, AStateOverItsLimitIsRefusedAndLoggedNamingTheConnectionAndKey) {
  MemoryState memory;
  const ConnectionStateAccess access = memory.access();
  std::vector<std::string> lines;
  set_log_sink([&](int32_t level, const std::string&, std::string_view message) {
    if (level == SLUICE_LOG_WARN) lines.emplace_back(message);
  });
  sluice_call call;
  call.connection_state = &access;
  const std::string big = "\"" + std::string(kMaxStateBytes, 'x') + "\"";
  EXPECT_EQ(host_api()->state_put(&call, str("auth"), str(big)), SLUICE_INVALID_CONFIG);
  set_log_sink([](int32_t, const std::string&, std::string_view) {});
  EXPECT_TRUE(memory.docs.empty());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "could not store the state 'auth' of connection c1: the document is 65538 "
            "bytes, more than the 65536 a state may hold");
}

TEST(HostApiTest, AStoreFailureIsReturnedAsItsStatusAndLogged) {
  ConnectionStateAccess access;
  access.connection_id = "c1";
  access.get = [](std::string_view) -> Result<std::string> {
    return make_error(Status::kInternal, "store x.db is damaged");
  };
  std::vector<std::string> lines;
  set_log_sink(
      [&](int32_t, const std::string&, std::string_view message) { lines.emplace_back(message); });
  sluice_call call;
  call.connection_state = &access;
  sluice_status status = SLUICE_OK;
  EXPECT_EQ(got(call, "auth", &status), "(not called)");
  set_log_sink([](int32_t, const std::string&, std::string_view) {});
  EXPECT_EQ(status, SLUICE_INTERNAL);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "could not read the state 'auth' of connection c1: store x.db is damaged");
}

}  // namespace
}  // namespace sluice::host
