#include "runtime/fan_out.hpp"

#include <fmt/format.h>
#include <sluice/json_path.hpp>

#include "plugins/call_limits.hpp"
#include "runtime/one_to_many.hpp"

namespace sluice::runtime {

namespace json = boost::json;

namespace {

constexpr std::string_view kParentField = "_PARENT";

std::string_view kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      return "an object";
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "a string";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::null:
      return "null";
    default:
      return "a number";
  }
}

// `record` (an object) without the field at dotted `path`, every other field in its order.
json::value without_path(const json::value& record, std::string_view path) {
  const size_t dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  json::object out;
  for (const auto& [name, value] : record.get_object()) {
    if (name != key) {
      out.emplace(name, value);
    } else if (dot != std::string_view::npos && value.is_object()) {
      out.emplace(name, without_path(value, path.substr(dot + 1)));
    }
  }
  return out;
}

}  // namespace

// Where record i's children are in the child page.
struct FanOutStep::Parent {
  size_t index = 0;
  size_t first = 0;
  size_t count = 0;
};

FanOutStep::FanOutStep(std::unique_ptr<Step> inner, std::string path, bool takes_proceeding,
                       bool proceed_on_failure)
    : inner_(std::move(inner)),
      path_(std::move(path)),
      takes_proceeding_(takes_proceeding),
      proceed_on_failure_(proceed_on_failure) {}

FanOutStep::~FanOutStep() = default;

Result<StepResult> FanOutStep::run(Page& page, const StepContext& context) {
  const ProceedOnFailure proceed(page, proceed_on_failure_);
  std::vector<Parent> parents;
  std::vector<json::value> children;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!(takes_proceeding_ ? page.takes(i) : page.active(i))) continue;
    const json::value* items = find_path(page.record(i), path_);
    if (items == nullptr || items->is_null()) continue;
    if (!items->is_array()) {
      page.fail(i, step_id(), "oneToMany",
                fmt::format("{} {}: pathToMany \"{}\" is {} in this record, not an array of child "
                            "records; fix the record (or the step's pathToMany)",
                            kind(), name(), path_, kind_of(*items)));
      continue;
    }
    const json::array& elements = items->get_array();
    if (elements.empty()) continue;
    bool objects = true;
    for (size_t k = 0; k < elements.size() && objects; ++k) {
      if (elements[k].is_object()) continue;
      objects = false;
      page.fail(i, step_id(), "oneToMany",
                fmt::format("{} {}: {}[{}] is {}, not an object: each element of pathToMany is "
                            "a child record; fix the record (or the step's pathToMany)",
                            kind(), name(), path_, k, kind_of(elements[k])));
    }
    if (!objects) continue;
    parents.push_back(Parent{i, children.size(), elements.size()});
    const json::value parent = without_path(page.record(i), path_);
    for (const json::value& element : elements) {
      json::object child = element.get_object();
      child[kParentField] = parent;
      children.emplace_back(std::move(child));
    }
  }
  if (children.empty()) return StepResult{};

  Page child_page;
  child_page.replace_live(std::move(children));
  child_page.begin_step();
  if (context.limits != nullptr &&
      !within_limits(page, child_page, parents, *context.limits, context.page_index)) {
    return StepResult{};
  }
  Result<StepResult> ran = inner_->run(child_page, context);
  if (child_observer_) {
    for (const Parent& parent : parents)
      child_observer_(parent.index, child_page, parent.first, parent.count);
  }

  for (const Parent& parent : parents) {
    const size_t i = parent.index;
    std::string code, message;
    json::array failed;
    size_t ignored = 0;
    bool submitted = false;
    for (size_t k = 0; k < parent.count; ++k) {
      const size_t c = parent.first + k;
      submitted = submitted || child_page.submitted(c);
      if (child_page.state(c) == RecordState::kIgnored) ++ignored;
      const RecordError* error = child_page.error(c);
      if (error == nullptr) continue;
      if (failed.empty()) code = error->code;
      message += fmt::format("{}{}[{}]: {}", message.empty() ? "" : "; ", path_, k, error->message);
      failed.push_back(
          json::object{{"index", k}, {"code", error->code}, {"message", error->message}});
    }
    if (submitted) page.mark_submitted(i);
    if (!failed.empty()) {
      const size_t n = failed.size();
      page.fail(
          i, step_id(), std::move(code),
          fmt::format("{} of {} child records at {} failed: {}", n, parent.count, path_, message),
          json::object{{"pathToMany", path_}, {"failed", std::move(failed)}});
      continue;
    }
    if (!page.alive(i)) continue;
    if (ignored == parent.count) {
      page.ignore(i);
      continue;
    }
    // Write back the children the step changed (its response mapping, postResponseMap).
    json::value* items = nullptr;
    for (size_t k = 0; k < parent.count; ++k) {
      const size_t c = parent.first + k;
      if (!child_page.alive(c) || !child_page.record(c).is_object()) continue;
      json::object child;  // the child without _PARENT, its fields in order
      for (const auto& [key, value] : child_page.record(c).get_object()) {
        if (key != kParentField) child.emplace(key, value);
      }
      const json::value* before = find_path(page.record(i), path_);
      if (before != nullptr && before->is_array() && k < before->get_array().size() &&
          before->get_array()[k] == child) {
        continue;
      }
      if (items == nullptr) items = find_path(page.mutable_record(i), path_);
      if (items == nullptr || !items->is_array() || k >= items->get_array().size()) break;
      items->get_array()[k] = std::move(child);
    }
  }
  return ran;
}

bool FanOutStep::within_limits(Page& page, Page& child_page, const std::vector<Parent>& parents,
                               const PipelineLimits& limits, int64_t page_index) const {
  size_t total = 2;
  for (size_t c = 0; c < child_page.size(); ++c) {
    const size_t bytes = child_page.json_size(c);
    total += bytes + 1;
    if (bytes > limits.record_bytes) {
      child_page.fail(
          c, step_id(), "record_too_large",
          fmt::format("the child record is {} of JSON with its {}, over the limit of {} "
                      "per record (SLUICE_RECORD_LIMIT_BYTES); make the record smaller "
                      "(each child carries all of it but {})",
                      host::size_text(bytes), kParentField, host::size_text(limits.record_bytes),
                      path_));
    }
  }
  if (total <= limits.page_bytes) return true;
  for (const Parent& parent : parents) {
    page.fail(
        parent.index, step_id(), "page_too_large",
        fmt::format("{} {}: the {} child records at {} of flow page {} are {} of JSON "
                    "together (each with its {}), over the limit of {} per page "
                    "(SLUICE_PAGE_LIMIT_BYTES); lower the export's pageSize so that fewer "
                    "records fan out together",
                    kind(), name(), child_page.size(), path_, page_index + 1,
                    host::size_text(total), kParentField, host::size_text(limits.page_bytes)));
  }
  return false;
}

Result<std::unique_ptr<Step>> fan_out_if_one_to_many(const json::object& doc, std::string_view what,
                                                     std::unique_ptr<Step> step,
                                                     bool takes_proceeding,
                                                     bool proceed_on_failure) {
  if (auto problem = one_to_many_problem(doc)) {
    return make_error(Status::kInvalidConfig, fmt::format("{}: {}", what, *problem));
  }
  std::optional<std::string> path = path_to_many_of(doc);
  if (!path) return step;
  return std::unique_ptr<Step>(std::make_unique<FanOutStep>(std::move(step), std::move(*path),
                                                            takes_proceeding, proceed_on_failure));
}

}  // namespace sluice::runtime
