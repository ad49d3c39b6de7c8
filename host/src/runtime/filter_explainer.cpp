#include "runtime/filter_explainer.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "filter/field_path.hpp"

namespace sluice::runtime {

namespace json = boost::json;

struct FilterExplainer::Node {
  std::string path, op;
  json::value rule;
  std::optional<host::filter::Filter> filter;
  std::vector<Node> children;
};

namespace {

using Node = FilterExplainer::Node;

std::string type_hint(const Node& node, const json::value& record);

Node build(const json::value& rule, std::string path) {
  Node node;
  node.path = std::move(path);
  node.rule = rule;
  if (auto compiled = host::filter::Filter::compile_expression(
          json::object{{"version", "1"}, {"rules", rule}}, node.path)) {
    node.filter.emplace(std::move(*compiled));
  }
  const json::array* list = rule.if_array();
  if (list != nullptr && !list->empty() && list->front().is_string()) {
    node.op = std::string(list->front().get_string());
    if (node.op == "and") {
      for (size_t i = 1; i < list->size(); ++i)
        node.children.push_back(build((*list)[i], fmt::format("{}[{}]", node.path, i)));
    }
  }
  return node;
}

// The ["extract", "path"] operands inside `rule`, in order, without repeats.
void extracts(const json::value& rule, std::vector<std::string>& out) {
  const json::array* list = rule.if_array();
  if (list == nullptr) return;
  if (list->size() == 2 && (*list)[0] == "extract" && (*list)[1].is_string()) {
    std::string path((*list)[1].get_string());
    if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(std::move(path));
    return;
  }
  for (const json::value& item : *list) extracts(item, out);
}

std::string describe(const Node& node, const json::value& record) {
  std::string text = fmt::format("{} {} is false", node.path, json::serialize(node.rule));
  std::vector<std::string> paths;
  extracts(node.rule, paths);
  std::string values;
  for (const std::string& path : paths) {
    std::string problem;
    auto parsed = host::filter::detail::FieldPath::parse(path, problem);
    const json::value* found = parsed ? parsed->find(record) : nullptr;
    values += fmt::format("{}{} is {}", values.empty() ? "" : ", ", path,
                          found != nullptr ? json::serialize(*found) : "missing");
  }
  if (!values.empty()) text += ": " + values;
  return text + type_hint(node, record);
}

// The filter language's most common surprise (docs/filters.md): a field holding a string
// compared with a number literal, which is never true without a cast.
std::string type_hint(const Node& node, const json::value& record) {
  static constexpr std::string_view kComparisons[] = {
      "equals", "notequals", "greaterthan", "greaterthanequals", "lessthan", "lessthanequals"};
  const json::array* list = node.rule.if_array();
  if (list == nullptr || list->size() != 3 ||
      std::find(std::begin(kComparisons), std::end(kComparisons), node.op) ==
          std::end(kComparisons)) {
    return {};
  }
  for (size_t k = 1; k <= 2; ++k) {
    const json::array* operand = (*list)[k].if_array();
    const json::value& other = (*list)[3 - k];
    if (operand == nullptr || operand->size() != 2 || (*operand)[0] != "extract" ||
        !(*operand)[1].is_string() || !other.is_number()) {
      continue;
    }
    std::string problem;
    auto path = host::filter::detail::FieldPath::parse((*operand)[1].get_string(), problem);
    const json::value* found = path ? path->find(record) : nullptr;
    if (found == nullptr || !found->is_string()) continue;
    return fmt::format(
        " (a string, and {} is a number: they never compare; cast it with "
        "[\"number\", {}])",
        json::serialize(other), json::serialize((*list)[k]));
  }
  return {};
}

}  // namespace

FilterExplainer::FilterExplainer(const json::value& filter) {
  const json::object* doc = filter.if_object();
  const json::value* type = doc != nullptr ? doc->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string() || type->get_string() != "expression") return;
  const json::value* expression = doc->if_contains("expression");
  const json::value* rules = expression != nullptr && expression->is_object()
                                 ? expression->get_object().if_contains("rules")
                                 : nullptr;
  if (rules == nullptr) return;
  root_ = std::make_unique<Node>(build(*rules, "rules"));
}

FilterExplainer::~FilterExplainer() = default;
FilterExplainer::FilterExplainer(FilterExplainer&&) noexcept = default;
FilterExplainer& FilterExplainer::operator=(FilterExplainer&&) noexcept = default;

std::string FilterExplainer::why(const json::value& record,
                                 const host::filter::FilterContext& context) const {
  if (!root_) return {};
  const Node* node = root_.get();
  while (node->op == "and") {
    const Node* false_child = nullptr;
    for (const Node& child : node->children) {
      if (!child.filter) return describe(*node, record);
      auto kept = child.filter->matches(record, context);
      if (!kept || !*kept) {
        false_child = &child;
        break;
      }
    }
    if (false_child == nullptr) break;
    node = false_child;
  }
  return describe(*node, record);
}

}  // namespace sluice::runtime
