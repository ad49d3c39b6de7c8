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

}  // namespace

const Helper* find_helper(std::string_view name) noexcept {
  const auto& t = table();
  const auto it = t.find(name);
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace sluice::support::tmpl
