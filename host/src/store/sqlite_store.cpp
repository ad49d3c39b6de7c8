// The SQLite backend of Store: one connection to HOME/sluice.db guarded by a mutex, documents
// stored as JSON text, secret fields sealed by a SecretBox.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "secrets/redactor.hpp"
#include "store/intake.hpp"
#include "store/api_tokens.hpp"
#include "store/job_log.hpp"
#include "store/redacted.hpp"
#include "store/secret_box.hpp"
#include "store/secret_fields.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_errors.hpp"
#include "store/sqlite_jobs.hpp"
#include "store/sqlite_schema.hpp"
#include "store/store.hpp"

namespace sluice::host {

namespace json = boost::json;

namespace {

constexpr std::string_view kDatabaseFileName = "sluice.db";

int64_t to_sql_limit(size_t limit) {
  return limit > static_cast<size_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(limit);
}

std::string resource_name(ResourceKind kind, std::string_view id) {
  return fmt::format("{}/{}", to_string(kind), id);
}

Error with_prefix(Error error, std::string_view prefix) {
  error.message = fmt::format("{}{}", prefix, error.message);
  return error;
}

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<SqliteDb> db, SecretBox box, size_t retry_data_limit)
      : db_(std::move(db)), box_(std::move(box)), retry_data_limit_(retry_data_limit) {}

  Result<void> put_resources(const std::vector<Resource>& resources) override;
  Result<std::optional<json::object>> get_resource(ResourceKind kind, std::string_view id,
                                                   Secrets secrets) override;
  Result<std::vector<json::object>> list_resources(ResourceKind kind, Secrets secrets) override;
  Result<bool> delete_resource(ResourceKind kind, std::string_view id) override {
    std::lock_guard lock(mutex_);
    return sqlite_delete_resource(*db_, kind, id);
  }
  Result<void> add_api_token(const ApiToken& token) override {
    std::lock_guard lock(mutex_);
    return sqlite_add_api_token(*db_, token);
  }
  Result<std::vector<ApiToken>> list_api_tokens() override {
    std::lock_guard lock(mutex_);
    return sqlite_list_api_tokens(*db_);
  }
  Result<bool> revoke_api_token(std::string_view name) override {
    std::lock_guard lock(mutex_);
    return sqlite_revoke_api_token(*db_, name);
  }

  Result<void> put_job(const Job& job) override;
  Result<std::optional<Job>> get_job(std::string_view id) override;
  Result<std::vector<Job>> list_jobs(std::string_view flow_id, size_t limit) override;
  Result<FlowClaim> claim_flow(const Job& job,
                               const std::function<bool(Job&)>& close_if_dead) override {
    std::lock_guard lock(mutex_);
    return sqlite_claim_flow(*db_, job, close_if_dead);
  }
  Result<bool> update_running_job(const Job& job, const std::vector<JobError>& errors) override {
    std::lock_guard lock(mutex_);
    return sqlite_update_running_job(*db_, job, errors, retry_data_limit_);
  }

  Result<void> append_job_log(const std::vector<JobLogLine>& lines) override {
    std::lock_guard lock(mutex_);
    return sqlite_append_job_log(*db_, lines);
  }
  Result<std::vector<JobLogLine>> get_job_log(std::string_view job_id, size_t limit) override {
    std::lock_guard lock(mutex_);
    return sqlite_job_log(*db_, job_id, limit);
  }

  Result<void> append_intake(std::string_view export_id,
                             const std::vector<std::string>& records) override {
    std::lock_guard lock(mutex_);
    return sqlite_append_intake(*db_, export_id, records);
  }
  Result<std::vector<IntakeRecord>> read_intake(std::string_view export_id, int64_t after,
                                                size_t limit) override {
    std::lock_guard lock(mutex_);
    return sqlite_read_intake(*db_, export_id, after, limit);
  }
  Result<size_t> remove_intake(std::string_view export_id, int64_t through) override {
    std::lock_guard lock(mutex_);
    return sqlite_remove_intake(*db_, export_id, through);
  }
  Result<size_t> count_intake(std::string_view export_id) override {
    std::lock_guard lock(mutex_);
    return sqlite_count_intake(*db_, export_id);
  }

