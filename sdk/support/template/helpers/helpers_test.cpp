#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "aws4.hpp"
#include "js_value.hpp"
#include "sluice/support/template/moment.hpp"
#include "sluice/support/template.hpp"
#include "sluice/support/template/helper.hpp"

namespace sluice::support::tmpl {
namespace {

namespace json = boost::json;

std::chrono::system_clock::time_point instant(std::string_view iso) {
  auto t = moment::parse_auto(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return std::chrono::system_clock::time_point{t ? t->time_since_epoch()
                                                 : std::chrono::milliseconds{0}};
}

// Calls a helper directly with JSON arguments ("undefined" is not expressible: use fewer args).
Result<Value> call(std::string_view name, std::initializer_list<json::value> args,
                   const HelperEnv& env = HelperEnv{}, json::object hash = {}) {
  const Helper* helper = find_helper(name);
  if (helper == nullptr) return make_error(Status::kNotFound, "no helper");
  std::vector<Value> values;
  for (const auto& a : args) values.push_back(make_value(a));
  const Value self = make_value(json::object());
  HelperCall c{name, values, hash, self, nullptr, env};
  return (*helper)(c);
}

std::string text_of(std::string_view name, std::initializer_list<json::value> args,
                    const HelperEnv& env = HelperEnv{}) {
  auto r = call(name, args, env);
  if (!r) return "ERROR: " + r.error().message;
  return to_js_string(*r);
}

std::string error_of(std::string_view name, std::initializer_list<json::value> args,
                     const HelperEnv& env = HelperEnv{}) {
  auto r = call(name, args, env);
  if (r) return "no error: " + to_js_string(*r);
  return r.error().message;
}

json::array load_cases() {
  std::ifstream in(SLUICE_HELPER_CASES);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return json::parse(buffer.str()).as_array();
}

TEST(TemplateHelperCases, EveryCaseInCasesJsonRendersItsExpectedText) {
  const json::array cases = load_cases();
  ASSERT_GE(cases.size(), 300u);
  size_t failures = 0;
  for (const auto& item : cases) {
    const auto& c = item.as_object();
    HelperEnv env;
    env.now = instant(c.contains("now") ? std::string_view(c.at("now").as_string())
                                        : std::string_view("2025-04-20T17:38:20Z"));
    // Through the engine itself, in its default (HTML) context, as integrator.io's pages show.
    RenderOptions options;
    options.env = &env;
    auto program = Template::parse(c.at("template").as_string(), "case");
    auto out = program ? program->evaluate(c.at("context"), options)
                       : Result<std::string>(program.error());
    const std::string got = out ? *out : "ERROR: " + out.error().message;
    if (got != c.at("expected").as_string()) {
      ++failures;
      ADD_FAILURE() << c.at("helper").as_string() << ": " << c.at("template").as_string()
                    << "\n  expected: " << c.at("expected").as_string() << "\n  got:      " << got;
    }
  }
  EXPECT_EQ(failures, 0u);
}

TEST(TemplateHelperCases, EveryHelperOfCeligosIndexIsRegisteredAndHasADocumentedCase) {
  const std::vector<std::string> index = {
      "abs", "add", "addCommas", "after", "arrayify", "avg", "aws4", "base64Decode", "base64Encode",
      "before", "bytes", "camelcase", "capitalize", "capitalizeAll", "ceil", "chop", "dashcase",
      "dateAdd", "dateFormat", "decodeURI", "divide", "dotcase", "encodeURI", "eq", "floor",
      "getValue", "hash", "hasNoItems", "hasOwn", "hmac", "htmlDecode", "htmlEncode", "isFalsey",
      "isTruthy", "join", "jsonEncode", "jsonParse", "jsonSerialize", "jsonStringify", "lowercase",
      "modulo", "multiply", "occurrences", "ordinalize", "padLeft", "padRight", "pascalcase",
      "pathcase", "pluck", "random", "regexMatch", "regexReplace", "regexSearch", "removefirst",
      "replace", "replacefirst", "reverse", "round", "sanitize", "sentence", "snakecase", "sort",
      "split", "stripProtocol", "stripQuerystring", "substring", "subtract", "sum", "timestamp",
      "toExponential", "toFixed", "toPrecision", "trim", "trimLeft", "trimRight", "truncateWords",
      "typeOf", "unique", "uppercase",
      // block helpers
      "and", "compare", "contains", "filter", "ifEven", "inArray", "isEmpty", "neither", "not",
      "or", "some", "startsWith"};
  std::set<std::string> documented;
  for (const auto& item : load_cases())
    documented.insert(std::string(item.at("helper").as_string()));
  // Covered by the tests below instead (their output is random or needs a request / a secret).
  const std::set<std::string> elsewhere = {"aws4", "hash", "hmac", "random"};
  for (const auto& name : index) {
    EXPECT_NE(find_helper(name), nullptr) << name;
    if (!elsewhere.contains(name)) {
      EXPECT_TRUE(documented.contains(name)) << name << " has no case";
    }
  }
  // lookup, if, unless, each and with are the engine's built-ins, not helpers.
  EXPECT_EQ(find_helper("lookup"), nullptr);
  EXPECT_EQ(find_helper("each"), nullptr);
  EXPECT_EQ(find_helper("noSuchHelper"), nullptr);
}

TEST(JsValue, NumbersPrintAsJavaScriptPrintsThem) {
  EXPECT_EQ(js_number_to_string(1), "1");
  EXPECT_EQ(js_number_to_string(-0.0), "0");
  EXPECT_EQ(js_number_to_string(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(js_number_to_string(1e21), "1e+21");
  EXPECT_EQ(js_number_to_string(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(js_number_to_string(1e-7), "1e-7");
  EXPECT_EQ(js_number_to_string(0.000001), "0.000001");
  EXPECT_EQ(js_number_to_string(1.5e300), "1.5e+300");
  EXPECT_EQ(js_number_to_string(std::nan("")), "NaN");
  EXPECT_EQ(js_number_to_string(-1.0 / 0.0), "-Infinity");
}

TEST(JsValue, ValuesPrintAsHandlebarsPrintsThem) {
  EXPECT_EQ(to_js_string(Value::make_undefined()), "");
  EXPECT_EQ(to_js_string(json::value()), "");
  EXPECT_EQ(to_js_string(json::parse(R"([1,[2,null],"a",true,{"x":1}])")),
            "1,2,,a,true,[object Object]");
  EXPECT_EQ(to_js_string(json::value(2.50)), "2.5");
}

TEST(JsValue, StringsConvertToNumbersAsNumberDoes) {
  EXPECT_EQ(to_js_number(json::value(" 12 ")), 12);
  EXPECT_EQ(to_js_number(json::value("")), 0);
  EXPECT_EQ(to_js_number(json::value("0x1F")), 31);
  EXPECT_EQ(to_js_number(json::value("1e3")), 1000);
  EXPECT_TRUE(std::isnan(to_js_number(json::value("12px"))));
  EXPECT_TRUE(std::isnan(to_js_number(json::value("inf"))));
  EXPECT_EQ(to_js_number(json::value("-Infinity")), -1.0 / 0.0);
}

TEST(JsValue, ComparisonsFollowJavaScript) {
  EXPECT_TRUE(js_loose_equals(make_value(5), make_string("5")));
  EXPECT_FALSE(js_strict_equals(make_value(5), make_string("5")));
  EXPECT_TRUE(js_loose_equals(make_value(json::value()), Value::make_undefined()));
  EXPECT_FALSE(js_loose_equals(make_value(0), make_value(json::value())));
  EXPECT_TRUE(js_loose_equals(make_value(true), make_string("1")));
  EXPECT_TRUE(js_less(make_string("100"), make_string("50"), false));  // as strings
  EXPECT_FALSE(js_less(make_value(100), make_string("50"), false));    // as numbers
}

TEST(MathHelpers, ToFixedRoundsTheExactValueHalfUpAsJavaScriptDoes) {
  EXPECT_EQ(text_of("toFixed", {1.005, 2}), "1.00");  // 1.005 is 1.00499999999999989…
  EXPECT_EQ(text_of("toFixed", {1.25, 1}), "1.3");    // an exact tie goes up
  EXPECT_EQ(text_of("toFixed", {-1.25, 1}), "-1.3");
  EXPECT_EQ(text_of("toFixed", {0.5, 0}), "1");
  EXPECT_EQ(text_of("toFixed", {0.0004, 2}), "0.00");
  EXPECT_EQ(text_of("toFixed", {1e21, 2}), "1e+21");
  EXPECT_EQ(text_of("toFixed", {"abc", 2}), "NaN");
  EXPECT_EQ(error_of("toFixed", {1, 101}),
            "the number of decimal places must be between 0 and 100, got 101");
}

// Ties are exact binary values with fraction_digits + 1 decimals: JavaScript takes the larger n
// (away from zero), where round-half-even would give 0.62, 0.12, 2 and -2. Expected values from
// node's Number.prototype.toFixed.
TEST(MathHelpers, ToFixedSendsEveryExactTieAwayFromZero) {
  EXPECT_EQ(text_of("toFixed", {0.625, 2}), "0.63");
  EXPECT_EQ(text_of("toFixed", {0.125, 2}), "0.13");
  EXPECT_EQ(text_of("toFixed", {0.375, 2}), "0.38");
  EXPECT_EQ(text_of("toFixed", {2.5, 0}), "3");
  EXPECT_EQ(text_of("toFixed", {-2.5, 0}), "-3");
  // A tie that carries into a new integer digit.
  EXPECT_EQ(text_of("toFixed", {9.5, 0}), "10");
  EXPECT_EQ(text_of("toFixed", {99.5, 0}), "100");
  EXPECT_EQ(text_of("toFixed", {-99.5, 0}), "-100");
  EXPECT_EQ(text_of("toFixed", {999.75, 1}), "999.8");
  EXPECT_EQ(text_of("toFixed", {9.96, 1}), "10.0");
}

TEST(MathHelpers, ToFixedPrintsOrdinaryValuesAsNodeDoes) {
  EXPECT_EQ(text_of("toFixed", {1.45, 1}), "1.4");  // below the tie: 1.4499999999999999556
  EXPECT_EQ(text_of("toFixed", {4.35, 1}), "4.3");
  EXPECT_EQ(text_of("toFixed", {1234.5678, 2}), "1234.57");
  EXPECT_EQ(text_of("toFixed", {999.995, 2}), "1000.00");
  EXPECT_EQ(text_of("toFixed", {-0.0001, 2}), "-0.00");
  EXPECT_EQ(text_of("toFixed", {-0.0, 2}), "0.00");
  EXPECT_EQ(text_of("toFixed", {1e20, 2}), "100000000000000000000.00");
  EXPECT_EQ(text_of("toFixed", {123.456, 10}), "123.4560000000");
  EXPECT_EQ(text_of("toFixed", {5e-324, 3}), "0.000");
  EXPECT_EQ(text_of("toFixed", {0.1, 20}), "0.10000000000000000555");
  EXPECT_EQ(text_of("toFixed", {0.5, 100}), "0." + std::string(1, '5') + std::string(99, '0'));
  EXPECT_EQ(text_of("toFixed", {0.1, 15}), "0.100000000000000");
  EXPECT_EQ(text_of("toFixed", {126.25, 2}), "126.25");
  EXPECT_EQ(text_of("toFixed", {-126.25, 3}), "-126.250");
  EXPECT_EQ(text_of("toFixed", {3, 0}), "3");
  EXPECT_EQ(text_of("toFixed", {1e-7, 2}), "0.00");
  EXPECT_EQ(text_of("toFixed", {1.255, 2}), "1.25");  // 1.25499999999999989…
  // Above 2^52 the shortest decimal that reads back ("73786976294838210000") is not the value.
  EXPECT_EQ(text_of("toFixed", {0x1p66, 0}), "73786976294838206464");
  EXPECT_EQ(text_of("toFixed", {0x1p66, 2}), "73786976294838206464.00");
  EXPECT_EQ(text_of("toFixed", {4503599627370495.5, 0}), "4503599627370496");
  EXPECT_EQ(text_of("toFixed", {70368744177664.25, 1}), "70368744177664.3");  // a tie
  // The ends of the exact integer path (22 places): subnormals, the largest fixed value.
  EXPECT_EQ(text_of("toFixed", {5e-324, 22}), "0.0000000000000000000000");
  EXPECT_EQ(text_of("toFixed", {3e-22, 22}), "0.0000000000000000000003");
  EXPECT_EQ(text_of("toFixed", {-1.5e-10, 22}), "-0.0000000001500000000000");
  EXPECT_EQ(text_of("toFixed", {123456789.12345679, 22}), "123456789.1234567910432815551758");
  EXPECT_EQ(text_of("toFixed", {999999999999999900000.0, 22}),
            "999999999999999868928.0000000000000000000000");
  EXPECT_EQ(text_of("toFixed", {0.30000000000000004, 23}), "0.30000000000000004440892");
}

TEST(MathHelpers, ToPrecisionAndToExponentialMatchJavaScript) {
  EXPECT_EQ(text_of("toPrecision", {0.00001234, 2}), "0.000012");
  EXPECT_EQ(text_of("toPrecision", {0.0000001234, 2}), "1.2e-7");
  EXPECT_EQ(text_of("toPrecision", {99.99, 3}), "100");
  EXPECT_EQ(text_of("toPrecision", {0, 3}), "0.00");
  EXPECT_EQ(text_of("toExponential", {0.00015, 1}), "1.5e-4");
  EXPECT_EQ(text_of("toExponential", {0}), "0e+0");
  EXPECT_EQ(text_of("toExponential", {-1234.5}), "-1.2345e+3");
}

TEST(MathHelpers, RandomGivesTheKindAndLengthAskedFor) {
  const std::string crypto = text_of("random", {"crypto", 8});
  EXPECT_EQ(crypto.size(), 8u);
  EXPECT_EQ(crypto.find_first_not_of("0123456789abcdef"), std::string::npos);
  const std::string number = text_of("random", {"number", 9});
  EXPECT_EQ(number.size(), 9u);
  EXPECT_EQ(number.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(text_of("random", {"uuid"}).size(), 32u);
  for (int i = 0; i < 50; ++i) {
    const double n = to_js_number(*call("random", {1, 3}));
    EXPECT_TRUE(n == 1 || n == 2 || n == 3) << n;
  }
  EXPECT_EQ(
      error_of("random", {"dice", 4}),
      "the first argument must be \"crypto\", \"uuid\" or \"number\" (or a minimum), got \"dice\"");
}

TEST(MathHelpers, DividingByZeroIsInfinityAsInJavaScript) {
  EXPECT_EQ(text_of("divide", {1, 0}), "Infinity");
  EXPECT_EQ(text_of("add", {1, "x"}), "NaN");
}

TEST(AuthHelpers, HashDigestsMatchOpenssl) {
  // printf 'HelloWorld' | openssl dgst -sha256 ; printf 'Bob' | openssl dgst -md5 -binary | base64
  EXPECT_EQ(text_of("hash", {"sha256", "hex", "HelloWorld"}),
            "872e4e50ce9990d8b041330c47c9ddd11bec6b503ae9386a99da8584e9bb12c4");
  EXPECT_EQ(text_of("hash", {"md5", "base64", "Bob"}), "L8HAvrmSzXCWl1z+v51cOw==");
  EXPECT_EQ(error_of("hash", {"sha999", "hex", "x"}),
            "the algorithm \"sha999\" is not a known digest (use e.g. sha256, sha1, sha512, md5)");
  EXPECT_EQ(error_of("hash", {"sha256", "octal", "x"}),
            "the output encoding \"octal\" is not one of hex, base64, base64url, latin1, binary");
}

TEST(AuthHelpers, HmacMatchesOpensslWithUtf8AndBase64Keys) {
  // printf 'payload' | openssl dgst -sha256 -hmac 'secret'
  EXPECT_EQ(text_of("hmac", {"sha256", "secret", "hex", "payload"}),
            "b82fcb791acec57859b989b430a826488ce2e479fdf92326bd0a2e8375a42ba4");
  // the key "key-bytes" given as base64 (a2V5LWJ5dGVz); openssl dgst -sha1 -mac HMAC -binary |
  // base64
  EXPECT_EQ(text_of("hmac", {"sha1", "a2V5LWJ5dGVz", "base64", "body", "base64"}),
            "+6Oo3iqGmoe3GceTNEaQwStfGaI=");
  // hashOptions' four-argument form is the same keyed digest.
  EXPECT_EQ(text_of("hash", {"sha256", "secret", "hex", "payload"}),
            "b82fcb791acec57859b989b430a826488ce2e479fdf92326bd0a2e8375a42ba4");
}

TEST(AuthHelpers, Aws4SigningKeyMatchesAwsPublishedVector) {
  EXPECT_EQ(
      aws4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam"),
      "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(AuthHelpers, Aws4SignsAwsTestSuiteGetVanilla) {
  json::object request{{"method", "GET"},
                       {"url", "https://example.amazonaws.com/"},
                       {"headers", json::object{{"X-Amz-Date", "20150830T123600Z"}}}};
  HelperEnv env;
  env.request = &request;
  EXPECT_EQ(text_of("aws4",
                    {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", nullptr,
                     "us-east-1", "service"},
                    env),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(AuthHelpers, Aws4SortsTheQueryAsGetVanillaQueryOrderKeyCase) {
  json::object request{{"method", "GET"},
                       {"url", "https://example.amazonaws.com/?Param2=value2&Param1=value1"},
                       {"headers", json::object{{"X-Amz-Date", "20150830T123600Z"}}}};
  HelperEnv env;
  env.request = &request;
  const std::string out = text_of(
      "aws4",
      {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "us-east-1", "service"}, env);
  EXPECT_TRUE(
      out.ends_with("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"))
      << out;
}

TEST(AuthHelpers, Aws4SignsTheS3GetObjectExampleOfAwsDocs) {
  json::object request{
      {"method", "GET"},
      {"url", "https://examplebucket.s3.amazonaws.com/test.txt"},
      {"headers", json::object{{"Range", "bytes=0-9"},
                               {"x-amz-content-sha256",
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
                               {"x-amz-date", "20130524T000000Z"}}}};
  HelperEnv env;
  env.request = &request;
  // Region and service read from the host.
  EXPECT_EQ(
      text_of("aws4",
              {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", nullptr, "", ""},
              env),
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(AuthHelpers, Aws4WithoutARequestSaysWhereItWorks) {
  EXPECT_EQ(error_of("aws4", {"A", "B", nullptr, "us-east-1", "s3"}),
            "there is no HTTP request to sign here; use aws4 in a request's headers");
}

TEST(DateHelpers, ZonesAreIanaAndDaylightSavingIsApplied) {
  EXPECT_EQ(
      text_of("dateFormat", {"YYYY-MM-DD HH:mm Z", "2025-07-01T12:00:00Z", "", "America/New_York"}),
      "2025-07-01 08:00 -04:00");
  EXPECT_EQ(text_of("dateFormat",
                    {"YYYY-MM-DD HH:mm ZZ", "2025-01-01T12:00:00Z", "", "America/New_York"}),
            "2025-01-01 07:00 -0500");
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "2025-01-01", "", "Mars/Olympus"}),
            "the time zone \"Mars/Olympus\" is not an IANA zone name (e.g. \"America/New_York\", "
            "\"UTC\")");
}

TEST(DateHelpers, TheEnvironmentsZoneIsTheDefault) {
  HelperEnv env;
  env.timezone = "Asia/Tokyo";
  EXPECT_EQ(text_of("dateFormat", {"HH:mm Z", "2025-01-01T00:00:00Z"}, env), "09:00 +09:00");
}

TEST(DateHelpers, InputFormatsAndNumbersAreRead) {
  EXPECT_EQ(text_of("dateFormat", {"YYYY-MM-DD", "26/03/2025", "DD/MM/YYYY"}), "2025-03-26");
  EXPECT_EQ(
      text_of("dateFormat", {"YYYY-MM-DD HH:mm", "Mar 26 2025 3:04 pm", "MMM DD YYYY h:mm a"}),
      "2025-03-26 15:04");
  EXPECT_EQ(text_of("dateFormat", {"x", "2025-03-26T10:00:00+02:00"}), "1742976000000");
  EXPECT_EQ(text_of("dateFormat", {"YYYY-MM-DDTHH:mm:ss.SSS", 1594324779156}),
            "2020-07-09T19:59:39.156");
  EXPECT_EQ(text_of("dateFormat", {"YYYY-MM-DD", "1594324779", "X"}), "2020-07-09");
  EXPECT_EQ(text_of("dateAdd", {"Tue, 01 Nov 2016 01:23:45 +0100"}), "2016-11-01T00:23:45.000Z");
}

TEST(DateHelpers, AnUnreadableDateIsAnErrorNamingIt) {
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "not a date"}),
            "the date \"not a date\" is not ISO 8601 (e.g. 2025-03-26T12:34:56Z) nor a form "
            "JavaScript's Date reads; pass its input format");
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "2025-02-30"}),
            "the date \"2025-02-30\" is not ISO 8601 (e.g. 2025-03-26T12:34:56Z) nor a form "
            "JavaScript's Date reads; pass its input format");
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "xx", "DD/MM/YYYY"}),
            "the date \"xx\" does not match the input format \"DD/MM/YYYY\"");
  EXPECT_EQ(error_of("dateAdd", {"2025-01-01", "soon"}),
            "the offset \"soon\" is not a number of milliseconds within 28,000 years");
}

TEST(DateHelpers, DatesTooFarFromNowAreRefusedRatherThanWrapped) {
  EXPECT_EQ(error_of("dateAdd", {1e300}),
            "the date 1e+300 is not a number of milliseconds within 28,000 years of 1970");
  EXPECT_EQ(error_of("dateAdd", {"2025-01-01T00:00:00Z", 8.99e14}),
            "the date plus the offset is more than 28,000 years from 1970");
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "32/01/2025", "DD/MM/YYYY"}),
            "the date \"32/01/2025\" does not match the input format \"DD/MM/YYYY\"");
  EXPECT_EQ(error_of("dateFormat", {"YYYY", "1/257/2025"}),
            "the date \"1/257/2025\" is not ISO 8601 (e.g. 2025-03-26T12:34:56Z) nor a form "
            "JavaScript's Date reads; pass its input format");
  EXPECT_EQ(text_of("truncateWords", {"a b", 1e300}), "a b");
  EXPECT_EQ(text_of("contains", {"abc", "c", 1e300}), "false");
}

