// The SQLite side of the job operations that must be atomic (Store::claim_flow and
// Store::update_running_job): kept apart from sqlite_store.cpp so that the rules for jobs read in
// one place. The caller holds the store's lock; `db` is not thread-safe.
#pragma once

#include <functional>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/sqlite_errors.hpp"
#include "store/store.hpp"

namespace sluice::host {

// Store::claim_flow on `db` (one BEGIN IMMEDIATE transaction).
Result<Store::FlowClaim> sqlite_claim_flow(SqliteDb& db, const Job& job,
                                           const std::function<bool(Job&)>& close_if_dead);

// Inserts (or replaces by id) `job` into `db`, its document redacted: the one writer of job rows
// (Store::put_job, claim_flow and update_running_job).
Result<void> sqlite_upsert_job(SqliteDb& db, const Job& job);

// Store::update_running_job on `db` (one BEGIN IMMEDIATE transaction); errors are written by
// sqlite_insert_errors with `retry_data_limit`.
Result<bool> sqlite_update_running_job(SqliteDb& db, const Job& job,
                                       const std::vector<JobError>& errors,
                                       size_t retry_data_limit);

}  // namespace sluice::host
