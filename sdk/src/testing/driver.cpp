#include "sluice/testing/driver.hpp"

#include <exception>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice::testing {

namespace json = boost::json;

namespace {

constexpr int kConnection = 0;
constexpr int kExport = 1;
constexpr int kImport = 2;

sluice_str to_str(std::string_view text) { return sluice_str{text.data(), text.size()}; }

}  // namespace

std::string status_name(sluice_status status) {
  static const char* const kNames[] = {
      "SLUICE_OK",           "SLUICE_INVALID_CONFIG", "SLUICE_AUTH_FAILED",  "SLUICE_NOT_FOUND",
      "SLUICE_RATE_LIMITED", "SLUICE_TRANSIENT",      "SLUICE_REMOTE_ERROR", "SLUICE_CANCELLED",
      "SLUICE_UNSUPPORTED",  "SLUICE_INTERNAL"};
  if (status >= 0 && status <= SLUICE_INTERNAL) return kNames[status];
  return "status " + std::to_string(status);
}

ConnectorDriver::ConnectorDriver(const sluice_connector_descriptor& connector, RecordingHost& host)
    : connector_(connector), host_(host) {}

ConnectorDriver::~ConnectorDriver() { close_all(); }

void ConnectorDriver::close_all() {
  for (Open& entry : open_)
    if (entry.kind != kConnection) close_entry(entry);
  for (Open& entry : open_) close_entry(entry);
}

std::string ConnectorDriver::where(const char* call) const {
  return std::string("connector ") + (connector_.name ? connector_.name : "?") + ": " + call;
}

template <class F>
CallOutcome& ConnectorDriver::call(const char* name, F&& f) {
  CallOutcome& outcome = calls_.emplace_back();
  outcome.call = name;
  sluice_call* c = host_.begin_call();
  try {
    outcome.status = f(c);
  } catch (const std::exception& e) {
    outcome.threw = true;
    outcome.status = SLUICE_INTERNAL;
    outcome.record.error_message = std::string("an exception escaped: ") + e.what();
    problems_.push_back({ProblemKind::kException,
                         where(name) + " let an exception escape into the host (" + e.what() +
                             "); catch it and return a status (the SDK's shims do)"});
    return outcome;
  } catch (...) {
    outcome.threw = true;
    outcome.status = SLUICE_INTERNAL;
    outcome.record.error_message = "an exception escaped";
    problems_.push_back({ProblemKind::kException,
                         where(name) +
                             " let an exception escape into the host; catch it and return a "
                             "status (the SDK's shims do)"});
    return outcome;
  }
  outcome.record = host_.record(c);
  if (outcome.status != SLUICE_OK && outcome.record.error_message.empty()) {
    problems_.push_back({ProblemKind::kMessage,
                         where(name) + " returned " + status_name(outcome.status) +
                             " without a message: call set_error (what failed, where, what to "
                             "do)"});
  }
  return outcome;
}

Error ConnectorDriver::failure(const CallOutcome& outcome) {
  const auto status =
      outcome.status == SLUICE_OK ? Status::kInternal : static_cast<Status>(outcome.status);
  std::string message =
      outcome.record.error_message.empty() ? "(no message)" : outcome.record.error_message;
  return make_error(status, where(outcome.call.c_str()) + " returned " +
                                status_name(outcome.status) + ": " + message);
}

template <class H>
Result<H*> ConnectorDriver::opened(CallOutcome& outcome, H* handle, int kind,
                                   sluice_connection* parent) {
  if (outcome.status != SLUICE_OK) {
    if (handle != nullptr && !outcome.threw) {
      problems_.push_back(
          {ProblemKind::kHandle, where(outcome.call.c_str()) + " returned " +
                                     status_name(outcome.status) +
                                     " but left a handle in *out; leave it NULL on failure"});
    }
    return failure(outcome);
  }
  if (handle == nullptr) {
    problems_.push_back({ProblemKind::kHandle, where(outcome.call.c_str()) +
                                                   " returned SLUICE_OK without a handle in *out"});
    return make_error(Status::kInternal,
                      where(outcome.call.c_str()) + " returned SLUICE_OK without a handle");
  }
  open_.push_back(Open{handle, kind, parent, false});
  ++opened_;
  return handle;
}

