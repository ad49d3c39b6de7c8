#include "script/hook_callee.hpp"

#include <fmt/format.h>

#include "script/script_engine.hpp"

namespace sluice::script {

HookName::HookName(const ScriptSource& source)
    : name_(source.name), file_name_(source.file_name), id_(source.id) {}

HookName HookName::native(std::string_view plugin_id, std::string_view kind,
                          std::string_view hook) {
  HookName out;
  out.native_ = true;
  out.name_ = hook;
  out.id_ = plugin_id;
  out.kind_ = kind;
  return out;
}

std::string HookName::where(std::string_view function) const {
  if (native_) return fmt::format("native {} hook \"{}\" of plugin \"{}\"", kind_, name_, id_);
  std::string label = fmt::format("script \"{}\"", name_);
  if (!file_name_.empty() && file_name_ != name_) label += fmt::format(" ({})", file_name_);
  return fmt::format("{}, function {}", label, function);
}

boost::json::object HookName::details(std::string_view function) const {
  if (native_) return {{"plugin", id_}, {"hook", name_}, {"hookKind", kind_}};
  boost::json::object out{{"script", name_}, {"function", function}};
  if (!id_.empty()) out["scriptId"] = id_;
  return out;
}

}  // namespace sluice::script
