// The legacy REST table and translation (rest_translation.hpp): integrator.io's rest.* documents
// become the exact http documents they stand for; every rest setting names a declared http one;
// settings and values with no implemented http counterpart are refused as not supported yet.
#include "rest_translation.hpp"

#include <set>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "settings.hpp"

namespace sluice::plugins::http {
namespace {

namespace json = boost::json;

json::object object(std::string_view text) { return json::parse(text).as_object(); }

const json::object* node(const json::object& schema, std::string_view path) {
  const json::object* at = &schema;
  while (!path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    const json::value* props = at->if_contains("properties");
    const json::value* child =
        props && props->is_object() ? props->get_object().if_contains(part) : nullptr;
    if (child == nullptr || !child->is_object()) return nullptr;
    at = &child->get_object();
  }
  return at;
}

bool declared_or_marked(const Schema& schema, const std::string& path) {
  for (const Field& f : schema.fields())
    if (f.path() == path) return true;
  const json::object json = schema.to_json();
  const json::object* n = node(json, path);
  return n != nullptr && n->contains("x-sluice-unsupported");
}

TEST(RestTable, EveryRestSettingNamesAnHttpSettingTheConnectorDeclares) {
  for (const RestSetting& row : rest_settings()) {
    if (row.http.empty()) continue;
    const Schema http = row.kind == RestKind::kConnection ? connection_schema()
                        : row.kind == RestKind::kExport   ? export_schema()
                                                          : import_schema();
    EXPECT_TRUE(declared_or_marked(http, row.http)) << row.rest << " → " << row.http;
  }
}

TEST(RestTable, EveryRestSettingIsDeclaredOrRefusedInTheRestSchemas) {
  for (const RestSetting& row : rest_settings()) {
    const Schema rest = row.kind == RestKind::kConnection ? rest_connection_schema()
                        : row.kind == RestKind::kExport   ? rest_export_schema()
                                                          : rest_import_schema();
    EXPECT_TRUE(declared_or_marked(rest, row.rest)) << row.rest;
  }
}

TEST(RestSchema, ASettingWithNoHttpEquivalentIsRefusedAsNotSupportedYet) {
  const json::object schema = rest_connection_schema().to_json();
  const json::object* proxy = node(schema, "rest.isHTTPProxy");
  ASSERT_NE(proxy, nullptr);
  EXPECT_EQ(proxy->at("x-sluice-unsupported"), json::value(true));
  const json::object import_schema_json = rest_import_schema().to_json();
  const json::object* imports = node(import_schema_json, "rest.lookups");
  ASSERT_NE(imports, nullptr);
  EXPECT_EQ(imports->at("x-sluice-unsupported"), json::value(true));
}

TEST(RestSchema, FollowsWhatTheHttpSettingsImplement) {
  // rest.targetConcurrencyLevel is http.targetConcurrencyLevel, not implemented: refused;
  // rest.authURI is http.auth.oauth.authURI, implemented: accepted; the same for a value.
  const json::object connection = rest_connection_schema().to_json();
  EXPECT_EQ(node(connection, "rest.targetConcurrencyLevel")->at("x-sluice-unsupported"),
            json::value(true));
  EXPECT_EQ(node(connection, "rest.authURI")->if_contains("x-sluice-unsupported"), nullptr);
  EXPECT_EQ(node(connection, "rest.authType")->at("x-sluice-unsupportedValues"),
            json::parse(R"(["hmac"])"));
  EXPECT_EQ(node(connection, "rest.bearerToken")->at("x-sluice-secret"), json::value(true));
  EXPECT_EQ(node(connection, "rest.basicAuth.password")->at("x-sluice-secret"), json::value(true));
  // Paging methods: the rest value is refused exactly while its http value is.
  const Field* http_method = nullptr;
  const Schema http_export = export_schema();
  for (const Field& f : http_export.fields())
    if (f.path() == "http.paging.method") http_method = &f;
  ASSERT_NE(http_method, nullptr);
  const std::set<std::string> http_refused(http_method->unsupported_enum_values().begin(),
                                           http_method->unsupported_enum_values().end());
  const json::object export_schema_json = rest_export_schema().to_json();
  const json::object* paging = node(export_schema_json, "rest.pagingMethod");
  ASSERT_NE(paging, nullptr);
  std::set<std::string> rest_refused;
  if (const json::value* list = paging->if_contains("x-sluice-unsupportedValues"))
    for (const auto& v : list->as_array()) rest_refused.emplace(v.as_string());
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"nextpageurl", "url"},       {"pageargument", "page"}, {"relativeuri", "relativeuri"},
      {"linkheader", "linkheader"}, {"skipargument", "skip"}, {"token", "token"},
      {"postbody", "body"}};
  for (const auto& [rest, http] : pairs)
    EXPECT_EQ(rest_refused.count(rest), http_refused.count(http)) << rest;
}

