#include "sluice/detail/shims.hpp"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include "sluice/hooks.hpp"
#include "sluice/json_text.hpp"
#include "sluice/version.hpp"

namespace sluice::detail {

namespace json = boost::json;

namespace {

// Everything the descriptor points at; lives for as long as the plugin is loaded.
struct PluginState {
  const sluice_host_api* host = nullptr;
  std::string plugin_id;
  std::deque<std::string> strings;
  std::vector<sluice_connector_descriptor> connectors;
  sluice_plugin_descriptor descriptor{};
  bool described = false;

  const char* keep(std::string text) { return strings.emplace_back(std::move(text)).c_str(); }
};

PluginState& state() {
  static PluginState instance;
  return instance;
}

// Hooks registered by SLUICE_HOOK (static initialisers, before the entry function runs).
std::vector<sluice_hook_descriptor>& hooks() {
  static std::vector<sluice_hook_descriptor> instance;
  return instance;
}

struct ConnectionBox {
  std::unique_ptr<Connection> connection;
};
struct ExportBox {
  std::unique_ptr<ExportReader> reader;
  std::unique_ptr<RunContext> run;  // null when a 1.0 host opened it
};
struct ImportBox {
  std::unique_ptr<ImportWriter> writer;
};
struct LookupBox {
  std::unique_ptr<Lookup> lookup;
};
struct ListenerBox {
  std::unique_ptr<Listener> listener;
};

// The size of the 1.0 host table: what the SDK needs at least.
constexpr size_t kHostApi10Size =
    offsetof(sluice_host_api, set_retry_after) + sizeof(sluice_host_api::set_retry_after);

sluice_str to_str(std::string_view text) { return sluice_str{text.data(), text.size()}; }

sluice_status report(sluice_call* call, const Error& error) noexcept {
  const sluice_host_api* host = state().host;
  try {
    std::string details = error.details.is_null() ? std::string() : json::serialize(error.details);
    if (host != nullptr && host->set_error != nullptr) {
      host->set_error(call, to_str(error.message), to_str(details));
    }
  } catch (...) {
    if (host != nullptr && host->set_error != nullptr) {
      host->set_error(call, to_str("out of memory while reporting an error"), to_str(""));
    }
  }
  if (error.status == Status::kRateLimited && error.retry_after_ms > 0 && host != nullptr &&
      host->set_retry_after != nullptr) {
    host->set_retry_after(call, error.retry_after_ms);
  }
  const auto status = static_cast<sluice_status>(error.status);
  return status == SLUICE_OK ? SLUICE_INTERNAL : status;
}

// Maps the exception in flight to SLUICE_INTERNAL with a message naming plugin and operation.
sluice_status report_exception(sluice_call* call, const char* operation) noexcept {
  std::string what;
  try {
    throw;
  } catch (const std::bad_alloc&) {
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "an exception that is not a std::exception";
  }
  try {
    return report(
        call, make_error(Status::kInternal, "plugin '" + state().plugin_id + "' threw during " +
                                                operation + ": " + what +
                                                " (a bug in the plugin; report it to its author)"));
  } catch (...) {
    return SLUICE_INTERNAL;
  }
}

Result<json::value> parse_json(sluice_str text, const char* what) {
  json::error_code ec;
  json::value value = json::parse(std::string_view(text.ptr, text.len), ec);
  if (ec) {
    return make_error(Status::kInvalidConfig, std::string("the host passed ") + what +
                                                  " that is not valid JSON: " + ec.message());
  }
  return value;
}

// A page of records the host passed: a JSON array, parsed into `arena`.
Result<json::value> parse_page(sluice_str page_json, json::monotonic_resource& arena) {
  json::error_code ec;
  json::value page = json::parse(std::string_view(page_json.ptr, page_json.len), ec, &arena);
  if (ec || !page.is_array()) {
    return make_error(Status::kInternal,
                      "the host passed a page that is not a JSON array of records");
  }
  return page;
}

Result<json::object> parse_object(sluice_str text, const char* what) {
  auto value = parse_json(text, what);
  if (!value) return value.error();
  if (!value->is_object()) {
    return make_error(Status::kInvalidConfig,
                      std::string("the host passed ") + what + " that is not a JSON object");
  }
  return std::move(value->as_object());
}

// Appends one RecordResult as JSON, in the shape RecordResult::to_json() documents.
void append_result(std::string& out, const RecordResult& r) {
  out += "{\"statusCode\":";
  out += std::to_string(r.status_code);
  if (!r.id.is_null()) {
    out += ",\"id\":";
    out += json::serialize(r.id);
  }
  if (r.ignored) out += ",\"ignored\":true";
  if (!r.errors.empty()) {
    out += ",\"errors\":[";
    for (size_t i = 0; i < r.errors.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"code\":";
      out += json::serialize(json::string_view(r.errors[i].code));
      out += ",\"message\":";
      out += json::serialize(json::string_view(r.errors[i].message));
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

void set_result(sluice_call* call, std::string_view json_text) {
  const sluice_host_api* host = state().host;
  if (host != nullptr && host->set_result != nullptr) host->set_result(call, to_str(json_text));
}

}  // namespace

const sluice_plugin_descriptor* describe_plugin(
    const sluice_host_api* host, const PluginMeta& meta,
    std::initializer_list<ConnectorSlot> slots) noexcept {
  try {
    PluginState& s = state();
    if (host == nullptr || host->struct_size < kHostApi10Size) return nullptr;
    s.host = host;
    if (s.described) return &s.descriptor;
    s.plugin_id = meta.id;
    uint32_t required_minor = 0;
    for (const ConnectorSlot& slot : slots) {
      ConnectorInfo info = slot.connector->describe();
      sluice_connector_descriptor d{};
      d.struct_size = sizeof(sluice_connector_descriptor);
      d.name = s.keep(info.name);
      d.kind = static_cast<int32_t>(info.kind);
      d.connection_type = s.keep(info.connection_type);
      d.assistant = s.keep(info.assistant);
      d.label = s.keep(info.label.empty() ? info.name : info.label);
      d.connection_schema = s.keep(json::serialize(info.connection.to_json()));
      d.export_schema = s.keep(json::serialize(info.export_settings.to_json()));
      d.import_schema = s.keep(json::serialize(info.import_settings.to_json()));
      d.api = slot.api;
      d.capabilities = slot.capabilities | (info.file_transfer ? SLUICE_CAP_FILE_TRANSFER : 0u);
      d.threading = info.thread_safe_connection ? SLUICE_THREAD_SAFE_CONNECTION : 0u;
      d.listener_schema = (slot.capabilities & SLUICE_CAP_LISTENER) != 0
                              ? s.keep(json::serialize(info.listener_settings.to_json()))
                              : "";
      required_minor = std::max({required_minor, slot.requires_minor, info.requires_minor});
      s.connectors.push_back(d);
    }
    sluice_plugin_descriptor& p = s.descriptor;
    p.struct_size = sizeof(sluice_plugin_descriptor);
    p.abi_major = SLUICE_ABI_VERSION_MAJOR;
    p.abi_minor = required_minor;
    p.built_minor = SLUICE_ABI_VERSION_MINOR;
    p.hook_count = static_cast<uint32_t>(hooks().size());
    p.hooks = hooks().empty() ? nullptr : hooks().data();
    p.id = s.keep(meta.id);
    p.version = s.keep(meta.version);
    p.sdk_version = SLUICE_SDK_VERSION;
    p.build_info = s.keep(meta.build_info);
    p.description = s.keep(meta.description);
    p.connector_count = static_cast<uint32_t>(s.connectors.size());
    p.connectors = s.connectors.data();
    s.described = true;
    return &p;
  } catch (...) {
    return nullptr;
  }
}

namespace {

// An Error unless a step of kind `what` returned one result per record.
Result<void> one_per_record(size_t results, size_t records, const char* what) {
  if (results == records) return {};
  return make_error(Status::kInternal, "plugin '" + state().plugin_id + "' returned " +
                                           std::to_string(results) + " results for " +
                                           std::to_string(records) + " records; " + what +
                                           " must return one result per record");
}

}  // namespace

sluice_status connection_open(Connector& connector, sluice_call* call, sluice_str json_text,
                              sluice_connection** out) noexcept {
  try {
    *out = nullptr;
    auto doc = parse_object(json_text, "a connection");
    if (!doc) return report(call, doc.error());
    Context context(state().host, call);
    auto opened = connector.open_connection(context, *doc);
    if (!opened) return report(call, opened.error());
    *out = reinterpret_cast<sluice_connection*>(new ConnectionBox{std::move(*opened)});
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "connection_open");
  }
}

sluice_status connection_ping(sluice_call* call, sluice_connection* connection) noexcept {
  try {
    Context context(state().host, call);
    auto result = reinterpret_cast<ConnectionBox*>(connection)->connection->ping(context);
    if (!result) return report(call, result.error());
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "connection_ping");
  }
}

namespace {

// The string member `name` of a JSON object text, or an Error naming `what`.
Result<std::string> string_member(sluice_str json_text, const char* name, const char* what) {
  auto doc = parse_object(json_text, what);
  if (!doc) return doc.error();
  const json::value* value = doc->if_contains(name);
  if (value == nullptr || !value->is_string()) {
    return make_error(Status::kInternal, std::string(what) + " has no string \"" + name + "\"");
  }
  return std::string(value->get_string());
}

}  // namespace

sluice_status connection_authorize_start(sluice_call* call, sluice_connection* connection,
                                         sluice_str request_json) noexcept {
  try {
    auto redirect_uri = string_member(request_json, "redirectUri", "an authorization request");
    if (!redirect_uri) return report(call, redirect_uri.error());
    Context context(state().host, call);
    auto started = reinterpret_cast<ConnectionBox*>(connection)
                       ->connection->authorize_start(context, *redirect_uri);
    if (!started) return report(call, started.error());
    set_result(call,
               json::serialize(json::object{{"url", started->url}, {"state", started->state}}));
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "connection_authorize_start");
  }
}

sluice_status connection_authorize_finish(sluice_call* call, sluice_connection* connection,
                                          sluice_str redirect_json) noexcept {
  try {
    auto redirect_uri = string_member(redirect_json, "redirectUri", "an authorization redirect");
    if (!redirect_uri) return report(call, redirect_uri.error());
    auto query = string_member(redirect_json, "query", "an authorization redirect");
    if (!query) return report(call, query.error());
    Context context(state().host, call);
    auto finished = reinterpret_cast<ConnectionBox*>(connection)
                        ->connection->authorize_finish(context, *redirect_uri, *query);
    if (!finished) return report(call, finished.error());
    set_result(call, json::serialize(json::object{{"message", *finished}}));
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "connection_authorize_finish");
  }
}

