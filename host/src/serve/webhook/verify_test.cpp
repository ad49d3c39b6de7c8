// Signatures here are computed by OpenSSL's command line and Python's hmac module, run as child
// processes — never by the code under test.
#include "serve/webhook/verify.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sluice::serve::webhook {
namespace {

std::string quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// Runs `command` with /bin/sh, returning its standard output without the trailing newline.
std::string run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  if (pipe == nullptr) return {};
  std::string out;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << command;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    char name[] = "/tmp/sluice-verify-XXXXXX";
    const int fd = ::mkstemp(name);
    EXPECT_GE(fd, 0);
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// openssl dgst -hmac over `data`, hex (lower case) or base64.
std::string openssl_hmac(std::string_view algorithm, std::string_view key, std::string_view data,
                         bool base64) {
  TempFile file(data);
  const std::string dgst = "openssl dgst -" + std::string(algorithm) + " -hmac " + quote(key) +
                           " -binary " + quote(file.path());
  return run(dgst + (base64 ? " | base64 -w0" : " | od -An -v -tx1 | tr -d ' \\n'"));
}

// Python's hmac.new(key, data, sha256).hexdigest().
std::string python_hmac_sha256_hex(std::string_view key, std::string_view data) {
  TempFile file(data);
  return run(
      "python3 -c 'import hashlib, hmac, sys; "
      "print(hmac.new(sys.argv[1].encode(), open(sys.argv[2], \"rb\").read(), "
      "hashlib.sha256).hexdigest())' " +
      quote(key) + " " + quote(file.path()));
}

std::string python_base64(std::string_view text) {
  return run(
      "python3 -c 'import base64, sys; print(base64.b64encode(sys.argv[1].encode())."
      "decode())' " +
      quote(text));
}

VerifySettings settings(std::string_view webhook_json) {
  auto parsed = parse_verify_settings(boost::json::parse(webhook_json).as_object());
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : VerifySettings{};
}

std::string refusal(std::string_view webhook_json) {
  auto parsed = parse_verify_settings(boost::json::parse(webhook_json).as_object());
  if (parsed) return "accepted";
  EXPECT_EQ(parsed.error().status, Status::kInvalidConfig);
  return parsed.error().message;
}

HttpRequest post(std::string body) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/webhooks/orders";
  request.headers.emplace("Content-Type", "application/json");
  request.body = std::move(body);
  return request;
}

bool passes(const VerifySettings& s, const HttpRequest& request, const VerifyOptions& o = {}) {
  auto result = verify_request(s, request, o);
  if (!result) {
    EXPECT_EQ(result.error().status, Status::kAuthFailed);
  }
  return result.has_value();
}

VerifyOptions at(int64_t now) {
  VerifyOptions options;
  options.now_seconds = [now] { return now; };
  return options;
}

const std::string kBody = R"({"id":1,"note":"caf\u00e9 & co"})";

TEST(WebhookVerifyGithub, AcceptsTheSha256HexSignatureOpensslComputes) {
  const VerifySettings s = settings(R"({"provider":"github","key":"It's a Secret to Everybody"})");
  HttpRequest request = post(kBody);
  request.headers.emplace(
      "X-Hub-Signature-256",
      "sha256=" + openssl_hmac("sha256", "It's a Secret to Everybody", kBody, false));
  EXPECT_TRUE(passes(s, request));
}

TEST(WebhookVerifyGithub, RefusesABodyChangedAfterSigning) {
  const VerifySettings s = settings(R"({"provider":"github","key":"k"})");
  HttpRequest request = post(kBody + " ");
  request.headers.emplace("X-Hub-Signature-256",
                          "sha256=" + openssl_hmac("sha256", "k", kBody, false));
  EXPECT_FALSE(passes(s, request));
}

TEST(WebhookVerifyGithub, RefusesARequestWithoutTheSignatureHeader) {
  const VerifySettings s = settings(R"({"provider":"github","key":"k"})");
  HttpRequest request = post(kBody);
  request.headers.emplace("X-Hub-Signature", "sha1=" + openssl_hmac("sha1", "k", kBody, false));
  auto result = verify_request(s, request);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "no X-Hub-Signature-256 header");
}

