// The SQLite side of the REST API's tokens (Store::add_api_token, list_api_tokens,
// revoke_api_token): table api_tokens of migration 5, one row per token holding its name, the
// SHA-256 of the token (never the token) and when it was made. The caller holds the store's
// lock; `db` is not thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace sluice::host {

Result<void> sqlite_add_api_token(SqliteDb& db, const ApiToken& token);
Result<std::vector<ApiToken>> sqlite_list_api_tokens(SqliteDb& db);
Result<bool> sqlite_revoke_api_token(SqliteDb& db, std::string_view name);

// Store::delete_resource on `db`.
Result<bool> sqlite_delete_resource(SqliteDb& db, ResourceKind kind, std::string_view id);

}  // namespace sluice::host
