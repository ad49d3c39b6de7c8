#include "runtime/error_manager.hpp"

#include <fmt/format.h>

#include <vector>

namespace sluice::runtime {

namespace json = boost::json;

namespace {

const json::object* doc_of_step(const FlowPlan& plan, const std::string& step_id) {
  for (const ProcessorStep& p : plan.processors) {
    if (p.import_id == step_id) return &p.doc;
  }
  for (const GeneratorStep& g : plan.generators) {
    if (g.export_id == step_id) return &g.doc;
  }
  return nullptr;
}

TraceKey compile(const json::object* doc, const std::string& step_id) {
  if (doc == nullptr) return TraceKey();
  auto key = TraceKey::of_step(*doc, step_id);
  return key ? std::move(*key) : TraceKey();
}

}  // namespace

const TraceKey& TraceKeys::of_step(const std::string& step_id,
                                   const std::string& source_export_id) {
  auto [at, inserted] = keys_.try_emplace({step_id, source_export_id});
  if (!inserted) return at->second;
  TraceKey own = compile(doc_of_step(plan_, step_id), step_id);
  at->second = own.has_template() || step_id == source_export_id
                   ? std::move(own)
                   : compile(doc_of_step(plan_, source_export_id), source_export_id);
  return at->second;
}

void lift_exchange(host::JobError& error) {
  json::object* details = error.details.if_object();
  if (details == nullptr) return;
  for (auto [key, target] : {std::pair<std::string_view, json::value*>{"request", &error.request},
                             {"response", &error.response}}) {
    if (auto found = details->find(key); found != details->end()) {
      *target = json::value(found->value(), json::storage_ptr());
      details->erase(found);
    }
  }
  if (details->empty()) error.details = nullptr;
}

Result<size_t> auto_resolve(host::Store& store, const FlowPlan& plan, TraceKeys& keys,
                            const Page& page, const std::string& source_export_id,
                            const std::vector<std::vector<std::string>>* branch_steps) {
  if (plan.processors.empty()) return size_t{0};
  // Steps in pipeline order: the source export (its steps), then each processor.
  std::vector<std::string> steps{source_export_id};
  for (const ProcessorStep& p : plan.processors) steps.push_back(p.import_id);
  // Only the steps with open errors that have a key: most pages of most jobs have none.
  std::vector<bool> wanted(steps.size());
  bool any = false;
  for (size_t s = 0; s < steps.size(); ++s) {
    auto has = store.has_open_errors_with_trace_key(plan.flow_id, steps[s]);
    if (!has) return has.error();
    wanted[s] = *has;
    any = any || *has;
  }
  if (!any) return size_t{0};
  std::vector<std::vector<std::string>> succeeded(steps.size());
  for (size_t i = 0; i < page.size(); ++i) {
    size_t past = 0;  // how many steps (from the first) the record got past
    if (page.state(i) == RecordState::kAlive) {
      past = steps.size();
    } else if (const RecordError* error = page.error(i)) {
      for (size_t s = 0; s < steps.size(); ++s) {
        if (steps[s] == error->step_id) past = s;
      }
    }
    if (!plan.routers.empty()) {
      // Routers: the source export if the record got past it, then the branch steps it passed.
      const bool past_source =
          page.state(i) == RecordState::kAlive ||
          (page.error(i) != nullptr && page.error(i)->step_id != source_export_id);
      past = past_source ? 1 : 0;
      if (branch_steps != nullptr && i < branch_steps->size()) {
        for (const std::string& step : (*branch_steps)[i]) {
          for (size_t s = 1; s < steps.size(); ++s) {
            if (steps[s] != step || !wanted[s]) continue;
            std::string key = keys.of_step(steps[s], source_export_id).of(page.record(i));
            if (!key.empty()) succeeded[s].push_back(std::move(key));
            break;
          }
        }
      }
    }
    for (size_t s = 0; s < past; ++s) {
      if (!wanted[s]) continue;
      std::string key = keys.of_step(steps[s], source_export_id).of(page.record(i));
      if (!key.empty()) succeeded[s].push_back(std::move(key));
    }
  }
  size_t resolved = 0;
  for (size_t s = 0; s < steps.size(); ++s) {
    if (succeeded[s].empty()) continue;
    auto n = store.resolve_by_trace_keys(plan.flow_id, steps[s], succeeded[s]);
    if (!n) return n.error();
    resolved += *n;
  }
  return resolved;
}

std::string errors_list_words(std::string_view flow) {
  for (std::string_view word : {"resolve", "retry", "edit", "list"}) {
    if (flow == word) return "list " + std::string(flow);
  }
  return std::string(flow);
}

}  // namespace sluice::runtime
