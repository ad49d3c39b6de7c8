#include "cli/pretty_json.hpp"

#include <boost/json/serialize.hpp>

#include "runtime/record_json.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

void write(std::string& out, const json::value& value, size_t depth) {
  const std::string indent(2 * (depth + 1), ' ');
  const std::string closing(2 * depth, ' ');
  if (const json::object* o = value.if_object(); o != nullptr && !o->empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : *o) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      out += json::serialize(json::string_view(member.key()));
      out += ": ";
      write(out, member.value(), depth + 1);
    }
    out += "\n" + closing + "}";
    return;
  }
  if (const json::array* a = value.if_array(); a != nullptr && !a->empty()) {
    out += "[\n";
    for (size_t i = 0; i < a->size(); ++i) {
      if (i > 0) out += ",\n";
      out += indent;
      write(out, (*a)[i], depth + 1);
    }
    out += "\n" + closing + "]";
    return;
  }
  runtime::append_record_json(out, value);  // numbers as JSON.stringify writes them
}

}  // namespace

std::string pretty_json(const json::value& value) {
  std::string out;
  write(out, value, 0);
  return out;
}

}  // namespace sluice::cli