TEST(DateHelpers, WeekNumbersFollowMomentAtYearBoundaries) {
  // 2021-01-01 is a Friday: ISO week 53 of 2020, locale (en) week 1 of 2021.
  EXPECT_EQ(text_of("dateFormat", {"W GGGG w gggg", "2021-01-01T00:00:00Z"}), "53 2020 1 2021");
  EXPECT_EQ(text_of("dateFormat", {"W GGGG w gggg", "2024-12-30T00:00:00Z"}), "1 2025 1 2025");
}

TEST(RegexHelpers, BadPatternsAndFlagsAreErrors) {
  EXPECT_EQ(error_of("regexMatch", {"abc", "a", 0, "x"}),
            "the regular expression flag \"x\" is not supported (use g, i, m or s)");
  EXPECT_TRUE(error_of("regexSearch", {"abc", "(a"})
                  .starts_with("the regular expression /(a/ is not valid:"));
}

TEST(RegexHelpers, ReplaceWithoutGReplacesTheFirstMatchAndExpandsGroups) {
  EXPECT_EQ(text_of("regexReplace", {"a1b2", "<$&>", "[0-9]"}), "a<1>b2");
  EXPECT_EQ(text_of("regexReplace", {"John Smith", "$2, $1", "(\\w+) (\\w+)"}), "Smith, John");
  EXPECT_EQ(text_of("regexReplace", {"x", "$$", "x"}), "$");
  EXPECT_EQ(text_of("regexReplace", {"a.b", "-", "^|$", "g"}), "-a.b-");
  EXPECT_EQ(text_of("regexReplace", {"a\nb", "X", "^b", "g"}), "a\nb");
  EXPECT_EQ(text_of("regexReplace", {"a\nb", "X", "^b", "gm"}), "a\nX");
}

