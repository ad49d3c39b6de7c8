#include "rest_translation.hpp"

#include <algorithm>
#include <string_view>
#include <type_traits>

#include <boost/json/serialize.hpp>

#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

namespace {

using RK = RestKind;
using RC = RestConvert;

// fmt-style "{}" substitution ("{{" and "}}" are braces): the plugin links no fmt.
std::string arg_text(std::string_view s) { return std::string(s); }
std::string arg_text(char c) { return std::string(1, c); }
template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
std::string arg_text(T n) {
  return std::to_string(n);
}

template <class... A>
std::string format(std::string_view pattern, const A&... args) {
  const std::string texts[] = {std::string(), arg_text(args)...};
  std::string out;
  size_t next = 1;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 2, "{{") == 0 || pattern.compare(i, 2, "}}") == 0) {
      out += pattern[i++];
    } else if (pattern.compare(i, 2, "{}") == 0) {
      if (next < sizeof...(A) + 1) out += texts[next++];
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

const char* kind_name(RestKind kind) {
  switch (kind) {
    case RK::kConnection:
      return "connection";
    case RK::kExport:
      return "export";
    case RK::kImport:
      return "import";
  }
  return "connection";
}

const Schema& http_schema(RestKind kind) {
  static const Schema connection = connection_schema();
  static const Schema exports = export_schema();
  static const Schema imports = import_schema();
  return kind == RK::kConnection ? connection : kind == RK::kExport ? exports : imports;
}

const json::object& http_schema_json(RestKind kind) {
  static const json::object connection = http_schema(RK::kConnection).to_json();
  static const json::object exports = http_schema(RK::kExport).to_json();
  static const json::object imports = http_schema(RK::kImport).to_json();
  return kind == RK::kConnection ? connection : kind == RK::kExport ? exports : imports;
}

const Field* http_field(RestKind kind, std::string_view path) {
  for (const Field& f : http_schema(kind).fields())
    if (f.path() == path) return &f;
  return nullptr;
}

// True when the http schema marks `path` (or an object above it) "not supported yet".
bool http_unsupported(RestKind kind, std::string_view path) {
  const json::object* node = &http_schema_json(kind);
  size_t at = 0;
  while (at <= path.size()) {
    const size_t dot = path.find('.', at);
    const std::string_view name =
        path.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
    const json::value* props = node->if_contains("properties");
    const json::value* child =
        props != nullptr && props->is_object() ? props->get_object().if_contains(name) : nullptr;
    if (child == nullptr || !child->is_object()) return false;
    node = &child->get_object();
    if (const json::value* u = node->if_contains("x-sluice-unsupported");
        u && u->is_bool() && u->get_bool()) {
      return true;
    }
    if (dot == std::string_view::npos) return false;
    at = dot + 1;
  }
  return false;
}

std::string describe_values(const RestSetting& row) {
  std::string out;
  for (const auto& [rest, http] : row.values) {
    if (!out.empty()) out += ", ";
    out += http.empty() ? format("{} → none (not supported yet)", rest)
                        : format("{} → {}", rest, http);
  }
  return out;
}

std::string page_argument_help(const RestSetting& row) {
  if (row.rest == "rest.skipArgument") {
    return "With rest.pagingMethod skipargument: the query parameter carrying the number of "
           "records already read (default skip); read as "
           "?<name>={{export.http.paging.skip}} appended to http.relativeURI.";
  }
  return "With rest.pagingMethod pageargument: the query parameter carrying the page number "
         "(default page; read as ?<name>={{export.http.paging.page}} appended to "
         "http.relativeURI). With token: the query parameter carrying the next page token "
         "(required; read as {{#if export.http.paging.token}}?<name>="
         "{{export.http.paging.token}}{{/if}} appended to http.relativeURI).";
}

Schema header_items() {
  Schema item;
  item.string("name").label("Name").required();
  item.tmpl("value").label("Value");
  return item;
}

FieldType item_type_of(const json::object& field_json) {
  const json::value* items = field_json.if_contains("items");
  const json::object* o = items != nullptr ? items->if_object() : nullptr;
  const json::value* type = o != nullptr ? o->if_contains("type") : nullptr;
  if (type != nullptr && type->is_string()) {
    if (type->get_string() == "integer") return FieldType::kInteger;
    if (type->get_string() == "number") return FieldType::kNumber;
    if (type->get_string() == "boolean") return FieldType::kBoolean;
    if (type->get_string() == "object") return FieldType::kObject;
  }
  return FieldType::kString;
}

bool items_are_headers(const json::object& field_json) {
  const json::value* items = field_json.if_contains("items");
  const json::object* o = items != nullptr ? items->if_object() : nullptr;
  return o != nullptr && o->contains("properties");
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

void declare(Schema& s, const RestSetting& row) {
  if (row.http.empty()) {
    s.unsupported(row.rest,
                  "integrator.io's legacy REST setting has no HTTP equivalent in Sluice yet");
    return;
  }
  if (http_unsupported(row.kind, row.http)) {
    s.unsupported(row.rest, format("read as {}, which is not supported yet", row.http));
    return;
  }
  const Field* f = http_field(row.kind, row.http);
  if (f == nullptr) {  // a table row naming no http setting: rest_translation_test fails on it
    s.unsupported(row.rest,
                  format("read as {}, which the HTTP connector does not declare", row.http));
    return;
  }
  const json::object fj = f->to_json();
  std::string help;
  Field* field = nullptr;
  switch (row.convert) {
    case RC::kPageArgument:
      field = &s.string(row.rest);
      help = page_argument_help(row);
      break;
    case RC::kWrapInArray:
      field = &s.string(row.rest);
      help = format("Read as {} = [value].", row.http);
      break;
    case RC::kFirstOfArray:
      field = &s.array(row.rest).items(f->type() == FieldType::kInteger ? FieldType::kInteger
                                                                        : FieldType::kString);
      help = format(
          "One entry per request, as integrator.io stores it: one entry is read as {}{}.", row.http,
          f->type() == FieldType::kArray || f->is_one_or_many()
              ? "; several are a composite import (one per request type, as rest.requestType)"
              : "; several (a composite import) are not supported yet");
      break;
    case RC::kSame:
      switch (f->type()) {
        case FieldType::kEnum: {
          std::vector<std::string> values, unsupported;
          const std::vector<std::string>& http_unsupported_values = f->unsupported_enum_values();
          auto is_unsupported = [&](const std::string& http) {
            return http.empty() ||
                   std::find(http_unsupported_values.begin(), http_unsupported_values.end(),
                             http) != http_unsupported_values.end();
          };
          if (row.values.empty()) {
            values = f->enum_values();
            unsupported = http_unsupported_values;
          } else {
            for (const auto& [rest, http] : row.values) {
              values.push_back(rest);
              if (is_unsupported(http)) unsupported.push_back(rest);
            }
          }
          field = &s.enumeration(row.rest, values);
          if (!unsupported.empty()) field->unsupported_values(unsupported);
          break;
        }
        case FieldType::kTemplate:
          field = &s.tmpl(row.rest);
          break;
        case FieldType::kInteger:
          field = &s.integer(row.rest);
          if (auto lo = f->lower_bound()) field->minimum(*lo);
          if (auto hi = f->upper_bound()) field->maximum(*hi);
          break;
        case FieldType::kNumber:
          field = &s.number(row.rest);
          break;
        case FieldType::kBoolean:
          field = &s.boolean(row.rest);
          break;
        case FieldType::kObject:
          field = &s.object(row.rest);
          break;
        case FieldType::kArray:
          field = &s.array(row.rest);
          if (items_are_headers(fj)) {
            field->items(header_items());
          } else {
            field->items(item_type_of(fj));
          }
          break;
        case FieldType::kString:
          field = &s.string(row.rest);
          break;
      }
      help = row.values.empty() ? format("Read as {}.", row.http)
                                : format("Read as {}: {}.", row.http, describe_values(row));
      if (row.values.empty()) {
        if (const json::value* d = f->declared_default()) field->default_value(*d);
      }
      if (f->is_required() && !f->is_conditional()) field->required();
      break;
  }
  const std::string http_help = text_of(fj, "description");
  if (!http_help.empty() && row.convert != RC::kPageArgument) help += " " + http_help;
  const std::string label = text_of(fj, "title");
  field->label(label.empty() ? row.rest : label).help(help).group("Legacy REST");
  if (f->is_secret()) field->secret();
}

Schema schema_of(RestKind kind) {
  Schema s;
  for (const RestSetting& row : rest_settings())
    if (row.kind == kind) declare(s, row);
  if (kind == RK::kConnection) {
    s.ignored("rest.info", "metadata integrator.io fills in about the connection");
  }
  return s;
}

Error refuse(RestKind kind, std::string message) {
  return make_error(Status::kInvalidConfig,
                    format("legacy REST {}: {}", kind_name(kind), std::move(message)));
}

const json::value* find_path(const json::object& doc, std::string_view path) {
  const json::object* node = &doc;
  size_t at = 0;
  for (;;) {
    const size_t dot = path.find('.', at);
    const std::string_view name =
        path.substr(at, dot == std::string_view::npos ? std::string_view::npos : dot - at);
    const json::value* v = node->if_contains(name);
    if (v == nullptr || dot == std::string_view::npos) return v;
    if (!v->is_object()) return nullptr;
    node = &v->get_object();
    at = dot + 1;
  }
}

// Sets `value` at the dotted `path` below `root`, making the objects on the way.
void set_path(json::object& root, std::string_view path, json::value value) {
  json::object* node = &root;
  size_t at = 0;
  for (;;) {
    const size_t dot = path.find('.', at);
    if (dot == std::string_view::npos) {
      (*node)[path.substr(at)] = std::move(value);
      return;
    }
    json::value& child = (*node)[path.substr(at, dot - at)];
    if (!child.is_object()) child = json::object();
    node = &child.get_object();
    at = dot + 1;
  }
}

// Every key below `node` (at dotted `path`) must be a table row of `kind` or lead to one.
Result<void> check_known(const json::object& node, const std::string& path, RestKind kind) {
  for (const auto& [key, value] : node) {
    const std::string at = format("{}.{}", path, std::string_view(key));
    bool leaf = false, parent = false;
    for (const RestSetting& row : rest_settings()) {
      if (row.kind != kind) continue;
      if (row.rest == at) leaf = true;
      if (row.rest.size() > at.size() && row.rest.starts_with(at) && row.rest[at.size()] == '.')
        parent = true;
    }
    if (kind == RK::kConnection && at == "rest.info") leaf = true;
    if (leaf) continue;
    if (parent && value.is_object()) {
      if (auto r = check_known(value.get_object(), at, kind); !r) return r;
      continue;
    }
    return refuse(kind, format("{}: not a legacy REST setting Sluice knows; remove it or "
                               "write the resource with http.* settings "
                               "(`sluice plugin info http`)",
                               at));
  }
  return {};
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

// "connection.rest.X..." in `text` → "connection.http.<X's http path>...".
std::string rewrite_template(const std::string& text) {
  static constexpr std::string_view kPrefix = "connection.rest.";
  if (text.find(kPrefix) == std::string::npos) return text;
  std::string out;
  size_t at = 0;
  for (size_t found; (found = text.find(kPrefix, at)) != std::string::npos;) {
    out.append(text, at, found - at);
    size_t end = found + kPrefix.size();
    while (end < text.size() && is_name_char(text[end])) ++end;
    const std::string name = text.substr(found + std::string_view("connection.").size(),
                                         end - found - std::string_view("connection.").size());
    const RestSetting* best = nullptr;
    for (const RestSetting& row : rest_settings()) {
      if (row.kind != RK::kConnection || row.http.empty() || row.convert != RC::kSame) continue;
      const bool matches =
          name == row.rest || (name.size() > row.rest.size() && name.starts_with(row.rest) &&
                               name[row.rest.size()] == '.');
      if (matches && (best == nullptr || row.rest.size() > best->rest.size())) best = &row;
    }
    out += "connection.";
    out += best != nullptr ? best->http + name.substr(best->rest.size()) : name;
    at = end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

void rewrite_templates(json::value& v) {
  if (v.is_string()) {
    std::string rewritten = rewrite_template(std::string(v.get_string()));
    if (rewritten != v.get_string()) v = rewritten;
  } else if (v.is_object()) {
    for (auto& member : v.get_object()) rewrite_templates(member.value());
  } else if (v.is_array()) {
    for (auto& item : v.get_array()) rewrite_templates(item);
  }
}

std::string string_at(const json::object& doc, std::string_view path) {
  const json::value* v = find_path(doc, path);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// rest.pageArgument / rest.skipArgument: the paging parameter written into http.relativeURI.
Result<void> add_page_argument(const json::object& doc, json::object& http) {
  const std::string method = string_at(doc, "rest.pagingMethod");
  const std::string page_argument = string_at(doc, "rest.pageArgument");
  const std::string skip_argument = string_at(doc, "rest.skipArgument");
  std::string uri = string_at(http, "relativeURI");
  const char sep = uri.find('?') == std::string::npos ? '?' : '&';
  if (!skip_argument.empty() && method != "skipargument") {
    return refuse(RK::kExport, format("rest.skipArgument is set but rest.pagingMethod is "
                                      "\"{}\"; it applies with skipargument: remove one",
                                      method));
  }
  if (method == "pageargument") {
    if (page_argument.empty() || page_argument == "page") return {};
    uri += format("{}{}={{{{export.http.paging.page}}}}", sep, page_argument);
  } else if (method == "skipargument") {
    uri += format("{}{}={{{{export.http.paging.skip}}}}", sep,
                  skip_argument.empty() ? std::string("skip") : skip_argument);
  } else if (method == "token") {
    if (page_argument.empty()) {
      return refuse(RK::kExport,
                    "rest.pagingMethod token needs rest.pageArgument, the query parameter that "
                    "carries the next page token (e.g. \"cursor\"); set it");
    }
    uri += format(
        "{{{{#if export.http.paging.token}}}}{}{}={{{{export.http.paging.token}}}}{{{{/if}}}}", sep,
        page_argument);
  } else if (!page_argument.empty()) {
    return refuse(RK::kExport,
                  format("rest.pageArgument is set but rest.pagingMethod is \"{}\"; it "
                         "applies with pageargument or token: remove one",
                         method));
  } else {
    return {};
  }
  http["relativeURI"] = uri;
  return {};
}

}  // namespace

const std::vector<RestSetting>& rest_settings() {
  static const std::vector<RestSetting> table = {
      // Connections (integrator.io's rest.yml).
      {RK::kConnection, "rest.baseURI", "http.baseURI"},
      {RK::kConnection,
       "rest.mediaType",
       "http.mediaType",
       RC::kSame,
       {{"json", "json"}, {"urlencoded", "urlencoded"}, {"xml", "xml"}, {"csv", ""}}},
      {RK::kConnection, "rest.headers", "http.headers"},
      {RK::kConnection,
       "rest.authType",
       "http.auth.type",
       RC::kSame,
       {{"basic", "basic"},
        {"token", "token"},
        {"oauth", "oauth"},
        {"custom", "custom"},
        {"cookie", "cookie"},
        {"jwt", "jwt"},
        {"hmac", ""},
        {"wsse", "wsse"},
        {"oauth1", "oauth1"}}},
      {RK::kConnection, "rest.basicAuth.username", "http.auth.basic.username"},
      {RK::kConnection, "rest.basicAuth.password", "http.auth.basic.password"},
      {RK::kConnection, "rest.bearerToken", "http.auth.token.token"},
      {RK::kConnection,
       "rest.tokenLocation",
       "http.auth.token.location",
       RC::kSame,
       {{"header", "header"}, {"url", "url"}}},
      {RK::kConnection, "rest.authHeader", "http.auth.token.headerName"},
      {RK::kConnection, "rest.authScheme", "http.auth.token.scheme"},
      {RK::kConnection, "rest.tokenParam", "http.auth.token.paramName"},
      {RK::kConnection, "rest.refreshTokenURI", "http.auth.token.refreshRelativeURI"},
      {RK::kConnection, "rest.refreshTokenMethod", "http.auth.token.refreshMethod"},
      {RK::kConnection, "rest.refreshTokenBody", "http.auth.token.refreshBody"},
      {RK::kConnection, "rest.refreshTokenPath", "http.auth.token.refreshTokenPath"},
      {RK::kConnection,
       "rest.refreshTokenMediaType",
       "http.auth.token.refreshMediaType",
       RC::kSame,
       {{"json", "json"}, {"urlencoded", "urlencoded"}}},
      {RK::kConnection, "rest.refreshTokenHeaders", "http.auth.token.refreshHeaders"},
      {RK::kConnection, "rest.refreshToken", "http.auth.token.refreshToken"},
      {RK::kConnection, "rest.cookieAuth.uri", "http.auth.cookie.uri"},
      {RK::kConnection, "rest.cookieAuth.method", "http.auth.cookie.method"},
      {RK::kConnection, "rest.cookieAuth.body", "http.auth.cookie.body"},
      {RK::kConnection, "rest.cookieAuth.successStatusCode", "http.auth.cookie.successStatusCode"},
      {RK::kConnection, "rest.authURI", "http.auth.oauth.authURI"},
      {RK::kConnection, "rest.oauthTokenURI", "http.auth.oauth.tokenURI"},
      {RK::kConnection, "rest.scope", "http.auth.oauth.scope"},
      {RK::kConnection, "rest.scopeDelimiter", "http.auth.oauth.scopeDelimiter"},
      {RK::kConnection, "rest.skipOauthValidations", "http.auth.oauth.skipOauthValidations"},
      {RK::kConnection, "rest.oauth.type", "http.auth.oauth.type"},
      {RK::kConnection, "rest.oauth.grantType", "http.auth.oauth.grantType"},
      {RK::kConnection, "rest.oauth.authURI", "http.auth.oauth.authURI"},
      {RK::kConnection, "rest.oauth.tokenURI", "http.auth.oauth.tokenURI"},
      {RK::kConnection, "rest.oauth.scope", "http.auth.oauth.scope"},
      {RK::kConnection, "rest.oauth.scopeDelimiter", "http.auth.oauth.scopeDelimiter"},
      {RK::kConnection, "rest.oauth.clientId", "http.auth.oauth.clientId"},
      {RK::kConnection, "rest.oauth.clientSecret", "http.auth.oauth.clientSecret"},
      {RK::kConnection, "rest.oauth.username", "http.auth.oauth.username"},
      {RK::kConnection, "rest.oauth.password", "http.auth.oauth.password"},
      {RK::kConnection, "rest.oauth.clientCredentialsLocation",
       "http.auth.oauth.clientCredentialsLocation"},
      {RK::kConnection, "rest.oauth.accessTokenPath", "http.auth.oauth.accessTokenPath"},
      {RK::kConnection, "rest.oauth.accessTokenHeaders", "http.auth.oauth.accessTokenHeaders"},
      {RK::kConnection, "rest.oauth.accessTokenBody", "http.auth.oauth.accessTokenBody"},
      {RK::kConnection, "rest.oauth.useIClientFields", "http.auth.oauth.useIClientFields"},
      {RK::kConnection, "rest.oauth.pkceCodeVerifier", "http.auth.oauth.pkceCodeVerifier"},
      {RK::kConnection, "rest.oauth.skipOauthValidations", "http.auth.oauth.skipOauthValidations"},
      {RK::kConnection, "rest.pingRelativeURI", "http.ping.relativeURI"},
      {RK::kConnection,
       "rest.pingMethod",
       "http.ping.method",
       RC::kSame,
       {{"GET", "GET"}, {"POST", "POST"}}},
      {RK::kConnection, "rest.pingBody", "http.ping.body"},
      {RK::kConnection, "rest.pingSuccessPath", "http.ping.successPath"},
      {RK::kConnection, "rest.pingSuccessValues", "http.ping.successValues"},
      {RK::kConnection, "rest.pingFailurePath", "http.ping.failPath"},
      {RK::kConnection, "rest.pingFailureValues", "http.ping.failValues"},
      {RK::kConnection, "rest.disableStrictSSL", "http.disableStrictSSL"},
      {RK::kConnection, "rest.retryHeader", "http.retryHeader"},
      {RK::kConnection, "rest.concurrencyLevel", "http.concurrencyLevel"},
      {RK::kConnection, "rest.targetConcurrencyLevel", "http.targetConcurrencyLevel"},
      {RK::kConnection, "rest.encrypted", "http.encrypted"},
      {RK::kConnection, "rest.unencrypted", "http.unencrypted"},
      {RK::kConnection, "rest.encryptedFields", "http.encryptedFields"},
      {RK::kConnection, "rest.unencryptedFields", "http.unencryptedFields"},
      {RK::kConnection, "rest.isHTTPProxy", ""},
      // Exports (integrator.io's export form, rest.*).
      {RK::kExport, "rest.method", "http.method"},
      {RK::kExport, "rest.relativeURI", "http.relativeURI"},
      {RK::kExport, "rest.headers", "http.headers"},
      {RK::kExport, "rest.postBody", "http.body"},
      {RK::kExport, "rest.resourcePath", "http.response.resourcePath"},
      {RK::kExport, "rest.successPath", "http.response.successPath"},
      {RK::kExport, "rest.successValues", "http.response.successValues"},
      {RK::kExport, "rest.blobFormat", "http.response.blobFormat"},
      {RK::kExport,
       "rest.pagingMethod",
       "http.paging.method",
       RC::kSame,
       {{"nextpageurl", "url"},
        {"pageargument", "page"},
        {"relativeuri", "relativeuri"},
        {"linkheader", "linkheader"},
        {"skipargument", "skip"},
        {"token", "token"},
        {"postbody", "body"}}},
      {RK::kExport, "rest.nextPagePath", "http.paging.path"},
      {RK::kExport, "rest.pageArgument", "http.relativeURI", RC::kPageArgument},
      {RK::kExport, "rest.skipArgument", "http.relativeURI", RC::kPageArgument},
      {RK::kExport, "rest.linkHeaderRelation", "http.paging.linkHeaderRelation"},
      {RK::kExport, "rest.nextPageRelativeURI", "http.paging.relativeURI"},
      {RK::kExport, "rest.pagingPostBody", "http.paging.body"},
      {RK::kExport, "rest.maxPagePath", "http.paging.maxPagePath"},
      {RK::kExport, "rest.maxCountPath", "http.paging.maxCountPath"},
      {RK::kExport, "rest.lastPageStatusCode", "http.paging.lastPageStatusCode"},
      {RK::kExport, "rest.lastPagePath", "http.paging.lastPagePath"},
      {RK::kExport, "rest.lastPageValue", "http.paging.lastPageValues", RC::kWrapInArray},
      {RK::kExport, "rest.once.relativeURI", "http.once.relativeURI"},
      {RK::kExport, "rest.once.method", "http.once.method"},
      {RK::kExport, "rest.once.postBody", "http.once.body"},
      // Imports: per-request arrays (composite create/update has two).
      {RK::kImport, "rest.method", "http.method", RC::kFirstOfArray},
      {RK::kImport, "rest.relativeURI", "http.relativeURI", RC::kFirstOfArray},
      {RK::kImport, "rest.body", "http.body", RC::kFirstOfArray},
      {RK::kImport, "rest.headers", "http.headers"},
      {RK::kImport, "rest.successPath", "http.response.successPath", RC::kFirstOfArray},
      {RK::kImport, "rest.successValues", "http.response.successValues"},
      {RK::kImport, "rest.responseIdPath", "http.response.resourceIdPath", RC::kFirstOfArray},
      {RK::kImport, "rest.requestType", "http.requestType", RC::kFirstOfArray},
      {RK::kImport, "rest.existingExtract", "http.existingExtract"},
      {RK::kImport, "rest.ignoreExtract", "http.ignoreExtract"},
      {RK::kImport, "rest.existingLookupName", "http.existingLookupName"},
      {RK::kImport, "rest.ignoreLookupName", "http.ignoreLookupName"},
      {RK::kImport, "rest.lookups", ""},
  };
  return table;
}

Schema rest_connection_schema() { return schema_of(RK::kConnection); }
Schema rest_export_schema() { return schema_of(RK::kExport); }
Schema rest_import_schema() { return schema_of(RK::kImport); }

Result<json::object> translate_rest(const json::object& doc, RestKind kind) {
  json::object out = doc;
  out.erase("rest");
  if (kind == RK::kConnection) {
    out["type"] = "http";
  } else {
    out["adaptorType"] = kind == RK::kExport ? "HTTPExport" : "HTTPImport";
  }
  json::object http;
  const json::value* rest = doc.if_contains("rest");
  if (rest != nullptr && !rest->is_null()) {
    if (!rest->is_object()) {
      return refuse(kind, format("rest: expected an object of rest.* settings, found {}",
                                 json::serialize(*rest)));
    }
    if (auto r = check_known(rest->get_object(), "rest", kind); !r) return r.error();
  }
  for (const RestSetting& row : rest_settings()) {
    if (row.kind != kind) continue;
    const json::value* value = find_path(doc, row.rest);
    if (value == nullptr || value->is_null()) continue;
    if (row.http.empty() || http_unsupported(kind, row.http)) {
      return refuse(kind, format("{} is not supported yet{}; remove it", row.rest,
                                 row.http.empty() ? std::string(" (no HTTP equivalent)")
                                                  : format(" (it is {})", row.http)));
    }
    const std::string_view target = std::string_view(row.http).substr(5);  // below "http."
    switch (row.convert) {
      case RC::kPageArgument:
        break;  // add_page_argument, below
      case RC::kWrapInArray:
        set_path(http, target, value->is_array() ? *value : json::value(json::array{*value}));
        break;
      case RC::kFirstOfArray: {
        if (!value->is_array()) {
          set_path(http, target, *value);
          break;
        }
        const json::array& a = value->get_array();
        if (a.empty()) break;
        if (a.size() == 1) {
          set_path(http, target, a.front());
          break;
        }
        const Field* f = http_field(kind, row.http);
        if (f == nullptr || (f->type() != FieldType::kArray && !f->is_one_or_many())) {
          return refuse(kind, format("{} has {} entries, a composite create/update, which "
                                     "is not supported yet; keep one entry",
                                     row.rest, a.size()));
        }
        set_path(http, target, *value);
        break;
      }
      case RC::kSame: {
        if (row.values.empty() || !value->is_string()) {
          set_path(http, target, *value);
          break;
        }
        auto mapped = std::find_if(row.values.begin(), row.values.end(),
                                   [&](const auto& p) { return p.first == value->get_string(); });
        if (mapped == row.values.end() || mapped->second.empty()) {
          return refuse(kind, format("{}: \"{}\" is not supported yet ({})", row.rest,
                                     std::string_view(value->get_string()), describe_values(row)));
        }
        set_path(http, target, json::value(mapped->second));
        break;
      }
    }
  }
  if (kind == RK::kExport) {
    if (auto r = add_page_argument(doc, http); !r) return r.error();
  }
  json::value translated(std::move(http));
  rewrite_templates(translated);
  out["http"] = std::move(translated);
  return out;
}

Error with_rest_names(Error error, RestKind kind) {
  std::string names;
  std::vector<std::string> seen;
  for (const RestSetting& row : rest_settings()) {
    if (row.kind != kind || row.http.empty() || row.convert == RC::kPageArgument) continue;
    if (std::find(seen.begin(), seen.end(), row.http) != seen.end()) continue;
    const std::string& text = error.message;
    for (size_t at = text.find(row.http); at != std::string::npos;
         at = text.find(row.http, at + 1)) {
      const size_t end = at + row.http.size();
      const bool whole = (at == 0 || !is_name_char(text[at - 1])) &&
                         (end == text.size() || !is_name_char(text[end]) ||
                          (text[end] == '.' && (end + 1 == text.size() || text[end + 1] == ' ')));
      if (!whole) continue;
      names += format("{}{} is {}", names.empty() ? "" : ", ", row.http, row.rest);
      seen.push_back(row.http);
      break;
    }
  }
  if (!names.empty()) {
    error.message += format(" (in this legacy REST {}, {})", kind_name(kind), names);
  }
  return error;
}

}  // namespace sluice::plugins::http
