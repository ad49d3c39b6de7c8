// The schemas the connector declares: integrator.io's setting names at their exact JSON paths,
// with secrets marked and conditions on the auth fields.
#include "settings.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "connector.hpp"

namespace sluice::plugins::http {
namespace {

namespace json = boost::json;

// The schema node of dotted setting `path` ("http.auth.type"), or nullptr.
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

std::set<std::string> secret_paths(const Schema& schema) {
  std::set<std::string> out;
  for (const Field& f : schema.fields()) {
    if (f.is_secret()) out.insert(f.path());
  }
  return out;
}

// The values of an enumeration the plugin implements (its enum minus x-sluice-unsupportedValues).
json::array supported(const json::object& schema, std::string_view path) {
  const json::object* field = node(schema, path);
  if (field == nullptr) return {};
  json::array out;
  const json::value* unsupported = field->if_contains("x-sluice-unsupportedValues");
  for (const json::value& v : field->at("enum").as_array()) {
    const bool listed = unsupported != nullptr &&
                        std::find(unsupported->as_array().begin(), unsupported->as_array().end(),
                                  v) != unsupported->as_array().end();
    if (!listed) out.push_back(v);
  }
  return out;
}

std::set<std::string> paths(const Schema& schema) {
  std::set<std::string> out;
  for (const Field& f : schema.fields()) out.insert(f.path());
  return out;
}

TEST(HttpSettings, ConnectionDeclaresTheIntegratorIoSettings) {
  EXPECT_EQ(paths(connection_schema()),
            (std::set<std::string>{
                "http.baseURI", "http.mediaType", "http.successMediaType", "http.errorMediaType",
                "http.headers", "http.auth.type",
                "http.auth.basic.username", "http.auth.basic.password", "http.auth.token.token",
                "http.auth.token.location", "http.auth.token.headerName", "http.auth.token.scheme",
                "http.auth.token.paramName", "http.auth.oauth.oauth1.consumerKey",
                "http.auth.oauth.oauth1.consumerSecret", "http.auth.oauth.oauth1.accessToken",
                "http.auth.oauth.oauth1.tokenSecret", "http.auth.oauth.oauth1.signatureMethod",
                "http.auth.oauth.oauth1.consumerPrivateKey", "http.auth.oauth.oauth1.realm",
                "http.auth.jwt.signatureMethod", "http.auth.jwt.payload", "http.auth.jwt.headers",
                "http.auth.jwt.secret", "http.auth.jwt.isSecretBase64Encoded",
                "http.auth.jwt.privateKey", "http.auth.jwt.token", "http.encrypted",
                "http.unencrypted", "http.ping.relativeURI", "http.ping.method",
                "http.auth.failStatusCode", "http.auth.failPath", "http.auth.failValues",
                "http.auth.token.refreshRelativeURI", "http.auth.token.refreshMethod",
                "http.auth.token.refreshBody", "http.auth.token.refreshMediaType",
                "http.auth.token.refreshTokenPath", "http.auth.token.refreshToken",
                "http.auth.token.refreshHeaders", "http.auth.token.tokenPaths",
                "http.auth.oauth.grantType", "http.auth.oauth.tokenURI", "http.auth.oauth.clientId",
                "http.auth.oauth.clientSecret", "http.auth.oauth.clientCredentialsLocation",
                "http.auth.oauth.scope", "http.auth.oauth.scopeDelimiter",
                "http.auth.oauth.username", "http.auth.oauth.password",
                "http.auth.oauth.accessTokenPath", "http.auth.oauth.accessTokenHeaders",
                "http.auth.oauth.authURI", "http.auth.oauth.pkceCodeVerifier",
                "http.auth.cookie.uri", "http.auth.cookie.method", "http.auth.cookie.body",
                "http.auth.cookie.successStatusCode", "http.ping.body", "http.ping.successPath",
                "http.ping.successValues", "http.ping.allowArrayforSuccessPath",
                "http.ping.failPath", "http.ping.failValues", "http.ping.errorPath",
                "http.disableStrictSSL", "http.clientCertificates.cert",
                "http.clientCertificates.key", "http.clientCertificates.passphrase",
                "http.clientCertificates.ca", "http.clientCertificates.pfx", "http.concurrencyLevel",
                "http.rateLimit.failStatusCode", "http.rateLimit.failPath",
                "http.rateLimit.failValues", "http.rateLimit.limit", "http.retryHeader"}));
}

TEST(HttpSettings, OnlyPasswordsTokensSecretsKeysAndTheEncryptedBagAreSecret) {
  EXPECT_EQ(secret_paths(connection_schema()),
            (std::set<std::string>{
                "http.auth.basic.password", "http.auth.token.token",
                "http.auth.token.refreshToken", "http.auth.oauth.clientSecret",
                "http.auth.oauth.password", "http.auth.oauth.pkceCodeVerifier",
                "http.auth.oauth.oauth1.consumerSecret",
                "http.auth.oauth.oauth1.accessToken", "http.auth.oauth.oauth1.tokenSecret",
                "http.auth.oauth.oauth1.consumerPrivateKey", "http.auth.jwt.secret",
                "http.auth.jwt.privateKey", "http.auth.jwt.token", "http.encrypted",
                "http.clientCertificates.cert", "http.clientCertificates.key",
                "http.clientCertificates.passphrase", "http.clientCertificates.pfx"}));
  EXPECT_TRUE(secret_paths(export_schema()).empty());
  EXPECT_TRUE(secret_paths(import_schema()).empty());
  const json::object schema = connection_schema().to_json();
  for (const char* path : {"http.auth.basic.password", "http.auth.token.token"}) {
    const json::object* field = node(schema, path);
    ASSERT_NE(field, nullptr) << path;
    EXPECT_EQ(field->at("x-sluice-secret"), json::value(true)) << path;
    EXPECT_EQ(field->at("writeOnly"), json::value(true)) << path;
  }
}

TEST(HttpSettings, ConnectionJsonSchemaHasDefaultsAndConditions) {
  const json::object schema = connection_schema().to_json();
  ASSERT_NE(node(schema, "http.baseURI"), nullptr);
  EXPECT_EQ(node(schema, "http.baseURI")->at("title"), "Base URI");
  EXPECT_EQ(node(schema, "http")->at("required"), json::array({"baseURI"}));
  EXPECT_EQ(supported(schema, "http.mediaType"),
            json::array({"json", "xml", "urlencoded", "form-data", "plaintext"}));
  EXPECT_EQ(node(schema, "http.mediaType")->at("default"), "json");
  EXPECT_EQ(supported(schema, "http.successMediaType"),
            json::array({"json", "xml", "csv", "plaintext"}));
  EXPECT_FALSE(node(schema, "http.successMediaType")->contains("default"));
  EXPECT_EQ(supported(schema, "http.errorMediaType"), json::array({"json", "xml", "plaintext"}));
  EXPECT_EQ(supported(schema, "http.auth.type"),
            json::array({"none", "basic", "token", "custom", "oauth", "wsse", "cookie", "digest",
                         "oauth1", "jwtbearer", "jwt"}));
  EXPECT_EQ(node(schema, "http.auth.type")->at("default"), "none");
  EXPECT_EQ(supported(schema, "http.auth.token.location"), json::array({"header", "url"}));
  EXPECT_EQ(node(schema, "http.auth.token.location")->at("default"), "header");
  EXPECT_EQ(node(schema, "http.auth.token.headerName")->at("default"), "Authorization");
  EXPECT_EQ(node(schema, "http.auth.token.scheme")->at("default"), "Bearer");
  EXPECT_EQ(node(schema, "http.auth.token.paramName")->at("default"), "access_token");
  EXPECT_EQ(supported(schema, "http.ping.method"), json::array({"GET", "POST", "HEAD", "PUT"}));
  EXPECT_EQ(node(schema, "http.disableStrictSSL")->at("default"), false);
  EXPECT_EQ(node(schema, "http.ping.allowArrayforSuccessPath")->at("default"), false);
  EXPECT_EQ(node(schema, "http.ping.method")->at("default"), "GET");
  EXPECT_EQ(node(schema, "http.auth.basic.password")->at("x-sluice-showWhen"),
            json::parse(R"({"path":"http.auth.type","in":["basic","digest","wsse"]})"));
  EXPECT_EQ(node(schema, "http.auth.token.token")->at("x-sluice-showWhen"),
            json::parse(R"({"path":"http.auth.type","in":["token"]})"));
  EXPECT_EQ(node(schema, "http.headers.name"), nullptr);
  EXPECT_EQ(node(schema, "http.headers")->at("items").at("required"), json::array({"name"}));
}

TEST(HttpSettings, ExportDeclaresRequestResponseAndPaging) {
  EXPECT_EQ(paths(export_schema()),
            (std::set<std::string>{
                "http.method", "http.relativeURI", "http.body", "http.headers",
                "http.response.resourcePath", "http.paging.method", "http.paging.page",
                "http.paging.path", "http.paging.lastPageStatusCode", "http.paging.lastPagePath",
                "http.paging.lastPageValues", "http.paging.maxPagePath", "http.paging.maxCountPath",
                "http.paging.skip", "http.paging.token", "http.paging.pathLocation",
                "http.paging.pathAfterFirstRequest", "http.paging.relativeURI", "http.paging.body",
                "http.paging.linkHeaderRelation", "http.paging.resourcePath",
                "http.response.successPath", "http.response.successValues",
                "http.response.failPath", "http.response.failValues", "http.response.errorPath",
                "http.once.relativeURI", "http.once.method", "http.once.body",
                "http.requestMediaType", "http.successMediaType", "http.errorMediaType"}));
  const json::object schema = export_schema().to_json();
  EXPECT_EQ(supported(schema, "http.requestMediaType"),
            json::array({"json", "xml", "urlencoded", "form-data", "plaintext"}));
  EXPECT_EQ(supported(schema, "http.successMediaType"),
            json::array({"json", "xml", "csv", "plaintext"}));
  EXPECT_EQ(supported(schema, "http.method"), json::array({"GET", "POST", "PUT", "PATCH"}));
  EXPECT_EQ(node(schema, "http.method")->at("default"), "GET");
  EXPECT_EQ(supported(schema, "http.paging.method"),
            json::array({"page", "skip", "token", "url", "linkheader", "relativeuri", "body"}));
  EXPECT_EQ(node(schema, "http.paging.linkHeaderRelation")->at("default"), "next");
  EXPECT_EQ(node(schema, "http.paging.pathLocation")->at("default"), "body");
  EXPECT_FALSE(node(schema, "http.paging.method")->contains("default"));
  EXPECT_EQ(node(schema, "http.paging.page")->at("default"), 0);
  EXPECT_EQ(node(schema, "http.relativeURI")->at("x-sluice-template"), json::value(true));
  EXPECT_EQ(node(schema, "http.once.relativeURI")->at("x-sluice-template"), json::value(true));
  EXPECT_EQ(node(schema, "http.once.method")->at("default"), "PUT");
  // Header values are templates, checked by sluice apply like every other template.
  EXPECT_EQ(node(schema, "http.headers")
                ->at("items")
                .at("properties")
                .at("value")
                .at("x-sluice-template"),
            json::value(true));
}

TEST(HttpSettings, ImportDeclaresBatchSizeAndResponseMapping) {
  EXPECT_EQ(paths(import_schema()), (std::set<std::string>{"http.method",
                                                           "http.relativeURI",
                                                           "http.body",
                                                           "http.headers",
                                                           "http.batchSize",
                                                           "http.response.resourcePath",
                                                           "http.response.resourceIdPath",
                                                           "http.response.successPath",
                                                           "http.response.successValues",
                                                           "http.response.failPath",
                                                           "http.response.failValues",
                                                           "http.response.errorPath",
                                                           "http.requestType",
                                                           "http.existingExtract",
                                                           "ignoreExisting",
                                                           "ignoreMissing",
                                                           "http.ignoreExtract",
                                                           "http.ignoreEmptyNodes",
                                                           "http.strictHandlebarEvaluation",
                                                           "http.sendPostMappedData",
                                                           "http.requestMediaType",
                                                           "http.successMediaType",
                                                           "http.errorMediaType"}));
  const json::object schema = import_schema().to_json();
  // integrator.io's csv and octet-stream requests are declared and refused as not supported yet.
  EXPECT_EQ(supported(schema, "http.requestMediaType"),
            json::array({"xml", "json", "urlencoded", "form-data", "plaintext"}));
  EXPECT_EQ(supported(schema, "http.successMediaType"), json::array({"xml", "json", "plaintext"}));
  EXPECT_EQ(supported(schema, "http.method"), json::array({"POST", "PUT", "PATCH"}));
  EXPECT_EQ(node(schema, "http.method")->at("default"), "POST");
  for (const char* path :
       {"http.method", "http.relativeURI", "http.body", "http.requestType",
        "http.response.resourcePath", "http.response.resourceIdPath", "http.response.successPath",
        "http.response.failPath", "http.response.errorPath"}) {
    EXPECT_EQ(node(schema, path)->at("x-sluice-oneOrMany"), json::value(true)) << path;
  }
  EXPECT_EQ(supported(schema, "http.requestType"), json::array({"CREATE", "UPDATE"}));
  EXPECT_EQ(node(schema, "http.batchSize")->at("default"), 1);
  EXPECT_EQ(node(schema, "http.batchSize")->at("minimum").to_number<double>(), 1.0);
}

TEST(HttpSettings, IntegratorIoSettingsThePluginDoesNotImplementAreDeclaredUnsupported) {
  const json::object connection = connection_schema().to_json();
  for (const char* path : {"http.auth.oauth.accessTokenBody", "http.targetConcurrencyLevel",
                           "http.auth.token.refreshTokenLocation", "http._httpConnectorId"}) {
    ASSERT_NE(node(connection, path), nullptr) << path;
    EXPECT_EQ(node(connection, path)->at("x-sluice-unsupported"), json::value(true)) << path;
  }
  EXPECT_EQ(node(connection, "http.auth.type")->at("x-sluice-unsupportedValues"),
            json::array({"specific"}));
  const json::object exp = export_schema().to_json();
  for (const char* path : {"http.response.allowArrayforSuccessPath", "http.response.twoDArray"}) {
    ASSERT_NE(node(exp, path), nullptr) << path;
    EXPECT_EQ(node(exp, path)->at("x-sluice-unsupported"), json::value(true)) << path;
  }
  const json::object imp = import_schema().to_json();
  for (const char* path :
       {"http.existingLookupName", "http.ignoreLookupName", "http.endPointBodyLimit"}) {
    ASSERT_NE(node(imp, path), nullptr) << path;
    EXPECT_EQ(node(imp, path)->at("x-sluice-unsupported"), json::value(true)) << path;
  }
}

TEST(HttpSettings, LimitsAreDeclaredWithIntegratorIoDefaultsAndBounds) {
  const json::object schema = connection_schema().to_json();
  ASSERT_NE(node(schema, "http.concurrencyLevel"), nullptr);
  EXPECT_EQ(node(schema, "http.concurrencyLevel")->at("default"), 25);
  EXPECT_EQ(node(schema, "http.concurrencyLevel")->at("minimum").to_number<double>(), 1.0);
  EXPECT_EQ(node(schema, "http.concurrencyLevel")->at("maximum").to_number<double>(), 50.0);
  EXPECT_EQ(node(schema, "http.rateLimit.failStatusCode")->at("default"), 429);
  EXPECT_EQ(node(schema, "http.retryHeader")->at("default"), "Retry-After");
  EXPECT_EQ(node(schema, "http.rateLimit.limit")->at("minimum").to_number<double>(), 1.0);
  for (const char* path : {"http.concurrencyLevel", "http.rateLimit.failStatusCode",
                           "http.rateLimit.failPath", "http.rateLimit.failValues",
                           "http.rateLimit.limit", "http.retryHeader"}) {
    ASSERT_NE(node(schema, path), nullptr) << path;
    EXPECT_EQ(node(schema, path)->if_contains("x-sluice-unsupported"), nullptr) << path;
    EXPECT_NE(node(schema, path)->if_contains("description"), nullptr) << path;
  }
}

TEST(HttpSettings, EveryFieldHasALabelHelpOrGroup) {
  for (const Schema& schema : {connection_schema(), export_schema(), import_schema()}) {
    const json::object doc = schema.to_json();
    for (const Field& f : schema.fields()) {
      const json::object* field = node(doc, f.path());
      ASSERT_NE(field, nullptr) << f.path();
      EXPECT_TRUE(field->contains("title")) << f.path();
      EXPECT_TRUE(field->contains("x-sluice-group")) << f.path();
    }
  }
}

TEST(HttpSettings, ConnectorDescribesItselfAsTheUniversalHttpConnector) {
  const ConnectorInfo info = HttpConnector().describe();
  EXPECT_EQ(info.name, "http");
  EXPECT_EQ(info.kind, ConnectorKind::kUniversal);
  EXPECT_EQ(info.connection_type, "http");
  EXPECT_EQ(info.assistant, "");
  EXPECT_EQ(info.connection.fields().size(), connection_schema().fields().size());
}

}  // namespace
}  // namespace sluice::plugins::http
