// The store's secret rules: sealed values bound to their resource and field, unbound values
// migrated at open, private files, key-file checks, and redaction on every write.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "secrets/redactor.hpp"
#include "store/secret_box.hpp"
#include "store/sqlite_schema.hpp"
#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::read_bytes;
using testing::StoreTest;

constexpr char kKey[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// Distinctive, with "-", "/" and "+" so the escaped forms differ from the raw one.
constexpr char kToken[] = "Tk9-echo/7Qm+Lw2-Xr8/Vb5+Nc1-Hs4/Jd6+Pf3u";

Resource connection(const std::string& id, const std::string& token) {
  return Resource{
      ResourceKind::kConnection,
      id,
      json::parse(R"({"_id":")" + id +
                  R"(","type":"http","http":{"auth":{"type":"token","token":{"token":")" + token +
                  R"("}}}})")
          .as_object(),
      {"http.auth.token.token"}};
}

// Runs SQL through a second connection, as another program would; returns the first column of
// the first row, if any.
std::string sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* prepared = nullptr;
  std::string result;
  EXPECT_EQ(sqlite3_prepare_v2(db, statement.c_str(), -1, &prepared, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  const int rc = sqlite3_step(prepared);
  EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
  if (rc == SQLITE_ROW && sqlite3_column_text(prepared, 0) != nullptr) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(prepared, 0));
  }
  sqlite3_finalize(prepared);
  sqlite3_close(db);
  return result;
}

unsigned mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class SecretStoreTest : public StoreTest {
 protected:
  std::unique_ptr<Store> open() {
    auto store = open_sqlite_store(home_.path());
    if (!store) ADD_FAILURE() << store.error().message;
    return store ? std::move(*store) : nullptr;
  }
  std::string db_path() const { return home_.file("sluice.db"); }
};

TEST_F(SecretStoreTest, ASealedSecretCopiedToAnotherConnectionDoesNotOpenThere) {
  {
    auto store = open();
    ASSERT_TRUE(store->put_resources(
        {connection("a", "token-of-a-1234"), connection("b", "token-of-b-5678")}));
  }
  // Move a's sealed token into b's document, in the file.
  const std::string doc_a = sql(db_path(), "SELECT doc FROM resources WHERE id = 'a'");
  ASSERT_NE(doc_a.find("v2:"), std::string::npos) << doc_a;
  json::value stolen = json::parse(doc_a);
  stolen.as_object()["_id"] = "b";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* update = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "UPDATE resources SET doc = ? WHERE id = 'b'", -1, &update, nullptr),
      SQLITE_OK);
  const std::string text = json::serialize(stolen);
  sqlite3_bind_text(update, 1, text.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(update), SQLITE_DONE);
  sqlite3_finalize(update);
  sqlite3_close(db);

  auto store = open();
  auto read = store->get_resource(ResourceKind::kConnection, "b", Secrets::kRevealed);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message,
            "store " + db_path() +
                ": connections/b: secret field http.auth.token.token: a secret could not be "
                "decrypted with the key from " +
                home_.file("secret.key") +
                ": the key has changed since the secret was stored, or the sealed text was "
                "altered or copied from another resource or field — use the original key, or "
                "re-apply the resources with their secret values");
  auto a = store->get_resource(ResourceKind::kConnection, "a", Secrets::kRevealed);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ((**a).at("http").at("auth").at("token").at("token"), "token-of-a-1234");
}

TEST_F(SecretStoreTest, ASealedSecretMovedToAnotherFieldDoesNotOpenThere) {
  {
    auto store = open();
    Resource two = connection("a", "token-of-a-1234");
    two.doc["http"].as_object()["password"] = "password-of-a";
    two.secret_paths.push_back("http.password");
    ASSERT_TRUE(store->put_resources({two}));
  }
  json::value doc = json::parse(sql(db_path(), "SELECT doc FROM resources WHERE id = 'a'"));
  doc.at_pointer("/http/password") = doc.at_pointer("/http/auth/token/token");
  sql(db_path(), "UPDATE resources SET doc = '" + json::serialize(doc) + "' WHERE id = 'a'");
  auto read = open()->get_resource(ResourceKind::kConnection, "a", Secrets::kRevealed);
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("connections/a: secret field http.password: a secret could "
                                      "not be decrypted"),
            std::string::npos)
      << read.error().message;
}

