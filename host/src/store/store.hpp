// The store: resources, jobs, errors and export state, behind an interface that a second backend
// (PostgreSQL) can implement. Every function is safe to call from any thread; a backend
// serialises access itself. Expected failures (I/O, corrupt file, wrong key) are Error values
// whose message names the store file and what to do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::host {

enum class ResourceKind { kConnection, kExport, kImport, kFlow, kScript };

// "connections", "exports", "imports", "flows", "scripts".
std::string_view to_string(ResourceKind kind) noexcept;
// Accepts the plural and the singular ("connection", "connections"); nullopt otherwise.
std::optional<ResourceKind> resource_kind_from_string(std::string_view text) noexcept;

struct Resource {
  ResourceKind kind = ResourceKind::kConnection;
  std::string id;                         // the document's "_id"
  boost::json::object doc;                // the whole document, integrator.io shape
  std::vector<std::string> secret_paths;  // dotted paths of secret fields (from the plugin schema)
};

// How secrets come back from a read.
enum class Secrets {
  kMasked,   // every secret value is the string "******"
  kRevealed  // decrypted plaintext (only for running flows; never print it); each value is
             // taught to Redactor::process() so no later text of this process shows it
};

// One line of a job's log: what its plugins and the runtime logged (store/job_log.hpp).
struct JobLogLine {
  std::string job_id;
  std::string at;       // ISO 8601 UTC
  std::string level;    // "debug", "info", "warn" or "error"
  std::string step;     // who logged it, e.g. "export orders", "connection api"
  std::string message;  // already redacted

  boost::json::object to_json() const;
};

// A job: one run of a flow. Field names in to_json() are integrator.io's.
struct Job {
  std::string id;
  std::string flow_id;
  std::string type = "flow";
  std::string status;  // "running", "completed", "failed", "canceled"
  int64_t num_export = 0;
  int64_t num_success = 0;
  int64_t num_ignore = 0;
  int64_t num_error = 0;
  int64_t num_pages_generated = 0;
  int64_t num_pages_processed = 0;
  std::string started_at;  // ISO 8601 UTC, e.g. 2026-11-27T20:15:00.123Z
  std::string ended_at;    // empty while running
  std::string message;     // why the job failed or was canceled; empty otherwise
  int64_t pid = 0;         // the process running it while "running" ("pid"; 0 when unknown)
  // With pid, the identity of that process: its start time in clock ticks since boot
  // (/proc/PID/stat field 22), so that a reused pid is not taken for it ("pidStartTime"; 0 when
  // unknown).
  int64_t pid_start_time = 0;
  std::string resumed_from;  // the unfinished job this one continues ("resumedFrom"), or empty
  // The flow page submitted to the processors and not yet confirmed ("inFlight"), or null:
  // {"exportId":..,"pages":[index],"recordIds":[..]}. Counts never include it.
  boost::json::value in_flight;
  // Where `sluice flow run FLOW --resume` continues ("checkpoint"), or null before any page was
  // confirmed: {"generator":G,"exportId":..,"position":P,"skip":N,"exportRecords":R,
  // "deltas":{exportId:state}} (runtime/job_recorder.hpp says what each means).
  boost::json::value checkpoint;
  // What its plugins warned ("warnings"): [{"step","message","count"}], at most 100 distinct
  // (step, message), in the order each first arrived; empty: none.
  boost::json::array warnings;
  // The metrics its plugins recorded ("metrics"): [{"name","labels":{..},"kind":"counter"|
  // "gauge","value"}], counters summed and gauges as last set during this job; empty: none.
  boost::json::array metrics;

  boost::json::object to_json() const;
  static Job from_json(const boost::json::object& doc);
};

// One failed record at one step, with the record as it was at that step (retry data). Field names
// in to_json() are integrator.io's where it has them (docs/errors.md lists them all).
struct JobError {
  std::string id;
  std::string job_id;
  std::string flow_id;
  std::string step_id;  // the export or import "_id" where it failed
  std::string code;     // e.g. "422", "auth_failed"
  std::string message;
  std::string occurred_at;
  boost::json::value retry_data;
  // What the plugin added to its failure (set_error's details JSON), "details"; null when none.
  boost::json::value details;
  bool resolved = false;
  // "classification": one of error_class.hpp's names; empty: derived from `code` by to_json().
  std::string classification;
  // "traceKey": the step's traceKeyTemplate rendered with the record, else the record's id
  // (runtime/trace_key.hpp); what auto-resolve matches on. Empty: none known.
  std::string trace_key;
  // "request", "response": the exchange with the application, where the plugin reported it (the
  // "request"/"response" members of its details); null when not. Redacted like every string.
  boost::json::value request, response;
  std::string resolved_by;         // "resolvedBy": "operator", "auto" or "retry"; empty while open
  std::string resolved_at;         // "resolvedAt": ISO 8601 UTC; empty while open
  bool retry_data_edited = false;  // "retryDataEdited": an operator replaced the retry data
  std::string retry_job_id;        // "_retryJobId": the last retry job that ran this record
  // "note": e.g. why the retry data is gone (retention, docs/errors.md); empty: none.
  std::string note;

