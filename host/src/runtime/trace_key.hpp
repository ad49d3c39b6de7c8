// A step's trace key (integrator.io's traceKeyTemplate): the text that names one record of a
// source application across jobs, so that when a record that failed at a step later succeeds
// there, its open error is resolved (auto-resolve, docs/errors.md). The template is Handlebars
// (sluice/support/template.hpp) rendered with {"record": RECORD}, e.g. "{{record.id}}"; without
// a template, or when it renders empty or fails, the key is the record's "_id", else its "id"
// (a string, or a number as its JSON text), else empty (no key: never auto-resolved).
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sluice/result.hpp"
#include "sluice/support/template.hpp"

namespace sluice::runtime {

class TraceKey {
 public:
  // The trace key of a step whose document is `step_doc` (an export or import): its
  // "traceKeyTemplate" when it is a non-empty string. A template that does not parse is an
  // Error (kInvalidConfig) naming `where` and the line and column.
  static Result<TraceKey> of_step(const boost::json::object& step_doc, std::string_view where);
  // The key of the records of a step without a template: their ids.
  TraceKey() = default;

  std::string of(const boost::json::value& record) const;
  bool has_template() const noexcept { return template_.has_value(); }

 private:
  std::optional<support::Template> template_;
};

// The record's "_id", else its "id" (string, or a number's JSON text), else empty.
std::string record_id_key(const boost::json::value& record);

}  // namespace sluice::runtime
