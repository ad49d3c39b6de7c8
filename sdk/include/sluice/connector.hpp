// What a plugin author implements: a Connector, and the Connection, ExportReader, ImportWriter,
// Lookup and Listener objects it opens. The SDK turns these into the C ABI (see plugin.hpp);
// none of these functions may let an exception escape on purpose, but if one does the SDK's shim
// catches it and reports Status::kInternal naming the plugin and the operation.
//
// Capabilities and the ABI minor a plugin requires are derived from what a Connector overrides
// (sluice/detail/shims.hpp does it at compile time): open_export gives kExport, open_import
// kImport, open_lookup kLookup (requires ABI 1.1), open_listener kListener (requires 1.1);
// ConnectorInfo::file_transfer adds kFileTransfer and ConnectorInfo::requires_minor raises the
// required minor by hand. Everything else added in 1.1 (run context, page_committed, finish,
// warnings, metrics) degrades in a 1.0 host: it is simply not called, or falls back to a log line.
//
// Threading (the contract of sluice/abi/plugin.h, in C++ terms):
//  - Connector: one instance per plugin; describe() and the open_* functions may be called from
//    several threads at once (for different connections).
//  - ExportReader, ImportWriter, Lookup, Listener: one call at a time, from any thread.
//  - Connection and everything opened from it: unless ConnectorInfo::thread_safe_connection is
//    true, the host runs at most one call of that family at a time, so an export's next_page and
//    an import's submit on the same connection never overlap (an FTP control connection or an
//    SFTP session needs no lock). Set it to true only if the Connection and the objects opened
//    from it may be called from two threads at once: the host then overlaps export and import
//    calls on one connection.
#pragma once

#include <memory>
#include <string>
#include <string_view>
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
  Schema export_settings;  // exports, and lookups (exports with isLookup: true)
  Schema import_settings;
  // since 1.1
  Schema listener_settings;             // with open_listener
  bool thread_safe_connection = false;  // see "Threading" above
  bool file_transfer = false;           // the connector moves files (kFileTransfer)
  uint32_t requires_minor = 0;          // at least this ABI minor (the SDK may require more)
};

// since 1.1: what the host tells an export about the run it serves (Context::run()). Empty
// strings and nulls where a 1.0 host opened the export (it passes no run context).
struct RunContext {
  std::string type = "all";                  // "all", "delta", "once" or "test"
  boost::json::value last_export_date_time;  // ISO 8601 string of the last successful run, or null
  std::string current_export_date_time;      // ISO 8601, when this run started
  int64_t test_limit = 0;                    // with type "test": at most this many records
  boost::json::object settings;              // {"flow": {...}, "export": {...}} custom settings
  std::string job_id;
  bool test_mode = false;
};

// One page of an export. `state` is the delta checkpoint the host stores after a successful run
// and hands back to the next open_export, or {"resume": position after this page, "delta": ..}
// for an export that can be resumed mid-run (sdk/README.md, "Page states"); `done` is true on
// the last page.
//
// since SDK 1.2 (no ABI change): `records_json`, when not empty, is the page's records as the
// text of one JSON array, and `records` is then ignored. The SDK hands that text to the host as
// it is, so a reader that received its records as JSON text need not build and re-serialize a
// DOM. The text must be valid JSON (the host refuses the page otherwise): check it with
// validate_json_array() (sluice/json_text.hpp) when it comes from elsewhere.
//
// since SDK 1.2: `commit` false tells the host that page_committed does nothing for this page,
// so the host skips that call (a round trip to the plugin per page saved).
struct Page {
  boost::json::array records;
  boost::json::value state;
  bool done = false;
  std::string records_json;  // since SDK 1.2
  bool commit = true;        // since SDK 1.2
};

// The records of `page`: `records`, or `records_json` parsed (kInternal when it is not a JSON
// array). For tests and for code that needs the values.
Result<boost::json::array> page_records(const Page& page);

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

// since 1.2: what authorize_start returns: the URL the user visits to authorize the connection,
// and the `state` value the redirect back must carry.
struct AuthorizationStart {
  std::string url;
  std::string state;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Checks that the application is reachable and the credentials work.
  virtual Result<void> ping(Context& context) = 0;

  // since 1.2: interactive authorization (`sluice connection authorize ID`; plugin.h's
  // connection_authorize_start/finish). The host listens on `redirect_uri` (a loopback URL) and
  // calls authorize_start, prints its url, waits for the one redirect whose `state` matches, and
  // calls authorize_finish with the redirect's raw query on the same Connection. finish exchanges
  // what the redirect brought for credentials, saves them with Context::save_state so that later
  // runs use them, and returns a message saying what it obtained (never a credential). Defaults:
  // kUnsupported ("this connection needs no authorization"). In a 1.1 host they are never
  // called.
  virtual Result<AuthorizationStart> authorize_start(Context& context,
                                                     std::string_view redirect_uri);
  virtual Result<std::string> authorize_finish(Context& context, std::string_view redirect_uri,
                                               std::string_view redirect_query);
};

// since 1.1: where a file export writes a file, a chunk at a time (plugin.h's sluice_byte_sink):
// the host consumes each chunk before write() returns, so a file never has to be in memory whole.
struct FileInfo;