  Result<void> add_errors(const std::vector<JobError>& errors) override;
  Result<std::vector<JobError>> list_errors(std::string_view flow_id, size_t limit) override;
  Result<std::vector<JobError>> find_errors(const ErrorQuery& query) override {
    std::lock_guard lock(mutex_);
    return sqlite_find_errors(*db_, query);
  }
  Result<std::optional<JobError>> get_error(std::string_view flow_id,
                                            std::string_view error_id) override {
    std::lock_guard lock(mutex_);
    return sqlite_get_error(*db_, flow_id, error_id);
  }
  Result<size_t> resolve_errors(std::string_view flow_id, std::string_view step_id,
                                const std::vector<std::string>& error_ids,
                                std::string_view by) override {
    std::lock_guard lock(mutex_);
    return sqlite_resolve_errors(*db_, flow_id, step_id, error_ids, by);
  }
  Result<size_t> resolve_by_trace_keys(std::string_view flow_id, std::string_view step_id,
                                       const std::vector<std::string>& trace_keys) override {
    std::lock_guard lock(mutex_);
    return sqlite_resolve_by_trace_keys(*db_, flow_id, step_id, trace_keys);
  }
  Result<bool> has_open_errors_with_trace_key(std::string_view flow_id,
                                              std::string_view step_id) override {
    std::lock_guard lock(mutex_);
    return sqlite_has_open_errors_with_trace_key(*db_, flow_id, step_id);
  }
  Result<bool> edit_retry_data(std::string_view flow_id, std::string_view error_id,
                               const json::value& retry_data) override {
    std::lock_guard lock(mutex_);
    return sqlite_edit_retry_data(*db_, flow_id, error_id, retry_data);
  }

  Result<json::value> get_state(std::string_view export_id) override;
  Result<void> put_state(std::string_view export_id, const json::value& state) override;
  Result<json::value> get_sealed_state(std::string_view key) override;
  Result<void> put_sealed_state(std::string_view key, const json::value& value) override;

 private:
  Result<void> put_resource(const Resource& resource);
  // The stored document of a resource, sealed (null when there is none).
  Result<json::value> stored_resource(ResourceKind kind, std::string_view id);
  Result<json::value> parse(std::string_view text, std::string_view where) const;
  Result<json::object> parse_object(std::string_view text, std::string_view where) const;
  Result<json::object> object_of(json::value value, std::string_view where) const;
  // Masks or reveals the secrets of a stored resource document.
  Result<json::object> present(json::object doc, Secrets secrets, std::string_view where) const;
  Result<std::vector<std::string>> select_docs(SqliteStatement& statement);
  // Runs `sql_all`, or with a flow id `sql_of_flow` (whose first parameter is that id); the last
  // parameter of both is the limit. Turns each "doc" column into a T.
  template <class T>
  Result<std::vector<T>> select_by_flow(const char* sql_all, const char* sql_of_flow,
                                        std::string_view flow_id, size_t limit,
                                        std::string_view what);

  std::mutex mutex_;
  std::unique_ptr<SqliteDb> db_;
  SecretBox box_;
  size_t retry_data_limit_;
};

Result<void> validate(const Resource& resource) {
  const std::string where = resource_name(resource.kind, resource.id);
  if (resource.id.empty()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("a resource of kind {} has an empty id — give it an \"_id\"",
                                  to_string(resource.kind)));
  }
  const json::value* doc_id = resource.doc.if_contains("_id");
  if (doc_id != nullptr && (!doc_id->is_string() || doc_id->get_string() != resource.id)) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("{}: the document's \"_id\" is {} — it must equal the id {}",
                                  where, json::serialize(*doc_id), resource.id));
  }
  return {};
}

Result<void> SqliteStore::put_resources(const std::vector<Resource>& resources) {
  if (resources.empty()) return {};
  const std::string nothing_stored =
      fmt::format("none of the {} resources were stored: ", resources.size());
  for (const Resource& resource : resources) {
    if (auto valid = validate(resource); !valid) return with_prefix(valid.error(), nothing_stored);
  }
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*db_, "start storing resources");
  if (!transaction) return with_prefix(transaction.error(), nothing_stored);
  for (const Resource& resource : resources) {
    if (auto done = put_resource(resource); !done) {
      return with_prefix(done.error(), nothing_stored);
    }
  }
  if (auto done = transaction->commit(); !done) return with_prefix(done.error(), nothing_stored);
  return {};
}

