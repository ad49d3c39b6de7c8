/* The binary contract between the Sluice host and a connector plugin.
 *
 * C99, no dependencies. Plugin authors do not use this header directly: they write C++ against
 * <sluice/plugin.hpp>, whose SLUICE_PLUGIN macro generates everything declared here.
 *
 * Rules (see sdk/ABI_POLICY.md):
 *  - One exported symbol, SLUICE_ENTRY_SYMBOL, whose name carries the ABI major version.
 *  - Every struct starts with `struct_size`. A minor version only appends fields, grouped at the
 *    end of each struct under a "since 1.N" comment. A reader touches a field added after 1.0
 *    only once `struct_size` covers it (SLUICE_HAS_FIELD); a function pointer it covers may still
 *    be NULL, meaning "not implemented".
 *  - Negotiation: a plugin's descriptor states the minor it REQUIRES (`abi_minor`: the lowest
 *    minor whose calls and fields it cannot do without), not the one it was built with. A host
 *    loads any plugin whose major equals its own and whose required minor is not above its own.
 *    A plugin uses a newer host service only after checking the host table's `struct_size`.
 *  - JSON crosses as UTF-8 text in a sluice_str, binary payloads as sluice_bytes; both borrowed
 *    for the duration of the call only. Files too large for memory cross as streams
 *    (sluice_byte_source / sluice_byte_sink), a chunk at a time.
 *  - Nothing allocated by one side is freed by the other. Results and error details flow back
 *    through host callbacks that copy what they are given.
 *  - No exceptions, STL or Boost types cross. Every function returns a sluice_status.
 *  - Secrets: the host resolves them before every call. connection_json holds the revealed
 *    values; a plugin never resolves a secret itself, and must not log one (the host redacts
 *    known secrets from every text it is given, but cannot know what a plugin derived from one).
 *
 * Threading (the host honours this; a plugin may rely on it):
 *  - The entry function is called once, on one thread, before any other call.
 *  - Calls on one export, one import, one lookup or one listener handle never overlap: the host
 *    makes at most one call on a handle at a time (from any thread, not always the same one).
 *  - A connection and every handle opened from it form a family. Unless the connector declares
 *    SLUICE_THREAD_SAFE_CONNECTION, the host serialises every call of the family (connection_*,
 *    export_*, import_*, lookup_*, listener_*): at most one runs at a time, so the plugin needs
 *    no lock around a shared control connection or session. With SLUICE_THREAD_SAFE_CONNECTION
 *    calls on different handles of one family may run at the same time on different threads.
 *  - Calls on different families (different connections) may always run at the same time.
 *  - Host services (sluice_host_api) may be called from the thread running the call they are
 *    given, during that call only; 1.2's state_get and state_put also from any thread the plugin
 *    runs on that call's behalf (a request thread of its own), still during that call only.
 *  - Each call has a deadline (host/src/plugins/call_limits.hpp). Waiting for the family's turn
 *    counts against the deadline of the call that waits.
 */
#ifndef SLUICE_ABI_PLUGIN_H_
#define SLUICE_ABI_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SLUICE_ABI_VERSION_MAJOR 1
/* The newest minor this header describes. A plugin states the minor it requires instead. */
#define SLUICE_ABI_VERSION_MINOR 2
#define SLUICE_ENTRY_SYMBOL "sluice_plugin_entry_v1"

