#include "serve/schedule/flow_schedule.hpp"

#include <date/tz.h>

namespace sluice::serve::schedule {

namespace json = boost::json;

FlowSchedule read_flow_schedule(std::string_view flow_id, const json::object& doc,
                                std::vector<std::string>& problems) {
  FlowSchedule out;
  out.flow_id = std::string(flow_id);
  out.zone = date::locate_zone("UTC");
  if (const json::value* disabled = doc.if_contains("disabled"); disabled && disabled->is_bool())
    out.disabled = disabled->get_bool();
  if (const json::value* tz = doc.if_contains("timezone"); tz && !tz->is_null()) {
    if (!tz->is_string()) {
      problems.push_back("$.timezone: expected an IANA time zone name such as \"Europe/Berlin\"");
    } else if (auto zone = find_zone(tz->get_string()); !zone) {
      problems.push_back("$.timezone: " + zone.error().message);
    } else {
      out.zone = *zone;
      out.zone_name = std::string(tz->get_string());
    }
  }
  const auto read = [&](const json::value* value,
                        const std::string& path) -> std::optional<CronSchedule> {
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_string()) {
      problems.push_back(path + ": expected a cron schedule such as \"? 0 2 ? * *\"");
      return std::nullopt;
    }
    if (value->get_string().empty()) return std::nullopt;
    auto parsed = parse_cron(value->get_string());
    if (!parsed) {
      problems.push_back(path + ": " + parsed.error().message);
      return std::nullopt;
    }
    return std::move(*parsed);
  };
  out.schedule = read(doc.if_contains("schedule"), "$.schedule");
  if (const json::value* generators = doc.if_contains("pageGenerators");
      generators && generators->is_array()) {
    const json::array& list = generators->get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const json::object* generator = list[i].if_object();
      if (generator == nullptr) continue;
      auto schedule = read(generator->if_contains("schedule"),
                           "$.pageGenerators[" + std::to_string(i) + "].schedule");
      if (schedule) out.overrides.emplace_back(i, std::move(*schedule));
    }
  }
  if (const json::value* next = doc.if_contains("_runNextFlowIds"); next && !next->is_null()) {
    const json::array* list = next->if_array();
    if (list == nullptr) {
      problems.push_back("$._runNextFlowIds: expected an array of flow ids");
    } else {
      for (size_t i = 0; i < list->size(); ++i) {
        if (!(*list)[i].is_string() || (*list)[i].get_string().empty()) {
          problems.push_back("$._runNextFlowIds[" + std::to_string(i) +
                             "]: expected the _id of a flow");
          continue;
        }
        out.run_next.emplace_back((*list)[i].get_string());
      }
    }
  }
  return out;
}

}  // namespace sluice::serve::schedule
