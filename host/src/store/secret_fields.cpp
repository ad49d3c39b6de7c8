#include "store/secret_fields.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "sluice/json_path.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

std::string child_path(std::string_view parent, std::string_view part) {
  return parent.empty() ? std::string(part) : fmt::format("{}.{}", parent, part);
}

// Calls `visit(marker, path)` for every marker in `node`; stops at the first Error.
template <class Visit>
Result<void> for_each_marker(json::value& node, const std::string& path, Visit& visit) {
  if (is_secret_marker(node)) return visit(node, path);
  if (auto* object = node.if_object()) {
    for (auto& [key, child] : *object) {
      if (auto done = for_each_marker(child, child_path(path, key), visit); !done) return done;
    }
  } else if (auto* array = node.if_array()) {
    for (size_t i = 0; i < array->size(); ++i) {
      auto done = for_each_marker((*array)[i], child_path(path, std::to_string(i)), visit);
      if (!done) return done;
    }
  }
  return {};
}

}  // namespace

bool is_secret_marker(const json::value& value) noexcept {
  const auto* object = value.if_object();
  if (object == nullptr || object->size() != 1) return false;
  const json::value* sealed = object->if_contains(kSecretMarkerKey);
  return sealed != nullptr && sealed->is_string();
}

Result<void> seal_secret_fields(json::value& doc, const std::vector<std::string>& paths,
                                const json::value& stored, const SecretBox& box,
                                std::string_view where) {
  for (const std::string& path : paths) {
    if (path.empty()) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("{}: an empty secret path would encrypt the whole document — "
                                    "fix the plugin schema's secret fields",
                                    where));
    }
    json::value* value = find_path(doc, path);
    if (value == nullptr) continue;
    if (const auto* text = value->if_string(); text != nullptr && *text == kMaskedSecretText) {
      const json::value* kept = find_path(stored, path);
      if (kept == nullptr || !is_secret_marker(*kept)) {
        return make_error(Status::kInvalidConfig,
                          fmt::format("{}: secret field {} is \"{}\" (a masked value) but no "
                                      "secret is stored for it — supply the real value",
                                      where, path, kMaskedSecretText));
      }
      *value = *kept;
      continue;
    }
    auto sealed = box.seal(json::serialize(*value));
    if (!sealed) return sealed.error();
    json::object marker;
    marker[kSecretMarkerKey] = std::move(*sealed);
    *value = std::move(marker);
  }
  return {};
}

void mask_secret_fields(json::value& doc) {
  auto mask = [](json::value& marker, const std::string&) -> Result<void> {
    marker = kMaskedSecretText;
    return {};
  };
  (void)for_each_marker(doc, std::string(), mask);
}

Result<void> reveal_secret_fields(json::value& doc, const SecretBox& box, std::string_view where) {
  auto reveal = [&](json::value& marker, const std::string& path) -> Result<void> {
    auto plaintext = box.open(marker.get_object().at(kSecretMarkerKey).get_string());
    if (!plaintext) {
      Error error = plaintext.error();
      error.message = fmt::format("{}: secret field {}: {}", where, path, error.message);
      return error;
    }
    boost::system::error_code ec;
    json::value value = json::parse(*plaintext, ec);
    if (ec) {
      return make_error(Status::kInternal,
                        fmt::format("{}: secret field {} is damaged (not JSON after decryption) — "
                                    "re-apply the resource with its secret values",
                                    where, path));
    }
    marker = std::move(value);
    return {};
  };
  return for_each_marker(doc, std::string(), reveal);
}

}  // namespace sluice::host
