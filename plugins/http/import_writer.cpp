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
  auto batch_size = s.batch_size.read(import_doc);
  if (!batch_size) return batch_size.error();
  const TemplateUse use{.site = *batch_size > 1 ? Site::kImportBatch : Site::kImportRecord,
                        .batch_size = *batch_size};
  auto plan = ImportPlan::read(import_doc, use);
  if (!plan) return plan.error();
  auto header_values = read_headers(s.headers, import_doc);
  if (!header_values) return header_values.error();
  auto headers = HeaderTemplates::parse(*header_values, s.headers.path(), use);
  if (!headers) return headers.error();
  std::unique_ptr<HttpImportWriter> writer(
      new HttpImportWriter(connection.client(), std::move(*plan)));
  bool reads_records = headers->any_uses("record");
  writer->uses_batch_ = headers->any_uses("batch_of_records");
  bool has_body = false;       // some request type has a body template
  bool every_body = true;      // every request type has one
  bool reads_results = false;  // some request type reads result items
  for (const Operation& op : writer->plan_.operations()) {
    writer->uses_batch_ = writer->uses_batch_ || uses(op.relative_uri, "batch_of_records") ||
                          (op.body && uses(*op.body, "batch_of_records"));
    reads_records = reads_records || uses(op.relative_uri, "record");
    has_body = has_body || op.body.has_value();
    every_body = every_body && op.body.has_value();
    reads_results = reads_results || op.response.wants_items();
  }
  auto media = StepMedia::for_import(
      connection.media(), import_doc,
      {.has_body_template = every_body, .batch_size = *batch_size, .reads_results = reads_results});
  if (!media) return media.error();
  writer->media_ = *media;
  const MediaType request_type = writer->media_.request();
  if (writer->plan_.ignore_empty_nodes() && has_body && request_type != MediaType::kJson &&
      request_type != MediaType::kFormData) {
    // Empty nodes are removed from JSON; a body template in another format is sent as written.
    return make_error(Status::kInvalidConfig,
                      "http.ignoreEmptyNodes removes empty fields from a JSON body, but "
                      "http.requestMediaType is " +
                          std::string(name_of(request_type)) +
                          " and http.body is written in that format: remove "
                          "http.ignoreEmptyNodes, or leave the empty values out in http.body");
  }
  if (const auto& gate = connection.client()->options().gate) {
    writer->workers_ = static_cast<size_t>(gate->options().concurrency);
  }
  writer->headers_ = std::move(*headers);
  writer->connection_ = connection.variables();
  writer->batch_size_ = static_cast<size_t>(*batch_size);
  writer->text_body_ = writer->plan_.single() && !writer->plan_.ignore_empty_nodes() && !has_body &&
                       !writer->uses_batch_ && !reads_records && request_type == MediaType::kJson;
  return writer;
}

Result<std::vector<RecordResult>> HttpImportWriter::submit(Context& context,
                                                           const json::array& records) {
  // The page's requests, batch by batch in record order; ignored records get their result here.
  std::vector<RecordResult> results(records.size());
  std::vector<Group> groups;
  for (size_t first = 0; first < records.size(); first += batch_size_) {
    plan_batch(records, first, std::min(batch_size_, records.size() - first), groups, results);
  }
  // Each request writes only its own slice; the slices are put back at their records' places.
  std::vector<std::vector<RecordResult>> slices(groups.size());
  auto sent =
      run_requests(context, groups.size(), [&](Context& worker, size_t g, std::string& body) {
        slices[g].reserve(groups[g].indices.size());
        return send_group(worker, records, groups[g].indices, plan_.operations()[groups[g].op],
                          body, slices[g]);
      });
  if (!sent) return sent.error();
  for (size_t g = 0; g < groups.size(); ++g) {
    for (size_t k = 0; k < groups[g].indices.size(); ++k) {
      results[groups[g].indices[k]] = std::move(slices[g][k]);
    }
  }
  return results;
}

void HttpImportWriter::plan_batch(const json::array& records, size_t first, size_t count,
                                  std::vector<Group>& groups,
                                  std::vector<RecordResult>& results) const {
  if (plan_.single()) {
    Group& group = groups.emplace_back();
    group.indices.resize(count);
    for (size_t i = 0; i < count; ++i) group.indices[i] = first + i;
    return;
  }
  // Each record's operation (nullopt: ignored); one request per operation the batch uses, each
  // with its records in order.
  std::vector<std::optional<size_t>> chosen(count);
  for (size_t i = 0; i < count; ++i) {
    chosen[i] = plan_.operation_for(records[first + i]);
    if (!chosen[i]) results[first + i].ignored = true;
  }
  for (size_t op = 0; op < plan_.operations().size(); ++op) {
    Group group{.op = op, .indices = {}};
    for (size_t i = 0; i < count; ++i) {
      if (chosen[i] == op) group.indices.push_back(first + i);
    }
    if (!group.indices.empty()) groups.push_back(std::move(group));
  }
}

