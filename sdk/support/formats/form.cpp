#include "sluice/support/formats/form.hpp"

#include <charconv>
#include <random>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "makers.hpp"

namespace sluice::support::formats {

namespace json = boost::json;

namespace {

Error flat_only(std::string_view field, const char* what) {
  return make_error(Status::kInvalidConfig,
                    "field '" + std::string(field) + "' " + what +
                        ": a form body holds only flat fields (strings, numbers, booleans, null "
                        "and arrays of those); map it to flat fields or write http.body");
}

// The text a scalar is sent as.
std::string scalar_text(const json::value& value) {
  if (const json::string* s = value.if_string()) return std::string(*s);
  if (value.is_null()) return {};
  if (value.is_double()) {
    // The shortest text that reads back as the same number (JavaScript's String(n) for the
    // usual values), not Boost.JSON's 1.5E0.
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
    if (ec == std::errc()) return std::string(buffer, end);
  }
  return json::serialize(value);
}

// The (name, value) pairs of a flat record, in its order, arrays as repeated names.
Result<std::vector<std::pair<std::string_view, std::string>>> pairs_of(const json::value& record) {
  const json::object* object = record.if_object();
  if (object == nullptr) {
    return make_error(Status::kInvalidConfig,
                      std::string("a form body is built from an object of fields, got ") +
                          detail::kind_of(record));
  }
  std::vector<std::pair<std::string_view, std::string>> out;
  out.reserve(object->size());
  for (const auto& [key, value] : *object) {
    if (value.is_object()) return flat_only(key, "is an object");
    if (const json::array* items = value.if_array()) {
      for (const json::value& item : *items) {
        if (item.is_object() || item.is_array()) {
          return flat_only(key, item.is_object() ? "is an array holding an object"
                                                 : "is an array holding an array");
        }
        out.emplace_back(key, scalar_text(item));
      }
      continue;
    }
    out.emplace_back(key, scalar_text(value));
  }
  return out;
}

void form_encode(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

void append_part_name(std::string& out, std::string_view name) {
  for (const char c : name) {
    if (c == '"') {
      out.append("%22");
    } else if (c == '\r') {
      out.append("%0D");
    } else if (c == '\n') {
      out.append("%0A");
    } else {
      out.push_back(c);
    }
  }
}

std::string random_boundary() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string boundary = "sluice-";
  for (int i = 0; i < 32; ++i) boundary.push_back(kHex[device() & 0xF]);
  return boundary;
}

}  // namespace

Result<std::string> to_urlencoded(const json::value& record) {
  auto pairs = pairs_of(record);
  if (!pairs) return pairs.error();
  std::string out;
  for (const auto& [name, value] : *pairs) {
    if (!out.empty()) out.push_back('&');
    form_encode(out, name);
    out.push_back('=');
    form_encode(out, value);
  }
  return out;
}

Result<MultipartBody> to_multipart(const json::value& record, std::string_view boundary) {
  auto pairs = pairs_of(record);
  if (!pairs) return pairs.error();
  const auto collides = [&](std::string_view b) {
    for (const auto& [name, value] : *pairs) {
      if (value.find(b) != std::string::npos || name.find(b) != std::string_view::npos) {
        return true;
      }
    }
    return false;
  };
  std::string chosen(boundary);
  if (chosen.empty()) {
    // 128 random bits: a collision is practically impossible, but it is checked anyway.
    for (int attempt = 0; attempt < 8 && (chosen.empty() || collides(chosen)); ++attempt) {
      chosen = random_boundary();
    }
  }
  if (collides(chosen)) {
    return make_error(Status::kInvalidConfig,
                      "the multipart boundary '" + chosen + "' occurs in a field's value");
  }
  MultipartBody out;
  for (const auto& [name, value] : *pairs) {
    out.body.append("--").append(chosen).append("\r\n");
    out.body.append("Content-Disposition: form-data; name=\"");
    append_part_name(out.body, name);
    out.body.append("\"\r\n\r\n").append(value).append("\r\n");
  }
  out.body.append("--").append(chosen).append("--\r\n");
  out.content_type = "multipart/form-data; boundary=" + chosen;
  return out;
}

}  // namespace sluice::support::formats
