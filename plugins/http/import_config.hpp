// An HTTP import's request and response settings, read and checked once when the import is
// opened: one Operation per request type (integrator.io's composite create/update), which one
// each record takes, and which records are ignored instead of sent.
//
// Single form: http.method, http.relativeURI, http.body are strings and there is one Operation.
// Composite form: http.requestType [CREATE, UPDATE] (either order; or one of them) with
// http.method, http.relativeURI, http.body and the http.response paths each either one value
// (used for every request type) or an array with one entry per request type, in the same order.
// With both CREATE and UPDATE, http.existingExtract names the record field whose value means the
// record exists: UPDATE for it, CREATE otherwise.
//
// ignoreExisting / ignoreMissing (import level, as integrator.io has them) ignore a record whose
// http.ignoreExtract (else http.existingExtract) field has a value / has none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/template.hpp"
#include "template_context.hpp"

namespace sluice::plugins::http {

// How one request type's responses are read (http.response.*).
struct ResponseRules {
  std::string resource_path;
  std::string id_path;
  std::string success_path;
  std::vector<std::string> success_values;
  std::string fail_path;
  std::vector<std::string> fail_values;
  std::string error_path;

  // Some setting needs the response as JSON result items.
  bool wants_items() const noexcept {
    return !resource_path.empty() || !id_path.empty() || !success_path.empty() ||
           !fail_path.empty();
  }
};

struct Operation {
  std::string request_type;  // "CREATE" or "UPDATE"; empty without http.requestType
  std::string method;
  support::Template relative_uri;
  std::optional<support::Template> body;
  ResponseRules response;
};

class ImportPlan {
 public:
  // Reads and checks the import's settings. kInvalidConfig naming the JSON path (with the array
  // index: "http.method[1]") for a bad value, inconsistent arrays, a composite import without
  // http.existingExtract, an ignore setting without the field it needs, or a template using a
  // variable `use` does not have.
  static Result<ImportPlan> read(const boost::json::object& import_doc, const TemplateUse& use);

  const std::vector<Operation>& operations() const noexcept { return operations_; }
  // The operation `record` takes (an index into operations()), or nullopt when the record is to
  // be ignored (ignoreExisting / ignoreMissing). Thread-safe (reads only).
  std::optional<size_t> operation_for(const boost::json::value& record) const;
  // Whether records are only ever sent with operations()[0] (no choice, nothing ignored).
  bool single() const noexcept {
    return operations_.size() == 1 && !ignore_existing_ && !ignore_missing_;
  }
  bool ignore_empty_nodes() const noexcept { return ignore_empty_nodes_; }
  bool strict() const noexcept { return strict_; }

 private:
  std::vector<Operation> operations_;
  std::string existing_extract_;
  std::string ignore_extract_;
  std::optional<size_t> update_;  // the UPDATE operation when there are two
  bool ignore_existing_ = false;
  bool ignore_missing_ = false;
  bool ignore_empty_nodes_ = false;
  bool strict_ = false;
};

// True when `value` is present and neither null nor an empty string: the record "has" it.
bool has_value(const boost::json::value* value) noexcept;

// Removes from `value`, recursively, every member and element that is null, an empty string,
// an empty array or an empty object (also those left empty by the removal); `value` itself
// stays (integrator.io's ignoreEmptyNodes).
void drop_empty_nodes(boost::json::value& value);

}  // namespace sluice::plugins::http
