#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/json.hpp>
#include <thread>

#include "store/sqlite_schema.hpp"
#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::read_bytes;
using testing::StoreTest;

constexpr char kKeyA[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyB[] = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kPlaintextSecret[] = "tok-7f1e9c2b-plaintext";

Resource resource(ResourceKind kind, std::string id, std::string_view doc,
                  std::vector<std::string> secret_paths = {}) {
  return Resource{kind, std::move(id), json::parse(doc).as_object(), std::move(secret_paths)};
}

Resource secret_connection() {
  return resource(ResourceKind::kConnection, "c1",
                  R"({"_id": "c1", "type": "http",
                      "http": {"auth": {"type": "bearer", "token": "tok-7f1e9c2b-plaintext"},
                               "oauth": {"clientId": "id", "clientSecret": "cs"}}})",
                  {"http.auth.token", "http.oauth", "http.password"});
}

Job job(std::string id, std::string flow_id, std::string started_at) {
  Job result;
  result.id = std::move(id);
  result.flow_id = std::move(flow_id);
  result.status = "completed";
  result.started_at = std::move(started_at);
  return result;
}

JobError job_error(std::string id, std::string flow_id, std::string occurred_at) {
  JobError error;
  error.id = std::move(id);
  error.job_id = "j1";
  error.flow_id = std::move(flow_id);
  error.step_id = "imp1";
  error.code = "422";
  error.message = "email is invalid";
  error.occurred_at = std::move(occurred_at);
  error.retry_data = json::parse(R"({"email": "nope", "lines": [{"sku": "A", "qty": 2}]})");
  return error;
}

std::vector<std::string> ids_of(const std::vector<json::object>& docs) {
  std::vector<std::string> ids;
  for (const auto& doc : docs) ids.emplace_back(doc.at("_id").as_string());
  return ids;
}

template <class T>
std::vector<std::string> ids_of(const std::vector<T>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

// Runs SQL on the store file through a second connection, as another program would.
void run_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message != nullptr ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

class SqliteStoreTest : public StoreTest {
 protected:
  std::unique_ptr<Store> open() {
    auto store = open_sqlite_store(home_.path());
    if (!store) ADD_FAILURE() << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
  std::string db_path() const { return home_.file("sluice.db"); }
};

TEST_F(SqliteStoreTest, OpenCreatesTheHomeDirectoryAndTheDatabase) {
  const std::string home = home_.file("nested/home");
  auto store = open_sqlite_store(home);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_TRUE(std::filesystem::is_regular_file(home + "/sluice.db"));
  EXPECT_TRUE(std::filesystem::is_regular_file(home + "/secret.key"));
}

TEST_F(SqliteStoreTest, PutThenGetReturnsTheDocument) {
  auto store = open();
  const Resource flow = resource(ResourceKind::kFlow, "f1",
                                 R"({"_id": "f1", "name": "Orders", "pageGenerators": []})");
  ASSERT_TRUE(store->put_resources({flow}));
  auto doc = store->get_resource(ResourceKind::kFlow, "f1", Secrets::kMasked);
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_TRUE(doc->has_value());
  EXPECT_EQ(**doc, flow.doc);
}

TEST_F(SqliteStoreTest, GetOfAnUnknownIdOrOtherKindIsEmpty) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})")}));
  EXPECT_FALSE(store->get_resource(ResourceKind::kFlow, "f2", Secrets::kMasked)->has_value());
  EXPECT_FALSE(store->get_resource(ResourceKind::kExport, "f1", Secrets::kMasked)->has_value());
}

TEST_F(SqliteStoreTest, PutReplacesADocumentWithTheSameKindAndId) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})")}));
  ASSERT_TRUE(store->put_resources(
      {resource(ResourceKind::kFlow, "f1", R"({"_id": "f1", "name": "v2"})")}));
  auto docs = store->list_resources(ResourceKind::kFlow, Secrets::kMasked);
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ((*docs)[0].at("name"), "v2");
}

TEST_F(SqliteStoreTest, ListReturnsOneKindInIdOrder) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({
      resource(ResourceKind::kExport, "e2", R"({"_id": "e2"})"),
      resource(ResourceKind::kExport, "e10", R"({"_id": "e10"})"),
      resource(ResourceKind::kImport, "i1", R"({"_id": "i1"})"),
      resource(ResourceKind::kExport, "e1", R"({"_id": "e1"})"),
  }));
  auto exports = store->list_resources(ResourceKind::kExport, Secrets::kMasked);
  ASSERT_TRUE(exports) << exports.error().message;
  EXPECT_EQ(ids_of(*exports), (std::vector<std::string>{"e1", "e10", "e2"}));
  EXPECT_EQ(ids_of(*store->list_resources(ResourceKind::kImport, Secrets::kMasked)),
            (std::vector<std::string>{"i1"}));
  EXPECT_TRUE(store->list_resources(ResourceKind::kFlow, Secrets::kMasked)->empty());
}