void connection_close(sluice_connection* connection) noexcept {
  delete reinterpret_cast<ConnectionBox*>(connection);
}

namespace {

Result<std::unique_ptr<RunContext>> parse_run(sluice_str run_json) {
  auto doc = parse_object(run_json, "an export run context");
  if (!doc) return doc.error();
  auto run = std::make_unique<RunContext>();
  auto text = [&](std::string_view key) {
    const json::value* v = doc->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  if (std::string type = text("type"); !type.empty()) run->type = std::move(type);
  if (const json::value* last = doc->if_contains("lastExportDateTime")) {
    run->last_export_date_time = *last;
  }
  run->current_export_date_time = text("currentExportDateTime");
  run->job_id = text("jobId");
  if (const json::value* test = doc->if_contains("test"); test != nullptr && test->is_object()) {
    if (const json::value* limit = test->get_object().if_contains("limit");
        limit != nullptr && limit->is_number()) {
      run->test_limit = limit->to_number<int64_t>();
    }
  }
  if (const json::value* settings = doc->if_contains("settings");
      settings != nullptr && settings->is_object()) {
    run->settings = settings->get_object();
  }
  if (const json::value* mode = doc->if_contains("testMode"); mode != nullptr && mode->is_bool()) {
    run->test_mode = mode->get_bool();
  }
  return run;
}

sluice_status open_export_box(Connector& connector, sluice_call* call,
                              sluice_connection* connection, sluice_str export_json,
                              sluice_str state_json, const sluice_str* run_json,
                              sluice_export** out) {
  *out = nullptr;
  auto doc = parse_object(export_json, "an export");
  if (!doc) return report(call, doc.error());
  json::value checkpoint;
  if (state_json.len > 0) {
    auto parsed = parse_json(state_json, "an export state");
    if (!parsed) return report(call, parsed.error());
    checkpoint = std::move(*parsed);
  }
  std::unique_ptr<RunContext> run;
  if (run_json != nullptr) {
    auto parsed = parse_run(*run_json);
    if (!parsed) return report(call, parsed.error());
    run = std::move(*parsed);
  }
  Context context(state().host, call, run.get());
  auto opened = connector.open_export(
      context, *reinterpret_cast<ConnectionBox*>(connection)->connection, *doc, checkpoint);
  if (!opened) return report(call, opened.error());
  *out = reinterpret_cast<sluice_export*>(new ExportBox{std::move(*opened), std::move(run)});
  return SLUICE_OK;
}

}  // namespace

sluice_status export_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str export_json, sluice_str state_json,
                          sluice_export** out) noexcept {
  try {
    return open_export_box(connector, call, connection, export_json, state_json, nullptr, out);
  } catch (...) {
    return report_exception(call, "export_open");
  }
}

