#include "echo.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <cctype>

namespace sluice::tools::mock_api {

namespace json = boost::json;

std::string json_escaped_token(std::string_view token) {
  std::string out;
  for (const char c : token) {
    if (c == '/') {
      out += "\\/";
    } else if (c == '-') {
      out += "\\u002d";
    } else if (c == '+') {
      out += "\\u002B";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encoded(std::string_view token, bool upper) {
  std::string out;
  for (const char c : token) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += upper ? fmt::format("%{:02X}", byte) : fmt::format("%{:02x}", byte);
    }
  }
  return out;
}

std::string base64(std::string_view bytes, bool url_safe) {
  static constexpr char kStandard[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static constexpr char kUrlSafe[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char* alphabet = url_safe ? kUrlSafe : kStandard;
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    if (rest == 2) out += alphabet[n >> 6 & 63];
    if (!url_safe) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::string echo_message(const Credentials& credentials, std::string_view order_id) {
  const std::string& token = credentials.token;
  // The nested JSON text keeps its escapes once the outer reply is parsed.
  const std::string nested = fmt::format(R"({{"token":"{}"}})", json_escaped_token(token));
  return fmt::format(
      "order {} refused for the credentials {} (echo {}); url {} {}; base64 {} {}; basic {}",
      order_id, credentials.authorization, nested, url_encoded(token, true),
      url_encoded(token, false), base64(token, false), base64(token, true),
      base64("sluice:" + token, false));
}

std::string echo_body(const Credentials& credentials, EchoCut cut) {
  const std::string& token = credentials.token;
  std::string body = fmt::format(R"({{"error":"credentials refused","authorization":{},)",
                                 json::serialize(json::string_view(credentials.authorization)));
  body += fmt::format(R"("base64":"{}","url":"{}","echo":")", base64(token, false),
                      url_encoded(token, true));
  const std::string cut_form = cut == EchoCut::kRaw ? token : json_escaped_token(token);
  constexpr size_t kVisible = 16;
  if (body.size() + kVisible < kSnippetBoundary) {
    body.append(kSnippetBoundary - kVisible - body.size(), ' ');
  }
  body += cut_form;
  body += R"( is not valid"})";
  return body;
}

}  // namespace sluice::tools::mock_api