class ByteSink {
 public:
  explicit ByteSink(const sluice_byte_sink* sink) noexcept : sink_(sink) {}
  // The SDK's: a sink that can also name the file (`call` is the export_next_file call).
  ByteSink(const sluice_byte_sink* sink, const sluice_host_api* host, sluice_call* call) noexcept
      : sink_(sink), host_(host), call_(call) {}
  // kCancelled when the host wants no more (the job was cancelled or the call abandoned).
  Result<void> write(std::string_view chunk);
  // since SDK 1.2 (no ABI change): names the file before its bytes, so that the host names the
  // file's records from the first page on (preSavePage's files[].fileMeta). Call it before the
  // first write (kInternal after); what next_file returns still counts. `info.done` is ignored.
  Result<void> announce(const FileInfo& info);

 private:
  const sluice_byte_sink* sink_;
  const sluice_host_api* host_ = nullptr;
  sluice_call* call_ = nullptr;
  bool written_ = false;
};

// since 1.1: where a file import reads a file from, a chunk at a time (sluice_byte_source).
class ByteSource {
 public:
  explicit ByteSource(const sluice_byte_source* source) noexcept : source_(source) {}
  // Copies up to `capacity` bytes into `buffer`; 0 at the end of the file.
  Result<size_t> read(char* buffer, size_t capacity);

 private:
  const sluice_byte_source* source_;
};

// since 1.1: what next_file says about the file it wrote.
struct FileInfo {
  std::string name;
  boost::json::value size;  // bytes, or null when unknown
  bool done = false;        // no file after this one
  // The file's full path on the remote system (the protocol's "path"), which the host hands
  // back in export_page_committed's state; empty: not sent.
  std::string path;
};

class ExportReader {
 public:
  virtual ~ExportReader() = default;
  // Called until a page comes back with done = true. A failure with a retryable status
  // (kTransient, kRateLimited) is retried by the host a few times with backoff: leave the reader
  // where it was, so that the next call returns the same page. Any other failure ends the job.
  virtual Result<Page> next_page(Context& context) = 0;
  // since 1.1: the host has durably processed the page whose state was `state` (its records are
  // counted, their errors stored). Called in page order, once per page. A `once` export marks its
  // records exported here; a file export deletes or moves the file. A failure fails the job.
  virtual Result<void> page_committed(Context& context, const boost::json::value& state);
  // since 1.1 (file transfer): writes the export's next file into `sink`. Default: kUnsupported.
  virtual Result<FileInfo> next_file(Context& context, ByteSink& sink);
};

class ImportWriter {
 public:
  virtual ~ImportWriter() = default;
  // Returns exactly one RecordResult per record, in order. A record the destination refuses is
  // a RecordResult with errors, not a failed Result: a failed Result fails the whole page.
  virtual Result<std::vector<RecordResult>> submit(Context& context,
                                                   const boost::json::array& records) = 0;
  // since SDK 1.2 (no ABI change): the same, with the records as the host passed them: the text
  // of a JSON array of `count` records, compact JSON as the host writes it, valid. The SDK calls
  // this one; the default parses the text and calls submit(). Override it to send records on
  // as text (e.g. as a request body) without parsing and re-serializing them; the result
  // contract is submit()'s.
  virtual Result<std::vector<RecordResult>> submit_text(Context& context,
                                                        std::string_view records_json,
                                                        size_t count);
  // since 1.1: called once after the last submit of a run that did not fail. An aggregating import
  // (a file written at the end) uploads here; a failure fails the job.
  virtual Result<void> finish(Context& context);
  // since 1.1 (file transfer): stores the file read from `source` under the name the plugin
  // renders from its settings; `meta` is {"records", "page", "extension"} (sdk/README.md,
  // "Moving files"). Default: kUnsupported.
  virtual Result<RecordResult> put_file(Context& context, const boost::json::object& meta,
                                        ByteSource& source);
};

// since 1.1: one result of a lookup: the records found for one input record (maybe none), or
// errors (the input record then fails that step).
struct LookupResult {
  boost::json::array data;
  std::vector<RecordError> errors;
  // Optional, with errors: JSON stored with the record's error. Its "request" and "response"
  // members (e.g. {"method", "url", "body"} and {"statusCode", "body"}) become the error's
  // request and response (`sluice errors FLOW --json`, secrets masked by the host); any other
  // member stays in the error's details. Null: none.
  boost::json::value details;
};

// since 1.1: an export with isLookup: true, used as a processor.
class Lookup {
 public:
  virtual ~Lookup() = default;
  // Exactly one LookupResult per record, in order; a failed Result fails the whole page.
  virtual Result<std::vector<LookupResult>> lookup(Context& context,
                                                   const boost::json::array& records) = 0;
};

// since 1.1: one inbound HTTP request. Views borrow the host's memory for the call only.
struct HttpRequest {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  boost::json::object headers;  // lower-case name -> array of values
  std::string_view body;        // bytes, not necessarily text
};

// since 1.1: the answer to one request, and what it brought in.
struct ListenerResponse {
  int status_code = 200;
  boost::json::object headers;  // name -> string value
  std::string body;             // bytes
  boost::json::array records;   // records for the flow; may be empty
};

// since 1.1: a webhook or AS2 listener (inbound requests).
class Listener {
 public:
  virtual ~Listener() = default;
  // Verifies and answers one request. A failed Result answers 500 (401 with kAuthFailed) and
  // brings in nothing.
  virtual Result<ListenerResponse> handle(Context& context, const HttpRequest& request) = 0;
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
  // since 1.1: `export_doc` is an export resource with isLookup: true.
  virtual Result<std::unique_ptr<Lookup>> open_lookup(Context& context, Connection& connection,
                                                      const boost::json::object& export_doc);
  // since 1.1
  virtual Result<std::unique_ptr<Listener>> open_listener(Context& context, Connection& connection,
                                                          const boost::json::object& listener_doc);
};

}  // namespace sluice
