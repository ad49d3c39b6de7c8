#include "plugins/plugin_id.hpp"

#include <fmt/format.h>

namespace sluice::host {

namespace {

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_id_char(char c) { return is_lower_or_digit(c) || c == '.' || c == '_' || c == '-'; }

std::string what_is_wrong(std::string_view id) {
  if (id.empty()) return "it is empty";
  if (id.size() > kMaxPluginIdLength) {
    return fmt::format("it is {} characters long, the limit is {}", id.size(), kMaxPluginIdLength);
  }
  if (id == "." || id == "..") return "it would name a folder outside the plugin's own";
  for (char c : id) {
    if (c == '/') return "it contains '/'";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "it contains a control character";
    if (c >= 'A' && c <= 'Z') return "it contains an upper-case letter";
    if (!is_id_char(c))
      return fmt::format("it contains {}", quote_plugin_id(std::string_view(&c, 1)));
  }
  return "it must start with a lowercase letter or a digit";
}

}  // namespace

bool is_valid_plugin_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxPluginIdLength || !is_lower_or_digit(id.front())) return false;
  for (char c : id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::string quote_plugin_id(std::string_view id) {
  constexpr size_t kShown = 80;
  std::string out = "'";
  for (size_t i = 0; i < id.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += id.size() > kShown ? "'…" : "'";
  return out;
}

Result<void> check_plugin_id(std::string_view id, std::string_view where) {
  if (is_valid_plugin_id(id)) return {};
  return make_error(Status::kInvalidConfig,
                    fmt::format("{}: expected a plugin id matching {}, found {} ({})", where,
                                kPluginIdPattern, quote_plugin_id(id), what_is_wrong(id)));
}

}  // namespace sluice::host
