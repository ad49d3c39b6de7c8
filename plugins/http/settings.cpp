#include "settings.hpp"

#include <boost/json/value.hpp>

namespace sluice::plugins::http {

namespace json = boost::json;

namespace {

// The auth types that use http.auth.basic (a function: settings are built on first use).
std::vector<json::value> user_password_types() {
  return {json::value("basic"), json::value("digest"), json::value("wsse")};
}

Schema header_item() {
  Schema item;
  item.string("name").label("Name").required();
  item.tmpl("value").label("Value");
  return item;
}

Field& declare_headers(Schema& s, const char* help) {
  return s.array("http.headers")
      .label("HTTP headers")
      .group("Request")
      .items(header_item())
      .help(help);
}

// integrator.io's HTTP settings (reference/integratorio.md §3) that this plugin does not act on
// yet: a resource that sets one is refused as "not supported yet", never stored and ignored.
void declare_unsupported_connection_settings(Schema& s) {
  s.ignored("http.formType", "how integrator.io's form showed the connection");
  // OAuth 2.0 field by field: http.auth.oauth.oauth1 is declared (auth_config.cpp).
  for (const char* path : {"http.targetConcurrencyLevel",
                           "http.encryptedFields",
                           "http.unencryptedFields",
                           "http._httpConnectorId",
                           "http._httpConnectorVersionId",
                           "http._iClientId",
                           "http.auth.wsse",
                           "http.auth.failures",
                           "http.auth.oauth.type",
                           "http.auth.oauth.accessTokenBody",
                           "http.auth.oauth.useIClientFields",
                           "http.auth.oauth.skipOauthValidations",
                           "http.auth.skipFollowAuthorizationHeader",
                           "http.auth.token.refreshResponseMediaType",
                           "http.auth.token.refreshTokenLocation",
                           "http.auth.token.revoke"}) {
    s.unsupported(path);
  }
}

void declare_unsupported_export_settings(Schema& s) {
  for (const char* path : {"http.type", "http._asyncHelperId", "http.sendAuthForFileDownloads",
                           "http.response.resourceIdPath", "http.response.allowArrayforSuccessPath",
                           "http.response.twoDArray", "http.response.blobFormat"}) {
    s.unsupported(path);
  }
}

void declare_unsupported_import_settings(Schema& s) {
  for (const char* path : {"http._asyncHelperId", "http.endPointBodyLimit",
                           "http.response.allowArrayforSuccessPath"}) {
    s.unsupported(path);
  }
  for (const char* path : {"http.existingLookupName", "http.ignoreLookupName"}) {
    s.unsupported(path,
                  "an import's own lookups against the destination are not implemented; put a "
                  "lookup step (an export with isLookup: true) before the import, map its result "
                  "into the record and name that field in http.existingExtract or "
                  "http.ignoreExtract");
  }
}

// The media type settings (media.hpp resolves them against each other).
Field& success_media_type_setting(Schema& s, std::vector<std::string> values, const char* of) {
  return s.enumeration("http.successMediaType", std::move(values))
      .label("Success media type")
      .group("General")
      .help(std::string("Format of the 2xx responses to ") + of +
            ": json; xml (converted to JSON, attributes as @name, text beside them as #text, "
            "repeated elements as arrays: response paths apply to that JSON); csv (each row a "
            "record keyed by the header row); plaintext (kept as text). Absent: the request "
            "media type when it is json, xml or plaintext, else json.");
}

Field& error_media_type_setting(Schema& s, const char* of) {
  return s.enumeration("http.errorMediaType", {"json", "xml", "plaintext"})
      .label("Error media type")
      .group("General")
      .help(std::string("Format of the error responses (not 2xx) to ") + of +
            ": json or xml (converted as for http.successMediaType; an import's "
            "http.response.errorPath reads the record's message from it); plaintext (not "
            "parsed). Error messages quote the body's start in any case. Absent: as the success "
            "media type, json for csv.");
}

Field& request_media_type_setting(Schema& s, std::vector<std::string> values,
                                  std::vector<std::string> unsupported, const char* body) {
  Field& field = s.enumeration("http.requestMediaType", std::move(values))
                     .label("Request media type")
                     .group("Request")
                     .help(std::string("Overrides the connection's http.mediaType for this "
                                       "step's requests (Content-Type): ") +
                           body + ".");
  if (!unsupported.empty()) field.unsupported_values(std::move(unsupported));
  return field;
}

}  // namespace

ConnectionSettings::ConnectionSettings()
    : base_uri(schema.string("http.baseURI")
                   .label("Base URI")
                   .required()
                   .group("General")
                   .help("Absolute http:// or https:// URL every relative URI is appended to, e.g. "
                         "https://api.example.com/v1. Credentials do not belong here: use the "
                         "authentication settings.")),
      media_type(schema
                     .enumeration("http.mediaType",
                                  {"json", "xml", "urlencoded", "form-data", "plaintext"})
                     .label("Media type")
                     .default_value("json")
                     .group("General")
                     .help("Format of request bodies (Content-Type) and, unless "
                           "http.successMediaType / http.errorMediaType say otherwise, of "
                           "responses: json; xml (bodies written as XML templates, responses "
                           "converted to JSON: attributes as @name, repeated elements as arrays, "
                           "docs/http.md); urlencoded or form-data (an import without http.body "
                           "sends the record's fields as a form; responses read as json); "
                           "plaintext (bodies sent as rendered, responses kept as text). "
                           "Exports and imports may override it with http.requestMediaType.")),
      success_media_type(success_media_type_setting(schema, {"json", "xml", "csv", "plaintext"},
                                                    "the connection's requests")),
      error_media_type(error_media_type_setting(schema, "the connection's requests")),
      headers(declare_headers(schema,
                              "Headers sent with every request of this connection. An export's or "
                              "import's own http.headers replace same-named ones.")),
      auth_type(schema
                    .enumeration("http.auth.type",
                                 {"none", "basic", "token", "custom", "oauth", "wsse", "cookie",
                                  "digest", "oauth1", "jwtbearer", "jwt", "specific"})
                    .unsupported_values({"specific"})
                    .label("Authentication type")
                    .default_value("none")
                    .group("Authentication")
                    .help("none; basic (username and password); token (an API key or bearer "
                          "token sent in a header or as a URL parameter, optionally refreshed from "
                          "http.auth.token.refreshRelativeURI); oauth (OAuth 2.0 client "
                          "credentials, password or refresh token grant at "
                          "http.auth.oauth.tokenURI); cookie (a login request whose cookies are "
                          "sent on every call); digest (username and password answering the "
                          "server's challenge, MD5 or SHA-256); wsse (X-WSSE UsernameToken); "
                          "oauth1 (OAuth 1.0a signed requests); jwtbearer or legacy jwt (a signed "
                          "JWT as the bearer token); custom (credentials in http.encrypted, sent "
                          "through http.headers).")),
      basic_username(schema.string("http.auth.basic.username")
                         .label("Username")
                         .required()
                         .group("Authentication")
                         .shown_when("http.auth.type", user_password_types())
                         .help("The user name for basic, digest and wsse authentication.")),
      basic_password(schema.string("http.auth.basic.password")
                         .label("Password")
                         .required()
                         .secret()
                         .group("Authentication")
                         .shown_when("http.auth.type", user_password_types())
                         .help("The password for basic, digest and wsse authentication. Stored "
                               "encrypted; never logged.")),
      token(schema.string("http.auth.token.token")
                .label("Token")
                .secret()
                .group("Authentication")
                .shown_when("http.auth.type", "token")
                .help("The API key or access token. Stored encrypted; never logged. Required "
                      "unless http.auth.token.refreshRelativeURI is set (then the first request "
                      "obtains one); with oauth, an access token to start with.")),
      token_location(schema.enumeration("http.auth.token.location", {"header", "url", "body"})
                         .unsupported_values({"body"})
                         .label("Send token via")
                         .default_value("header")
                         .group("Authentication")
                         .shown_when("http.auth.type", "token")
                         .help("header: sent as <headerName>: <scheme> <token>. url: sent as the "
                               "query parameter <paramName>=<token>.")),
      token_header_name(schema.string("http.auth.token.headerName")
                            .label("Header name")
                            .default_value("Authorization")
                            .group("Authentication")
                            .shown_when("http.auth.type", std::vector<json::value>{"token", "wsse"})
                            .help("Header carrying the token when the location is header; with "
                                  "wsse, the header carrying the UsernameToken (X-WSSE when "
                                  "absent).")),
      token_scheme(schema.string("http.auth.token.scheme")
                       .label("Scheme")
                       .default_value("Bearer")
                       .group("Authentication")
                       .shown_when("http.auth.type", "token")
                       .help("Written before the token in the header, e.g. Bearer; empty sends the "
                             "bare token.")),
      token_param_name(schema.string("http.auth.token.paramName")
                           .label("Parameter name")
                           .default_value("access_token")
                           .group("Authentication")
                           .shown_when("http.auth.type", "token")
                           .help("Query parameter carrying the token when the location is url.")),
      signed_auth(schema),
      ping(schema),
      tls(schema),
      auth_fail_status_code(
          schema.integer("http.auth.failStatusCode")
              .label("Authentication failure status code")
              .default_value(401)
              .minimum(100)
              .maximum(599)
              .group("Authentication")
              .help("A response with this status means the credentials were refused: with token "
                    "refresh, oauth or cookie auth the connection obtains new credentials once "
                    "and sends the request again; a second refusal fails it (kAuthFailed) with "
                    "the reason.")),
      auth_fail_path(schema.string("http.auth.failPath")
                         .label("Path to authentication failure field")
                         .group("Authentication")
                         .help("Dotted path in a JSON response body, for APIs that answer 200 "
                               "with an \"unauthorized\" body, e.g. error.code; its value is "
                               "compared with http.auth.failValues.")),
      auth_fail_values(schema.array("http.auth.failValues")
                           .label("Authentication failure values")
                           .items(FieldType::kString)
                           .group("Authentication")
                           .help("Values at http.auth.failPath that mean the credentials were "
                                 "refused (compared as text), e.g. [\"invalid_token\"].")),
      refresh_relative_uri(
          schema.tmpl("http.auth.token.refreshRelativeURI")
              .label("Refresh relative URI")
              .group("Authentication")
              .shown_when("http.auth.type", "token")
              .help("Set to refresh the token: this URI (relative to the base URI, or absolute) is "
                    "requested before the first call when no token is set, and "
                    "whenever the token is refused (http.auth.failStatusCode / failPath). "
                    "Handlebars against {{connection}}, rendered raw.")),
      refresh_method(schema.enumeration("http.auth.token.refreshMethod", {"GET", "POST", "PUT"})
                         .label("Refresh method")
                         .default_value("POST")
                         .group("Authentication")
                         .shown_when("http.auth.type", "token")
                         .help("The method of the token refresh request.")),
      refresh_body(schema.tmpl("http.auth.token.refreshBody")
                       .label("Refresh body")
                       .group("Authentication")
                       .shown_when("http.auth.type", "token")
                       .help("Body of the refresh request, e.g. grant_type=refresh_token&"
                             "refresh_token={{{connection.http.auth.token.refreshToken}}}. "
                             "Handlebars against {{connection}} (secrets included), rendered "
                             "raw.")),
      refresh_media_type(schema
                             .enumeration("http.auth.token.refreshMediaType",
                                          {"json", "urlencoded", "xml", "plaintext"})
                             .label("Refresh media type")
                             .default_value("urlencoded")
                             .group("Authentication")
                             .shown_when("http.auth.type", "token")
                             .help("Content-Type of the refresh body: application/json, "
                                   "application/x-www-form-urlencoded, application/xml or "
                                   "text/plain. The response must be JSON.")),
      refresh_token_path(schema.string("http.auth.token.refreshTokenPath")
                             .label("Path to token in refresh response")
                             .default_value("access_token")
                             .group("Authentication")
                             .shown_when("http.auth.type", "token")
                             .help("Dotted path of the new token in the refresh response, e.g. "
                                   "data.token.")),
      refresh_token(
          schema.string("http.auth.token.refreshToken")
              .label("Refresh token")
              .secret()
              .group("Authentication")
              .shown_when("http.auth.type", std::vector<json::value>{"token", "oauth"})
              .help("Used by refreshBody as {{{connection.http.auth.token.refreshToken}}}; "
                    "with oauth, the refresh token a grant_type=refresh_token request "
                    "sends. Stored encrypted; never logged.")),
      refresh_headers(schema.array("http.auth.token.refreshHeaders")
                          .label("Refresh headers")
                          .group("Authentication")
                          .items(header_item())
                          .shown_when("http.auth.type", "token")
                          .help("Headers of the refresh request (values: Handlebars against "
                                "{{connection}}).")),
      token_paths(schema.array("http.auth.token.tokenPaths")
                      .label("Paths to other tokens in refresh response")
                      .items(FieldType::kString)
                      .group("Authentication")
                      .shown_when("http.auth.type", "token")
                      .help("Dotted paths of further credentials in the refresh response (e.g. "
                            "a new refresh token): masked in every message and log.")),
      oauth_grant_type(
          schema
              .enumeration("http.auth.oauth.grantType",
                           {"authorizecode", "clientcredentials", "password"})
              .label("Grant type")
              .default_value("clientcredentials")
              .group("Authentication")
              .shown_when("http.auth.type", "oauth")
              .help("clientcredentials or password: a token request with those credentials. "
                    "authorizecode: a user authorizes the connection once with `sluice "
                    "connection authorize ID` (a browser visit, PKCE S256, redirect to a "
                    "one-time listener on 127.0.0.1); the tokens it obtains are kept encrypted "
                    "in the store and the access token is renewed with the refresh token "
                    "(grant_type=refresh_token), or with http.auth.token.refreshToken when set.")),
      oauth_token_uri(schema.tmpl("http.auth.oauth.tokenURI")
                          .label("Access token URL")
                          .group("Authentication")
                          .shown_when("http.auth.type", "oauth")
                          .help("The token endpoint, absolute or relative to the base URI.")),
      oauth_client_id(schema.string("http.auth.oauth.clientId")
                          .label("Client ID")
                          .group("Authentication")
                          .shown_when("http.auth.type", "oauth")
                          .help("The OAuth client id the token endpoint knows this application "
                                "by.")),
      oauth_client_secret(schema.string("http.auth.oauth.clientSecret")
                              .label("Client secret")
                              .secret()
                              .group("Authentication")
                              .shown_when("http.auth.type", "oauth")
                              .help("The OAuth client secret; sent as clientCredentialsLocation "
                                    "says. Stored encrypted; never logged.")),
      oauth_client_auth(schema
                            .enumeration("http.auth.oauth.clientCredentialsLocation",
                                         {"basicauthheader", "body"})
                            .label("Send client credentials via")
                            .default_value("basicauthheader")
                            .group("Authentication")
                            .shown_when("http.auth.type", "oauth")
                            .help("basicauthheader: Authorization: Basic (RFC 6749 §2.3.1). body: "
                                  "client_id and client_secret as form fields.")),
      oauth_scope(schema.array("http.auth.oauth.scope")
                      .label("Scopes")
                      .items(FieldType::kString)
                      .group("Authentication")
                      .shown_when("http.auth.type", "oauth")
                      .help("Scopes asked for in token requests, joined with "
                            "http.auth.oauth.scopeDelimiter, e.g. [\"orders.read\"].")),
      oauth_scope_delimiter(schema.string("http.auth.oauth.scopeDelimiter")
                                .label("Scope delimiter")
                                .default_value(" ")
                                .group("Authentication")
                                .shown_when("http.auth.type", "oauth")
                                .help("What joins the scopes in the scope parameter (a space, as "
                                      "RFC 6749 says; some APIs want a comma).")),
      oauth_username(schema.string("http.auth.oauth.username")
                         .label("Username")
                         .group("Authentication")
                         .shown_when("http.auth.type", "oauth")
                         .help("With grantType password.")),
      oauth_password(schema.string("http.auth.oauth.password")
                         .label("Password")
                         .secret()
                         .group("Authentication")
                         .shown_when("http.auth.type", "oauth")
                         .help("With grantType password. Stored encrypted; never logged.")),
      oauth_access_token_path(schema.string("http.auth.oauth.accessTokenPath")
                                  .label("Path to access token")
                                  .default_value("access_token")
                                  .group("Authentication")
                                  .shown_when("http.auth.type", "oauth")
                                  .help("Dotted path of the access token in the token response.")),
      oauth_access_token_headers(schema.array("http.auth.oauth.accessTokenHeaders")
                                     .label("Token request headers")
                                     .items(header_item())
                                     .group("Authentication")
                                     .shown_when("http.auth.type", "oauth")
                                     .help("Headers added to every token request (values: "
                                           "Handlebars against {{connection}}).")),
      oauth_auth_uri(schema.tmpl("http.auth.oauth.authURI")
                         .label("Authorization URL")
                         .group("Authentication")
                         .shown_when("http.auth.oauth.grantType", "authorizecode")
                         .help("With grantType authorizecode: the API's authorization endpoint "
                               "(absolute), which `sluice connection authorize ID` sends the "
                               "user to with response_type=code, client_id, redirect_uri, "
                               "scope, state and an S256 code_challenge. Handlebars against "
                               "{{connection}}.")),
      oauth_pkce_verifier(schema.string("http.auth.oauth.pkceCodeVerifier")
                              .label("PKCE code verifier")
                              .secret()
                              .group("Authentication")
                              .shown_when("http.auth.oauth.grantType", "authorizecode")
                              .help("With grantType authorizecode: the PKCE code verifier (RFC "
                                    "7636, 43 to 128 characters of A-Z a-z 0-9 - . _ ~) sent "
                                    "with the code. Leave it empty (recommended): each "
                                    "authorization then makes a fresh random one. Stored "
                                    "encrypted; never logged.")),
      cookie_uri(schema.tmpl("http.auth.cookie.uri")
                     .label("Login URI")
                     .group("Authentication")
                     .shown_when("http.auth.type", "cookie")
                     .help("Requested before the first call and again when the session is "
                           "refused; absolute or relative to the base URI. Handlebars against "
                           "{{connection}}.")),
      cookie_method(schema.enumeration("http.auth.cookie.method", {"GET", "POST", "PUT"})
                        .label("Login method")
                        .default_value("POST")
                        .group("Authentication")
                        .shown_when("http.auth.type", "cookie")
                        .help("The method of the login request.")),
      cookie_body(schema.tmpl("http.auth.cookie.body")
                      .label("Login body")
                      .group("Authentication")
                      .shown_when("http.auth.type", "cookie")
                      .help("JSON, rendered raw against {{connection}} (secrets included).")),
      cookie_success_status(schema.integer("http.auth.cookie.successStatusCode")
                                .label("Login success status code")
                                .minimum(100)
                                .maximum(599)
                                .group("Authentication")
                                .shown_when("http.auth.type", "cookie")
                                .help("Absent: any 2xx means the login worked.")),
      limits(schema) {
  declare_unsupported_connection_settings(schema);
}

ExportSettings::ExportSettings()
    : method(schema.enumeration("http.method", {"GET", "POST", "PUT", "PATCH", "DELETE"})
                 .unsupported_values({"DELETE"})
                 .label("HTTP method")
                 .default_value("GET")
                 .group("Request")
                 .help("The method of each request of the export (and of a lookup's per-record "
                       "request).")),
      relative_uri(schema.tmpl("http.relativeURI")
                       .label("Relative URI")
                       .group("Request")
                       .help("Appended to the connection's base URI. Handlebars: "
                             "{{export.http.paging.page}}, .skip and .token are the current page "
                             "number, offset and token of page, skip and token paging; {{x}} is "
                             "URL-encoded, {{{x}}} is not. In a lookup "
                             "(isLookup: true) it is rendered once per record: "
                             "/customers/{{record.customer.id}}.")),
      body(schema.tmpl("http.body")
               .label("HTTP request body")
               .group("Request")
               .help("Sent as is (application/json) after rendering; {{x}} is escaped as JSON "
                     "string content. Variables: docs/templates.md, e.g. "
                     "{{export.http.paging.page}}, {{lastExportDateTime}}.")),
      headers(declare_headers(
          schema, "Headers for this export; they replace same-named connection headers.")),
      resource_path(schema.string("http.response.resourcePath")
                        .label("Path to records")
                        .group("Response")
                        .help("Dotted path to the array of records in the response body, e.g. "
                              "data.orders. Empty means the body itself is the array. A path that "
                              "is missing or does not hold an array fails the export with the keys "
                              "that were found (and an array of objects found elsewhere), rather "
                              "than exporting 0 records; an empty array there while the body has "
                              "records elsewhere warns once. In a lookup, the "
                              "record's data: an array, or an object as one record; a missing "
                              "path fails that record's lookup.")),
      paging_method(
          schema
              .enumeration("http.paging.method",
                           {"page", "skip", "token", "url", "linkheader", "relativeuri", "body"})
              .label("Paging method")
              .group("Paging")
              .help("Absent: one request. page: a page number ({{export.http.paging.page}}, or "
                    "page=N added) grows by one until a page is empty. skip: an offset "
                    "({{export.http.paging.skip}}) grows by the records received until a page is "
                    "empty. token: the next token ({{export.http.paging.token}}) is read at "
                    "http.paging.path (body or header) until there is none. url: the next URL is "
                    "read at http.paging.path in the body until there is none. linkheader: the "
                    "Link header's rel=\"next\" URL is followed until there is none. relativeuri "
                    "/ body: http.paging.relativeURI / http.paging.body, rendered against "
                    "previous_page, is used after the first request until a page is empty or it "
                    "renders empty. docs/http.md, \"Paging\", has a table.")),
      paging_page(
          schema.integer("http.paging.page")
              .label("Page number to start from")
              .default_value(0)
              .minimum(0)
              .maximum(2147483647)
              .group("Paging")
              .shown_when("http.paging.method", "page")
              .help("The first page's number (integrator.io's default is 0; many APIs start at 1). "
                    "If neither http.relativeURI nor http.body uses {{export.http.paging.page}}, "
                    "the query parameter page=N is set on the URL instead.")),
      paging_path(schema.string("http.paging.path")
                      .label("Path to next page URL or token")
                      .group("Paging")
                      .shown_when("http.paging.method", std::vector<json::value>{"url", "token"})
                      .help("url: dotted path in the response body to the next page's URL, "
                            "absolute or relative to the base URI, e.g. links.next. token: where "
                            "the next token is: a dotted body path (e.g. meta.next_token), or with "
                            "http.paging.pathLocation header a header name (e.g. X-Next-Token).")),
      last_page_status(schema.integer("http.paging.lastPageStatusCode")
                           .label("Last page status code")
                           .minimum(100)
                           .maximum(599)
                           .group("Paging")
                           .help("A response with this status (e.g. 204 or 400) means there are "
                                 "no more pages: the export ends without error. Absent: with a "
                                 "paging method, a 404 after the first page does (integrator.io's "
                                 "default).")),
      last_page_path(
          schema.string("http.paging.lastPagePath")
              .label("Path to last page indicator")
              .group("Paging")
              .help(
                  "Dotted path in the response body checked against http.paging.lastPageValues.")),
      last_page_values(
          schema.array("http.paging.lastPageValues")
              .label("Last page values")
              .items(FieldType::kString)
              .group("Paging")
              .help("The page is the last one when the value at http.paging.lastPagePath equals "
                    "one of these (compared as text; null matches a missing or null value).")),
      max_page_path(schema.string("http.paging.maxPagePath")
                        .label("Path to page count")
                        .group("Paging")
                        .shown_when("http.paging.method", std::vector<json::value>{"page", "skip"})
                        .help("Dotted path in the response body to the number of the last page; "
                              "paging stops after that page.")),
      max_count_path(schema.string("http.paging.maxCountPath")
                         .label("Path to record count")
                         .group("Paging")
                         .shown_when("http.paging.method", std::vector<json::value>{"page", "skip"})
                         .help("Dotted path in the response body to the total number of records; "
                               "paging stops once that many have been exported.")),
      paging_skip(schema.integer("http.paging.skip")
                      .label("Offset to start from")
                      .default_value(0)
                      .minimum(0)
                      .group("Paging")
                      .shown_when("http.paging.method", "skip")
                      .help("The first request's {{export.http.paging.skip}}; each later request's "
                            "is this plus the records received so far. http.relativeURI or "
                            "http.body must use it, e.g. /items?offset={{export.http.paging.skip}}"
                            "&limit=100.")),
      paging_token(schema.string("http.paging.token")
                       .label("First page token")
                       .group("Paging")
                       .shown_when("http.paging.method", "token")
                       .help("{{export.http.paging.token}} of the first request; empty sends none "
                             "(wrap the parameter in {{#if export.http.paging.token}}...{{/if}}). "
                             "Later requests get the token read from the previous response.")),
      paging_path_location(schema.enumeration("http.paging.pathLocation", {"body", "header"})
                               .label("Token location")
                               .default_value("body")
                               .group("Paging")
                               .shown_when("http.paging.method", "token")
                               .help("body: http.paging.path is a dotted path in the response "
                                     "body. header: it is a response header's name.")),
      paging_path_after_first_request(
          schema.string("http.paging.pathAfterFirstRequest")
              .label("Path to token after the first request")
              .group("Paging")
              .shown_when("http.paging.method", "token")
              .help("Where the token is in the responses after the first, when the API moves it "
                    "(same location as http.paging.path); empty: http.paging.path.")),
      paging_relative_uri(
          schema.tmpl("http.paging.relativeURI")
              .label("Relative URI for later pages")
              .group("Paging")
              .shown_when("http.paging.method", "relativeuri")
              .help("Requested instead of http.relativeURI after the first request, rendered "
                    "against the previous response: e.g. /items?after="
                    "{{previous_page.last_record.id}} or {{{previous_page.full_response.next}}}. "
                    "Paging ends when a page is empty or this renders empty.")),
      paging_body(schema.tmpl("http.paging.body")
                      .label("Request body for later pages")
                      .group("Paging")
                      .shown_when("http.paging.method", "body")
                      .help("Sent instead of http.body after the first request, rendered against "
                            "the previous response ({{x}} escaped as JSON string content), e.g. "
                            "{\"cursor\": \"{{previous_page.full_response.cursor}}\"}. Paging "
                            "ends when a page is empty or this renders empty.")),
      link_header_relation(schema.string("http.paging.linkHeaderRelation")
                               .label("Link header relation")
                               .default_value("next")
                               .group("Paging")
                               .shown_when("http.paging.method", "linkheader")
                               .help("The rel of the Link header (RFC 8288) to follow, compared "
                                     "case-insensitively; the link's URL may be absolute or "
                                     "relative to the request's URL. Paging ends when the "
                                     "response has no link with it.")),
      paging_resource_path(
          schema.string("http.paging.resourcePath")
              .label("Path to records on later pages")
              .group("Paging")
              .help("Dotted path to the records in the responses after the first, when the API "
                    "places them elsewhere than http.response.resourcePath; empty: the same.")),
      success_path(schema.string("http.response.successPath")
                       .label("Path to success field in HTTP response body")
                       .group("Response")
                       .help("For APIs that answer 200 even when a request failed: a 2xx response "
                             "succeeded only if the value at this dotted path equals one of "
                             "http.response.successValues; otherwise the export fails with the "
                             "message at http.response.errorPath.")),
      success_values(schema.array("http.response.successValues")
                         .label("Success values")
                         .items(FieldType::kString)
                         .group("Response")
                         .help("Compared as text with the value at http.response.successPath "
                               "(\"true\" matches true). Required with successPath.")),
      fail_path(schema.string("http.response.failPath")
                    .label("Path to failure field in HTTP response body")
                    .group("Response")
                    .help("A 2xx response whose value at this dotted path equals one of "
                          "http.response.failValues failed: the export stops with the message at "
                          "http.response.errorPath.")),
      fail_values(schema.array("http.response.failValues")
                      .label("Failure values")
                      .items(FieldType::kString)
                      .group("Response")
                      .help("Compared as text with the value at http.response.failPath. Required "
                            "with failPath.")),
      error_path(schema.string("http.response.errorPath")
                     .label("Path to error message in HTTP response body")
                     .group("Response")
                     .help("Dotted path to the error message of a response that successPath or "
                           "failPath marks failed, e.g. error.message.")),
      once_relative_uri(
          schema.tmpl("http.once.relativeURI")
              .label("Relative URI to mark a record exported")
              .group("Once")
              .help("With export type once: after each page is committed, one request per record "
                    "of that page, e.g. /orders/{{record.id}}/exported ({{x}} is URL-encoded).")),
      once_method(schema.enumeration("http.once.method", {"PUT", "POST", "PATCH"})
                      .label("HTTP method to mark a record exported")
                      .default_value("PUT")
                      .group("Once")
                      .help("The method of the per-record request marking a record exported.")),
      once_body(schema.tmpl("http.once.body")
                    .label("HTTP request body to mark a record exported")
                    .group("Once")
                    .help("Rendered per record ({{x}} escaped as JSON string content), e.g. "
                          "{\"exported\": true}; empty sends no body.")),
      request_media_type(request_media_type_setting(
          schema, {"json", "xml", "urlencoded", "form-data", "plaintext"}, {},
          "http.body is rendered with values escaped for that format (JSON string content, XML "
          "text, URL encoding, as is for plaintext); with form-data it must render a JSON object "
          "of flat fields, sent as multipart/form-data")),
      success_media_type(success_media_type_setting(schema, {"json", "xml", "csv", "plaintext"},
                                                    "this export")),
      error_media_type(error_media_type_setting(schema, "this export")) {
  declare_unsupported_export_settings(schema);
}

ImportSettings::ImportSettings()
    : method(schema.enumeration("http.method", {"POST", "PUT", "PATCH"})
                 .one_or_many()
                 .label("HTTP method")
                 .default_value("POST")
                 .group("Request")
                 .help("POST, PUT or PATCH; with http.requestType, one per request type in the "
                       "same order (e.g. [\"PUT\", \"POST\"] for [\"UPDATE\", \"CREATE\"]), or one "
                       "value for all.")),
      relative_uri(
          schema.tmpl("http.relativeURI")
              .one_or_many()
              .label("Relative URI")
              .group("Request")
              .help("Appended to the connection's base URI. With http.batchSize 1 it may use the "
                    "record, e.g. /orders/{{record.id}}; with larger batches only "
                    "batch_of_records. {{x}} is URL-encoded, {{{x}}} is not. With "
                    "http.requestType, one per request type in the same order, e.g. "
                    "[\"/items/{{record.itemId}}\", \"/items\"].")),
      headers(declare_headers(
          schema, "Headers for this import; they replace same-named connection headers.")),
      body(schema.tmpl("http.body")
               .one_or_many()
               .label("HTTP request body")
               .group("Request")
               .help("A template for the request body, rendered per request: with http.batchSize "
                     "1 against {{record}}, else against {{#each batch_of_records}}{{record.x}}"
                     "{{/each}}; {{x}} is escaped for http.requestMediaType (JSON string content "
                     "by default), {{{x}}} is raw. Empty: "
                     "the record (or a JSON array of the batch's records) as JSON. With "
                     "http.requestType, one per request type or one for all.")),
      batch_size(schema.integer("http.batchSize")
                     .label("Number of records per HTTP request")
                     .default_value(1)
                     .minimum(1)
                     .maximum(10000)
                     .group("Request")
                     .help("1: each request's body is one record (a JSON object). More: the body "
                           "is a JSON array of up to that many records. In a composite import a "
                           "batch's creates and updates go in separate requests.")),
      resource_path(schema.string("http.response.resourcePath")
                        .one_or_many()
                        .label("Path to records in HTTP response body")
                        .group("Response")
                        .help("Dotted path to the array of per-record results, in the order the "
                              "records were sent. Empty: a response that is an array is that list; "
                              "with batch size 1 the whole response is the record's result. With "
                              "http.requestType, one per request type or one for all.")),
      resource_id_path(
          schema.string("http.response.resourceIdPath")
              .one_or_many()
              .label("Path to id field in HTTP response body")
              .group("Response")
              .help("Dotted path to the record's id within each result (within the whole response "
                    "when the batch size is 1 and there is no per-record list). Empty: the "
                    "result's id, else its _id.")),
      success_path(schema.string("http.response.successPath")
                       .one_or_many()
                       .label("Path to success field in HTTP response body")
                       .group("Response")
                       .help("When set, a record succeeded only if the value at this path of its "
                             "result equals one of http.response.successValues.")),
      success_values(schema.array("http.response.successValues")
                         .label("Success values")
                         .items(FieldType::kString)
                         .group("Response")
                         .help("Compared as text with the value at http.response.successPath.")),
      error_path(schema.string("http.response.errorPath")
                     .one_or_many()
                     .label("Path to error field in HTTP response body")
                     .group("Response")
                     .help("Dotted path to the error message within a failed record's result; "
                           "without it the message comes from the result's errors[].message, "
                           "or for an HTTP error, the status and the response.")),
      fail_path(schema.string("http.response.failPath")
                    .one_or_many()
                    .label("Path to failure field in HTTP response body")
                    .group("Response")
                    .help("When set, a record whose result holds one of "
                          "http.response.failValues at this path failed, even inside a 2xx "
                          "response (its message from http.response.errorPath); the other records "
                          "of the batch are unaffected.")),
      fail_values(schema.array("http.response.failValues")
                      .label("Failure values")
                      .items(FieldType::kString)
                      .group("Response")
                      .help("Compared as text with the value at http.response.failPath.")),
      request_type(schema.enumeration("http.requestType", {"CREATE", "UPDATE"})
                       .one_or_many()
                       .label("Request types")
                       .group("Request")
                       .help("Composite create/update: [\"UPDATE\", \"CREATE\"] (any order) with "
                             "http.method, http.relativeURI and http.body holding one entry per "
                             "type in the same order; http.existingExtract picks the type per "
                             "record. A single type (e.g. [\"UPDATE\"] with ignoreMissing) sends "
                             "every record with it.")),
      existing_extract(schema.string("http.existingExtract")
                           .label("Field that says the record exists")
                           .group("Request")
                           .help("Dotted path in the record submitted (e.g. customerId, set by an "
                                 "earlier lookup or response mapping): a value other than null or "
                                 "\"\" means the record exists, so it takes the UPDATE request, "
                                 "else the CREATE one.")),
      ignore_existing(schema.boolean("ignoreExisting")
                          .label("Ignore existing records")
                          .default_value(false)
                          .group("Request")
                          .help("true: a record whose http.ignoreExtract field has a value is not "
                                "sent; it counts as ignored (numIgnore).")),
      ignore_missing(
          schema.boolean("ignoreMissing")
              .label("Ignore missing records")
              .default_value(false)
              .group("Request")
              .help("true: a record whose http.ignoreExtract field has no value (missing, "
                    "null or \"\") is not sent; it counts as ignored (numIgnore).")),
      ignore_extract(
          schema.string("http.ignoreExtract")
              .label("Field that says the record exists (ignore)")
              .group("Request")
              .help("With ignoreExisting or ignoreMissing: the dotted path in the record "
                    "whose value means the record exists; default "
                    "http.existingExtract.")),
      ignore_empty_nodes(schema.boolean("http.ignoreEmptyNodes")
                             .label("Remove empty fields from HTTP request body")
                             .default_value(false)
                             .group("Request")
                             .help("true: null values, empty strings, empty arrays and empty "
                                   "objects (also those left empty by the removal) are removed "
                                   "from the JSON body before it is sent; a rendered http.body "
                                   "that is not JSON then fails its records.")),
      strict_handlebars(schema.boolean("http.strictHandlebarEvaluation")
                            .label("Strict handlebars evaluation")
                            .default_value(false)
                            .group("Request")
                            .help("true: a template (relative URI, body, header) naming a field "
                                  "the record does not have fails the records of that request "
                                  "instead of rendering empty; nothing is sent for them.")),
      request_media_type(request_media_type_setting(
          schema, {"xml", "json", "csv", "urlencoded", "form-data", "octet-stream", "plaintext"},
          {"csv", "octet-stream"},
          "without http.body, urlencoded and form-data send the record's flat fields as a form "
          "(batch size 1); xml and plaintext need http.body, rendered with values escaped as "
          "XML text or as is")),
      success_media_type(
          success_media_type_setting(schema, {"xml", "json", "plaintext"}, "this import")),
      error_media_type(error_media_type_setting(schema, "this import")) {
  // Acted on by the host, which runs the import's mapping (docs/runtime.md).
  schema.boolean("http.sendPostMappedData")
      .label("Send post-mapped data")
      .default_value(true)
      .group("Request")
      .help(
          "false: submit each record as it entered the import's mapping (after preMap) "
          "instead of the mapped record.");
  declare_unsupported_import_settings(schema);
}

const ConnectionSettings& connection_settings() {
  static const ConnectionSettings settings;
  return settings;
}
const ExportSettings& export_settings() {
  static const ExportSettings settings;
  return settings;
}
const ImportSettings& import_settings() {
  static const ImportSettings settings;
  return settings;
}

Schema connection_schema() { return connection_settings().schema; }
Schema export_schema() { return export_settings().schema; }
Schema import_schema() { return import_settings().schema; }

}  // namespace sluice::plugins::http
