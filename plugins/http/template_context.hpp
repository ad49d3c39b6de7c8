// The variables the HTTP plugin's templates render against, with integrator.io's names
// (docs/templates.md, "Context variables"), and which setting may use which of them.
//
//   connection              the connection resource ({"_id", "name", "type", "http": {...}}); its
//   secrets
//                           (http.auth.basic.password, http.auth.token.token) only in headers
//   settings, job           an export's run context: {"flow":..,"export":..}, {"_id","type"}
//   lastExportDateTime,     an export's run context (ISO 8601; lastExportDateTime null on an
//   currentExportDateTime   `all` export's runs, the host-given start on a delta's first run)
//   export.http.paging.page|skip|token   the page number, the offset (first skip + records
//                           exported before this page) and, with token paging, the token
//   previous_page.full_response|last_record|headers   the previous response of this export
//   record                  one record: an import with http.batchSize 1, http.once, a lookup
//   batch_of_records        [{"record": ...}, ...]: an import's batch (also with batch size 1)
//
// check_variables refuses, when the export or import is opened, a template that names a
// variable its setting does not have, so that it never renders empty in silence.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/connector.hpp"
#include "sluice/result.hpp"
#include "sluice/support/http/message.hpp"
#include "sluice/support/template.hpp"

namespace sluice::plugins::http {

// Where a template is used.
enum class Site {
  kExportRequest,  // an export's http.relativeURI and http.body
  kOnceRequest,    // http.once.relativeURI and http.once.body: one record
  kImportRecord,   // an import's http.relativeURI and http.body with http.batchSize 1
  kImportBatch,    // the same with a larger batch size
  kLookupRequest,  // a lookup's (isLookup: true) http.relativeURI, http.body: one record
};

struct TemplateUse {
  Site site = Site::kExportRequest;
  bool header = false;  // a value of http.headers: may use the connection's secrets
  int64_t batch_size = 1;
};

// The connection's settings as templates see them: `open` without its secrets, `with_secrets`
// whole (for headers). Both the connection resource as the plugin got it.
struct ConnectionVariables {
  boost::json::value open;
  boost::json::value with_secrets;

  static ConnectionVariables from(const boost::json::object& connection_doc);
};

// The dotted paths (below "connection.") of the connection's secret settings.
const std::vector<std::string>& connection_secret_paths();

// kInvalidConfig naming the template's setting, the variable and what to do, when `t` uses a
// variable `use` does not provide.
Result<void> check_variables(const support::Template& t, const TemplateUse& use);

// The variables of an export's requests that stay the same for the whole run: settings, job,
// lastExportDateTime, currentExportDateTime (from `run`, which may be null: a 1.0 host) and
// export.http.paging {page, skip} set to 0.
boost::json::object export_variables(const RunContext* run);

// http.headers whose values are templates ("http.headers.N.value"), rendered per request.
class HeaderTemplates {
 public:
  // Parses each value and checks its variables for `use` (header = true). `setting` is the
  // headers' JSON path, e.g. "http.headers".
  static Result<HeaderTemplates> parse(const support::http::Headers& headers,
                                       const std::string& setting, TemplateUse use);

  // Appends every header, its value rendered raw (no escaping: a header value is not a URI or
  // a body) against `context` with `options` (its escape is ignored).
  Result<void> render(support::http::Headers& out, const boost::json::value& context,
                      support::RenderOptions options) const;

  // True when some value uses `name` (template_context.hpp's uses()).
  bool any_uses(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, support::Template>> headers_;
};

// The template uses `name` (a top-level variable), directly or below it.
inline bool uses(const support::Template& t, std::string_view name) {
  return t.references_under(name);
}

}  // namespace sluice::plugins::http