// A store as Sluice before v2 wrote it: schema version 1, secrets sealed without associated data.
TEST_F(SecretStoreTest, OpeningAStoreWithUnboundSecretsBindsEveryOneOfThemInPlace) {
  testing::ScopedEnv key("SLUICE_SECRET_KEY", kKey);
  {
    auto store = open();
    ASSERT_TRUE(store->put_resources({connection("a", "token-of-a-1234")}));
  }
  const SecretBox box(*parse_hex_key(kKey), "test");
  auto unbound_token = box.seal("\"token-of-a-1234\"");
  auto unbound_check = box.seal("sluice key check");
  ASSERT_TRUE(unbound_token && unbound_check);
  sql(db_path(),
      R"(UPDATE resources SET doc = '{"_id":"a","type":"http","http":{"auth":{"type":"token",)"
      R"("token":{"token":{"$sluiceSecret":")" +
          unbound_token->substr(3) + R"("}}}}}' WHERE id = 'a')");
  sql(db_path(), "UPDATE key_check SET sealed = '" + unbound_check->substr(3) + "'");
  sql(db_path(), "UPDATE schema_version SET version = 1");

  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(sql(db_path(), "SELECT version FROM schema_version"),
            std::to_string(current_schema_version()));
  const std::string doc = sql(db_path(), "SELECT doc FROM resources WHERE id = 'a'");
  const std::string sealed(
      json::parse(doc).at_pointer("/http/auth/token/token/$sluiceSecret").as_string());
  EXPECT_TRUE(sealed.starts_with("v2:")) << sealed;
  EXPECT_TRUE(sql(db_path(), "SELECT sealed FROM key_check").starts_with("v2:"));
  auto read = store->get_resource(ResourceKind::kConnection, "a", Secrets::kRevealed);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ((**read).at("http").at("auth").at("token").at("token"), "token-of-a-1234");
}

TEST_F(SecretStoreTest, UnboundSecretsUnderAnotherKeyAreNotRewritten) {
  testing::ScopedEnv key("SLUICE_SECRET_KEY", kKey);
  ASSERT_TRUE(open());
  const SecretBox other(*parse_hex_key(std::string(64, 'e')), "other");
  sql(db_path(),
      "UPDATE key_check SET sealed = '" + other.seal("sluice key check")->substr(3) + "'");
  sql(db_path(), "UPDATE schema_version SET version = 1");
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("its secrets could not be decrypted with the key from "
                                       "$SLUICE_SECRET_KEY"),
            std::string::npos)
      << store.error().message;
  EXPECT_EQ(sql(db_path(), "SELECT version FROM schema_version"), "1");
}

TEST_F(SecretStoreTest, AnExistingOpenHomeAndStoreFilesBecomePrivate) {
  ASSERT_TRUE(open());
  fs::permissions(home_.path(), fs::perms(0755));
  fs::permissions(db_path(), fs::perms(0644));
  { std::ofstream(db_path() + "-wal", std::ios::app); }
  fs::permissions(db_path() + "-wal", fs::perms(0666));
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(mode_of(home_.path()), 0700u);
  EXPECT_EQ(mode_of(db_path()), 0600u);
  EXPECT_EQ(mode_of(db_path() + "-wal"), 0600u);
  EXPECT_EQ(mode_of(db_path() + "-shm"), 0600u);
  EXPECT_EQ(mode_of(home_.file("secret.key")), 0600u);
}

TEST_F(SecretStoreTest, StoreFilesAreCreatedPrivateWhateverTheUmask) {
  const mode_t old = ::umask(0);
  auto store = open_sqlite_store(home_.file("new-home"));
  ::umask(old);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->put_resources({connection("a", "token-of-a-1234")}));
  EXPECT_EQ(mode_of(home_.file("new-home")), 0700u);
  for (const char* file : {"sluice.db", "sluice.db-wal", "sluice.db-shm", "secret.key"}) {
    EXPECT_EQ(mode_of(home_.file("new-home") + "/" + file), 0600u) << file;
  }
}

TEST_F(SecretStoreTest, AKeyFileOthersCanReadIsRefusedAsSshRefusesOne) {
  ASSERT_TRUE(open());
  const std::string key = home_.file("secret.key");
  for (const unsigned mode : {0644u, 0640u, 0604u, 0620u, 0602u}) {
    fs::permissions(key, fs::perms(mode));
    auto store = open_sqlite_store(home_.path());
    ASSERT_FALSE(store) << mode;
    EXPECT_EQ(store.error().message,
              fmt::format("key file {} has mode {:04o}: it must not be readable or writable by "
                          "group or others (anyone who can read it can read every stored "
                          "secret) — run `chmod 600 {}`; if others may already have read it, "
                          "also rotate the secrets stored with it",
                          key, mode, key));
  }
  fs::permissions(key, fs::perms(0400));
  EXPECT_TRUE(open_sqlite_store(home_.path()));
}