TEST(RestTranslation, AConnectionBecomesTheHttpConnectionItStandsFor) {
  auto http = translate_rest(object(R"({"_id": "shop", "name": "Shop", "type": "rest",
      "rest": {"baseURI": "https://api.example.com/v1", "mediaType": "json", "authType": "token",
               "bearerToken": "t-123", "authHeader": "X-Auth", "authScheme": "Token",
               "tokenLocation": "header", "pingRelativeURI": "/me", "pingMethod": "GET",
               "headers": [{"name": "X-Tenant", "value": "{{connection.rest.unencrypted.tenant}}"}],
               "unencrypted": {"tenant": "acme"}, "encrypted": {"apiKey": "k"},
               "info": {"whatever": 1}}})"),
                             RestKind::kConnection);
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(*http, object(R"({"_id": "shop", "name": "Shop", "type": "http",
      "http": {"baseURI": "https://api.example.com/v1", "mediaType": "json",
               "headers": [{"name": "X-Tenant",
                            "value": "{{connection.http.unencrypted.tenant}}"}],
               "auth": {"type": "token",
                        "token": {"token": "t-123", "location": "header", "headerName": "X-Auth",
                                  "scheme": "Token"}},
               "ping": {"relativeURI": "/me", "method": "GET"},
               "encrypted": {"apiKey": "k"}, "unencrypted": {"tenant": "acme"}}})"));
}

TEST(RestTranslation, BasicAuthAndRefreshTokenMoveToTheirHttpPaths) {
  auto http = translate_rest(object(R"({"type": "rest", "rest": {"baseURI": "https://x.test",
      "authType": "basic", "basicAuth": {"username": "u", "password": "p"},
      "refreshTokenURI": "/refresh", "refreshTokenMethod": "POST",
      "refreshTokenBody": "{\"t\": \"{{{connection.rest.refreshToken}}}\"}",
      "refreshTokenPath": "data.token", "refreshTokenMediaType": "json", "refreshToken": "r"}})"),
                             RestKind::kConnection);
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(http->at("http"), json::parse(R"({"baseURI": "https://x.test",
      "auth": {"type": "basic", "basic": {"username": "u", "password": "p"},
               "token": {"refreshRelativeURI": "/refresh", "refreshMethod": "POST",
                         "refreshBody": "{\"t\": \"{{{connection.http.auth.token.refreshToken}}}\"}",
                         "refreshTokenPath": "data.token", "refreshMediaType": "json",
                         "refreshToken": "r"}}})"));
}

TEST(RestTranslation, EachPagingMethodBecomesItsHttpMethod) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"nextpageurl", "url"},       {"pageargument", "page"}, {"relativeuri", "relativeuri"},
      {"linkheader", "linkheader"}, {"skipargument", "skip"}, {"postbody", "body"}};
  for (const auto& [rest, http] : pairs) {
    auto out =
        translate_rest(object(R"({"adaptorType": "RESTExport", "rest": {"relativeURI": "/items",
            "pagingMethod": ")" +
                              rest + R"("}})"),
                       RestKind::kExport);
    ASSERT_TRUE(out) << rest << ": " << out.error().message;
    EXPECT_EQ(out->at("adaptorType"), json::value("HTTPExport"));
    EXPECT_EQ(out->at("http").at("paging").at("method"), json::value(http)) << rest;
  }
}

