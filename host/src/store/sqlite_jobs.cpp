#include "store/sqlite_jobs.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/redacted.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

Result<Job> parse_job(const SqliteDb& db, std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return make_error(Status::kInternal,
                      fmt::format("store {} holds a damaged job document ({}) — move the store "
                                  "aside or delete the job's row",
                                  db.path(), ec ? ec.message() : "not a JSON object"));
  }
  return Job::from_json(doc.get_object());
}

}  // namespace

Result<void> sqlite_upsert_job(SqliteDb& db, const Job& job) {
  auto insert = db.prepare(
      "INSERT INTO jobs (id, flow_id, started_at, doc) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET flow_id = excluded.flow_id, "
      "started_at = excluded.started_at, doc = excluded.doc",
      fmt::format("store job {}", job.id));
  if (!insert) return insert.error();
  insert->bind(1, job.id);
  insert->bind(2, job.flow_id);
  insert->bind(3, job.started_at);
  insert->bind(4, json::serialize(redacted(job.to_json())));
  if (auto done = insert->step(); !done) return done.error();
  return {};
}

Result<Store::FlowClaim> sqlite_claim_flow(SqliteDb& db, const Job& job,
                                           const std::function<bool(Job&)>& close_if_dead) {
  if (job.id.empty() || job.flow_id.empty()) {
    return make_error(Status::kInvalidConfig, "cannot claim a flow for a job without an id");
  }
  auto transaction = SqliteTransaction::begin(db, fmt::format("claim flow {}", job.flow_id));
  if (!transaction) return transaction.error();
  auto select = db.prepare(
      "SELECT doc FROM jobs WHERE flow_id = ? AND json_extract(doc, '$.status') = 'running' "
      "ORDER BY started_at DESC, id DESC",
      fmt::format("list the running jobs of flow {}", job.flow_id));
  if (!select) return select.error();
  select->bind(1, job.flow_id);
  std::vector<Job> running;
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    auto found = parse_job(db, select->column_text(0));
    if (!found) return found.error();
    running.push_back(std::move(*found));
  }
  Store::FlowClaim claim;
  for (Job& other : running) {
    if (!close_if_dead(other)) {
      claim.holder = std::move(other);
      return claim;  // the transaction rolls back: nothing written
    }
    if (auto done = sqlite_upsert_job(db, other); !done) return done.error();
    claim.closed.push_back(std::move(other));
  }
  if (!job.resumed_from.empty()) {
    auto newest = db.prepare(
        "SELECT id FROM jobs WHERE flow_id = ? AND "
        "coalesce(json_extract(doc, '$.type'), 'flow') != 'retry' "
        "ORDER BY started_at DESC, id DESC LIMIT 1",
        fmt::format("find the newest job of flow {}", job.flow_id));
    if (!newest) return newest.error();
    newest->bind(1, job.flow_id);
    auto row = newest->step();
    if (!row) return row.error();
    if (*row && newest->column_text(0) != job.resumed_from) {
      claim.superseded = std::string(newest->column_text(0));
      return claim;
    }
  }
  if (auto done = sqlite_upsert_job(db, job); !done) return done.error();
  if (auto done = transaction->commit(); !done) return done.error();
  claim.claimed = true;
  return claim;
}

Result<bool> sqlite_update_running_job(SqliteDb& db, const Job& job,
                                       const std::vector<JobError>& errors,
                                       size_t retry_data_limit) {
  auto transaction = SqliteTransaction::begin(db, fmt::format("record job {}", job.id));
  if (!transaction) return transaction.error();
  auto update = db.prepare_cached(
      "UPDATE jobs SET doc = ? WHERE id = ? AND json_extract(doc, '$.status') = 'running' "
      "RETURNING id",
      fmt::format("record job {}", job.id));
  if (!update) return update.error();
  update->bind(1, json::serialize(redacted(job.to_json())));
  update->bind(2, job.id);
  auto row = update->step();
  if (!row) return row.error();
  if (!*row) return false;  // not running any more: roll back, write nothing
  if (auto done = update->step(); !done) return done.error();
  if (auto done = sqlite_insert_errors(db, errors, retry_data_limit); !done) return done.error();
  if (auto done = transaction->commit(); !done) return done.error();
  return true;
}

}  // namespace sluice::host