TEST(WebhookVerifyShopify, AcceptsTheBase64SignatureAndRefusesItInHex) {
  const VerifySettings s = settings(R"({"provider":"shopify","key":"shpss_123"})");
  HttpRequest good = post(kBody);
  good.headers.emplace("X-Shopify-Hmac-Sha256", openssl_hmac("sha256", "shpss_123", kBody, true));
  EXPECT_TRUE(passes(s, good));
  HttpRequest hex = post(kBody);
  hex.headers.emplace("X-Shopify-Hmac-SHA256", openssl_hmac("sha256", "shpss_123", kBody, false));
  EXPECT_FALSE(passes(s, hex));
}

class WebhookVerifyCustomHmac
    : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(WebhookVerifyCustomHmac, AcceptsTheSignatureOfEachAlgorithmAndEncoding) {
  const auto& [algorithm, encoding] = GetParam();
  const VerifySettings s =
      settings(R"({"verify":"hmac","key":"s3cr3t","algorithm":")" + algorithm +
               R"(","encoding":")" + encoding + R"(","header":"X-Signature"})");
  const std::string signature = openssl_hmac(algorithm, "s3cr3t", kBody, encoding == "base64");
  HttpRequest good = post(kBody);
  good.headers.emplace("x-signature", signature);
  EXPECT_TRUE(passes(s, good));
  HttpRequest wrong_key = post(kBody);
  wrong_key.headers.emplace("X-Signature",
                            openssl_hmac(algorithm, "s3cr3u", kBody, encoding == "base64"));
  EXPECT_FALSE(passes(s, wrong_key));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, WebhookVerifyCustomHmac,
                         ::testing::Combine(::testing::Values("sha1", "sha256", "sha384", "sha512"),
                                            ::testing::Values("hex", "base64")));

TEST(WebhookVerifyCustomHmac, AcceptsUpperCaseHexAndAnAlgorithmPrefix) {
  const VerifySettings s =
      settings(R"({"verify":"hmac","key":"k","algorithm":"sha1","encoding":"hex","header":"X-S"})");
  std::string hex = openssl_hmac("sha1", "k", kBody, false);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  HttpRequest request = post(kBody);
  request.headers.emplace("X-S", "sha1=" + hex);
  EXPECT_TRUE(passes(s, request));
}

TEST(WebhookVerifyStripe, AcceptsAV1SignatureOfTimestampDotBodyWithinTheTolerance) {
  const VerifySettings s = settings(R"({"provider":"stripe","key":"whsec_abc"})");
  const std::string v1 = python_hmac_sha256_hex("whsec_abc", "1767225600." + kBody);
  HttpRequest request = post(kBody);
  request.headers.emplace("Stripe-Signature",
                          "t=1767225600,v1=" + std::string(64, '0') + ",v1=" + v1 + ",v0=ignored");
  EXPECT_TRUE(passes(s, request, at(1767225600 + 300)));
  EXPECT_TRUE(passes(s, request, at(1767225600 - 300)));
}

TEST(WebhookVerifyStripe, RefusesAValidSignatureOlderThanTheTolerance) {
  const VerifySettings s = settings(R"({"provider":"stripe","key":"whsec_abc"})");
  const std::string v1 = python_hmac_sha256_hex("whsec_abc", "1767225600." + kBody);
  HttpRequest request = post(kBody);
  request.headers.emplace("Stripe-Signature", "t=1767225600,v1=" + v1);
  auto result = verify_request(s, request, at(1767225600 + 301));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message,
            "the Stripe-Signature timestamp is 301 s from now, more than the tolerance of 300 s");
}