TEST_F(SqliteStoreTest, PutAddsAMissingIdToTheDocument) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({resource(ResourceKind::kFlow, "f1", R"({"name": "x"})")}));
  EXPECT_EQ(json::value(**store->get_resource(ResourceKind::kFlow, "f1", Secrets::kMasked)),
            json::parse(R"({"name": "x", "_id": "f1"})"));
}

TEST_F(SqliteStoreTest, PutWithAMismatchedIdStoresNone) {
  auto store = open();
  auto put = store->put_resources({resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})"),
                                   resource(ResourceKind::kFlow, "f2", R"({"_id": "f3"})")});
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().status, Status::kInvalidConfig);
  EXPECT_EQ(put.error().message,
            "none of the 2 resources were stored: flows/f2: the document's \"_id\" is \"f3\" — "
            "it must equal the id f2");
  EXPECT_TRUE(store->list_resources(ResourceKind::kFlow, Secrets::kMasked)->empty());
}

// A trigger installed by another connection makes the second insert fail inside the
// transaction, after the first row was written: the first must be rolled back.
TEST_F(SqliteStoreTest, PutOfSeveralResourcesStoresNoneWhenOneWriteFails) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({resource(ResourceKind::kFlow, "f0", R"({"_id": "f0"})")}));
  run_sql(db_path(),
          "CREATE TRIGGER fail_f2 BEFORE INSERT ON resources WHEN NEW.id = 'f2' "
          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  auto put = store->put_resources({
      resource(ResourceKind::kFlow, "f0", R"({"_id": "f0", "name": "changed"})"),
      resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})"),
      resource(ResourceKind::kFlow, "f2", R"({"_id": "f2"})"),
      resource(ResourceKind::kFlow, "f3", R"({"_id": "f3"})"),
  });
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().message,
            "none of the 4 resources were stored: cannot store flows/f2 in store " + db_path() +
                ": injected failure — the store may have been modified by another program; "
                "check it with `sqlite3 <file> 'PRAGMA integrity_check'`");
  auto docs = store->list_resources(ResourceKind::kFlow, Secrets::kMasked);
  ASSERT_TRUE(docs);
  EXPECT_EQ(ids_of(*docs), (std::vector<std::string>{"f0"}));
  EXPECT_FALSE((*docs)[0].contains("name"));
  // The store is usable afterwards: the transaction was rolled back, not left open.
  EXPECT_TRUE(store->put_resources({resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})")}));
}

TEST_F(SqliteStoreTest, SecretsAreMaskedOnAMaskedRead) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({secret_connection()}));
  auto doc = store->get_resource(ResourceKind::kConnection, "c1", Secrets::kMasked);
  ASSERT_TRUE(doc && doc->has_value());
  EXPECT_EQ(json::value(**doc), json::parse(R"({"_id": "c1", "type": "http",
      "http": {"auth": {"type": "bearer", "token": "******"}, "oauth": "******"}})"));
  auto listed = store->list_resources(ResourceKind::kConnection, Secrets::kMasked);
  ASSERT_TRUE(listed);
  EXPECT_EQ((*listed)[0], **doc);
}

TEST_F(SqliteStoreTest, SecretsAreTheOriginalValuesOnARevealedRead) {
  auto store = open();
  const Resource connection = secret_connection();
  ASSERT_TRUE(store->put_resources({connection}));
  auto doc = store->get_resource(ResourceKind::kConnection, "c1", Secrets::kRevealed);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(**doc, connection.doc);
  auto listed = store->list_resources(ResourceKind::kConnection, Secrets::kRevealed);
  ASSERT_TRUE(listed) << listed.error().message;
  EXPECT_EQ((*listed)[0], connection.doc);
}

TEST_F(SqliteStoreTest, ThePlaintextSecretIsNowhereInTheDatabaseFiles) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({secret_connection()}));
  const std::string db = read_bytes(db_path());
  const std::string wal = read_bytes(db_path() + "-wal");
  ASSERT_FALSE(db.empty());
  ASSERT_FALSE(wal.empty());
  // The non-secret fields are there in clear, so the search is over the right bytes.
  EXPECT_TRUE(db.find("bearer") != std::string::npos || wal.find("bearer") != std::string::npos);
  EXPECT_EQ(db.find(kPlaintextSecret), std::string::npos);
  EXPECT_EQ(wal.find(kPlaintextSecret), std::string::npos);
  EXPECT_EQ(db.find("clientSecret"), std::string::npos);
  EXPECT_EQ(wal.find("clientSecret"), std::string::npos);
}

