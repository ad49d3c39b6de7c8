#include "import_writer.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include "sluice/json_text.hpp"

#include "config.hpp"
#include "parallel.hpp"
#include "settings.hpp"
#include "sluice/json_path.hpp"

namespace sluice::plugins::http {

namespace json = boost::json;
using support::Escape;
using support::Template;
using support::http::body_snippet;

namespace {

// Appends the JSON text of `value` to `out` without building a temporary string.
void append_json(std::string& out, json::serializer& serializer, const json::value& value) {
  char buffer[16 * 1024];
  serializer.reset(&value);
  while (!serializer.done()) out.append(serializer.read(buffer, sizeof buffer));
}

std::optional<int> status_in(const json::value& item) {
  const json::object* object = item.if_object();
  if (object == nullptr) return std::nullopt;
  for (const char* key : {"statusCode", "status"}) {
    if (const json::value* v = object->if_contains(key); v != nullptr && v->is_int64()) {
      return static_cast<int>(v->get_int64());
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<HttpImportWriter>> HttpImportWriter::open(Context&,
                                                                 const HttpConnection& connection,
                                                                 const json::object& import_doc) {
  const ImportSettings& s = import_settings();
  auto method = s.method.read(import_doc);
  if (!method) return method.error();
  auto relative_uri_text = s.relative_uri.read(import_doc);
  if (!relative_uri_text) return relative_uri_text.error();
  auto relative_uri = Template::parse(*relative_uri_text, s.relative_uri.path());
  if (!relative_uri) return relative_uri.error();
  auto batch_size = s.batch_size.read(import_doc);
  if (!batch_size) return batch_size.error();
  const TemplateUse use{.site = *batch_size > 1 ? Site::kImportBatch : Site::kImportRecord,
                        .batch_size = *batch_size};
  if (auto checked = check_variables(*relative_uri, use); !checked) return checked.error();
  std::optional<Template> body;
  auto body_text = s.body.read(import_doc);
  if (!body_text) return body_text.error();
  if (!body_text->empty()) {
    auto parsed = Template::parse(*body_text, s.body.path());
    if (!parsed) return parsed.error();
    if (auto checked = check_variables(*parsed, use); !checked) return checked.error();
    body = std::move(*parsed);
  }
  auto header_values = read_headers(s.headers, import_doc);
  if (!header_values) return header_values.error();
  auto headers = HeaderTemplates::parse(*header_values, s.headers.path(), use);
  if (!headers) return headers.error();
  std::unique_ptr<HttpImportWriter> writer(new HttpImportWriter(connection.client()));
  for (auto [setting, target] : {std::pair{&s.resource_path, &writer->resource_path_},
                                 std::pair{&s.resource_id_path, &writer->id_path_},
                                 std::pair{&s.success_path, &writer->success_path_},
                                 std::pair{&s.error_path, &writer->error_path_}}) {
    auto value = setting->read(import_doc);
    if (!value) return value.error();
    *target = std::move(*value);
  }
  auto success_values = read_values(s.success_values, import_doc);
  if (!success_values) return success_values.error();
  if (!writer->success_path_.empty() && success_values->empty()) {
    return make_error(Status::kInvalidConfig,
                      "http.response.successValues is required when http.response.successPath is "
                      "set: the values that mean the record succeeded");
  }
  writer->success_values_ = std::move(*success_values);
  auto media = StepMedia::for_import(
      connection.media(), import_doc,
      {.has_body_template = body.has_value(),
       .batch_size = *batch_size,
       .reads_results = !writer->resource_path_.empty() || !writer->id_path_.empty() ||
                        !writer->success_path_.empty()});
  if (!media) return media.error();
  writer->media_ = *media;
  writer->method_ = std::move(*method);
  writer->uses_batch_ = uses(*relative_uri, "batch_of_records") ||
                        (body && uses(*body, "batch_of_records")) ||
                        headers->any_uses("batch_of_records");
  writer->relative_uri_ = std::move(*relative_uri);
  writer->headers_ = std::move(*headers);
  writer->body_template_ = std::move(body);
  writer->connection_ = connection.variables();
  writer->batch_size_ = static_cast<size_t>(*batch_size);
  if (const auto& gate = connection.client()->options().gate) {
    writer->workers_ = static_cast<size_t>(gate->options().concurrency);
  }
  writer->text_body_ = !writer->body_template_ && !writer->uses_batch_ &&
                       !uses(writer->relative_uri_, "record") &&
                       !writer->headers_.any_uses("record") &&
                       writer->media_.request() == MediaType::kJson;
  return writer;
}

Result<std::vector<RecordResult>> HttpImportWriter::submit(Context& context,
                                                           const json::array& records) {
  const size_t batches = (records.size() + batch_size_ - 1) / batch_size_;
  std::vector<std::vector<RecordResult>> slices(batches);
  auto sent = run_batches(context, batches, [&](Context& worker, size_t b, std::string& body) {
    const size_t first = b * batch_size_;
    const size_t count = std::min(batch_size_, records.size() - first);
    return submit_batch(worker, records, first, count, body, slices[b]);
  });
  if (!sent) return sent.error();
  return concatenate(slices, records.size());
}

Result<void> HttpImportWriter::run_batches(
    Context& context, size_t batches,
    const std::function<Result<void>(Context&, size_t, std::string&)>& batch) {
  if (bodies_.size() < std::min(workers_, batches)) bodies_.resize(std::min(workers_, batches));
  return run_parallel(context, batches, workers_,
                      [&](Context& worker, size_t b, size_t slot) -> Result<void> {
                        if (worker.cancelled()) {
                          return make_error(Status::kCancelled, "import cancelled");
                        }
                        return batch(worker, b, bodies_[slot]);
                      });
}

std::vector<RecordResult> HttpImportWriter::concatenate(
    std::vector<std::vector<RecordResult>>& slices, size_t count) {
  std::vector<RecordResult> results;
  results.reserve(count);
  for (auto& slice : slices) {
    for (RecordResult& r : slice) results.push_back(std::move(r));
  }
  return results;
}

RecordResult HttpImportWriter::batch_failure(int status, std::string code,
                                             const std::string& message) const {
  RecordResult r;
  r.status_code = status;
  r.errors.push_back({std::move(code), message});
  return r;
}

RecordResult HttpImportWriter::evaluate(const json::value& item, int http_status) const {
  RecordResult r;
  r.status_code = http_status;
  if (!id_path_.empty()) {
    if (const json::value* id = find_path(item, id_path_))
      r.id = json::value(*id, json::storage_ptr());
  }
  const json::value* error_message = error_path_.empty() ? nullptr : find_path(item, error_path_);
  const std::optional<int> item_status = status_in(item);
  if (item_status && *item_status >= 400) r.status_code = *item_status;

  const json::object* object = item.if_object();
  const json::value* errors = object ? object->if_contains("errors") : nullptr;
  if (errors != nullptr && errors->is_array() && !errors->get_array().empty()) {
    for (const json::value& e : errors->get_array()) {
      const json::object* eo = e.if_object();
      const json::value* code = eo ? eo->if_contains("code") : nullptr;
      const json::value* message = eo ? eo->if_contains("message") : nullptr;
      r.errors.push_back({code ? text_of(code) : std::to_string(r.status_code),
                          error_message ? text_of(error_message)
                          : message     ? text_of(message)
                                        : body_snippet(client_->redact(json::serialize(e)))});
      if (error_message) break;  // one message for the record, not one per entry
    }
  } else if (r.status_code >= 400) {
    r.errors.push_back({std::to_string(r.status_code),
                        error_message ? text_of(error_message)
                                      : body_snippet(client_->redact(json::serialize(item)))});
  }
  if (!success_path_.empty()) {
    const json::value* success = find_path(item, success_path_);
    if (!matches_any(success, success_values_) && r.errors.empty()) {
      std::string expected;
      for (const auto& v : success_values_) expected.append(expected.empty() ? "" : ", ").append(v);
      r.errors.push_back({"unsuccessful", error_message
                                              ? text_of(error_message)
                                              : "http.response.successPath '" + success_path_ +
                                                    "' holds " + text_of(success) +
                                                    ", not one of http.response.successValues (" +
                                                    expected + ")"});
    }
  }
  if (!r.errors.empty() && r.status_code < 400) r.status_code = 422;
  return r;
}

Result<void> HttpImportWriter::render_request(const json::array& records, size_t first,
                                              size_t count, support::http::Request& request,
                                              std::string& body) const {
  json::value batch;
  if (uses_batch_) {
    json::array& items = batch.emplace_array();
    items.reserve(count);
    for (size_t i = first; i < first + count; ++i)
      items.push_back(json::object{{"record", records[i]}});
  }
  return render_request(records[first], batch, request, body);
}

Result<void> HttpImportWriter::render_request(const json::value& record, const json::value& batch,
                                              support::http::Request& request,
                                              std::string& body) const {
  static const json::value kEmpty = json::object();
  const support::Binding open[] = {
      {"connection", &connection_.open}, {"record", &record}, {"batch_of_records", &batch}};
  const support::Binding secret[] = {
      {"connection", &connection_.with_secrets}, {"record", &record}, {"batch_of_records", &batch}};
  if (auto headers = headers_.render(request.headers, kEmpty, {.bindings = secret}); !headers) {
    // A helper's error may quote its argument: a header's may be a secret.
    return make_error(headers.error().status, client_->redact(headers.error().message));
  }
  if (relative_uri_.is_literal()) {
    request.url = relative_uri_.source();
  } else {
    auto url = relative_uri_.evaluate(kEmpty, {.escape = Escape::kUri, .bindings = open});
    if (!url) return url.error();
    request.url = std::move(*url);
  }
  media_.prepare(request);
  if (body_template_) {
    body.clear();
    // Values are escaped for the request's media type (JSON string content with json), so the
    // body stays valid in its format.
    auto rendered = body_template_->evaluate_to(
        body, kEmpty, {.escape = media_.body_escape(), .bindings = open});
    if (!rendered) return rendered.error();
    return media_.encode_rendered(body, request);
  }
  return {};
}

Result<void> HttpImportWriter::submit_batch(Context& context, const json::array& records,
                                            size_t first, size_t count, std::string& body,
                                            std::vector<RecordResult>& out) const {
  support::http::Request request;
  request.method = method_;
  // A template that fails (an unknown helper, a helper refusing its arguments) fails this
  // batch's records, not the job.
  if (auto rendered = render_request(records, first, count, request, body); !rendered) {
    fail_batch(rendered.error(), count, out);
    return {};
  }
  // urlencoded, form-data: the record's fields as a form (media.hpp); a record that has no form
  // encoding (a nested object) fails alone.
  auto form = body_template_ ? Result<bool>(false)
                             : media_.encode_record(records[first], body, request);
  if (!form) {
    fail_batch(form.error(), count, out);
    return {};
  }
  if (!body_template_ && !*form) {
    // Serialize straight from the page's records into one reused buffer.
    const size_t previous = body.size();
    body.clear();
    body.reserve(previous + previous / 8);
    json::serializer serializer;
    if (batch_size_ == 1) {
      append_json(body, serializer, records[first]);
    } else {
      body.push_back('[');
      for (size_t i = first; i < first + count; ++i) {
        if (i != first) body.push_back(',');
        append_json(body, serializer, records[i]);
      }
      body.push_back(']');
    }
  }
  request.body = body;
  return exchange(context, request, count, out);
}

void HttpImportWriter::fail_batch(const Error& error, size_t count,
                                  std::vector<RecordResult>& out) const {
  for (size_t i = 0; i < count; ++i) {
    RecordResult r;
    r.status_code = 422;
    r.errors.push_back({"template", error.message});
    out.push_back(std::move(r));
  }
}

Result<std::vector<RecordResult>> HttpImportWriter::submit_text(Context& context,
                                                                std::string_view records_json,
                                                                size_t count) {
  if (!text_body_) return ImportWriter::submit_text(context, records_json, count);
  const auto elements = json_array_elements(records_json);
  // Not what the host promises: the default path reports it.
  if (!elements || elements->size() != count) {
    return ImportWriter::submit_text(context, records_json, count);
  }
  const size_t batches = (count + batch_size_ - 1) / batch_size_;
  std::vector<std::vector<RecordResult>> slices(batches);
  auto sent = run_batches(context, batches, [&](Context& worker, size_t b, std::string& body) {
    const size_t first = b * batch_size_;
    const size_t n = std::min(batch_size_, count - first);
    support::http::Request request;
    request.method = method_;
    // No template reads the records (text_body_), so they are bound to null.
    static const json::value kNull;
    if (auto rendered = render_request(kNull, kNull, request, body); !rendered) {
      fail_batch(rendered.error(), n, slices[b]);
      return Result<void>();
    }
    append_body_text(*elements, first, n, body);
    request.body = body;
    return exchange(worker, request, n, slices[b]);
  });
  if (!sent) return sent.error();
  return concatenate(slices, count);
}

void HttpImportWriter::append_body_text(const std::vector<std::string_view>& elements, size_t first,
                                        size_t count, std::string& body) const {
  body.clear();
  if (batch_size_ == 1) {
    body.append(elements[first]);
    return;
  }
  body.push_back('[');
  for (size_t i = first; i < first + count; ++i) {
    if (i != first) body.push_back(',');
    body.append(elements[i]);
  }
  body.push_back(']');
}

Result<void> HttpImportWriter::exchange(Context& context, support::http::Request& request,
                                        size_t count, std::vector<RecordResult>& out) const {
  auto response = client_->execute(context, request);
  if (!response) return response.error();
  const int status = response->status;
  const Status kind = support::http::status_for(status);
  if (kind == Status::kAuthFailed || kind == Status::kTransient || kind == Status::kRateLimited) {
    return client_->error_for(method_, *response);
  }

  json::monotonic_resource arena;
  // JSON parsed, XML converted, per the success or error media type (media.hpp).
  std::optional<json::value> decoded = media_.decode(*response, resource_path_, &arena);
  const bool have_json = decoded.has_value();
  json::value body = have_json ? std::move(*decoded) : json::value(&arena);

  if (!response->ok()) {
    const Error error = client_->error_for(method_, *response);
    for (size_t i = 0; i < count; ++i) {
      if (batch_size_ == 1 && have_json && body.is_object()) {
        RecordResult r = evaluate(body, status);
        if (r.errors.empty()) r.errors.push_back({std::to_string(status), error.message});
        out.push_back(std::move(r));
      } else {
        out.push_back(batch_failure(status, std::to_string(status), error.message));
      }
    }
    return {};
  }

  const bool wants_items = !resource_path_.empty() || !id_path_.empty() || !success_path_.empty();
  if (!have_json) {
    for (size_t i = 0; i < count; ++i) {
      if (wants_items) {
        out.push_back(batch_failure(422, "invalid_response",
                                    "the response of " + method_ + " " + response->url +
                                        " is not JSON, so " +
                                        "http.response settings cannot be applied: " +
                                        body_snippet(client_->redact(response->body))));
      } else {
        RecordResult ok;
        ok.status_code = status;
        out.push_back(std::move(ok));
      }
    }
    return {};
  }

  // The per-record result items.
  const json::value* items = &body;
  if (!resource_path_.empty()) items = find_path(body, resource_path_);
  if (items != nullptr && items->is_array()) {
    const json::array& list = items->get_array();
    if (list.size() == count) {
      for (const json::value& item : list) out.push_back(evaluate(item, status));
      return {};
    }
    for (size_t i = 0; i < count; ++i) {
      out.push_back(batch_failure(
          422, "response_mismatch",
          "the response of " + method_ + " " + response->url + " holds " +
              std::to_string(list.size()) + " results for the " + std::to_string(count) +
              " records sent, so they cannot be matched; check http.response.resourcePath"));
    }
    return {};
  }
  if (batch_size_ == 1 && items != nullptr) {
    out.push_back(evaluate(*items, status));
    return {};
  }
  if (!resource_path_.empty()) {
    for (size_t i = 0; i < count; ++i) {
      out.push_back(batch_failure(422, "response_mismatch",
                                  "http.response.resourcePath '" + resource_path_ + "' " +
                                      (items == nullptr ? std::string("was not found")
                                                        : "holds " + describe_value(*items) +
                                                              ", not an array of results,") +
                                      " in the response of " + method_ + " " + response->url));
    }
    return {};
  }
  // A batch answered with one object and no per-record list: it applies to every record.
  for (size_t i = 0; i < count; ++i) out.push_back(evaluate(body, status));
  return {};
}

}  // namespace sluice::plugins::http
