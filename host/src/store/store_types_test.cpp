#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "store/store.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;

TEST(ResourceKindTest, ToStringGivesThePluralName) {
  EXPECT_EQ(to_string(ResourceKind::kConnection), "connections");
  EXPECT_EQ(to_string(ResourceKind::kExport), "exports");
  EXPECT_EQ(to_string(ResourceKind::kImport), "imports");
  EXPECT_EQ(to_string(ResourceKind::kFlow), "flows");
}

TEST(ResourceKindTest, FromStringAcceptsPluralAndSingular) {
  EXPECT_EQ(resource_kind_from_string("connections"), ResourceKind::kConnection);
  EXPECT_EQ(resource_kind_from_string("connection"), ResourceKind::kConnection);
  EXPECT_EQ(resource_kind_from_string("exports"), ResourceKind::kExport);
  EXPECT_EQ(resource_kind_from_string("export"), ResourceKind::kExport);
  EXPECT_EQ(resource_kind_from_string("imports"), ResourceKind::kImport);
  EXPECT_EQ(resource_kind_from_string("import"), ResourceKind::kImport);
  EXPECT_EQ(resource_kind_from_string("flows"), ResourceKind::kFlow);
  EXPECT_EQ(resource_kind_from_string("flow"), ResourceKind::kFlow);
  EXPECT_EQ(resource_kind_from_string("scripts"), ResourceKind::kScript);
  EXPECT_EQ(resource_kind_from_string("script"), ResourceKind::kScript);
}

TEST(ResourceKindTest, FromStringRejectsAnythingElse) {
  EXPECT_EQ(resource_kind_from_string(""), std::nullopt);
  EXPECT_EQ(resource_kind_from_string("Flows"), std::nullopt);
  EXPECT_EQ(resource_kind_from_string("flowss"), std::nullopt);
  EXPECT_EQ(resource_kind_from_string("stack"), std::nullopt);
}

Job finished_job() {
  Job job;
  job.id = "j1";
  job.flow_id = "f1";
  job.status = "failed";
  job.num_export = 10;
  job.num_success = 7;
  job.num_ignore = 1;
  job.num_error = 2;
  job.num_pages_generated = 3;
  job.num_pages_processed = 4;
  job.started_at = "2026-11-27T20:15:00.123Z";
  job.ended_at = "2026-11-27T20:16:00.000Z";
  job.message = "2 records failed";
  return job;
}

TEST(JobTest, ToJsonUsesIntegratorIoKeys) {
  EXPECT_EQ(json::value(finished_job().to_json()), json::parse(R"({
    "_id": "j1", "_flowId": "f1", "type": "flow", "status": "failed",
    "numExport": 10, "numSuccess": 7, "numIgnore": 1, "numError": 2,
    "numPagesGenerated": 3, "numPagesProcessed": 4,
    "startedAt": "2026-11-27T20:15:00.123Z", "endedAt": "2026-11-27T20:16:00.000Z",
    "message": "2 records failed"})"));
}

TEST(JobTest, ToJsonOmitsEmptyEndedAtAndMessage) {
  Job job;
  job.id = "j2";
  job.flow_id = "f1";
  job.status = "running";
  job.started_at = "2026-11-27T20:15:00.123Z";
  EXPECT_EQ(json::value(job.to_json()), json::parse(R"({
    "_id": "j2", "_flowId": "f1", "type": "flow", "status": "running",
    "numExport": 0, "numSuccess": 0, "numIgnore": 0, "numError": 0,
    "numPagesGenerated": 0, "numPagesProcessed": 0,
    "startedAt": "2026-11-27T20:15:00.123Z"})"));
}

TEST(JobTest, FromJsonInvertsToJson) {
  const Job job = finished_job();
  EXPECT_EQ(Job::from_json(job.to_json()).to_json(), job.to_json());
}

TEST(JobTest, FromJsonDefaultsMissingFields) {
  const Job job = Job::from_json(json::parse(R"({"_id": "j3"})").as_object());
  EXPECT_EQ(job.id, "j3");
  EXPECT_EQ(job.type, "flow");
  EXPECT_EQ(job.status, "");
  EXPECT_EQ(job.num_export, 0);
  EXPECT_EQ(job.ended_at, "");
}

JobError sample_error() {
  JobError error;
  error.id = "e1";
  error.job_id = "j1";
  error.flow_id = "f1";
  error.step_id = "imp1";
  error.code = "422";
  error.message = "email is invalid";
  error.occurred_at = "2026-11-27T20:15:30.000Z";
  error.retry_data = json::parse(R"({"email": "nope", "lines": [1, 2]})");
  error.resolved = true;
  return error;
}

TEST(JobErrorTest, ToJsonUsesIntegratorIoKeys) {
  EXPECT_EQ(json::value(sample_error().to_json()), json::parse(R"({
    "_id": "e1", "_jobId": "j1", "_flowId": "f1", "_stepId": "imp1", "code": "422",
    "message": "email is invalid", "occurredAt": "2026-11-27T20:15:30.000Z",
    "retryData": {"email": "nope", "lines": [1, 2]}, "resolved": true,
    "classification": "value", "traceKey": ""})"));
}

TEST(JobErrorTest, FromJsonInvertsToJson) {
  const JobError error = sample_error();
  EXPECT_EQ(JobError::from_json(error.to_json()).to_json(), error.to_json());
}

}  // namespace
}  // namespace sluice::host