TEST_F(SqliteStoreTest, AMaskedSecretSentBackKeepsTheStoredValue) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({secret_connection()}));
  auto masked = store->get_resource(ResourceKind::kConnection, "c1", Secrets::kMasked);
  ASSERT_TRUE(masked && masked->has_value());
  json::object edited = **masked;
  edited["type"] = "rest";
  ASSERT_TRUE(store->put_resources(
      {Resource{ResourceKind::kConnection, "c1", edited, secret_connection().secret_paths}}));
  auto revealed = store->get_resource(ResourceKind::kConnection, "c1", Secrets::kRevealed);
  ASSERT_TRUE(revealed) << revealed.error().message;
  json::object expected = secret_connection().doc;
  expected["type"] = "rest";
  EXPECT_EQ(**revealed, expected);
}

TEST_F(SqliteStoreTest, OpeningWithAnotherEnvironmentKeyIsRefusedWithTheDecryptError) {
  key_env_.set(kKeyA);
  ASSERT_TRUE(open()->put_resources({secret_connection()}));
  key_env_.set(kKeyB);
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, Status::kInvalidConfig);
  EXPECT_EQ(store.error().message,
            "cannot open store " + db_path() +
                ": its secrets could not be decrypted with the key from $SLUICE_SECRET_KEY — the "
                "key has probably changed since they were stored; use the original key (the "
                "secret.key file beside the store, or the $SLUICE_SECRET_KEY it was written "
                "with), or move the store aside to start afresh");
  key_env_.set(kKeyA);
  EXPECT_TRUE(open_sqlite_store(home_.path()));
}

TEST_F(SqliteStoreTest, OpeningWithoutTheEnvironmentKeyItWasWrittenWithIsRefusedAndMakesNoKey) {
  key_env_.set(kKeyA);
  ASSERT_TRUE(open());
  key_env_.set(std::nullopt);
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message,
            "the key of the existing store in " + home_.path() + " was expected in " +
                home_.file("secret.key") +
                ", which does not exist — restore that file (mode 0600), or set "
                "$SLUICE_SECRET_KEY to the key the store was written with (64 hexadecimal "
                "digits); a new key cannot read the stored secrets, so none is made");
  EXPECT_FALSE(std::filesystem::exists(home_.file("secret.key")));
}

TEST_F(SqliteStoreTest, AMalformedEnvironmentKeyIsRefused) {
  key_env_.set("zz" + std::string(62, '0'));
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message,
            "$SLUICE_SECRET_KEY is malformed: expected 64 hexadecimal digits (a 32-byte key, e.g. "
            "from `openssl rand -hex 32`), got 64 characters — fix or unset it");
  EXPECT_FALSE(std::filesystem::exists(db_path()));
}

TEST_F(SqliteStoreTest, TheKeyFileIsCreatedWithMode0600) {
  ASSERT_TRUE(open());
  struct stat info {};
  ASSERT_EQ(::stat(home_.file("secret.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0600u);
}

TEST_F(SqliteStoreTest, AnUnopenableDatabaseFileIsReportedWithItsPath) {
  std::filesystem::create_directory(db_path());
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message, "cannot open store " + db_path() +
                                       ": unable to open database file — check that "
                                       "$SLUICE_HOME is writable");
}

TEST_F(SqliteStoreTest, AStoreFromANewerSluiceIsRefused) {
  ASSERT_TRUE(open());
  run_sql(db_path(), "UPDATE schema_version SET version = 99");
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().status, Status::kUnsupported);
  EXPECT_EQ(store.error().message, "store " + db_path() +
                                       " has schema version 99 but this Sluice knows only up to "
                                       "version " +
                                       std::to_string(current_schema_version()) +
                                       " — upgrade Sluice");
}

TEST_F(SqliteStoreTest, JobsArePutReplacedAndGot) {
  auto store = open();
  Job running = job("j1", "f1", "2026-11-27T20:15:00.000Z");
  running.status = "running";
  ASSERT_TRUE(store->put_job(running));
  Job done = running;
  done.status = "completed";
  done.num_success = 5;
  done.ended_at = "2026-11-27T20:16:00.000Z";
  ASSERT_TRUE(store->put_job(done));
  auto got = store->get_job("j1");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->to_json(), done.to_json());
  EXPECT_FALSE(store->get_job("j2")->has_value());
  EXPECT_EQ(store->list_jobs("", 10)->size(), 1u);
}