  boost::json::object to_json() const;
  static JobError from_json(const boost::json::object& doc);
};

// One record of a webhook listener's intake queue.
struct IntakeRecord {
  int64_t seq = 0;  // from 1, increasing in the order records were appended (over all exports)
  std::string export_id;
  std::string record;  // JSON text, as appended
};

// A token of the REST API of `sluice serve` (serve/api/api_token.hpp): only a hash of the token is
// kept, never the token itself.
struct ApiToken {
  std::string name;        // what the operator called it, unique
  std::string hash;        // SHA-256 of the token, 64 lowercase hex digits
  std::string created_at;  // ISO 8601 UTC
};

// Which errors find_errors returns: those of one flow (and one step when step_id is set), open
// or resolved, oldest first by occurred_at, at most `limit`.
struct ErrorQuery {
  std::string flow_id;
  std::string step_id;  // empty: every step of the flow
  bool resolved = false;
  size_t limit = 1000;
};

// How many errors with retry data the store keeps per (flow, step) by default: older errors lose
// their retry data (Store::add_errors). $SLUICE_RETRY_DATA_LIMIT sets another number.
constexpr size_t kRetryDataPerStep = 20000;

class Store {
 public:
  virtual ~Store() = default;

  // Stores all resources in one transaction (insert or replace by kind and id): either every one
  // is written or none is. Each id must be non-empty and equal the document's "_id" (which is
  // added when absent). Fields at each resource's secret_paths are encrypted at rest; a secret
  // path absent from the document is skipped, and a secret field holding "******" (a masked
  // read sent back) keeps the value already stored for it.
  virtual Result<void> put_resources(const std::vector<Resource>& resources) = 0;
  virtual Result<std::optional<boost::json::object>> get_resource(ResourceKind kind,
                                                                  std::string_view id,
                                                                  Secrets secrets) = 0;
  // In ascending id order.
  virtual Result<std::vector<boost::json::object>> list_resources(ResourceKind kind,
                                                                  Secrets secrets) = 0;

  // Deletes resource (kind, id); false, changing nothing, when there is none. References to it
  // are not checked here (the REST API checks them first). A store that cannot delete answers
  // kUnsupported.
  virtual Result<bool> delete_resource(ResourceKind kind, std::string_view id);

  virtual Result<void> put_job(const Job& job) = 0;  // insert or replace by id
  virtual Result<std::optional<Job>> get_job(std::string_view id) = 0;
  // Newest first; all flows when flow_id is empty; at most `limit`.
  virtual Result<std::vector<Job>> list_jobs(std::string_view flow_id, size_t limit) = 0;

  // Claims flow `job.flow_id` for `job` (status "running") in one IMMEDIATE transaction, so that
  // of several processes claiming at once exactly one succeeds: every running job of the flow is
  // passed to `close_if_dead`, which returns false for a job whose process is alive (the claim
  // then fails: `holder` is that job and nothing is written) and otherwise rewrites the job into
  // its closed form (it is stored as rewritten and listed in `closed`). With job.resumed_from
  // set, the claim also fails (`superseded` names the newer job) unless that job is the flow's
  // newest run (retry jobs, type "retry", do not count: they run errors again, not the flow). On
  // success `job` is inserted.
  struct FlowClaim {
    bool claimed = false;
    std::optional<Job> holder;  // the live job that holds the flow
    std::string superseded;     // a job newer than job.resumed_from
    std::vector<Job> closed;    // dead jobs closed by this claim
  };
  virtual Result<FlowClaim> claim_flow(const Job& job,
                                       const std::function<bool(Job&)>& close_if_dead) = 0;
  // In one transaction: replaces job `job.id` with `job` and adds `errors` (as add_errors), but
  // only while the stored job is still "running"; returns false, writing nothing, when it is not
  // (another process closed it, or a signal handler ended it).
  virtual Result<bool> update_running_job(const Job& job, const std::vector<JobError>& errors) = 0;

  // In one transaction; insert or replace by id (so adding an error again with resolved = true
  // resolves it). Retention, in the same transaction: of each (flow, step) written to, only the
  // newest errors with retry data (by occurred_at; kRetryDataPerStep, or the store's own limit)
  // keep it; the retry data of older ones is dropped with a note saying so.
  virtual Result<void> add_errors(const std::vector<JobError>& errors) = 0;
  // Open (unresolved) errors of a flow (all flows when flow_id is empty), oldest first by
  // occurred_at, at most `limit`.
  virtual Result<std::vector<JobError>> list_errors(std::string_view flow_id, size_t limit) = 0;

