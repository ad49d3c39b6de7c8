// Mapper::apply: a compiled Program evaluated against one record.
#include <array>
#include <optional>
#include <vector>

#include <boost/json.hpp>

#include "mapper/mapper.hpp"
#include "mapper/mapping_v1.hpp"
#include "mapper/program.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper {
namespace {

namespace json = boost::json;
using detail::Condition;
using detail::is_empty;
using detail::Node;
using detail::Program;
using detail::quoted;
using detail::Rule;
using detail::set_path;

Error record_error(const Node& node, const json::value& value, std::string what) {
  Error error = make_error(Status::kInvalidConfig, "field " + node.field + ": " + std::move(what));
  error.details = json::object{{"field", node.field},
                               {"value", value},
                               {"dataType", to_string(node.type)},
                               {"mapping", node.json_path}};
  return error;
}

Result<json::value> apply_rules(const Program& program, const json::value& record,
                                json::storage_ptr sp) {
  json::value current(sp);  // same storage as each group's output, so the assignment moves
  const json::value* input = &record;
  std::vector<const json::value*> found;
  for (const std::vector<Rule>& group : program.groups) {
    json::value out{json::object(sp)};
    for (const Rule& rule : group) {
      if (!rule.extract.has_wildcard()) {
        const json::value* value = rule.extract.find(*input);
        if (value == nullptr) continue;
        set_path(out, rule.generate.steps(), json::value(*value, sp), 0);
        continue;
      }
      found.clear();
      rule.extract.find_all(*input, found);
      if (rule.generate.has_wildcard()) {
        for (std::size_t i = 0; i < found.size(); ++i)
          set_path(out, rule.generate.steps(), json::value(*found[i], sp), i);
      } else {
        json::array values(sp);
        values.reserve(found.size());
        for (const json::value* value : found) values.push_back(*value);
        set_path(out, rule.generate.steps(), json::value(std::move(values)), 0);
      }
    }
    current = std::move(out);
    input = &current;
  }
  return current;
}

// One record's mapping. The template context {record, settings, ...extra} is built on first
// use, in a buffer that lives for this call only.
struct Run {
  const json::value& record;
  const MapContext& context;
  json::storage_ptr sp;
  std::vector<const json::value*> found;
  std::string text;
  json::monotonic_resource* scratch;
  std::optional<json::value> envelope;