Result<void> HttpImportWriter::run_requests(
    Context& context, size_t count,
    const std::function<Result<void>(Context&, size_t, std::string&)>& job) {
  if (bodies_.size() < std::min(workers_, count)) bodies_.resize(std::min(workers_, count));
  return run_parallel(context, count, workers_,
                      [&](Context& worker, size_t index, size_t slot) -> Result<void> {
                        if (worker.cancelled()) {
                          return make_error(Status::kCancelled, "import cancelled");
                        }
                        return job(worker, index, bodies_[slot]);
                      });
}

RecordResult HttpImportWriter::batch_failure(int status, std::string code,
                                             const std::string& message) {
  RecordResult r;
  r.status_code = status;
  r.errors.push_back({std::move(code), message});
  return r;
}

RecordResult HttpImportWriter::evaluate(const ResponseRules& rules, const json::value& item,
                                        int http_status) const {
  RecordResult r;
  r.status_code = http_status;
  const json::object* object = item.if_object();
  if (!rules.id_path.empty()) {
    if (const json::value* id = find_path(item, rules.id_path))
      r.id = json::value(*id, json::storage_ptr());
  } else if (object != nullptr) {
    // integrator.io's default: the result's id, else its _id.
    for (const char* key : {"id", "_id"}) {
      if (const json::value* id = object->if_contains(key); id != nullptr && !id->is_null()) {
        r.id = json::value(*id, json::storage_ptr());
        break;
      }
    }
  }
  const json::value* error_message =
      rules.error_path.empty() ? nullptr : find_path(item, rules.error_path);
  const std::optional<int> item_status = status_in(item);
  if (item_status && *item_status >= 400) r.status_code = *item_status;

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
  if (!rules.fail_path.empty() && r.errors.empty()) {
    const json::value* failure = find_path(item, rules.fail_path);
    if (matches_any(failure, rules.fail_values)) {
      r.errors.push_back({"failed", error_message ? text_of(error_message)
                                                  : "http.response.failPath '" + rules.fail_path +
                                                        "' holds " + text_of(failure) +
                                                        ", one of http.response.failValues"});
    }
  }
  if (!rules.success_path.empty() && r.errors.empty()) {
    const json::value* success = find_path(item, rules.success_path);
    if (!matches_any(success, rules.success_values)) {
      std::string expected;
      for (const auto& v : rules.success_values) {
        expected.append(expected.empty() ? "" : ", ").append(v);
      }
      r.errors.push_back({"unsuccessful", error_message
                                              ? text_of(error_message)
                                              : "http.response.successPath '" + rules.success_path +
                                                    "' holds " + text_of(success) +
                                                    ", not one of http.response.successValues (" +
                                                    expected + ")"});
    }
  }
  if (!r.errors.empty() && r.status_code < 400) r.status_code = 422;
  return r;
}

Result<void> HttpImportWriter::render_request(const Operation& op, const json::array& records,
                                              const std::vector<size_t>& indices,
                                              support::http::Request& request,
                                              std::string& body) const {
  json::value batch;
  if (uses_batch_) {
    json::array& items = batch.emplace_array();
    items.reserve(indices.size());
    for (size_t i : indices) items.push_back(json::object{{"record", records[i]}});
  }
  return render_request(op, records[indices.front()], batch, request, body);
}

