#include "resources/resource_schema.hpp"

#include <algorithm>

#include "sluice/schema.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

// Metadata integrator.io keeps on every resource; Sluice stores it and never acts on it.
void common_metadata(Schema& s) {
  for (const char* path : {"lastModified", "createdAt", "_integrationId", "_connectorId", "_userId",
                           "_sourceId", "_templateId", "externalId", "sandbox"}) {
    s.ignored(path);
  }
}

void name_and_description(Schema& s) {
  s.string("name").label("Name").help("Shown by `sluice get`; any text.");
  s.string("description").label("Description");
}

Schema connection() {
  Schema s;
  s.string("_id").label("Id").required();
  name_and_description(s);
  s.string("type").label("Type").help("Picks the plugin, e.g. http, unless assistant is set.");
  s.string("assistant").label("Assistant").help("Picks a branded plugin, e.g. shopify.");
  common_metadata(s);
  for (const char* path : {"queues", "offline", "_httpConnectorId", "_httpConnectorVersionId"})
    s.ignored(path);
  s.unsupported("_agentId", "on-premise agents do not exist in Sluice; remove it");
  s.unsupported("_borrowConcurrencyFromConnectionId");
  s.unsupported("_iClientId");
  s.unsupported("debugDate");
  return s;
}

// `connection` false: a source without one, the data loader or (`webhook`) a listener.
void step_common(Schema& s, bool connection = true, bool webhook = false) {
  s.string("_id").label("Id").required();
  name_and_description(s);
  s.string("adaptorType").label("Adaptor type").required();
  if (connection) {
    s.string("_connectionId").label("Connection").required();
  } else if (webhook) {
    s.unsupported("_connectionId",
                  "a webhook listener (WebhookExport) is fed by the requests sent to it and has "
                  "no connection; remove it");
  } else {
    s.unsupported("_connectionId",
                  "a data loader (SimpleExport) reads the file given with `sluice flow run ID "
                  "--data FILE` and has no connection; remove it");
  }
  common_metadata(s);
  for (const char* path :
       {"apiIdentifier", "sampleData", "assistant", "assistantMetadata", "_httpConnectorEndpointId",
        "_httpConnectorResourceId", "_httpConnectorVersionId"}) {
    s.ignored(path);
  }
  s.unsupported("dataURITemplate");
  s.boolean("oneToMany")
      .label("One to many")
      .help(
          "Fan each record out into its child records (the array at pathToMany) for this "
          "step only; each child gets _PARENT, the record without the array. docs/runtime.md, "
          "\"One to many\".");
  s.string("pathToMany")
      .label("Path to many")
      .help(
          "With oneToMany: the dotted path to the array of child records in each record, "
          "e.g. items or order.lines.");
  s.string("traceKeyTemplate")
      .label("Trace key template")
      .help(
          "Handlebars rendered with {record} that names a record across jobs, e.g. "
          "{{record.id}}; default the record's _id or id. An open error is resolved when a "
          "record with its trace key later succeeds at the same step (docs/errors.md).");
}

