// Thin RAII wrappers over the sqlite3 C API: a connection, a prepared statement and an
// IMMEDIATE transaction. Every failure is an Error whose message names the store file, the
// operation and what to do. Not thread-safe: the owner serialises access.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

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
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const noexcept;
  };
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
  // Runs one or more statements without parameters or results.
  Result<void> execute(const std::string& sql, std::string_view what);

  // The Error for the connection's last failure (sqlite3_errmsg), with advice by error code.
  Error last_error(std::string_view what) const;

 private:
  SqliteDb(sqlite3* db, std::string path) noexcept;

  sqlite3* db_;
  std::string path_;
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
