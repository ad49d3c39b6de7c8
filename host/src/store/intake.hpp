// The SQLite side of the webhook intake queue (Store::append_intake and the rest): table intake
// of migration 5. The caller holds the store's lock; `db` is not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace sluice::host {

// The table, for the schema's migration. IF NOT EXISTS: a store whose version was set back by
// hand has the table already.
inline constexpr std::string_view kIntakeSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS intake (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  export_id TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intake_by_export ON intake (export_id, seq);
)sql";

Result<void> sqlite_append_intake(SqliteDb& db, std::string_view export_id,
                                  const std::vector<std::string>& records);
Result<std::vector<IntakeRecord>> sqlite_read_intake(SqliteDb& db, std::string_view export_id,
                                                     int64_t after, size_t limit);
Result<size_t> sqlite_remove_intake(SqliteDb& db, std::string_view export_id, int64_t through);
Result<size_t> sqlite_count_intake(SqliteDb& db, std::string_view export_id);

}  // namespace sluice::host