Schema export_step(bool connection = true, bool webhook = false) {
  Schema s;
  step_common(s, connection, webhook);
  // Checked by their engines at apply (resources/apply.cpp), so their insides are not listed here.
  s.object("transform")
      .label("Transformation")
      .help("Reshapes each record: rules (version 1 or 2) or a script; docs/mappings.md.");
  s.object("filter")
      .label("Output filter")
      .help("Keeps the records that match; the others are ignored. docs/filters.md.");
  s.object("hooks.preSavePage")
      .label("preSavePage hook")
      .help(
          "{_scriptId, function}: JavaScript over each page, or {_pluginId, function}: a "
          "plugin's native hook; docs/scripts.md.");
  s.object("settings")
      .label("Settings")
      .help("Any JSON object; filters, templates and scripts read it as settings.export.");
  s.integer("pageSize")
      .label("Page size")
      .minimum(kMinPageSize)
      .maximum(kMaxPageSize)
      .default_value(kDefaultPageSize)
      .help(
          "Records per flow page: how many travel together through the flow's steps. Not the "
          "plugin's request size (records per request to the application), which is set in "
          "the plugin's own settings.");
  if (webhook) {
    s.enumeration("type", {"webhook"})
        .label("Export type")
        .help("A listener's records are the requests sent to it; the type is webhook or absent.");
  } else {
    s.enumeration("type", {"all", "delta", "once", "test"})
        .label("Export type")
        .unsupported_values({"webhook", "distributed", "simple", "blob", "tranlinedelta", "stream"})
        .help(
            "Which records a run exports (docs/runtime.md): absent or all: every record; delta: "
            "those changed since the last successful run (lastExportDateTime); once: those not "
            "yet flagged, the plugin flagging them page by page; test: at most test.limit.");
  }
  s.integer("delta.lagOffset")
      .label("Delta lag offset (ms)")
      .minimum(0)
      .help(
          "Milliseconds subtracted from lastExportDateTime, for sources that are late to "
          "show changes.");
  s.string("delta.startDate")
      .label("Delta start date")
      .help(
          "ISO 8601 date-time: the lastExportDateTime of the first run (otherwise the first "
          "run exports everything).");
  s.integer("test.limit")
      .label("Test record limit")
      .minimum(1)
      .maximum(100)
      .default_value(1)
      .help("Top-level records a test run exports, across pages; fetching stops once reached.");
  for (const char* path :
       {"delta.dateField", "delta.dateFormat", "delta.endDateField", "once.booleanField",
        "valueDelta", "groupByFields", "mockOutput", "asynchronous"}) {
    s.unsupported(path);
  }
  s.boolean("isLookup")
      .label("Lookup")
      .help(
          "Used as a step of a flow (type \"export\"): looks up records for each record; "
          "docs/runtime.md, \"Lookups\".");
  s.object("inputFilter")
      .label("Input filter (lookups)")
      .help("Records that do not match skip this lookup only; docs/filters.md.");
  return s;
}

// The `file` settings of the data loader's export, as the host's file source reads them
// (formats::read_file_options, which apply also runs on them): what it does not read yet is
// refused as not supported yet.
Schema simple_export() {
  Schema s = export_step(false);
  s.enumeration("file.type", {"csv", "json", "xml", "xlsx", "filedefinition"})
      .label("File type")
      .required()
      .help(
          "How the file given with --data is parsed: csv (any delimited text), json, xml, xlsx "
          "or filedefinition (fixed width, X12); docs/files.md.");
  s.enumeration("file.output", {"records", "metadata", "blobKeys"})
      .label("Output")
      .default_value("records")
      .unsupported_values({"blobKeys"})
      .help("records: the file's records; metadata: one record {name, size, path} for the file.");
  s.string("file.csv.columnDelimiter")
      .label("Column delimiter")
      .default_value(",")
      .help("One character, e.g. , ; | or a tab.");
  s.boolean("file.csv.hasHeaderRow")
      .label("File has header")
      .default_value(true)
      .help("The first row names the fields; without it they are Column1, Column2, ...");
  s.boolean("file.csv.trimSpaces")
      .label("Trim spaces")
      .help("Strip spaces and tabs around each value.");
  s.integer("file.csv.rowsToSkip")
      .label("Rows to skip")
      .minimum(0)
      .help("Rows ignored at the top of the file, before the header row.");
  s.string("file.json.resourcePath")
      .label("Resource path")
      .help(
          "Dotted path to the array of records in a JSON document, e.g. data.orders; none: the "
          "document's array (or the document as one record).");
  s.boolean("file.json.jsonLines")
      .label("JSON lines")
      .help(
          "One record per line (JSON lines) instead of one JSON document; not with "
          "resourcePath.");
  s.string("file.csv.rowDelimiter")
      .label("Row delimiter")
      .help("Empty: detected from the first line break (CRLF, LF or CR).");
  s.array("file.csv.keyColumns")
      .label("Key columns")
      .help("Consecutive rows with equal values in these columns form one record; docs/files.md.");
  s.boolean("file.csv.disableQuoteAndStripEnclosingQuotes")
      .label("Disable quotes")
      .help("Quotes are text; only quotes around a whole value are stripped.");
  s.enumeration("file.encoding",
                {"utf8", "win1252", "iso88591", "utf-16le", "macroman", "shiftjis", "gb18030"})
      .label("Encoding")
      .default_value("utf8")
      .help("The file's character encoding; a byte order mark wins for the UTF encodings.");
  s.enumeration("file.compressionFormat", {"gzip", "zip"})
      .label("Compression")
      .help("gzip, or zip (each file of the zip is read).");
  // Their insides are checked by the formats library at apply (resources/apply.cpp).
  s.object("file.xml")
      .label("XML")
      .help("resourcePath: the elements that are records, e.g. /orders/order.");
  s.object("file.xlsx")
      .label("XLSX")
      .help("hasHeaderRow, sheet (the sheet's name; none: the first).");
  s.object("file.fileDefinition")
      .label("File definition")
      .help("format fixedwidth (with fields) or x12; docs/files.md.");
  for (const char* path : {"file.decrypt", "file.filter", "file.purgeInternalBackup"}) {
    s.unsupported(path);
  }
  Schema sort_item;
  sort_item.string("field").label("Field").required().help("The field to sort on (a.b: nested).");
  sort_item.boolean("descending")
      .label("Descending")
      .default_value(false)
      .help("true: largest first, empty values last.");
  s.array("file.sortByFields")
      .label("Sort records by fields")
      .items(sort_item)
      .help("The file's records are sorted by these fields, in order; docs/files.md.");
  s.array("file.groupByFields")
      .label("Group records by fields")
      .items(FieldType::kString)
      .help(
          "Consecutive records (after sortByFields) with equal values in these fields are one "
          "record, the array of them; pageSize counts those.");
  s.boolean("file.groupEmptyValues")
      .label("Group empty values")
      .default_value(false)
      .help("true: records whose group fields are all empty are grouped too; false: each alone.");
  return s;
}