TEST(WebhookVerifyStripe, RefusesASignatureOverAnotherTimestamp) {
  const VerifySettings s = settings(R"({"provider":"stripe","key":"whsec_abc"})");
  const std::string v1 = python_hmac_sha256_hex("whsec_abc", "1767225600." + kBody);
  HttpRequest request = post(kBody);
  request.headers.emplace("Stripe-Signature", "t=1767225601,v1=" + v1);
  EXPECT_FALSE(passes(s, request, at(1767225600)));
}

TEST(WebhookVerifySlack, AcceptsTheV0SignatureOfTheBaseString) {
  const VerifySettings s =
      settings(R"({"provider":"slack","key":"8f742231b10e8888abcd99yyyzzz85a5"})");
  const std::string body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather";
  HttpRequest request = post(body);
  request.headers.emplace("X-Slack-Request-Timestamp", "1531420618");
  request.headers.emplace(
      "X-Slack-Signature",
      "v0=" + python_hmac_sha256_hex("8f742231b10e8888abcd99yyyzzz85a5", "v0:1531420618:" + body));
  EXPECT_TRUE(passes(s, request, at(1531420618 + 10)));
  EXPECT_FALSE(passes(s, request, at(1531420618 + 301)));
}

TEST(WebhookVerifySlack, RefusesASignatureWhoseTimestampHeaderWasChanged) {
  const VerifySettings s = settings(R"({"provider":"slack","key":"secret"})");
  HttpRequest request = post(kBody);
  request.headers.emplace("X-Slack-Request-Timestamp", "1531420619");
  request.headers.emplace("X-Slack-Signature",
                          "v0=" + python_hmac_sha256_hex("secret", "v0:1531420618:" + kBody));
  EXPECT_FALSE(passes(s, request, at(1531420618)));
}

TEST(WebhookVerifyToken, ReadsABearerTokenFromTheNamedHeader) {
  const VerifySettings s = settings(
      R"({"verify":"token","token":"t0k","tokenLocation":"header","tokenHeaderName":"Authorization"})");
  HttpRequest good = post(kBody);
  good.headers.emplace("Authorization", "Bearer t0k");
  EXPECT_TRUE(passes(s, good));
  HttpRequest bare = post(kBody);
  bare.headers.emplace("Authorization", "t0k");
  EXPECT_FALSE(passes(s, bare));
  HttpRequest longer = post(kBody);
  longer.headers.emplace("Authorization", "Bearer t0k2");
  EXPECT_FALSE(passes(s, longer));
}

TEST(WebhookVerifyToken, ReadsACustomSchemeAndABareToken) {
  const VerifySettings custom = settings(
      R"({"verify":"token","token":"t","tokenLocation":"header","tokenHeaderName":"X-Auth",
          "tokenHeaderScheme":"custom","customTokenScheme":"Token"})");
  HttpRequest request = post(kBody);
  request.headers.emplace("X-Auth", "Token t");
  EXPECT_TRUE(passes(custom, request));
  const VerifySettings none = settings(
      R"({"verify":"token","token":"t","tokenLocation":"header","tokenHeaderName":"X-Auth",
          "tokenHeaderScheme":"none"})");
  HttpRequest bare = post(kBody);
  bare.headers.emplace("X-Auth", "t");
  EXPECT_TRUE(passes(none, bare));
  EXPECT_FALSE(passes(none, request));
}

TEST(WebhookVerifyToken, ReadsTheNamedQueryParameter) {
  const VerifySettings s = settings(
      R"({"verify":"token","token":"t","tokenLocation":"queryParam","tokenQueryParamName":"key"})");
  HttpRequest good = post(kBody);
  good.query.emplace("key", "t");
  EXPECT_TRUE(passes(s, good));
  HttpRequest other = post(kBody);
  other.query.emplace("token", "t");
  EXPECT_FALSE(passes(s, other));
}

