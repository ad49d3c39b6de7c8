/* A raw-ABI plugin (no SDK) for negotiation by required minor. Built four ways:
 *  - RAW_REQUIRED_MINOR 0, RAW_SMALL 1: requires 1.0 and fills only 1.0-sized structs, as a plugin
 *    built against the 1.0 header would;
 *  - RAW_REQUIRED_MINOR 3: requires a minor this host lacks;
 *  - RAW_REQUIRED_MINOR 1, RAW_SMALL 2: a plugin built against the 1.1 header: every struct of
 *    1.1's size, so its function table ends before 1.2's connection_authorize_start, which holds
 *    poison a host must not call;
 *  - RAW_REQUIRED_MINOR 1, RAW_SMALL 1: requires 1.1 but its struct_sizes cover only the 1.0
 *    fields. The 1.1 fields behind them hold poison a host must not read: capabilities claim
 *    everything, the listener schema is not JSON and export_open_run fails the call.
 * Its one connector (type "raw") exports one page of two records and imports anything. */
#include <stddef.h>
#include <string.h>

#include <sluice/abi/plugin.h>

static const sluice_host_api* g_host;
static int g_connection;
static int g_export;
static int g_import;

static sluice_str text(const char* s) {
  sluice_str out = {s, strlen(s)};
  return out;
}

static sluice_status open_connection(sluice_call* call, sluice_str json, sluice_connection** out) {
  (void)call;
  (void)json;
  *out = (sluice_connection*)&g_connection;
  return SLUICE_OK;
}
static sluice_status ping(sluice_call* call, sluice_connection* c) {
  (void)c;
  g_host->set_result(call, text("{\"message\":\"raw ok\"}"));
  return SLUICE_OK;
}
static void close_connection(sluice_connection* c) { (void)c; }
static sluice_status open_export(sluice_call* call, sluice_connection* c, sluice_str e,
                                 sluice_str s, sluice_export** out) {
  (void)call;
  (void)c;
  (void)e;
  (void)s;
  *out = (sluice_export*)&g_export;
  return SLUICE_OK;
}
static sluice_status next_page(sluice_call* call, sluice_export* e) {
  (void)e;
  g_host->set_result(call, text("{\"records\":[{\"id\":\"r1\"},{\"id\":\"r2\"}],\"done\":true,"
                                "\"state\":null}"));
  return SLUICE_OK;
}
static void close_export(sluice_export* e) { (void)e; }
static sluice_status open_import(sluice_call* call, sluice_connection* c, sluice_str i,
                                 sluice_import** out) {
  (void)call;
  (void)c;
  (void)i;
  *out = (sluice_import*)&g_import;
  return SLUICE_OK;
}
static sluice_status submit(sluice_call* call, sluice_import* i, sluice_str page) {
  (void)i;
  (void)page;
  g_host->set_result(call, text("[]"));
  return SLUICE_OK;
}
static void close_import(sluice_import* i) { (void)i; }
static sluice_status poisoned_open_run(sluice_call* call, sluice_connection* c, sluice_str e,
                                       sluice_str s, sluice_str r, sluice_export** out) {
  (void)c;
  (void)e;
  (void)s;
  (void)r;
  (void)out;
  g_host->set_error(call, text("export_open_run is past the table's struct_size"), text(""));
  return SLUICE_INTERNAL;
}

static sluice_status poisoned_authorize(sluice_call* call, sluice_connection* c, sluice_str r) {
  (void)c;
  (void)r;
  g_host->set_error(call, text("connection_authorize_* is past the table's struct_size"), text(""));
  return SLUICE_INTERNAL;
}

#if RAW_SMALL == 2
#define RAW_API_SIZE offsetof(sluice_connector_api, connection_authorize_start)
#define RAW_CONNECTOR_SIZE sizeof(sluice_connector_descriptor)
#define RAW_DESCRIPTOR_SIZE sizeof(sluice_plugin_descriptor)
#elif RAW_SMALL
#define RAW_API_SIZE offsetof(sluice_connector_api, export_open_run)
#define RAW_CONNECTOR_SIZE offsetof(sluice_connector_descriptor, capabilities)
#define RAW_DESCRIPTOR_SIZE offsetof(sluice_plugin_descriptor, built_minor)
#else
#define RAW_API_SIZE sizeof(sluice_connector_api)
#define RAW_CONNECTOR_SIZE sizeof(sluice_connector_descriptor)
#define RAW_DESCRIPTOR_SIZE sizeof(sluice_plugin_descriptor)
#endif

static const sluice_connector_api kApi = {.struct_size = RAW_API_SIZE,
                                          .connection_open = open_connection,
                                          .connection_ping = ping,
                                          .connection_close = close_connection,
                                          .export_open = open_export,
                                          .export_next_page = next_page,
                                          .export_close = close_export,
                                          .import_open = open_import,
                                          .import_submit = submit,
                                          .import_close = close_import,
#if RAW_SMALL == 2
                                          .export_open_run = NULL,
#else
                                           .export_open_run = poisoned_open_run,
#endif
                                          .connection_authorize_start = poisoned_authorize,
                                          .connection_authorize_finish = poisoned_authorize};

static const sluice_connector_descriptor kConnector = {
    RAW_CONNECTOR_SIZE,
    "raw",
    SLUICE_CONNECTOR_UNIVERSAL,
    "raw",
    "",
    "Raw ABI connector",
    "{\"type\":\"object\",\"properties\":{}}",
    "{\"type\":\"object\",\"properties\":{}}",
    "{\"type\":\"object\",\"properties\":{}}",
    &kApi,
#if RAW_SMALL == 2
    SLUICE_CAP_EXPORT | SLUICE_CAP_IMPORT,
    0u,
    ""};
#else
    0xffffffffu, /* capabilities: poison when RAW_SMALL */
    0xffffffffu, /* threading: poison when RAW_SMALL */
    "not json"}; /* listener_schema: poison when RAW_SMALL */
#endif

static const sluice_plugin_descriptor kDescriptor = {RAW_DESCRIPTOR_SIZE,
                                                     SLUICE_ABI_VERSION_MAJOR,
                                                     RAW_REQUIRED_MINOR,
                                                     RAW_ID,
                                                     "1.0.0",
                                                     "raw",
                                                     "test",
                                                     "a raw-ABI plugin",
                                                     1,
                                                     &kConnector,
                                                     1,
                                                     0,
                                                     0};

SLUICE_ABI_EXPORT const sluice_plugin_descriptor* sluice_plugin_entry_v1(
    const sluice_host_api* host) {
  g_host = host;
  return &kDescriptor;
}