Result<void> SqliteStore::put_resource(const Resource& resource) {
  const std::string where = resource_name(resource.kind, resource.id);
  json::value doc = resource.doc;
  if (!doc.get_object().contains("_id")) doc.get_object()["_id"] = resource.id;
  if (!resource.secret_paths.empty()) {
    learn_secrets(doc, resource.secret_paths, Redactor::process());
    auto stored = stored_resource(resource.kind, resource.id);
    if (!stored) return stored.error();
    if (auto sealed = seal_secret_fields(doc, resource.secret_paths, *stored, box_, where);
        !sealed) {
      return sealed.error();
    }
  }
  auto insert = db_->prepare(
      "INSERT INTO resources (kind, id, doc) VALUES (?, ?, ?) "
      "ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
      fmt::format("store {}", where));
  if (!insert) return insert.error();
  insert->bind(1, to_string(resource.kind));
  insert->bind(2, resource.id);
  insert->bind(3, json::serialize(doc));
  if (auto done = insert->step(); !done) return done.error();
  return {};
}

Result<json::value> SqliteStore::stored_resource(ResourceKind kind, std::string_view id) {
  const std::string where = resource_name(kind, id);
  auto select = db_->prepare("SELECT doc FROM resources WHERE kind = ? AND id = ?",
                             fmt::format("read {}", where));
  if (!select) return select.error();
  select->bind(1, to_string(kind));
  select->bind(2, id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return json::value();
  return parse(select->column_text(0), where);
}

Result<std::optional<json::object>> SqliteStore::get_resource(ResourceKind kind,
                                                              std::string_view id,
                                                              Secrets secrets) {
  const std::string where = resource_name(kind, id);
  std::lock_guard lock(mutex_);
  auto stored = stored_resource(kind, id);
  if (!stored) return stored.error();
  if (stored->is_null()) return std::optional<json::object>();
  auto doc = object_of(std::move(*stored), where);
  if (!doc) return doc.error();
  auto presented = present(std::move(*doc), secrets, where);
  if (!presented) return presented.error();
  return std::optional<json::object>(std::move(*presented));
}

Result<std::vector<json::object>> SqliteStore::list_resources(ResourceKind kind, Secrets secrets) {
  std::lock_guard lock(mutex_);
  auto select = db_->prepare("SELECT id, doc FROM resources WHERE kind = ? ORDER BY id",
                             fmt::format("list {}", to_string(kind)));
  if (!select) return select.error();
  select->bind(1, to_string(kind));
  std::vector<json::object> docs;
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    const std::string where = resource_name(kind, select->column_text(0));
    auto doc = parse_object(select->column_text(1), where);
    if (!doc) return doc.error();
    auto presented = present(std::move(*doc), secrets, where);
    if (!presented) return presented.error();
    docs.push_back(std::move(*presented));
  }
  return docs;
}

Result<void> SqliteStore::put_job(const Job& job) {
  if (job.id.empty()) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("cannot store a job of flow {} with an empty id", job.flow_id));
  }
  std::lock_guard lock(mutex_);
  return sqlite_upsert_job(*db_, job);
}

Result<std::optional<Job>> SqliteStore::get_job(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto select = db_->prepare("SELECT doc FROM jobs WHERE id = ?", fmt::format("read job {}", id));
  if (!select) return select.error();
  select->bind(1, id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Job>();
  auto doc = parse_object(select->column_text(0), fmt::format("job {}", id));
  if (!doc) return doc.error();
  return std::optional<Job>(Job::from_json(*doc));
}

Result<std::vector<Job>> SqliteStore::list_jobs(std::string_view flow_id, size_t limit) {
  return select_by_flow<Job>(
      "SELECT doc FROM jobs ORDER BY started_at DESC, id DESC LIMIT ?",
      "SELECT doc FROM jobs WHERE flow_id = ? ORDER BY started_at DESC, id DESC LIMIT ?", flow_id,
      limit, "jobs");
}

Result<void> SqliteStore::add_errors(const std::vector<JobError>& errors) {
  if (errors.empty()) return {};
  for (const JobError& error : errors) {
    if (error.id.empty()) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("cannot store an error of job {} with an empty id — none of "
                                    "the {} errors were stored",
                                    error.job_id, errors.size()));
    }
  }
  std::lock_guard lock(mutex_);
  auto transaction = SqliteTransaction::begin(*db_, "start storing job errors");
  if (!transaction) return transaction.error();
  if (auto done = sqlite_insert_errors(*db_, errors, retry_data_limit_); !done) return done.error();
  return transaction->commit();
}

