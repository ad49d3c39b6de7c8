#include "store/sqlite_errors.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>
#include <set>
#include <utility>

#include "secrets/redactor.hpp"
#include "store/redacted.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

int64_t to_sql_limit(size_t limit) {
  return limit > static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit);
}

// Now as ISO 8601 UTC with milliseconds, e.g. 2026-12-01T12:00:00.123Z.
std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

Result<JobError> parse_error_doc(const SqliteDb& db, std::string_view text) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return make_error(Status::kInternal,
                      fmt::format("store {} holds a damaged error document ({}) — move the store "
                                  "aside or delete the error's row",
                                  db.path(), ec ? ec.message() : "not a JSON object"));
  }
  return JobError::from_json(doc.get_object());
}

// Steps `statement` (an UPDATE ... RETURNING id) to the end; the number of rows it changed.
Result<size_t> count_returned(SqliteStatement& statement) {
  size_t n = 0;
  while (true) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) return n;
    ++n;
  }
}

constexpr const char* kResolveSet =
    "UPDATE errors SET resolved = 1, doc = json_set(doc, '$.resolved', json('true'), "
    "'$.resolvedBy', ?1, '$.resolvedAt', ?2) ";

Result<void> drop_old_retry_data(SqliteDb& db, const std::string& flow_id,
                                 const std::string& step_id, size_t keep) {
  auto update = db.prepare(
      "UPDATE errors SET has_retry_data = 0, "
      "doc = json_set(doc, '$.retryData', json('null'), '$.note', ?1) "
      "WHERE rowid IN (SELECT rowid FROM errors WHERE flow_id = ?2 AND step_id = ?3 AND "
      "has_retry_data = 1 ORDER BY occurred_at DESC, rowid DESC LIMIT -1 OFFSET ?4)",
      fmt::format("drop old retry data of step {} of flow {}", step_id, flow_id));
  if (!update) return update.error();
  update->bind(1, fmt::format("retry data dropped at {}: the store keeps it only for the newest "
                              "{} errors with retry data of step {} ($SLUICE_RETRY_DATA_LIMIT); "
                              "this error can be resolved, not retried",
                              now_utc(), keep, step_id));
  update->bind(2, flow_id);
  update->bind(3, step_id);
  update->bind(4, to_sql_limit(keep));
  if (auto done = update->step(); !done) return done.error();
  return {};
}

}  // namespace

Result<void> sqlite_insert_errors(SqliteDb& db, const std::vector<JobError>& errors,
                                  size_t retry_data_limit) {
  if (errors.empty()) return {};
  auto insert = db.prepare(
      "INSERT INTO errors (id, job_id, flow_id, resolved, occurred_at, doc, step_id, trace_key, "
      "has_retry_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET job_id = excluded.job_id, flow_id = excluded.flow_id, "
      "resolved = excluded.resolved, occurred_at = excluded.occurred_at, doc = excluded.doc, "
      "step_id = excluded.step_id, trace_key = excluded.trace_key, "
      "has_retry_data = excluded.has_retry_data",
      fmt::format("store {} errors of job {}", errors.size(), errors.front().job_id));
  if (!insert) return insert.error();
  std::set<std::pair<std::string, std::string>> with_retry_data;
  for (const JobError& error : errors) {
    insert->reset();
    insert->bind(1, error.id);
    insert->bind(2, error.job_id);
    insert->bind(3, error.flow_id);
    insert->bind(4, int64_t{error.resolved ? 1 : 0});
    insert->bind(5, error.occurred_at);
    insert->bind(6, json::serialize(redacted(error.to_json())));
    insert->bind(7, error.step_id);
    insert->bind(8, Redactor::process().redact(error.trace_key));
    insert->bind(9, int64_t{error.retry_data.is_null() ? 0 : 1});
    if (auto done = insert->step(); !done) return done.error();
    if (!error.retry_data.is_null()) with_retry_data.emplace(error.flow_id, error.step_id);
  }
  for (const auto& [flow_id, step_id] : with_retry_data) {
    if (auto done = drop_old_retry_data(db, flow_id, step_id, retry_data_limit); !done) {
      return done.error();
    }
  }
  return {};
}