Schema import_step() {
  Schema s;
  step_common(s);
  // Checked by their engines at apply (resources/apply.cpp), so their insides are not listed here.
  s.object("inputFilter")
      .label("Input filter")
      .help(
          "Records that do not match skip this import only and go on to the next step; "
          "docs/filters.md, docs/runtime.md.");
  s.array("mappings")
      .items(FieldType::kObject)
      .label("Mappings")
      .help("Mapper 2.0: builds the record this import submits; docs/mappings.md.");
  s.array("lookups")
      .items(FieldType::kObject)
      .label("Lookups")
      .help("Static lookups {name, map, default, allowFailures} the mappings name.");
  s.object("hooks.preMap")
      .label("preMap hook")
      .help(
          "{_scriptId, function}: JavaScript over each page before the mapping, or "
          "{_pluginId, function}: a plugin's native hook; docs/scripts.md.");
  s.object("hooks.postMap")
      .label("postMap hook")
      .help(
          "{_scriptId, function}: JavaScript over each page after the mapping, or {_pluginId, "
          "function}: a plugin's native hook.");
  s.object("hooks.postSubmit")
      .label("postSubmit hook")
      .help(
          "{_scriptId, function}: JavaScript over the destination's responses, or {_pluginId, "
          "function}: a plugin's native hook.");
  s.unsupported("hooks.postAggregate");
  // A file import (docs/files.md, "File imports"): the host writes the records into files
  // (runtime/file_submit_step.hpp) and reads these; its plugin declares the file format's
  // settings (file.type, file.csv, ...) and where the files go.
  s.boolean("file.skipAggregation")
      .label("Skip aggregation")
      .default_value(false)
      .help(
          "false (default): one file per run, holding every record of the run; true: one file "
          "per page of records. The same as file.aggregation.type all or page.");
  s.enumeration("file.aggregation.type", {"all", "page"})
      .label("Aggregation")
      .default_value("all")
      .help(
          "all: one file per run (written to a temporary file as the pages go by, put at the end "
          "of a run that did not fail); page: one file per page of records.");
  s.integer("file.batchSize")
      .label("Records per file")
      .minimum(1)
      .help(
          "With one file per page (skipAggregation true): at most this many records in each "
          "file; a page of more is put as several files.");
  s.unsupported("file.fileName", "the file's name is the connector's setting, e.g. ftp.fileName");
  s.unsupported("file.backupPath", "use the connector's, e.g. ftp.backupDirectoryPath");
  s.unsupported("file.skipRename", "leave ftp.inProgressFileName unset to write the final name");
  for (const char* path : {"file.encrypt", "file.pgp", "file.purgeInternalBackup", "file.delete",
                           "file.directory", "file.backupDirectory", "file.lookups"}) {
    s.unsupported(path);
  }
  s.object("mapping")
      .label("Mapping (1.0)")
      .help("Mapper 1.0: {fields[], lists[]}; docs/mappings.md. Give it or mappings, not both.");
  s.object("settings")
      .label("Settings")
      .help("Any JSON object; filters, mappings and scripts read it as settings.import.");
  // ignoreExisting and ignoreMissing are the connector's to declare, as only it knows which
  // records exist (the HTTP plugin does: docs/http.md); elsewhere they are unknown fields.
  for (const char* path : {"filter", "transform", "responseMapping", "idLockTemplate",
                           "maxAttempts", "blobKeyPath", "deleteAfterImport", "mockResponse"}) {
    s.unsupported(path);
  }
  return s;
}