TEST(EncodingHelpers, Base64RoundTripsAndDecodesToEveryFormat) {
  EXPECT_EQ(text_of("base64Decode", {"SGk=", "base64"}), "SGk=");
  EXPECT_EQ(text_of("base64Decode", {"/w==", "latin1"}), "\xC3\xBF");
  EXPECT_EQ(text_of("base64Decode", {"SABpAA==", "utf16le"}), "Hi");
  EXPECT_EQ(text_of("base64Decode", {"SGk"}), "Hi");  // missing padding is accepted, as in Node
  EXPECT_EQ(text_of("base64Encode", {"\xC3\xA9"}), "w6k=");
  EXPECT_EQ(
      error_of("base64Encode", {"x", "rot13"}),
      "the format \"rot13\" is not one of base64, hex, utf8, ascii, latin1, binary, ucs2, utf16le");
}

TEST(EncodingHelpers, DecodeUriLeavesMalformedTextAlone) {
  EXPECT_EQ(text_of("decodeURI", {"100%"}), "100%");
  EXPECT_EQ(text_of("decodeURI", {"%C3"}), "%C3");        // a truncated UTF-8 sequence
  EXPECT_EQ(text_of("decodeURI", {"%C0%AF"}), "%C0%AF");  // an overlong one
  EXPECT_EQ(text_of("decodeURI", {"%E2%82%AC"}), "\xE2\x82\xAC");
  EXPECT_EQ(text_of("encodeURI", {"\xE2\x82\xAC"}), "%E2%82%AC");
}

