#include "secrets/redactor.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <string>

namespace sluice::host {
namespace {

namespace json = boost::json;

// 40 characters with "-", "/" and "+" so every escaped form differs from the raw one.
constexpr char kToken[] = "Zq7-w/9+Kd2pX_4mR-tY8/vN3+bL6cH0eJ5sF1aQ";

std::string base64(std::string_view bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(length));
  return text;
}

std::string url_safe_unpadded(std::string text) {
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

// Every character as \uXXXX, in the given hex case.
std::string all_unicode_escaped(std::string_view text, bool upper) {
  std::string out;
  for (unsigned char c : text) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, upper ? "\\u%04X" : "\\u%04x", c);
    out += buffer;
  }
  return out;
}

std::string percent_encoded(std::string_view text, bool upper) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, upper ? "%%%02X" : "%%%02x", c);
      out += buffer;
    }
  }
  return out;
}

class RedactorTest : public ::testing::Test {
 protected:
  void SetUp() override { redactor_.add_secret(kToken); }
  std::string redact(std::string_view text) const { return redactor_.redact(text); }
  Redactor redactor_;
};

TEST_F(RedactorTest, ATextWithoutSecretsIsUnchanged) {
  const std::string text = R"(POST /api/sink: HTTP 422: {"error":"email is invalid \/ 100%+"}...)";
  EXPECT_EQ(redact(text), text);
}

TEST_F(RedactorTest, ReplacesTheRawSecretEverywhere) {
  EXPECT_EQ(redact(std::string("token ") + kToken + " and again " + kToken + "."),
            "token ****** and again ******.");
}

TEST_F(RedactorTest, ReplacesTheSecretWithItsSlashesJsonEscaped) {
  EXPECT_EQ(redact(R"({"echo":"Zq7-w\/9+Kd2pX_4mR-tY8\/vN3+bL6cH0eJ5sF1aQ"})"),
            R"({"echo":"******"})");
}

TEST_F(RedactorTest, ReplacesTheSecretWithAnyCharacterUnicodeEscapedInEitherCase) {
  EXPECT_EQ(redact(R"(x Zq7\u002dw/9+Kd2pX_4mR\u002DtY8/vN3+bL6cH0eJ5sF1aQ y)"), "x ****** y");
  EXPECT_EQ(redact("<" + all_unicode_escaped(kToken, false) + ">"), "<******>");
  EXPECT_EQ(redact("<" + all_unicode_escaped(kToken, true) + ">"), "<******>");
}

TEST_F(RedactorTest, ReplacesTheSecretEscapedTwiceAsJsonInsideAJsonString) {
  EXPECT_EQ(redact(R"({"body":"{\"t\":\"Zq7-w\\\/9+Kd2pX_4mR-tY8\\\/vN3+bL6cH0eJ5sF1aQ\"}"})"),
            R"({"body":"{\"t\":\"******\"}"})");
}

TEST_F(RedactorTest, ReplacesTheSecretUrlEncodedInEitherHexCase) {
  EXPECT_EQ(redact("?access_token=" + percent_encoded(kToken, true) + "&x=1"),
            "?access_token=******&x=1");
  EXPECT_EQ(redact("?access_token=" + percent_encoded(kToken, false) + "&x=1"),
            "?access_token=******&x=1");
}

TEST_F(RedactorTest, ReplacesASecretWithASpaceUrlEncodedWithAPlus) {
  Redactor redactor;
  redactor.add_secret("open sesame 42");
  EXPECT_EQ(redactor.redact("q=open+sesame+42&x"), "q=******&x");
  EXPECT_EQ(redactor.redact("q=open%20sesame%2042&x"), "q=******&x");
}

TEST_F(RedactorTest, ReplacesTheUrlEncodedSecretInsideJson) {
  EXPECT_EQ(redact(R"({"url":"https:\/\/x\/?t=)" + percent_encoded(kToken, true) + R"("})"),
            R"({"url":"https:\/\/x\/?t=******"})");
}

TEST_F(RedactorTest, ReplacesEveryWholeBase64FormOfTheSecret) {
  const std::string standard = base64(kToken);
  for (const std::string& form :
       {standard, url_safe_unpadded(standard), standard.substr(0, standard.find('='))}) {
    const std::string out = redact("Basic " + form + " end");
    EXPECT_EQ(out.find(form), std::string::npos) << form;
    EXPECT_EQ(out.find(form.substr(0, 12)), std::string::npos) << out;
    EXPECT_TRUE(out.starts_with("Basic ")) << out;
    EXPECT_TRUE(out.ends_with(" end")) << out;
  }
}

