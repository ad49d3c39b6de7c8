// `sluice connection authorize` end to end (the test plays the browser: it follows the printed
// URL to the mock's authorization endpoint, whose redirect lands on the command's one-time
// loopback listener), tokens kept encrypted in the store and reused by the next process, and a
// connection marked offline when its credentials are refused even after renewing them.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
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
using ::testing::Not;

// "METHOD target | authorization" of every request the mock received.
std::vector<std::string> seen(const MockApiServer& api) {
  std::vector<std::string> out;
  const json::value requests = api.get_json("/_mock/requests");
  for (const json::value& r : requests.at("requests").as_array()) {
    const json::value* auth = r.at("headers").as_object().if_contains("authorization");
    std::string target(r.at("target").as_string());
    if (const size_t q = target.find('?');
        q != std::string::npos && target.starts_with("/api/auth/oauth/authorize")) {
      target.resize(q);
    }
    out.push_back(std::string(r.at("method").as_string()) + " " + target +
                  (auth != nullptr ? " | " + std::string(auth->as_string()) : ""));
  }
  return out;
}

// GET `url` without following redirects: status and Location.
std::pair<int, std::string> get(const std::string& url) {
  const Poco::URI uri(url);
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  std::string ignored((std::istreambuf_iterator<char>(body)), std::istreambuf_iterator<char>());
  return {static_cast<int>(response.getStatus()), response.get("Location", "")};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ConnectionAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(home_ / "resources");
    cli_.emplace(home_);
    const CliResult installed = cli_->run({"plugin", "install", HTTP_PLUGIN_FILE});
    ASSERT_EQ(installed.exit_code, 0) << installed.err;
  }
  void apply(const std::string& name, const std::string& text) {
    std::ofstream(home_ / "resources" / name) << text;
    const CliResult applied = cli_->run({"apply", (home_ / "resources").string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
  }
  std::string authorize_code_connection(const std::string& auth_query = "") {
    return fmt::format(
        R"({{"_id":"c1","type":"http","http":{{"baseURI":"{0}","mediaType":"json",
        "ping":{{"relativeURI":"/api/auth/resource"}},
        "auth":{{"type":"oauth","oauth":{{"grantType":"authorizecode",
          "authURI":"{0}/api/auth/oauth/authorize{1}","tokenURI":"/api/auth/oauth/token",
          "clientId":"sluice-client","clientSecret":"client-secret","scope":["read"]}}}}}}}})",
        api_.base_url(), auth_query);
  }

  // Runs `sluice connection authorize c1`, follows the URL it prints on stderr as a browser
  // would, and returns the command's result.
  CliResult authorize_as_browser(std::vector<std::string>* browser_statuses = nullptr) {
    Poco::Pipe out_pipe, err_pipe;
    Poco::Process::Env env;
    env["SLUICE_HOME"] = home_.string();
    Poco::ProcessHandle handle =
        Poco::Process::launch(SLUICE_BINARY, {"connection", "authorize", "c1", "--timeout", "30"},
                              home_.string(), nullptr, &out_pipe, &err_pipe, env);
    CliResult result;
    std::thread out_reader([&] {
      Poco::PipeInputStream out(out_pipe);
      Poco::StreamCopier::copyToString(out, result.out);
    });
    Poco::PipeInputStream err(err_pipe);
    for (std::string line; std::getline(err, line);) {
      result.err += line + "\n";
      if (!line.starts_with("http://")) continue;
      auto [status, location] = get(line);
      if (browser_statuses != nullptr) browser_statuses->push_back(std::to_string(status));
      if (status == 302) {
        auto [landed, ignored] = get(location);
        if (browser_statuses != nullptr) browser_statuses->push_back(std::to_string(landed));
      }
    }
    out_reader.join();
    result.exit_code = handle.wait();
    return result;
  }

  TempDir dir_;
  fs::path home_ = dir_.path();
  std::optional<SluiceCli> cli_;
  MockApiServer api_{MockApiServer::Options{.orders = 1}};
};

TEST_F(ConnectionAuth, AuthorizeObtainsTokensThatTheNextProcessUsesWithoutATokenRequest) {
  apply("c1.json", authorize_code_connection());
  std::vector<std::string> browser;
  const CliResult authorized = authorize_as_browser(&browser);
  ASSERT_EQ(authorized.exit_code, 0) << authorized.out << authorized.err;
  EXPECT_EQ(browser, (std::vector<std::string>{"302", "200"}));
  EXPECT_EQ(authorized.out,
            "connection c1 authorized: obtained an access token (expires in 3600 s) and a "
            "refresh token\n");
  EXPECT_THAT(authorized.err, HasSubstr("To authorize connection c1, open this URL in a browser "
                                        "and allow the access:\n" +
                                        api_.base_url() + "/api/auth/oauth/authorize?"));
  EXPECT_THAT(authorized.err,
              HasSubstr("Waiting up to 30 s for the redirect to http://127.0.0.1:"));

  const CliResult pinged = cli_->run({"ping", "c1"});
  ASSERT_EQ(pinged.exit_code, 0) << pinged.err;
  EXPECT_EQ(seen(api_),
            (std::vector<std::string>{
                "GET /api/auth/oauth/authorize",
                "POST /api/auth/oauth/token | Basic c2x1aWNlLWNsaWVudDpjbGllbnQtc2VjcmV0",
                "GET /api/auth/resource | Bearer access-token-1"}));
  for (const std::string& text :
       {authorized.out, authorized.err, pinged.out, pinged.err, read_file(home_ / "sluice.db"),
        read_file(home_ / "sluice.db-wal")}) {
    EXPECT_THAT(text, Not(HasSubstr("access-token-1")));
    EXPECT_THAT(text, Not(HasSubstr("refresh-token-1")));
    EXPECT_THAT(text, Not(HasSubstr("auth-code-1")));
  }
}

