#include "store/job_log.hpp"

#include <fmt/format.h>

namespace sluice::host {

boost::json::object JobLogLine::to_json() const {
  return {{"jobId", job_id}, {"at", at}, {"level", level}, {"step", step}, {"message", message}};
}

Result<void> Store::append_job_log(const std::vector<JobLogLine>&) {
  return make_error(Status::kUnsupported, "this store keeps no job logs");
}

Result<std::vector<JobLogLine>> Store::get_job_log(std::string_view, size_t) {
  return make_error(Status::kUnsupported, "this store keeps no job logs");
}

Result<void> sqlite_append_job_log(SqliteDb& db, const std::vector<JobLogLine>& lines) {
  if (lines.empty()) return {};
  auto transaction = SqliteTransaction::begin(db, "start writing a job log");
  if (!transaction) return transaction.error();
  auto insert =
      db.prepare("INSERT INTO job_log (job_id, at, level, step, message) VALUES (?, ?, ?, ?, ?)",
                 "write a job log line");
  if (!insert) return insert.error();
  for (const JobLogLine& line : lines) {
    insert->bind(1, line.job_id);
    insert->bind(2, line.at);
    insert->bind(3, line.level);
    insert->bind(4, line.step);
    insert->bind(5, line.message);
    if (auto done = insert->step(); !done) return done.error();
    insert->reset();
  }
  return transaction->commit();
}

Result<std::vector<JobLogLine>> sqlite_job_log(SqliteDb& db, std::string_view job_id,
                                               size_t limit) {
  auto select = db.prepare(
      "SELECT job_id, at, level, step, message FROM job_log WHERE job_id = ? ORDER BY seq "
      "LIMIT ?",
      fmt::format("read the log of job {}", job_id));
  if (!select) return select.error();
  select->bind(1, job_id);
  select->bind(2, static_cast<int64_t>(limit));
  std::vector<JobLogLine> lines;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    lines.push_back(
        JobLogLine{std::string(select->column_text(0)), std::string(select->column_text(1)),
                   std::string(select->column_text(2)), std::string(select->column_text(3)),
                   std::string(select->column_text(4))});
  }
  return lines;
}

}  // namespace sluice::host