Schema flow() {
  Schema generator;
  generator.string("_exportId").label("Export").required();
  generator.ignored("setupInProgress");
  generator.string("schedule")
      .label("Schedule override")
      .help(
          "Cron (\"? minute hour dayOfMonth month dayOfWeek\" or 5 fields) on which `sluice "
          "serve` runs this source alone, in the flow's timezone; docs/serve.md, \"Schedules\".");
  for (const char* path : {"skipRetries", "_keepDeltaBehindFlowId", "_keepDeltaBehindExportId"}) {
    generator.unsupported(path);
  }

  Schema processor;
  processor.enumeration("type", {"import", "export"}).label("Step type").required();
  processor.string("_importId").label("Import");
  processor.string("_exportId").label("Lookup").help("An export with isLookup: true.");
  processor.boolean("proceedOnFailure")
      .label("Proceed on failure")
      .help(
          "Records that fail at this step still go on to the later imports (counted once, as "
          "errors); docs/runtime.md, \"proceedOnFailure\".");
  processor.ignored("setupInProgress");
  processor.object("responseMapping")
      .label("Response mapping")
      .help(
          "{fields[{extract, generate}], lists[{generate, fields}]}: the import's response "
          "(id, statusCode, _json.x) merged into the record before the next step; "
          "docs/runtime.md.");
  processor.object("hooks.postResponseMap")
      .label("postResponseMap hook")
      .help(
          "{_scriptId, function}: JavaScript over each page after the response mapping, or "
          "{_pluginId, function}: a plugin's native hook; docs/scripts.md.");

  Schema s;
  s.string("_id").label("Id").required();
  name_and_description(s);
  s.boolean("disabled").label("Disabled").help("A disabled flow does not run.");
  s.array("pageGenerators").label("Sources").items(generator).required();
  s.array("pageProcessors").label("Steps").items(processor);
  common_metadata(s);
  for (const char* path : {"lastExecutedAt", "_flowGroupingId", "free", "draft"}) s.ignored(path);
  Schema branch;
  branch.string("name").label("Branch name").help("Shown by `sluice flow test` and in messages.");
  branch.string("description").label("Description");
  branch.object("inputFilter")
      .label("Branch filter")
      .help(
          "{version, rules}: the records this branch takes (routeRecordsUsing "
          "input_filters); none takes every record. docs/filters.md.");
  branch.array("pageProcessors")
      .label("Branch steps")
      .items(processor)
      .help("As the flow's pageProcessors; none: the branch discards its records (ignored).");
  branch.string("nextRouterId")
      .label("Next router")
      .help("The id of the router the records go to after this branch; none ends the flow.");
  branch.ignored("setupInProgress");
  Schema router;
  router.string("id").label("Router id").help("What nextRouterId names.");
  router.string("_id").label("Router id").help("Same as id.");
  router.string("name").label("Router name");
  router.enumeration("routeRecordsTo", {"first_matching_branch", "all_matching_branches"})
      .label("Route records to")
      .default_value("first_matching_branch");
  router.enumeration("routeRecordsUsing", {"input_filters", "script"})
      .label("Route records using")
      .default_value("input_filters");
  router.string("script._scriptId").label("Routing script");
  router.string("script.function")
      .label("Routing function")
      .help("Gets {record, settings}; returns the indices of the branches to take, e.g. [0, 2].");
  router.array("branches").label("Branches").items(branch).required();
  router.string("nextRouterId")
      .label("Next router")
      .help("The default nextRouterId of its branches.");
  s.array("routers").label("Routers").items(router).help(
      "Branching instead of pageProcessors; routers[0] gets the records. docs/runtime.md.");
  s.object("settings")
      .label("Settings")
      .help("Any JSON object; filters, templates and scripts read it as settings.flow.");
  s.string("schedule")
      .label("Schedule")
      .help(
          "Cron on which `sluice serve` runs the flow: integrator.io's \"? minute hour "
          "dayOfMonth month dayOfWeek\" (e.g. \"? 0 2 ? * *\") or 5-field cron; docs/serve.md, "
          "\"Schedules\".");
  s.string("timezone")
      .label("Time zone")
      .help("IANA name (\"Europe/Berlin\") the schedules are read in; DST-correct. Default UTC.");
  s.array("_runNextFlowIds")
      .label("Run next")
      .items(FieldType::kString)
      .help("Flows `sluice serve` starts after a completed run of this one.");
  for (const char* path :
       {"_runNextExportIds", "skipRetries", "isAbstract", "_abstractFlowId", "overrides",
        "autoResolveMatchingTraceKeys"}) {
    s.unsupported(path);
  }
  return s;
}

