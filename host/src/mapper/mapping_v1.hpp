// Mapper 1.0 fields and lists (mapping.fields[], mapping.lists[]), compiled and applied; the
// response mapping (response_mapping.hpp) is built from the same pieces. Internal to
// sluice_mapper.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "mapper/mapper.hpp"
#include "mapper/program.hpp"
#include "sluice/result.hpp"

namespace sluice::mapper::detail {

// What a field or list may hold: an import mapping's (every Mapper 1.0 setting) or a response
// mapping's ({extract, generate} only; an extract that finds nothing sets nothing).
enum class FieldsOf { kImport, kResponse };

// `fields` (an array) at `path`, appended to `out`. `lookups` are the import's static lookups.
// Inside a list (`list` not nullptr) extracts with [*] are relative to the list's array, which
// they set (or must agree with) in list->source; response lists' plain extracts read each
// element of `data`.
Result<void> compile_fields_v1(const boost::json::value& fields, const std::string& path,
                               const std::vector<Lookup>& lookups, FieldsOf of,
                               std::vector<FieldV1>& out, ListV1* list);
// `lists` (an array) at `path`, appended to `out`.
Result<void> compile_lists_v1(const boost::json::value& lists, const std::string& path,
                              const std::vector<Lookup>& lookups, FieldsOf of,
                              std::vector<ListV1>& out);

// Applies `fields` then `lists` reading `source` and writing into `out` (made an object when it
// is not one), allocating from out's storage. An Error concerns this record only and names the
// field, the value and the data type.
Result<void> apply_v1(const std::vector<FieldV1>& fields, const std::vector<ListV1>& lists,
                      const boost::json::value& source, boost::json::value& out,
                      const MapContext& context);

}  // namespace sluice::mapper::detail
