// Helpers shared by the compilers (compile.cpp, mapping_v1.cpp, response_mapping.cpp) and the
// appliers of the mapper: config errors that name the JSON path, field checks, static lookups
// and writing a value at a Transformation 1.0 path. Internal to sluice_mapper.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "mapper/path.hpp"
#include "mapper/program.hpp"
#include "sluice/result.hpp"

namespace sluice::mapper::detail {

// "PATH: WHAT" as a kInvalidConfig error.
Error config_error(std::string_view path, std::string_view what);
// "PATH.KEY" and "PATH[I]".
std::string child(std::string_view path, std::string_view key);
std::string index(std::string_view path, std::size_t i);
// `path` with its last segment replaced by `name`: "mapping" → "lookups", "x.json: a.mappings"
// → "x.json: a.lookups".
std::string sibling(std::string_view path, std::string_view name);
// "12 (a number)", "\"x\" (a string)", "an object", "an array", "null".
std::string found(const boost::json::value& value);
// "PATH: found FOUND, expected WHAT".
Error expected(std::string_view path, const boost::json::value& value, std::string_view what);
// Refuses a field of `object` that is not in `known`; one in `unsupported` gets "not supported
// yet".
Result<void> check_fields(const boost::json::object& object, std::string_view path,
                          std::initializer_list<std::string_view> known,
                          std::initializer_list<std::string_view> unsupported = {});
Result<const boost::json::object*> as_object(const boost::json::value& value,
                                             std::string_view path);
// The string at `key`, nullopt when absent; an error when it is not a string.
Result<std::optional<std::string_view>> optional_string(const boost::json::object& object,
                                                        std::string_view key,
                                                        std::string_view path);
// The non-empty string at `key`; "missing; expected WHAT" otherwise.
Result<std::string_view> required_string(const boost::json::object& object, std::string_view key,
                                         std::string_view path, std::string_view what);
// The bool at `key`, `fallback` when absent.
Result<bool> optional_bool(const boost::json::object& object, std::string_view key,
                           std::string_view path, bool fallback = false);

// Static lookups `[{name, map, default, allowFailures}]` at `path` (nullptr: none), appended to
// `out` (reserved first, so pointers into it stay valid).
Result<void> compile_lookups(const boost::json::value* lookups, const std::string& path,
                             std::vector<Lookup>& out);
// The lookup of `lookups` called `name`, or a config error at `path` listing the names.
Result<const Lookup*> find_lookup(const std::vector<Lookup>& lookups, std::string_view name,
                                  std::string_view path);

// A value quoted for a message, cut at 80 characters.
std::string quoted(const boost::json::value& value);
// Missing, null, "" or [].
bool is_empty(const boost::json::value* value) noexcept;

// Sets `value` at `steps` inside `root`, creating objects and arrays on the way; a [*] step is
// element `slot`.
void set_path(boost::json::value& root, const std::vector<Path::Step>& steps,
              boost::json::value value, std::size_t slot);

}  // namespace sluice::mapper::detail