void ConnectorDriver::close_entry(Open& entry) {
  if (entry.closed) return;
  entry.closed = true;
  ++closed_;
  const sluice_connector_api* api = connector_.api;
  try {
    if (entry.kind == kConnection && api->connection_close)
      api->connection_close(static_cast<sluice_connection*>(entry.handle));
    if (entry.kind == kExport && api->export_close)
      api->export_close(static_cast<sluice_export*>(entry.handle));
    if (entry.kind == kImport && api->import_close)
      api->import_close(static_cast<sluice_import*>(entry.handle));
  } catch (...) {
    problems_.push_back(
        {ProblemKind::kException, where(entry.kind == kConnection ? "connection_close"
                                        : entry.kind == kExport   ? "export_close"
                                                                  : "import_close") +
                                      " let an exception escape into the host"});
  }
}

Result<sluice_connection*> ConnectorDriver::open_connection(std::string_view connection_json) {
  sluice_connection* out = nullptr;
  if (connector_.api == nullptr || connector_.api->connection_open == nullptr) {
    return make_error(Status::kUnsupported, where("connection_open") + " is missing");
  }
  auto& outcome = call("connection_open", [&](sluice_call* c) {
    return connector_.api->connection_open(c, to_str(connection_json), &out);
  });
  return opened(outcome, out, kConnection, nullptr);
}

Result<std::string> ConnectorDriver::ping(sluice_connection* connection) {
  if (connector_.api->connection_ping == nullptr) {
    return make_error(Status::kUnsupported, where("connection_ping") + " is missing");
  }
  auto& outcome = call("connection_ping", [&](sluice_call* c) {
    return connector_.api->connection_ping(c, connection);
  });
  if (outcome.status != SLUICE_OK) return failure(outcome);
  return outcome.record.result;
}

Result<sluice_export*> ConnectorDriver::open_export(sluice_connection* connection,
                                                    std::string_view export_json,
                                                    std::string_view state_json) {
  sluice_export* out = nullptr;
  if (connector_.api->export_open == nullptr) {
    return make_error(Status::kUnsupported, where("export_open") + " is missing");
  }
  auto& outcome = call("export_open", [&](sluice_call* c) {
    return connector_.api->export_open(c, connection, to_str(export_json), to_str(state_json),
                                       &out);
  });
  return opened(outcome, out, kExport, connection);
}

Result<std::string> ConnectorDriver::next_page(sluice_export* exp) {
  if (connector_.api->export_next_page == nullptr) {
    return make_error(Status::kUnsupported, where("export_next_page") + " is missing");
  }
  auto& outcome = call("export_next_page",
                       [&](sluice_call* c) { return connector_.api->export_next_page(c, exp); });
  if (outcome.status != SLUICE_OK) return failure(outcome);
  json::error_code ec;
  json::value page = json::parse(outcome.record.result, ec);
  const json::object* o = ec ? nullptr : page.if_object();
  if (o == nullptr || !o->contains("records") || !o->at("records").is_array() ||
      (o->contains("done") && !o->at("done").is_bool())) {
    std::string why = !outcome.record.has_result ? "no result (call set_result)"
                      : ec ? "a result that is not JSON (" + ec.message() + ")"
                           : "a result that is not {\"records\":[...],\"done\":bool}";
    problems_.push_back(
        {ProblemKind::kResult, where("export_next_page") + " returned SLUICE_OK with " + why});
    return make_error(Status::kInternal, where("export_next_page") + " returned " + why);
  }
  return outcome.record.result;
}