TEST_F(ConnectionAuth, ADeniedAuthorizationFailsSayingWhatTheServerAnswered) {
  apply("c1.json", authorize_code_connection("?deny=1"));
  const CliResult authorized = authorize_as_browser();
  EXPECT_EQ(authorized.exit_code, 1);
  EXPECT_EQ(authorized.out, "");
  EXPECT_THAT(authorized.err,
              HasSubstr("error: connection c1 was not authorized: the authorization server "
                        "refused to authorize connection 'c1': access_denied (the user said no) "
                        "— run `sluice connection authorize` again and allow the access\n"));
}

TEST_F(ConnectionAuth, WithoutARedirectTheCommandGivesUpAfterItsTimeout) {
  apply("c1.json", authorize_code_connection());
  const CliResult r = cli_->run({"connection", "authorize", "c1", "--timeout", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("error: connection c1 was not authorized: no redirect reached "
                               "http://127.0.0.1:"));
  EXPECT_THAT(r.err, HasSubstr(" within 1 s; open the printed URL sooner, or give more time with "
                               "--timeout SECONDS\n"));
}

TEST_F(ConnectionAuth, AuthorizeRefusesAConnectionThatNeedsNoUser) {
  apply("c1.json", fmt::format(R"({{"_id":"c1","type":"http","http":{{"baseURI":"{}",
      "auth":{{"type":"token","token":{{"token":"demo-token"}}}}}}}})",
                               api_.base_url()));
  const CliResult r = cli_->run({"connection", "authorize", "c1", "--timeout", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "error: cannot authorize connection c1: this connection does not use the OAuth 2.0 "
            "authorization code grant, so there is nothing to authorize: set http.auth.type "
            "oauth with http.auth.oauth.grantType authorizecode, authURI, tokenURI and "
            "clientId\n");
}

TEST_F(ConnectionAuth, ABadTimeoutIsAUsageError) {
  const CliResult r = cli_->run({"connection", "authorize", "c1", "--timeout", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --timeout '0' is not a number of seconds from 1 to 3600"));
}

TEST_F(ConnectionAuth, RefusedCredentialsMarkTheConnectionOfflineUntilAPingSucceeds) {
  apply("c.json", fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}",
      "mediaType":"json","ping":{{"relativeURI":"/api/auth/resource"}},
      "auth":{{"type":"oauth","oauth":{{"tokenURI":"/api/auth/oauth/token",
        "clientId":"sluice-client","clientSecret":"client-secret"}}}}}}}})",
                              api_.base_url()));
  apply("e.json", R"({"_id":"res","adaptorType":"HTTPExport","_connectionId":"api",
      "http":{"relativeURI":"/api/auth/resource?deny=1"}})");
  apply("i.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink"}})");
  apply("f.json", R"({"_id":"f","pageGenerators":[{"_exportId":"res"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");

  const CliResult first = cli_->run({"flow", "run", "f"});
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  const size_t requests_after_first = seen(api_).size();
  EXPECT_EQ(seen(api_),
            (std::vector<std::string>{
                "POST /api/auth/oauth/token | Basic c2x1aWNlLWNsaWVudDpjbGllbnQtc2VjcmV0",
                "GET /api/auth/resource?deny=1 | Bearer access-token-1",
                "POST /api/auth/oauth/token | Basic c2x1aWNlLWNsaWVudDpjbGllbnQtc2VjcmV0",
                "GET /api/auth/resource?deny=1 | Bearer access-token-2"}));

  const CliResult listed = cli_->run({"get", "connections"});
  EXPECT_THAT(listed.out, HasSubstr("http, OFFLINE since "));
  const CliResult shown = cli_->run({"get", "connections", "api"});
  const json::object doc = json::parse(shown.out).as_object();
  EXPECT_EQ(doc.at("offline"), true);
  EXPECT_THAT(std::string(doc.at("offlineReason").as_string()), HasSubstr("HTTP 401"));
  EXPECT_THAT(std::string(doc.at("offlineReason").as_string()), Not(HasSubstr("access-token")));

  const CliResult second = cli_->run({"flow", "run", "f"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.out + second.err, HasSubstr("connection api is offline since "));
  EXPECT_THAT(second.out + second.err,
              HasSubstr("run `sluice connection authorize api` for an OAuth authorization code "
                        "connection, then `sluice ping api`"));
  EXPECT_EQ(seen(api_).size(), requests_after_first) << "an offline connection sends nothing";

  const CliResult pinged = cli_->run({"ping", "api"});
  EXPECT_EQ(pinged.exit_code, 0) << pinged.err;
  const CliResult online = cli_->run({"get", "connections", "api"});
  EXPECT_FALSE(json::parse(online.out).as_object().contains("offline")) << online.out;
}

}  // namespace
}  // namespace sluice::testing
