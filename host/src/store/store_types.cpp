// Names of resource kinds and the integrator.io JSON shape of jobs and job errors.
#include <boost/json.hpp>
#include <cstdint>

#include "store/error_class.hpp"
#include "store/store.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

std::string string_field(const json::object& doc, std::string_view key) {
  const json::value* value = doc.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->get_string());
}

int64_t count_field(const json::object& doc, std::string_view key) {
  const json::value* value = doc.if_contains(key);
  if (value == nullptr) return 0;
  if (const auto* number = value->if_int64()) return *number;
  if (const auto* number = value->if_uint64()) {
    return *number > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(*number);
  }
  if (const auto* number = value->if_double()) return static_cast<int64_t>(*number);
  return 0;
}

}  // namespace

std::string_view to_string(ResourceKind kind) noexcept {
  switch (kind) {
    case ResourceKind::kConnection:
      return "connections";
    case ResourceKind::kExport:
      return "exports";
    case ResourceKind::kImport:
      return "imports";
    case ResourceKind::kFlow:
      return "flows";
    case ResourceKind::kScript:
      return "scripts";
  }
  return "unknown";
}

std::optional<ResourceKind> resource_kind_from_string(std::string_view text) noexcept {
  for (const ResourceKind kind :
       {ResourceKind::kConnection, ResourceKind::kExport, ResourceKind::kImport,
        ResourceKind::kFlow, ResourceKind::kScript}) {
    const std::string_view plural = to_string(kind);
    if (text == plural || text == plural.substr(0, plural.size() - 1)) return kind;
  }
  return std::nullopt;
}

json::object Job::to_json() const {
  json::object doc;
  doc["_id"] = id;
  doc["_flowId"] = flow_id;
  doc["type"] = type;
  doc["status"] = status;
  doc["numExport"] = num_export;
  doc["numSuccess"] = num_success;
  doc["numIgnore"] = num_ignore;
  doc["numError"] = num_error;
  doc["numPagesGenerated"] = num_pages_generated;
  doc["numPagesProcessed"] = num_pages_processed;
  doc["startedAt"] = started_at;
  if (!ended_at.empty()) doc["endedAt"] = ended_at;
  if (!message.empty()) doc["message"] = message;
  if (pid != 0) doc["pid"] = pid;
  if (pid_start_time != 0) doc["pidStartTime"] = pid_start_time;
  if (!resumed_from.empty()) doc["resumedFrom"] = resumed_from;
  if (!in_flight.is_null()) doc["inFlight"] = in_flight;
  if (!checkpoint.is_null()) doc["checkpoint"] = checkpoint;
  if (!warnings.empty()) doc["warnings"] = warnings;
  if (!metrics.empty()) doc["metrics"] = metrics;
  return doc;
}

Job Job::from_json(const json::object& doc) {
  Job job;
  job.id = string_field(doc, "_id");
  job.flow_id = string_field(doc, "_flowId");
  if (doc.contains("type")) job.type = string_field(doc, "type");
  job.status = string_field(doc, "status");
  job.num_export = count_field(doc, "numExport");
  job.num_success = count_field(doc, "numSuccess");
  job.num_ignore = count_field(doc, "numIgnore");
  job.num_error = count_field(doc, "numError");
  job.num_pages_generated = count_field(doc, "numPagesGenerated");
  job.num_pages_processed = count_field(doc, "numPagesProcessed");
  job.started_at = string_field(doc, "startedAt");
  job.ended_at = string_field(doc, "endedAt");
  job.message = string_field(doc, "message");
  job.pid = count_field(doc, "pid");
  job.pid_start_time = count_field(doc, "pidStartTime");
  job.resumed_from = string_field(doc, "resumedFrom");
  if (const json::value* in_flight = doc.if_contains("inFlight")) job.in_flight = *in_flight;
  if (const json::value* checkpoint = doc.if_contains("checkpoint")) job.checkpoint = *checkpoint;
  if (const json::value* w = doc.if_contains("warnings"); w && w->is_array()) {
    job.warnings = w->get_array();
  }
  if (const json::value* m = doc.if_contains("metrics"); m && m->is_array()) {
    job.metrics = m->get_array();
  }
  return job;
}

