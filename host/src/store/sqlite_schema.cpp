#include "store/sqlite_schema.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace sluice::host {

namespace {

// Migration N (1-based) takes a store from version N-1 to N. Append only; never edit one that
// has shipped.
constexpr std::array<std::string_view, 1> kMigrations = {
    R"sql(
CREATE TABLE resources (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  flow_id TEXT NOT NULL,
  started_at TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX jobs_by_flow ON jobs (flow_id, started_at);
CREATE INDEX jobs_by_start ON jobs (started_at);
CREATE TABLE errors (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  flow_id TEXT NOT NULL,
  resolved INTEGER NOT NULL,
  occurred_at TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX errors_open_by_flow ON errors (flow_id, resolved, occurred_at);
CREATE TABLE state (
  export_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE key_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  sealed TEXT NOT NULL
);
)sql",
};

constexpr std::string_view kKeyCheckPlaintext = "sluice key check";

}  // namespace

int current_schema_version() noexcept { return static_cast<int>(kMigrations.size()); }

Result<void> migrate_schema(SqliteDb& db) {
  auto transaction = SqliteTransaction::begin(db, "start upgrading the schema");
  if (!transaction) return transaction.error();
  if (auto done = db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                             "create the schema_version table");
      !done) {
    return done.error();
  }
  auto select = db.prepare("SELECT version FROM schema_version", "read the schema version");
  if (!select) return select.error();
  auto row = select->step();
  if (!row) return row.error();
  const bool has_version = *row;
  const int64_t version = has_version ? select->column_int64(0) : 0;
  if (version > current_schema_version()) {
    return make_error(Status::kUnsupported,
                      fmt::format("store {} has schema version {} but this Sluice knows only up "
                                  "to version {} — upgrade Sluice",
                                  db.path(), version, current_schema_version()));
  }
  if (version == current_schema_version() && has_version) return transaction->commit();
  for (int64_t next = version + 1; next <= current_schema_version(); ++next) {
    const std::string what = fmt::format("upgrade the schema to version {}", next);
    if (auto done = db.execute(std::string(kMigrations[static_cast<size_t>(next - 1)]), what);
        !done) {
      return done.error();
    }
  }
  auto record = db.prepare(has_version ? "UPDATE schema_version SET version = ?"
                                       : "INSERT INTO schema_version (version) VALUES (?)",
                           "record the schema version");
  if (!record) return record.error();
  record->bind(1, static_cast<int64_t>(current_schema_version()));
  if (auto done = record->step(); !done) return done.error();
  return transaction->commit();
}

Result<void> verify_store_key(SqliteDb& db, const SecretBox& box) {
  auto transaction = SqliteTransaction::begin(db, "check the secret key");
  if (!transaction) return transaction.error();
  auto select = db.prepare("SELECT sealed FROM key_check WHERE id = 1", "read the key check");
  if (!select) return select.error();
  auto row = select->step();
  if (!row) return row.error();
  if (*row) {
    if (auto opened = box.open(select->column_text(0)); !opened || *opened != kKeyCheckPlaintext) {
      return make_error(
          Status::kInvalidConfig,
          fmt::format("cannot open store {}: its secrets could not be decrypted with the key from "
                      "{} — the key has probably changed since they were stored; use the "
                      "original key (the secret.key file beside the store, or the "
                      "${} it was written with), or move the store aside to start afresh",
                      db.path(), box.source(), SecretBox::kKeyEnvironmentVariable));
    }
    return transaction->commit();
  }
  auto sealed = box.seal(kKeyCheckPlaintext);
  if (!sealed) return sealed.error();
  auto insert =
      db.prepare("INSERT INTO key_check (id, sealed) VALUES (1, ?)", "record the key check");
  if (!insert) return insert.error();
  insert->bind(1, *sealed);
  if (auto done = insert->step(); !done) return done.error();
  return transaction->commit();
}

}  // namespace sluice::host
