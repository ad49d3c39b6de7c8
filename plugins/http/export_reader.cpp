#include "export_reader.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "config.hpp"
#include "parallel.hpp"
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

// The largest non-empty array of objects in `value` (a dotted path, 0-based indexes), other than
// the one at `skip`, searching at most kMaxDepth levels and kMaxNodes values.
struct ObjectArray {
  std::string path;
  size_t size = 0;
};
void find_object_array(const json::value& value, std::string& path, std::string_view skip,
                       int depth, size_t& nodes, ObjectArray& best) {
  constexpr int kMaxDepth = 6;
  constexpr size_t kMaxNodes = 10'000;
  if (depth > kMaxDepth || ++nodes > kMaxNodes) return;
  const size_t length = path.size();
  auto visit = [&](std::string_view key, const json::value& child) {
    if (!path.empty()) path.push_back('.');
    path.append(key);
    find_object_array(child, path, skip, depth + 1, nodes, best);
    path.resize(length);
  };
  if (const json::object* object = value.if_object()) {
    for (const auto& entry : *object) visit(entry.key(), entry.value());
  } else if (const json::array* array = value.if_array()) {
    if (!array->empty() && array->front().is_object() && path != skip &&
        array->size() > best.size) {
      best = ObjectArray{path, array->size()};
    }
    if (!array->empty()) visit("0", array->front());
  }
}

// "; the response has an array of N objects at 'P'" for the best candidate, or "".
std::string misplaced_hint(const json::value& body, std::string_view resource_path,
                           std::string_view setting) {
  ObjectArray best;
  std::string path;
  size_t nodes = 0;
  find_object_array(body, path, resource_path, 0, nodes, best);
  if (best.size == 0 || best.path.empty()) return {};
  return "; the response has an array of " + std::to_string(best.size) +
         (best.size == 1 ? " object" : " objects") + " at '" + best.path + "' — set " +
         std::string(setting) + " to '" + best.path + "'";
}

struct ResponseChecks {
  std::string success_path;
  std::vector<std::string> success_values;
  std::string fail_path;
  std::vector<std::string> fail_values;
  std::string error_path;
};

