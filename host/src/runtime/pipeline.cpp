#include "runtime/pipeline.hpp"

#include <vector>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "plugins/call_limits.hpp"
#include "script/script_engine.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

// "record 3 (\"A3\")": its index in the flow page, from 1, and its _id or id when it has one.
std::string describe_record(const Page& page, size_t i) {
  if (const json::object* o = page.record(i).if_object()) {
    for (std::string_view key : {"_id", "id"}) {
      if (const json::value* id = o->if_contains(key); id && (id->is_string() || id->is_number()))
        return fmt::format("record {} ({} {})", i + 1, key, json::serialize(*id));
    }
  }
  return fmt::format("record {}", i + 1);
}

}  // namespace

Pipeline::Pipeline(std::string source_id, std::string source_name, PipelineLimits limits)
    : source_id_(std::move(source_id)), source_name_(std::move(source_name)), limits_(limits) {}

void Pipeline::add(std::unique_ptr<Step> step) { steps_.push_back(std::move(step)); }

void Pipeline::check_limits(Page& page, const std::string& step_id, std::string_view step,
                            const StepContext& context) const {
  // Sizes are bounds first (page.hpp json_size_bound: no serialization, exact but for doubles);
  // a record is serialized to be measured only when its bound is over a limit, so that records a
  // step changed and a later filter drops are never written out just to be measured.
  std::vector<size_t> sizes(page.size(), 0);
  size_t total = 2;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    sizes[i] = page.json_size_bound(i);
    if (sizes[i] > limits_.record_bytes) sizes[i] = page.json_size(i);
    total += sizes[i] + 1;
  }
  if (total > limits_.page_bytes) {
    total = 2;
    for (size_t i = 0; i < page.size(); ++i) {
      if (page.alive(i)) total += (sizes[i] = page.json_size(i)) + 1;
    }
  }
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    const size_t bytes = sizes[i];
    if (bytes > limits_.record_bytes) {
      page.fail(i, step_id, "record_too_large",
                fmt::format("{} of flow page {} is {} of JSON after {}, over the limit of {} per "
                            "record (SLUICE_RECORD_LIMIT_BYTES); make it smaller at its source or "
                            "in a transformation",
                            describe_record(page, i), context.page_index + 1,
                            host::size_text(bytes), step, host::size_text(limits_.record_bytes)));
    }
  }
  if (total <= limits_.page_bytes) return;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!page.alive(i)) continue;
    page.fail(i, step_id, "page_too_large",
              fmt::format("flow page {} ({} records) is {} of JSON after {}, over the limit of {} "
                          "per page (SLUICE_PAGE_LIMIT_BYTES); lower the export's pageSize",
                          context.page_index + 1, page.size(), host::size_text(total), step,
                          host::size_text(limits_.page_bytes)));
  }
}

Result<StepResult> Pipeline::run(Page& page, const StepContext& job_context) {
  StepContext context = job_context;  // once a page: the steps get the limits
  context.limits = &limits_;
  StepResult result;
  check_limits(page, source_id_, fmt::format("export {}", source_name_), context);
  if (observer_) observer_(nullptr, page, nullptr);
  for (const auto& step : steps_) {
    page.begin_step();
    auto ran = step->run(page, context);
    if (!ran) {
      for (size_t i = 0; i < page.size(); ++i) {
        if (page.alive(i)) {
          page.fail(i, step->step_id(), std::string(script::stored_code_of(ran.error())),
                    ran.error().message, ran.error().details);
        }
      }
      if (observer_) observer_(step.get(), page, &ran);
      return ran.error();
    }
    result.abort = result.abort || ran->abort;
    check_limits(page, step->step_id(), fmt::format("{} {}", step->kind(), step->name()), context);
    if (observer_) observer_(step.get(), page, &ran);
    for (auto& e : ran->job_errors) result.job_errors.push_back(std::move(e));
  }
  return result;
}

}  // namespace sluice::runtime