sluice_status export_open_run(Connector& connector, sluice_call* call,
                              sluice_connection* connection, sluice_str export_json,
                              sluice_str state_json, sluice_str run_json,
                              sluice_export** out) noexcept {
  try {
    return open_export_box(connector, call, connection, export_json, state_json, &run_json, out);
  } catch (...) {
    return report_exception(call, "export_open");
  }
}

sluice_status export_page_committed(sluice_call* call, sluice_export* exp,
                                    sluice_str state_json) noexcept {
  try {
    json::value page_state;
    if (state_json.len > 0) {
      auto parsed = parse_json(state_json, "a page state");
      if (!parsed) return report(call, parsed.error());
      page_state = std::move(*parsed);
    }
    ExportBox* box = reinterpret_cast<ExportBox*>(exp);
    Context context(state().host, call, box->run.get());
    auto done = box->reader->page_committed(context, page_state);
    if (!done) return report(call, done.error());
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "export_page_committed");
  }
}

sluice_status export_next_page(sluice_call* call, sluice_export* exp) noexcept {
  try {
    ExportBox* box = reinterpret_cast<ExportBox*>(exp);
    Context context(state().host, call, box->run.get());
    auto page = box->reader->next_page(context);
    if (!page) return report(call, page.error());
    // Written piecewise: putting the records into a json::object would copy them out of the
    // arena the connector parsed them into.
    std::string out = "{\"records\":";
    if (!page->records_json.empty()) {
      out.reserve(page->records_json.size() + 256);
      out += page->records_json;  // the reader's text, as it is (Page's contract)
    } else {
      json::serializer serializer;
      char buffer[16384];
      serializer.reset(&page->records);
      while (!serializer.done()) out.append(serializer.read(buffer, sizeof buffer));
    }
    out += page->done ? ",\"done\":true,\"state\":" : ",\"done\":false,\"state\":";
    out += json::serialize(page->state);
    if (!page->commit) out += ",\"commit\":false";
    out += '}';
    set_result(call, out);
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "export_next_page");
  }
}

