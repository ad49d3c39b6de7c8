#include <string_view>
#include <unordered_map>

#include "helper_table.hpp"

namespace sluice::support::tmpl {

namespace {

const HelperTable& table() {
  static const HelperTable instance = [] {
    HelperTable t;
    add_array_helpers(t);
    add_auth_helpers(t);
    add_block_helpers(t);
    add_date_helpers(t);
    add_encoding_helpers(t);
    add_format_helpers(t);
    add_math_helpers(t);
    add_regex_helpers(t);
    add_string_helpers(t);
    add_type_logic_helpers(t);
    return t;
  }();
  return instance;
}

// The table hashed by name: every helper call looks its name up, and a map's string compares
// showed in the template benchmark. The views point into the table's keys, which never move.
const std::unordered_map<std::string_view, const Helper*>& index() {
  static const auto instance = [] {
    std::unordered_map<std::string_view, const Helper*> by_name;
    for (const auto& [name, helper] : table()) by_name.emplace(name, &helper);
    return by_name;
  }();
  return instance;
}

}  // namespace

const Helper* find_helper(std::string_view name) noexcept {
  const auto& i = index();
  const auto it = i.find(name);
  return it == i.end() ? nullptr : it->second;
}

}  // namespace sluice::support::tmpl