Result<std::vector<JobError>> SqliteStore::list_errors(std::string_view flow_id, size_t limit) {
  return select_by_flow<JobError>(
      "SELECT doc FROM errors WHERE resolved = 0 ORDER BY occurred_at, rowid LIMIT ?",
      "SELECT doc FROM errors WHERE flow_id = ? AND resolved = 0 ORDER BY occurred_at, rowid LIMIT "
      "?",
      flow_id, limit, "open errors");
}

template <class T>
Result<std::vector<T>> SqliteStore::select_by_flow(const char* sql_all, const char* sql_of_flow,
                                                   std::string_view flow_id, size_t limit,
                                                   std::string_view what) {
  std::lock_guard lock(mutex_);
  auto select = flow_id.empty()
                    ? db_->prepare(sql_all, fmt::format("list {}", what))
                    : db_->prepare(sql_of_flow, fmt::format("list {} of flow {}", what, flow_id));
  if (!select) return select.error();
  int parameter = 1;
  if (!flow_id.empty()) select->bind(parameter++, flow_id);
  select->bind(parameter, to_sql_limit(limit));
  auto docs = select_docs(*select);
  if (!docs) return docs.error();
  std::vector<T> items;
  items.reserve(docs->size());
  for (const std::string& text : *docs) {
    auto doc = parse_object(text, what);
    if (!doc) return doc.error();
    items.push_back(T::from_json(*doc));
  }
  return items;
}

Result<json::value> SqliteStore::get_state(std::string_view export_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->prepare("SELECT doc FROM state WHERE export_id = ?",
                             fmt::format("read the state of export {}", export_id));
  if (!select) return select.error();
  select->bind(1, export_id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return json::value();
  return parse(select->column_text(0), fmt::format("the state of export {}", export_id));
}

Result<void> SqliteStore::put_state(std::string_view export_id, const json::value& state) {
  std::lock_guard lock(mutex_);
  auto insert = db_->prepare(
      "INSERT INTO state (export_id, doc) VALUES (?, ?) "
      "ON CONFLICT (export_id) DO UPDATE SET doc = excluded.doc",
      fmt::format("store the state of export {}", export_id));
  if (!insert) return insert.error();
  insert->bind(1, export_id);
  insert->bind(2, json::serialize(state));
  if (auto done = insert->step(); !done) return done.error();
  return {};
}

// Teaches the redactor every string inside `value` (numbers and booleans are not secrets).
void learn_strings(const json::value& value) {
  if (const json::string* text = value.if_string()) {
    Redactor::process().add_secret(*text);
  } else if (const json::object* object = value.if_object()) {
    for (const auto& [name, child] : *object) learn_strings(child);
  } else if (const json::array* array = value.if_array()) {
    for (const json::value& child : *array) learn_strings(child);
  }
}

std::string sealed_state_binding(std::string_view key) { return fmt::format("state/{}", key); }

Result<json::value> SqliteStore::get_sealed_state(std::string_view key) {
  auto stored = get_state(key);
  if (!stored) return stored.error();
  if (stored->is_null()) return json::value();
  if (!is_secret_marker(*stored)) {
    return make_error(Status::kInternal,
                      fmt::format("store {} holds state '{}' that is not sealed — delete it by "
                                  "authorizing or testing the connection again",
                                  db_->path(), key));
  }
  auto opened =
      box_.open(stored->get_object().at(kSecretMarkerKey).get_string(), sealed_state_binding(key));
  if (!opened)
    return with_prefix(opened.error(), fmt::format("store {}: state '{}': ", db_->path(), key));
  auto value = parse(*opened, fmt::format("the state {}", key));
  if (!value) return value.error();
  learn_strings(*value);
  return value;
}

Result<void> SqliteStore::put_sealed_state(std::string_view key, const json::value& value) {
  if (value.is_null()) return put_state(key, value);
  learn_strings(value);
  auto sealed = box_.seal(json::serialize(value), sealed_state_binding(key));
  if (!sealed) return sealed.error();
  return put_state(key, json::object{{kSecretMarkerKey, *sealed}});
}

Result<json::value> SqliteStore::parse(std::string_view text, std::string_view where) const {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) {
    return make_error(Status::kInternal,
                      fmt::format("store {} holds a damaged document for {}: {} — store it again",
                                  db_->path(), where, ec.message()));
  }
  return value;
}

Result<json::object> SqliteStore::parse_object(std::string_view text,
                                               std::string_view where) const {
  auto value = parse(text, where);
  if (!value) return value.error();
  return object_of(std::move(*value), where);
}