  // The error management queries (docs/errors.md). A store without them answers kUnsupported.
  //
  // Errors of query.flow_id as ErrorQuery says.
  virtual Result<std::vector<JobError>> find_errors(const ErrorQuery& query);
  // Error `error_id` of flow `flow_id` (open or resolved), or nullopt.
  virtual Result<std::optional<JobError>> get_error(std::string_view flow_id,
                                                    std::string_view error_id);
  // In one transaction, resolves the open errors of flow `flow_id` named by `error_ids` or, when
  // empty, every open error of the flow (of step `step_id` when it is not empty; with ids, an id
  // of another step is left alone), recording `by` ("operator", "auto", "retry") and the time.
  // Returns how many it resolved; ids that are not open errors of the flow are skipped.
  virtual Result<size_t> resolve_errors(std::string_view flow_id, std::string_view step_id,
                                        const std::vector<std::string>& error_ids,
                                        std::string_view by);
  // Auto-resolve: resolves ("auto") every open error of `flow_id` at `step_id` whose trace key is
  // one of `trace_keys` (empty keys are ignored). Returns how many.
  virtual Result<size_t> resolve_by_trace_keys(std::string_view flow_id, std::string_view step_id,
                                               const std::vector<std::string>& trace_keys);
  // True when flow `flow_id` has an open error with a trace key at `step_id`: lets auto-resolve
  // skip computing keys (one index probe). The default answers true.
  virtual Result<bool> has_open_errors_with_trace_key(std::string_view flow_id,
                                                      std::string_view step_id);
  // Replaces the retry data of error `error_id` of flow `flow_id` by `retry_data` (redacted) and
  // marks it edited. False, changing nothing, when there is no such error.
  virtual Result<bool> edit_retry_data(std::string_view flow_id, std::string_view error_id,
                                       const boost::json::value& retry_data);

  // An export's checkpoint between runs (null when none).
  // The job's log, oldest line first (store/job_log.cpp). A store without one answers
  // kUnsupported.
  virtual Result<void> append_job_log(const std::vector<JobLogLine>& lines);
  virtual Result<std::vector<JobLogLine>> get_job_log(std::string_view job_id, size_t limit);

  // The intake queue of webhook listeners (store/intake.hpp, docs/serve.md "Webhooks"): records
  // a listener accepted and no job has yet confirmed. A store without one answers kUnsupported.
  //
  // Appends `records` (each one JSON text) for `export_id` in one transaction: once it returns,
  // they survive a crash of the process (SQLite: WAL, synchronous NORMAL — not a power loss).
  virtual Result<void> append_intake(std::string_view export_id,
                                     const std::vector<std::string>& records);
  // The oldest records of `export_id` whose seq is above `after`, at most `limit`, by seq.
  virtual Result<std::vector<IntakeRecord>> read_intake(std::string_view export_id, int64_t after,
                                                        size_t limit);
  // Removes the records of `export_id` whose seq is `through` or below; how many it removed.
  virtual Result<size_t> remove_intake(std::string_view export_id, int64_t through);
  // How many records of `export_id` are queued.
  virtual Result<size_t> count_intake(std::string_view export_id);
  // The REST API's tokens (store/api_tokens.hpp). A store without them answers kUnsupported.
  //
  // Adds `token`; kInvalidConfig, adding nothing, when a token of that name exists.
  virtual Result<void> add_api_token(const ApiToken& token);
  // Every token, in name order.
  virtual Result<std::vector<ApiToken>> list_api_tokens();
  // Deletes the token named `name`; false when there is none.
  virtual Result<bool> revoke_api_token(std::string_view name);

  virtual Result<boost::json::value> get_state(std::string_view export_id) = 0;
  virtual Result<void> put_state(std::string_view export_id, const boost::json::value& state) = 0;

  // Sealed state (store/connection_state.hpp keeps a connection's tokens there): like get_state
  // and put_state under `key`, but the value is sealed at rest with the store's secret box, bound
  // to the key, and every string inside a value read or written is taught to
  // Redactor::process(). null: none (get) or delete (put). A store that cannot seal answers
  // kUnsupported.
  virtual Result<boost::json::value> get_sealed_state(std::string_view key);
  virtual Result<void> put_sealed_state(std::string_view key, const boost::json::value& value);
};

// Opens (creating if needed) the SQLite store at `home`/sluice.db. The encryption key comes from
// $SLUICE_SECRET_KEY (64 hex digits) or else the file `home`/secret.key, which is created (0600,
// random) only together with a new store: beside an existing store a missing key is an Error
// saying where it was expected and how to supply it, and a key file that group or others may
// read or write is refused (SecretBox::load). A key other than the one the store was first
// written with is refused here, so secrets sealed under two keys never mix in one store.
//
// `home` is made 0700 and the store files (sluice.db, -wal, -shm) 0600 whatever they were, and
// files are created under umask 077. Sealed values are bound to (kind, id, field path); values
// sealed by Sluice before that binding are re-sealed bound at open, in the schema migration's
// transaction.
//
// Every secret the store seals or reveals is taught to Redactor::process(), and every string of
// a job (put_job) or an error (add_errors) passes it before it is written.
//
// `retry_data_limit`: how many errors per (flow, step) keep their retry data (add_errors); 0: the
// value of $SLUICE_RETRY_DATA_LIMIT (a whole number from 1), else kRetryDataPerStep. A malformed
// $SLUICE_RETRY_DATA_LIMIT is an Error saying so.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& home,
                                                 size_t retry_data_limit = 0);

}  // namespace sluice::host
