#include "runtime/trace_key.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;

std::string record_id_key(const json::value& record) {
  if (const json::object* o = record.if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (const json::value* id = o->if_contains(key)) {
        if (id->is_string()) return std::string(id->get_string());
        if (id->is_number()) return json::serialize(*id);
      }
    }
  }
  return {};
}

Result<TraceKey> TraceKey::of_step(const json::object& step_doc, std::string_view where) {
  TraceKey key;
  const json::value* text = step_doc.if_contains("traceKeyTemplate");
  if (text == nullptr || !text->is_string() || text->get_string().empty()) return key;
  auto parsed =
      support::Template::parse(text->get_string(), fmt::format("{}: traceKeyTemplate", where));
  if (!parsed) return parsed.error();
  key.template_.emplace(std::move(*parsed));
  return key;
}

std::string TraceKey::of(const json::value& record) const {
  if (template_) {
    const support::Binding bindings[] = {{"record", &record}};
    support::RenderOptions options;
    options.escape = support::Escape::kNone;
    options.bindings = bindings;
    auto rendered = template_->evaluate(json::value(json::object()), options);
    if (rendered && !rendered->empty()) return std::move(*rendered);
  }
  return record_id_key(record);
}

}  // namespace sluice::runtime
