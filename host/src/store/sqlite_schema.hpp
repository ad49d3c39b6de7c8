// The SQLite store's schema, its migrations and the key check value kept beside it.
#pragma once

#include "sluice/result.hpp"
#include "store/secret_box.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::host {

// Brings the schema up to date in one IMMEDIATE transaction, recording the version in the
// schema_version table. A store written by a newer Sluice (a higher version) is refused.
// Migrations that rewrite sealed data use `box`; one that would re-seal under a key other than
// the store's refuses before writing anything.
Result<void> migrate_schema(SqliteDb& db, const SecretBox& box);

// The version migrate_schema() leaves a store at.
int current_schema_version() noexcept;

// Checks that `box` holds the key the store's secrets were sealed with, by opening a value sealed
// on first use. Opening a store with another key is refused, so secrets sealed under two keys
// never mix in one file.
Result<void> verify_store_key(SqliteDb& db, const SecretBox& box);

}  // namespace sluice::host