Result<void> HttpImportWriter::render_request(const Operation& op, const json::value& record,
                                              const json::value& batch,
                                              support::http::Request& request,
                                              std::string& body) const {
  static const json::value kEmpty = json::object();
  const support::Binding open[] = {
      {"connection", &connection_.open}, {"record", &record}, {"batch_of_records", &batch}};
  const support::Binding secret[] = {
      {"connection", &connection_.with_secrets}, {"record", &record}, {"batch_of_records", &batch}};
  const bool strict = plan_.strict();
  if (auto headers =
          headers_.render(request.headers, kEmpty, {.strict = strict, .bindings = secret});
      !headers) {
    // A helper's error may quote its argument: a header's may be a secret.
    return make_error(headers.error().status, client_->redact(headers.error().message));
  }
  if (op.relative_uri.is_literal()) {
    request.url = op.relative_uri.source();
  } else {
    auto url = op.relative_uri.evaluate(
        kEmpty, {.escape = Escape::kUri, .strict = strict, .bindings = open});
    if (!url) return url.error();
    request.url = std::move(*url);
  }
  media_.prepare(request);
  if (op.body) {
    body.clear();
    // Values are escaped for the request's media type (JSON string content with json), so the
    // body stays valid in its format.
    auto rendered = op.body->evaluate_to(
        body, kEmpty, {.escape = media_.body_escape(), .strict = strict, .bindings = open});
    if (!rendered) return rendered.error();
  }
  return {};
}

Result<void> HttpImportWriter::send_group(Context& context, const json::array& records,
                                          const std::vector<size_t>& indices, const Operation& op,
                                          std::string& body, std::vector<RecordResult>& out) const {
  support::http::Request request;
  request.method = op.method;
  // A template that fails (an unknown helper, a helper refusing its arguments, a missing field
  // in strict mode) fails this request's records, not the job.
  if (auto rendered = render_request(op, records, indices, request, body); !rendered) {
    fail_all("template", rendered.error().message, indices.size(), out);
    return {};
  }
  const bool drop_empty = plan_.ignore_empty_nodes();
  json::serializer serializer;
  if (op.body) {
    if (drop_empty) {
      // Only JSON bodies (json, form-data) get here: open() refuses the other types.
      json::error_code ec;
      json::value parsed = json::parse(body, ec);
      if (ec) {
        fail_all("invalid_body",
                 op.body->name() + " rendered to text that is not JSON (" + ec.message() +
                     "), so http.ignoreEmptyNodes cannot remove its empty fields: " +
                     body_snippet(client_->redact(body)),
                 indices.size(), out);
        return {};
      }
      drop_empty_nodes(parsed);
      body.clear();
      append_json(body, serializer, parsed);
    }
    // form-data: the rendered JSON object becomes a multipart body (media.hpp).
    if (auto encoded = media_.encode_rendered(body, request); !encoded) {
      fail_all("invalid_body", encoded.error().message, indices.size(), out);
      return {};
    }
  } else {
    // A pruned copy of a record with ignoreEmptyNodes, else the page's record itself.
    json::value pruned;
    auto record_at = [&](size_t index) -> const json::value& {
      if (!drop_empty) return records[index];
      pruned = records[index];
      drop_empty_nodes(pruned);
      return pruned;
    };
    if (batch_size_ == 1) {
      const json::value& record = record_at(indices.front());
      // urlencoded, form-data (batch size 1, as open() checks): the record's fields as a form;
      // a record that has no form encoding (a nested object) fails alone.
      auto form = media_.encode_record(record, body, request);
      if (!form) {
        fail_all("invalid_body", form.error().message, 1, out);
        return {};
      }
      if (!*form) {
        body.clear();
        append_json(body, serializer, record);
      }
    } else {
      // Serialized straight from the page's records into the worker's reused buffer.
      body.clear();
      body.push_back('[');
      for (size_t k = 0; k < indices.size(); ++k) {
        if (k != 0) body.push_back(',');
        append_json(body, serializer, record_at(indices[k]));
      }
      body.push_back(']');
    }
  }
  request.body = body;
  return exchange(context, op, request, indices.size(), out);
}

void HttpImportWriter::fail_all(const std::string& code, const std::string& message, size_t count,
                                std::vector<RecordResult>& out) {
  for (size_t i = 0; i < count; ++i) out.push_back(batch_failure(422, code, message));
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
  const Operation& op = plan_.operations()[0];
  const size_t batches = (count + batch_size_ - 1) / batch_size_;
  std::vector<std::vector<RecordResult>> slices(batches);
  auto sent = run_requests(context, batches, [&](Context& worker, size_t b, std::string& body) {
    const size_t first = b * batch_size_;
    const size_t n = std::min(batch_size_, count - first);
    support::http::Request request;
    request.method = op.method;
    // No template reads the records (text_body_), so they are bound to null.
    static const json::value kNull;
    if (auto rendered = render_request(op, kNull, kNull, request, body); !rendered) {
      fail_all("template", rendered.error().message, n, slices[b]);
      return Result<void>();
    }
    append_body_text(*elements, first, n, body);
    request.body = body;
    return exchange(worker, op, request, n, slices[b]);
  });
  if (!sent) return sent.error();
  std::vector<RecordResult> results;
  results.reserve(count);
  for (auto& slice : slices) {
    for (RecordResult& r : slice) results.push_back(std::move(r));
  }
  return results;
}

