#include "store/sqlite_db.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>

namespace sluice::host {

namespace {

constexpr std::chrono::milliseconds kBusyTimeout{5000};

std::string_view advice_for(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process holds the store locked; try again";
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_AUTH:
      return "check that $SLUICE_HOME is writable";
    case SQLITE_FULL:
      return "free some disk space and try again";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the file is damaged or is not a Sluice store; restore it from a backup or move it "
             "aside to start afresh";
    default:
      return "the store may have been modified by another program; check it with "
             "`sqlite3 <file> 'PRAGMA integrity_check'`";
  }
}

Status status_for(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::kTransient;
    default:
      return Status::kInternal;
  }
}

}  // namespace

void SqliteStatement::Finalizer::operator()(sqlite3_stmt* statement) const noexcept {
  if (cache != nullptr) {
    cache->give_back(statement);
  } else {
    sqlite3_finalize(statement);
  }
}

SqliteStatement::SqliteStatement(sqlite3_stmt* statement, const SqliteDb& db,
                                 std::string what) noexcept
    : statement_(statement), db_(&db), what_(std::move(what)) {}

void SqliteStatement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text64(statement_.get(), index, text.data(), text.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void SqliteStatement::bind(int index, int64_t number) {
  const int rc = sqlite3_bind_int64(statement_.get(), index, number);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void SqliteStatement::reset() noexcept {
  sqlite3_reset(statement_.get());
  sqlite3_clear_bindings(statement_.get());
  bind_error_ = 0;
}

Result<bool> SqliteStatement::step() {
  if (bind_error_ != 0) {
    return make_error(Status::kInternal,
                      fmt::format("cannot {} in store {}: binding a parameter failed: {}", what_,
                                  db_->path(), sqlite3_errstr(bind_error_)));
  }
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->last_error(what_);
}

std::string_view SqliteStatement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_.get(), index));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(statement_.get(), index))};
}

int64_t SqliteStatement::column_int64(int index) const {
  return sqlite3_column_int64(statement_.get(), index);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  if (rc != SQLITE_OK) {
    const char* message = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return make_error(status_for(rc),
                      fmt::format("cannot open store {}: {} — check that $SLUICE_HOME is writable",
                                  path, message));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(kBusyTimeout.count()));

  auto journal = db->prepare("PRAGMA journal_mode=WAL", "switch to WAL mode");
  if (!journal) return journal.error();
  auto row = journal->step();
  if (!row) return row.error();
  if (!*row || journal->column_text(0) != "wal") {
    return make_error(Status::kInternal,
                      fmt::format("cannot switch store {} to WAL mode (journal mode is \"{}\") — "
                                  "keep the store on a local file system",
                                  path, *row ? journal->column_text(0) : ""));
  }
  if (auto done = db->execute("PRAGMA synchronous=NORMAL", "set synchronous mode"); !done) {
    return done.error();
  }
  return db;
}

SqliteDb::SqliteDb(sqlite3* db, std::string path) noexcept : db_(db), path_(std::move(path)) {}

SqliteDb::~SqliteDb() {
  for (auto& [sql, statement] : cache_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

Result<SqliteStatement> SqliteDb::prepare_cached(std::string_view sql, std::string what) const {
  for (auto it = cache_.begin(); it != cache_.end(); ++it) {
    if (it->first == sql) {
      sqlite3_stmt* statement = it->second;
      cache_.erase(it);
      SqliteStatement wrapped(statement, *this, std::move(what));
      wrapped.statement_.get_deleter().cache = this;
      return wrapped;
    }
  }
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(statement);
    return last_error(fmt::format("prepare a query ({})", sql));
  }
  SqliteStatement wrapped(statement, *this, std::move(what));
  wrapped.statement_.get_deleter().cache = this;
  return wrapped;
}

void SqliteDb::give_back(sqlite3_stmt* statement) const noexcept {
  if (statement == nullptr) return;
  sqlite3_reset(statement);
  sqlite3_clear_bindings(statement);
  constexpr size_t kMaxCached = 32;
  try {
    if (cache_.size() < kMaxCached) {
      cache_.emplace_back(sqlite3_sql(statement), statement);
      return;
    }
  } catch (...) {
  }
  sqlite3_finalize(statement);
}

Result<void> SqliteDb::execute_cached(std::string_view sql, std::string_view what) {
  auto statement = prepare_cached(sql, std::string(what));
  if (!statement) return statement.error();
  if (auto done = statement->step(); !done) return done.error();
  return {};
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql, std::string what) const {
  sqlite3_stmt* statement = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  SqliteStatement wrapped(statement, *this, std::move(what));
  if (rc != SQLITE_OK) return last_error(fmt::format("prepare a query ({})", sql));
  return wrapped;
}

Result<void> SqliteDb::execute(const std::string& sql, std::string_view what) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return last_error(what);
  }
  return {};
}

Error SqliteDb::last_error(std::string_view what) const {
  const int code = sqlite3_extended_errcode(db_);
  return make_error(status_for(code), fmt::format("cannot {} in store {}: {} — {}", what, path_,
                                                  sqlite3_errmsg(db_), advice_for(code)));
}

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDb& db, std::string_view what) {
  if (auto done = db.execute_cached("BEGIN IMMEDIATE", what); !done) return done.error();
  return SqliteTransaction(db, what);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : db_(other.db_), what_(std::move(other.what_)) {
  other.db_ = nullptr;
}

SqliteTransaction::~SqliteTransaction() {
  if (db_ != nullptr) (void)db_->execute_cached("ROLLBACK", what_);
}

Result<void> SqliteTransaction::commit() {
  if (auto done = db_->execute_cached("COMMIT", what_); !done) return done.error();
  db_ = nullptr;
  return {};
}

}  // namespace sluice::host
