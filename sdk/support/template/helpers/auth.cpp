#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws4.hpp"
#include "bytes_codec.hpp"
#include "helper_table.hpp"
#include "js_value.hpp"

namespace sluice::support::tmpl {

namespace json = boost::json;

namespace {

Result<const EVP_MD*> digest_named(const std::string& name) {
  std::string lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const EVP_MD* md = EVP_get_digestbyname(lower.c_str());
  if (md == nullptr)
    return helper_error("the algorithm \"" + name +
                        "\" is not a known digest (use e.g. sha256, sha1, sha512, md5)");
  return md;
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

Result<std::string> encoded(std::string_view bytes, const std::string& encoding) {
  auto out = encode_bytes(bytes, encoding);
  if (!out)
    return helper_error("the output encoding \"" + encoding +
                        "\" is not one of hex, base64, base64url, latin1, binary");
  return std::move(*out);
}

std::string hex(std::string_view bytes) { return *encode_bytes(bytes, "hex"); }

// RFC 3986 percent-encoding as SigV4 wants it (upper-case hex; '/' kept when `keep_slash`).
std::string aws_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  auto h = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && h(text[i + 1]) >= 0 && h(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(h(text[i + 1]) * 16 + h(text[i + 2])));
      i += 2;
    } else if (text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string trim_collapse(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

struct Url {
  std::string host, path, query;
};

Result<Url> parse_url(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos)
    return helper_error("the request URL \"" + std::string(url) + "\" has no scheme and host");
  const std::string_view rest = url.substr(scheme + 3);
  const size_t path_start = rest.find_first_of("/?#");
  Url u;
  u.host = std::string(rest.substr(0, path_start));
  std::string_view tail = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  tail = tail.substr(0, tail.find('#'));
  const size_t q = tail.find('?');
  u.path = std::string(tail.substr(0, q));
  if (q != std::string_view::npos) u.query = std::string(tail.substr(q + 1));
  if (u.path.empty()) u.path = "/";
  const std::string_view scheme_name = url.substr(0, scheme);
  if ((scheme_name == "https" && u.host.ends_with(":443")) ||
      (scheme_name == "http" && u.host.ends_with(":80")))
    u.host = u.host.substr(0, u.host.rfind(':'));
  return u;
}

bool looks_like_region(std::string_view label) {
  // us-east-1, eu-west-2, us-gov-west-1, cn-north-1 …
  const size_t first = label.find('-');
  return first == 2 && label.size() > 5 && std::isdigit(static_cast<unsigned char>(label.back()));
}

std::string amz_date(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

}  // namespace

Result<std::string> aws4_authorization(const json::object& request, std::string access_key,
                                       std::string secret_key, std::string session_token,
                                       std::string region, std::string service,
                                       std::chrono::system_clock::time_point now) {
  const EVP_MD* sha256 = EVP_sha256();
  const auto* url_value = request.if_contains("url");
  if (url_value == nullptr || !url_value->is_string())
    return helper_error("the request has no URL to sign");
  auto url = parse_url(url_value->get_string());
  if (!url) return url.error();
  std::string method = "GET";
  if (const auto* m = request.if_contains("method");
      m && m->is_string() && !m->get_string().empty())
    method = std::string(m->get_string());
  for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string body;
  if (const auto* b = request.if_contains("body"); b && !b->is_null())
    body = b->is_string() ? std::string(b->get_string()) : js_json_stringify(*b);

  // Headers: lower-case names, trimmed values; host and x-amz-date added when absent.
  std::vector<std::pair<std::string, std::string>> headers;
  if (const auto* h = request.if_contains("headers"); h && h->is_object()) {
    for (const auto& member : h->get_object()) {
      std::string name(member.key());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (name == "authorization" || name == "user-agent" || name == "connection" ||
          name == "expect" || name == "content-length")
        continue;
      headers.emplace_back(name, trim_collapse(to_js_string(member.value())));
    }
  }
  auto header = [&](std::string_view name) -> std::string* {
    for (auto& [n, v] : headers)
      if (n == name) return &v;
    return nullptr;
  };
  if (header("host") == nullptr) headers.emplace_back("host", url->host);
  if (header("x-amz-date") == nullptr) headers.emplace_back("x-amz-date", amz_date(now));
  if (!session_token.empty() && header("x-amz-security-token") == nullptr)
    headers.emplace_back("x-amz-security-token", session_token);
  const std::string date_time = *header("x-amz-date");
  if (date_time.size() < 8)
    return helper_error("the X-Amz-Date header \"" + date_time + "\" is not YYYYMMDDTHHMMSSZ");
  const std::string date = date_time.substr(0, 8);
  std::sort(headers.begin(), headers.end());

  // Region and service from the host (service.region.amazonaws.com) where not given.
  std::vector<std::string> labels;
  {
    std::string host = url->host.substr(0, url->host.find(':'));
    size_t start = 0;
    while (start <= host.size()) {
      const size_t dot = host.find('.', start);
      labels.push_back(
          host.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (looks_like_region(labels[i])) {
      if (region.empty()) region = labels[i];
      if (service.empty() && i > 0) service = labels[i - 1];
      break;
    }
  }
  for (size_t i = 1; service.empty() && i < labels.size(); ++i)
    if (labels[i] == "amazonaws") service = labels[i - 1];  // bucket.s3.amazonaws.com
  if (service.empty() && !labels.empty()) service = labels[0];
  if (region.empty()) region = "us-east-1";

  // Canonical request.
  std::string canonical_uri = service == "s3" ? url->path : aws_encode(url->path, true);
  std::vector<std::pair<std::string, std::string>> query;
  if (!url->query.empty()) {
    size_t start = 0;
    while (start <= url->query.size()) {
      const size_t amp = url->query.find('&', start);
      const std::string pair =
          url->query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!pair.empty()) {
        const size_t eq = pair.find('=');
        query.emplace_back(
            aws_encode(percent_decode(pair.substr(0, eq)), false),
            eq == std::string::npos ? "" : aws_encode(percent_decode(pair.substr(eq + 1)), false));
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  std::sort(query.begin(), query.end());
  std::string canonical_query, canonical_headers, signed_headers;
  for (const auto& [k, v] : query)
    canonical_query += (canonical_query.empty() ? "" : "&") + k + "=" + v;
  for (const auto& [n, v] : headers) {
    canonical_headers += n + ":" + v + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + n;
  }
  const std::string* content_sha = header("x-amz-content-sha256");
  const std::string payload_hash = content_sha ? *content_sha : hex(digest(sha256, body));
  const std::string canonical_request = method + "\n" + canonical_uri + "\n" + canonical_query +
                                        "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                                        payload_hash;
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" +
                                     hex(digest(sha256, canonical_request));
  std::string key = hmac(sha256, "AWS4" + secret_key, date);
  key = hmac(sha256, key, region);
  key = hmac(sha256, key, service);
  key = hmac(sha256, key, "aws4_request");
  const std::string signature = hex(hmac(sha256, key, string_to_sign));
  return "AWS4-HMAC-SHA256 Credential=" + access_key + "/" + scope +
         ", SignedHeaders=" + signed_headers + ", Signature=" + signature;
}

std::string aws4_signing_key(std::string_view secret_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  const EVP_MD* sha256 = EVP_sha256();
  std::string key = hmac(sha256, "AWS4" + std::string(secret_key), date);
  key = hmac(sha256, key, region);
  key = hmac(sha256, key, service);
  return hex(hmac(sha256, key, "aws4_request"));
}

void add_auth_helpers(HelperTable& t) {
  // {{hash algorithm encoding data}}. The four-argument form of Celigo's hashOptions examples,
  // {{hash algorithm key encoding data}}, is a keyed hash: an HMAC.
  t["hash"] = [](const HelperCall& c) -> Result<Value> {
    if (c.args.size() < 3)
      return helper_error("expects an algorithm, an output encoding and the data, got " +
                          std::to_string(c.args.size()) + " arguments");
    auto md = digest_named(to_js_string(arg(c, 0)));
    if (!md) return md.error();
    if (c.args.size() >= 4) {
      auto out = encoded(hmac(*md, to_js_string(arg(c, 1)), to_js_string(arg(c, 3))),
                         to_js_string(arg(c, 2)));
      if (!out) return out.error();
      return make_string(std::move(*out));
    }
    auto out = encoded(digest(*md, to_js_string(arg(c, 2))), to_js_string(arg(c, 1)));
    if (!out) return out.error();
    return make_string(std::move(*out));
  };
  // {{hmac algorithm key encoding data [keyEncoding]}}.
  t["hmac"] = [](const HelperCall& c) -> Result<Value> {
    if (c.args.size() < 4)
      return helper_error("expects an algorithm, a key, an output encoding and the data, got " +
                          std::to_string(c.args.size()) + " arguments");
    auto md = digest_named(to_js_string(arg(c, 0)));
    if (!md) return md.error();
    std::string key = to_js_string(arg(c, 1));
    if (!arg(c, 4).undefined && !arg(c, 4).json.is_null()) {
      const std::string key_encoding = to_js_string(arg(c, 4));
      auto decoded = decode_text(key, key_encoding);
      if (!decoded)
        return helper_error("the key encoding \"" + key_encoding +
                            "\" is not one of utf8, base64, hex, latin1");
      key = std::move(*decoded);
    }
    auto out = encoded(hmac(*md, key, to_js_string(arg(c, 3))), to_js_string(arg(c, 2)));
    if (!out) return out.error();
    return make_string(std::move(*out));
  };
  // {{aws4 accessKey secretKey sessionToken region service}}: the Authorization header value
  // (AWS Signature Version 4) for the request being built (HelperEnv::request).
  t["aws4"] = [](const HelperCall& c) -> Result<Value> {
    if (c.env.request == nullptr)
      return helper_error("there is no HTTP request to sign here; use aws4 in a request's headers");
    if (to_js_string(arg(c, 0)).empty() || to_js_string(arg(c, 1)).empty())
      return helper_error(
          "the access key (first argument) and secret key (second) must not be empty");
    auto out = aws4_authorization(*c.env.request, to_js_string(arg(c, 0)), to_js_string(arg(c, 1)),
                                  to_js_string(arg(c, 2)), to_js_string(arg(c, 3)),
                                  to_js_string(arg(c, 4)), c.env.now);
    if (!out) return out.error();
    return make_string(std::move(*out));
  };
}

}  // namespace sluice::support::tmpl
