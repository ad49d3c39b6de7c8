#include "store/api_tokens.hpp"

#include <fmt/format.h>

namespace sluice::host {

namespace {
Error no_tokens() { return make_error(Status::kUnsupported, "this store keeps no API tokens"); }
}  // namespace

Result<void> Store::add_api_token(const ApiToken&) { return no_tokens(); }
Result<std::vector<ApiToken>> Store::list_api_tokens() { return no_tokens(); }
Result<bool> Store::revoke_api_token(std::string_view) { return no_tokens(); }
Result<bool> Store::delete_resource(ResourceKind, std::string_view) {
  return make_error(Status::kUnsupported, "this store cannot delete resources");
}

Result<void> sqlite_add_api_token(SqliteDb& db, const ApiToken& token) {
  auto transaction = SqliteTransaction::begin(db, "start adding an API token");
  if (!transaction) return transaction.error();
  auto select = db.prepare("SELECT 1 FROM api_tokens WHERE name = ?",
                           fmt::format("look up API token {}", token.name));
  if (!select) return select.error();
  select->bind(1, token.name);
  auto row = select->step();
  if (!row) return row.error();
  if (*row) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("an API token named {} exists already — choose another name, or "
                                  "revoke it first with `sluice token revoke {}`",
                                  token.name, token.name));
  }
  auto insert = db.prepare("INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?)",
                           fmt::format("store API token {}", token.name));
  if (!insert) return insert.error();
  insert->bind(1, token.name);
  insert->bind(2, token.hash);
  insert->bind(3, token.created_at);
  if (auto done = insert->step(); !done) return done.error();
  return transaction->commit();
}

Result<std::vector<ApiToken>> sqlite_list_api_tokens(SqliteDb& db) {
  auto select = db.prepare("SELECT name, hash, created_at FROM api_tokens ORDER BY name",
                           "list the API tokens");
  if (!select) return select.error();
  std::vector<ApiToken> tokens;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    tokens.push_back(ApiToken{std::string(select->column_text(0)),
                              std::string(select->column_text(1)),
                              std::string(select->column_text(2))});
  }
  return tokens;
}

Result<bool> sqlite_revoke_api_token(SqliteDb& db, std::string_view name) {
  auto transaction = SqliteTransaction::begin(db, "start revoking an API token");
  if (!transaction) return transaction.error();
  auto select = db.prepare("SELECT 1 FROM api_tokens WHERE name = ?",
                           fmt::format("look up API token {}", name));
  if (!select) return select.error();
  select->bind(1, name);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return false;
  auto erase =
      db.prepare("DELETE FROM api_tokens WHERE name = ?", fmt::format("revoke API token {}", name));
  if (!erase) return erase.error();
  erase->bind(1, name);
  if (auto done = erase->step(); !done) return done.error();
  if (auto done = transaction->commit(); !done) return done.error();
  return true;
}

Result<bool> sqlite_delete_resource(SqliteDb& db, ResourceKind kind, std::string_view id) {
  const std::string where = fmt::format("{}/{}", to_string(kind), id);
  auto transaction = SqliteTransaction::begin(db, fmt::format("start deleting {}", where));
  if (!transaction) return transaction.error();
  auto select = db.prepare("SELECT 1 FROM resources WHERE kind = ? AND id = ?",
                           fmt::format("look up {}", where));
  if (!select) return select.error();
  select->bind(1, to_string(kind));
  select->bind(2, id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return false;
  auto erase = db.prepare("DELETE FROM resources WHERE kind = ? AND id = ?",
                          fmt::format("delete {}", where));
  if (!erase) return erase.error();
  erase->bind(1, to_string(kind));
  erase->bind(2, id);
  if (auto done = erase->step(); !done) return done.error();
  if (auto done = transaction->commit(); !done) return done.error();
  return true;
}

}  // namespace sluice::host
