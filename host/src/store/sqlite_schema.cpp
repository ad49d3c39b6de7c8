#include "store/sqlite_schema.hpp"

#include "store/intake.hpp"
#include "store/secret_fields.hpp"
#include "store/sqlite_errors.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/json.hpp>
#include <string_view>
#include <vector>

namespace sluice::host {

namespace {

constexpr std::string_view kKeyCheckPlaintext = "sluice key check";
constexpr std::string_view kKeyCheckBinding = "sluice-key-check-v2";

Result<void> bind_sealed_secrets(SqliteDb& db, const SecretBox& box);

// A step of the schema: SQL, then (when set) code that rewrites data, in the same transaction.
struct Migration {
  std::string_view sql;
  Result<void> (*rewrite)(SqliteDb& db, const SecretBox& box) = nullptr;
};

// Migration N (1-based) takes a store from version N-1 to N. Append only; never edit one that
// has shipped.
Result<void> add_error_columns(SqliteDb& db, const SecretBox&) {
  return sqlite_add_error_columns(db);
}

const std::array<Migration, 6> kMigrations = {{
    {R"sql(
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
)sql"},
    // 2: every sealed secret (and the key check) bound to its resource and field as GCM
    // associated data ("v2:" format).
    {"", &bind_sealed_secrets},
    // 3: each job's log (store/job_log.hpp), in the order it was written. IF NOT EXISTS: a
    // store whose version was set back by hand (secret_store_test) has the table already.
    {R"sql(
CREATE TABLE IF NOT EXISTS job_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  at TEXT NOT NULL,
  level TEXT NOT NULL,
  step TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS job_log_by_job ON job_log (job_id, seq);
)sql"},
    // 4: the error manager's columns (step, trace key, whether it has retry data) and indexes,
    // filled in from the documents (store/sqlite_errors.cpp).
    {"", &add_error_columns},
    // 5: the webhook listeners' intake queue (store/intake.hpp).
    {kIntakeSchemaSql},
    // 6: the REST API's tokens (store/api_tokens.hpp), each as the SHA-256 of the token.
    {R"sql(
CREATE TABLE IF NOT EXISTS api_tokens (
  name TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
}};

Error key_mismatch(const SqliteDb& db, const SecretBox& box) {
  return make_error(
      Status::kInvalidConfig,
      fmt::format("cannot open store {}: its secrets could not be decrypted with the key from "
                  "{} — the key has probably changed since they were stored; use the "
                  "original key (the secret.key file beside the store, or the "
                  "${} it was written with), or move the store aside to start afresh",
                  db.path(), box.source(), SecretBox::kKeyEnvironmentVariable));
}

// Opens the key check value in either format; false when it does not open with `box`.
bool key_check_opens(std::string_view sealed, const SecretBox& box) {
  auto opened =
      SecretBox::is_unbound(sealed) ? box.open_unbound(sealed) : box.open(sealed, kKeyCheckBinding);
  return opened && *opened == kKeyCheckPlaintext;
}

Result<void> bind_sealed_secrets(SqliteDb& db, const SecretBox& box) {
  // The key first: re-sealing under a wrong key must not start.
  auto check = db.prepare("SELECT sealed FROM key_check WHERE id = 1", "read the key check");
  if (!check) return check.error();
  auto check_row = check->step();
  if (!check_row) return check_row.error();
  if (*check_row) {
    const std::string sealed(check->column_text(0));
    if (!key_check_opens(sealed, box)) return key_mismatch(db, box);
    if (SecretBox::is_unbound(sealed)) {
      auto bound = box.seal(kKeyCheckPlaintext, kKeyCheckBinding);
      if (!bound) return bound.error();
      auto update = db.prepare("UPDATE key_check SET sealed = ? WHERE id = 1",
                               "bind the key check to its purpose");
      if (!update) return update.error();
      update->bind(1, *bound);
      if (auto done = update->step(); !done) return done.error();
    }
  }
  auto select =
      db.prepare("SELECT kind, id, doc FROM resources", "read the resources to bind their secrets");
  if (!select) return select.error();
  struct Rewritten {
    std::string kind, id, doc;
  };
  std::vector<Rewritten> rewritten;
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string_view doc_text = select->column_text(2);
    if (doc_text.find("$sluiceSecret") == std::string_view::npos) continue;
    Rewritten item{std::string(select->column_text(0)), std::string(select->column_text(1)), {}};
    const std::string where = fmt::format("{}/{}", item.kind, item.id);
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(doc_text, ec);
    if (ec) continue;  // a damaged document is reported when it is read
    auto changed = bind_secret_fields(doc, box, where);
    if (!changed) {
      Error error = changed.error();
      error.message = fmt::format("cannot upgrade store {}: {}", db.path(), error.message);
      return error;
    }
    if (!*changed) continue;
    item.doc = boost::json::serialize(doc);
    rewritten.push_back(std::move(item));
  }
  for (const Rewritten& item : rewritten) {
    auto update = db.prepare("UPDATE resources SET doc = ? WHERE kind = ? AND id = ?",
                             fmt::format("bind the secrets of {}/{}", item.kind, item.id));
    if (!update) return update.error();
    update->bind(1, item.doc);
    update->bind(2, item.kind);
    update->bind(3, item.id);
    if (auto done = update->step(); !done) return done.error();
  }
  return {};
}

}  // namespace

int current_schema_version() noexcept { return static_cast<int>(kMigrations.size()); }

Result<void> migrate_schema(SqliteDb& db, const SecretBox& box) {
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
    const Migration& migration = kMigrations[static_cast<size_t>(next - 1)];
    if (!migration.sql.empty()) {
      if (auto done = db.execute(std::string(migration.sql), what); !done) return done.error();
    }
    if (migration.rewrite != nullptr) {
      if (auto done = migration.rewrite(db, box); !done) return done.error();
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
    if (!key_check_opens(select->column_text(0), box)) return key_mismatch(db, box);
    return transaction->commit();
  }
  auto sealed = box.seal(kKeyCheckPlaintext, kKeyCheckBinding);
  if (!sealed) return sealed.error();
  auto insert =
      db.prepare("INSERT INTO key_check (id, sealed) VALUES (1, ?)", "record the key check");
  if (!insert) return insert.error();
  insert->bind(1, *sealed);
  if (auto done = insert->step(); !done) return done.error();
  return transaction->commit();
}

}  // namespace sluice::host
