// Thin RAII wrappers over the sqlite3 C API: a connection, a prepared statement and an
// IMMEDIATE transaction. Every failure is an Error whose message names the store file, the
// operation and what to do. Not thread-safe: the owner serialises access.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sluice::host {

class SqliteDb;

class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* statement, const SqliteDb& db, std::string what) noexcept;
  SqliteStatement(SqliteStatement&& other) noexcept = default;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept = default;

  // Parameters are 1-based. A failed bind is reported by the next step().
  void bind(int index, std::string_view text);
  void bind(int index, int64_t number);

  // Runs one step: true when a row is available, false when done.
  Result<bool> step();
  // Makes the statement ready to run again with new bindings (all cleared).
  void reset() noexcept;

  // Columns of the current row, 0-based. The view lives until the next step().
  std::string_view column_text(int index) const;
  int64_t column_int64(int index) const;

 private:
  // Finalizes the statement, or hands it back to the cache of the SqliteDb that prepared it
  // (prepare_cached).
  struct Finalizer {
    Finalizer() noexcept : cache(nullptr) {}
    const SqliteDb* cache;
    void operator()(sqlite3_stmt* statement) const noexcept;
  };
  friend class SqliteDb;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  const SqliteDb* db_;
  std::string what_;  // e.g. "read connections/abc", for error messages
  int bind_error_ = 0;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file at `path`, in WAL mode with a busy timeout.
  static Result<std::unique_ptr<SqliteDb>> open(const std::string& path);

  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  const std::string& path() const noexcept { return path_; }

  // `what` names the operation in error messages ("cannot <what> in store <path>: ...").
  Result<SqliteStatement> prepare(std::string_view sql, std::string what) const;
  // As prepare(), for a statement run again and again (a job's update per page): it is kept
  // prepared when the SqliteStatement is destroyed (reset, its bindings cleared) and reused by
  // the next prepare_cached of the same text, so SQLite parses it once per connection.
  Result<SqliteStatement> prepare_cached(std::string_view sql, std::string what) const;
  // Runs one statement without parameters or results through prepare_cached.
  Result<void> execute_cached(std::string_view sql, std::string_view what);
  // Takes back a statement of prepare_cached (SqliteStatement's deleter calls it).
  void give_back(sqlite3_stmt* statement) const noexcept;
  // Runs one or more statements without parameters or results.
  Result<void> execute(const std::string& sql, std::string_view what);

  // The Error for the connection's last failure (sqlite3_errmsg), with advice by error code.
  Error last_error(std::string_view what) const;

 private:
  SqliteDb(sqlite3* db, std::string path) noexcept;

  sqlite3* db_;
  std::string path_;
  // Statements prepare_cached made and nobody uses now, by their SQL text (a handful).
  mutable std::vector<std::pair<std::string, sqlite3_stmt*>> cache_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit() succeeded.
class SqliteTransaction {
 public:
  static Result<SqliteTransaction> begin(SqliteDb& db, std::string_view what);

  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  ~SqliteTransaction();

  Result<void> commit();

 private:
  SqliteTransaction(SqliteDb& db, std::string_view what) noexcept : db_(&db), what_(what) {}

  SqliteDb* db_;  // null once committed or moved from
  std::string what_;
};

}  // namespace sluice::host