// integrator.io's Script: {_id, name, content}. contentFile is Sluice's: `sluice apply` reads
// the code from that file (beside the JSON) into content; the store never holds contentFile.
Schema script() {
  Schema s;
  s.string("_id").label("Id").required();
  s.string("name").label("Name").required().help("Used in every message about the script.");
  s.string("description").label("Description");
  s.string("content").label("Code").help("The JavaScript, inline. Or give contentFile.");
  s.string("contentFile")
      .label("Code file")
      .help("A .js file, relative to the folder of this JSON file, read by sluice apply.");
  common_metadata(s);
  s.unsupported("_stackId", "stacks (hooks served by an HTTP server) are not implemented");
  return s;
}

json::object build(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kConnection:
      return connection().to_json();
    case ResourceKind::kExport:
      return export_step().to_json();
    case ResourceKind::kImport:
      return import_step().to_json();
    case ResourceKind::kFlow:
      return flow().to_json();
    case ResourceKind::kScript:
      return script().to_json();
  }
  return {};
}

// A webhook listener (docs/serve.md "Webhooks"): integrator.io's `webhook{…}` fields. What
// each verification method needs is checked at apply by serve/webhook/settings.hpp.
Schema webhook_export() {
  Schema s = export_step(false, true);
  s.enumeration("webhook.provider", {"custom", "github", "shopify", "stripe", "slack"})
      .label("Provider")
      .default_value("custom")
      .unsupported_values({"travis",    "travis-org",
                           "dropbox",   "onfleet",
                           "helpscout", "errorception",
                           "box",       "aha",
                           "jira",      "pagerduty",
                           "postmark",  "mailchimp",
                           "intercom",  "activecampaign",
                           "segment",   "recurly",
                           "shipwire",  "surveymonkey",
                           "parseur",   "mailparser-io",
                           "hubspot",   "integrator-extension",
                           "sapariba",  "happyreturns",
                           "typeform"})
      .help(
          "A preset of the verification (github, shopify, stripe, slack: set only key), or "
          "custom: verify and its fields.");
  s.enumeration("webhook.verify", {"token", "hmac", "basic", "secret_url"})
      .label("Verification")
      .help("How each request is verified; a request that fails gets 401.");
  s.string("webhook.token").label("Token").secret().help("token and secret_url: the shared token.");
  s.enumeration("webhook.tokenLocation", {"body", "header", "queryParam"})
      .label("Token location")
      .default_value("body");
  s.string("webhook.path").label("Token path").help("tokenLocation body: the dotted path.");
  s.string("webhook.tokenHeaderName").label("Token header");
  s.enumeration("webhook.tokenHeaderScheme", {"bearer", "custom", "none"})
      .label("Token scheme")
      .default_value("bearer");
  s.string("webhook.customTokenScheme").label("Custom scheme");
  s.string("webhook.tokenQueryParamName").label("Token query parameter");
  s.string("webhook.key").label("HMAC key").secret().help("hmac and the presets: the secret.");
  s.enumeration("webhook.algorithm", {"sha1", "sha256", "sha384", "sha512"})
      .label("HMAC algorithm")
      .default_value("sha256");
  s.enumeration("webhook.encoding", {"hex", "base64"}).label("HMAC encoding").default_value("hex");
  s.string("webhook.header").label("HMAC header");
  s.string("webhook.username").label("Username");
  s.string("webhook.password").label("Password").secret();
  s.enumeration("webhook.requestMediaType", {"json", "xml", "urlencoded", "plaintext"})
      .label("Request media type")
      .unsupported_values({"csv"})
      .help("How bodies are read; absent: by their Content-Type.");
  s.string("webhook.pathToRecords")
      .label("Path to records")
      .help("The dotted path to the records in the payload; absent: the whole payload.");
  s.unsupported("webhook.includeParentData");
  s.integer("webhook.successStatusCode")
      .label("Success status")
      .minimum(200)
      .maximum(299)
      .default_value(204);
  s.string("webhook.successBody").label("Success body").help("Handlebars over the request.");
  s.enumeration("webhook.successMediaType", {"json", "xml", "plaintext"})
      .label("Success media type")
      .default_value("json");
  s.array("webhook.successResponseHeaders").label("Success headers").help("[{name, value}]");
  s.integer("webhook.challengeSuccessStatusCode")
      .label("Challenge status")
      .minimum(200)
      .maximum(299)
      .default_value(200);
  s.string("webhook.challengeSuccessBody")
      .label("Challenge body")
      .help("Handlebars over the request, e.g. {{hub.challenge}}.");
  s.enumeration("webhook.challengeSuccessMediaType", {"json", "xml", "plaintext"})
      .label("Challenge media type")
      .default_value("json");
  s.array("webhook.challengeResponseHeaders").label("Challenge headers").help("[{name, value}]");
  s.ignored("webhook._httpConnectorId");
  return s;
}

}  // namespace

