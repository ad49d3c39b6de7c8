#include "export_reader.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "config.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::Escape;
using support::Template;

namespace {

json::value page_context(int64_t page) {
  return json::object{
      {"export", json::object{{"http", json::object{{"paging", json::object{{"page", page}}}}}}}};
}

std::string top_level_keys(const json::value& body) {
  const json::object* object = body.if_object();
  if (object == nullptr) return "(the body is " + describe_value(body) + ", not an object)";
  if (object->empty()) return "(none: the body is an empty object)";
  std::string keys;
  size_t shown = 0;
  for (const auto& entry : *object) {
    if (shown++ == 20) {
      keys.append(", ...");
      break;
    }
    keys.append(keys.empty() ? "" : ", ").append(entry.key());
  }
  return keys;
}

}  // namespace

Result<std::unique_ptr<HttpExportReader>> HttpExportReader::open(Context&,
                                                                 const HttpConnection& connection,
                                                                 const json::object& export_doc,
                                                                 const json::value& state) {
  const ExportSettings& s = export_settings();
  auto method = s.method.read(export_doc);
  if (!method) return method.error();
  auto relative_uri_text = s.relative_uri.read(export_doc);
  if (!relative_uri_text) return relative_uri_text.error();
  auto relative_uri = Template::parse(*relative_uri_text, s.relative_uri.path());
  if (!relative_uri) return relative_uri.error();
  std::optional<Template> body;
  auto body_text = s.body.read(export_doc);
  if (!body_text) return body_text.error();
  if (!body_text->empty()) {
    auto parsed = Template::parse(*body_text, s.body.path());
    if (!parsed) return parsed.error();
    body = std::move(*parsed);
  }
  auto headers = read_headers(s.headers, export_doc);
  if (!headers) return headers.error();
  auto resource_path = s.resource_path.read(export_doc);
  if (!resource_path) return resource_path.error();
  auto paging = PagingSettings::read(export_doc);
  if (!paging) return paging.error();

  auto client = connection.client();
  Pager pager(std::move(*paging),
              [client](std::string_view url) { return client->redact_url(url); });
  std::unique_ptr<HttpExportReader> reader(new HttpExportReader(client, std::move(pager)));
  reader->method_ = std::move(*method);
  reader->set_page_param_ = reader->pager_.settings().method == PagingMethod::kPage &&
                            !relative_uri->references(kPagePath) &&
                            !(body && body->references(kPagePath));
  reader->relative_uri_ = std::move(*relative_uri);
  reader->body_ = std::move(body);
  reader->headers_ = std::move(*headers);
  reader->resource_path_ = std::move(*resource_path);
  const json::value* position =
      state.is_object() ? state.get_object().if_contains("resume") : nullptr;
  if (position != nullptr) {
    if (auto restored = reader->pager_.restore(*position); !restored) return restored.error();
    if (const json::value* done = position->get_object().if_contains("done")) {
      reader->done_ = done->is_bool() && done->get_bool();
    }
  }
  return reader;
}

Result<json::array*> HttpExportReader::records_of(json::value& body, const std::string& method,
                                                  const std::string& url) {
  const std::string where = "the response of " + method + " " + url;
  if (resource_path_.empty()) {
    if (body.is_array()) return &body.get_array();
    return make_error(Status::kInvalidConfig,
                      where + " is " + describe_value(body) +
                          ", not an array of records; set http.response.resourcePath to the path "
                          "of the records (top-level keys: " +
                          top_level_keys(body) + ")");
  }
  json::value* records = find_path(body, resource_path_);
  if (records == nullptr) {
    return make_error(Status::kInvalidConfig,
                      "http.response.resourcePath '" + resource_path_ + "' was not found in " +
                          where + "; its top-level keys are: " + top_level_keys(body));
  }
  if (!records->is_array()) {
    return make_error(Status::kInvalidConfig,
                      "http.response.resourcePath '" + resource_path_ + "' holds " +
                          describe_value(*records) + ", not an array of records, in " + where +
                          "; its top-level keys are: " + top_level_keys(body));
  }
  return &records->get_array();
}

json::value HttpExportReader::state() const {
  json::object position = pager_.position();
  if (done_) position["done"] = true;
  return json::object{{"resume", std::move(position)}};
}

Result<Page> HttpExportReader::next_page(Context& context) {
  if (done_) return Page{.state = state(), .done = true};
  if (context.cancelled()) return make_error(Status::kCancelled, "export cancelled");

  support::http::Request request;
  request.method = method_;
  request.headers = headers_;
  std::string body_text;
  if (pager_.settings().method == PagingMethod::kUrl && !pager_.first()) {
    request.url = pager_.next_url();
  } else {
    const json::value context_value = page_context(pager_.page());
    auto url = relative_uri_.evaluate(context_value, {.escape = Escape::kUri});
    if (!url) return url.error();
    request.url = std::move(*url);
    if (set_page_param_) {
      support::http::set_query_param(request.url, "page", std::to_string(pager_.page()));
    }
    if (body_) {
      // Values are escaped as JSON string content, so the body stays valid JSON.
      auto body = body_->evaluate(context_value, {.escape = Escape::kJson});
      if (!body) return body.error();
      body_text = std::move(*body);
    }
  }
  request.body = body_text;

  auto response = client_->execute(context, request);
  if (!response) return response.error();
  if (pager_.is_last_page_status(response->status)) {
    done_ = true;
    return Page{.state = state(), .done = true};
  }
  if (!response->ok()) return client_->error_for(method_, *response);

  // Parse into an arena sized for the page: faster than the default allocator, and it lives on
  // with the records (a shared resource) until the host is done with them.
  json::storage_ptr arena =
      json::make_shared_resource<json::monotonic_resource>(response->body.size() + 1024);
  json::error_code ec;
  json::value body = json::parse(response->body, ec, arena);
  if (ec) {
    return make_error(Status::kRemoteError,
                      "the response of " + method_ + " " + response->url + " is not JSON (" +
                          ec.message() +
                          "): " + support::http::body_snippet(client_->redact(response->body)));
  }
  auto records = records_of(body, method_, response->url);
  if (!records) return records.error();
  auto last = pager_.advance(response->body, body, (*records)->size());
  if (!last) return last.error();
  done_ = *last;
  // Move-constructing keeps the records in the body's arena: nothing is copied.
  return Page{.records = json::array(std::move(**records)), .state = state(), .done = done_};
}

}  // namespace sluice::plugins::http
