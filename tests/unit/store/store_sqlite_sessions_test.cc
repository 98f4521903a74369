// SqliteStore: portal sessions.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/sqlite_schema.h"
#include "store/sqlite_store_fixture.h"
#include "store/store_sqlite.h"

namespace webjobs {
namespace {

using testing::At;

class SqliteStoreSessionsTest : public testing::SqliteStoreFixture {
 protected:
  // A session keyed by 64 copies of `digit`, created at `created` and last
  // seen at `last_seen` (microseconds).
  static SessionRecord Session(char digit, const std::string& user, int64_t created,
                               int64_t last_seen) {
    return SessionRecord{std::string(64, digit), user, std::string(64, 'c'), At(created),
                         At(last_seen)};
  }

  static UserRecord User(const std::string& name, const std::string& password_hash) {
    return UserRecord{name, password_hash, "operate", At(1), At(1)};
  }

  bool Exists(char digit) {
    Result<std::optional<SessionRecord>> record = store_->GetSession(std::string(64, digit));
    EXPECT_TRUE(record.ok()) << record.error().message;
    return record.ok() && record->has_value();
  }
};

TEST_F(SqliteStoreSessionsTest, SessionSurvivesReopening) {
  SessionRecord session = Session('a', "alice", 1'000'000, 2'000'000);
  ASSERT_TRUE(store_->PutSession(session).ok());
  store_ = Open();
  Result<std::optional<SessionRecord>> read = store_->GetSession(session.id_hash);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, session);
}

TEST_F(SqliteStoreSessionsTest, UnknownSessionIsNullopt) {
  Result<std::optional<SessionRecord>> read = store_->GetSession(std::string(64, 'f'));
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_FALSE(read->has_value());
}

TEST_F(SqliteStoreSessionsTest, TouchSetsLastSeenOnly) {
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1'000'000, 1'000'000)).ok());
  ASSERT_TRUE(store_->TouchSession(std::string(64, 'a'), At(9'000'000)).ok());
  Result<std::optional<SessionRecord>> read = store_->GetSession(std::string(64, 'a'));
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->last_seen, At(9'000'000));
  EXPECT_EQ((*read)->created, At(1'000'000));
  EXPECT_EQ((*read)->user, "alice");
}

TEST_F(SqliteStoreSessionsTest, TouchOfUnknownSessionSucceeds) {
  EXPECT_TRUE(store_->TouchSession(std::string(64, 'e'), At(5)).ok());
  EXPECT_FALSE(Exists('e'));
}

TEST_F(SqliteStoreSessionsTest, DeleteSessionSaysWhetherItExisted) {
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1, 1)).ok());
  Result<bool> first = store_->DeleteSession(std::string(64, 'a'));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  Result<bool> second = store_->DeleteSession(std::string(64, 'a'));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_FALSE(Exists('a'));
}

TEST_F(SqliteStoreSessionsTest, TrimDeletesIdleAndOldSessions) {
  ASSERT_TRUE(store_->PutSession(Session('1', "alice", 50, 50)).ok());   // idle
  ASSERT_TRUE(store_->PutSession(Session('2', "alice", 10, 900)).ok());  // too old
  ASSERT_TRUE(store_->PutSession(Session('3', "alice", 500, 900)).ok());
  ASSERT_TRUE(store_->PutSession(Session('4', "bob", 100, 100)).ok());  // on both limits

  Result<std::vector<std::string>> trimmed = store_->TrimSessions(At(100), At(100), 10);
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  std::vector<std::string> deleted = *trimmed;
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<std::string>{std::string(64, '1'), std::string(64, '2')}));
  EXPECT_TRUE(Exists('3'));
  EXPECT_TRUE(Exists('4'));
}

TEST_F(SqliteStoreSessionsTest, TrimKeepsMostRecentlySeen) {
  ASSERT_TRUE(store_->PutSession(Session('1', "alice", 1, 300)).ok());
  ASSERT_TRUE(store_->PutSession(Session('2', "alice", 1, 100)).ok());
  ASSERT_TRUE(store_->PutSession(Session('3', "alice", 1, 200)).ok());

  Result<std::vector<std::string>> trimmed = store_->TrimSessions(At(0), At(0), 2);
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  EXPECT_EQ(*trimmed, (std::vector<std::string>{std::string(64, '2')}));
  EXPECT_TRUE(Exists('1'));
  EXPECT_TRUE(Exists('3'));

  trimmed = store_->TrimSessions(At(0), At(0), 0);
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  EXPECT_EQ(trimmed->size(), 2u);
  EXPECT_FALSE(Exists('1'));
}

TEST_F(SqliteStoreSessionsTest, DeletingUserDeletesItsSessions) {
  ASSERT_TRUE(store_->PutUser(User("alice", "hash-a")).ok());
  ASSERT_TRUE(store_->PutUser(User("bob", "hash-b")).ok());
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1, 1)).ok());
  ASSERT_TRUE(store_->PutSession(Session('b', "bob", 1, 1)).ok());
  Result<bool> deleted = store_->DeleteUser("ALICE");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_TRUE(*deleted);
  EXPECT_FALSE(Exists('a'));
  EXPECT_TRUE(Exists('b'));
}

TEST_F(SqliteStoreSessionsTest, NewPasswordDeletesUsersSessions) {
  ASSERT_TRUE(store_->PutUser(User("alice", "hash-a")).ok());
  ASSERT_TRUE(store_->PutUser(User("bob", "hash-b")).ok());
  ASSERT_TRUE(store_->PutSession(Session('a', "Alice", 1, 1)).ok());
  ASSERT_TRUE(store_->PutSession(Session('b', "bob", 1, 1)).ok());
  ASSERT_TRUE(store_->PutUser(User("alice", "hash-a2")).ok());
  EXPECT_FALSE(Exists('a'));
  EXPECT_TRUE(Exists('b'));
}

TEST_F(SqliteStoreSessionsTest, RoleChangeKeepsSessions) {
  ASSERT_TRUE(store_->PutUser(User("alice", "hash-a")).ok());
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1, 1)).ok());
  UserRecord admin = User("alice", "hash-a");
  admin.role = "admin";
  ASSERT_TRUE(store_->PutUser(admin).ok());
  EXPECT_TRUE(Exists('a'));
}

TEST_F(SqliteStoreSessionsTest, SessionChangesKeepCredentialsVersion) {
  Result<uint64_t> before = store_->CredentialsVersion();
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1, 1)).ok());
  ASSERT_TRUE(store_->TouchSession(std::string(64, 'a'), At(2)).ok());
  ASSERT_TRUE(store_->DeleteSession(std::string(64, 'a')).ok());
  Result<uint64_t> after = store_->CredentialsVersion();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after, *before);
}

// A file of schema version 3 keeps its users and gets the sessions table.
TEST_F(SqliteStoreSessionsTest, MigratesVersionThreeFile) {
  ASSERT_TRUE(store_->PutUser(User("alice", "hash-a")).ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "webjobs.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DROP TABLE sessions; PRAGMA user_version = 3;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);

  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_GE(LatestSqliteSchemaVersion(), 4);
  Result<std::optional<UserRecord>> user = store_->GetUser("alice");
  ASSERT_TRUE(user.ok()) << user.error().message;
  ASSERT_TRUE(user->has_value());
  ASSERT_TRUE(store_->PutSession(Session('a', "alice", 1, 1)).ok());
  EXPECT_TRUE(Exists('a'));
}

}  // namespace
}  // namespace webjobs