const json::object& host_schema(ResourceKind kind) {
  static const json::object schemas[] = {build(ResourceKind::kConnection),
                                         build(ResourceKind::kExport), build(ResourceKind::kImport),
                                         build(ResourceKind::kFlow), build(ResourceKind::kScript)};
  return schemas[static_cast<size_t>(kind)];
}

const json::object& simple_export_schema() {
  static const json::object schema = simple_export().to_json();
  return schema;
}

const json::object& webhook_export_schema() {
  static const json::object schema = webhook_export().to_json();
  return schema;
}

namespace {

bool is_unsupported(const json::value& schema) {
  const json::object* o = schema.if_object();
  const json::value* flag = o != nullptr ? o->if_contains("x-sluice-unsupported") : nullptr;
  return flag != nullptr && flag->is_bool() && flag->as_bool();
}

// Adds `plugin`'s properties to `host`'s: a property only one declares is taken as it is; one
// both declare as objects is merged the same way, level by level (the host's `file` object of
// imports, holding its aggregation keys, and a file plugin's `file.type`, `file.csv`, ...);
// otherwise the host's wins, unless the host only marks it "not supported yet" and the plugin
// implements it.
void merge_properties(json::object& host, const json::object& plugin) {
  auto* from = plugin.if_contains("properties");
  if (from == nullptr || !from->is_object()) return;
  json::value& into = host["properties"];
  if (!into.is_object()) into = json::object();
  for (const auto& [name, schema] : from->as_object()) {
    json::value* mine = into.as_object().if_contains(name);
    if (mine == nullptr || (is_unsupported(*mine) && !is_unsupported(schema))) {
      into.as_object()[name] = schema;
    } else if (mine->is_object() && schema.is_object() &&
               mine->as_object().contains("properties") &&
               schema.as_object().contains("properties")) {
      merge_properties(mine->as_object(), schema.as_object());
    }
  }
}

}  // namespace

json::object merge_schemas(const json::object& host, const json::object& plugin) {
  json::object out = host;
  merge_properties(out, plugin);
  if (auto* r = plugin.if_contains("required"); r && r->is_array()) {
    json::value& required = out["required"];
    if (!required.is_array()) required = json::array();
    for (const auto& name : r->as_array()) {
      auto& list = required.as_array();
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  }
  return out;
}

}  // namespace sluice::host
