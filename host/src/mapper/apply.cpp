// Mapper::apply: a compiled Program evaluated against one record.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <boost/json.hpp>

#include "mapper/mapper.hpp"
#include "mapper/mapping_v1.hpp"
#include "mapper/program.hpp"
#include "mapper/shared.hpp"

namespace sluice::mapper {
namespace {

namespace json = boost::json;
using detail::ArrayHelper;
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
    json::value out = json::object(sp);  // not braces: {object} is an array of one object
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

using Binding = Path::Binding;

// A copy of `value` as the bindings see it (each bound value replaced, all the way down).
json::value materialize(const json::value& value, std::span<const Binding> bindings,
                        json::storage_ptr sp) {
  const json::value* at = &value;
  for (const Binding& binding : bindings)
    if (binding.from == at) at = binding.to;
  if (const json::object* object = at->if_object()) {
    json::object out(sp);
    out.reserve(object->size());
    for (const auto& member : *object)
      out.emplace(member.key(), materialize(member.value(), bindings, sp));
    return out;
  }
  if (const json::array* array = at->if_array()) {
    json::array out(sp);
    out.reserve(array->size());
    for (const json::value& element : *array) out.push_back(materialize(element, bindings, sp));
    return out;
  }
  return json::value(*at, sp);
}

// One record's mapping. `root` is what `$` names (the record or the envelope); inside a
// buildArrayHelper `bindings` make it the composite object (docs/mappings.md). Templates see
// {record, settings, ...extra}, built on first use in a buffer that lives for this call; in
// record context, inside a composite, `record` is the composite (copied out for templates only).
struct Run {
  const json::value& record;
  const MapContext& context;
  json::storage_ptr sp;
  std::vector<const json::value*> found;
  std::string text;
  json::monotonic_resource* scratch;
  InputContext input;
  const json::value* root = nullptr;
  std::vector<Binding> bindings;
  std::uint64_t composite = 0;  // changes with the bindings
  std::uint64_t composites_made = 0;
  std::optional<json::value> envelope;
  std::uint64_t envelope_of = 0;