  const json::value& template_context() {
    if (!envelope) {
      json::object object(scratch);
      object.reserve(2 + (context.extra != nullptr ? context.extra->size() : 0));
      object.emplace("record", record);
      if (context.settings != nullptr) object.emplace("settings", *context.settings);
      if (context.extra != nullptr)
        for (const auto& member : *context.extra) object.emplace(member.key(), member.value());
      envelope.emplace(std::move(object));  // keeps the scratch storage
    }
    return *envelope;
  }
};

Result<void> apply_node(const Node& node, json::object& target, Run& run);

Result<void> apply_nodes(const std::vector<Node>& nodes, json::object& target, Run& run) {
  for (const Node& node : nodes)
    if (auto ok = apply_node(node, target, run); !ok) return ok.error();
  return {};
}

Result<void> apply_node(const Node& node, json::object& target, Run& run) {
  if (node.condition == Condition::kRecordCreated && run.context.operation != Operation::kCreate)
    return {};
  if (node.condition == Condition::kRecordUpdated && run.context.operation != Operation::kUpdate)
    return {};

  const json::value* value = nullptr;
  json::value holder(run.sp);  // same storage as what is assigned to it, so assignments move
  switch (node.source) {
    case Node::Source::kNone:
      break;
    case Node::Source::kPath:
      if (node.path.has_wildcard()) {
        run.found.clear();
        node.path.find_all(run.record, run.found);
        if (run.found.empty()) break;  // a wildcard that reaches nothing extracts nothing
        json::array values(run.sp);
        values.reserve(run.found.size());
        for (const json::value* v : run.found) values.push_back(*v);
        holder = std::move(values);
        value = &holder;
      } else {
        value = node.path.find(run.record);
      }
      break;
    case Node::Source::kTemplate: {
      run.text.clear();
      if (!node.plain || !node.plain->render_to(run.text, run.record)) {
        run.text.clear();
        auto ok =
            node.tmpl->evaluate_to(run.text, run.template_context(),
                                   {.escape = support::Escape::kNone, .env = run.context.env});
        if (!ok)
          return record_error(node, nullptr, "the extract template failed: " + ok.error().message);
      }
      holder = json::string(run.text, run.sp);
      value = &holder;
      break;
    }
    case Node::Source::kLiteral:
      value = &node.literal;
      break;
  }

  if (node.has_children) {
    if (node.source != Node::Source::kNone && node.condition == Condition::kExtractNotEmpty &&
        is_empty(value))
      return {};
    json::object object(run.sp);
    if (value != nullptr && value->is_object()) {
      object = value->get_object();
    } else if (value != nullptr && !is_empty(value)) {
      return record_error(node, *value, "cannot convert " + quoted(*value) + " to object");
    } else if (const json::value* existing = target.if_contains(node.generate);
               existing != nullptr && existing->is_object()) {
      object = existing->get_object();  // modify mode: edit the object in place
    }
    if (auto ok = apply_nodes(node.children, object, run); !ok) return ok.error();
    target.insert_or_assign(node.generate, std::move(object));
    return {};
  }

  bool from_default = false;
  if (is_empty(value)) {
    if (node.condition == Condition::kExtractNotEmpty) return {};
    if (node.fallback) {
      value = &*node.fallback;
      from_default = true;
    }
  }
  if (!from_default && !is_empty(value)) {
    if (node.lookup != nullptr) {
      const std::string key = to_text(*value);
      if (const json::value* hit = node.lookup->map.if_contains(key)) {
        value = hit;
      } else if (node.lookup->fallback) {
        value = &*node.lookup->fallback;
      } else if (node.lookup->allow_failures) {
        if (!node.fallback) return {};
        value = &*node.fallback;
        from_default = true;
      } else {
        return record_error(node, *value,
                            "lookup '" + node.lookup->name + "' has no entry for " +
                                quoted(*value) +
                                " (add it to the map, or give the lookup a default or "
                                "allowFailures: true)");
      }
    }
    if (node.date && !from_default) {
      auto text = node.date->convert(*value);
      if (!text)
        return record_error(node, *value,
                            "cannot read " + quoted(*value) + " as a date" +
                                " (extractDateFormat in the mapping " + node.json_path + ")");
      holder = json::string(*text, run.sp);
      value = &holder;
    }
  }
  if (value == nullptr) return {};  // nothing extracted and no default: the field is left out
  if (is_empty(value) && !value->is_array() && node.type != DataType::kString) {
    target.insert_or_assign(node.generate, nullptr);
    return {};
  }
  auto converted = convert(*value, node.type, run.sp);
  if (!converted)
    return record_error(
        node, *value,
        "cannot convert " + quoted(*value) + " to " + std::string(to_string(node.type)));
  target.insert_or_assign(node.generate, std::move(*converted));
  return {};
}

Result<json::value> apply_mappings(const Program& program, const json::value& record,
                                   const MapContext& context, json::storage_ptr sp) {
  json::object out(sp);
  if (program.mode == Mode::kModify) {
    if (!record.is_object())
      return make_error(Status::kInvalidConfig,
                        "the record is not an object (found " +
                            std::string(record.is_array() ? "an array" : "a scalar") +
                            "); mode \"modify\" edits the fields of an object");
    out = record.get_object();
  }
  std::array<unsigned char, 4096> buffer;
  json::monotonic_resource scratch(buffer.data(), buffer.size());
  Run run{record, context, sp, {}, {}, &scratch, std::nullopt};
  if (program.mode == Mode::kCreate) out.reserve(program.nodes.size());
  if (auto ok = apply_nodes(program.nodes, out, run); !ok) return ok.error();
  return json::value(std::move(out));
}

}  // namespace

Result<json::value> Mapper::apply(const json::value& record, const MapContext& context,
                                  json::storage_ptr out) const {
  switch (program_->kind) {
    case Kind::kRules:
      return apply_rules(*program_, record, std::move(out));
    case Kind::kMappings:
      return apply_mappings(*program_, record, context, std::move(out));
    case Kind::kMappingV1: {
      if (program_->pass_through) return json::value(record, std::move(out));
      json::value mapped{json::object(std::move(out))};
      if (auto ok = detail::apply_v1(program_->fields, program_->lists, record, mapped, context);
          !ok)
        return ok.error();
      return mapped;
    }
    case Kind::kScript:
      break;
  }
  return make_error(Status::kUnsupported, "transform script " + program_->script.script_id +
                                              " function " + program_->script.function +
                                              " runs in the script engine, not the mapper");
}

}  // namespace sluice::mapper
