#include "script/script_reference.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace sluice::script {

namespace json = boost::json;

namespace {

std::string string_of(const json::object& doc, std::string_view key) {
  const auto* v = doc.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string found(const json::value* value) {
  if (value == nullptr) return "nothing";
  std::string text = json::serialize(*value);
  if (text.size() > 80) text = text.substr(0, 77) + "...";
  return text;
}

}  // namespace

ScriptSource script_source_of(const json::object& doc) {
  ScriptSource source;
  source.id = string_of(doc, "_id");
  source.name = string_of(doc, "name");
  if (source.name.empty()) source.name = source.id;
  source.content = string_of(doc, "content");
  return source;
}

ScriptReferenceChecker::ScriptReferenceChecker(FindScript find, ScriptLimits limits)
    : find_(std::move(find)), limits_(limits) {}

std::optional<std::string> ScriptReferenceChecker::check(const json::value* reference,
                                                         std::string_view path) {
  const json::object* ref = reference != nullptr ? reference->if_object() : nullptr;
  if (ref == nullptr) {
    return fmt::format("{}: expected {{\"_scriptId\": ..., \"function\": ...}}, found {}", path,
                       found(reference));
  }
  for (const auto& [key, value] : *ref) {
    if (key != "_scriptId" && key != "function") {
      return fmt::format("{}.{}: unknown field; a script reference has _scriptId and function",
                         path, std::string_view(key));
    }
  }
  const json::value* id = ref->if_contains("_scriptId");
  if (id == nullptr || !id->is_string() || id->get_string().empty()) {
    return fmt::format("{}._scriptId: expected the _id of a script, found {}", path, found(id));
  }
  const json::value* function = ref->if_contains("function");
  if (function == nullptr || !function->is_string() || function->get_string().empty()) {
    return fmt::format("{}.function: expected the name of a function of script {}, found {}", path,
                       std::string_view(id->get_string()), found(function));
  }
  const std::string script_id(id->get_string());
  const std::string name(function->get_string());
  auto it = engines_.find(script_id);
  if (it == engines_.end()) {
    const json::object* doc = find_(script_id);
    if (doc == nullptr) {
      return fmt::format(
          "{}._scriptId: expected an existing script, found \"{}\", which is "
          "neither in this apply nor in the store",
          path, script_id);
    }
    it = engines_.emplace(script_id, ScriptEngine::load(script_source_of(*doc), limits_)).first;
  }
  if (!it->second) {
    return fmt::format("{}._scriptId: script {} cannot be loaded: {}", path, script_id,
                       it->second.error().message);
  }
  ScriptEngine& engine = **it->second;
  if (!engine.has_function(name)) {
    return fmt::format(
        "{}.function: script \"{}\" ({}) defines no function named \"{}\"; "
        "define it or name one of its functions",
        path, engine.source().name, script_id, name);
  }
  return std::nullopt;
}

}  // namespace sluice::script
