// A destination that echoes the request's credentials back in every form (tools/mock_api
// --echo-credentials): flows, errors, jobs, connections and ping run through the real `sluice`
// executable, and no trace of the token may reach sluice.db, its WAL, or any command's output.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "sluice_cli.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

// 40 characters with "-", "/" and "+" inside, so every escaped form differs from the raw one.
constexpr char kToken[] = "Ec7-hoT/k9+Lq2-Wx4/Rm8+Zp6-Vn3/Bs5+Jd1Qa";
constexpr int kOrders = 2000;

std::string base64(std::string_view bytes, bool url_safe) {
  const char* alphabet = url_safe
                             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[n >> shift & 63];
  }
  if (bytes.size() - i == 1) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
  } else if (bytes.size() - i == 2) {
    const unsigned n =
        static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
  }
  return out;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  for (size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Pieces of the token that must appear nowhere: every 10-character window of the raw token, of
// its JSON-escaped forms (once and twice), of its URL-encoded forms and every 12-character
// window of its base64 forms (also as basic auth sends it, with a username before it).
std::vector<std::string> forbidden_pieces() {
  const std::string token = kToken;
  const std::string escaped =
      replaced(replaced(replaced(token, "/", "\\/"), "-", "\\u002d"), "+", "\\u002B");
  const std::string escaped_twice = replaced(escaped, "\\", "\\\\");
  std::string url_upper, url_lower;
  for (unsigned char c : token) {
    if (std::isalnum(c)) {
      url_upper += static_cast<char>(c);
      url_lower += static_cast<char>(c);
    } else {
      url_upper += fmt::format("%{:02X}", c);
      url_lower += fmt::format("%{:02x}", c);
    }
  }
  std::vector<std::string> pieces;
  auto windows = [&](const std::string& form, size_t size) {
    for (size_t i = 0; i + size <= form.size(); ++i) pieces.push_back(form.substr(i, size));
  };
  for (const std::string& form : {token, escaped, escaped_twice, url_upper, url_lower}) {
    windows(form, 10);
  }
  // base64("sluice:" + token) starts with the username's characters; skip those.
  const std::string basic = base64("sluice:" + token, false);
  for (const std::string& form : {base64(token, false), base64(token, true), basic.substr(12),
                                  base64("x" + token, false), base64("xy" + token, false)}) {
    windows(form, 12);
  }
  return pieces;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class SecretEcho : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    record(cli_->run({"plugin", "install", HTTP_PLUGIN_FILE}), "plugin install", 0);
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
  }

  // Runs a command, keeps its output for the final check, and checks its exit status.
  CliResult run(const std::vector<std::string>& args, int expected_exit) {
    const CliResult result = cli_->run(args);
    record(result, fmt::format("{}", fmt::join(args, " ")), expected_exit);
    return result;
  }

  void record(const CliResult& result, const std::string& what, int expected_exit) {
    EXPECT_EQ(result.exit_code, expected_exit) << what << "\n" << result.out << result.err;
    outputs_.emplace_back("stdout of sluice " + what, result.out);
    outputs_.emplace_back("stderr of sluice " + what, result.err);
  }

  void apply(const MockApiServer& api) {
    write("connection.json",
          fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}","mediaType":"json",
              "ping":{{"relativeURI":"/api/echo?echoCut=json"}},
              "auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
                      api.base_url(), kToken));
    write("export.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
        "http":{"relativeURI":"/api/orders?pageSize=100","response":{"resourcePath":"orders"},
                "paging":{"method":"page","page":1}}})");
    write("import.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
        "http":{"method":"POST","relativeURI":"/api/sink","batchSize":100}})");
    write("flow.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
        "pageProcessors":[{"type":"import","_importId":"sink"}]})");
    // Page 99 is the mock's echo page: 403 with the credentials in the body.
    for (const std::string cut : {"raw", "json"}) {
      write("export-" + cut + ".json",
            fmt::format(R"({{"_id":"refused-{0}","adaptorType":"HTTPExport","_connectionId":"api",
                "http":{{"relativeURI":"/api/orders?pageSize=20&page=99&echoCut={0}",
                        "response":{{"resourcePath":"orders"}}}}}})",
                        cut));
      write("flow-" + cut + ".json",
            fmt::format(R"({{"_id":"refused-{0}","pageGenerators":[{{"_exportId":"refused-{0}"}}],
                "pageProcessors":[{{"type":"import","_importId":"sink"}}]}})",
                        cut));
    }
    run({"apply", (home_ / "resources").string()}, 0);
  }

  TempDir dir_{"sluice-echo"};
  const fs::path& home_ = dir_.path();
  std::optional<SluiceCli> cli_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // (what, text)
};

