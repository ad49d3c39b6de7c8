#include "lookup.hpp"

#include <boost/json/parse.hpp>

#include "config.hpp"
#include "paging.hpp"
#include "parallel.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::Escape;
using support::Template;
using support::http::body_snippet;

namespace {

Result<std::optional<Template>> optional_template(const Setting<std::string>& setting,
                                                  const json::object& doc, TemplateUse use) {
  auto text = setting.read(doc);
  if (!text) return text.error();
  if (text->empty()) return std::optional<Template>();
  auto parsed = Template::parse(*text, setting.path());
  if (!parsed) return parsed.error();
  if (auto checked = check_variables(*parsed, use); !checked) return checked.error();
  return std::optional<Template>(std::move(*parsed));
}

LookupResult record_error(std::string code, std::string message) {
  LookupResult r;
  r.errors.push_back({std::move(code), std::move(message)});
  return r;
}

}  // namespace

Result<std::unique_ptr<HttpLookup>> HttpLookup::open(Context& context,
                                                     const HttpConnection& connection,
                                                     const json::object& export_doc) {
  const ExportSettings& s = export_settings();
  if (const json::value* type = export_doc.if_contains("type");
      type != nullptr && type->is_string() &&
      (type->get_string() == "delta" || type->get_string() == "once")) {
    return make_error(Status::kInvalidConfig,
                      "type " + std::string(type->get_string()) +
                          ": a lookup (isLookup: true) runs once per record it is given, so an "
                          "export type delta or once does not apply; remove \"type\"");
  }
  for (const Setting<std::string>* once : {&s.once_relative_uri, &s.once_body}) {
    auto text = once->read(export_doc);
    if (!text) return text.error();
    if (!text->empty()) {
      return make_error(Status::kInvalidConfig,
                        once->path() +
                            " is set on a lookup (isLookup: true): http.once is used only by an "
                            "export of type once; remove it");
    }
  }
  auto method = s.method.read(export_doc);
  if (!method) return method.error();
  auto relative_uri_text = s.relative_uri.read(export_doc);
  if (!relative_uri_text) return relative_uri_text.error();
  auto relative_uri = Template::parse(*relative_uri_text, s.relative_uri.path());
  if (!relative_uri) return relative_uri.error();
  const TemplateUse use{.site = Site::kLookupRequest};
  if (auto checked = check_variables(*relative_uri, use); !checked) return checked.error();
  auto body = optional_template(s.body, export_doc, use);
  if (!body) return body.error();
  auto header_values = read_headers(s.headers, export_doc);
  if (!header_values) return header_values.error();
  auto headers = HeaderTemplates::parse(*header_values, s.headers.path(), use);
  if (!headers) return headers.error();
  auto resource_path = s.resource_path.read(export_doc);
  if (!resource_path) return resource_path.error();
  auto media = StepMedia::for_export(connection.media(), export_doc, *resource_path);
  if (!media) return media.error();
  auto paging = PagingSettings::read(export_doc);
  if (!paging) return paging.error();

  std::unique_ptr<HttpLookup> lookup(new HttpLookup(connection.client()));
  json::object variables = export_variables(context.run());
  if (paging->method == PagingMethod::kPage) {
    variables["export"].get_object()["http"].get_object()["paging"].get_object()["page"] =
        paging->first_page;
    if (!relative_uri->references(kPagePath) && !(*body && (*body)->references(kPagePath))) {
      lookup->page_param_ = paging->first_page;
    }
  }
  lookup->context_ = std::move(variables);
  lookup->method_ = std::move(*method);
  lookup->relative_uri_ = std::move(*relative_uri);
  lookup->body_template_ = std::move(*body);
  lookup->headers_ = std::move(*headers);
  lookup->resource_path_ = std::move(*resource_path);
  lookup->media_ = *media;
  lookup->connection_ = connection.variables();
  if (const auto& gate = connection.client()->options().gate) {
    lookup->workers_ = static_cast<size_t>(gate->options().concurrency);
  }
  return lookup;
}