Result<json::object> SqliteStore::object_of(json::value value, std::string_view where) const {
  if (!value.is_object()) {
    return make_error(Status::kInternal,
                      fmt::format("store {} holds a damaged document for {}: not a JSON object — "
                                  "store it again",
                                  db_->path(), where));
  }
  return std::move(value.get_object());
}

Result<json::object> SqliteStore::present(json::object doc, Secrets secrets,
                                          std::string_view where) const {
  json::value value(std::move(doc));
  if (secrets == Secrets::kMasked) {
    mask_secret_fields(value);
  } else {
    std::vector<std::string> revealed_paths;
    if (auto revealed = reveal_secret_fields(value, box_, where, &revealed_paths); !revealed) {
      return with_prefix(revealed.error(), fmt::format("store {}: ", db_->path()));
    }
    learn_secrets(value, revealed_paths, Redactor::process());
  }
  return std::move(value.get_object());
}

Result<std::vector<std::string>> SqliteStore::select_docs(SqliteStatement& statement) {
  std::vector<std::string> docs;
  while (true) {
    auto row = statement.step();
    if (!row) return row.error();
    if (!*row) return docs;
    docs.emplace_back(statement.column_text(0));
  }
}

// Creates `home` when missing and makes it 0700 whatever it was: the store holds retry data
// (customers' names, e-mails) and the key.
Result<void> ensure_home(const std::string& home) {
  std::error_code ec;
  if (!std::filesystem::is_directory(home, ec)) {
    if (!std::filesystem::create_directories(home, ec) && ec) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("cannot create the store directory {}: {} — check that "
                                    "$SLUICE_HOME is writable",
                                    home, ec.message()));
    }
  }
  if (::chmod(home.c_str(), 0700) != 0) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("cannot make the store directory {} private (mode 0700): {} — "
                                  "run `chmod 700 {}` as its owner",
                                  home, std::strerror(errno), home));
  }
  return {};
}

// Makes each existing store file 0600, whatever it was.
Result<void> make_private(const std::string& db_path) {
  for (const std::string& path : {db_path, db_path + "-wal", db_path + "-shm"}) {
    if (::chmod(path.c_str(), 0600) != 0 && errno != ENOENT) {
      return make_error(Status::kInvalidConfig,
                        fmt::format("cannot make store file {} private (mode 0600): {} — run "
                                    "`chmod 600 {}` as its owner",
                                    path, std::strerror(errno), path));
    }
  }
  return {};
}

// Sets the process umask for the scope (files created meanwhile get no group or other bits).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

// True when `path` is a store already written (a non-empty file).
bool store_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0;
}

// The retry data limit open_sqlite_store uses (store.hpp).
Result<size_t> retry_data_limit_of(size_t given) {
  if (given != 0) return given;
  const char* text = std::getenv("SLUICE_RETRY_DATA_LIMIT");
  if (text == nullptr || *text == '\0') return kRetryDataPerStep;
  size_t value = 0;
  const std::string_view digits(text);
  const bool digits_only = digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits_only && digits.size() <= 9)
    value = static_cast<size_t>(std::stoul(std::string(digits)));
  if (value == 0) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("$SLUICE_RETRY_DATA_LIMIT is \"{}\": expected a whole number "
                                  "from 1 to 999999999 (how many errors per flow step keep their "
                                  "retry data; default {}) — fix or unset it",
                                  digits, kRetryDataPerStep));
  }
  return value;
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& home, size_t retry_data_limit) {
  auto limit = retry_data_limit_of(retry_data_limit);
  if (!limit) return limit.error();
  if (home.empty()) {
    return make_error(Status::kInvalidConfig,
                      "cannot open the store: no home directory given — set $SLUICE_HOME");
  }
  const ScopedUmask umask(077);
  if (auto done = ensure_home(home); !done) return done.error();
  const std::string db_path = fmt::format("{}/{}", home, kDatabaseFileName);
  // A new key only for a new store: beside an existing one it could not read its secrets.
  auto box = SecretBox::load(home, /*may_create=*/!store_exists(db_path));
  if (!box) return box.error();
  if (auto done = make_private(db_path); !done) return done.error();
  auto db = SqliteDb::open(db_path);
  if (!db) return db.error();
  if (auto done = make_private(db_path); !done) return done.error();
  if (auto done = migrate_schema(**db, *box); !done) return done.error();
  if (auto done = verify_store_key(**db, *box); !done) return done.error();
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db), std::move(*box), *limit));
}

}  // namespace sluice::host
