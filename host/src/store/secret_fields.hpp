// Secret fields inside resource documents. At rest, the value at each secret path is replaced by
// a marker object {"$sluiceSecret": "<SecretBox::seal of the value serialized as JSON>"}; on
// read every marker is either masked as "******" or decrypted back to the original value.
//
// Each sealed value is bound to where it belongs: its associated data is secret_binding(where,
// path), with `where` the resource ("connections/c1") and `path` the field's dotted path, so a
// sealed text copied to another resource or field does not open.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.hpp"
#include "store/secret_box.hpp"

namespace sluice::host {

inline constexpr std::string_view kSecretMarkerKey = "$sluiceSecret";
inline constexpr std::string_view kMaskedSecretText = "******";

// True for an object whose only member is "$sluiceSecret" holding a string.
bool is_secret_marker(const boost::json::value& value) noexcept;

class Redactor;

// The associated data a secret at `path` of resource `where` is sealed with.
std::string secret_binding(std::string_view where, std::string_view path);

// Replaces the value at each of `paths` in `doc` with its sealed marker. A path absent from the
// document is skipped. A value equal to "******" (a masked read sent back unchanged) keeps the
// marker found at the same path of `stored` (the document as stored, or null); with no stored
// marker it is an Error. `where` (e.g. "connections/abc") prefixes error messages.
Result<void> seal_secret_fields(boost::json::value& doc, const std::vector<std::string>& paths,
                                const boost::json::value& stored, const SecretBox& box,
                                std::string_view where);

// Replaces every marker anywhere in `doc` with the string "******".
void mask_secret_fields(boost::json::value& doc);

// Replaces every marker anywhere in `doc` with its decrypted value. On failure (wrong key,
// damaged text) `doc` is partly revealed and must be discarded; the Error names `where` and the
// field's path.
Result<void> reveal_secret_fields(boost::json::value& doc, const SecretBox& box,
                                  std::string_view where,
                                  std::vector<std::string>* revealed_paths = nullptr);

// Re-seals every marker in `doc` still in the format before v2 (SecretBox::is_unbound) bound to
// `where` and its path. Returns whether any marker changed; an Error names `where` and the path.
Result<bool> bind_secret_fields(boost::json::value& doc, const SecretBox& box,
                                std::string_view where);

// Teaches `redactor` the plaintext values at `paths` of `doc` (skipping "******"), and for each
// secret string the pairs "<string>:<secret>" with the short non-secret strings of the secret's
// own object and of the object above it (for credentials sent as HTTP basic auth: the username
// beside the password is not a secret, but the pair is).
void learn_secrets(const boost::json::value& doc, const std::vector<std::string>& paths,
                   Redactor& redactor);
void learn_secrets(const boost::json::object& doc, const std::vector<std::string>& paths,
                   Redactor& redactor);

}  // namespace sluice::host
