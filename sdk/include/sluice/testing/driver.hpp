// Drives one connector through its C ABI table exactly as the host does, with a RecordingHost
// for its calls: open a connection, read an export to the end (or up to a number of pages),
// submit a page to an import. Every failure is an Error naming the connector and the call.
//
//   sluice::testing::RecordingHost host;
//   const sluice_plugin_descriptor* plugin = sluice_plugin_entry_v1(host.api());
//   sluice::testing::ConnectorDriver driver(plugin->connectors[0], host);
//   auto pages = driver.read_export(R"({"type":"counter"})", R"({"counter":{"count":3}})", 10);
//
// The driver keeps a ledger of the handles it opened and closes each exactly once (by close()
// or at destruction, exports and imports before their connection). Breaches of the contract it
// sees are listed by problems(): an exception escaping a C function, a non-OK status without a
// message, SLUICE_OK without a handle, a failure that left a handle in *out, a result missing.
// One driver is used by one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "sluice/abi/plugin.h"
#include "sluice/result.hpp"
#include "sluice/testing/recording_host.hpp"

namespace sluice::testing {

// One call into the plugin, as the driver saw it.
struct CallOutcome {
  std::string call;  // "connection_open", "export_next_page", ...
  sluice_status status = SLUICE_OK;
  CallRecord record;
  bool threw = false;  // an exception escaped the plugin's C function
};

// A breach of the contract the driver saw.
enum class ProblemKind {
  kException,  // an exception escaped a C function
  kMessage,    // a non-OK status without set_error
  kHandle,     // SLUICE_OK without a handle, or a failure that left one in *out
  kResult,     // a result missing or of the wrong shape
};
struct Problem {
  ProblemKind kind;
  std::string text;  // names the connector and the call, and says what to do
};

// "SLUICE_INVALID_CONFIG", ...; "status N" for a value outside the ABI.
std::string status_name(sluice_status status);

class ConnectorDriver {
 public:
  ConnectorDriver(const sluice_connector_descriptor& connector, RecordingHost& host);
  ~ConnectorDriver();
  ConnectorDriver(const ConnectorDriver&) = delete;
  ConnectorDriver& operator=(const ConnectorDriver&) = delete;

  Result<sluice_connection*> open_connection(std::string_view connection_json);
  // On success the plugin's optional result text (may be empty).
  Result<std::string> ping(sluice_connection* connection);
  Result<sluice_export*> open_export(sluice_connection* connection, std::string_view export_json,
                                     std::string_view state_json = "null");
  // The page's JSON text, checked to be {"records":[...],"done":bool,...}.
  Result<std::string> next_page(sluice_export* exp);
  Result<sluice_import*> open_import(sluice_connection* connection, std::string_view import_json);
  // The result's JSON text, checked to be an array with one object per record of `page_json`.
  Result<std::string> submit(sluice_import* imp, std::string_view page_json);
  // Each closes a handle this driver opened, once; a second close is a no-op.
  void close(sluice_connection* connection);
  void close(sluice_export* exp);
  void close(sluice_import* imp);

  // Opens a connection and an export, reads pages until one says done or `max_pages` were read,
  // closes both. The pages as parsed objects.
  Result<std::vector<boost::json::object>> read_export(std::string_view connection_json,
                                                       std::string_view export_json,
                                                       size_t max_pages,
                                                       std::string_view state_json = "null");
  // Opens a connection and an import, submits `records` as one page, closes both. The results.
  Result<boost::json::array> submit_page(std::string_view connection_json,
                                         std::string_view import_json,
                                         const boost::json::array& records);

  const sluice_connector_descriptor& connector() const noexcept { return connector_; }
  const std::vector<CallOutcome>& calls() const noexcept { return calls_; }
  const std::vector<Problem>& problems() const noexcept { return problems_; }
  // Closes every handle still open (exports and imports first), each once.
  void close_all();
  size_t handles_opened() const noexcept { return opened_; }
  size_t handles_closed() const noexcept { return closed_; }

 private:
  struct Open {
    void* handle;
    int kind;  // 0 connection, 1 export, 2 import
    sluice_connection* parent;
    bool closed;
  };
  template <class F>
  CallOutcome& call(const char* name, F&& f);
  Error failure(const CallOutcome& outcome);
  template <class H>
  Result<H*> opened(CallOutcome& outcome, H* handle, int kind, sluice_connection* parent);
  void close_entry(Open& entry);
  std::string where(const char* call) const;

  const sluice_connector_descriptor& connector_;
  RecordingHost& host_;
  std::vector<CallOutcome> calls_;
  std::vector<Problem> problems_;
  std::vector<Open> open_;
  size_t opened_ = 0;
  size_t closed_ = 0;
};

}  // namespace sluice::testing