TEST(WebhookVerifyToken, ReadsThePathInAJsonOrFormBody) {
  const VerifySettings s = settings(R"({"verify":"token","token":"t","path":"meta.token"})");
  EXPECT_TRUE(passes(s, post(R"({"meta":{"token":"t"},"id":1})")));
  EXPECT_FALSE(passes(s, post(R"({"meta":{"token":"u"},"id":1})")));
  EXPECT_FALSE(passes(s, post(R"({"token":"t"})")));
  const VerifySettings form = settings(R"({"verify":"token","token":"a b","path":"token"})");
  HttpRequest request = post("token=a+b&x=1");
  request.headers.erase("Content-Type");
  request.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_TRUE(passes(form, request));
}

TEST(WebhookVerifyBasic, AcceptsTheUserAndPasswordAndNothingElse) {
  const VerifySettings s = settings(R"({"verify":"basic","username":"hook","password":"p:ss"})");
  HttpRequest good = post(kBody);
  good.headers.emplace("Authorization", "Basic " + python_base64("hook:p:ss"));
  EXPECT_TRUE(passes(s, good));
  HttpRequest wrong = post(kBody);
  wrong.headers.emplace("Authorization", "Basic " + python_base64("hook:p:sS"));
  EXPECT_FALSE(passes(s, wrong));
  HttpRequest bearer = post(kBody);
  bearer.headers.emplace("Authorization", "Bearer " + python_base64("hook:p:ss"));
  EXPECT_FALSE(passes(s, bearer));
}

TEST(WebhookVerifySecretUrl, ComparesTheTokenSegmentOfTheUrl) {
  const VerifySettings s = settings(R"({"verify":"secret_url","token":"9f2a1c"})");
  HttpRequest good = post(kBody);
  good.params = {{"exportId", "orders"}, {"token", "9f2a1c"}};
  EXPECT_TRUE(passes(s, good));
  HttpRequest wrong = post(kBody);
  wrong.params = {{"exportId", "orders"}, {"token", "9f2a1d"}};
  EXPECT_FALSE(passes(s, wrong));
  HttpRequest none = post(kBody);
  none.params = {{"exportId", "orders"}};
  EXPECT_FALSE(passes(s, none));
}

TEST(WebhookVerifySettings, RefusesEachMistakeNamingTheFieldAndTheFix) {
  EXPECT_EQ(refusal(R"({"provider":"dropbox","key":"k"})"),
            "webhook.provider 'dropbox' is not supported: use github, shopify, stripe, slack, or "
            "custom with webhook.verify token|hmac|basic|secret_url");
  EXPECT_EQ(refusal(R"({"verify":"hmac","key":"k","algorithm":"md5","header":"X"})"),
            "webhook.algorithm 'md5' is not one of sha1, sha256, sha384, sha512");
  EXPECT_EQ(refusal(R"({"verify":"hmac","key":"k","encoding":"b32","header":"X"})"),
            "webhook.encoding 'b32' is not one of hex, base64");
  EXPECT_EQ(refusal(R"({"verify":"hmac","header":"X"})"),
            "webhook.key is missing: verify 'hmac' needs the shared secret the sender signs "
            "with; set webhook.key");
  EXPECT_EQ(refusal(R"({"provider":"github"})"),
            "webhook.key is missing: provider 'github' signs with a secret; set webhook.key");
  EXPECT_EQ(refusal(R"({"provider":"shopify","key":"k","encoding":"hex"})"),
            "webhook.encoding is 'hex' but provider 'shopify' uses 'base64': remove "
            "webhook.encoding or set provider 'custom'");
  EXPECT_EQ(refusal(R"({})"),
            "webhook.verify is missing: a listener must verify its requests; set it to token, "
            "hmac, basic or secret_url (or set webhook.provider)");
  EXPECT_EQ(refusal(R"({"verify":"token","token":"t","tokenLocation":"cookie"})"),
            "webhook.tokenLocation 'cookie' is not one of body, header, queryParam");
  EXPECT_EQ(refusal(R"({"verify":"basic","username":"u"})"),
            "webhook.password is missing: verify 'basic' checks it; set webhook.password");
}

}  // namespace
}  // namespace sluice::serve::webhook