Result<void> HttpLookup::render_request(const json::value& record, support::http::Request& request,
                                        std::string& body) const {
  const support::Binding open[] = {{"connection", &connection_.open}, {"record", &record}};
  const support::Binding secret[] = {{"connection", &connection_.with_secrets},
                                     {"record", &record}};
  if (auto headers = headers_.render(request.headers, context_, {.bindings = secret}); !headers) {
    // A helper's error may quote its argument: a header's may be a secret.
    return make_error(headers.error().status, client_->redact(headers.error().message));
  }
  media_.prepare(request);
  if (relative_uri_.is_literal()) {
    request.url = relative_uri_.source();
  } else {
    auto url = relative_uri_.evaluate(context_, {.escape = Escape::kUri, .bindings = open});
    if (!url) return url.error();
    request.url = std::move(*url);
  }
  if (page_param_) {
    support::http::set_query_param(request.url, "page", std::to_string(*page_param_));
  }
  body.clear();
  if (body_template_) {
    // Values are escaped for the request's media type (JSON string content with json).
    auto rendered = body_template_->evaluate_to(body, context_,
                                                {.escape = media_.body_escape(), .bindings = open});
    if (!rendered) return rendered.error();
    return media_.encode_rendered(body, request);
  }
  return {};
}

json::value HttpLookup::exchange(const std::string& body,
                                 const support::http::Response& response) const {
  json::object request{{"method", method_}, {"url", response.url}};
  if (!body.empty()) request["body"] = client_->redact(body);
  return json::object{
      {"request", std::move(request)},
      {"response",
       json::object{{"statusCode", response.status},
                    {"body", body_snippet(client_->redact(response.body), kExchangeBodyBytes)}}}};
}

LookupResult HttpLookup::read_response(const support::http::Response& response) const {
  LookupResult result;
  if (response.body.empty()) return result;  // e.g. 204: nothing found
  const std::string where = "the response of " + method_ + " " + response.url;
  // JSON parsed, XML and CSV converted, per the success media type (media.hpp).
  auto decoded = media_.decode_records(response, method_, resource_path_, *client_, {});
  if (!decoded) return record_error("invalid_response", decoded.error().message);
  json::value& body = *decoded;
  json::value* found = &body;
  if (!resource_path_.empty()) {
    found = find_path(body, resource_path_);
    if (found == nullptr) {
      return record_error("invalid_response", "http.response.resourcePath '" + resource_path_ +
                                                  "' was not found in " + where + ": " +
                                                  body_snippet(client_->redact(response.body)));
    }
  }
  if (found->is_array()) {
    result.data = std::move(found->get_array());
  } else if (found->is_object()) {
    result.data.push_back(std::move(*found));
  } else if (!found->is_null()) {
    return record_error(
        "invalid_response",
        (resource_path_.empty() ? where + " is "
                                : "http.response.resourcePath '" + resource_path_ + "' holds ") +
            describe_value(*found) + ", not a record or an array of records" +
            (resource_path_.empty() ? std::string() : " in " + where));
  }
  return result;
}

Result<std::vector<LookupResult>> HttpLookup::lookup(Context& context, const json::array& records) {
  std::vector<LookupResult> results(records.size());
  if (bodies_.size() < std::min(workers_, records.size())) {
    bodies_.resize(std::min(workers_, records.size()));
  }
  auto done = run_parallel(context, records.size(), workers_,
                           [&](Context& worker, size_t i, size_t slot) -> Result<void> {
                             if (worker.cancelled()) {
                               return make_error(Status::kCancelled, "lookup cancelled");
                             }
                             return lookup_one(worker, records[i], bodies_[slot], results[i]);
                           });
  if (!done) return done.error();
  return results;
}

Result<void> HttpLookup::lookup_one(Context& context, const json::value& record, std::string& body,
                                    LookupResult& result) const {
  support::http::Request request;
  request.method = method_;
  // A template that fails fails this record's lookup, not the page.
  if (auto rendered = render_request(record, request, body); !rendered) {
    result = record_error("template", rendered.error().message);
    return {};
  }
  request.body = body;
  auto response = client_->execute(context, request);
  if (!response) return response.error();
  const Status kind = support::http::status_for(response->status);
  if (kind == Status::kAuthFailed || kind == Status::kTransient || kind == Status::kRateLimited) {
    return client_->error_for(method_, *response);
  }
  if (response->status == 404) {
    result = record_error(
        "404", client_->redact(method_ + " " + response->url + ": HTTP 404 " + response->reason +
                               ": " + body_snippet(response->body) +
                               " — nothing was found for this record; check http.relativeURI "
                               "and the record's values it uses"));
  } else if (!response->ok()) {
    result = record_error(std::to_string(response->status),
                          client_->error_for(method_, *response).message);
  } else {
    result = read_response(*response);
  }
  // A record that failed after a request: the request and the response go with its error.
  if (!result.errors.empty()) result.details = exchange(body, *response);
  return {};
}

}  // namespace sluice::plugins::http
