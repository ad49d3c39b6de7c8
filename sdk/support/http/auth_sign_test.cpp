// The auth types computed per request, against published known answers: RFC 7616 §3.9.1
// (digest), RFC 5849 §3.4.1.1 and Twitter's documented request (OAuth 1.0a), RFC 7515 A.1 and
// jwt.io's HS256 example (JWT); RSA and EC signatures are checked with OpenSSL's verifier.
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sluice/support/http/auth.hpp"
#include "sluice/support/http/auth_digest.hpp"
#include "sluice/support/http/auth_jwt.hpp"
#include "sluice/support/http/auth_oauth1.hpp"
#include "sluice/support/http/auth_wsse.hpp"

namespace sluice::support::http {
namespace {

// --- digest ---------------------------------------------------------------------------------

const char* const kRfc7616Challenge =
    "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=%s, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

std::string rfc7616_challenge(const char* algorithm) {
  char text[512];
  std::snprintf(text, sizeof text, kRfc7616Challenge, algorithm);
  return text;
}

const DigestAnswer kRfc7616Answer{.username = "Mufasa",
                                  .password = "Circle of Life",
                                  .method = "GET",
                                  .uri = "/dir/index.html",
                                  .nonce_count = 1,
                                  .cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"};

TEST(DigestAuth, ParsesTheChallengeOfRfc7616) {
  auto challenge = parse_digest_challenge(rfc7616_challenge("SHA-256"));
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->realm, "http-auth@example.org");
  EXPECT_EQ(challenge->nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(challenge->opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_EQ(challenge->algorithm, "SHA-256");
  EXPECT_TRUE(challenge->qop_auth);
  EXPECT_FALSE(challenge->stale);
}

TEST(DigestAuth, AnswersRfc7616Section391WithMd5AndSha256) {
  auto md5 = parse_digest_challenge(rfc7616_challenge("MD5"));
  ASSERT_TRUE(md5);
  EXPECT_EQ(digest_authorization(*md5, kRfc7616Answer),
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
            "uri=\"/dir/index.html\", algorithm=MD5, "
            "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
            "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
            "response=\"8ca523f5e9506fed4657c9700eebdbec\", "
            "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  auto sha256 = parse_digest_challenge(rfc7616_challenge("SHA-256"));
  ASSERT_TRUE(sha256);
  const std::string header = digest_authorization(*sha256, kRfc7616Answer);
  EXPECT_NE(
      header.find("response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""),
      std::string::npos)
      << header;
}

TEST(DigestAuth, PrefersSha256AndRefusesWhatItCannotAnswer) {
  Response response;
  response.status = 401;
  response.headers = {{"WWW-Authenticate", rfc7616_challenge("MD5")},
                      {"WWW-Authenticate", rfc7616_challenge("SHA-256")},
                      {"WWW-Authenticate", "Basic realm=\"x\""}};
  auto best = digest_challenge_of(response);
  ASSERT_TRUE(best);
  EXPECT_EQ(best->algorithm, "SHA-256");
  EXPECT_FALSE(parse_digest_challenge("Basic realm=\"x\""));
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\""));  // no nonce
  EXPECT_FALSE(parse_digest_challenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"));
}

TEST(DigestAuth, SessionCountsNoncesAndTakesANewChallengeOnlyOnce) {
  DigestSession session;
  EXPECT_FALSE(session.authorize({"Mufasa", "Circle of Life"}, "GET", "/"));
  Response challenge;
  challenge.status = 401;
  challenge.headers = {{"WWW-Authenticate", rfc7616_challenge("MD5")}};
  EXPECT_TRUE(session.take_challenge(challenge));
  auto first = session.authorize({"Mufasa", "Circle of Life"}, "GET", "/");
  auto second = session.authorize({"Mufasa", "Circle of Life"}, "GET", "/");
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->value.find("nc=00000001"), std::string::npos) << first->value;
  EXPECT_NE(second->value.find("nc=00000002"), std::string::npos) << second->value;
  // The same nonce again, not stale: the answer was refused, so it is not answered again.
  EXPECT_FALSE(session.take_challenge(challenge));
  challenge.headers[0].value += ", stale=true";
  EXPECT_TRUE(session.take_challenge(challenge));
}

// --- wsse -----------------------------------------------------------------------------------

TEST(WsseAuth, PasswordDigestIsBase64OfSha1OfNonceCreatedAndPassword) {
  // Computed independently: base64(sha1(b"nonce-0123456789" + created + password)).
  EXPECT_EQ(wsse_header_value({.username = "bob", .password = "taadtaadpstcsm"}, "nonce-0123456789",
                              "2026-12-01T15:00:00Z"),
            "UsernameToken Username=\"bob\", PasswordDigest=\"CI1o9IH4a4AKrjsA0QUZkV+c9Tk=\", "
            "Nonce=\"bm9uY2UtMDEyMzQ1Njc4OQ==\", Created=\"2026-12-01T15:00:00Z\"");
}

TEST(WsseAuth, SignSendsAFreshNonceInTheConfiguredHeader) {
  Auth auth = Auth::with_wsse({.username = "bob", .password = "pw", .header_name = "X-WSSE"});
  auto first = auth.sign({.method = "GET", .url = "http://h/"});
  auto second = auth.sign({.method = "GET", .url = "http://h/"});
  ASSERT_TRUE(first && *first && second && *second);
  EXPECT_EQ((*first)->name, "X-WSSE");
  EXPECT_TRUE((*first)->value.starts_with("UsernameToken Username=\"bob\", PasswordDigest=\""));
  EXPECT_NE((*first)->value, (*second)->value);
  EXPECT_EQ(auth.secrets(), std::vector<std::string>{"pw"});
}

// --- oauth1 ---------------------------------------------------------------------------------

TEST(OAuth1Auth, BaseStringIsRfc5849Section3411) {
  const SignInput input{.method = "POST",
                        .url = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                        .body = "c2&a3=2+q",
                        .content_type = "application/x-www-form-urlencoded"};
  EXPECT_EQ(oauth1_base_string(input, {{"oauth_consumer_key", "9djdj82h48djs9d2"},
                                       {"oauth_token", "kkk9d7dh3k39sjv7"},
                                       {"oauth_signature_method", "HMAC-SHA1"},
                                       {"oauth_timestamp", "137131201"},
                                       {"oauth_nonce", "7d8f3e4a"}}),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%"
            "253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_"
            "nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%"
            "26oauth_token%3Dkkk9d7dh3k39sjv7");
}

TEST(OAuth1Auth, SignsTwittersDocumentedRequest) {
  const OAuth1Auth auth{.consumer_key = "xvz1evFS4wEEPTGEFPHBog",
                        .consumer_secret = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                        .token = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                        .token_secret = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
                        .signature_method = "hmac-sha1"};
  const SignInput input{
      .method = "POST",
      .url = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
      .body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21",
      .content_type = "application/x-www-form-urlencoded"};
  auto header =
      oauth1_authorization(auth, input, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958");
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(*header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
            "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
            "oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", "
            "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
            "oauth_version=\"1.0\", oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"");
}

TEST(OAuth1Auth, RealmIsSentUnsignedAndBadMethodsAreRefused) {
  OAuth1Auth auth{.consumer_key = "ck",
                  .consumer_secret = "cs",
                  .signature_method = "plaintext",
                  .realm = "https://api.example.com"};
  auto header = oauth1_authorization(auth, {.method = "GET", .url = "http://h/"}, "n", "1");
  ASSERT_TRUE(header);
  EXPECT_TRUE(header->starts_with("OAuth realm=\"https://api.example.com\", "));
  EXPECT_NE(header->find("oauth_signature=\"cs%26\""), std::string::npos) << *header;
  EXPECT_EQ(header->find("oauth_token="), std::string::npos);
  auth.signature_method = "md5";
  EXPECT_EQ(Auth::with_oauth1(auth).validate().error().message,
            "signatureMethod 'md5' is not one of hmac-sha1, hmac-sha256, hmac-sha512, rsa-sha1, "
            "rsa-sha256, rsa-sha512, plaintext");
}

// --- keys for RSA and EC ----------------------------------------------------------------------

struct KeyPair {
  std::string private_pem;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
};

KeyPair generate(bool ec) {
  KeyPair pair;
  pair.key.reset(ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), pair.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  pair.private_pem.assign(data, static_cast<size_t>(size));
  return pair;
}

bool verifies(EVP_PKEY* key, const char* md, std::string_view data, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_get_digestbyname(md), nullptr, key) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string unbase64(std::string_view text, bool url) {
  std::string padded(text);
  for (char& c : padded) {
    if (url && c == '-') c = '+';
    if (url && c == '_') c = '/';
  }
  while (padded.size() % 4) padded.push_back('=');
  std::string out(padded.size(), '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(padded.data()),
                             static_cast<int>(padded.size()));
  size_t pad = 0;
  for (size_t i = padded.size(); i > 0 && padded[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(size) - pad);
  return out;
}

std::string header_param(const std::string& header, const std::string& name) {
  const size_t at = header.find(name + "=\"");
  if (at == std::string::npos) return {};
  const size_t start = at + name.size() + 2;
  return header.substr(start, header.find('"', start) - start);
}

TEST(OAuth1Auth, RsaSha256SignatureVerifiesWithThePublicKey) {
  KeyPair pair = generate(false);
  const OAuth1Auth auth{.consumer_key = "ck",
                        .token = "tok",
                        .signature_method = "rsa-sha256",
                        .private_key_pem = pair.private_pem};
  const SignInput input{.method = "GET", .url = "https://api.example.com/v1/items?q=a%20b"};
  auto header = oauth1_authorization(auth, input, "n0nce", "1700000000");
  ASSERT_TRUE(header) << header.error().message;
  EXPECT_EQ(header_param(*header, "oauth_signature_method"), "RSA-SHA256");
  std::string signature = header_param(*header, "oauth_signature");
  // Percent-decoding of the three characters base64 may hold.
  for (auto [from, to] : {std::pair{"%2B", "+"}, {"%2F", "/"}, {"%3D", "="}}) {
    for (size_t at = signature.find(from); at != std::string::npos; at = signature.find(from)) {
      signature.replace(at, 3, to);
    }
  }
  const std::string base = oauth1_base_string(input, {{"oauth_consumer_key", "ck"},
                                                      {"oauth_nonce", "n0nce"},
                                                      {"oauth_signature_method", "RSA-SHA256"},
                                                      {"oauth_timestamp", "1700000000"},
                                                      {"oauth_token", "tok"},
                                                      {"oauth_version", "1.0"}});
  EXPECT_TRUE(verifies(pair.key.get(), "SHA256", base, unbase64(signature, false)));
}

// --- jwt ------------------------------------------------------------------------------------

TEST(JwtAuth, Hs256SignatureIsRfc7515AppendixA1) {
  const JwtAuth auth{.signature_method = "hmac-sha256",
                     .secret =
                         "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4"
                         "hcgUuTwjAzZr1Z9CAow",
                     .secret_base64 = true};
  auto signature = jws_signature(auth,
                                 "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
                                 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0"
                                 "dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ");
  ASSERT_TRUE(signature) << signature.error().message;
  EXPECT_EQ(*signature, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST(JwtAuth, BuildsJwtIosHs256Example) {
  const JwtAuth auth{.signature_method = "hmac-sha256",
                     .secret = "your-256-bit-secret",
                     .payload = R"({"sub":"1234567890","name":"John Doe","iat":1516239022})"};
  auto token = make_jwt(auth, 1700000000);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(*token,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
            "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
}

TEST(JwtAuth, SetsIatAndTurnsALifetimeIntoExp) {
  const JwtAuth auth{.signature_method = "hmac-sha256",
                     .secret = "s",
                     .payload = R"({"iss":"svc","exp":3600})",
                     .header = R"({"kid":"k1"})"};
  auto token = make_jwt(auth, 1700000000);
  ASSERT_TRUE(token);
  const size_t dot = token->find('.');
  const size_t dot2 = token->find('.', dot + 1);
  EXPECT_EQ(unbase64(token->substr(0, dot), true), R"({"alg":"HS256","typ":"JWT","kid":"k1"})");
  EXPECT_EQ(unbase64(token->substr(dot + 1, dot2 - dot - 1), true),
            R"({"iss":"svc","exp":1700003600,"iat":1700000000})");
}

TEST(JwtAuth, Rs256AndEs256SignaturesVerifyWithThePublicKey) {
  for (bool ec : {false, true}) {
    KeyPair pair = generate(ec);
    const JwtAuth auth{.signature_method = ec ? "es256" : "rsa-sha256",
                       .private_key_pem = pair.private_pem,
                       .payload = R"({"iss":"svc"})"};
    auto token = make_jwt(auth, 1700000000);
    ASSERT_TRUE(token) << token.error().message;
    const size_t dot2 = token->rfind('.');
    std::string signature = unbase64(token->substr(dot2 + 1), true);
    if (ec) {
      // JOSE r||s back to DER for OpenSSL's verifier.
      ASSERT_EQ(signature.size(), 64u);
      BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
      BIGNUM* s =
          BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
      ECDSA_SIG* sig = ECDSA_SIG_new();
      ECDSA_SIG_set0(sig, r, s);
      unsigned char* der = nullptr;
      int size = i2d_ECDSA_SIG(sig, &der);
      signature.assign(reinterpret_cast<char*>(der), static_cast<size_t>(size));
      OPENSSL_free(der);
      ECDSA_SIG_free(sig);
    }
    EXPECT_TRUE(verifies(pair.key.get(), "SHA256", token->substr(0, dot2), signature))
        << auth.signature_method;
  }
}

TEST(JwtAuth, RefusesAMissingOrWrongKindOfKey) {
  EXPECT_EQ(Auth::with_jwt({.signature_method = "hmac-sha256", .payload = R"({"a":1})"})
                .validate()
                .error()
                .message,
            "secret is required with signatureMethod hmac-sha256");
  EXPECT_EQ(
      Auth::with_jwt(
          {.signature_method = "rsa-sha256", .private_key_pem = "nope", .payload = R"({"a":1})"})
          .validate()
          .error()
          .message,
      "privateKey is not a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN "
      "RSA/EC PRIVATE KEY-----, unencrypted); paste the whole key");
  EXPECT_EQ(Auth::with_jwt({.signature_method = "es256",
                            .private_key_pem = generate(false).private_pem,
                            .payload = R"({"a":1})"})
                .validate()
                .error()
                .message,
            "privateKey is an RSA key, but the signature method needs an EC private key");
  EXPECT_EQ(Auth::with_jwt({.signature_method = "hmac-sha256", .secret = "s", .payload = "[1]"})
                .validate()
                .error()
                .message,
            "payload must be a JSON object of claims, e.g. {\"iss\": \"my-service\", \"exp\": "
            "3600}");
}

}  // namespace
}  // namespace sluice::support::http
