// ResponseMapping: compiled from the Mapper 1.0 pieces (mapping_v1.hpp) in their response form.
#include "mapper/response_mapping.hpp"

#include <boost/json.hpp>

#include "mapper/mapping_v1.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper {

namespace detail {
struct ResponseProgram {
  std::vector<FieldV1> fields;
  std::vector<ListV1> lists;
};
}  // namespace detail

Result<ResponseMapping> ResponseMapping::compile(const boost::json::value& doc,
                                                 std::string_view json_path) {
  const std::string path(json_path);
  auto object = detail::as_object(doc, path);
  if (!object) return object.error();
  if (auto ok = detail::check_fields(**object, path, {"fields", "lists"}); !ok) return ok.error();
  auto program = std::make_shared<detail::ResponseProgram>();
  const std::vector<detail::Lookup> no_lookups;
  if (const boost::json::value* fields = object.value()->if_contains("fields"))
    if (auto ok = detail::compile_fields_v1(*fields, detail::child(path, "fields"), no_lookups,
                                            detail::FieldsOf::kResponse, program->fields, nullptr);
        !ok)
      return ok.error();
  if (const boost::json::value* lists = object.value()->if_contains("lists"))
    if (auto ok = detail::compile_lists_v1(*lists, detail::child(path, "lists"), no_lookups,
                                           detail::FieldsOf::kResponse, program->lists);
        !ok)
      return ok.error();
  ResponseMapping mapping;
  mapping.program_ = std::move(program);
  return mapping;
}

Result<void> ResponseMapping::apply(boost::json::value& record,
                                    const boost::json::value& response) const {
  if (!record.is_object())
    return make_error(Status::kInvalidConfig,
                      "the record is " + detail::found(record) +
                          ", not an object; a response mapping sets fields of an object record");
  return detail::apply_v1(program_->fields, program_->lists, response, record, MapContext{});
}

bool ResponseMapping::empty() const noexcept {
  return program_->fields.empty() && program_->lists.empty();
}

}  // namespace sluice::mapper