TEST_F(RedactorTest, ReplacesTheSecretInsideBase64OfAnyUserColonSecret) {
  for (const std::string user : {"a", "ab", "abc", "someone@example.com"}) {
    const std::string header = base64(user + ":" + kToken);
    const std::string out = redact("Authorization: Basic " + header);
    // Only characters that carry the username's bits (and at most one edge byte) may remain.
    ASSERT_TRUE(out.find("******") != std::string::npos) << user << ": " << out;
    EXPECT_EQ(out.find(header), std::string::npos) << out;
    const size_t visible = out.size() - std::string("Authorization: Basic ******").size();
    EXPECT_LE(visible, (user.size() + 2) * 4 / 3 + 4) << user << ": " << out;
  }
}

TEST_F(RedactorTest, ReplacesTheWholeBase64OfALearntPair) {
  redactor_.add_pair("someone", kToken);
  EXPECT_EQ(redact("Authorization: Basic " + base64(std::string("someone:") + kToken)),
            "Authorization: Basic ******");
}

TEST_F(RedactorTest, ReplacesASecretCutAtTheEndOfATextOrBeforeAnEllipsis) {
  EXPECT_EQ(redact("HTTP 422: bad token Zq7-w/9+Kd"), "HTTP 422: bad token ******");
  EXPECT_EQ(redact("HTTP 422: bad token Zq7-w/9+Kd... — the API refused"),
            "HTTP 422: bad token ******... — the API refused");
  EXPECT_EQ(redact(R"(HTTP 422: {"t":"Zq7\u002dw\/9+K...)"), R"(HTTP 422: {"t":"******...)");
}

TEST_F(RedactorTest, ReplacesASecretCutInsideAnEscape) {
  EXPECT_EQ(redact(R"({"t":"Zq7\u002dw\/9+Kd2pX_4mR\u00)"), R"({"t":"******)");
  EXPECT_EQ(redact("t=Zq7-w%2F9%2BKd2pX%2...x"), "t=******...x");
}

TEST_F(RedactorTest, KeepsAFragmentShorterThanSixCharactersAtTheEnd) {
  EXPECT_EQ(redact("ends with Zq7-w"), "ends with Zq7-w");
  EXPECT_EQ(redact("prefix Zq7-w/9 in the middle"), "prefix Zq7-w/9 in the middle");
}

TEST(RedactorLimits, IgnoresSecretsShorterThanFourCharacters) {
  Redactor redactor;
  redactor.add_secret("abc");
  EXPECT_EQ(redactor.size(), 0u);
  EXPECT_EQ(redactor.redact("abc abc"), "abc abc");
  redactor.add_secret("abcd");
  EXPECT_EQ(redactor.size(), 1u);
  EXPECT_EQ(redactor.redact("x abcd y"), "x ****** y");
}

TEST(RedactorLimits, LearnsEveryStringAndNumberInsideASecretValue) {
  Redactor redactor;
  redactor.add_secret_value(
      json::parse(R"({"clientId":"id-123456","secret":["cs-98765", 1234567]})"));
  EXPECT_EQ(redactor.size(), 3u);
  EXPECT_EQ(redactor.redact("id-123456 cs-98765 1234567"), "****** ****** ******");
}

TEST_F(RedactorTest, RedactsEveryStringAndKeyInsideAJsonValue) {
  json::value value = json::parse(std::string(R"({"a":[{"m":"x )") + kToken + R"("}],")" + kToken +
                                  R"(":1,"n":5})");
  redactor_.redact_json(value);
  EXPECT_EQ(value, json::parse(R"({"a":[{"m":"x ******"}],"******":1,"n":5})"));
}

// The examples docs/secrets.md gives, exactly.
TEST(RedactorDocs, EveryDocumentedFormIsRedacted) {
  Redactor redactor;
  redactor.add_secret("tok-1/2+3?");
  for (const char* form : {"tok-1/2+3?", R"(tok\u002d1\/2+3?)", R"(\u0074ok-1\/2\u002B3\u003f)",
                           R"(tok\\u002d1\\\/2+3?)", "tok-1%2F2%2B3%3F", "tok-1%2f2%2b3%3f",
                           "dG9rLTEvMiszPw==", "dG9rLTEvMiszPw"}) {
    EXPECT_EQ(redactor.redact(std::string("[") + form + "]"), "[******]") << form;
  }
  EXPECT_EQ(redactor.redact("token tok-1/2..."), "token ******...");
  const std::string basic = redactor.redact("Basic dXNlcjp0b2stMS8yKzM/");
  EXPECT_TRUE(basic.starts_with("Basic dXNlcj")) << basic;
  EXPECT_NE(basic.find("******"), std::string::npos) << basic;
  EXPECT_EQ(basic.find("0b2stMS8yKzM"), std::string::npos) << basic;
}

}  // namespace
}  // namespace sluice::host
