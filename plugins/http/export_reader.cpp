#include "export_reader.hpp"

#include <cctype>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "config.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"
#include "sluice/json_text.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::Escape;
using support::Template;

namespace {

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

// The run's type: the run context's, else (a 1.0 host) the export's own "type", else "all".
std::string run_type(const Context& context, const json::object& export_doc) {
  if (const RunContext* run = context.run()) return run->type;
  if (const json::value* type = export_doc.if_contains("type"); type && type->is_string()) {
    if (!type->get_string().empty()) return std::string(type->get_string());
  }
  return "all";
}

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

// Response headers as Node.js (so integrator.io) gives them: names in lower case.
json::object headers_object(const support::http::Headers& headers) {
  json::object out;
  for (const auto& h : headers) {
    std::string name = h.name;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out[name] = h.value;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<HttpExportReader>> HttpExportReader::open(Context& context,
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
  const TemplateUse request_use{.site = Site::kExportRequest};
  if (auto checked = check_variables(*relative_uri, request_use); !checked) return checked.error();
  auto body = optional_template(s.body, export_doc, request_use);
  if (!body) return body.error();
  auto header_values = read_headers(s.headers, export_doc);
  if (!header_values) return header_values.error();
  auto headers = HeaderTemplates::parse(*header_values, s.headers.path(), request_use);
  if (!headers) return headers.error();

  const std::string type = run_type(context, export_doc);
  if (type == "delta" && !uses(*relative_uri, "lastExportDateTime") &&
      !(*body && uses(**body, "lastExportDateTime")) && !headers->any_uses("lastExportDateTime")) {
    return make_error(Status::kInvalidConfig,
                      "type delta: none of http.relativeURI, http.body and http.headers uses "
                      "{{lastExportDateTime}}, so every run would export every record; add it "
                      "where the API takes a start time, e.g. "
                      "/orders?updated_since={{lastExportDateTime}}");
  }
  const TemplateUse once_use{.site = Site::kOnceRequest};
  auto once_uri = optional_template(s.once_relative_uri, export_doc, once_use);
  if (!once_uri) return once_uri.error();
  auto once_body = optional_template(s.once_body, export_doc, once_use);
  if (!once_body) return once_body.error();
  auto once_method = s.once_method.read(export_doc);
  if (!once_method) return once_method.error();
  if (type == "once" && !*once_uri) {
    return make_error(Status::kInvalidConfig,
                      "type once: http.once.relativeURI is required: the request that marks a "
                      "record exported, sent for each record once its page is committed, e.g. "
                      "/orders/{{record.id}}/exported");
  }
  if (type == "once" && context.run() == nullptr) {
    return make_error(Status::kInvalidConfig,
                      "type once needs a host that reports committed pages (plugin contract "
                      "1.1), so that records are marked exported only once they are processed; "
                      "upgrade the host");
  }
  if (type != "once" && *once_uri) {
    return make_error(Status::kInvalidConfig,
                      "http.once is set but the export's type is " + type +
                          ": it is used only by type once; remove it or set the type");
  }
  auto resource_path = s.resource_path.read(export_doc);
  if (!resource_path) return resource_path.error();
  auto media = StepMedia::for_export(connection.media(), export_doc, *resource_path);
  if (!media) return media.error();
  auto paging = PagingSettings::read(export_doc);
  if (!paging) return paging.error();

  auto client = connection.client();
  Pager pager(std::move(*paging),
              [client](std::string_view url) { return client->redact_url(url); });
  std::unique_ptr<HttpExportReader> reader(new HttpExportReader(client, std::move(pager)));
  reader->method_ = std::move(*method);
  reader->set_page_param_ = reader->pager_.settings().method == PagingMethod::kPage &&
                            !relative_uri->references(kPagePath) &&
                            !(*body && (*body)->references(kPagePath));
  reader->uses_previous_page_ = uses(*relative_uri, "previous_page") ||
                                (*body && uses(**body, "previous_page")) ||
                                headers->any_uses("previous_page");
  reader->relative_uri_ = std::move(*relative_uri);
  reader->body_ = std::move(*body);
  reader->headers_ = std::move(*headers);
  reader->resource_path_ = std::move(*resource_path);
  reader->media_ = *media;
  reader->context_ = export_variables(context.run());
  reader->connection_ = connection.variables();
  reader->once_ = type == "once";
  reader->once_method_ = std::move(*once_method);
  reader->once_uri_ = std::move(*once_uri);
  reader->once_body_ = std::move(*once_body);
  reader->as_text_ = reader->can_page_as_text() && reader->media_.success() == MediaType::kJson;
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

bool HttpExportReader::can_page_as_text() const {
  if (uses_previous_page_ || once_) return false;
  const PagingSettings& p = pager_.settings();
  for (const std::string* path :
       {&p.next_url_path, &p.last_page_path, &p.max_page_path, &p.max_count_path}) {
    if (path->empty()) continue;
    if (resource_path_.empty() || *path == resource_path_ ||
        path->starts_with(resource_path_ + ".")) {
      return false;
    }
  }
  return true;
}

std::optional<Result<Page>> HttpExportReader::text_page(const support::http::Response& response) {
  const std::string_view text = response.body;
  const auto records = json_value_at_path(text, resource_path_);
  if (!records || records->empty() || records->front() != '[') return std::nullopt;
  const auto count = validate_json_array(*records);
  if (!count) return std::nullopt;
  // The rest of the body, with an empty array in the records' place: what paging reads.
  const size_t begin = static_cast<size_t>(records->data() - text.data());
  std::string rest;
  rest.reserve(text.size() - records->size() + 2);
  rest.append(text.substr(0, begin)).append("[]").append(text.substr(begin + records->size()));
  json::error_code ec;
  const json::value body = json::parse(rest, ec);
  if (ec) return std::nullopt;
  auto last = pager_.advance(text, body, *count);
  if (!last) return Result<Page>(last.error());
  done_ = *last;
  return Result<Page>(Page{.state = state(), .done = done_, .records_json = std::string(*records)});
}

json::value HttpExportReader::state() const {
  json::object position = pager_.position();
  if (done_) position["done"] = true;
  return json::object{{"resume", std::move(position)}};
}

Result<support::http::Request> HttpExportReader::build_request(std::string& body_text) {
  json::object& paging =
      context_.get_object()["export"].get_object()["http"].get_object()["paging"].get_object();
  paging["page"] = pager_.page();
  paging["skip"] = pager_.records();
  const support::Binding open[] = {{"connection", &connection_.open}};
  const support::Binding secret[] = {{"connection", &connection_.with_secrets}};

  support::http::Request request;
  request.method = method_;
  if (auto headers = headers_.render(request.headers, context_, {.bindings = secret}); !headers) {
    // A helper's error may quote its argument: a header's may be a secret.
    return make_error(headers.error().status, client_->redact(headers.error().message));
  }
  media_.prepare(request);
  if (pager_.settings().method == PagingMethod::kUrl && !pager_.first()) {
    request.url = pager_.next_url();
    return request;
  }
  auto url = relative_uri_.evaluate(context_, {.escape = Escape::kUri, .bindings = open});
  if (!url) return url.error();
  request.url = std::move(*url);
  if (set_page_param_) {
    support::http::set_query_param(request.url, "page", std::to_string(pager_.page()));
  }
  if (body_) {
    // Values are escaped for the request's media type (JSON string content with json), so the
    // body stays valid in its format.
    auto body = body_->evaluate(context_, {.escape = media_.body_escape(), .bindings = open});
    if (!body) return body.error();
    body_text = std::move(*body);
    if (auto encoded = media_.encode_rendered(body_text, request); !encoded) {
      return encoded.error();
    }
  }
  return request;
}

void HttpExportReader::remember_response(const support::http::Response& response,
                                         const json::value& body, const json::array& records) {
  if (!uses_previous_page_) return;
  context_.get_object()["previous_page"] =
      json::object{{"full_response", json::value(body)},
                   {"last_record", records.empty() ? json::value() : json::value(records.back())},
                   {"headers", headers_object(response.headers)}};
}

Result<Page> HttpExportReader::next_page(Context& context) {
  if (done_) return Page{.state = state(), .done = true};
  if (context.cancelled()) return make_error(Status::kCancelled, "export cancelled");

  std::string body_text;
  auto request = build_request(body_text);
  if (!request) return request.error();
  request->body = body_text;

  auto response = client_->execute(context, *request);
  if (!response) return response.error();
  if (pager_.is_last_page_status(response->status)) {
    done_ = true;
    return Page{.state = state(), .done = true};
  }
  if (!response->ok()) return client_->error_for(method_, *response);

  if (as_text_) {
    if (auto page = text_page(*response)) return std::move(*page);
  }
  // Parse into an arena sized for the page: faster than the default allocator, and it lives on
  // with the records (a shared resource) until the host is done with them.
  json::storage_ptr arena =
      json::make_shared_resource<json::monotonic_resource>(response->body.size() + 1024);
  // JSON parsed, XML and CSV converted, per the success media type (media.hpp).
  auto decoded = media_.decode_records(*response, method_, resource_path_, *client_, arena);
  if (!decoded) return decoded.error();
  json::value& body = *decoded;
  auto records = records_of(body, method_, response->url);
  if (!records) return records.error();
  auto last = pager_.advance(response->body, body, (*records)->size());
  if (!last) return last.error();
  done_ = *last;
  remember_response(*response, body, **records);
  if (once_ && !(*records)->empty()) {
    if (uncommitted_.size() >= kMaxUncommittedPages) {
      return make_error(Status::kInternal,
                        "type once: " + std::to_string(uncommitted_.size()) +
                            " pages were handed to the host and none of them was committed; the "
                            "host must report committed pages (page_committed)");
    }
    uncommitted_.emplace_back(pager_.pages(), json::array(**records));
  }
  // Move-constructing keeps the records in the body's arena: nothing is copied.
  return Page{.records = json::array(std::move(**records)), .state = state(), .done = done_};
}

Result<void> HttpExportReader::page_committed(Context& context, const json::value& state) {
  if (!once_) return {};
  const json::value* resume =
      state.is_object() ? state.get_object().if_contains("resume") : nullptr;
  const json::value* pages =
      resume && resume->is_object() ? resume->get_object().if_contains("pages") : nullptr;
  if (pages == nullptr || !pages->is_int64()) return {};
  const int64_t key = pages->get_int64();
  while (!uncommitted_.empty() && uncommitted_.front().first < key) uncommitted_.pop_front();
  if (uncommitted_.empty() || uncommitted_.front().first != key) return {};
  const json::array records = std::move(uncommitted_.front().second);
  uncommitted_.pop_front();

  for (size_t i = 0; i < records.size(); ++i) {
    if (context.cancelled()) return make_error(Status::kCancelled, "export cancelled");
    const support::Binding open[] = {{"connection", &connection_.open}, {"record", &records[i]}};
    const support::Binding secret[] = {{"connection", &connection_.with_secrets},
                                       {"record", &records[i]}};
    const std::string which =
        "http.once for record " + std::to_string(i + 1) + " of page " + std::to_string(key);
    support::http::Request request;
    request.method = once_method_;
    if (auto headers = headers_.render(request.headers, context_, {.bindings = secret}); !headers) {
      return make_error(headers.error().status,
                        which + ": " + client_->redact(headers.error().message));
    }
    auto url = once_uri_->evaluate(context_, {.escape = Escape::kUri, .bindings = open});
    if (!url) return make_error(url.error().status, which + ": " + url.error().message);
    request.url = std::move(*url);
    std::string body_text;
    if (once_body_) {
      auto body = once_body_->evaluate(context_, {.escape = Escape::kJson, .bindings = open});
      if (!body) return make_error(body.error().status, which + ": " + body.error().message);
      body_text = std::move(*body);
    }
    request.body = body_text;
    auto response = client_->send(context, request);
    if (!response) {
      return make_error(response.error().status, which + ": " + response.error().message);
    }
  }
  return {};
}

}  // namespace sluice::plugins::http
