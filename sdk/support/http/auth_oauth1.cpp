#include "sluice/support/http/auth_oauth1.hpp"

#include <algorithm>
#include <cctype>

#include "auth_crypto.hpp"
#include "sluice/support/http/url.hpp"

namespace sluice::support::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void add_form_params(Params& out, std::string_view text) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      out.emplace_back(form_decode(pair.substr(0, eq)), eq == std::string_view::npos
                                                            ? std::string()
                                                            : form_decode(pair.substr(eq + 1)));
    }
    start = end + 1;
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 5849 §3.4.1.2: scheme and host lower-case, the port only when not the default, the path
// without query or fragment.
std::string base_string_uri(std::string_view url, std::string_view& query) {
  const size_t scheme_end = url.find("://");
  const std::string scheme = lower(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t path_start = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, path_start);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string host = lower(authority);
  if ((scheme == "http" && host.ends_with(":80")) ||
      (scheme == "https" && host.ends_with(":443"))) {
    host.erase(host.rfind(':'));
  }
  std::string_view target = rest.substr(path_start);
  if (const size_t hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  const size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  return scheme + "://" + host + (path.empty() ? std::string("/") : std::string(path));
}

bool is_form(std::string_view content_type) {
  return lower(content_type.substr(0, content_type.find(';')))
             .find("application/x-www-form-urlencoded") != std::string::npos;
}

std::string upper_method(std::string_view method) {
  std::string out(method);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string oauth_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string oauth1_base_string(const SignInput& input, const Params& oauth) {
  std::string_view query;
  const std::string uri = base_string_uri(input.url, query);
  Params params;
  add_form_params(params, query);
  if (!input.body.empty() && is_form(input.content_type)) add_form_params(params, input.body);
  for (const auto& p : oauth) params.push_back(p);
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params)
    encoded.emplace_back(oauth_encode(name), oauth_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string normalized;
  for (const auto& [name, value] : encoded) {
    if (!normalized.empty()) normalized.push_back('&');
    normalized.append(name).append("=").append(value);
  }
  return upper_method(input.method) + "&" + oauth_encode(uri) + "&" + oauth_encode(normalized);
}

Result<std::string> oauth1_authorization(const OAuth1Auth& auth, const SignInput& input,
                                         std::string_view nonce, std::string_view timestamp) {
  const std::string method = lower(auth.signature_method);
  std::string wire_method;  // as oauth_signature_method spells it
  std::string md;
  bool rsa = false;
  if (method == "hmac-sha1" || method == "hmac-sha256" || method == "hmac-sha512" ||
      method == "rsa-sha1" || method == "rsa-sha256" || method == "rsa-sha512") {
    rsa = method.starts_with("rsa");
    md = "SHA" + method.substr(method.find("sha") + 3);
    wire_method = upper_method(method);
  } else if (method == "plaintext") {
    wire_method = "PLAINTEXT";
  } else {
    return make_error(Status::kInvalidConfig,
                      "signatureMethod '" + auth.signature_method +
                          "' is not one of hmac-sha1, hmac-sha256, hmac-sha512, rsa-sha1, "
                          "rsa-sha256, rsa-sha512, plaintext");
  }
  Params oauth = {{"oauth_consumer_key", auth.consumer_key},
                  {"oauth_nonce", std::string(nonce)},
                  {"oauth_signature_method", wire_method},
                  {"oauth_timestamp", std::string(timestamp)}};
  if (!auth.token.empty()) oauth.emplace_back("oauth_token", auth.token);
  oauth.emplace_back("oauth_version", "1.0");
  const std::string key =
      oauth_encode(auth.consumer_secret) + "&" + oauth_encode(auth.token_secret);
  std::string signature;
  if (wire_method == "PLAINTEXT") {
    signature = key;
  } else if (rsa) {
    auto signed_bytes = crypto::sign(md, auth.private_key_pem, oauth1_base_string(input, oauth),
                                     false, crypto::Padding::kPkcs1, "consumerPrivateKey");
    if (!signed_bytes) return signed_bytes.error();
    signature = crypto::base64(*signed_bytes);
  } else {
    signature = crypto::base64(crypto::hmac(md, key, oauth1_base_string(input, oauth)));
  }
  std::string out = "OAuth ";
  if (!auth.realm.empty()) {
    // A quoted-string (RFC 5849 §3.5.1 takes realm from RFC 2617): not percent-encoded.
    std::string realm;
    for (char c : auth.realm) {
      if (c == '"' || c == '\\') realm.push_back('\\');
      realm.push_back(c);
    }
    out += "realm=\"" + realm + "\", ";
  }
  for (const auto& [name, value] : oauth) {
    out += name + "=\"" + oauth_encode(value) + "\", ";
  }
  out += "oauth_signature=\"" + oauth_encode(signature) + "\"";
  return out;
}

}  // namespace sluice::support::http
