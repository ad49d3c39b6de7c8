#include "store/secret_fields.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>

#include <boost/json.hpp>

#include "secrets/redactor.hpp"
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

std::string secret_binding(std::string_view where, std::string_view path) {
  // Length-prefixed, so no id and path can be confused with another pair.
  return fmt::format("sluice-secret-v2 {}:{}{}", where.size(), where, path);
}

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
    auto sealed = box.seal(json::serialize(*value), secret_binding(where, path));
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

Result<void> reveal_secret_fields(json::value& doc, const SecretBox& box, std::string_view where,
                                  std::vector<std::string>* revealed_paths) {
  auto reveal = [&](json::value& marker, const std::string& path) -> Result<void> {
    auto plaintext = box.open(marker.get_object().at(kSecretMarkerKey).get_string(),
                              secret_binding(where, path));
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
    if (revealed_paths != nullptr) revealed_paths->push_back(path);
    return {};
  };
  return for_each_marker(doc, std::string(), reveal);
}

Result<bool> bind_secret_fields(json::value& doc, const SecretBox& box, std::string_view where) {
  bool changed = false;
  auto bind = [&](json::value& marker, const std::string& path) -> Result<void> {
    json::string& sealed = marker.get_object().at(kSecretMarkerKey).get_string();
    if (!SecretBox::is_unbound(sealed)) return {};
    auto plaintext = box.open_unbound(sealed);
    if (!plaintext) {
      Error error = plaintext.error();
      error.message = fmt::format("{}: secret field {}: {}", where, path, error.message);
      return error;
    }
    auto bound = box.seal(*plaintext, secret_binding(where, path));
    OPENSSL_cleanse(plaintext->data(), plaintext->size());
    if (!bound) return bound.error();
    sealed = *bound;
    changed = true;
    return {};
  };
  if (auto done = for_each_marker(doc, std::string(), bind); !done) return done.error();
  return changed;
}

namespace {

constexpr size_t kMaxContext = 128;

bool is_secret_path(const std::vector<std::string>& secret_paths, std::string_view path) {
  return std::find(secret_paths.begin(), secret_paths.end(), path) != secret_paths.end();
}

// The short non-secret strings directly inside the object at `object_path` (the whole document
// when empty): candidates for the "<string>:" half of a basic-auth pair.
void collect_strings(const json::object& doc, std::string_view object_path,
                     const std::vector<std::string>& secret_paths, std::vector<std::string>& out) {
  const json::value* node = object_path.empty() ? nullptr : find_path(doc, object_path);
  const json::object* object =
      object_path.empty() ? &doc : (node != nullptr ? node->if_object() : nullptr);
  if (object == nullptr) return;
  for (const auto& [key, child] : *object) {
    const auto* text = child.if_string();
    if (text == nullptr || text->empty() || text->size() > kMaxContext) continue;
    if (is_secret_path(secret_paths, child_path(object_path, key))) continue;
    out.emplace_back(*text);
  }
}

std::string_view parent_of(std::string_view path) {
  const size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : path.substr(0, dot);
}

}  // namespace

void learn_secrets(const json::value& doc, const std::vector<std::string>& paths,
                   Redactor& redactor) {
  if (const auto* object = doc.if_object()) learn_secrets(*object, paths, redactor);
}

void learn_secrets(const json::object& doc, const std::vector<std::string>& paths,
                   Redactor& redactor) {
  for (const std::string& path : paths) {
    const json::value* value = find_path(doc, path);
    if (value == nullptr || is_secret_marker(*value)) continue;
    if (const auto* text = value->if_string()) {
      if (*text == kMaskedSecretText) continue;
      // The strings beside the secret and one level up (http.auth.basic.username for
      // http.auth.basic.password).
      std::vector<std::string> contexts;
      const std::string_view parent = parent_of(path);
      collect_strings(doc, parent, paths, contexts);
      if (!parent.empty()) collect_strings(doc, parent_of(parent), paths, contexts);
      for (const std::string& context : contexts) redactor.add_pair(context, *text);
    }
    redactor.add_secret_value(*value);
  }
}
}  // namespace sluice::host