Result<sluice_import*> ConnectorDriver::open_import(sluice_connection* connection,
                                                    std::string_view import_json) {
  sluice_import* out = nullptr;
  if (connector_.api->import_open == nullptr) {
    return make_error(Status::kUnsupported, where("import_open") + " is missing");
  }
  auto& outcome = call("import_open", [&](sluice_call* c) {
    return connector_.api->import_open(c, connection, to_str(import_json), &out);
  });
  return opened(outcome, out, kImport, connection);
}

Result<std::string> ConnectorDriver::submit(sluice_import* imp, std::string_view page_json) {
  if (connector_.api->import_submit == nullptr) {
    return make_error(Status::kUnsupported, where("import_submit") + " is missing");
  }
  auto& outcome = call("import_submit", [&](sluice_call* c) {
    return connector_.api->import_submit(c, imp, to_str(page_json));
  });
  if (outcome.status != SLUICE_OK) return failure(outcome);
  json::error_code ec;
  json::value results = json::parse(outcome.record.result, ec);
  json::value page = json::parse(page_json, ec);
  const size_t expected = page.is_array() ? page.as_array().size() : 0;
  std::string why;
  if (!outcome.record.has_result) {
    why = "no result (call set_result)";
  } else if (!results.is_array()) {
    why = "a result that is not a JSON array";
  } else if (results.as_array().size() != expected) {
    why = std::to_string(results.as_array().size()) + " results for " + std::to_string(expected) +
          " records (expected one per record, in order)";
  } else {
    for (size_t i = 0; i < expected && why.empty(); ++i) {
      const json::object* r = results.as_array()[i].if_object();
      if (r == nullptr || !r->contains("statusCode") || !r->at("statusCode").is_int64()) {
        why = "result [" + std::to_string(i) + "] without an integer \"statusCode\"";
      }
    }
  }
  if (!why.empty()) {
    problems_.push_back(
        {ProblemKind::kResult, where("import_submit") + " returned SLUICE_OK with " + why});
    return make_error(Status::kInternal, where("import_submit") + " returned " + why);
  }
  return outcome.record.result;
}

void ConnectorDriver::close(sluice_connection* connection) {
  for (Open& e : open_)
    if (e.kind != kConnection && e.parent == connection) close_entry(e);
  for (Open& e : open_)
    if (e.kind == kConnection && e.handle == connection) close_entry(e);
}

void ConnectorDriver::close(sluice_export* exp) {
  for (Open& e : open_)
    if (e.kind == kExport && e.handle == exp) close_entry(e);
}

void ConnectorDriver::close(sluice_import* imp) {
  for (Open& e : open_)
    if (e.kind == kImport && e.handle == imp) close_entry(e);
}

Result<std::vector<json::object>> ConnectorDriver::read_export(std::string_view connection_json,
                                                               std::string_view export_json,
                                                               size_t max_pages,
                                                               std::string_view state_json) {
  auto connection = open_connection(connection_json);
  if (!connection) return connection.error();
  auto exp = open_export(*connection, export_json, state_json);
  if (!exp) {
    close(*connection);
    return exp.error();
  }
  std::vector<json::object> pages;
  Result<std::vector<json::object>> out = pages;
  while (pages.size() < max_pages) {
    auto page = next_page(*exp);
    if (!page) {
      out = page.error();
      break;
    }
    json::object o = json::parse(*page).as_object();
    const bool done = o.contains("done") && o.at("done").as_bool();
    pages.push_back(std::move(o));
    if (done) break;
  }
  close(*connection);
  if (!out) return out;
  return pages;
}

Result<json::array> ConnectorDriver::submit_page(std::string_view connection_json,
                                                 std::string_view import_json,
                                                 const json::array& records) {
  auto connection = open_connection(connection_json);
  if (!connection) return connection.error();
  auto imp = open_import(*connection, import_json);
  if (!imp) {
    close(*connection);
    return imp.error();
  }
  auto results = submit(*imp, json::serialize(records));
  close(*connection);
  if (!results) return results.error();
  return json::parse(*results).as_array();
}

}  // namespace sluice::testing
