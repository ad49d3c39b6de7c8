#include "xml_stream_element.hpp"

#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

namespace sluice::support::formats::detail {

namespace json = boost::json;

std::string_view trim_xml_space(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

void XmlElementBuilder::start(std::string_view name) { stack_.emplace_back().name = name; }

void XmlElementBuilder::attribute(std::string_view name, std::string_view value) {
  std::string key(attribute_prefix_);
  key.append(name);
  stack_.back().object[key] = json::string(value);
}

void XmlElementBuilder::text(std::string_view text) {
  if (!stack_.empty()) stack_.back().text.append(text);
}

std::optional<std::pair<std::string, json::value>> XmlElementBuilder::end() {
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  const std::string_view text = trim_xml_space(frame.text);
  json::value value;
  if (frame.object.empty()) {
    value = json::string(text);
  } else {
    if (!text.empty()) frame.object[text_key_] = json::string(text);
    value = std::move(frame.object);
  }
  if (stack_.empty()) return std::make_pair(std::move(frame.name), std::move(value));
  json::object& parent = stack_.back().object;
  auto existing = parent.find(frame.name);
  if (existing == parent.end()) {
    parent.emplace(frame.name, std::move(value));
  } else if (existing->value().is_array()) {  // an element's own value is never an array
    existing->value().get_array().push_back(std::move(value));
  } else {
    json::array items;
    items.push_back(std::move(existing->value()));
    items.push_back(std::move(value));
    existing->value() = std::move(items);
  }
  return std::nullopt;
}

}  // namespace sluice::support::formats::detail
