// The settings the universal HTTP connector declares, with integrator.io's JSON names
// (see /work/shared/reference/integratorio.md §3). Each is declared once, here: the host
// validates resources and builds forms from `schema`, and the readers in connection.cpp,
// paging.cpp, export_reader.cpp and import_writer.cpp read each setting through its member
// (sluice::Setting), which supplies the declared default, allowed values and bounds.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/value.hpp>

#include "auth_settings.hpp"
#include "limit_settings.hpp"
#include "ping_settings.hpp"
#include "sluice/schema.hpp"
#include "sluice/settings.hpp"

namespace sluice::plugins::http {

// `schema` comes first: every member after it is declared in it, in form order.
struct ConnectionSettings {
  ConnectionSettings();
  Schema schema;
  Setting<std::string> base_uri;
  Setting<std::string> media_type;
  Setting<std::string> success_media_type;  // media.hpp reads the three media types
  Setting<std::string> error_media_type;
  Setting<boost::json::value> headers;
  Setting<std::string> auth_type;
  Setting<std::string> basic_username;
  Setting<std::string> basic_password;
  Setting<std::string> token;
  Setting<std::string> token_location;
  Setting<std::string> token_header_name;
  Setting<std::string> token_scheme;
  Setting<std::string> token_param_name;
  SignedAuthSettings signed_auth;  // digest, wsse, oauth1, jwtbearer, custom (auth_settings.hpp)
  PingSettings ping;  // http.ping (ping_settings.hpp)
  TlsSettings tls;    // http.disableStrictSSL, http.clientCertificates (ping_settings.hpp)
  Setting<int64_t> auth_fail_status_code;
  Setting<std::string> auth_fail_path;
  Setting<boost::json::value> auth_fail_values;
  Setting<std::string> refresh_relative_uri;
  Setting<std::string> refresh_method;
  Setting<std::string> refresh_body;
  Setting<std::string> refresh_media_type;
  Setting<std::string> refresh_token_path;
  Setting<std::string> refresh_token;
  Setting<boost::json::value> refresh_headers;
  Setting<boost::json::value> token_paths;
  Setting<std::string> oauth_grant_type;
  Setting<std::string> oauth_token_uri;
  Setting<std::string> oauth_client_id;
  Setting<std::string> oauth_client_secret;
  Setting<std::string> oauth_client_auth;
  Setting<boost::json::value> oauth_scope;
  Setting<std::string> oauth_scope_delimiter;
  Setting<std::string> oauth_username;
  Setting<std::string> oauth_password;
  Setting<std::string> oauth_access_token_path;
  Setting<boost::json::value> oauth_access_token_headers;
  Setting<std::string> oauth_auth_uri;
  Setting<std::string> oauth_pkce_verifier;
  Setting<std::string> cookie_uri;
  Setting<std::string> cookie_method;
  Setting<std::string> cookie_body;
  Setting<int64_t> cookie_success_status;
  LimitSettings limits;  // concurrency, rate limit, retry header (limit_settings.hpp)
};

struct ExportSettings {
  ExportSettings();
  Schema schema;
  Setting<std::string> method;
  Setting<std::string> relative_uri;
  Setting<std::string> body;
  Setting<boost::json::value> headers;
  Setting<std::string> resource_path;
  Setting<std::string> paging_method;
  Setting<int64_t> paging_page;
  Setting<std::string> paging_path;
  Setting<int64_t> last_page_status;
  Setting<std::string> last_page_path;
  Setting<boost::json::value> last_page_values;
  Setting<std::string> max_page_path;
  Setting<std::string> max_count_path;
  Setting<int64_t> paging_skip;
  Setting<std::string> paging_token;
  Setting<std::string> paging_path_location;
  Setting<std::string> paging_path_after_first_request;
  Setting<std::string> paging_relative_uri;
  Setting<std::string> paging_body;
  Setting<std::string> link_header_relation;
  Setting<std::string> paging_resource_path;
  Setting<std::string> success_path;
  Setting<boost::json::value> success_values;
  Setting<std::string> fail_path;
  Setting<boost::json::value> fail_values;
  Setting<std::string> error_path;
  Setting<std::string> once_relative_uri;
  Setting<std::string> once_method;
  Setting<std::string> once_body;
  Setting<std::string> request_media_type;  // media.hpp
  Setting<std::string> success_media_type;
  Setting<std::string> error_media_type;
};

struct ImportSettings {
  ImportSettings();
  Schema schema;
  Setting<std::string> method;
  Setting<std::string> relative_uri;
  Setting<boost::json::value> headers;
  Setting<std::string> body;
  Setting<int64_t> batch_size;
  Setting<std::string> resource_path;
  Setting<std::string> resource_id_path;
  Setting<std::string> success_path;
  Setting<boost::json::value> success_values;
  Setting<std::string> error_path;
  Setting<std::string> fail_path;
  Setting<boost::json::value> fail_values;
  Setting<std::string> request_type;
  Setting<std::string> existing_extract;
  Setting<bool> ignore_existing;
  Setting<bool> ignore_missing;
  Setting<std::string> ignore_extract;
  Setting<bool> ignore_empty_nodes;
  Setting<bool> strict_handlebars;
  Setting<std::string> request_media_type;  // media.hpp
  Setting<std::string> success_media_type;
  Setting<std::string> error_media_type;
};

// Built once, on first use (thread-safe), and never modified.
const ConnectionSettings& connection_settings();
const ExportSettings& export_settings();
const ImportSettings& import_settings();

Schema connection_schema();
Schema export_schema();
Schema import_schema();

}  // namespace sluice::plugins::http
