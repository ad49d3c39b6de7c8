#include "template_context.hpp"

#include "settings.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;

const std::vector<std::string>& connection_secret_paths() {
  static const std::vector<std::string> paths = [] {
    const ConnectionSettings& s = connection_settings();
    const SignedAuthSettings& a = s.signed_auth;
    return std::vector<std::string>{s.basic_password.path(),
                                    s.token.path(),
                                    s.refresh_token.path(),
                                    s.oauth_client_secret.path(),
                                    s.oauth_password.path(),
                                    a.oauth1_consumer_secret.path(),
                                    a.oauth1_access_token.path(),
                                    a.oauth1_token_secret.path(),
                                    a.oauth1_private_key.path(),
                                    a.jwt_secret.path(),
                                    a.jwt_private_key.path(),
                                    a.jwt_token.path(),
                                    a.encrypted.path(),
                                    s.tls.cert.path(),
                                    s.tls.key.path(),
                                    s.tls.passphrase.path(),
                                    s.tls.pfx.path()};
  }();
  return paths;
}

namespace {

// Removes the value at dotted `path` of `root`, if there is one.
void erase_path(json::object& root, const std::string& path) {
  json::object* at = &root;
  size_t start = 0;
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    json::value* next = at->if_contains(std::string_view(path).substr(start, dot - start));
    if (next == nullptr || !next->is_object()) return;
    at = &next->get_object();
    start = dot + 1;
  }
  at->erase(std::string_view(path).substr(start));
}

Error refuse(const support::Template& t, const std::string& what) {
  return make_error(Status::kInvalidConfig, t.name() + " '" + t.source() + "': " + what);
}

}  // namespace

ConnectionVariables ConnectionVariables::from(const json::object& connection_doc) {
  json::object whole = connection_doc;
  json::object open = whole;
  for (const std::string& path : connection_secret_paths()) erase_path(open, path);
  return ConnectionVariables{json::value(std::move(open)), json::value(std::move(whole))};
}

Result<void> check_variables(const support::Template& t, const TemplateUse& use) {
  if (uses(t, "data")) {
    return refuse(t,
                  "{{data}} (the record as it exists in the destination) is not known to the "
                  "HTTP plugin: it does not look existing records up yet; use {{record}}");
  }
  if (!use.header) {
    for (const std::string& secret : connection_secret_paths()) {
      if (uses(t, "connection." + secret)) {
        return refuse(t, "{{connection." + secret +
                             "}} is a secret of the connection, which templates may use only in "
                             "http.headers (as integrator.io allows); the connection's "
                             "authentication already sends it, or move it to a header");
      }
    }
  }
  const bool is_export = use.site == Site::kExportRequest || use.site == Site::kOnceRequest ||
                         use.site == Site::kLookupRequest;
  if (!is_export) {
    for (const char* name : {"lastExportDateTime", "currentExportDateTime", "export",
                             "previous_page", "settings", "job"}) {
      if (uses(t, name)) {
        return refuse(t, std::string("{{") + name +
                             "}} exists only in an export's requests; an import's templates "
                             "have record, batch_of_records and connection");
      }
    }
  }
  if (use.site != Site::kExportRequest && uses(t, "export.http.paging.token")) {
    // An export's request checks it against its paging method (export_reader.cpp).
    return refuse(t,
                  "export.http.paging.token exists only in an export's own requests, with "
                  "http.paging.method token");
  }
  if (use.site == Site::kExportRequest && (uses(t, "record") || uses(t, "batch_of_records"))) {
    return refuse(t,
                  "an export's request is made before any record is fetched, so it has no "
                  "record or batch_of_records (they exist in imports and http.once)");
  }
  if (use.site == Site::kOnceRequest && uses(t, "batch_of_records")) {
    return refuse(t, "http.once is sent once per record: use {{record}}, not batch_of_records");
  }
  if (use.site == Site::kLookupRequest && uses(t, "batch_of_records")) {
    return refuse(t, "a lookup sends one request per record: use {{record}}, not batch_of_records");
  }
  if (use.site == Site::kLookupRequest && uses(t, "previous_page")) {
    return refuse(t, "a lookup reads one page per record, so there is no previous_page");
  }
  if (use.site == Site::kImportBatch && uses(t, "record")) {
    return refuse(t, "{{record}} names one record, but http.batchSize " +
                         std::to_string(use.batch_size) +
                         " sends several per request: use {{#each batch_of_records}}"
                         "{{record.x}}{{/each}}, or set http.batchSize to 1");
  }
  return {};
}

Result<HeaderTemplates> HeaderTemplates::parse(const support::http::Headers& headers,
                                               const std::string& setting, TemplateUse use) {
  use.header = true;
  HeaderTemplates out;
  for (size_t i = 0; i < headers.size(); ++i) {
    auto t =
        support::Template::parse(headers[i].value, setting + "." + std::to_string(i) + ".value");
    if (!t) return t.error();
    if (auto checked = check_variables(*t, use); !checked) return checked.error();
    out.headers_.emplace_back(headers[i].name, std::move(*t));
  }
  return out;
}

Result<void> HeaderTemplates::render(support::http::Headers& out, const json::value& context,
                                     support::RenderOptions options) const {
  options.escape = support::Escape::kNone;
  for (const auto& [name, value] : headers_) {
    auto text = value.evaluate(context, options);
    if (!text) return text.error();
    out.push_back({name, std::move(*text)});
  }
  return {};
}

bool HeaderTemplates::any_uses(std::string_view name) const {
  for (const auto& [header, value] : headers_)
    if (uses(value, name)) return true;
  return false;
}

json::object export_variables(const RunContext* run) {
  json::object vars;
  vars["export"] =
      json::object{{"http", json::object{{"paging", json::object{{"page", 0}, {"skip", 0}}}}}};
  if (run == nullptr) {
    vars["settings"] = json::object();
    vars["job"] = json::object{{"type", "all"}};
    return vars;
  }
  vars["settings"] = run->settings;
  vars["job"] = json::object{{"_id", run->job_id}, {"type", run->type}};
  vars["lastExportDateTime"] = run->last_export_date_time;
  vars["currentExportDateTime"] = run->current_export_date_time;
  return vars;
}

}  // namespace sluice::plugins::http