/* True when `s` (a pointer to any struct of this header) is large enough to hold `field`. */
#define SLUICE_HAS_FIELD(s, type, field) \
  ((s)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

#if defined(_WIN32)
#define SLUICE_ABI_EXPORT __declspec(dllexport)
#else
#define SLUICE_ABI_EXPORT __attribute__((visibility("default")))
#endif

/* UTF-8 text, not NUL-terminated; borrowed for the duration of the call that receives it. */
typedef struct sluice_str {
  const char* ptr;
  size_t len;
} sluice_str;

/* since 1.1: binary data (a file, an AS2 message, an HTTP body), not NUL-terminated; borrowed for
 * the duration of the call that receives it. `ptr` may be NULL when `len` is 0. */
typedef struct sluice_bytes {
  const uint8_t* ptr;
  size_t len;
} sluice_bytes;

/* Status codes with connector meaning. Values are stable across minor versions. */
typedef int32_t sluice_status;
#define SLUICE_OK 0
#define SLUICE_INVALID_CONFIG 1 /* a setting is missing or wrong; the operator must fix it */
#define SLUICE_AUTH_FAILED 2    /* credentials refused by the remote application */
#define SLUICE_NOT_FOUND 3      /* the remote resource does not exist */
#define SLUICE_RATE_LIMITED 4   /* try again after the retry-after the plugin reported */
#define SLUICE_TRANSIENT 5      /* network or server hiccup; retrying may succeed */
#define SLUICE_REMOTE_ERROR 6   /* the remote application answered with an error */
#define SLUICE_CANCELLED 7      /* the host asked to stop */
#define SLUICE_UNSUPPORTED 8    /* the connector does not implement this operation */
#define SLUICE_INTERNAL 9       /* a bug in the plugin (e.g. an exception caught by a shim) */

/* since 1.1: a stream of bytes the reader pulls, a chunk at a time, so that a file never has to
 * be in memory whole. Provided by one side, read by the other during one call only.
 * read() copies up to `capacity` bytes into `buffer` and sets *got; *got == 0 with SLUICE_OK
 * means the end of the stream. A non-OK status ends the stream with that failure. */
typedef struct sluice_byte_source {
  void* context;
  sluice_status (*read)(void* context, uint8_t* buffer, size_t capacity, size_t* got);
} sluice_byte_source;

/* since 1.1: a stream of bytes the writer pushes, a chunk at a time; write() copies or consumes
 * the chunk before returning. A non-OK status tells the writer to stop (e.g. cancelled). */
typedef struct sluice_byte_sink {
  void* context;
  sluice_status (*write)(void* context, sluice_bytes chunk);
} sluice_byte_sink;

/* Log levels for sluice_host_api.log. Where each goes (sdk/README.md, "Logging"): INFO, WARN and
 * ERROR are stored in the job's log (`sluice jobs log JOB`), DEBUG only when the run keeps it
 * (`sluice flow run -v` or `--debug`; otherwise the host drops it at once); `sluice flow run`
 * prints WARN and ERROR to stderr, and INFO and DEBUG too with -v. A call outside a job (ping,
 * plugin test) logs to stderr: WARN and ERROR only. */
#define SLUICE_LOG_DEBUG 0
#define SLUICE_LOG_INFO 1
#define SLUICE_LOG_WARN 2
#define SLUICE_LOG_ERROR 3

/* since 1.1: metric kinds for sluice_host_api.metric. */
#define SLUICE_METRIC_COUNTER 0 /* the value is added to the counter */
#define SLUICE_METRIC_GAUGE 1   /* the value replaces the gauge's */

/* One call in progress, owned by the host. Valid only until the plugin function it was passed
 * to returns. */
typedef struct sluice_call sluice_call;

/* Services the host offers to a plugin. The table is owned by the host and outlives the
 * plugin; functions may be called from the thread running the call they are given, during that
 * call. Every text given to the host passes its redactor before it is stored or shown. */
typedef struct sluice_host_api {
  uint32_t struct_size;
  /* Writes a log line attributed to the call's plugin, connection and step (the job's step: the
   * export or import the call serves), into the job's log when the call runs in a job. */
  void (*log)(sluice_call* call, int32_t level, sluice_str message);
  /* Non-zero once the job has been cancelled; long operations poll it and return
   * SLUICE_CANCELLED. */
  int32_t (*is_cancelled)(sluice_call* call);
  /* Hands the call's JSON result to the host, which copies it. Calling it again replaces it. */
  void (*set_result)(sluice_call* call, sluice_str json);
  /* Describes the failure behind a non-OK status: a human message (what failed, where, what to
   * do) and optional JSON details (may be empty). Copied by the host; the details reach the
   * stored error (`sluice errors --json`, "details") when the failure becomes one. */
  void (*set_error)(sluice_call* call, sluice_str message, sluice_str details_json);
  /* With SLUICE_RATE_LIMITED: how long to wait before the next attempt, in milliseconds. */
  void (*set_retry_after)(sluice_call* call, uint32_t milliseconds);

  /* since 1.1 */
  /* A warning for the operator: a WARN line in the job's log (`sluice jobs log JOB`), printed by
   * `sluice flow run` as it comes. */
  void (*warn)(sluice_call* call, sluice_str message);
  /* A metric sample: `name` in Prometheus style (e.g. "http_requests_total"), `labels_json` an
   * object of string values (may be empty), kind SLUICE_METRIC_*. Kept in the host's
   * process-wide registry (by name and labels: counters summed, gauges replaced), which
   * `sluice serve` is to expose. */
  void (*metric)(sluice_call* call, int32_t kind, sluice_str name, sluice_str labels_json,
                 double value);
  /* A binary result (e.g. a listener's response body); copied; replaces an earlier one. */
  void (*set_result_bytes)(sluice_call* call, sluice_bytes bytes);

  /* since 1.2: connection state. Small JSON documents the host keeps per connection between
   * calls, jobs and processes, one per `key` (e.g. "auth": tokens obtained at run time, their
   * expiry, a refresh token). The host stores each sealed like a connection's secret fields
   * (AES-256-GCM, bound to the connection and the key) and teaches every string inside it to its
   * redactor, so none reaches a log, an error, a job or the command line: keep numbers (an expiry
   * in epoch milliseconds) as numbers and only secrets as strings. The host drops a connection's
   * state when the connection is removed; a plugin that derives the state from settings records
   * what it depended on (e.g. a hash of the auth settings) and ignores a state that does not
   * match. Calls outside a connection (hooks) have no state: SLUICE_UNSUPPORTED.
   *
   * state_get calls `receive(receive_context, json)` once, during the call, with the document
   * stored under `key` or "null" when there is none, and returns SLUICE_OK; the text is borrowed
   * for the duration of `receive`. A failure (an unreadable store, a document that no longer
   * decrypts) returns its status without calling `receive`; the host has logged why. */
  sluice_status (*state_get)(sluice_call* call, sluice_str key, void* receive_context,
                             void (*receive)(void* receive_context, sluice_str json));
  /* Replaces the document under `key` with `json` (a JSON value, at most 64 KiB; "null" deletes
   * it). Durable when SLUICE_OK returns. Failures as state_get's. */
  sluice_status (*state_put)(sluice_call* call, sluice_str key, sluice_str json);
} sluice_host_api;

/* Opaque objects a plugin creates and destroys itself. */
typedef struct sluice_connection sluice_connection;
typedef struct sluice_export sluice_export;
typedef struct sluice_import sluice_import;
typedef struct sluice_lookup sluice_lookup;     /* since 1.1 */
typedef struct sluice_listener sluice_listener; /* since 1.1 */

/* since 1.1: one inbound HTTP request, as a listener receives it. Owned by the host, valid for
 * the duration of the listener_request call. */
typedef struct sluice_http_request {
  uint32_t struct_size;
  sluice_str method;       /* "POST" */
  sluice_str path;         /* the path below the listener's endpoint, e.g. "/orders" */
  sluice_str query;        /* the raw query string without '?', may be empty */
  sluice_str headers_json; /* {"content-type":["application/json"], ...}: lower-case names */
  sluice_bytes body;
} sluice_http_request;

/* The functions of one connector. Every function returning sluice_status must not throw or
 * longjmp; on failure it calls set_error on its call first.
 *
 * JSON documents:
 *  - connection_json: the connection resource with secrets already resolved (revealed).
 *  - export_json / import_json: the export or import resource.
 *  - state_json: the export's checkpoint from the previous successful run, or "null".
 *  - export_next_page result: {"records":[...], "done":bool, "state":<checkpoint>,
 *    "commit":bool (since 1.2, optional, default true: call export_page_committed for it)}.
 *  - import_submit page_json: a JSON array of records; its result is an array with one entry
 *    per record, in order: {"statusCode":int, "id":?, "ignored":?bool,
 *    "errors":[{"code":string,"message":string}]?}.
 *  - connection_ping result: optional {"message":string}.
 *
 * What a failure means (the host's side, sdk/README.md "Failures"): from export_next_page a
 * retryable status (SLUICE_TRANSIENT, SLUICE_RATE_LIMITED) is retried by the host a bounded
 * number of times with backoff — so a reader that fails must stay where it was, and return the
 * same page on the next call — and fails the job once the attempts are spent; any other status
 * fails the job. From import_submit SLUICE_TRANSIENT, SLUICE_RATE_LIMITED, SLUICE_REMOTE_ERROR
 * and SLUICE_CANCELLED fail that page's records (each becomes an error with retry data) and the
 * job goes on; the other statuses fail the job too.
 *
 * since 1.2: SLUICE_AUTH_FAILED from any call of a connection's family means the credentials are
 * refused even after the plugin renewed them once (re-authenticated, refreshed a token): the host
 * marks the connection offline with the error's message as the reason, fails later jobs that use
 * it before opening it, and clears the mark when a ping or an authorization succeeds. So return
 * it only for a refusal that renewing did not cure, never for one record's 401. */
typedef struct sluice_connector_api {
  uint32_t struct_size;
  sluice_status (*connection_open)(sluice_call* call, sluice_str connection_json,
                                   sluice_connection** out);
  sluice_status (*connection_ping)(sluice_call* call, sluice_connection* connection);
  void (*connection_close)(sluice_connection* connection);

  sluice_status (*export_open)(sluice_call* call, sluice_connection* connection,
                               sluice_str export_json, sluice_str state_json, sluice_export** out);
  sluice_status (*export_next_page)(sluice_call* call, sluice_export* exp);
  void (*export_close)(sluice_export* exp);

  sluice_status (*import_open)(sluice_call* call, sluice_connection* connection,
                               sluice_str import_json, sluice_import** out);
  sluice_status (*import_submit)(sluice_call* call, sluice_import* imp, sluice_str page_json);
  void (*import_close)(sluice_import* imp);

  /* since 1.1 */
  /* export_open with the run context, called instead of export_open when not NULL. run_json:
   * {"type":"all"|"delta"|"once"|"test", "lastExportDateTime":string|null,
   *  "currentExportDateTime":string, "test":{"limit":int}|null, "settings":{flow and export
   *  settings: {"flow":{...},"export":{...}}}, "jobId":string, "testMode":bool}. */
  sluice_status (*export_open_run)(sluice_call* call, sluice_connection* connection,
                                   sluice_str export_json, sluice_str state_json,
                                   sluice_str run_json, sluice_export** out);
  /* The host has durably processed the page whose state is `page_state_json` (the "state" of
   * that page, or "null"): its records are counted and their errors stored. What `once` exports
   * and file exports that delete or move files after success need. Called in page order, after
   * the page's last flow page is committed, at most once per page — except for a page whose
   * export_next_page result says "commit":false (since 1.2, a text field, no ABI change): the
   * plugin has nothing to do for it, and the host skips the call. */
  sluice_status (*export_page_committed)(sluice_call* call, sluice_export* exp,
                                         sluice_str page_state_json);
  /* Called once after the last submit of a run that was not failed (an aggregating import uploads
   * here). OK, or a failure that fails the job. Result: optional {"message":string}. */
  sluice_status (*import_finish)(sluice_call* call, sluice_import* imp);

  /* Lookups: an export resource with isLookup:true used as a processor. page_json is a JSON
   * array of records; the result is an array with one entry per record, in order:
   * {"data":[...]} (the records found, maybe none) or {"errors":[{"code","message"}],
   * "details":{...}} (details optional: stored with the record's error; its "request" and
   * "response" members become the error's request and response, secrets masked). */
  sluice_status (*lookup_open)(sluice_call* call, sluice_connection* connection,
                               sluice_str export_json, sluice_lookup** out);
  sluice_status (*lookup_page)(sluice_call* call, sluice_lookup* lookup, sluice_str page_json);
  void (*lookup_close)(sluice_lookup* lookup);

  /* Listeners: inbound requests (webhooks, AS2). listener_json is the listener export resource.
   * The result of listener_request: {"response":{"statusCode":int,"headers":{name:value}},
   * "records":[...]} (records may be absent: nothing to run); a binary response body goes
   * through set_result_bytes. */
  sluice_status (*listener_open)(sluice_call* call, sluice_connection* connection,
                                 sluice_str listener_json, sluice_listener** out);
  sluice_status (*listener_request)(sluice_call* call, sluice_listener* listener,
                                    const sluice_http_request* request);
  void (*listener_close)(sluice_listener* listener);

  /* Files (SLUICE_CAP_FILE_TRANSFER). export_next_file writes the export's next file into
   * `sink` and sets the result {"name":string, "size":int|null, "done":bool, "path":string?}
   * ("done": no file after this one; with no file at all, {"done":true} and nothing written).
   * Since 1.2 (no new field): the plugin may set that result before its first write, with what
   * it knows of the file then ({"name","size","path","done":false}); the host reads it at the
   * first chunk and names the file's pages from the first one (else only from the last), and
   * the result set when the call returns still counts for the file;
   * once all of a file's pages are committed, export_page_committed gets
   * {"file":{"name","path","records","errors"}} (the plugin deletes or backs up the file only
   * when errors is 0). import_put_file reads one file from `source` and stores it under the
   * name the plugin renders from its own settings; meta_json is {"records":int, "page":int,
   * "extension":string} (sdk/README.md, "Moving files"); result as one import_submit entry. */
  sluice_status (*export_next_file)(sluice_call* call, sluice_export* exp,
                                    const sluice_byte_sink* sink);
  sluice_status (*import_put_file)(sluice_call* call, sluice_import* imp, sluice_str meta_json,
                                   const sluice_byte_source* source);

  /* since 1.2: interactive authorization of a connection (`sluice connection authorize ID`), e.g.
   * OAuth 2.0's authorization code grant with PKCE. Both may be NULL: the connection needs no
   * user to authorize it. The host opens a one-time redirect listener on the loopback interface,
   * then on one open connection:
   *  - connection_authorize_start(request_json {"redirectUri":string}): result {"url":string,
   *    "state":string}: the URL the user visits, and the value the redirect must carry in its
   *    `state` query parameter. The plugin keeps what it needs to finish (the PKCE verifier) in
   *    its connection object.
   *  - the host prints the URL, waits (bounded) for one request to the redirect URI, refuses it
   *    unless its `state` matches, and calls
   *    connection_authorize_finish(redirect_json {"redirectUri":string, "query":string (the
   *    redirect's raw query, without '?')}): the plugin exchanges what the redirect brought (the
   *    code) for credentials and saves them with state_put; result {"message":string} saying
   *    what it obtained, never the credentials themselves. SLUICE_AUTH_FAILED when the
   *    application refused (the redirect's error, a refused code).
   * Called at most once each per connection object, start before finish. */
  sluice_status (*connection_authorize_start)(sluice_call* call, sluice_connection* connection,
                                              sluice_str request_json);
  sluice_status (*connection_authorize_finish)(sluice_call* call, sluice_connection* connection,
                                               sluice_str redirect_json);
} sluice_connector_api;

#define SLUICE_CONNECTOR_UNIVERSAL 0
#define SLUICE_CONNECTOR_BRANDED 1

/* since 1.1: capability bits of a connector descriptor. A connector without the bit for a kind
 * is never asked for it (`sluice apply` refuses a resource that asks). A 1.0 descriptor (whose
 * struct_size does not cover `capabilities`) counts as EXPORT | IMPORT. */
#define SLUICE_CAP_EXPORT 0x1u
#define SLUICE_CAP_IMPORT 0x2u
#define SLUICE_CAP_LOOKUP 0x4u
#define SLUICE_CAP_LISTENER 0x8u
#define SLUICE_CAP_FILE_TRANSFER 0x10u

/* since 1.1: threading flags of a connector descriptor (see "Threading" above). A 1.0 descriptor
 * counts as 0: its connections are serialised. */
#define SLUICE_THREAD_SAFE_CONNECTION 0x1u

/* One connector a plugin provides. All strings are NUL-terminated UTF-8, owned by the plugin
 * and valid for as long as it is loaded (plugins are never unloaded). */
typedef struct sluice_connector_descriptor {
  uint32_t struct_size;
  const char* name;              /* unique within the plugin, e.g. "http" */
  int32_t kind;                  /* SLUICE_CONNECTOR_UNIVERSAL or SLUICE_CONNECTOR_BRANDED */
  const char* connection_type;   /* the connection `type` it serves, e.g. "http" */
  const char* assistant;         /* the `assistant` it serves when branded; "" when universal */
  const char* label;             /* human name */
  const char* connection_schema; /* JSON Schema (with x-sluice UI hints) of each resource */
  const char* export_schema;     /* exports, and lookups (exports with isLookup: true) */
  const char* import_schema;
  const sluice_connector_api* api;

  /* since 1.1 */
  uint32_t capabilities;       /* SLUICE_CAP_* bits */
  uint32_t threading;          /* SLUICE_THREAD_SAFE_CONNECTION or 0 */
  const char* listener_schema; /* with SLUICE_CAP_LISTENER; NULL or "" otherwise */
} sluice_connector_descriptor;

/* since 1.1: the hook kinds a native hook may implement (integrator.io's names). */
#define SLUICE_HOOK_PRE_SAVE_PAGE "preSavePage"
#define SLUICE_HOOK_PRE_MAP "preMap"
#define SLUICE_HOOK_POST_MAP "postMap"
#define SLUICE_HOOK_POST_SUBMIT "postSubmit"
#define SLUICE_HOOK_POST_RESPONSE_MAP "postResponseMap"

/* since 1.1: a named hook function a resource may reference instead of JavaScript
 * ({"hooks":{"preMap":{"_pluginId":ID,"function":NAME}}}). input_json is integrator.io's hook
 * argument object for its kind ({"data":[...], "errors":[...], "settings":{...}, ...}); the
 * result is what the JavaScript hook would return, as JSON. The host calls a hook from any
 * thread, possibly several at once: a hook keeps no unsynchronised state. */
typedef struct sluice_hook_descriptor {
  uint32_t struct_size;
  const char* name; /* unique within the plugin, e.g. "dropTestOrders" */
  const char* kind; /* SLUICE_HOOK_* */
  sluice_status (*invoke)(sluice_call* call, sluice_str input_json);
} sluice_hook_descriptor;

/* What the entry symbol returns. Owned by the plugin, valid while it is loaded. */
typedef struct sluice_plugin_descriptor {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;      /* the minor this plugin REQUIRES (not the one it was built with) */
  const char* id;          /* unique plugin id, e.g. "http" */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* sdk_version; /* the SDK it was built with */
  const char* build_info;  /* compiler, build type, date */
  const char* description;
  uint32_t connector_count;
  const sluice_connector_descriptor* connectors;

  /* since 1.1 */
  uint32_t built_minor; /* the newest minor the plugin was built against (informational) */
  uint32_t hook_count;
  const sluice_hook_descriptor* hooks;
} sluice_plugin_descriptor;

/* The sizes of the 1.0 structs: the least struct_size a host accepts for each. */
#define SLUICE_PLUGIN_DESCRIPTOR_SIZE_1_0 \
  (offsetof(sluice_plugin_descriptor, connectors) + sizeof(const sluice_connector_descriptor*))
#define SLUICE_CONNECTOR_DESCRIPTOR_SIZE_1_0 \
  (offsetof(sluice_connector_descriptor, api) + sizeof(const sluice_connector_api*))
#define SLUICE_CONNECTOR_API_SIZE_1_0 \
  (offsetof(sluice_connector_api, import_close) + sizeof(void (*)(sluice_import*)))

/* The entry point: called once after loading, with the host's services (which outlive the
 * plugin). Returns NULL if the plugin cannot run in this host. */
typedef const sluice_plugin_descriptor* (*sluice_plugin_entry_fn)(const sluice_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_ABI_PLUGIN_H_ */
