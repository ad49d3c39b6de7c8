#include "serve/webhook/intake_worker.hpp"

#include <algorithm>

namespace sluice::serve::webhook {

namespace json = boost::json;

IntakeWorker::IntakeWorker(host::Store& store, JobLauncher& launcher, runtime::RunOptions run)
    : state_(std::make_shared<State>(store, launcher, std::move(run))) {}

std::vector<std::string> IntakeWorker::flows_of(std::string_view export_id) {
  std::vector<std::string> out;
  auto flows = state_->store.list_resources(host::ResourceKind::kFlow, host::Secrets::kMasked);
  if (!flows) return out;
  for (const json::object& flow : *flows) {
    const json::value* disabled = flow.if_contains("disabled");
    if (disabled != nullptr && disabled->is_bool() && disabled->as_bool()) continue;
    const json::value* generators = flow.if_contains("pageGenerators");
    if (generators == nullptr || !generators->is_array()) continue;
    const bool fed = std::any_of(
        generators->as_array().begin(), generators->as_array().end(), [&](const json::value& g) {
          const json::value* id = g.is_object() ? g.as_object().if_contains("_exportId") : nullptr;
          return id != nullptr && id->is_string() && id->as_string() == export_id;
        });
    const json::value* id = flow.if_contains("_id");
    if (fed && id != nullptr && id->is_string()) out.emplace_back(id->as_string());
  }
  return out;
}

void IntakeWorker::start() {
  auto exports = state_->store.list_resources(host::ResourceKind::kExport, host::Secrets::kMasked);
  if (!exports) return;
  std::set<std::string> flows;
  for (const json::object& exp : *exports) {
    const json::value* adaptor = exp.if_contains("adaptorType");
    const json::value* id = exp.if_contains("_id");
    if (adaptor == nullptr || !adaptor->is_string() || adaptor->as_string() != "WebhookExport" ||
        id == nullptr || !id->is_string()) {
      continue;
    }
    auto queued = state_->store.count_intake(id->as_string());
    if (!queued || *queued == 0) continue;
    for (std::string& flow : flows_of(id->as_string())) flows.insert(std::move(flow));
  }
  std::lock_guard lock(state_->mutex);
  for (const std::string& flow : flows) launch_locked(state_, flow, true);
}

void IntakeWorker::notify(std::string_view export_id) {
  const std::vector<std::string> flows = flows_of(export_id);
  std::lock_guard lock(state_->mutex);
  for (const std::string& flow : flows) launch_locked(state_, flow, false);
}

void IntakeWorker::stop() {
  std::lock_guard lock(state_->mutex);
  state_->stopped = true;
  state_->pending.clear();
}

void IntakeWorker::launch_locked(const std::shared_ptr<State>& state, const std::string& flow_id,
                                 bool resume) {
  if (state->stopped) return;
  runtime::RunOptions options = state->run;
  options.resume = resume;
  auto launched = state->launcher.launch(
      flow_id, std::move(options),
      [state, resume](const std::string& flow, const Result<host::Job>& job) {
        ended(state, flow, resume, job);
      });
  // Running already: once more when it ends (the launcher refuses only while it runs or drains).
  if (!launched) state->pending.insert(flow_id);
}

void IntakeWorker::ended(const std::shared_ptr<State>& state, const std::string& flow_id,
                         bool resumed, const Result<host::Job>& job) {
  std::lock_guard lock(state->mutex);
  if (state->stopped) return;
  if (resumed && !job) {  // nothing to resume: run it afresh
    launch_locked(state, flow_id, false);
    return;
  }
  if (state->pending.erase(flow_id) > 0) launch_locked(state, flow_id, false);
}

}  // namespace sluice::serve::webhook
