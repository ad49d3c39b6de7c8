// One mapping engine for integrator.io's Transformation 1.0 (`rules`), Transformation 2.0 /
// Mapper 2.0 (`rulesTwoDotZero`, `mappings[]`, `lookups[]`), Mapper 1.0 import mappings
// (`mapping.fields[]`, `mapping.lists[]`) and script transforms (response mappings:
// response_mapping.hpp). A document is
// compiled once — paths, templates, lookups, date formats and data types are checked and
// prepared — and then applied to each record with no parsing of the mapping:
//
//   auto mapper = sluice::mapper::Mapper::compile(export_doc.at("transform"), "transform");
//   if (!mapper) return mapper.error();   // "transform.expression.rules[0][1].extract: ..."
//   for (auto& record : page) {
//     auto mapped = mapper->apply(record, context);
//     if (!mapped) fail_record(record, mapped.error());   // "field total: cannot convert ..."
//     else record = std::move(*mapped);
//   }
//
// docs/mappings.md is the integrator's guide to every construct. A Mapper is immutable after
// compile and may be applied from several threads at once; copies share the compiled program.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/template/helper.hpp"

namespace sluice::mapper {

namespace detail {
struct Program;
}

// For import mappings (issue 9): whether the destination record is being created or updated;
// conditional.when record_created / record_updated read it.
enum class Operation { kNone, kCreate, kUpdate };

// Where a mapping is used: a transform (exports) or an import mapping. The import-only
// conditions (record_created, record_updated) compile only for kImport.
enum class Target { kTransform, kImport };

enum class Mode { kCreate, kModify };

// What the `$` of a Mapper 2.0 JSON path is (integrator.io's "input context"): the record, or
// the envelope {record, settings, ...MapContext::extra} (e.g. $.record.id, $.settings.flow.x,
// $.job.type). Templates see the same {record, settings, ...} in both.
enum class InputContext { kRecord, kEnvelope };

// What a record is mapped with besides the record itself. Pointers are borrowed for the call.
struct MapContext {
  // What templates see as `settings`, e.g. {"flow": {...}, "export": {...}, "integration": {...}};
  // nullptr: no settings.
  const boost::json::value* settings = nullptr;
  // More names templates see beside `record` and `settings` (e.g. "job", "connection").
  const boost::json::object* extra = nullptr;
  Operation operation = Operation::kNone;
  // Time zone and clock for date helpers in templates; nullptr: UTC and now.
  const support::tmpl::HelperEnv* env = nullptr;
};

// A script transform: the step runs `function` of Script `script_id` with the record.
struct ScriptRef {
  std::string script_id;
  std::string function;
};

class Mapper {
 public:
  enum class Kind { kRules, kMappings, kMappingV1, kScript };

  // Compiles a `transform` document ({type: "expression", expression: {version: "1", rules} or
  // {version: "2", rulesTwoDotZero}} or {type: "script", script: {_scriptId, function}}).
  // `json_path` is where the document sits (e.g. "transform", or "exports/x.json: transform")
  // and starts every error message: "PATH.expression.rules[0][2].generate: found 3 (a number),
  // expected a string". Every field must be known; one integrator.io has but Sluice does not do
  // yet (dynamic lookups) is refused with "not supported yet".
  static Result<Mapper> compile(const boost::json::value& transform_doc,
                                std::string_view json_path);

  // Compiles Mapper 2.0 `mappings` (an array) with `lookups` (an array or nullptr) as an import
  // mapping or a transform would; errors start with `json_path` ("mappings[0]..."), those of
  // the lookups with its sibling ("imports/x.json: mappings" → "imports/x.json: lookups").
  static Result<Mapper> compile_mappings(const boost::json::value& mappings,
                                         const boost::json::value* lookups, Mode mode,
                                         std::string_view json_path, Target target,
                                         InputContext input = InputContext::kRecord);

  // Compiles a Mapper 1.0 import mapping, `mapping` = {fields: [...], lists: [...]} with the
  // import's static `lookups` (an array or nullptr; its errors name the sibling of the last
  // segment of `json_path`: "mapping" → "lookups", "imports/x.json: mapping" → "imports/x.json:
  // lookups"). Fields: {extract | hardCodedValue, generate, dataType, lookupName, discardIfEmpty,
  // immutable, conditional: {when, lookupName}, extractDateFormat, extractDateTimezone,
  // generateDateFormat, generateDateTimezone}; lists: {generate, jsonPath, fields}. The output
  // holds only the mapped fields (a mapping with neither fields nor lists passes the record as
  // it is). docs/mappings.md, "Mapper 1.0", has the exact rules.
  static Result<Mapper> compile_mapping_v1(const boost::json::value& mapping,
                                           const boost::json::value* lookups,
                                           std::string_view json_path);

  // The record `record` mapped, allocated from `out` (default: the default resource). An Error
  // (kInvalidConfig) concerns this record only and names the field (the generate path), the
  // value and the data type: "field total: cannot convert \"12,5x\" to number"; its `details`
  // hold {"field", "value", "dataType", "mapping"} (mapping: the JSON path of the rule). A
  // script transform cannot be applied here (kUnsupported): the step runs it in the script
  // engine.
  Result<boost::json::value> apply(const boost::json::value& record, const MapContext& context,
                                   boost::json::storage_ptr out = {}) const;

  Kind kind() const noexcept;
  // The script to call when kind() is kScript, else nullptr.
  const ScriptRef* script() const noexcept;
  // True when some extract is a handlebars template (apply then builds the template context).
  bool uses_templates() const noexcept;

 private:
  Mapper() = default;  // only compile and compile_mappings make one

  std::shared_ptr<const detail::Program> program_;
};

}  // namespace sluice::mapper