void export_close(sluice_export* exp) noexcept { delete reinterpret_cast<ExportBox*>(exp); }

sluice_status import_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str import_json, sluice_import** out) noexcept {
  try {
    *out = nullptr;
    auto doc = parse_object(import_json, "an import");
    if (!doc) return report(call, doc.error());
    Context context(state().host, call);
    auto opened = connector.open_import(
        context, *reinterpret_cast<ConnectionBox*>(connection)->connection, *doc);
    if (!opened) return report(call, opened.error());
    *out = reinterpret_cast<sluice_import*>(new ImportBox{std::move(*opened)});
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "import_open");
  }
}

sluice_status import_submit(sluice_call* call, sluice_import* imp, sluice_str page_json) noexcept {
  try {
    // Counted, not parsed: the writer's submit_text gets the text (its default parses it).
    const std::string_view text(page_json.ptr, page_json.len);
    const auto elements = json_array_elements(text);
    if (!elements) {
      return report(call, make_error(Status::kInternal,
                                     "the host passed a page that is not a JSON array of records"));
    }
    Context context(state().host, call);
    auto results =
        reinterpret_cast<ImportBox*>(imp)->writer->submit_text(context, text, elements->size());
    if (!results) return report(call, results.error());
    if (auto aligned = one_per_record(results->size(), elements->size(), "an import"); !aligned)
      return report(call, aligned.error());
    // Written directly: a json::object per record would cost an allocation and a free each.
    std::string out = "[";
    out.reserve(results->size() * 20 + 2);
    for (const RecordResult& r : *results) {
      if (out.size() > 1) out += ',';
      append_result(out, r);
    }
    out += ']';
    set_result(call, out);
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "import_submit");
  }
}

