// The host's own schema for each resource kind: the common fields of connections, exports,
// imports and flows in integrator.io's shape (`_id`, `name`, `_connectionId`, `pageSize`,
// `pageGenerators[]`, ...), the integrator.io metadata Sluice stores but does not act on
// (`lastModified`, `_integrationId`, ...) and the integrator.io fields it does not implement yet
// (`transform`, `hooks`, `schedule`, ...). docs/resources.md lists the same; a test keeps them
// in step.
#pragma once

#include <boost/json/object.hpp>

#include "store/store.hpp"

namespace sluice::host {

// Bounds of an export's pageSize (records per page). integrator.io's default is 20 and a page
// may not exceed 5 MB; it states no maximum count, so 10000 keeps a page of small records
// under that cap.
inline constexpr int64_t kMinPageSize = 1;
inline constexpr int64_t kMaxPageSize = 10000;
// An export without pageSize: the schema shows it and the runtime uses it.
inline constexpr int64_t kDefaultPageSize = 20;

// The JSON Schema (the subset validate_against_schema reads) of `kind`'s common fields, with
// closed objects.
const boost::json::object& host_schema(ResourceKind kind);

// The data loader's export (integrator.io's adaptorType "SimpleExport"): no connection; its file
// comes with `sluice flow run ID --data FILE`. simple_export_schema() is the whole of its
// document: the export's common fields and the `file` settings the host reads it with
// (docs/files.md, "Data loader").
inline constexpr const char kSimpleExportAdaptor[] = "SimpleExport";
const boost::json::object& simple_export_schema();
// A webhook listener: no connection, its `webhook{…}` settings (docs/serve.md "Webhooks").
inline constexpr const char kWebhookExportAdaptor[] = "WebhookExport";
const boost::json::object& webhook_export_schema();

// `host` with the properties (and root "required") of `plugin` added. Where both declare a
// property as an object with properties, the two are merged the same way, level by level (an
// import's `file`: the host's aggregation keys beside a file plugin's format settings); otherwise
// the host's wins, unless the host only marks it "not supported yet" and the plugin declares it.
// The result validates a whole document of that kind.
boost::json::object merge_schemas(const boost::json::object& host,
                                  const boost::json::object& plugin);

}  // namespace sluice::host