TEST_F(SecretEcho, NoFormOfAnEchoedTokenReachesTheStoreTheWalOrAnyOutput) {
  MockApiServer api(
      {.orders = kOrders, .token = kToken, .fail_page = 99, .echo_credentials = true});
  json::array every_order;
  for (int i = 1; i <= kOrders; ++i) every_order.emplace_back(fmt::format("ORD-{:06}", i));
  api.post("/_mock/reject", json::serialize(every_order));
  apply(api);

  // The server really echoes: its own error texts carry the token in every form.
  const HttpResponse echoed = api.request("GET", "/api/echo?echoCut=json");
  ASSERT_EQ(echoed.status, 403);
  ASSERT_THAT(echoed.body, HasSubstr(std::string("Bearer ") + kToken));

  const CliResult flow = run({"flow", "run", "f", "--json"}, 0);
  const json::value job = json::parse(flow.out);
  EXPECT_EQ(job.at("numExport"), kOrders);
  EXPECT_EQ(job.at("numError"), kOrders);
  for (const std::string cut : {"raw", "json"}) {
    const CliResult refused = run({"flow", "run", "refused-" + cut, "--json"}, 1);
    const json::value failed = json::parse(refused.out);
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_THAT(std::string(failed.at("message").as_string()), HasSubstr("HTTP 403"));
    run({"flow", "run", "refused-" + cut}, 1);
  }

  const CliResult errors = run({"errors", "f", "--json", "--limit", "5000"}, 0);
  const json::array list = json::parse(errors.out).as_array();
  ASSERT_EQ(list.size(), static_cast<size_t>(kOrders));
  EXPECT_THAT(std::string(list[0].at("message").as_string()),
              HasSubstr("refused for the credentials Bearer ******"));
  run({"errors", "f"}, 0);
  run({"get", "jobs", "--json"}, 0);
  run({"get", "jobs"}, 0);
  run({"get", "connections", "--json"}, 0);
  run({"get", "connections", "api"}, 0);
  const CliResult ping = run({"ping", "api"}, 1);
  EXPECT_THAT(ping.err, HasSubstr("HTTP 403"));

  for (const char* file : {"sluice.db", "sluice.db-wal", "sluice.db-shm"}) {
    if (fs::exists(home_ / file)) outputs_.emplace_back(file, read_bytes(home_ / file));
  }
  ASSERT_TRUE(fs::exists(home_ / "sluice.db"));
  // The error rows are in the files searched (as text, redacted), so the search is meaningful.
  std::string store_bytes;
  for (const auto& [what, text] : outputs_) {
    if (what.starts_with("sluice.db")) store_bytes += text;
  }
  EXPECT_NE(store_bytes.find("refused for the credentials Bearer ******"), std::string::npos);

  const std::vector<std::string> pieces = forbidden_pieces();
  for (const auto& [what, text] : outputs_) {
    size_t found = 0;
    for (const std::string& piece : pieces) {
      const size_t at = text.find(piece);
      if (at == std::string::npos) continue;
      if (++found <= 3) {
        ADD_FAILURE() << what << " holds \"" << piece << "\": ..."
                      << text.substr(at > 60 ? at - 60 : 0, 160) << "...";
      }
    }
    EXPECT_EQ(found, 0u) << what;
  }
}

TEST_F(SecretEcho, ARefusedApplyNeverQuotesASecretValue) {
  // A number where the token string belongs: the refusal names what it found, masked.
  write("connection.json", R"({"_id":"api","type":"http","http":{"baseURI":"https://x.test",
      "auth":{"type":"token","token":{"token":738291046571}}}})");
  const CliResult applied = run({"apply", (home_ / "resources").string()}, 1);
  EXPECT_THAT(applied.err, HasSubstr("$.http.auth.token.token: expected a string, found number "
                                     "******"));
  EXPECT_EQ(applied.err.find("738291046571"), std::string::npos) << applied.err;
}

}  // namespace
}  // namespace sluice::testing