json::object JobError::to_json() const {
  json::object doc;
  doc["_id"] = id;
  doc["_jobId"] = job_id;
  doc["_flowId"] = flow_id;
  doc["_stepId"] = step_id;
  doc["code"] = code;
  doc["message"] = message;
  doc["occurredAt"] = occurred_at;
  doc["retryData"] = retry_data;
  if (!details.is_null()) doc["details"] = details;
  doc["resolved"] = resolved;
  doc["classification"] = classification.empty() ? classify_error(code) : classification;
  doc["traceKey"] = trace_key;
  if (!request.is_null()) doc["request"] = request;
  if (!response.is_null()) doc["response"] = response;
  if (!resolved_by.empty()) doc["resolvedBy"] = resolved_by;
  if (!resolved_at.empty()) doc["resolvedAt"] = resolved_at;
  if (retry_data_edited) doc["retryDataEdited"] = true;
  if (!retry_job_id.empty()) doc["_retryJobId"] = retry_job_id;
  if (!note.empty()) doc["note"] = note;
  return doc;
}

JobError JobError::from_json(const json::object& doc) {
  JobError error;
  error.id = string_field(doc, "_id");
  error.job_id = string_field(doc, "_jobId");
  error.flow_id = string_field(doc, "_flowId");
  error.step_id = string_field(doc, "_stepId");
  error.code = string_field(doc, "code");
  error.message = string_field(doc, "message");
  error.occurred_at = string_field(doc, "occurredAt");
  if (const json::value* retry_data = doc.if_contains("retryData")) error.retry_data = *retry_data;
  if (const json::value* details = doc.if_contains("details")) error.details = *details;
  if (const json::value* resolved = doc.if_contains("resolved")) {
    error.resolved = resolved->is_bool() && resolved->get_bool();
  }
  error.classification = string_field(doc, "classification");
  if (error.classification.empty()) error.classification = classify_error(error.code);
  error.trace_key = string_field(doc, "traceKey");
  if (const json::value* request = doc.if_contains("request")) error.request = *request;
  if (const json::value* response = doc.if_contains("response")) error.response = *response;
  error.resolved_by = string_field(doc, "resolvedBy");
  error.resolved_at = string_field(doc, "resolvedAt");
  if (const json::value* edited = doc.if_contains("retryDataEdited")) {
    error.retry_data_edited = edited->is_bool() && edited->get_bool();
  }
  error.retry_job_id = string_field(doc, "_retryJobId");
  error.note = string_field(doc, "note");
  return error;
}

namespace {
Error no_error_management() {
  return make_error(Status::kUnsupported, "this store does not manage errors");
}

}  // namespace

Result<std::vector<JobError>> Store::find_errors(const ErrorQuery&) {
  return no_error_management();
}
Result<std::optional<JobError>> Store::get_error(std::string_view, std::string_view) {
  return no_error_management();
}
Result<size_t> Store::resolve_errors(std::string_view, std::string_view,
                                     const std::vector<std::string>&, std::string_view) {
  return no_error_management();
}
Result<size_t> Store::resolve_by_trace_keys(std::string_view, std::string_view,
                                            const std::vector<std::string>&) {
  return no_error_management();
}
Result<bool> Store::has_open_errors_with_trace_key(std::string_view, std::string_view) {
  return true;
}
Result<bool> Store::edit_retry_data(std::string_view, std::string_view, const boost::json::value&) {
  return no_error_management();
}

Result<boost::json::value> Store::get_sealed_state(std::string_view) {
  return make_error(Status::kUnsupported, "this store does not keep sealed state");
}
Result<void> Store::put_sealed_state(std::string_view, const boost::json::value&) {
  return make_error(Status::kUnsupported, "this store does not keep sealed state");
}

}  // namespace sluice::host