  const json::value& template_context() {
    // In envelope context the envelope is built once: `root` and the bindings point into it.
    if (envelope && (input == InputContext::kEnvelope || envelope_of == composite))
      return *envelope;
    const bool copy_out = !bindings.empty() && input == InputContext::kRecord;
    // A composite's copy lives on the heap and goes with the next composite's, so templates over
    // many composites do not pile copies up in the call's buffer.
    json::storage_ptr where = copy_out ? json::storage_ptr() : json::storage_ptr(scratch);
    json::object object(where);
    object.reserve(2 + (context.extra != nullptr ? context.extra->size() : 0));
    if (copy_out) {
      object.emplace("record", materialize(record, bindings, where));
    } else {
      object.emplace("record", record);
    }
    if (context.settings != nullptr) object.emplace("settings", *context.settings);
    if (context.extra != nullptr)
      for (const auto& member : *context.extra) object.emplace(member.key(), member.value());
    envelope.reset();
    envelope.emplace(std::move(object));
    envelope_of = composite;
    return *envelope;
  }
};

// The bindings of each composite object of a buildArrayHelper extract: for every element the
// path reaches, each array (or object under a *) on the way bound to the one element taken from
// it. A path ending on a name whose value is an array iterates that array too.
void composites(const json::value& at, const std::vector<Path::Step>& steps, std::size_t i,
                std::vector<Binding>& current, std::vector<std::vector<Binding>>& out) {
  const json::value* here = &at;
  for (const Binding& binding : current)
    if (binding.from == here) here = binding.to;
  const auto each = [&](const json::value& element) {
    current.push_back({here, &element});
    composites(element, steps, i + 1, current, out);
    current.pop_back();
  };
  if (i == steps.size()) {
    const bool implicit = steps.empty() || steps.back().kind == Path::Step::Kind::kKey;
    if (const json::array* array = here->if_array(); array != nullptr && implicit) {
      for (const json::value& element : *array) {
        current.push_back({here, &element});
        out.push_back(current);
        current.pop_back();
      }
    } else {
      out.push_back(current);
    }
    return;
  }
  const Path::Step& step = steps[i];
  switch (step.kind) {
    case Path::Step::Kind::kKey: {
      if (const json::array* array = here->if_array(); array != nullptr && step.numeric_key) {
        if (step.index < array->size()) each((*array)[step.index]);
        return;
      }
      const json::object* object = here->if_object();
      if (object == nullptr) return;
      if (const json::value* next = step.hint.find(*object, step.key))
        composites(*next, steps, i + 1, current, out);
      return;
    }
    case Path::Step::Kind::kIndex: {
      const json::array* array = here->if_array();
      if (array != nullptr && step.index < array->size()) each((*array)[step.index]);
      return;
    }
    case Path::Step::Kind::kWildcard:
      if (const json::array* array = here->if_array()) {
        for (const json::value& element : *array) each(element);
      } else if (const json::object* object = here->if_object()) {
        for (const auto& member : *object) each(member.value());
      }
      return;
  }
}

Result<void> apply_node(const Node& node, json::object& target, Run& run);

Result<void> apply_nodes(const std::vector<Node>& nodes, json::object& target, Run& run) {
  for (const Node& node : nodes)
    if (auto ok = apply_node(node, target, run); !ok) return ok.error();
  return {};
}

// One value of a buildArrayHelper extract as an element of `node`'s array.
Result<void> push_element(const Node& node, const ArrayHelper& helper, const json::value* value,
                          json::array& out, Run& run) {
  if (is_empty(value)) {
    if (helper.extract_not_empty) return {};
    if (helper.fallback) value = &*helper.fallback;
  }
  if (value == nullptr) return {};
  std::optional<json::value> read;
  if (helper.source_type && !value->is_null()) {
    read = convert(*value, *helper.source_type, run.sp);
    if (!read)
      return record_error(node, *value,
                          "cannot read " + quoted(*value) + " as " +
                              std::string(to_string(*helper.source_type)) + " (sourceDataType in " +
                              helper.json_path + ")");
    value = &*read;
  }
  if (node.type == DataType::kArrayArray) {
    if (!value->is_array() && !value->is_null())
      return record_error(node, *value, "cannot convert " + quoted(*value) + " to an array");
    out.emplace_back(*value);
    return {};
  }
  const DataType element = element_of(node.type);
  if (is_empty(value) && !value->is_array() && element != DataType::kString) {
    out.emplace_back(nullptr);
    return {};
  }
  auto converted = convert(*value, element, run.sp);
  if (!converted)
    return record_error(
        node, *value,
        "cannot convert " + quoted(*value) + " to " + std::string(to_string(element)));
  out.push_back(std::move(*converted));
  return {};
}

// An array mapping built from its buildArrayHelper entries, in order.
Result<void> apply_helpers(const Node& node, json::object& target, Run& run) {
  json::array out(run.sp);
  for (const ArrayHelper& helper : node.helpers) {
    if (!helper.has_children) {
      std::vector<const json::value*> values;
      if (helper.has_path) {
        if (helper.path.has_wildcard()) {
          helper.path.find_all(*run.root, values, run.bindings);
        } else if (const json::value* value = helper.path.find(*run.root, run.bindings);
                   value != nullptr) {
          if (const json::array* array = value->if_array()) {
            for (const json::value& element : *array) values.push_back(&element);
          } else {
            values.push_back(value);
          }
        }
      }
      if (values.empty()) {
        if (auto ok = push_element(node, helper, nullptr, out, run); !ok) return ok.error();
        continue;
      }
      for (const json::value* value : values)
        if (auto ok = push_element(node, helper, value, out, run); !ok) return ok.error();
      continue;
    }
    std::vector<std::vector<Binding>> elements;
    if (helper.has_path) {
      std::vector<Binding> current = run.bindings;
      composites(*run.root, helper.path.steps(), 0, current, elements);
    } else {
      elements.push_back(run.bindings);
    }
    std::vector<Binding> saved = std::move(run.bindings);
    const std::uint64_t saved_composite = run.composite;
    Result<void> ok;
    for (std::size_t i = 0; i < elements.size() && ok; ++i) {
      run.bindings = std::move(elements[i]);
      run.composite = ++run.composites_made;
      if (node.type == DataType::kObjectArray) {
        json::object object(run.sp);
        ok = apply_nodes(helper.children, object, run);
        if (ok) out.emplace_back(std::move(object));
      } else {  // kArrayArray: each child mapping gives one inner array
        for (const Node& inner : helper.children) {
          json::object holder(run.sp);
          ok = apply_node(inner, holder, run);
          if (!ok) break;
          if (json::value* array = holder.if_contains(inner.generate))
            out.push_back(std::move(*array));
        }
      }
    }
    run.bindings = std::move(saved);
    run.composite = saved_composite;
    if (!ok) return ok.error();
  }
  if (out.empty()) return {};  // nothing to build from: the field is left out
  target.insert_or_assign(node.generate, std::move(out));
  return {};
}

Result<void> apply_node(const Node& node, json::object& target, Run& run) {
  if (node.condition == Condition::kRecordCreated && run.context.operation != Operation::kCreate)
    return {};
  if (node.condition == Condition::kRecordUpdated && run.context.operation != Operation::kUpdate)
    return {};
  if (node.has_helpers) return apply_helpers(node, target, run);

  const json::value* value = nullptr;
  json::value holder(run.sp);  // same storage as what is assigned to it, so assignments move
  switch (node.source) {
    case Node::Source::kNone:
      break;
    case Node::Source::kPath:
      if (node.path.has_wildcard()) {
        run.found.clear();
        node.path.find_all(*run.root, run.found, run.bindings);
        if (run.found.empty()) break;  // a wildcard that reaches nothing extracts nothing
        json::array values(run.sp);
        values.reserve(run.found.size());
        for (const json::value* v : run.found) values.push_back(*v);
        holder = std::move(values);
        value = &holder;
      } else {
        value = node.path.find(*run.root, run.bindings);
      }
      break;
    case Node::Source::kTemplate: {
      run.text.clear();
      const std::span<const Binding> seen = run.input == InputContext::kRecord
                                                ? std::span<const Binding>(run.bindings)
                                                : std::span<const Binding>();
      if (!node.plain || !node.plain->render_to(run.text, run.record, seen)) {
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

  std::optional<json::value> read;
  if (node.source_type && value != nullptr && !value->is_null()) {
    read = convert(*value, *node.source_type, run.sp);
    if (!read)
      return record_error(node, *value,
                          "cannot read " + quoted(*value) + " as " +
                              std::string(to_string(*node.source_type)) + " (sourceDataType)");
    value = &*read;
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
  Run run{record, context, sp, {}, {}, &scratch, program.input};
  run.root = program.input == InputContext::kEnvelope ? &run.template_context() : &record;
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
      json::value mapped(json::object(std::move(out)));
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