TEST(RestTranslation, AnExportsRequestResponseAndPagingSettingsMove) {
  auto http = translate_rest(object(R"({"_id": "e", "adaptorType": "RESTExport",
      "_connectionId": "c", "rest": {"method": "POST", "relativeURI": "/search",
      "postBody": "{\"q\": 1}", "resourcePath": "data.items", "pagingMethod": "nextpageurl",
      "nextPagePath": "links.next", "lastPagePath": "meta.done", "lastPageValue": "true",
      "lastPageStatusCode": 404, "once": {"relativeURI": "/items/{{record.id}}", "method": "PUT",
      "postBody": "{\"exported\": true}"}}})"),
                             RestKind::kExport);
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(*http, object(R"({"_id": "e", "adaptorType": "HTTPExport", "_connectionId": "c",
      "http": {"method": "POST", "relativeURI": "/search", "body": "{\"q\": 1}",
               "response": {"resourcePath": "data.items"},
               "paging": {"method": "url", "path": "links.next", "lastPageStatusCode": 404,
                          "lastPagePath": "meta.done", "lastPageValues": ["true"]},
               "once": {"relativeURI": "/items/{{record.id}}", "method": "PUT",
                        "body": "{\"exported\": true}"}}})"));
}

TEST(RestTranslation, PagingArgumentsBecomeQueryParametersOfTheRelativeUri) {
  auto page = translate_rest(object(R"({"rest": {"relativeURI": "/items?limit=50",
      "pagingMethod": "pageargument", "pageArgument": "p"}})"),
                             RestKind::kExport);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->at("http").at("relativeURI"),
            json::value("/items?limit=50&p={{export.http.paging.page}}"));
  auto default_page = translate_rest(
      object(R"({"rest": {"relativeURI": "/items", "pagingMethod": "pageargument"}})"),
      RestKind::kExport);
  ASSERT_TRUE(default_page);
  EXPECT_EQ(default_page->at("http").at("relativeURI"), json::value("/items"));
  auto skip = translate_rest(object(R"({"rest": {"relativeURI": "/items",
      "pagingMethod": "skipargument", "skipArgument": "offset"}})"),
                             RestKind::kExport);
  ASSERT_TRUE(skip) << skip.error().message;
  EXPECT_EQ(skip->at("http").at("relativeURI"),
            json::value("/items?offset={{export.http.paging.skip}}"));
  auto token = translate_rest(object(R"({"rest": {"relativeURI": "/items",
      "pagingMethod": "token", "nextPagePath": "next_cursor", "pageArgument": "cursor"}})"),
                              RestKind::kExport);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->at("http").at("relativeURI"),
            json::value("/items{{#if export.http.paging.token}}?cursor="
                        "{{export.http.paging.token}}{{/if}}"));
  EXPECT_EQ(token->at("http").at("paging"),
            json::parse(R"({"method": "token", "path": "next_cursor"})"));
}

TEST(RestTranslation, APagingArgumentWithoutItsMethodIsRefused) {
  auto token = translate_rest(object(R"({"rest": {"pagingMethod": "token"}})"), RestKind::kExport);
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().message,
            "legacy REST export: rest.pagingMethod token needs rest.pageArgument, the query "
            "parameter that carries the next page token (e.g. \"cursor\"); set it");
  auto stray = translate_rest(object(R"({"rest": {"pageArgument": "p"}})"), RestKind::kExport);
  ASSERT_FALSE(stray);
  EXPECT_EQ(stray.error().message,
            "legacy REST export: rest.pageArgument is set but rest.pagingMethod is \"\"; it "
            "applies with pageargument or token: remove one");
}

TEST(RestTranslation, AnImportsPerRequestArraysBecomeItsSettings) {
  auto http = translate_rest(object(R"({"_id": "i", "adaptorType": "RESTImport",
      "rest": {"method": ["PUT"], "relativeURI": ["/items/{{record.id}}"],
               "body": ["{\"n\": {{record.n}}}"], "responseIdPath": ["id"],
               "successPath": ["ok"], "successValues": ["true"],
               "headers": [{"name": "X-A", "value": "1"}]}})"),
                             RestKind::kImport);
  ASSERT_TRUE(http) << http.error().message;
  EXPECT_EQ(*http, object(R"({"_id": "i", "adaptorType": "HTTPImport",
      "http": {"method": "PUT", "relativeURI": "/items/{{record.id}}",
               "body": "{\"n\": {{record.n}}}", "headers": [{"name": "X-A", "value": "1"}],
               "response": {"resourceIdPath": "id", "successPath": "ok",
                            "successValues": ["true"]}}})"));
}