void import_close(sluice_import* imp) noexcept { delete reinterpret_cast<ImportBox*>(imp); }

sluice_status import_finish(sluice_call* call, sluice_import* imp) noexcept {
  try {
    Context context(state().host, call);
    auto done = reinterpret_cast<ImportBox*>(imp)->writer->finish(context);
    if (!done) return report(call, done.error());
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "import_finish");
  }
}

sluice_status lookup_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str export_json, sluice_lookup** out) noexcept {
  try {
    *out = nullptr;
    auto doc = parse_object(export_json, "a lookup export");
    if (!doc) return report(call, doc.error());
    Context context(state().host, call);
    auto opened = connector.open_lookup(
        context, *reinterpret_cast<ConnectionBox*>(connection)->connection, *doc);
    if (!opened) return report(call, opened.error());
    *out = reinterpret_cast<sluice_lookup*>(new LookupBox{std::move(*opened)});
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "lookup_open");
  }
}

sluice_status lookup_page(sluice_call* call, sluice_lookup* lookup, sluice_str page_json) noexcept {
  try {
    json::monotonic_resource arena;
    auto page = parse_page(page_json, arena);
    if (!page) return report(call, page.error());
    const json::array& records = page->as_array();
    Context context(state().host, call);
    auto results = reinterpret_cast<LookupBox*>(lookup)->lookup->lookup(context, records);
    if (!results) return report(call, results.error());
    if (auto aligned = one_per_record(results->size(), records.size(), "a lookup"); !aligned)
      return report(call, aligned.error());
    json::array out;
    out.reserve(results->size());
    for (const LookupResult& r : *results) {
      if (r.errors.empty()) {
        out.push_back(json::object{{"data", r.data}});
        continue;
      }
      json::array errors;
      for (const auto& e : r.errors) errors.push_back({{"code", e.code}, {"message", e.message}});
      json::object item{{"errors", std::move(errors)}};
      if (!r.details.is_null()) item["details"] = r.details;
      out.push_back(std::move(item));
    }
    set_result(call, json::serialize(out));
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "lookup_page");
  }
}

void lookup_close(sluice_lookup* lookup) noexcept { delete reinterpret_cast<LookupBox*>(lookup); }

