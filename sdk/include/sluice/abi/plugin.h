/* The binary contract between the Sluice host and a connector plugin.
 *
 * C99, no dependencies. Plugin authors do not use this header directly: they write C++ against
 * <sluice/plugin.hpp>, whose SLUICE_PLUGIN macro generates everything declared here.
 *
 * Rules (see sdk/ABI_POLICY.md):
 *  - One exported symbol, SLUICE_ENTRY_SYMBOL, whose name carries the ABI major version.
 *  - Every struct starts with `struct_size`; a minor version only appends fields, so a reader
 *    checks `struct_size` before touching a field added after 1.0.
 *  - JSON crosses as UTF-8 text in a sluice_str, borrowed for the duration of the call only.
 *  - Nothing allocated by one side is freed by the other. Results and error details flow back
 *    through host callbacks that copy what they are given.
 *  - No exceptions, STL or Boost types cross. Every function returns a sluice_status.
 */
#ifndef SLUICE_ABI_PLUGIN_H_
#define SLUICE_ABI_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SLUICE_ABI_VERSION_MAJOR 1
#define SLUICE_ABI_VERSION_MINOR 0
#define SLUICE_ENTRY_SYMBOL "sluice_plugin_entry_v1"

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

/* Log levels for sluice_host_api.log. */
#define SLUICE_LOG_DEBUG 0
#define SLUICE_LOG_INFO 1
#define SLUICE_LOG_WARN 2
#define SLUICE_LOG_ERROR 3

/* One call in progress, owned by the host. Valid only until the plugin function it was passed
 * to returns. */
typedef struct sluice_call sluice_call;

/* Services the host offers to a plugin. The table is owned by the host and outlives the
 * plugin; functions may be called from the thread running the call they are given. */
typedef struct sluice_host_api {
  uint32_t struct_size;
  /* Writes a log line attributed to the call's plugin, connection and step. */
  void (*log)(sluice_call* call, int32_t level, sluice_str message);
  /* Non-zero once the job has been cancelled; long operations poll it and return
   * SLUICE_CANCELLED. */
  int32_t (*is_cancelled)(sluice_call* call);
  /* Hands the call's JSON result to the host, which copies it. Calling it again replaces it. */
  void (*set_result)(sluice_call* call, sluice_str json);
  /* Describes the failure behind a non-OK status: a human message (what failed, where, what to
   * do) and optional JSON details (may be empty). Copied by the host. */
  void (*set_error)(sluice_call* call, sluice_str message, sluice_str details_json);
  /* With SLUICE_RATE_LIMITED: how long to wait before the next attempt, in milliseconds. */
  void (*set_retry_after)(sluice_call* call, uint32_t milliseconds);
} sluice_host_api;

/* Opaque objects a plugin creates and destroys itself. */
typedef struct sluice_connection sluice_connection;
typedef struct sluice_export sluice_export;
typedef struct sluice_import sluice_import;

/* The functions of one connector. Every function returning sluice_status must not throw or
 * longjmp; on failure it calls set_error on its call first.
 *
 * JSON documents:
 *  - connection_json: the connection resource with secrets already resolved.
 *  - export_json / import_json: the export or import resource.
 *  - state_json: the export's checkpoint from the previous successful run, or "null".
 *  - export_next_page result: {"records":[...], "done":bool, "state":<checkpoint>}.
 *  - import_submit page_json: a JSON array of records; its result is an array with one entry
 *    per record, in order: {"statusCode":int, "id":?, "ignored":?bool,
 *    "errors":[{"code":string,"message":string}]?}.
 *  - connection_ping result: optional {"message":string}. */
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
} sluice_connector_api;

#define SLUICE_CONNECTOR_UNIVERSAL 0
#define SLUICE_CONNECTOR_BRANDED 1

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
  const char* export_schema;
  const char* import_schema;
  const sluice_connector_api* api;
} sluice_connector_descriptor;

/* What the entry symbol returns. Owned by the plugin, valid while it is loaded. */
typedef struct sluice_plugin_descriptor {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* id;          /* unique plugin id, e.g. "http" */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* sdk_version; /* the SDK it was built with */
  const char* build_info;  /* compiler, build type, date */
  const char* description;
  uint32_t connector_count;
  const sluice_connector_descriptor* connectors;
} sluice_plugin_descriptor;

/* The entry point: called once after loading, with the host's services (which outlive the
 * plugin). Returns NULL if the plugin cannot run in this host. */
typedef const sluice_plugin_descriptor* (*sluice_plugin_entry_fn)(const sluice_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_ABI_PLUGIN_H_ */
