// Response mapping: what a lookup or an import answered, merged back into the record before the
// next processor (integrator.io's `responseMapping` on a flow's processor entry, in
// Transformation 1.0 syntax):
//
//   auto mapping = ResponseMapping::compile(entry.at("responseMapping"),
//                                           "flows/f.json: pageProcessors[1].responseMapping");
//   if (!mapping) return mapping.error();   // "...responseMapping.fields[0].generate: missing;
//   ..."
//   // per record, after the lookup answered {data: [...], errors: [...]}:
//   if (auto ok = mapping->apply(record, response); !ok) fail_record(record, ok.error());
//
// `fields` are {extract, generate}: extract is a path into the response — a lookup's
// {data: [...], errors: [...]} (`data[0].name`, `data.length`) or an import's {statusCode, id,
// ignored, errors, _json} (`id`, `_json.result.id`) — and generate a path in the record, where
// the value is set (creating objects on the way). `lists` are {generate, fields}: the array at
// `generate` in the record gets one element per element of the response's `data`, each built
// from its fields (extracts relative to the element). The record keeps every field the mapping
// does not set; an extract that finds nothing sets nothing. docs/mappings.md, "Response mapping".
//
// Immutable after compile; apply may run from several threads at once.
#pragma once

#include <memory>
#include <string_view>

#include <boost/json/value.hpp>

#include "sluice/result.hpp"

namespace sluice::mapper {

namespace detail {
struct ResponseProgram;
}

class ResponseMapping {
 public:
  // `doc` is {fields: [...], lists: [...]} (both optional); `json_path` starts every error
  // message: "PATH.fields[0].extract: missing; expected a path into the response".
  static Result<ResponseMapping> compile(const boost::json::value& doc, std::string_view json_path);

  // Sets the mapped values of `response` in `record` (which must be an object; new values are
  // allocated from its storage). An Error (kInvalidConfig) concerns this record only.
  Result<void> apply(boost::json::value& record, const boost::json::value& response) const;

  // True when the mapping has no fields and no lists (apply changes nothing).
  bool empty() const noexcept;

 private:
  ResponseMapping() = default;

  std::shared_ptr<const detail::ResponseProgram> program_;
};

}  // namespace sluice::mapper