sluice_status listener_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                            sluice_str listener_json, sluice_listener** out) noexcept {
  try {
    *out = nullptr;
    auto doc = parse_object(listener_json, "a listener");
    if (!doc) return report(call, doc.error());
    Context context(state().host, call);
    auto opened = connector.open_listener(
        context, *reinterpret_cast<ConnectionBox*>(connection)->connection, *doc);
    if (!opened) return report(call, opened.error());
    *out = reinterpret_cast<sluice_listener*>(new ListenerBox{std::move(*opened)});
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "listener_open");
  }
}

sluice_status listener_request(sluice_call* call, sluice_listener* listener,
                               const sluice_http_request* request) noexcept {
  try {
    auto view = [](sluice_str t) { return std::string_view(t.ptr, t.len); };
    HttpRequest r;
    r.method = view(request->method);
    r.path = view(request->path);
    r.query = view(request->query);
    if (request->headers_json.len > 0) {
      auto headers = parse_object(request->headers_json, "request headers");
      if (!headers) return report(call, headers.error());
      r.headers = std::move(*headers);
    }
    r.body = std::string_view(reinterpret_cast<const char*>(request->body.ptr), request->body.len);
    Context context(state().host, call);
    auto response = reinterpret_cast<ListenerBox*>(listener)->listener->handle(context, r);
    if (!response) return report(call, response.error());
    json::object out{{"response", json::object{{"statusCode", response->status_code},
                                               {"headers", response->headers}}}};
    if (!response->records.empty()) out["records"] = response->records;
    set_result(call, json::serialize(out));
    const sluice_host_api* host = state().host;
    if (!response->body.empty() && SLUICE_HAS_FIELD(host, sluice_host_api, set_result_bytes) &&
        host->set_result_bytes != nullptr) {
      host->set_result_bytes(call,
                             sluice_bytes{reinterpret_cast<const uint8_t*>(response->body.data()),
                                          response->body.size()});
    }
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "listener_request");
  }
}

void listener_close(sluice_listener* listener) noexcept {
  delete reinterpret_cast<ListenerBox*>(listener);
}

sluice_status export_next_file(sluice_call* call, sluice_export* exp,
                               const sluice_byte_sink* sink) noexcept {
  try {
    ExportBox* box = reinterpret_cast<ExportBox*>(exp);
    Context context(state().host, call, box->run.get());
    ByteSink bytes(sink, state().host, call);
    auto info = box->reader->next_file(context, bytes);
    if (!info) return report(call, info.error());
    json::object result{{"name", info->name}, {"size", info->size}, {"done", info->done}};
    if (!info->path.empty()) result["path"] = info->path;
    set_result(call, json::serialize(result));
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "export_next_file");
  }
}

sluice_status import_put_file(sluice_call* call, sluice_import* imp, sluice_str meta_json,
                              const sluice_byte_source* source) noexcept {
  try {
    auto meta = parse_object(meta_json, "file metadata");
    if (!meta) return report(call, meta.error());
    Context context(state().host, call);
    ByteSource bytes(source);
    auto result = reinterpret_cast<ImportBox*>(imp)->writer->put_file(context, *meta, bytes);
    if (!result) return report(call, result.error());
    std::string out;
    append_result(out, *result);
    set_result(call, out);
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "import_put_file");
  }
}

HookRegistration::HookRegistration(const char* kind, const char* name,
                                   sluice_status (*invoke)(sluice_call*, sluice_str)) noexcept {
  try {
    hooks().push_back(sluice_hook_descriptor{sizeof(sluice_hook_descriptor), name, kind, invoke});
  } catch (...) {
    // No memory at load time: the hook is not offered.
  }
}

sluice_status run_hook(HookFunction function, sluice_call* call, sluice_str input_json) noexcept {
  try {
    auto input = parse_object(input_json, "a hook's input");
    if (!input) return report(call, input.error());
    Context context(state().host, call);
    auto output = function(context, *input);
    if (!output) return report(call, output.error());
    set_result(call, json::serialize(*output));
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "a native hook");
  }
}

}  // namespace sluice::detail