void HttpImportWriter::append_body_text(const std::vector<std::string_view>& elements, size_t first,
                                        size_t count, std::string& body) const {
  body.clear();
  if (batch_size_ == 1) {
    body.append(elements[first]);
    return;
  }
  size_t size = 2;
  for (size_t i = first; i < first + count; ++i) size += elements[i].size() + 1;
  body.reserve(size);
  body.push_back('[');
  for (size_t i = first; i < first + count; ++i) {
    if (i != first) body.push_back(',');
    body.append(elements[i]);
  }
  body.push_back(']');
}

Result<void> HttpImportWriter::exchange(Context& context, const Operation& op,
                                        support::http::Request& request, size_t count,
                                        std::vector<RecordResult>& out) const {
  auto response = client_->execute(context, request);
  if (!response) return response.error();
  const int status = response->status;
  const Status kind = support::http::status_for(status);
  if (kind == Status::kAuthFailed) return client_->error_for(op.method, *response);
  if (kind == Status::kTransient || kind == Status::kRateLimited) {
    // The client has retried it already: these records fail, the other requests go on.
    const Error error = client_->error_for(op.method, *response);
    for (size_t i = 0; i < count; ++i) {
      out.push_back(batch_failure(status, std::to_string(status), error.message));
    }
    return {};
  }
  const ResponseRules& rules = op.response;

  json::monotonic_resource arena;
  // JSON parsed, XML converted, per the success or error media type (media.hpp).
  std::optional<json::value> decoded = media_.decode(*response, rules.resource_path, &arena);
  const bool have_json = decoded.has_value();
  json::value body = have_json ? std::move(*decoded) : json::value(&arena);

  if (!response->ok()) {
    const Error error = client_->error_for(op.method, *response);
    for (size_t i = 0; i < count; ++i) {
      if (batch_size_ == 1 && have_json && body.is_object()) {
        // The response is the record's result: its errors[] or errorPath explain the failure,
        // else the status and the response as the client reports them.
        RecordResult r = evaluate(rules, body, status);
        const json::value* errors = body.get_object().if_contains("errors");
        const bool explained =
            (!rules.error_path.empty() && find_path(body, rules.error_path) != nullptr) ||
            (errors != nullptr && errors->is_array() && !errors->get_array().empty());
        if (!explained) r.errors = {{std::to_string(status), error.message}};
        out.push_back(std::move(r));
      } else {
        out.push_back(batch_failure(status, std::to_string(status), error.message));
      }
    }
    return {};
  }

  if (!have_json) {
    for (size_t i = 0; i < count; ++i) {
      if (rules.wants_items()) {
        out.push_back(batch_failure(422, "invalid_response",
                                    "the response of " + op.method + " " + response->url +
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
  if (!rules.resource_path.empty()) items = find_path(body, rules.resource_path);
  if (items != nullptr && items->is_array()) {
    const json::array& list = items->get_array();
    if (list.size() == count) {
      for (const json::value& item : list) out.push_back(evaluate(rules, item, status));
      return {};
    }
    for (size_t i = 0; i < count; ++i) {
      out.push_back(batch_failure(
          422, "response_mismatch",
          "the response of " + op.method + " " + response->url + " holds " +
              std::to_string(list.size()) + " results for the " + std::to_string(count) +
              " records sent, so they cannot be matched; check http.response.resourcePath"));
    }
    return {};
  }
  if (batch_size_ == 1 && items != nullptr) {
    out.push_back(evaluate(rules, *items, status));
    return {};
  }
  if (!rules.resource_path.empty()) {
    for (size_t i = 0; i < count; ++i) {
      out.push_back(batch_failure(422, "response_mismatch",
                                  "http.response.resourcePath '" + rules.resource_path + "' " +
                                      (items == nullptr ? std::string("was not found")
                                                        : "holds " + describe_value(*items) +
                                                              ", not an array of results,") +
                                      " in the response of " + op.method + " " + response->url));
    }
    return {};
  }
  // A batch answered with one object and no per-record list: it applies to every record.
  for (size_t i = 0; i < count; ++i) out.push_back(evaluate(rules, body, status));
  return {};
}

}  // namespace sluice::plugins::http
