#include "runtime/job_environment.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include "runtime/clock.hpp"
#include "runtime/flow_runner.hpp"
#include "runtime/job_log.hpp"
#include "sluice/abi/plugin.h"
#include "store/connection_state.hpp"

namespace sluice::runtime {

namespace json = boost::json;

JobEnvironment::JobEnvironment(const FlowPlan& plan, std::string job_id,
                               const std::atomic<bool>* cancelled, host::CallLimits limits,
                               host::Store* store)
    : plan_(plan),
      job_id_(std::move(job_id)),
      cancelled_(cancelled),
      limits_(limits),
      store_(store) {}

JobEnvironment::~JobEnvironment() {
  lookups_.clear();
  imports_.clear();
  connections_.clear();
}

Result<host::RemoteConnection*> JobEnvironment::connection_for(const StepConnection& step) {
  if (step.connector == nullptr) {  // the data loader's export (SimpleExport) has none
    return make_error(Status::kUnsupported, "this step has no connection to open");
  }
  auto found = connections_.find(step.id);
  if (found != connections_.end()) return found->second.get();
  std::shared_ptr<const host::ConnectionStateAccess> state;
  if (store_ != nullptr) {
    auto offline = host::connection_offline(*store_, step.id);
    if (!offline) return offline.error();
    if (*offline) return host::offline_error(step.id, **offline);
    state = host::connection_state_access(*store_, step.id);
  }
  auto opened = host::RemoteConnection::open(*step.connector, json::serialize(step.doc),
                                             fmt::format("connection {}", step.id), cancelled_,
                                             limits_, std::move(state));
  if (!opened) return opened.error();
  return (connections_[step.id] = std::move(*opened)).get();
}

Result<host::RemoteImport*> JobEnvironment::import_for(size_t index) {
  if (imports_.size() < plan_.processors.size()) imports_.resize(plan_.processors.size());
  if (imports_[index]) return imports_[index].get();
  const ProcessorStep& step = plan_.processors[index];
  auto connection = connection_for(step.connection);
  if (!connection) return connection.error();
  auto opened =
      (*connection)->open_import(json::serialize(step.doc), fmt::format("import {}", step.name));
  if (!opened) return opened.error();
  return (imports_[index] = std::move(*opened)).get();
}

Result<host::RemoteLookup*> JobEnvironment::lookup_for(size_t index) {
  if (lookups_.size() < plan_.processors.size()) lookups_.resize(plan_.processors.size());
  if (lookups_[index]) return lookups_[index].get();
  const ProcessorStep& step = plan_.processors[index];
  auto connection = connection_for(step.connection);
  if (!connection) return connection.error();
  auto opened =
      (*connection)->open_lookup(json::serialize(step.doc), fmt::format("lookup {}", step.name));
  if (!opened) return opened.error();
  return (lookups_[index] = std::move(*opened)).get();
}

StepContext JobEnvironment::step_context(std::string export_id, const json::object* export_settings,
                                         StepContext::Log log) const {
  StepContext context;
  context.flow_settings = &plan_.settings;
  context.export_settings = export_settings != nullptr ? export_settings : &no_settings_;
  context.integration_settings = &no_settings_;
  context.export_id = std::move(export_id);
  context.flow_id = plan_.flow_id;
  context.job_id = job_id_;
  context.cancelled = cancelled_;
  context.log = std::move(log);
  return context;
}

std::string JobEnvironment::run_context(const GeneratorStep& generator, ExportType type,
                                        std::string last_export_date_time, bool test_mode,
                                        StepContext& context) const {
  context.last_export_date_time = std::move(last_export_date_time);
  context.current_export_date_time = now_iso8601();
  context.test_mode = test_mode;
  json::object settings{{"flow", plan_.settings}, {"export", generator.settings}};
  return json::serialize(
      json::object{{"type", to_string(type)},
                   {"lastExportDateTime", context.last_export_date_time.empty()
                                              ? json::value(nullptr)
                                              : json::value(context.last_export_date_time)},
                   {"currentExportDateTime", context.current_export_date_time},
                   {"test", type == ExportType::kTest
                                ? json::value(json::object{{"limit", generator.test_limit}})
                                : json::value(nullptr)},
                   {"settings", std::move(settings)},
                   {"jobId", job_id_},
                   {"testMode", test_mode}});
}

std::string last_export_date_time(host::Store& store, const GeneratorStep& generator,
                                  ExportType type, const std::string& start_date) {
  if (type != ExportType::kDelta) return {};
  if (!start_date.empty()) return start_date;
  if (auto stored = store.get_state(delta_time_key(generator.export_id));
      stored && stored->is_string()) {
    if (auto ms = ms_from_iso8601(stored->get_string()))
      return iso8601_from_ms(*ms - generator.delta_lag_offset_ms);
  }
  return generator.delta_start_date;
}

StepContext::Log job_log_writer(JobLog& log, std::string scope) {
  return [&log, scope = std::move(scope)](std::string_view level, std::string_view message) {
    int32_t n = SLUICE_LOG_INFO;
    for (int32_t l : {SLUICE_LOG_DEBUG, SLUICE_LOG_INFO, SLUICE_LOG_WARN, SLUICE_LOG_ERROR})
      if (level == log_level_name(l)) n = l;
    log.log(n, scope, message);
  };
}

}  // namespace sluice::runtime