TEST(EncodingHelpers, JsonHelpersKeepJavaScriptsOutput) {
  EXPECT_EQ(text_of("jsonSerialize", {"a\"b\n"}), "\"a\\\"b\\n\"");
  EXPECT_EQ(text_of("jsonSerialize", {json::parse(R"({"n":1e21,"m":0.5})")}),
            "{\"n\":1e+21,\"m\":0.5}");
  EXPECT_EQ(text_of("jsonEncode", {"tab\there"}), "tab\\there");
  EXPECT_TRUE(error_of("jsonParse", {"{bad"}).starts_with("the text is not valid JSON ("));
  EXPECT_EQ(text_of("htmlDecode", {"&euro;&#8364;&#x20AC;&bogus;"}),
            "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC&bogus;");
}

TEST(BlockHelpers, CompareRefusesAnUnknownOperator) {
  EXPECT_EQ(error_of("compare", {1, "<>", 2}),
            "the operator \"<>\" is not one of ==, ===, !=, !==, <, >, <=, >=, typeof");
  EXPECT_EQ(error_of("compare", {1, "<"}),
            "expects 3 arguments (a value, an operator such as \"===\", a value), got 2");
}

TEST(BlockHelpers, WithoutABlockTheyReturnBooleans) {
  EXPECT_EQ(text_of("and", {1, "x"}), "true");
  EXPECT_EQ(text_of("or", {0, ""}), "false");
  EXPECT_EQ(text_of("compare", {"a", "<", "b"}), "true");
  EXPECT_EQ(text_of("contains", {"abc", "b"}), "true");
  EXPECT_EQ(text_of("some", {json::array{1, "x"}, "isString"}), "true");
  EXPECT_EQ(error_of("some", {json::array{1}, "isPrime"}),
            "the condition \"isPrime\" is not one of isTruthy, isFalsy, isArray, isString, "
            "isObject, isNumber, isBoolean");
}

