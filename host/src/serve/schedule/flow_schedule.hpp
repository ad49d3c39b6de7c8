// What `sluice serve` reads of a flow to schedule it (docs/serve.md, "Schedules"): its
// `schedule`, `timezone`, `pageGenerators[].schedule` (schedule overrides), `disabled` and
// `_runNextFlowIds`. `sluice apply` refuses a flow this reading finds problems in, so a stored
// flow reads cleanly; the scheduler skips one that does not.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "serve/schedule/cron.hpp"

namespace sluice::serve::schedule {

struct FlowSchedule {
  std::string flow_id;
  bool disabled = false;
  std::string zone_name = "UTC";          // $.timezone, default UTC
  const date::time_zone* zone = nullptr;  // never null after read_flow_schedule
  std::optional<CronSchedule> schedule;   // $.schedule; none (absent or ""): not scheduled
  // pageGenerators[index].schedule, in index order: that source runs alone on it.
  std::vector<std::pair<size_t, CronSchedule>> overrides;
  std::vector<std::string> run_next;  // $._runNextFlowIds

  bool scheduled() const { return schedule.has_value() || !overrides.empty(); }
};

// Reads `doc`. Each problem is appended to `problems` as "$.path: what is wrong and what to do"
// (the caller adds the file and the flow); what has a problem is left out of the result (a bad
// timezone reads as UTC).
FlowSchedule read_flow_schedule(std::string_view flow_id, const boost::json::object& doc,
                                std::vector<std::string>& problems);

}  // namespace sluice::serve::schedule
