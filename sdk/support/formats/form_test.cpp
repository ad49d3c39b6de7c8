#include "sluice/support/formats/form.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace sluice::support::formats {
namespace {

namespace json = boost::json;

std::string urlencoded(std::string_view record) {
  auto body = to_urlencoded(json::parse(record));
  return body ? *body : "error: " + body.error().message;
}

TEST(ToUrlencoded, FlatFieldsInOrderWithScalarsAsText) {
  EXPECT_EQ(urlencoded(R"({"id":7,"name":"Ada","vip":true,"rate":1.5,"none":null})"),
            "id=7&name=Ada&vip=true&rate=1.5&none=");
}

TEST(ToUrlencoded, EncodesAsHtmlFormsDo) {
  EXPECT_EQ(urlencoded(R"({"q":"a b&c=d/e?f+g~h*i-j.k_l","caf\u00e9":"\u263a"})"),
            "q=a+b%26c%3Dd%2Fe%3Ff%2Bg%7Eh*i-j.k_l&caf%C3%A9=%E2%98%BA");
}

TEST(ToUrlencoded, ArraysRepeatTheName) {
  EXPECT_EQ(urlencoded(R"({"tag":["a","b"],"n":[1,null]})"), "tag=a&tag=b&n=1&n=");
}

TEST(ToUrlencoded, AnEmptyObjectIsAnEmptyBody) { EXPECT_EQ(urlencoded("{}"), ""); }

TEST(ToUrlencoded, NestedObjectsAreRefusedNamingTheField) {
  EXPECT_EQ(urlencoded(R"({"id":1,"address":{"city":"Oslo"}})"),
            "error: field 'address' is an object: a form body holds only flat fields (strings, "
            "numbers, booleans, null and arrays of those); map it to flat fields or write "
            "http.body");
  EXPECT_EQ(urlencoded(R"({"lines":[{"sku":"A"}]})"),
            "error: field 'lines' is an array holding an object: a form body holds only flat "
            "fields (strings, numbers, booleans, null and arrays of those); map it to flat fields "
            "or write http.body");
}

TEST(ToUrlencoded, OnlyAnObjectMakesAForm) {
  EXPECT_EQ(urlencoded("[1]"),
            "error: a form body is built from an object of fields, got an array");
}

TEST(ToMultipart, OnePartPerValueWithTheGivenBoundary) {
  auto body = to_multipart(json::parse(R"({"id":7,"note":"two\nlines","tag":["a","b"]})"), "XyZ");
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->content_type, "multipart/form-data; boundary=XyZ");
  EXPECT_EQ(body->body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n7\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\ntwo\nlines\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\na\r\n"
            "--XyZ\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nb\r\n"
            "--XyZ--\r\n");
}

TEST(ToMultipart, QuotesAndLineBreaksInNamesAreEscaped) {
  auto body = to_multipart(json::parse(R"({"a\"b\r\nc":"v"})"), "B");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->body,
            "--B\r\nContent-Disposition: form-data; name=\"a%22b%0D%0Ac\"\r\n\r\nv\r\n--B--\r\n");
}

TEST(ToMultipart, ARandomBoundaryIsLongAndAbsentFromTheValues) {
  auto body = to_multipart(json::parse(R"({"a":"x"})"));
  ASSERT_TRUE(body);
  const std::string prefix = "multipart/form-data; boundary=sluice-";
  ASSERT_EQ(body->content_type.substr(0, prefix.size()), prefix);
  EXPECT_EQ(body->content_type.size(), prefix.size() + 32);
  const std::string boundary = body->content_type.substr(prefix.size() - 7);
  EXPECT_EQ(body->body, "--" + boundary +
                            "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--" +
                            boundary + "--\r\n");
}

TEST(ToMultipart, AGivenBoundaryInAValueIsRefused) {
  auto body = to_multipart(json::parse(R"({"a":"--B--"})"), "B");
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().message, "the multipart boundary 'B' occurs in a field's value");
}

TEST(ToMultipart, NestedObjectsAreRefused) {
  auto body = to_multipart(json::parse(R"({"a":{"b":1}})"));
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error().status, Status::kInvalidConfig);
  EXPECT_EQ(body.error().message.substr(0, 26), "field 'a' is an object: a ");
}

}  // namespace
}  // namespace sluice::support::formats