TEST(StringHelpers, MultiByteTextIsHandledByCharacter) {
  EXPECT_EQ(text_of("reverse", {"\xC3\xA9t\xC3\xA9"}), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(text_of("substring", {"\xC3\xA9t\xC3\xA9", 1, 2}), "t");
  EXPECT_EQ(text_of("padLeft", {"\xC3\xA9", 3, "*"}), "**\xC3\xA9");
  EXPECT_EQ(error_of("padLeft", {"x", 1000000}), "the length must be at most 999999, got 1000000");
}

}  // namespace
}  // namespace sluice::support::tmpl

namespace sluice::support::tmpl {
namespace {

// Every helper, called with every pair of awkward arguments, returns a value or an Error: no
// crash, no sanitizer report, no hang (the pairs are few and each call is bounded).
TEST(TemplateHelperCases, EveryHelperSurvivesHostileArguments) {
  const std::vector<std::string> names = {"abs",
                                          "add",
                                          "addCommas",
                                          "after",
                                          "arrayify",
                                          "avg",
                                          "aws4",
                                          "base64Decode",
                                          "base64Encode",
                                          "before",
                                          "bytes",
                                          "camelcase",
                                          "capitalize",
                                          "capitalizeAll",
                                          "ceil",
                                          "chop",
                                          "dashcase",
                                          "dateAdd",
                                          "dateFormat",
                                          "decodeURI",
                                          "divide",
                                          "dotcase",
                                          "encodeURI",
                                          "eq",
                                          "floor",
                                          "getValue",
                                          "hash",
                                          "hasNoItems",
                                          "hasOwn",
                                          "hmac",
                                          "htmlDecode",
                                          "htmlEncode",
                                          "isFalsey",
                                          "isTruthy",
                                          "join",
                                          "jsonEncode",
                                          "jsonParse",
                                          "jsonSerialize",
                                          "jsonStringify",
                                          "lowercase",
                                          "modulo",
                                          "multiply",
                                          "occurrences",
                                          "ordinalize",
                                          "padLeft",
                                          "padRight",
                                          "pascalcase",
                                          "pathcase",
                                          "pluck",
                                          "random",
                                          "regexMatch",
                                          "regexReplace",
                                          "regexSearch",
                                          "removefirst",
                                          "replace",
                                          "replacefirst",
                                          "reverse",
                                          "round",
                                          "sanitize",
                                          "sentence",
                                          "snakecase",
                                          "sort",
                                          "split",
                                          "stripProtocol",
                                          "stripQuerystring",
                                          "substring",
                                          "subtract",
                                          "sum",
                                          "timestamp",
                                          "toExponential",
                                          "toFixed",
                                          "toPrecision",
                                          "trim",
                                          "trimLeft",
                                          "trimRight",
                                          "truncateWords",
                                          "typeOf",
                                          "unique",
                                          "uppercase",
                                          "and",
                                          "compare",
                                          "contains",
                                          "filter",
                                          "ifEven",
                                          "inArray",
                                          "isEmpty",
                                          "neither",
                                          "not",
                                          "or",
                                          "some",
                                          "startsWith"};
  const std::vector<Value> awkward = {
      Value::make_undefined(),
      make_value(json::value()),
      make_string(""),
      make_string("\xff\xfe\xc3"),  // invalid UTF-8
      make_string("%%%&#x110000;&#0;<<>>[[(("),
      make_string("9999999999999999999999"),
      make_value(-1e308),
      make_value(5e-324),
      make_value(std::nan("")),
      make_value(1.0 / 0.0),
      make_value(-0.0),
      make_value(json::parse(R"([[1,[2]],{"a":{"b":null}},"x",null])")),
      make_value(json::parse(R"({"record":{"a":[1,2]},"length":3})")),
      make_string("(a+)+$"),
      make_string("yyyy-MM-DD[ZZ"),
  };
  json::object request{{"url", "https://x.s3.amazonaws.com/a b?c=%ZZ&&="}, {"headers", 7}};
  HelperEnv env;
  env.request = &request;
  size_t calls = 0;
  for (const auto& name : names) {
    const Helper* helper = find_helper(name);
    ASSERT_NE(helper, nullptr) << name;
    for (const auto& a : awkward) {
      for (const auto& b : awkward) {
        const std::vector<Value> args = {a, b, b, a, b};
        for (size_t n = 0; n <= args.size(); n += 2) {
          const json::object hash{{"number", "true"}, {"reverse", true}};
          BlockBody body;
          body.fn = [](const ValueRef&, const json::object&,
                       std::span<const Value>) -> Result<std::string> { return std::string("fn"); };
          HelperCall c{
              name, std::span<const Value>(args.data(), n), hash, a, n == 2 ? &body : nullptr, env};
          auto r = (*helper)(c);
          if (r) (void)to_js_string(*r);
          ++calls;
        }
      }
    }
  }
  EXPECT_EQ(calls, names.size() * awkward.size() * awkward.size() * 3);
}

}  // namespace
}  // namespace sluice::support::tmpl
