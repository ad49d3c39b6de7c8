// What a plugin author implements: a Connector, and the Connection, ExportReader and
// ImportWriter objects it opens. The SDK turns these into the C ABI (see plugin.hpp); none of
// these functions may let an exception escape on purpose, but if one does the SDK's shim catches
// it and reports Status::kInternal naming the plugin and the operation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/abi/plugin.h"
#include "sluice/context.hpp"
#include "sluice/result.hpp"
#include "sluice/schema.hpp"

namespace sluice {

enum class ConnectorKind : int32_t {
  kUniversal = SLUICE_CONNECTOR_UNIVERSAL,
  kBranded = SLUICE_CONNECTOR_BRANDED,
};

struct ConnectorInfo {
  std::string name;  // unique within the plugin
  ConnectorKind kind = ConnectorKind::kUniversal;
  std::string connection_type;  // connection `type` served, e.g. "http"
  std::string assistant;        // `assistant` served when branded
  std::string label;
  Schema connection;
  Schema export_settings;
  Schema import_settings;
};

// One page of an export. `state` is the delta checkpoint the host stores after a successful run
// and hands back to the next open_export, or {"resume": position after this page, "delta": ..}
// for an export that can be resumed mid-run (sdk/README.md, "Page states"); `done` is true on
// the last page.
struct Page {
  boost::json::array records;
  boost::json::value state;
  bool done = false;
};

struct RecordError {
  std::string code;
  std::string message;
};

// The outcome of one submitted record, in integrator.io's import-response shape.
struct RecordResult {
  int status_code = 200;
  boost::json::value id;  // the id the destination gave the record, when known
  bool ignored = false;
  std::vector<RecordError> errors;

  bool ok() const noexcept { return errors.empty() && status_code < 400; }
  boost::json::object to_json() const;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Checks that the application is reachable and the credentials work.
  virtual Result<void> ping(Context& context) = 0;
};

class ExportReader {
 public:
  virtual ~ExportReader() = default;
  // Called until a page comes back with done = true.
  virtual Result<Page> next_page(Context& context) = 0;
};

class ImportWriter {
 public:
  virtual ~ImportWriter() = default;
  // Returns exactly one RecordResult per record, in order. A record the destination refuses is
  // a RecordResult with errors, not a failed Result: a failed Result fails the whole page.
  virtual Result<std::vector<RecordResult>> submit(Context& context,
                                                   const boost::json::array& records) = 0;
};

class Connector {
 public:
  virtual ~Connector() = default;
  virtual ConnectorInfo describe() const = 0;
  // `connection` is the connection resource with secrets resolved.
  virtual Result<std::unique_ptr<Connection>> open_connection(
      Context& context, const boost::json::object& connection) = 0;
  // `state` is the delta checkpoint of the last successful run, or null; or, resuming a job,
  // {"delta": that checkpoint, "resume": a position this export put in a page state}.
  virtual Result<std::unique_ptr<ExportReader>> open_export(Context& context,
                                                            Connection& connection,
                                                            const boost::json::object& export_doc,
                                                            const boost::json::value& state);
  virtual Result<std::unique_ptr<ImportWriter>> open_import(Context& context,
                                                            Connection& connection,
                                                            const boost::json::object& import_doc);
};

}  // namespace sluice