Result<void> read_response_checks(const json::object& doc, ResponseChecks& out) {
  const ExportSettings& s = export_settings();
  for (const auto& [path_setting, values_setting, path, values] :
       {std::tuple{&s.success_path, &s.success_values, &out.success_path, &out.success_values},
        std::tuple{&s.fail_path, &s.fail_values, &out.fail_path, &out.fail_values}}) {
    auto p = path_setting->read(doc);
    if (!p) return p.error();
    auto v = read_values(*values_setting, doc);
    if (!v) return v.error();
    if (!p->empty() && v->empty()) {
      return make_error(Status::kInvalidConfig,
                        values_setting->path() + " is required when " + path_setting->path() +
                            " is set: the values (compared as text) that mark the response");
    }
    *path = std::move(*p);
    *values = std::move(*v);
  }
  auto error_path = s.error_path.read(doc);
  if (!error_path) return error_path.error();
  out.error_path = std::move(*error_path);
  return {};
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
  auto paging = PagingSettings::read(export_doc);
  if (!paging) return paging.error();
  auto media = StepMedia::for_export(connection.media(), export_doc, paging->resource_path);
  if (!media) return media.error();
  const PagingMethod paging_method = paging->method;

  // The paging variables a template may use, and the templates that must use them.
  const auto any_uses = [&](std::string_view path) {
    return relative_uri->references(path) || (*body && (*body)->references(path)) ||
           headers->any_uses(path);
  };
  if (any_uses(kTokenPath) && paging_method != PagingMethod::kToken) {
    return make_error(Status::kInvalidConfig,
                      "http.relativeURI, http.body or http.headers uses "
                      "{{export.http.paging.token}}, which is set only with http.paging.method "
                      "token; set the method, or remove it from the templates");
  }
  if (paging_method == PagingMethod::kSkip && !any_uses(kSkipPath)) {
    return make_error(Status::kInvalidConfig,
                      "http.paging.method skip: none of http.relativeURI, http.body and "
                      "http.headers uses {{export.http.paging.skip}}, so every request would ask "
                      "for the same records; add it where the API takes the offset, e.g. "
                      "/items?offset={{export.http.paging.skip}}&limit=100");
  }
  if (paging_method == PagingMethod::kToken && !any_uses(kTokenPath)) {
    return make_error(Status::kInvalidConfig,
                      "http.paging.method token: none of http.relativeURI, http.body and "
                      "http.headers uses {{export.http.paging.token}}, so every request would "
                      "ask for the same page; add it where the API takes the token, e.g. "
                      "/items?{{#if export.http.paging.token}}cursor="
                      "{{export.http.paging.token}}{{/if}}");
  }
  std::optional<Template> next_template;
  if (paging_method == PagingMethod::kRelativeUri || paging_method == PagingMethod::kBody) {
    const Setting<std::string>& setting =
        paging_method == PagingMethod::kRelativeUri ? s.paging_relative_uri : s.paging_body;
    auto parsed = optional_template(setting, export_doc, request_use);
    if (!parsed) return parsed.error();
    next_template = std::move(*parsed);
  }

  ResponseChecks checks;
  if (auto read = read_response_checks(export_doc, checks); !read) return read.error();

  auto client = connection.client();
  Pager pager(std::move(*paging),
              [client](std::string_view url) { return client->redact_url(url); });
  std::unique_ptr<HttpExportReader> reader(new HttpExportReader(client, std::move(pager)));
  reader->method_ = std::move(*method);
  reader->set_page_param_ = paging_method == PagingMethod::kPage && !any_uses(kPagePath);
  reader->uses_previous_page_ = uses(*relative_uri, "previous_page") ||
                                (*body && uses(**body, "previous_page")) ||
                                headers->any_uses("previous_page") ||
                                (next_template && uses(*next_template, "previous_page"));
  reader->relative_uri_ = std::move(*relative_uri);
  reader->body_ = std::move(*body);
  reader->headers_ = std::move(*headers);
  reader->next_template_ = std::move(next_template);
  reader->success_path_ = std::move(checks.success_path);
  reader->success_values_ = std::move(checks.success_values);
  reader->fail_path_ = std::move(checks.fail_path);
  reader->fail_values_ = std::move(checks.fail_values);
  reader->error_path_ = std::move(checks.error_path);
  reader->media_ = *media;
  reader->context_ = export_variables(context.run());
  reader->connection_ = connection.variables();
  reader->once_ = type == "once";
  reader->once_method_ = std::move(*once_method);
  reader->once_uri_ = std::move(*once_uri);
  reader->once_body_ = std::move(*once_body);
  reader->as_text_ = reader->can_page_as_text() && reader->media_.success() == MediaType::kJson;
  // Pages fetched ahead: page and skip paging whose requests depend only on the page number or
  // offset (not on the previous response), through the connection's gate.
  if ((paging_method == PagingMethod::kPage || paging_method == PagingMethod::kSkip) &&
      !reader->uses_previous_page_ && !reader->next_template_ && !reader->once_) {
    if (const auto& gate = client->options().gate) {
      reader->fetch_ahead_ =
          std::clamp<size_t>(static_cast<size_t>(gate->options().concurrency), 1, kMaxFetchAhead);
    }
  }
  const RunContext* run = context.run();
  reader->request_ahead_ = reader->fetch_ahead_ == 1 && !reader->once_ &&
                           !(run != nullptr && (run->type == "test" || run->test_mode));
  reader->chain_ = reader->request_ahead_ && paging_method == PagingMethod::kLinkHeader &&
                   !reader->uses_previous_page_ && !reader->body_ &&
                   !reader->headers_.any_uses("export");
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

Result<json::array*> HttpExportReader::records_of(json::value& body, const std::string& url) {
  const std::string where = "the response of " + method_ + " " + url;
  const std::string& path = pager_.resource_path();
  const std::string setting = !pager_.first() && pager_.settings().later_resource_path
                                  ? "http.paging.resourcePath"
                                  : "http.response.resourcePath";
  if (path.empty()) {
    if (body.is_array()) return &body.get_array();
    return make_error(Status::kInvalidConfig,
                      where + " is " + describe_value(body) + ", not an array of records; set " +
                          setting + " to the path of the records (top-level keys: " +
                          top_level_keys(body) + ")" + misplaced_hint(body, path, setting));
  }
  json::value* records = find_path(body, path);
  if (records == nullptr) {
    return make_error(Status::kInvalidConfig,
                      setting + " '" + path + "' was not found in " + where +
                          "; its top-level keys are: " + top_level_keys(body) +
                          misplaced_hint(body, path, setting));
  }
  if (!records->is_array()) {
    return make_error(Status::kInvalidConfig,
                      setting + " '" + path + "' holds " + describe_value(*records) +
                          ", not an array of records, in " + where + "; its top-level keys are: " +
                          top_level_keys(body) + misplaced_hint(body, path, setting));
  }
  return &records->get_array();
}

bool HttpExportReader::can_page_as_text() const {
  if (uses_previous_page_ || once_) return false;
  const support::http::PagingSettings& p = pager_.settings();
  std::vector<const std::string*> record_paths{&p.resource_path};
  if (p.later_resource_path) record_paths.push_back(&*p.later_resource_path);
  for (const std::string* path :
       {&p.path, &p.path_after_first_request, &p.last_page_path, &p.max_page_path,
        &p.max_count_path, &success_path_, &fail_path_, &error_path_}) {
    if (path->empty()) continue;
    if (p.method != PagingMethod::kToken && p.method != PagingMethod::kUrl &&
        (path == &p.path || path == &p.path_after_first_request)) {
      continue;
    }
    if (p.path_location == PagingTokenLocation::kHeader &&
        (path == &p.path || path == &p.path_after_first_request)) {
      continue;
    }
    for (const std::string* records : record_paths) {
      if (records->empty() || *path == *records || path->starts_with(*records + ".")) {
        return false;
      }
    }
  }
  return true;
}

Result<json::value> HttpExportReader::parse_body(const support::http::Response& response,
                                                 json::storage_ptr arena) const {
  // JSON parsed, XML and CSV converted, per the success media type (media.hpp).
  return media_.decode_records(response, method_, pager_.resource_path(), *client_,
                               std::move(arena));
}

std::optional<HttpExportReader::Parsed> HttpExportReader::text_records(
    const support::http::Response& response) const {
  const std::string_view text = response.body;
  const auto records = json_value_at_path(text, pager_.resource_path());
  if (!records || records->empty() || records->front() != '[') return std::nullopt;
  const auto count = validate_json_array(*records);
  if (!count) return std::nullopt;
  // The rest of the body, with an empty array in the records' place: what paging reads.
  const size_t begin = static_cast<size_t>(records->data() - text.data());
  std::string rest;
  rest.reserve(text.size() - records->size() + 2);
  rest.append(text.substr(0, begin)).append("[]").append(text.substr(begin + records->size()));
  json::error_code ec;
  json::value body = json::parse(rest, ec);
  if (ec) return std::nullopt;
  return Parsed{.body = std::move(body), .records_text = *records, .count = *count};
}

Result<void> HttpExportReader::check_response(const json::value& body,
                                              const std::string& url) const {
  std::string why;
  if (!fail_path_.empty()) {
    const json::value* at = find_path(body, fail_path_);
    if (matches_any(at, fail_values_)) {
      why = "http.response.failPath '" + fail_path_ + "' is " + text_of(at);
    }
  }
  if (why.empty() && !success_path_.empty()) {
    const json::value* at = find_path(body, success_path_);
    if (!matches_any(at, success_values_)) {
      why = "http.response.successPath '" + success_path_ + "' is " + text_of(at) +
            ", not one of http.response.successValues";
    }
  }
  if (why.empty()) return {};
  std::string message;
  if (!error_path_.empty()) {
    if (const json::value* at = find_path(body, error_path_); at && !at->is_null()) {
      message = text_of(at);
    }
  }
  if (message.empty()) message = support::http::body_snippet(json::serialize(body));
  return make_error(Status::kRemoteError,
                    method_ + " " + url + ": the API reports a failure (" + why +
                        "): " + client_->redact(message) +
                        " — the request was refused; check the request or the API's answer");
}

void HttpExportReader::warn_if_misplaced(Context& context, const json::value& body, size_t count,
                                         const std::string& url) {
  if (count != 0 || warned_misplaced_) return;
  const std::string& path = pager_.resource_path();
  const std::string setting = !pager_.first() && pager_.settings().later_resource_path
                                  ? "http.paging.resourcePath"
                                  : "http.response.resourcePath";
  const std::string hint = misplaced_hint(body, path, setting);
  if (hint.empty()) return;
  warned_misplaced_ = true;
  context.warn(method_ + " " + url + ": no records at '" + path + "'" + hint);
}

json::value HttpExportReader::state() const {
  json::object position = pager_.position();
  if (done_) position["done"] = true;
  return json::object{{"resume", std::move(position)}};
}

void HttpExportReader::update_paging_variables(int64_t page, int64_t skip) {
  json::object& paging =
      context_.get_object()["export"].get_object()["http"].get_object()["paging"].get_object();
  paging["page"] = page;
  paging["skip"] = skip;
  if (pager_.settings().method == PagingMethod::kToken) paging["token"] = pager_.token();
}

Result<support::http::Request> HttpExportReader::build_request(std::string& body_text, int64_t page,
                                                               int64_t skip) {
  update_paging_variables(page, skip);
  const support::Binding open[] = {{"connection", &connection_.open}};
  const support::Binding secret[] = {{"connection", &connection_.with_secrets}};

  support::http::Request request;
  request.method = method_;
  if (auto headers = headers_.render(request.headers, context_, {.bindings = secret}); !headers) {
    // A helper's error may quote its argument: a header's may be a secret.
    return make_error(headers.error().status, client_->redact(headers.error().message));
  }
  media_.prepare(request);
  if (pager_.follows_url()) {
    request.url = pager_.next_url();
    return request;
  }
  const bool next_uri =
      pager_.uses_next_template() && pager_.settings().method == PagingMethod::kRelativeUri;
  const bool next_body =
      pager_.uses_next_template() && pager_.settings().method == PagingMethod::kBody;
  if (next_uri) {
    request.url = pager_.next_rendered();
  } else {
    auto url = relative_uri_.evaluate(context_, {.escape = Escape::kUri, .bindings = open});
    if (!url) return url.error();
    request.url = std::move(*url);
  }
  if (set_page_param_) {
    support::http::set_query_param(request.url, "page", std::to_string(page));
  }
  if (next_body) {
    body_text = pager_.next_rendered();
    if (auto encoded = media_.encode_rendered(body_text, request); !encoded) {
      return encoded.error();
    }
  } else if (body_) {
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

Result<PagingDecision> HttpExportReader::render_next(PagingDecision decision) {
  if (decision.last || !next_template_) return decision;
  update_paging_variables(pager_.page(), pager_.skip());
  const support::Binding open[] = {{"connection", &connection_.open}};
  const bool uri = pager_.settings().method == PagingMethod::kRelativeUri;
  auto rendered = next_template_->evaluate(
      context_, {.escape = uri ? Escape::kUri : media_.body_escape(), .bindings = open});
  if (!rendered) return rendered.error();
  auto next = pager_.set_next(std::move(*rendered));
  if (!next) return next.error();
  if (next->last) return next;
  return PagingDecision{.last = false, .reason = decision.reason + ", " + next->reason};
}

void HttpExportReader::trace_request(Context& context,
                                     const support::http::Request& request) const {
  std::string line =
      "request: " + request.method + " " + client_->redact_url(client_->resolve(request.url));
  if (!request.body.empty()) {
    line += ", " + std::to_string(request.body.size()) + " bytes: " +
            support::http::body_snippet(client_->redact(request.body), kTraceBodyBytes);
  }
  context.log(LogLevel::kDebug, line);
}

void HttpExportReader::trace_response(Context& context,
                                      const support::http::Response& response) const {
  // Masked before it is cut (a secret cut in two would not be found), but only the part shown.
  const std::string_view shown = std::string_view(response.body).substr(0, 2 * kTraceBodyBytes);
  context.log(LogLevel::kDebug,
              "response: " + std::to_string(response.status) + " " + response.reason + ", " +
                  std::to_string(response.body.size()) + " bytes: " +
                  support::http::body_snippet(client_->redact(shown), kTraceBodyBytes));
}

void HttpExportReader::remember_response(const support::http::Response& response,
                                         const json::value& body, const json::array& records) {
  if (!uses_previous_page_) return;
  context_.get_object()["previous_page"] =
      json::object{{"full_response", json::value(body)},
                   {"last_record", records.empty() ? json::value() : json::value(records.back())},
                   {"headers", headers_object(response.headers)}};
}

Result<void> HttpExportReader::fetch_ahead(Context& context) {
  // Skip paging steps by the records of the last page: known once a page came back, and only
  // while pages come back full (as many records as the first page); next_page() discards the
  // pages fetched for offsets that turn out wrong.
  const bool skip = pager_.settings().method == PagingMethod::kSkip;
  const bool full = last_count_ > 0 && last_count_ == first_count_;
  const size_t count = skip && !full ? 1 : fetch_ahead_;
  for (size_t i = 0; i < count; ++i) {
    auto& fetched = ahead_.emplace_back(std::make_unique<Fetched>());
    fetched->page = pager_.page() + static_cast<int64_t>(skip ? 0 : i);
    fetched->skip = pager_.skip() + static_cast<int64_t>(skip ? i * last_count_ : 0);
    auto request = build_request(fetched->body, fetched->page, fetched->skip);
    if (!request) {
      ahead_.clear();
      return request.error();
    }
    fetched->request = std::move(*request);
    fetched->request.body = fetched->body;
  }
  // Every job succeeds: a page's error is returned when that page is reached (a page after the
  // last one may well fail, and is discarded).
  auto sent = run_parallel(context, ahead_.size(), ahead_.size(),
                           [this](Context& worker, size_t index, size_t) -> Result<void> {
                             Fetched& fetched = *ahead_[index];
                             fetched.response.emplace(client_->execute(worker, fetched.request));
                             return {};
                           });
  if (!sent) {
    ahead_.clear();
    return sent.error();
  }
  return {};
}

void HttpExportReader::send_ahead(Context& context) {
  if (!request_ahead_ || done_) return;
  auto fetched = std::make_unique<Fetched>();
  fetched->page = pager_.page();
  fetched->skip = pager_.skip();
  auto request = build_request(fetched->body, fetched->page, fetched->skip);
  if (!request) return;  // the next call builds it again and reports the error
  fetched->request = std::move(*request);
  fetched->request.body = fetched->body;
  if (!background_) background_ = std::make_unique<BackgroundWorker>();
  Fetched* target = fetched.get();
  if (!background_->start(context.run(), [this, target](Context& worker) {
        target->response.emplace(client_->execute(worker, target->request));
      })) {
    return;
  }
  pending_ = std::move(fetched);
}

bool HttpExportReader::pending_is_next() const {
  if (!pending_) return false;
  if (pager_.follows_url()) return pending_->request.url == pager_.next_url();
  return pending_->page == pager_.page() && pending_->skip == pager_.skip();
}

void HttpExportReader::drop_pending(Context& context) {
  if (!pending_) return;
  background_->wait(context);
  pending_.reset();
}

void HttpExportReader::run_chain(Context& worker, Fetched* first) {
  const std::string rel = pager_.settings().link_relation;
  Fetched* current = first;
  for (;;) {
    Result<support::http::Response> response = client_->execute(worker, current->request);
    std::unique_ptr<Fetched> next;
    if (response && response->ok()) {
      if (auto link = support::http::find_link(response->headers, rel,
                                               client_->resolve(current->request.url))) {
        next = std::make_unique<Fetched>();
        next->request = current->request;  // the same but for the URL (see chain_)
        next->request.url = std::move(*link);
        next->request.body = {};
      }
    }
    Fetched* following = next.get();
    bool go_on = false;
    background_->signal([&] {
      current->response.emplace(std::move(response));
      current->ready = true;
      if (next && !chain_stop_) {
        chained_.push_back(std::move(next));
        go_on = true;
      }
    });
    if (!go_on) return;
    const bool room = background_->job_wait([this] {
      size_t waiting = 0;
      for (const auto& f : chained_) waiting += f->ready ? 1 : 0;
      return chain_stop_ || waiting < kChainWindow;
    });
    bool stop = !room;
    background_->signal([&] { stop = stop || chain_stop_; });
    if (stop) return;
    current = following;
  }
}

Result<std::unique_ptr<HttpExportReader::Fetched>> HttpExportReader::take_chained(
    Context& context) {
  bool empty = true;
  if (background_) background_->signal([&] { empty = chained_.empty(); });
  if (empty) {
    if (background_) background_->wait(context);  // a chain that ended: its job is over
    auto fetched = std::make_unique<Fetched>();
    fetched->page = pager_.page();
    fetched->skip = pager_.skip();
    auto request = build_request(fetched->body, fetched->page, fetched->skip);
    if (!request) return request.error();
    fetched->request = std::move(*request);
    fetched->request.body = fetched->body;
    if (!background_) background_ = std::make_unique<BackgroundWorker>();
    Fetched* first = fetched.get();
    chained_.push_back(std::move(fetched));
    chain_stop_ = false;
    if (!background_->start(context.run(),
                            [this, first](Context& worker) { run_chain(worker, first); })) {
      std::unique_ptr<Fetched> alone = std::move(chained_.front());
      chained_.clear();
      alone->response.emplace(client_->execute(context, alone->request));
      return alone;
    }
  }
  Fetched* front = nullptr;
  background_->signal([&] { front = chained_.front().get(); });
  background_->wait_until(context, [front] { return front->ready; });
  std::unique_ptr<Fetched> taken;
  background_->signal([&] {
    if (front->ready) {
      taken = std::move(chained_.front());
      chained_.pop_front();
    }
  });
  if (!taken) return make_error(Status::kInternal, "a chained request ended without a response");
  return taken;
}

void HttpExportReader::stop_chain(Context& context) {
  if (!background_) return;
  background_->signal([this] { chain_stop_ = true; });
  background_->wait(context);
  chained_.clear();
  chain_stop_ = false;
}

void HttpExportReader::discard_fetched(Context& context) {
  if (ahead_.empty()) return;
  const size_t n = ahead_.size();
  ahead_.clear();
  context.log(LogLevel::kDebug, "paging: discarded " + std::to_string(n) +
                                    (n == 1 ? " page" : " pages") + " fetched ahead");
}

Result<Page> HttpExportReader::next_page(Context& context) {
  if (done_) return Page{.state = state(), .done = true, .commit = once_};
  if (context.cancelled()) return make_error(Status::kCancelled, "export cancelled");

  std::string body_text;
  std::optional<support::http::Request> request;
  std::optional<Result<support::http::Response>> response;
  if (fetch_ahead_ > 1) {
    // A page fetched ahead for another page number or offset than the pager's (a short page
    // with skip paging) is not this page: fetched again.
    const bool skip = pager_.settings().method == PagingMethod::kSkip;
    if (!ahead_.empty() &&
        (skip ? ahead_.front()->skip != pager_.skip() : ahead_.front()->page != pager_.page())) {
      discard_fetched(context);
    }
    if (ahead_.empty()) {
      if (auto fetched = fetch_ahead(context); !fetched) return fetched.error();
    }
    std::unique_ptr<Fetched> front = std::move(ahead_.front());
    ahead_.pop_front();
    body_text = std::move(front->body);
    request.emplace(std::move(front->request));
    request->body = body_text;
    trace_request(context, *request);
    response.emplace(std::move(*front->response));
  } else if (chain_) {
    auto taken = take_chained(context);
    if (!taken) return taken.error();
    body_text = std::move((*taken)->body);
    request.emplace(std::move((*taken)->request));
    if (!body_text.empty()) request->body = body_text;
    trace_request(context, *request);
    response.emplace(std::move(*(*taken)->response));
  } else if (pending_is_next()) {
    background_->wait(context);
    std::unique_ptr<Fetched> front = std::move(pending_);
    body_text = std::move(front->body);
    request.emplace(std::move(front->request));
    request->body = body_text;
    trace_request(context, *request);
    response.emplace(std::move(*front->response));
  } else {
    drop_pending(context);  // not this page's (cannot happen: the pager did not move since)
    auto built = build_request(body_text, pager_.page(), pager_.skip());
    if (!built) return built.error();
    request.emplace(std::move(*built));
    request->body = body_text;
    trace_request(context, *request);
    response.emplace(client_->execute(context, *request));
  }
  if (!*response) return response->error();
  auto result = page_from(context, *request, **response);
  if (chain_) {
    if (!result || done_) {
      stop_chain(context);
    } else {
      bool agrees = true;  // the chain's next request is the pager's
      background_->signal(
          [&] { agrees = chained_.empty() || chained_.front()->request.url == pager_.next_url(); });
      if (!agrees) stop_chain(context);
    }
    return result;
  }
  if (!result || done_) {
    discard_fetched(context);
    drop_pending(context);
  } else if (pending_ && !pending_is_next()) {
    drop_pending(context);
  }
  if (result && !pending_) send_ahead(context);
  return result;
}

Result<Page> HttpExportReader::page_from(Context& context, const support::http::Request& request,
                                         const support::http::Response& http_response) {
  const support::http::Response* response = &http_response;
  trace_response(context, *response);
  if (auto end = pager_.end_on_status(response->status)) {
    done_ = true;
    context.log(LogLevel::kDebug, "paging: " + end->reason);
    return Page{.state = state(), .done = true, .commit = once_};
  }
  if (!response->ok()) return client_->error_for(method_, *response);

  std::optional<Parsed> parsed;
  if (as_text_) parsed = text_records(*response);
  // Parse into an arena sized for the page: faster than the default allocator, and it lives on
  // with the records (a shared resource) until the host is done with them.
  if (!parsed) {
    auto body = parse_body(*response, json::make_shared_resource<json::monotonic_resource>(
                                          response->body.size() + 1024));
    if (!body) return body.error();
    parsed.emplace(Parsed{.body = std::move(*body)});
    auto records = records_of(parsed->body, response->url);
    if (!records) return records.error();
    parsed->records = *records;
    parsed->count = (*records)->size();
  }
  if (auto checked = check_response(parsed->body, response->url); !checked) {
    return checked.error();
  }
  warn_if_misplaced(context, parsed->body, parsed->count, response->url);
  const std::string absolute_url = client_->resolve(request.url);
  auto decision = pager_.advance({.url = absolute_url,
                                  .headers = &response->headers,
                                  .raw = response->body,
                                  .body = &parsed->body,
                                  .records = parsed->count});
  if (!decision) return decision.error();
  if (parsed->records != nullptr) remember_response(*response, parsed->body, *parsed->records);
  decision = render_next(std::move(*decision));
  if (!decision) return decision.error();
  done_ = decision->last;
  last_count_ = static_cast<int64_t>(parsed->count);
  if (first_count_ == 0) first_count_ = last_count_;
  context.log(LogLevel::kDebug, "paging: " + decision->reason);

  if (parsed->records == nullptr) {
    return Page{.state = state(),
                .done = done_,
                .records_json = std::string(parsed->records_text),
                .commit = once_};
  }
  json::array& records = *parsed->records;
  if (once_ && !records.empty()) {
    if (uncommitted_.size() >= kMaxUncommittedPages) {
      return make_error(Status::kInternal,
                        "type once: " + std::to_string(uncommitted_.size()) +
                            " pages were handed to the host and none of them was committed; the "
                            "host must report committed pages (page_committed)");
    }
    uncommitted_.emplace_back(pager_.pages(), json::array(records));
  }
  // Move-constructing keeps the records in the body's arena: nothing is copied.
  return Page{
      .records = json::array(std::move(records)), .state = state(), .done = done_, .commit = once_};
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
