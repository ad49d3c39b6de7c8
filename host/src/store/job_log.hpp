// The SQLite side of a job's log (Store::append_job_log, Store::get_job_log): table job_log of
// migration 3. The caller holds the store's lock; `db` is not thread-safe. Every text is stored
// as given: the writer (runtime/job_log.hpp) has passed it through the redactor.
#pragma once

#include <string_view>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace sluice::host {

// Appends `lines` in one transaction.
Result<void> sqlite_append_job_log(SqliteDb& db, const std::vector<JobLogLine>& lines);

// At most `limit` lines of the job, oldest first.
Result<std::vector<JobLogLine>> sqlite_job_log(SqliteDb& db, std::string_view job_id, size_t limit);

}  // namespace sluice::host
