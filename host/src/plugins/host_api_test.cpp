#include "plugins/host_api.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

}  // namespace
}  // namespace sluice::host
