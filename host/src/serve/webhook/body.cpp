#include "serve/webhook/body.hpp"

#include <strings.h>

#include <string>

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <boost/json/parse.hpp>

#include "sluice/support/formats/xml.hpp"

namespace sluice::serve::webhook {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool ends_with_caseless(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

// "application/json; charset=utf-8" -> "application/json", trimmed.
std::string_view bare_media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  return content_type;
}

// The listener's name for a Content-Type, or empty when it reads none.
std::string_view kind_of(std::string_view content_type) {
  const std::string_view type = bare_media_type(content_type);
  if (type.empty() || iequals(type, "application/json") || ends_with_caseless(type, "+json")) {
    return "json";
  }
  if (iequals(type, "application/xml") || iequals(type, "text/xml") ||
      ends_with_caseless(type, "+xml")) {
    return "xml";
  }
  if (iequals(type, "application/x-www-form-urlencoded")) return "urlencoded";
  if (type.size() > 5 && iequals(type.substr(0, 5), "text/")) return "plaintext";
  return {};
}

std::string decode_component(std::string_view text) {
  std::string spaced(text);
  for (char& c : spaced) {
    if (c == '+') c = ' ';  // Poco 1.12's decode leaves '+' alone whatever plusAsSpace says
  }
  std::string out;
  try {
    Poco::URI::decode(spaced, out);
  } catch (const Poco::Exception&) {
    out.assign(text);  // a malformed %XX is kept as written
  }
  return out;
}

}  // namespace

boost::json::object parse_form(std::string_view text) {
  boost::json::object out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name = decode_component(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string{} : decode_component(pair.substr(eq + 1));
    auto found = out.find(name);
    if (found == out.end()) {
      out.emplace(name, value);
    } else if (found->value().is_array()) {
      found->value().as_array().emplace_back(value);
    } else {
      boost::json::array both{found->value(), boost::json::value(value)};
      found->value() = std::move(both);
    }
  }
  return out;
}

Result<boost::json::value> parse_body(const HttpRequest& request,
                                      std::string_view request_media_type) {
  std::string_view kind = request_media_type;
  const std::string content_type = request.header("Content-Type").value_or("");
  if (kind.empty()) {
    kind = kind_of(content_type);
    if (kind.empty()) {
      return make_error(Status::kInvalidConfig,
                        "the listener cannot read a body of Content-Type '" + content_type +
                            "': send JSON, XML or an urlencoded form, or set "
                            "webhook.requestMediaType");
    }
  }
  if (request.body.empty()) return boost::json::value{};
  if (kind == "json") {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(request.body, ec);
    if (ec) {
      return make_error(Status::kRemoteError,
                        "the request body is not valid JSON: " + ec.message());
    }
    return value;
  }
  if (kind == "xml") return support::formats::xml_to_json(request.body);
  if (kind == "urlencoded") return boost::json::value(parse_form(request.body));
  if (kind == "plaintext") return boost::json::value(boost::json::object{{"body", request.body}});
  return make_error(Status::kInvalidConfig,
                    "webhook.requestMediaType '" + std::string(kind) +
                        "' cannot be read by the listener: use json, xml, urlencoded or plaintext");
}

}  // namespace sluice::serve::webhook
