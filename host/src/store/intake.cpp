#include "store/intake.hpp"

#include <fmt/format.h>

namespace sluice::host {

namespace {
Error unsupported() {
  return make_error(Status::kUnsupported,
                    "this store has no intake queue: webhook listeners need the SQLite store");
}
}  // namespace

Result<void> Store::append_intake(std::string_view, const std::vector<std::string>&) {
  return unsupported();
}
Result<std::vector<IntakeRecord>> Store::read_intake(std::string_view, int64_t, size_t) {
  return unsupported();
}
Result<size_t> Store::remove_intake(std::string_view, int64_t) { return unsupported(); }
Result<size_t> Store::count_intake(std::string_view) { return unsupported(); }

Result<void> sqlite_append_intake(SqliteDb& db, std::string_view export_id,
                                  const std::vector<std::string>& records) {
  if (records.empty()) return {};
  const std::string what =
      fmt::format("queue {} records of listener {}", records.size(), export_id);
  auto transaction = SqliteTransaction::begin(db, what);
  if (!transaction) return transaction.error();
  auto insert = db.prepare_cached("INSERT INTO intake (export_id, record) VALUES (?, ?)", what);
  if (!insert) return insert.error();
  for (const std::string& record : records) {
    insert->bind(1, export_id);
    insert->bind(2, record);
    if (auto done = insert->step(); !done) return done.error();
    insert->reset();
  }
  return transaction->commit();
}

Result<std::vector<IntakeRecord>> sqlite_read_intake(SqliteDb& db, std::string_view export_id,
                                                     int64_t after, size_t limit) {
  auto select = db.prepare_cached(
      "SELECT seq, record FROM intake WHERE export_id = ? AND seq > ? ORDER BY seq LIMIT ?",
      fmt::format("read the intake queue of listener {}", export_id));
  if (!select) return select.error();
  select->bind(1, export_id);
  select->bind(2, after);
  select->bind(3, static_cast<int64_t>(limit));
  std::vector<IntakeRecord> out;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(IntakeRecord{select->column_int64(0), std::string(export_id),
                               std::string(select->column_text(1))});
  }
  return out;
}

Result<size_t> sqlite_remove_intake(SqliteDb& db, std::string_view export_id, int64_t through) {
  const std::string what = fmt::format("remove confirmed records of listener {}", export_id);
  auto count =
      db.prepare_cached("SELECT count(*) FROM intake WHERE export_id = ? AND seq <= ?", what);
  if (!count) return count.error();
  count->bind(1, export_id);
  count->bind(2, through);
  auto row = count->step();
  if (!row) return row.error();
  const auto removed = static_cast<size_t>(count->column_int64(0));
  count->reset();
  auto remove = db.prepare_cached("DELETE FROM intake WHERE export_id = ? AND seq <= ?", what);
  if (!remove) return remove.error();
  remove->bind(1, export_id);
  remove->bind(2, through);
  if (auto done = remove->step(); !done) return done.error();
  return removed;
}

Result<size_t> sqlite_count_intake(SqliteDb& db, std::string_view export_id) {
  auto count = db.prepare_cached("SELECT count(*) FROM intake WHERE export_id = ?",
                                 fmt::format("count the intake queue of listener {}", export_id));
  if (!count) return count.error();
  count->bind(1, export_id);
  auto row = count->step();
  if (!row) return row.error();
  return static_cast<size_t>(count->column_int64(0));
}

}  // namespace sluice::host
