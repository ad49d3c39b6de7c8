// A connection's state (sealed, bound to its key, redacted) and its online status in the store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include "secrets/redactor.hpp"
#include "store/connection_state.hpp"
#include "store/store.hpp"
#include "store/test_home.hpp"

namespace sluice::host {
namespace {

namespace json = boost::json;
using testing::StoreTest;

constexpr char kAccessToken[] = "at-Qz7+Lm2/Rw9-state-token";

std::string sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* prepared = nullptr;
  std::string result;
  EXPECT_EQ(sqlite3_prepare_v2(db, statement.c_str(), -1, &prepared, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  if (sqlite3_step(prepared) == SQLITE_ROW && sqlite3_column_text(prepared, 0) != nullptr) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(prepared, 0));
  }
  sqlite3_finalize(prepared);
  sqlite3_close(db);
  return result;
}

class ConnectionStateTest : public StoreTest {
 protected:
  void SetUp() override {
    auto opened = open_sqlite_store(home_.path());
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ConnectionStateTest, AStateDocumentReadsBackAsWrittenAndIsSealedInTheFile) {
  auto access = connection_state_access(*store_, "c1");
  const std::string doc =
      json::serialize(json::object{{"accessToken", kAccessToken}, {"expiresAt", 1234567}});
  ASSERT_TRUE(access->put("auth", doc));
  auto read = access->get("auth");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, doc);
  const std::string at_rest =
      sql(home_.file("sluice.db"),
          "SELECT doc FROM state WHERE export_id = 'connection/c1/state/auth'");
  EXPECT_NE(at_rest.find("\"$sluiceSecret\":\"v2:"), std::string::npos) << at_rest;
  EXPECT_EQ(at_rest.find("at-Qz7"), std::string::npos) << at_rest;
}

TEST_F(ConnectionStateTest, EveryStringOfAStoredStateIsRedactedButNumbersAreNot) {
  auto access = connection_state_access(*store_, "c1");
  ASSERT_TRUE(
      access->put("auth", R"({"refreshToken":"rt-Hv3+Kp8/state-refresh","expiresAt":987654321})"));
  EXPECT_EQ(Redactor::process().redact("sent rt-Hv3+Kp8/state-refresh at 987654321"),
            "sent ****** at 987654321");
}

TEST_F(ConnectionStateTest, AMissingStateReadsAsNullAndNullDeletesOne) {
  auto access = connection_state_access(*store_, "c1");
  EXPECT_EQ(*access->get("auth"), "null");
  ASSERT_TRUE(access->put("auth", R"({"accessToken":"at-delete-me-1234"})"));
  ASSERT_TRUE(access->put("auth", "null"));
  EXPECT_EQ(*access->get("auth"), "null");
}

TEST_F(ConnectionStateTest, AStateSealedForOneConnectionDoesNotOpenForAnother) {
  ASSERT_TRUE(
      connection_state_access(*store_, "a")->put("auth", R"({"accessToken":"at-of-a-9876"})"));
  // Copy a's sealed state under b's key, in the file.
  const std::string path = home_.file("sluice.db");
  const std::string sealed =
      sql(path, "SELECT doc FROM state WHERE export_id = 'connection/a/state/auth'");
  sql(path,
      "INSERT INTO state (export_id, doc) VALUES ('connection/b/state/auth', '" + sealed + "')");
  auto read = connection_state_access(*store_, "b")->get("auth");
  ASSERT_FALSE(read);
  EXPECT_NE(read.error().message.find("state 'connection/b/state/auth'"), std::string::npos)
      << read.error().message;
}

TEST_F(ConnectionStateTest, AConnectionIsOnlineUntilMarkedOfflineWithItsReasonRedacted) {
  EXPECT_FALSE(*connection_offline(*store_, "c1"));
  Redactor::process().add_secret("pw-offline-secret-42");
  ASSERT_TRUE(mark_connection_offline(*store_, "c1", "HTTP 401 for pw-offline-secret-42"));
  auto offline = connection_offline(*store_, "c1");
  ASSERT_TRUE(offline && *offline);
  EXPECT_EQ((*offline)->reason, "HTTP 401 for ******");
  EXPECT_EQ((*offline)->since.size(), std::string("2026-12-01T12:00:00.123Z").size());
  EXPECT_FALSE(*connection_offline(*store_, "c2")) << "another connection stays online";
}

TEST_F(ConnectionStateTest, MarkingAnOfflineConnectionAgainKeepsSinceAndTakesTheNewReason) {
  ASSERT_TRUE(mark_connection_offline(*store_, "c1", "first"));
  const std::string since = (*connection_offline(*store_, "c1"))->since;
  ASSERT_TRUE(mark_connection_offline(*store_, "c1", "second"));
  auto offline = *connection_offline(*store_, "c1");
  EXPECT_EQ(offline->since, since);
  EXPECT_EQ(offline->reason, "second");
}

TEST_F(ConnectionStateTest, MarkingOnlineClearsTheOfflineMark) {
  auto access = connection_state_access(*store_, "c1");
  access->mark_offline("HTTP 401");
  EXPECT_TRUE(*connection_offline(*store_, "c1"));
  access->mark_online();
  EXPECT_FALSE(*connection_offline(*store_, "c1"));
}

TEST_F(ConnectionStateTest, TheOfflineErrorNamesTheConnectionSinceReasonAndWhatToDo) {
  const Error error =
      offline_error("shop", ConnectionOffline{"2026-12-01T10:00:00.000Z", "HTTP 401"});
  EXPECT_EQ(error.status, Status::kAuthFailed);
  EXPECT_EQ(error.message,
            "connection shop is offline since 2026-12-01T10:00:00.000Z: HTTP 401 — its "
            "credentials were refused even after renewing them, so nothing was sent; fix its "
            "auth settings and `sluice apply` them, or run `sluice connection authorize shop` for "
            "an OAuth authorization code connection, then `sluice ping shop` (or `sluice "
            "connection test shop`) brings it back online");
}

}  // namespace
}  // namespace sluice::host
