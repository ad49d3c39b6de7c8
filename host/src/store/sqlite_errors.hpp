// The SQLite side of the error management queries (Store::find_errors ... edit_retry_data) and
// the one writer of error rows, with retention. The caller holds the store's lock; `db` is not
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace sluice::host {

// Inserts (or replaces by id) `errors` into `db`, their documents redacted, within the caller's
// transaction: the one writer of error rows (Store::add_errors and update_running_job). Then, for
// each (flow, step) written to, drops the retry data of all but the newest `retry_data_limit`
// errors that have some, with a note on each (Store::add_errors).
Result<void> sqlite_insert_errors(SqliteDb& db, const std::vector<JobError>& errors,
                                  size_t retry_data_limit);

Result<std::vector<JobError>> sqlite_find_errors(SqliteDb& db, const ErrorQuery& query);
Result<std::optional<JobError>> sqlite_get_error(SqliteDb& db, std::string_view flow_id,
                                                 std::string_view error_id);
// Each in one BEGIN IMMEDIATE transaction.
Result<size_t> sqlite_resolve_errors(SqliteDb& db, std::string_view flow_id,
                                     std::string_view step_id,
                                     const std::vector<std::string>& error_ids,
                                     std::string_view by);
Result<size_t> sqlite_resolve_by_trace_keys(SqliteDb& db, std::string_view flow_id,
                                            std::string_view step_id,
                                            const std::vector<std::string>& trace_keys);
Result<bool> sqlite_has_open_errors_with_trace_key(SqliteDb& db, std::string_view flow_id,
                                                   std::string_view step_id);
Result<bool> sqlite_edit_retry_data(SqliteDb& db, std::string_view flow_id,
                                    std::string_view error_id,
                                    const boost::json::value& retry_data);

// Migration 4 of sqlite_schema.cpp: the columns and indexes these queries use, filled in from
// the documents of errors stored before.
Result<void> sqlite_add_error_columns(SqliteDb& db);

}  // namespace sluice::host