Result<std::vector<JobError>> sqlite_find_errors(SqliteDb& db, const ErrorQuery& query) {
  const bool of_step = !query.step_id.empty();
  auto select = db.prepare(
      of_step ? "SELECT doc FROM errors WHERE flow_id = ? AND resolved = ? AND step_id = ? "
                "ORDER BY occurred_at, rowid LIMIT ?"
              : "SELECT doc FROM errors WHERE flow_id = ? AND resolved = ? "
                "ORDER BY occurred_at, rowid LIMIT ?",
      fmt::format("list the {} errors of flow {}", query.resolved ? "resolved" : "open",
                  query.flow_id));
  if (!select) return select.error();
  int parameter = 1;
  select->bind(parameter++, query.flow_id);
  select->bind(parameter++, int64_t{query.resolved ? 1 : 0});
  if (of_step) select->bind(parameter++, query.step_id);
  select->bind(parameter, to_sql_limit(query.limit));
  std::vector<JobError> errors;
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) return errors;
    auto error = parse_error_doc(db, select->column_text(0));
    if (!error) return error.error();
    errors.push_back(std::move(*error));
  }
}

Result<std::optional<JobError>> sqlite_get_error(SqliteDb& db, std::string_view flow_id,
                                                 std::string_view error_id) {
  auto select = db.prepare("SELECT doc FROM errors WHERE flow_id = ? AND id = ?",
                           fmt::format("read error {} of flow {}", error_id, flow_id));
  if (!select) return select.error();
  select->bind(1, flow_id);
  select->bind(2, error_id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<JobError>();
  auto error = parse_error_doc(db, select->column_text(0));
  if (!error) return error.error();
  return std::optional<JobError>(std::move(*error));
}

Result<size_t> sqlite_resolve_errors(SqliteDb& db, std::string_view flow_id,
                                     std::string_view step_id,
                                     const std::vector<std::string>& error_ids,
                                     std::string_view by) {
  const std::string what = fmt::format("resolve errors of flow {}", flow_id);
  auto transaction = SqliteTransaction::begin(db, what);
  if (!transaction) return transaction.error();
  auto update = db.prepare(
      std::string(kResolveSet) +
          (error_ids.empty()
               ? "WHERE flow_id = ?3 AND resolved = 0 AND (?4 = '' OR step_id = ?4) RETURNING id"
               : "WHERE flow_id = ?3 AND resolved = 0 AND (?4 = '' OR step_id = ?4) AND id = ?5 "
                 "RETURNING id"),
      what);
  if (!update) return update.error();
  const std::string at = now_utc();
  size_t resolved = 0;
  const size_t rounds = error_ids.empty() ? 1 : error_ids.size();
  for (size_t k = 0; k < rounds; ++k) {
    update->reset();
    update->bind(1, by);
    update->bind(2, at);
    update->bind(3, flow_id);
    update->bind(4, step_id);
    if (!error_ids.empty()) update->bind(5, error_ids[k]);
    auto n = count_returned(*update);
    if (!n) return n.error();
    resolved += *n;
  }
  if (auto done = transaction->commit(); !done) return done.error();
  return resolved;
}

Result<bool> sqlite_has_open_errors_with_trace_key(SqliteDb& db, std::string_view flow_id,
                                                   std::string_view step_id) {
  auto any = db.prepare(
      "SELECT 1 FROM errors WHERE flow_id = ? AND step_id = ? AND resolved = 0 AND "
      "trace_key != '' LIMIT 1",
      fmt::format("look for open errors with a trace key at step {} of flow {}", step_id, flow_id));
  if (!any) return any.error();
  any->bind(1, flow_id);
  any->bind(2, step_id);
  auto found = any->step();
  if (!found) return found.error();
  return *found;
}

Result<size_t> sqlite_resolve_by_trace_keys(SqliteDb& db, std::string_view flow_id,
                                            std::string_view step_id,
                                            const std::vector<std::string>& trace_keys) {
  if (trace_keys.empty()) return size_t{0};
  const std::string what =
      fmt::format("auto-resolve errors of step {} of flow {} by trace key", step_id, flow_id);
  auto any = sqlite_has_open_errors_with_trace_key(db, flow_id, step_id);
  if (!any) return any.error();
  if (!*any) return size_t{0};
  json::array keys;
  keys.reserve(trace_keys.size());
  for (const std::string& key : trace_keys) {
    if (!key.empty()) keys.emplace_back(Redactor::process().redact(key));
  }
  auto update = db.prepare(std::string(kResolveSet) +
                               "WHERE flow_id = ?3 AND step_id = ?4 AND resolved = 0 AND "
                               "trace_key != '' AND trace_key IN (SELECT value FROM json_each(?5)) "
                               "RETURNING id",
                           what);
  if (!update) return update.error();
  update->bind(1, std::string_view("auto"));
  update->bind(2, now_utc());
  update->bind(3, flow_id);
  update->bind(4, step_id);
  update->bind(5, json::serialize(keys));
  return count_returned(*update);
}

Result<bool> sqlite_edit_retry_data(SqliteDb& db, std::string_view flow_id,
                                    std::string_view error_id,
                                    const boost::json::value& retry_data) {
  const std::string what =
      fmt::format("edit the retry data of error {} of flow {}", error_id, flow_id);
  json::value data = retry_data;
  Redactor::process().redact_json(data);
  auto update = db.prepare(
      "UPDATE errors SET has_retry_data = ?1, doc = json_set(doc, '$.retryData', json(?2), "
      "'$.retryDataEdited', json('true')) WHERE flow_id = ?3 AND id = ?4 RETURNING id",
      what);
  if (!update) return update.error();
  update->bind(1, int64_t{data.is_null() ? 0 : 1});
  update->bind(2, json::serialize(data));
  update->bind(3, flow_id);
  update->bind(4, error_id);
  auto n = count_returned(*update);
  if (!n) return n.error();
  return *n > 0;
}

Result<void> sqlite_add_error_columns(SqliteDb& db) {
  auto has = db.prepare("SELECT COUNT(*) FROM pragma_table_info('errors') WHERE name = 'step_id'",
                        "read the columns of the errors table");
  if (!has) return has.error();
  auto row = has->step();
  if (!row) return row.error();
  if (*row && has->column_int64(0) == 0) {
    if (auto done =
            db.execute("ALTER TABLE errors ADD COLUMN step_id TEXT NOT NULL DEFAULT '';"
                       "ALTER TABLE errors ADD COLUMN trace_key TEXT NOT NULL DEFAULT '';"
                       "ALTER TABLE errors ADD COLUMN has_retry_data INTEGER NOT NULL DEFAULT 0;",
                       "add the step, trace key and retry data columns to the errors table");
        !done) {
      return done.error();
    }
  }
  return db.execute(
      "UPDATE errors SET step_id = coalesce(json_extract(doc, '$._stepId'), ''), "
      "trace_key = coalesce(json_extract(doc, '$.traceKey'), "
      "CAST(json_extract(doc, '$.retryData._id') AS TEXT), "
      "CAST(json_extract(doc, '$.retryData.id') AS TEXT), ''), "
      "has_retry_data = coalesce(json_type(doc, '$.retryData'), 'null') != 'null';"
      "CREATE INDEX IF NOT EXISTS errors_by_step ON errors (flow_id, step_id, resolved, "
      "occurred_at);"
      "CREATE INDEX IF NOT EXISTS errors_open_by_trace_key ON errors (flow_id, step_id, "
      "trace_key) WHERE resolved = 0;"
      "CREATE INDEX IF NOT EXISTS errors_with_retry_data ON errors (flow_id, step_id, "
      "occurred_at) WHERE has_retry_data = 1;",
      "fill in the step, trace key and retry data columns of the errors table");
}

}  // namespace sluice::host