TEST_F(SqliteStoreTest, ListJobsIsNewestFirstFilteredByFlowAndLimited) {
  auto store = open();
  ASSERT_TRUE(store->put_job(job("a", "f1", "2026-11-27T20:00:00.000Z")));
  ASSERT_TRUE(store->put_job(job("b", "f2", "2026-11-27T21:00:00.000Z")));
  ASSERT_TRUE(store->put_job(job("c", "f1", "2026-11-27T22:00:00.000Z")));
  ASSERT_TRUE(store->put_job(job("d", "f1", "2026-11-27T19:00:00.000Z")));
  EXPECT_EQ(ids_of(*store->list_jobs("", 10)), (std::vector<std::string>{"c", "b", "a", "d"}));
  EXPECT_EQ(ids_of(*store->list_jobs("f1", 10)), (std::vector<std::string>{"c", "a", "d"}));
  EXPECT_EQ(ids_of(*store->list_jobs("f1", 2)), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(ids_of(*store->list_jobs("f2", 10)), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(store->list_jobs("f3", 10)->empty());
  EXPECT_TRUE(store->list_jobs("f1", 0)->empty());
}

TEST_F(SqliteStoreTest, ErrorsAreListedOpenOldestFirstByFlowWithRetryData) {
  auto store = open();
  JobError resolved = job_error("e0", "f1", "2026-11-27T20:00:00.000Z");
  resolved.resolved = true;
  ASSERT_TRUE(store->add_errors({job_error("e2", "f1", "2026-11-27T20:02:00.000Z"),
                                 job_error("e1", "f1", "2026-11-27T20:01:00.000Z"),
                                 job_error("e3", "f2", "2026-11-27T20:03:00.000Z"), resolved}));
  auto errors = store->list_errors("f1", 10);
  ASSERT_TRUE(errors) << errors.error().message;
  EXPECT_EQ(ids_of(*errors), (std::vector<std::string>{"e1", "e2"}));
  EXPECT_EQ((*errors)[0].to_json(), job_error("e1", "f1", "2026-11-27T20:01:00.000Z").to_json());
  EXPECT_EQ((*errors)[0].retry_data,
            json::parse(R"({"email": "nope", "lines": [{"sku": "A", "qty": 2}]})"));
  EXPECT_EQ(ids_of(*store->list_errors("f1", 1)), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(ids_of(*store->list_errors("", 10)), (std::vector<std::string>{"e1", "e2", "e3"}));
}

TEST_F(SqliteStoreTest, AddingAnErrorAgainAsResolvedClosesIt) {
  auto store = open();
  JobError error = job_error("e1", "f1", "2026-11-27T20:01:00.000Z");
  ASSERT_TRUE(store->add_errors({error}));
  error.resolved = true;
  ASSERT_TRUE(store->add_errors({error}));
  EXPECT_TRUE(store->list_errors("f1", 10)->empty());
}

TEST_F(SqliteStoreTest, StateIsNullUntilPutAndThenOverwritten) {
  auto store = open();
  auto none = store->get_state("e1");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->is_null());
  ASSERT_TRUE(store->put_state("e1", json::parse(R"({"lastExportDateTime": "t1"})")));
  ASSERT_TRUE(store->put_state("e1", json::parse(R"({"lastExportDateTime": "t2", "page": 3})")));
  EXPECT_EQ(*store->get_state("e1"), json::parse(R"({"lastExportDateTime": "t2", "page": 3})"));
  EXPECT_TRUE(store->get_state("e2")->is_null());
}

TEST_F(SqliteStoreTest, ReopeningTheStoreSeesEverythingWrittenBefore) {
  const Resource connection = secret_connection();
  {
    auto store = open();
    ASSERT_TRUE(store->put_resources(
        {connection, resource(ResourceKind::kFlow, "f1", R"({"_id": "f1"})")}));
    ASSERT_TRUE(store->put_job(job("j1", "f1", "2026-11-27T20:00:00.000Z")));
    ASSERT_TRUE(store->add_errors({job_error("e1", "f1", "2026-11-27T20:01:00.000Z")}));
    ASSERT_TRUE(store->put_state("x1", json::value(42)));
  }
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(**store->get_resource(ResourceKind::kConnection, "c1", Secrets::kRevealed),
            connection.doc);
  EXPECT_EQ(ids_of(*store->list_resources(ResourceKind::kFlow, Secrets::kMasked)),
            (std::vector<std::string>{"f1"}));
  EXPECT_EQ((*store->get_job("j1"))->to_json(),
            job("j1", "f1", "2026-11-27T20:00:00.000Z").to_json());
  EXPECT_EQ(ids_of(*store->list_errors("f1", 10)), (std::vector<std::string>{"e1"}));
  EXPECT_EQ(*store->get_state("x1"), json::value(42));
}

TEST_F(SqliteStoreTest, ConcurrentWritersFromManyThreadsAreAllStored) {
  auto store = open();
  constexpr int kThreads = 4;
  constexpr int kJobsPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kJobsPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(store->put_job(job(id, "f1", "2026-11-27T20:00:00.000Z")));
        EXPECT_TRUE(store->get_job(id)->has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store->list_jobs("f1", 1000)->size(), static_cast<size_t>(kThreads * kJobsPerThread));
}

}  // namespace
}  // namespace sluice::host
