// The one redaction function of the host: every text that reaches the store, a log, an error, a
// job message or the command line passes Redactor::redact(), which replaces each secret value
// this process has seen with "******" in every form it can travel in:
//
//  - raw;
//  - JSON-escaped, any mix of the escapes JSON allows (\/, \", \\, \b \f \n \r \t, \uXXXX for any
//    character in either hex case, surrogate pairs), also escaped twice (JSON inside a string);
//  - URL-encoded (%XX in either hex case, "+" for a space), also inside JSON and twice;
//  - base64, standard and URL-safe, with and without padding, at any position of a longer base64
//    text (the characters that depend on the secret's bytes alone are redacted, so the secret is
//    caught inside base64("user:password") whatever the username), and the whole of
//    base64("<string>:<secret>") for every pair learnt with add_pair() (HTTP basic auth);
//  - cut: a trailing fragment of at least kMinFragmentSize characters, at the end of a text or
//    right before "..." or "…", that is a prefix of any of the forms above.
//
// Secrets shorter than kMinSecretSize are not learnt: redacting "ab" everywhere would garble
// every message while hiding little (docs/secrets.md says so).
//
// Thread-safe: any thread may add secrets and redact at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace sluice::host {

inline constexpr std::string_view kRedactedText = "******";

class Redactor {
 public:
  static constexpr size_t kMinSecretSize = 4;
  static constexpr size_t kMinFragmentSize = 6;

  // The process-wide redactor: the store feeds it every secret it seals or reveals; the host's
  // log sink, plugin error copies, store writes and the CLI's error printing use it. Lives for
  // the whole process.
  static Redactor& process();

  Redactor() = default;
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // Learns `secret` (ignored when shorter than kMinSecretSize or already known).
  void add_secret(std::string_view secret);
  // Learns every string inside `value` (recursively), and the text of a number, as secrets.
  void add_secret_value(const boost::json::value& value);
  // Learns that `secret` may travel as base64("<context>:<secret>") (e.g. a username and a
  // password sent as HTTP basic auth); `context` itself is not a secret and stays visible
  // elsewhere. Ignored when the secret is too short or context is empty.
  void add_pair(std::string_view context, std::string_view secret);

  // `text` with every known secret form replaced by "******" (overlapping matches become one).
  std::string redact(std::string_view text) const;
  // Redacts every string and object key inside `value`, in place.
  void redact_json(boost::json::value& value) const;

  // Number of secret values learnt (pairs not counted).
  size_t size() const;

 private:
  void add_forms_locked(std::vector<std::string> forms);
  // Adds to `spans` the input ranges [start[i], start[j]) of every form, and every cut fragment,
  // found in `text` (a decoded view whose byte i came from input offset start[i]).
  void find_matches_locked(const std::string& text, const std::vector<size_t>& start,
                           std::vector<std::pair<size_t, size_t>>& spans) const;

  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> secrets_;  // learnt values
  std::unordered_set<std::string> pairs_;    // "<context>:<secret>" learnt by add_pair
  std::unordered_set<std::string> known_forms_;
  std::vector<std::string> forms_;  // every searched form, once, in the order learnt
  // forms_ indexed by their first four bytes, with a filter on the first two, so a text is
  // scanned once whatever the number of forms.
  std::unordered_map<uint32_t, std::vector<uint32_t>> by_prefix_;
  std::vector<bool> first_two_ = std::vector<bool>(1 << 16);
  size_t longest_form_ = 0;
};

// Redactor::process().redact(text).
std::string redact_secrets(std::string_view text);

}  // namespace sluice::host