TEST_F(SecretStoreTest, AMissingKeyBesideAnExistingStoreIsAnErrorAndNoNewKeyIsMade) {
  ASSERT_TRUE(open()->put_resources({connection("a", "token-of-a-1234")}));
  fs::remove(home_.file("secret.key"));
  auto store = open_sqlite_store(home_.path());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message,
            "the key of the existing store in " + home_.path() + " was expected in " +
                home_.file("secret.key") +
                ", which does not exist — restore that file (mode 0600), or set "
                "$SLUICE_SECRET_KEY to the key the store was written with (64 hexadecimal "
                "digits); a new key cannot read the stored secrets, so none is made");
  EXPECT_FALSE(fs::exists(home_.file("secret.key")));
}

JobError echoing_error(int i, const std::string& token) {
  JobError error;
  error.id = "e" + std::to_string(i);
  error.job_id = "j1";
  error.flow_id = "f";
  error.step_id = "sink";
  error.code = "rejected " + token;
  std::string escaped = token;
  for (size_t pos = escaped.find('/'); pos != std::string::npos; pos = escaped.find('/', pos + 2))
    escaped.replace(pos, 1, "\\/");
  error.message =
      "HTTP 422: {\"error\":\"bad token " + escaped + "\"} and cut " + token.substr(0, 20) + "...";
  error.occurred_at = "2026-12-01T00:00:00.000Z";
  error.retry_data = json::parse(R"({"id":"ORD-1","note":")" + token + R"("})");
  return error;
}

TEST_F(SecretStoreTest, ErrorsAndJobsEchoingASecretAreStoredRedacted) {
  auto store = open();
  ASSERT_TRUE(store->put_resources({connection("api", kToken)}));
  std::vector<JobError> errors;
  for (int i = 0; i < 2000; ++i) errors.push_back(echoing_error(i, kToken));
  ASSERT_TRUE(store->add_errors(errors));
  Job job;
  job.id = "j1";
  job.flow_id = "f";
  job.status = "failed";
  job.started_at = "2026-12-01T00:00:00.000Z";
  job.message = std::string("GET /api/orders: HTTP 500: token=") + kToken;
  ASSERT_TRUE(store->put_job(job));

  auto listed = store->list_errors("f", 5000);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2000u);
  EXPECT_EQ((*listed)[0].code, "rejected ******");
  EXPECT_EQ((*listed)[0].message, "HTTP 422: {\"error\":\"bad token ******\"} and cut ******...");
  EXPECT_EQ((*listed)[0].retry_data, json::parse(R"({"id":"ORD-1","note":"******"})"));
  EXPECT_EQ((*store->get_job("j1"))->message, "GET /api/orders: HTTP 500: token=******");
  store.reset();
  for (const char* file : {"sluice.db", "sluice.db-wal"}) {
    const std::string bytes = read_bytes(home_.file(file));
    EXPECT_EQ(bytes.find(std::string(kToken).substr(0, 12)), std::string::npos) << file;
  }
}

TEST_F(SecretStoreTest, ABasicAuthHeaderEchoedBackIsStoredRedactedWhole) {
  auto store = open();
  ASSERT_TRUE(store->put_resources(
      {Resource{ResourceKind::kConnection,
                "basic",
                json::parse(R"({"_id":"basic","type":"http","http":{"auth":{"type":"basic",
          "basic":{"username":"someone@example.com","password":"Pw-basic/9+echo"}}}})")
                    .as_object(),
                {"http.auth.basic.password"}}}));
  JobError error = echoing_error(1, "x");
  // base64("someone@example.com:Pw-basic/9+echo")
  error.message = "you sent Authorization: Basic c29tZW9uZUBleGFtcGxlLmNvbTpQdy1iYXNpYy85K2VjaG8=";
  ASSERT_TRUE(store->add_errors({error}));
  auto listed = store->list_errors("f", 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].message, "you sent Authorization: Basic ******");
}

}  // namespace
}  // namespace sluice::host