TEST(RestTranslation, RefusesWhatHasNoHttpEquivalentNamingTheRestPath) {
  auto hmac = translate_rest(object(R"({"rest": {"authType": "hmac"}})"), RestKind::kConnection);
  ASSERT_FALSE(hmac);
  EXPECT_EQ(hmac.error().status, Status::kInvalidConfig);
  EXPECT_EQ(hmac.error().message.rfind("legacy REST connection: rest.authType: \"hmac\" is not "
                                       "supported yet (basic → basic, ",
                                       0),
            0u)
      << hmac.error().message;
  auto proxy = translate_rest(object(R"({"rest": {"isHTTPProxy": true}})"), RestKind::kConnection);
  ASSERT_FALSE(proxy);
  EXPECT_EQ(proxy.error().message,
            "legacy REST connection: rest.isHTTPProxy is not supported yet (no HTTP "
            "equivalent); remove it");
  auto unknown = translate_rest(object(R"({"rest": {"frobnicate": 1}})"), RestKind::kExport);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "legacy REST export: rest.frobnicate: not a legacy REST setting Sluice knows; remove "
            "it or write the resource with http.* settings (`sluice plugin info http`)");
}

TEST(RestTranslation, ACompositeImportTranslatesItsPerRequestArraysToHttpOnes) {
  auto composite = translate_rest(
      object(R"({"rest": {"requestType": ["UPDATE", "CREATE"], "method": ["PUT", "POST"],
                          "relativeURI": ["/items/{{record.id}}", "/items"],
                          "body": ["{\"u\": 1}", "{\"c\": 1}"],
                          "successPath": ["ok", "created"], "responseIdPath": ["id", "_id"],
                          "existingExtract": "id", "ignoreExtract": "id"}})"),
      RestKind::kImport);
  ASSERT_TRUE(composite) << composite.error().message;
  EXPECT_EQ(composite->at("http"),
            json::parse(R"({"requestType": ["UPDATE", "CREATE"], "method": ["PUT", "POST"],
                            "relativeURI": ["/items/{{record.id}}", "/items"],
                            "body": ["{\"u\": 1}", "{\"c\": 1}"],
                            "response": {"successPath": ["ok", "created"],
                                         "resourceIdPath": ["id", "_id"]},
                            "existingExtract": "id", "ignoreExtract": "id"})"));
  // One entry of a per-request array is the single value.
  auto single =
      translate_rest(object(R"({"rest": {"requestType": ["UPDATE"]}})"), RestKind::kImport);
  ASSERT_TRUE(single) << single.error().message;
  EXPECT_EQ(single->at("http"), json::parse(R"({"requestType": "UPDATE"})"));
}

TEST(RestTranslation, AnImportsOwnLookupsAreRefusedAsTheirHttpSettingsAre) {
  auto lookup =
      translate_rest(object(R"({"rest": {"existingLookupName": "byEmail"}})"), RestKind::kImport);
  ASSERT_FALSE(lookup);
  EXPECT_EQ(lookup.error().message,
            "legacy REST import: rest.existingLookupName is not supported yet (it is "
            "http.existingLookupName); remove it");
}

TEST(RestTranslation, HttpErrorsAboutATranslatedDocumentNameTheRestSettingsToo) {
  const Error named = with_rest_names(
      make_error(Status::kInvalidConfig,
                 "http.baseURI is required: the absolute http:// or https:// URL of the API"),
      RestKind::kConnection);
  EXPECT_EQ(named.status, Status::kInvalidConfig);
  EXPECT_EQ(named.message,
            "http.baseURI is required: the absolute http:// or https:// URL of the API (in this "
            "legacy REST connection, http.baseURI is rest.baseURI)");
  // A path that only starts like a table one (http.paging.pathLocation) is not named.
  const Error other = with_rest_names(
      make_error(Status::kInvalidConfig, "http.paging.pathLocation: expected body or header"),
      RestKind::kExport);
  EXPECT_EQ(other.message, "http.paging.pathLocation: expected body or header");
}

}  // namespace
}  // namespace sluice::plugins::http
