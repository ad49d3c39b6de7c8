#include "sluice/detail/shims.hpp"

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

struct ConnectionBox {
  std::unique_ptr<Connection> connection;
};
struct ExportBox {
  std::unique_ptr<ExportReader> reader;
};
struct ImportBox {
  std::unique_ptr<ImportWriter> writer;
};

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
    if (host == nullptr || host->struct_size < sizeof(sluice_host_api)) return nullptr;
    s.host = host;
    if (s.described) return &s.descriptor;
    s.plugin_id = meta.id;
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
      s.connectors.push_back(d);
    }
    sluice_plugin_descriptor& p = s.descriptor;
    p.struct_size = sizeof(sluice_plugin_descriptor);
    p.abi_major = SLUICE_ABI_VERSION_MAJOR;
    p.abi_minor = SLUICE_ABI_VERSION_MINOR;
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

void connection_close(sluice_connection* connection) noexcept {
  delete reinterpret_cast<ConnectionBox*>(connection);
}

sluice_status export_open(Connector& connector, sluice_call* call, sluice_connection* connection,
                          sluice_str export_json, sluice_str state_json,
                          sluice_export** out) noexcept {
  try {
    *out = nullptr;
    auto doc = parse_object(export_json, "an export");
    if (!doc) return report(call, doc.error());
    json::value checkpoint;
    if (state_json.len > 0) {
      auto parsed = parse_json(state_json, "an export state");
      if (!parsed) return report(call, parsed.error());
      checkpoint = std::move(*parsed);
    }
    Context context(state().host, call);
    auto opened = connector.open_export(
        context, *reinterpret_cast<ConnectionBox*>(connection)->connection, *doc, checkpoint);
    if (!opened) return report(call, opened.error());
    *out = reinterpret_cast<sluice_export*>(new ExportBox{std::move(*opened)});
    return SLUICE_OK;
  } catch (...) {
    return report_exception(call, "export_open");
  }
}

sluice_status export_next_page(sluice_call* call, sluice_export* exp) noexcept {
  try {
    Context context(state().host, call);
    auto page = reinterpret_cast<ExportBox*>(exp)->reader->next_page(context);
    if (!page) return report(call, page.error());
    // Written piecewise: putting the records into a json::object would copy them out of the
    // arena the connector parsed them into.
    std::string out = "{\"records\":";
    json::serializer serializer;
    char buffer[16384];
    serializer.reset(&page->records);
    while (!serializer.done()) out.append(serializer.read(buffer, sizeof buffer));
    out += page->done ? ",\"done\":true,\"state\":" : ",\"done\":false,\"state\":";
    out += json::serialize(page->state);
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
    json::monotonic_resource arena;
    json::error_code ec;
    json::value page = json::parse(std::string_view(page_json.ptr, page_json.len), ec, &arena);
    if (ec || !page.is_array()) {
      return report(call, make_error(Status::kInternal,
                                     "the host passed a page that is not a JSON array of records"));
    }
    const json::array& records = page.as_array();
    Context context(state().host, call);
    auto results = reinterpret_cast<ImportBox*>(imp)->writer->submit(context, records);
    if (!results) return report(call, results.error());
    if (results->size() != records.size()) {
      return report(call, make_error(Status::kInternal,
                                     "plugin '" + state().plugin_id + "' returned " +
                                         std::to_string(results->size()) + " results for " +
                                         std::to_string(records.size()) +
                                         " records; an import must return one result per record"));
    }
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

}  // namespace sluice::detail
