// The table find_helper() reads: each category file adds its helpers to it once, at first use.
#pragma once

#include <map>
#include <string>

#include "sluice/support/template/helper.hpp"

namespace sluice::support::tmpl {

using HelperTable = std::map<std::string, Helper, std::less<>>;

void add_array_helpers(HelperTable& table);
void add_auth_helpers(HelperTable& table);
void add_block_helpers(HelperTable& table);
void add_date_helpers(HelperTable& table);
void add_encoding_helpers(HelperTable& table);
void add_format_helpers(HelperTable& table);
void add_math_helpers(HelperTable& table);
void add_regex_helpers(HelperTable& table);
void add_string_helpers(HelperTable& table);
void add_type_logic_helpers(HelperTable& table);

}  // namespace sluice::support::tmpl
